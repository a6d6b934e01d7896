"""Which place mentions of a corpus are regions in our sense, and which region names a corpus may have
left unlabelled (they stop a sentence from claiming REGION)."""
from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from ner.data.corpora.address import _short_forms, gazetteer_from_address_corpus

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
#: Anywhere in a mention, these make it a street address, a building, a relative location or a body.
_STRUCTURE = re.compile(
    r"[0-9０-９A-Za-zＡ-Ｚａ-ｚ·•、，,（(]|大厦|小区|广场|大楼|村|巷|弄|胡同|酒店|饭店|宾馆|医院|学校|大学|"
    r"附近|对面|旁边|门前|门口|楼下|以[东南西北]|之间|交汇|交叉|位于|.{2,}的|[路街桥](?:[东南西北](?!区)|口|边|旁|段)|"
    r"政府|委员会|项目|工地|高速|(?:[委局厅办]|街区|商务区|商业区|购物区|核心区|工业区|园区|景区|区域|地区|流域|"
    r"海域|水域|经济圈|经济带|超市|校区|功能区|片区|社区|汽配区|山脉)$"
)


def is_region_mention(mention: str) -> bool:
    """Whether a place mention is a region in our sense (country, province, city, district, county,
    town, named zone) rather than a street, building, village, venue or natural feature.

    The rule: a name of ``REGION_EXCEPTIONS`` (上海, 青岛, 佛山, ...: regions that end like non-regions)
    is kept; a mention holding a digit, a Latin letter or a structure keyword (大厦, 小区, 村, 附近, 的,
    政府, 局, a trailing 街区/商务区/地区/流域, ...) is dropped; then one ending in ``REGION_SUFFIXES`` or
    in an exception (广东佛山) is kept and one ending in ``NON_REGION_SUFFIXES`` (路, 街, 号, 楼, 山, 江,
    湖, ...) is dropped; anything else (美国, 巴黎, 长三角) is kept. Dropping a real region is cheap (the
    reader then stops claiming REGION for that sentence); keeping a street is noise in the labels.
    """
    m = mention.strip().strip("“”\"'《》（）()「」")
    if not m:
        return False
    if m in REGION_EXCEPTIONS:
        return True
    if _STRUCTURE.search(m):
        return False
    if any(m.endswith(s) for s in REGION_SUFFIXES) or any(m.endswith(x) for x in REGION_EXCEPTIONS):
        return True
    if any(m.endswith(s) for s in NON_REGION_SUFFIXES):
        return False
    return True


# --- region names: places a corpus may have left unlabelled -----------------------------------------

#: Province-level names (short forms) and world regions, always part of ``default_region_names()``.
BUILTIN_REGION_NAMES: frozenset[str] = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
    "贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 中国 美国 日本 英国 法国 德国 意大利 "
    "俄罗斯 韩国 朝鲜 印度 澳大利亚 加拿大 西班牙 巴西 墨西哥 越南 泰国 新加坡 马来西亚 印尼 菲律宾 伊朗 伊拉克 "
    "以色列 埃及 南非 荷兰 瑞士 瑞典 挪威 芬兰 丹麦 波兰 希腊 土耳其 乌克兰 亚洲 欧洲 非洲 美洲 大洋洲 中东 "
    "东南亚 长三角 珠三角 粤港澳大湾区 京津冀".split()
)


@lru_cache(maxsize=4)
def default_region_names(address_path: str | None = None) -> frozenset[str]:
    """``BUILTIN_REGION_NAMES`` plus, when the address corpus is present, its province and city names
    with their short forms (山东省, 山东, 青岛市, 青岛) and its district names of three or more characters."""
    gaz = gazetteer_from_address_corpus(address_path, splits=("train",))
    names = set(BUILTIN_REGION_NAMES) | _short_forms(gaz["prov"] | gaz["city"])
    names |= {n for n in gaz["district"] if len(n) >= 3}
    return frozenset(n for n in names if 2 <= len(n) <= 12)


def _names(region_names: Collection[str] | None) -> tuple[Collection[str], int]:
    names = default_region_names() if region_names is None else region_names
    return names, max((len(x) for x in names), default=0)
