"""The place word lists of every reader, side by side: the rules' gazetteer (``ner.lexicon.places``),
the region normaliser (``ner.normalize.regions``), the augmentation (``ner.data.augment``) and the corpus
readers' region filter (``ner.data.corpora.regions``). They differ by purpose; each list says what it is
for and how it differs from its neighbours. The names themselves (cpca's divisions) are parsed once in
``ner.lexicon.cpca``."""
from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# The rules' gazetteer (``ner.lexicon.places.Gazetteer``): which names count as places in running text

MACRO_REGIONS = (
    "中国", "粤港澳大湾区", "长三角", "珠三角", "京津冀", "成渝", "港澳", "港澳台", "长江经济带",
    "长江三角洲", "珠江三角洲", "珠江口西岸", "华东", "华南", "华北", "华中", "西南", "西北", "东北",
    "环渤海", "海峡西岸", "淮海", "亚太", "中国大陆",  # (大湾区 alone: the seeds leave it untagged)
)

# Names of countries that news uses and CLDR does not list (short forms, and 蒙古国 where CLDR has 蒙古), then of regions.
COUNTRY_FORMS = ("印尼", "阿联酋", "沙特", "新西兰", "蒙古国")
COUNTRY_SHORT_FORMS = COUNTRY_FORMS + ("拉美", "澳洲", "中东", "北美", "南美", "西欧", "东欧", "欧美", "东盟")
# CLDR names that are common words, parts of words or ambiguous in Chinese news: 中非 (China-Africa),
# 加纳 (增加纳税), 海地 (沿海地区), 多哥, 乍得, 马里, 汤加, 智利, 巴林 (巴林右旗), 世界; CLDR placeholders.
# CLDR time-zone cities that are also persons' names, common words or brands (万象城, 达尔文), or too obscure to tell
WORLD_CITY_STOP = frozenset(("万象", "达尔文", "斯坦利", "林德曼", "道森", "诺姆", "朱诺", "威克", "汉德加", "凤凰城", "图勒", "努克",
                             "贝伦", "可可斯", "甘比尔", "法罗", "梅里达", "大坎普", "塔希提", "未知地点", "开曼", "萨马拉",
                             "西班牙港", "卡宴", "亚丁", "台北"))  # 西班牙港口, 保时捷卡宴, 稻城亚丁; 台北 is 台湾's
# Places abroad that news names and CLDR's time-zone cities lack: US states' short forms (德州 is 山东's city: 得州), 阿布扎比.
ABROAD_NAMES = ("加州", "得州", "阿布扎比")
# A first-level division abroad right after its country (美国北卡罗来纳州, 德国图林根州, 泰国罗勇府, 印尼中苏拉威西省,
# 匈牙利德布勒森市): a name in the characters of transliteration (those of CLDR's Chinese country and city names, which
# ``ner.lexicon.places.foreign_name_chars`` reads, and FOREIGN_NAME_EXTRA), ending in one of ABROAD_DIVISION_SUFFIXES;
# FOREIGN_NAME_STOP are characters of those names that are also Chinese function words or administrative words
# (美国的州, 日本市场 name no division).
ABROAD_DIVISION_SUFFIXES = "州省府郡邦市"
FOREIGN_NAME_EXTRA = "扎勇田佐歇亥阪略汀"
FOREIGN_NAME_STOP = "的和及与在向合共联行政市区部领属世界时州省府郡邦国首上下大各都城（）-·"  # 纳斯达克上市, 大城市, 各州
TERRITORY_STOP = frozenset(("世界", "中非", "加纳", "海地", "多哥", "乍得", "马里", "汤加", "智利", "巴林", "美洲北部",
                            "南部非洲", "未知地区", "伪地区", "伪双向语言地区", "大洋洲边远群岛"))
# Administrative suffixes stripped for short forms, longest first. The remainder must keep >= 2 chars.
ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "区", "县", "旗", "盟")
ZONE_SUFFIXES = (
    "经济技术开发区", "高新技术产业开发区", "高新技术开发区", "经济开发区", "综合保税区", "自由贸易试验区",
    "经开区", "高新区", "保税区", "自贸区", "开发区", "工业园区", "工业园", "新区",
)
# Full names that are also generic words.
FULL_NAME_STOP = frozenset({"市辖区", "县", "城区", "郊区", "矿区", "东区", "西区", "新县", "南县", "和县", "高县",
                            "代县", "任县", "新市区", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# Short forms that are common words or brands. Built by checking every county/district short form
# against a general Chinese word list (jieba's dictionary: entries with a non-place part of speech),
# then reviewed by hand; place names that happen to be mis-tagged there (桂林, 大连...) were kept.
SHORT_FORM_STOP = frozenset("""
资源 合作 和平 武功 比如 南部 解放 东方 前进 港口 公安 友好 通道 共和 城中 友谊 平安 中方 凤凰 安定 延长 新兴 运河
万年 东风 红旗 南岸 城北 城南 城东 城西 会同 工农 大名 富裕 清水 高明 前锋 复兴 长子 清新 宏伟 平定 芙蓉 洞口 阿里
太和 温泉 石门 向阳 振兴 三元 大方 互助 新华 建平 威信 莲花 平和 名山 黄龙 六合 龙泉 白云 全州 桃源 当阳 建华 三门
大观 永和 二七 台前 金山 方城 石棉 丰满 永福 永新 双桥 月湖 高台 九龙 二道 无为 河间 民权 小店 同心 宝塔 元宝 平房
太白 定远 白玉 灯塔 大兴 木兰 天涯 七星 海棠 博爱 同仁 回民 钟楼 红星 方正 黑水 安居 龙凤 鼓楼 大通 麒麟 富民 清流
水城 紫金 老城 新城 爱民 惠民 和顺 上高 天台 阳明 开化 天心 金沙 天元 方山 新会 宝山 五台 民乐 铜鼓 兴业 大厂 大安
金牛 三台 路南 白塔 古塔 石台 磐石 万全 三水 石鼓 官渡 光明 长安 朝阳 江南 江北 河东 河西 新市 市中 城关 先锋 胜利
建设 团结 红山 青山 东山 西山 南山 北山 日照 来宾 白银 长寿 安宁 新民 海港 开发 高新 中原 南沙 新区 港区
""".split())


# ---------------------------------------------------------------------------------------------
# The region normaliser (``ner.normalize.regions``)

# Zone suffixes, surface -> the full suffix of the canonical name. Wider than the rules' ``ZONE_SUFFIXES``
# (it also reads 综保区, 自贸试验区, 保税港区, 产业集聚区... once the rules or the model found the span)
# and a mapping, since the canonical name spells the suffix out (经开区 -> 经济技术开发区); the rules'
# tuple decides what text becomes a span, so widening it would change the predictions.
NORMALIZE_ZONE_SUFFIXES = {
    "经济技术开发区": "经济技术开发区", "经开区": "经济技术开发区", "经济开发区": "经济开发区",
    "高新技术产业开发区": "高新技术产业开发区", "高新技术开发区": "高新技术产业开发区",
    "高新区": "高新技术产业开发区", "高新技术产业园区": "高新技术产业园区",
    "综合保税区": "综合保税区", "综保区": "综合保税区", "保税港区": "保税港区", "保税区": "保税区",
    "自由贸易试验区": "自由贸易试验区", "自贸试验区": "自由贸易试验区", "自贸区": "自由贸易试验区",
    "工业园区": "工业园区", "产业集聚区": "产业集聚区", "产业开发区": "产业开发区",
    "开发区": "开发区", "新区": "新区",
}


# ---------------------------------------------------------------------------------------------
# The augmentation (``ner.data.augment``)

# What a macro region or a country is replaced by, drawn at random (the order is part of the seeded
# output). Not the rules' ``MACRO_REGIONS``: a pool of replacements mixes macro regions with countries
# (the rules take those from CLDR) and says 成渝地区 where the rules' gazetteer lists the name 成渝.
AUGMENT_MACRO_REGIONS = (
    "中国", "粤港澳大湾区", "长三角", "珠三角", "京津冀", "成渝地区", "长江经济带", "华东", "华南", "华北",
    "华中", "西南", "西北", "东北", "美国", "德国", "日本", "韩国", "新加坡", "越南", "泰国", "印尼", "欧洲",
)


# ---------------------------------------------------------------------------------------------
# The corpus readers' region filter (``ner.data.corpora.regions``): which place mentions of a public
# corpus are regions in our sense, and which names a corpus may have left unlabelled. Suffix lists on
# purpose, not the gazetteer: a corpus mention is judged by its shape (a street, a building, a village
# are places there but not REGION here), whatever the gazetteer's coverage.

#: A mention ending in one of these is an administrative unit or a zone: kept (unless a keyword below hits).
REGION_SUFFIXES: tuple[str, ...] = (
    "省", "市", "区", "县", "州", "旗", "盟", "镇", "乡", "街道", "自治区", "特别行政区", "新区", "开发区",
    "高新区", "经开区", "保税区", "自贸区", "试验区", "示范区",
)
#: A mention ending in one of these is a street, building, village, venue or natural feature: dropped.
NON_REGION_SUFFIXES: tuple[str, ...] = (
    "路", "街", "大道", "道", "巷", "弄", "胡同", "号", "村", "屯", "组", "社区", "小区", "大厦", "广场",
    "楼", "层", "室", "座", "栋", "单元", "苑", "园", "花园", "公寓", "别墅", "庭", "府", "居", "湾", "城",
    "酒店", "饭店", "宾馆", "会所", "馆", "医院", "学校", "大学", "学院", "中学", "小学", "站", "机场",
    "码头", "桥", "店", "超市", "商场", "中心", "寺", "庙", "宫", "塔", "墓", "公园", "景区", "基地",
    "厂", "场", "院", "所", "部", "处", "口", "地段", "地带", "一带", "附近", "周边", "对面", "旁",
    "侧", "内", "外", "前", "后", "上", "下", "山", "峰", "岭", "河", "江", "湖", "海", "岛", "滩",
    "洞", "泉", "瀑布", "沟", "坝", "楼盘", "项目", "线", "环", "米", "所在地", "栈", "厅", "关", "房", "坊",
    "地", "畔", "台", "漠", "丛林", "端", "游",
)
#: Names that end like a non-region but are regions (checked first).
REGION_EXCEPTIONS: frozenset[str] = frozenset(
    "上海 北海 珠海 威海 青海 临海 东海 南海 香港 台湾 青岛 浙江 黑龙江 镇江 九江 内江 湛江 丽江 阳江 吴江 "
    "晋江 松江 浦江 靖江 芜湖 巢湖 漯河 黑河 平谷 阳泉 酒泉 龙泉 河口 海口 汉口 营口 周口 张家口 佛山 中山 "
    "黄山 鞍山 唐山 乐山 昆山 舟山 萧山 保山 眉山 白山 鹤山 象山 房山 宝山 石景山 马鞍山 平顶山 井冈山 聊城 "
    "晋城 盐城 运城 诸城 邹城 宣城 襄城 海城 恭城 汉城 墨西哥城 四川 银川 桃园 潍坊 釜山 蔚山 旧金山 冰岛 广岛 "
    "龙口".split()
)

#: Province-level names (short forms) and world regions, always part of ``default_region_names()``.
BUILTIN_REGION_NAMES: frozenset[str] = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
    "贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国 美国 日本 英国 法国 德国 意大利 "
    "俄罗斯 韩国 朝鲜 印度 澳大利亚 加拿大 西班牙 巴西 墨西哥 越南 泰国 新加坡 马来西亚 印尼 菲律宾 伊朗 伊拉克 "
    "以色列 埃及 南非 荷兰 瑞士 瑞典 挪威 芬兰 丹麦 波兰 希腊 土耳其 乌克兰 亚洲 欧洲 非洲 美洲 大洋洲 中东 "
    "东南亚 长三角 珠三角 粤港澳大湾区 京津冀".split()
)

