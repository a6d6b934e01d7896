"""Figures that describe no project of the article (``ner.records.article``, steps 1 and 3): a company's
or an industry's figures, a price, a company's existing capacity (``drop_background``), and the figures a
sentence gives as history, an earlier project's (``split_history``)."""
from __future__ import annotations

import re
from typing import Any

from ner.records.sites import _is_country
from ner.records.text import _clause_before, _sentence_before


_BACKGROUND = re.compile(
    r"营收|营业收入|营业总收入|收入|净利润|利润|市值|总资产|资产总额|市场规模|行业规模|产业规模|规模将|规模有望|"
    r"出货|销售额|销售收入|GDP|生产总值|亏损|负债|注册资本|罚款|罚没|处罚|罚|减持|套现|股价|收盘|成交(?!价|金额)|"
    r"(?<!中标|合同|投标|项目|运营|服务|建设|工程)费用|收益|估值|总值|市场空间|市场容量|定价|售价|单价|管理(?:各类)?(?:资金|资本|资产)?总?规模|基金规模|资产规模|"  # a bid's or a contract's fee is its figure
    r"净赚|[狂大]赚|赚(?:得|了|取|近|超|逾)|沽空|卖空|权益价值|评估值|净资产(?:为|达|约|是|总额)|担保额度|担保总额"  # a profit, a valuation's result, net assets
    # (not 以净资产作价出资), a guarantee quota
)
# last year's or an earlier period's figure of a comparison (上年同期为-1084.11万元, 相较于去年末的31.32亿元): at the
# window's end only (去年末开工的项目总投资30亿元 is a project's)
_EARLIER_PERIOD = re.compile(r"(?:去年|上年|前年)(?:同期|年?末|年?底)(?:的|为|是|达|约)*[-－]?$")
# a shareholder's purchase of shares on the market (增持公司股份，增持金额1亿元至2亿元), not a stake in a company (增持…股权)
_SHARES = re.compile(r"股份|股票|集中竞价|二级市场|万股|亿股")
_OWN_SHARES = re.compile(r"回购|质押")  # a company buying back its shares, a shareholder pledging them
_ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")  # a bracketed aside (根据今年半年报数据统计) is no word of the clause
# the earlier figures of a list (营业收入分别为8.10亿元、9.61亿元和11.49亿元): the list's words come before them
_LISTED = re.compile(r"(?:[\d.,，．]+\s*(?:万亿|亿|万|千)*(?:元|美元|美金|人民币|港元|欧元)?\s*[、和及与]\s*)+$")
# a figure that names itself a market or a sector (4390亿美元的全球产业规模, IBS预测的1.1万亿美元市场)
_SECTOR_AFTER = re.compile(r"的?(?:全球|国内|全国|中国|全省|全市)?(?:产业规模|行业规模|市场规模|市场)|的?(?:估值|市值)")
# the project company's capital, a capital increase, a company or fund set up in the deal (合资公司, 拟设立…基金):
# the deal's figure (role other), not a company profile's (成立于2010年，注册资本1亿元; 1999年由…出资设立，现注册资本…)
_PROJECT_CAPITAL = re.compile(r"项目公司|增资|合资公司|新设|(?:拟|将|计划|共同|合资|联合|对外)[^，,。；;]{0,6}?(?:设立|成立|组建|发起)")
# a fund's own size (该基金…的规模, 基金总规模, 招商招享纯债基金成立于2017年3月…规模为), not a project's with a fund
# among its investors (由…产业基金投资，项目总投资规模达50亿元; 本轮融资由红杉中国基金领投…融资规模达5亿元)
_FUND_SIZE = re.compile(r"(?:该|此|这只|这支)基金|基金的?(?:总|首期|目标)?规模|基金[^，,。；;]{0,4}成立于")
_FUND_SET_UP = re.compile(r"揭牌|正式成立|完成备案|设立")
_SAME_MEASURE = re.compile(r"(?:这一|这个|该|此)数字(?:为|是|达|则|约|已|仅)")  # not 该数字化工厂
_TARGET_YEAR = re.compile(r"到\d{4}年|到“十[四五六]五”")
_SECTOR = re.compile(r"规模|产值|产业|装机|总量|达到|突破")
_OUTPUT = re.compile(r"产值")
_AREA_OUTPUT = re.compile(r"(?:产业园|园区|开发区|经开区|高新区|全区|全市|全县|全省|行业|产业)(?:总|工业总)?产值")
_PROJECT_OUTPUT = re.compile(r"达产|投产后|建成后|项目")
_PLANT_OUTPUT = re.compile(r"达产|投产后|建成后")
_THE_COMPANY_OPENS = re.compile(r"(?:^|[，,：:（(])(?:该|本)?公司")  # 公司 opening a clause: the company, no name
_MIN_VALUE = 100_000  # below this a money figure is a price or a fee, not a project's (10.77元/股, 666元)


def _sentence_after(text: str, start: int) -> str:
    """From ``start`` to the end of its sentence."""
    end = re.search(r"[。；;！？!?\n]", text[start:])
    return text[start:start + end.start()] if end else text[start:]


def is_background_amount(text: str, m: dict[str, Any]) -> bool:
    """A company's or an industry's figure (its clause says revenue, profit (净赚, 赚得), market value, short selling in a quote (沽空), a valuation's
    result (权益价值, 评估值), a fine …; registered capital and a fund's size too, unless they are those of the
    project company, a capital increase or a company or fund the deal sets up (双方将成立合资公司，注册资本10亿元;
    拟设立产业基金，基金规模100亿元); the words before a list of figures hold for each: 营业收入分别为8.10亿元、9.61亿元和11.49亿元;
    a bracketed aside is skipped), an earlier period's figure of a comparison (上年同期为…, 相较于去年末的…), a
    shareholder's market purchase of shares (增持公司股份), a buyback or a pledge of shares (回购公司股份, 质押股份),
    the same measure said again for another period
    (净利润达1.28亿元，2019年第一季度这一数字为4782.4万), a price, a sector target (到2025年…产业规模将达500亿元), a
    figure that calls itself a market's or a sector's (4390亿美元的全球产业规模) or a company's value (寻求约100亿美元
    的估值), a park's, a region's or an industry's output (整个产业园产值将突破100亿元), or an output value that no
    project is said to reach (a project's 达产后年产值 stays)."""
    value = m.get("value")
    if isinstance(value, (int, float)) and value < _MIN_VALUE:
        return True
    window = _LISTED.sub("", _ASIDE.sub("", _clause_before(text, m["start"])))[-14:]
    sentence = _sentence_before(text, m["start"])
    if _SECTOR_AFTER.match(text, m["end"]):
        return True
    hits = {h.group(0) for h in _BACKGROUND.finditer(window)}
    if hits and not (hits <= {"注册资本", "基金规模"} and _PROJECT_CAPITAL.search(sentence)):
        return True
    if "规模" in window and _FUND_SIZE.search(sentence) and not (_PROJECT_CAPITAL.search(sentence)
                                                                or _FUND_SET_UP.search(sentence)):
        return True  # 该基金截至今年二季末的规模达到了108.54亿元: a fund's size, not one the deal sets up
    if _EARLIER_PERIOD.search(window) or ("增持" in window and _SHARES.search(sentence) and "股权" not in sentence):
        return True
    after = re.split(r"[，,。；;！？\n]", text[m["end"]:m["end"] + 16], maxsplit=1)[0]
    if _OWN_SHARES.search(sentence + after) and _SHARES.search(sentence + after):
        return True  # 拟回购公司股份，回购金额不低于5亿元; 拟出资不超过10亿元回购公司股份: a buyback or a pledge, no project
    if _SAME_MEASURE.search(window) and _BACKGROUND.search(sentence):
        return True  # 净利润达1.28亿元，2019年第一季度这一数字为4782.4万: the same measure, a later period
    if _TARGET_YEAR.search(sentence) and _SECTOR.search(window):
        return True
    if _AREA_OUTPUT.search(window) and not _PLANT_OUTPUT.search(sentence):
        return True  # 整个产业园产值将突破100亿元: a park's, a region's or an industry's output (not 达产后产业园产值)
    return bool(_OUTPUT.search(window)) and not _PROJECT_OUTPUT.search(sentence)


_A_PLANT = re.compile(r"项目|基地|厂|产线|电站|风电场|工程|该")
_CAPACITY_TARGET = re.compile(r"(?:至|到)\d{4}年[^，,。；;、]{0,10}?(?:规划)?产能|\d{4}年[^，,。；;、]{0,6}?规划产能|(?:合计|总)(?:规划)?产能|产能(?:规划)?目标")
_SECTOR_STAT = re.compile(r"装机规模|装机容量|新增装机|累计装机|总产能|产能规模|出货量?")
_SECTOR_STAT_AFTER = re.compile(r"的?(?:新增|累计)?(?:装机规模|装机容量|出货量?)")
_COUNTRY_OR_SECTOR = re.compile(r"国内|全国|全球|我国|世界|行业|产业|市场")
_AREA_SUBJECT = re.compile(r"全区|全市|全县|全省|全国|全球|行业|产业|地区")
_BUILT_UP = re.compile(r"已(?:形成|具备|拥有)[^，,。；;]{0,16}$")
_BUILT_UP_CAPACITY = re.compile(r"已(?:形成|具备|拥有)[^。；;！？!?]{0,24}?(?:产能|装机|生产能力)[^，,。；;]{0,8}$")
_COMPANY_CAPACITY = re.compile(r"已有|现有|累计|公司[^，,。；;]{0,6}(?:产能|装机)[^，,。；;]{0,4}(?:将|达到|接近)")
_GOAL_AFTER = re.compile(r"的?(?:目标|规划目标)")  # 围绕600GWh的目标
_FUTURE_WHEN = re.compile(r"\d{4}年|明年|今年年?底|届时")
_FORECAST = re.compile(r"将|预计|可能|或将|有望|力争|目标|规划")
_STOCK = re.compile(r"在建产能|现有产能|总产能")
_BUILDS = re.compile(r"建设|投建|新建|扩建|建成|兴建|开工|动工|投产|形成|年产")


def _previous_sentence(text: str, start: int) -> str:
    """The sentence before the one ``start`` lies in (or "")."""
    lo = len(_sentence_before(text, start))
    head = text[:start - lo].rstrip("。；;！？!?\n ")
    return _sentence_before(text, len(head)) if head else ""
_AS_OF = re.compile(r"(?:^|[，,：:])截至[^。；;！？!?]{0,30}?(?:产能|装机)")  # 截至2021年末，A硅片产能约32.5GW: a stock


def is_background_capacity(text: str, m: dict[str, Any]) -> bool:
    """A company's existing or total capacity (截至2019年中报，富春环保已有发电装机容量292.5MW; 截至2021年年末，晶科能源
    单晶硅片产能约32.5GW; 公司热电产能将接近
    6000蒸吨/小时) or a sector's target (到2025年，全区…装机容量…达到450万千瓦: an area or a sector, and no plant), no
    project's: ANNOTATION.md's sector and company totals, for capacities. With no plant named in its sentence, also
    a target or a forecast (围绕600GWh的目标; 2025年将突破300GWh) and a stock under construction (在建产能已经达到287GWh)."""
    sentence = _sentence_before(text, m["start"])
    if (_TARGET_YEAR.search(sentence) and _SECTOR.search(_clause_before(text, m["start"])[-14:])
            and _AREA_SUBJECT.search(sentence) and not _A_PLANT.search(sentence)):
        return True  # 力争到2025年，全区…光伏装机容量翻两番，达到450万千瓦: a sector's target
    # a capacity built up (集团已形成电池片产能19GW，组件产能4.5GW; 已拥有超过5.4GW): the cue in the figure's clause, or
    # a capacity word between it and the figure (not 该项目已具备开工条件，建成后将形成年产20GWh)
    built = _BUILT_UP.search(_clause_before(text, m["start"])) or _BUILT_UP_CAPACITY.search(sentence)
    if bool(_COMPANY_CAPACITY.search(sentence)) or bool(built):
        return True
    whole = sentence + _sentence_after(text, m["start"])
    if _A_PLANT.search(whole):
        return False  # the rules below are for capacities no plant is named with
    # a company's stock as of a date (截至2021年年末，晶科能源单晶硅片产能约32.5GW), or its capacity target or total
    # (至2025年规划产能超过670GWh; 合计规划产能有望超过670GWh; 产能规划目标提升至600GWh)
    if _AS_OF.search(sentence) or _CAPACITY_TARGET.search(_clause_before(text, m["start"])):
        return True
    # a target or a forecast (围绕600GWh的目标; 2025年将突破300GWh; 明年的产能可能会超过500万辆) or a stock (目前在建产能已经达到
    # 287GWh), no plant named
    clause = _clause_before(text, m["start"])
    if _GOAL_AFTER.match(text, m.get("end", m["start"])) or _STOCK.search(clause) or (
            _FUTURE_WHEN.search(clause) and _FORECAST.search(clause) and not _BUILDS.search(whole)
            and not _BUILDS.search(_previous_sentence(text, m["start"]))):
        return True  # not a plant being built (将在荆门投建20GWh; 工厂正式开工。预计2026年将形成100GWh产能)
    # a country's, the world's or a sector's capacity (2021年上半年，国内新增新型储能装机规模超过10GW; 10GW的装机规模说明
    # 储能产业…): a sector word and a country or sector before the figure in its clause, or both after it
    before = _SECTOR_STAT.search(clause[-16:]) and _COUNTRY_OR_SECTOR.search(clause)
    end = m.get("end", m["start"])
    after = _SECTOR_STAT_AFTER.match(text, end) and _COUNTRY_OR_SECTOR.search(_sentence_after(text, end))
    return bool(before or after)


def drop_background(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        kept = [m for m in r["amounts"] if not is_background_amount(text, m)]
        if len(kept) < len(r["amounts"]):
            r = {**r, "amounts": kept, "links": [*r.get("links", []), "background amounts dropped: " + ", ".join(
                m["text"] for m in r["amounts"] if m not in kept)]}
        held = [m for m in r["capacities"] if not is_background_capacity(text, m)]
        if len(held) < len(r["capacities"]):
            r = {**r, "capacities": held, "links": [*r.get("links", []), "background capacities dropped: " + ", ".join(
                m["text"] for m in r["capacities"] if m not in held)]}
        if not (kept or held or r["project"] or (r["companies"] and r["stage"])):
            continue
        if not r["companies"] and not r["project"] and r["regions"] and all(_is_country(m["text"]) for m in r["regions"]) \
                and not any(_THE_COMPANY_OPENS.search(_sentence_before(text, m["start"])) for m in (*kept, *held)):
            continue  # a nation's or a world region's figure (中国大陆晶圆厂…投资额): no project; not 公司中标金额为…
            # (the company, named in the paragraph: ner.records.parties.add_protagonists)
        out.append(r)
    return out


_HISTORY_OPEN = re.compile(r"(?:自|继)[^，,。；;！？!?\n]{0,12}$")
_HISTORY_CLOSE = re.compile(r"[^，,。；;！？!?\n\s]{0,6}?(?:之后|以后|后)")


def in_history(text: str, m: dict[str, Any]) -> bool:
    """The figure stands in a clause of history: 自/继 before it, 后/之后 after it."""
    return bool(_HISTORY_OPEN.search(text, max(0, m["start"] - 14), m["start"]) and _HISTORY_CLOSE.match(text, m["end"]))


def is_earlier(text: str, r: dict[str, Any]) -> bool:
    """All the record's figures are history (``split_history``)."""
    figs = [*r["amounts"], *r["capacities"]]
    return bool(figs) and all(in_history(text, m) for m in figs)


def split_history(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A figure the sentence gives as history (自9月初中标6.5亿项目后…再中标10.95亿项目; 继…之后) is an
    earlier project's, not this one's (ANNOTATION.md: what is named for history does not belong): it
    becomes a record of its own."""
    out = []
    for r in records:
        past = [m for m in (*r["amounts"], *r["capacities"]) if in_history(text, m)]
        if not past or len(past) == len(r["amounts"]) + len(r["capacities"]):
            out.append(r)
            continue
        now = {**r, "amounts": [m for m in r["amounts"] if m not in past],
               "capacities": [m for m in r["capacities"] if m not in past]}
        earlier = {**r, "project": None, "project_span": None, "companies": [], "regions": [],
                   "amounts": [m for m in r["amounts"] if m in past], "capacities": [m for m in r["capacities"] if m in past],
                   "links": ["an earlier project's (自…后): " + ", ".join(m["text"] for m in past)]}
        out += [now, earlier]
    return out
