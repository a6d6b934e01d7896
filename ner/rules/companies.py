"""COMPANY candidates: legal-form suffixes and the name before them, nationally known firms, and the
items of a list that names a company; and the veto of names that are not companies by form
(``is_non_company``). See ``ner.rules`` for the whole behaviour."""
from __future__ import annotations

import re
from collections.abc import Iterable

from ner.lexicon.bodies import _ASSOCIATION_WORDS, _COURT_WORDS, _MEDIA_NAMES, _MEDIA_WORDS, _SCHOOL_WORDS, _alt
from ner.lexicon.places import Gazetteer
from ner.rules.numbers import _CJK
from ner.rules.places import _ZONE_RE
from ner.types import Span

# Utilities, not a firm's plant (南昌卷烟厂, 天津力神电池厂 are firms): 衢州市城东污水处理厂, 上海大场自来水厂.
_UTILITIES = "污水处理|水处理|污水|自来水|净水|垃圾焚烧|焚烧发电"
_UTILITY_BEFORE_RE = re.compile(f"(?:{_UTILITIES})$")
# What ANNOTATION.md says is not a COMPANY, read from the end of a name: government and party bodies,
# universities and schools, associations and chambers, news media, parks, zones and projects, and counts
# (13家银行). A numbered bureau is a state-owned builder (中建三局, 中铁十一局, 中交一航局), so it stays, and so do
# 中铁电气化局, a grid's 供电局 and 招商局.
_NON_COMPANY_RE = re.compile(
    r"(?:政府|国务院|委员会|委|[证银保]监会|金管会|常委会|党组|人大|政协|海关|公安|机关|部门|总署|派出所|"
    rf"(?<![一二三四五六七八九十\d])(?<![一二三四五六七八九十\d].)(?<!电气化)(?<!供电)(?<!招商)局|{_alt(_COURT_WORDS)}|部|办|"
    rf"{_alt(_SCHOOL_WORDS)}|学校|中学|小学|{_alt(_ASSOCIATION_WORDS)}|促进会|联盟|"
    rf"{_alt(_MEDIA_WORDS)}|{_alt(_MEDIA_NAMES)}|"
    r"产业园|工业园|科技园|园区|开发区|经开区|高新区|新区|示范区|项目|基地|"
    r"厂房|(?:展览|博物|体育|图书|纪念|极地|科技|美术|文化|艺术|海洋|场)馆|平台|年会|峰会|论坛|博览会|展览会|经营|"
    rf"(?:{_UTILITIES})厂)$"
    # buildings, venues, events, a verb: 天水新厂房, 哈尔滨极地馆 (a business's 照相馆, 宾馆 stays); a utility
    r"|^[\d一二三四五六七八九十百千几数多余]+家"
    r"|^(?:其|该|本|各|及其)?(?:联营|合营|子|母|控股|参股|全资子|控股子|上市)公司$"  # 联营公司: no name
)
NON_COMPANY_NAMES = frozenset(("央行", "中央", "党中央", "红网", "财联社", "新华社", "新华网", "人民网", "央视", "中新网",
                               # financial news outlets, from general knowledge (they head and sign most pages)
                               "格隆汇", "亿邦动力", "亿邦动力网", "新浪财经", "挖贝网", "第一财经", "每日经济新闻", "中证网",
                               "上证报", "资本邦", "券商中国", "观点地产新媒体", "观点地产网", "高工锂电网", "阿思达克",
                               "聚源数据", "投中网", "上游新闻", "蓝鲸财经", "界面新闻", "澎湃新闻", "华尔街见闻", "财新网",
                               "21世纪经济报道", "经济观察报", "智通财经", "证券之星", "金融界", "e公司"))


# A numbered bureau further from its number (中交第二航务工程局) is a builder too.
_NUMBERED_BUREAU_RE = re.compile(r"第[一二三四五六七八九十\d]+[^\W\d_]{0,6}局$")


def is_non_company(name: str) -> bool:
    """True for a name that ANNOTATION.md excludes from COMPANY by its form: 文登区政府, 株洲市发改委,
    工信部, 湖南工业大学, 浙江省汽摩配行业商会, 南方日报, 北斗产业园, 13家银行. The tagger drops such
    model spans wherever the rules take part in tagging (``ner.model_spans.veto_non_companies``)."""
    return name in NON_COMPANY_NAMES or (bool(_NON_COMPANY_RE.search(name)) and not _NUMBERED_BUREAU_RE.search(name))


# Nationally known firms, short names and brands, from general knowledge (see the module docstring).
# Two-character names that are also parts of common words (中建 in 集中建设, 中信 in 系统中信息, 美的,
# 长城, 联想, 小米) are left out; their full names are caught by the suffix rule.
KNOWN_COMPANIES = frozenset("""
比亚迪 华为 宁德时代 三一重工 三一 中联重科 徐工 中车 京东 京东方 腾讯 阿里巴巴 百度 字节跳动 美团 拼多多 网易
吉利汽车 长城汽车 长安汽车 北汽 广汽 奇瑞 蔚来 理想汽车 特斯拉 中国一汽 东风汽车 中国石化 中石化 中国石油 中石油
中海油 国家电网 南方电网 国家电投 华能 华电 三峡集团 中广核 宝武 中国宝武 鞍钢 首钢 万科 碧桂园 中国建筑 中国中铁
中国铁建 中国电建 中国能建 中国中化 隆基 隆基绿能 天合光能 晶科能源 晶澳科技 阳光电源 亿纬锂能 国轩高科 欣旺达
中创新航 蜂巢能源 赣锋锂业 天齐锂业 TCL 海康威视 大疆 中兴通讯 紫光 中芯国际 长江存储 富士康 立讯精密 蓝思科技
歌尔 舜宇 伊利 蒙牛 娃哈哈 农夫山泉 顺丰 华润 国家开发银行 国开行 农发行 工商银行 建设银行 农业银行 中国银行
中国工商银行 中国建设银行 中国农业银行 交通银行 招商银行 中国移动 中国电信 中国联通 格力 海尔 海信 创维 福耀 潍柴 玉柴 恒力 荣盛 万华化学
""".split())
COMPANY_SUFFIXES = ("集团股份有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "集团公司", "有限公司", "分公司",
                    "集团", "股份", "厂")
_SUFFIX_RE = re.compile("|".join(COMPANY_SUFFIXES))
MAX_COMPANY_NAME = 20
# Stops: the company name starts right after the nearest one. Particles and clause words always stop;
# generic nouns stop only when a name of >= 2 characters remains after them (万向企业集团 keeps 企业).
STOP_CHARS = set("与和及同在的是由为向将对从等被把让以于据了到赴跟给之或并且也而又某")
STOP_WORDS = (
    "今年", "去年", "明年", "近日", "日前", "目前", "当天", "当日", "以来", "其中", "同时", "此外", "另外", "随后",
    "引进", "引入", "落户", "签约", "签署", "成立", "设立", "组建", "注册", "收购", "并购", "入驻", "依托", "助力",
    "考察", "表示", "宣布", "推动", "支持", "包括", "携手", "牵头", "负责人", "董事长", "总经理", "记者", "报道",
    "获悉", "据悉", "介绍", "走进", "来到", "前往", "位于", "发布", "举行", "召开", "拜访", "会见", "看望", "调研",
    "先后", "相继", "分别", "陆续", "上述", "前述", "此前", "此后",
)
GENERIC_STOP_WORDS = ("企业", "龙头", "项目", "重点", "领先", "知名", "明星", "优强")
GENERIC_NAME_PREFIXES = ("一家", "这家", "多家", "该", "本", "其", "全资", "旗下", "下属", "知名", "龙头", "民营", "国有", "大型")
GENERIC_NAMES = frozenset({"控股", "上市", "产业", "企业", "民营", "国有", "央企", "外资", "合资", "独资", "中小",
                           "各大", "子", "母", "总", "工", "电", "发电", "水泥", "化工", "加工", "工业", "建设"})
_NAME_CHAR = re.compile(rf"[{_CJK}A-Za-z0-9０-９&·()（）]")
_STOP_WORD_RE = re.compile("|".join(STOP_WORDS))
_GENERIC_STOP_RE = re.compile("|".join(GENERIC_STOP_WORDS))
# A known short name directly followed by one of these is a subsidiary or brand line (京东物流, 中车电动).
BUSINESS_WORDS = ("物流", "汽车", "科技", "电子", "电池", "电动", "时代", "金融", "数科", "电气", "重工", "半导体",
                  "股份")
_BUSINESS_WORD_RE = re.compile("|".join(sorted(BUSINESS_WORDS, key=len, reverse=True)))
_KNOWN_RE = re.compile("|".join(sorted(map(re.escape, KNOWN_COMPANIES), key=len, reverse=True)))


def find_companies(text: str, gazetteer: Gazetteer | None = None, numeric: Iterable[Span] = ()) -> list[Span]:
    """COMPANY candidates: suffix-anchored legal names, known short names (with a business word: 京东物流),
    and the other items of a list that names a company (see ``_list_companies``)."""
    gaz = gazetteer or Gazetteer.default()
    known = []
    for m in _KNOWN_RE.finditer(text):
        b = _BUSINESS_WORD_RE.match(text, m.end())
        end = b.end() if b else m.end()
        known.append(Span(m.start(), end, "COMPANY", text[m.start():end]))
    out = list(known)
    protected = [(s.start, s.end) for s in out] + [(m.start, m.end) for m in gaz.find(text)]
    hard_stop = [False] * (len(text) + 1)
    for s in numeric:
        for i in range(s.start, s.end):
            hard_stop[i] = True
    for m in _STOP_WORD_RE.finditer(text):
        for i in range(m.start(), m.end()):
            hard_stop[i] = True
    for i, ch in enumerate(text):
        if not _NAME_CHAR.match(ch) or (ch in STOP_CHARS and not any(a <= i < b for a, b in protected)):
            hard_stop[i] = True
    soft_stops = [(m.start(), m.end()) for m in _GENERIC_STOP_RE.finditer(text)]
    for m in _SUFFIX_RE.finditer(text):
        s, e = m.start(), m.end()
        if not _suffix_ok(text, m.group(0), s, e):
            continue
        start = _name_start(text, s, hard_stop, soft_stops, gaz)
        if start is None:
            continue
        out.append(Span(start, e, "COMPANY", text[start:e]))
    out.extend(_list_companies(text, out, known, hard_stop, gaz))
    return out


# Lists of names: "A、B、C等龙头企业", or a list where one item is already a company.
LIST_ITEM_MAX = 8
_LIST_RE = re.compile(rf"[{_CJK}A-Za-z()（）]{{2,{MAX_COMPANY_NAME}}}(?:、[{_CJK}A-Za-z()（）]{{2,{LIST_ITEM_MAX}}})+"
                      rf"(?:[和及与][{_CJK}A-Za-z()（）]{{2,{LIST_ITEM_MAX}}})?")
_LIST_CLOSE_RE = re.compile(r"等|[一二三四五六七八九十两几数\d]+(?:大|家|个|批|类)|这|的|在|为|也|均|都|已|纷纷|相继|先后|入驻|落户")
_LIST_TRIGGER_RE = re.compile(r"等[^，,。；;！？!?\n]{0,16}?(?:企业(?!家)|公司|集团|龙头|厂商)")
GENERIC_LIST_ITEMS = frozenset("""
新能源 新材料 电子信息 生物医药 高端装备 装备制造 智能制造 先进制造 新能源汽车 半导体 集成电路 人工智能 大数据 云计算
物联网 轨道交通 航空航天 节能环保 现代物流 数字经济 储能 光伏 风电 氢能 锂电 汽车 电子 化工 医药 食品 纺织 服装 钢铁
有色 建材 机械 家电 通信 软件 金融 物流 文旅 农业 工业 制造业 服务业 能源 电力 新基建
""".split())


def _list_companies(text: str, found: list[Span], known: list[Span], hard_stop: list[bool], gaz: Gazetteer) -> list[Span]:
    """Items of a list "A、B、C" (each 2-8 characters) as COMPANY when the list is followed by 等...企业/公司/
    集团/龙头, or when one item is a company found by the other rules (equal to it, or starting with a
    known short name: 中车株机、中车株洲所). Lists of places, industries or phrases with 产业/项目 are skipped."""
    out = []
    exact = {(s.start, s.end) for s in found}
    known_starts = {s.start for s in known}
    for m in _LIST_RE.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(r"[^、和及与]+", m.group(0))]
        items = [(m.start() + a, m.start() + b) for a, b in items]
        # The first item starts after the last stop; the last item ends before a closing word (等, 三大...).
        a0, b0 = items[0]
        stops = [i for i in range(a0, b0) if hard_stop[i]]
        if stops:
            items[0] = (stops[-1] + 1, b0)
        elif a0 > 0 and _NAME_CHAR.match(text[a0 - 1]):
            items[0] = (b0, b0)  # the first item starts inside a longer word: drop it
        a0, b0 = items[0]
        inner = [s.start for s in found if a0 < s.start and s.end == b0]
        if inner:  # "随着华为": the first item is the company that ends it
            items[0] = (min(inner), b0)
        a1, b1 = items[-1]
        close = _LIST_CLOSE_RE.search(text, a1 + 2, b1)
        if close:
            items[-1] = (a1, close.start())
        end_of_list = items[-1][1]
        items = [(a, b) for a, b in items if 2 <= b - a <= LIST_ITEM_MAX]
        if len(items) < 2:
            continue
        names = [text[a:b] for a, b in items]
        places = sum(1 for n in names if n in gaz or _ZONE_RE.search(n))
        if places * 2 >= len(names) or any(n in GENERIC_LIST_ITEMS or re.search("产业|行业|领域|项目|企业", n) for n in names):
            continue
        has_company = any((a, b) in exact or (a in known_starts and not any(
            s.start == a and s.end < b and s.text.endswith(COMPANY_SUFFIXES) for s in found)) for a, b in items)
        if not (has_company or _LIST_TRIGGER_RE.match(text, end_of_list)):
            continue
        out.extend(Span(a, b, "COMPANY", text[a:b]) for a, b in items if not hard_stop[a] and not hard_stop[b - 1])
    return out


def _suffix_ok(text: str, suffix: str, s: int, e: int) -> bool:
    nxt = text[e:e + 1]
    if suffix == "厂":
        return nxt not in set("房区家商长内里") and text[s - 1:s] not in ("工", "建", "出", "进", "返", "回") \
            and not _UTILITY_BEFORE_RE.search(text, max(0, s - 4), s)
    if suffix == "股份":
        return nxt not in set("制合比数权额行") and text[s - 1:s] not in ("有", "持", "分", "的")
    if suffix == "集团":
        return nxt not in set("化军内")
    return True


def _name_start(text: str, s: int, hard_stop: list[bool], soft_stops: list[tuple[int, int]], gaz: Gazetteer) -> int | None:
    lo = max(0, s - MAX_COMPANY_NAME)
    start = None
    for i in range(s - 1, lo - 1, -1):
        if hard_stop[i]:
            start = i + 1
            break
    if start is None:
        if lo == 0:
            start = 0
        else:  # no boundary in reach: start at the first province/city name, else give up
            places = [m for m in gaz.find(text[lo:s]) if m.level in ("province", "city")]
            if not places:
                return None
            start = lo + places[0].start
    for a, b in soft_stops:  # generic nouns inside the name: cut after the last one that leaves >= 2 chars
        if start <= a and b <= s - 2:
            start = b
    name = text[start:s]
    changed = True
    while changed:
        changed = False
        for p in GENERIC_NAME_PREFIXES:
            if name.startswith(p) and len(name) > len(p):
                name, start, changed = name[len(p):], start + len(p), True
    name, start = _balance_brackets(name, start)
    if len(name) < 2 or name in GENERIC_NAMES or not re.search(f"[{_CJK}A-Za-z]", name):
        return None
    return start


def _balance_brackets(name: str, start: int) -> tuple[str, int]:
    """Drop a leading closing bracket or an unbalanced part: "图)湖南X" -> "湖南X"."""
    depth, cut = 0, 0
    for i, ch in enumerate(name):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            if depth == 0:
                cut = i + 1
            else:
                depth -= 1
    if depth:  # an opening bracket never closed: keep what comes after it
        cut = max(cut, max(name.rfind("("), name.rfind("（")) + 1)
    return name[cut:], start + cut
