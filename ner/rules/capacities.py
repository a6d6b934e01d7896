"""CAPACITY candidates: a number with digits and a unit, in a production, handling or output context
(see ``ner.rules`` for what the rules find and how conflicts are resolved)."""
from __future__ import annotations

import re

from ner.lexicon.units import COUNT_UNITS, ENERGY_UNITS, MASS_UNITS, RATE_UNITS, VOLUME_UNITS
from ner.rules.numbers import _APPROX, _CJK, _NOT_AFTER_NUMBER, _NUM_ARABIC, _RANGE_SEP
from ner.types import Span

# Unit classes decide which context a figure needs.
_UNIT_CLASS = {u: c for c, units in (
    ("energy", ENERGY_UNITS), ("rate", RATE_UNITS), ("mass", MASS_UNITS), ("volume", VOLUME_UNITS),
    ("count", COUNT_UNITS)) for u in units}
_UNITS_ALT = "|".join(re.escape(u) for u in sorted(_UNIT_CLASS, key=len, reverse=True))
_CAP_Q = rf"{_NUM_ARABIC}{_APPROX}?(?:万亿|亿|万|千)?{_APPROX}?"
CAPACITY_RE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?P<q>(?:{_NUM_ARABIC}\s?[×xX*]\s?)?{_CAP_Q}(?:{_RANGE_SEP}{_CAP_Q})?)(?P<unit>{_UNITS_ALT})"
    r"(?P<per>/(?:年|月|日|天))?(?![A-Za-z])"  # a period written after the unit stays in: 120万片/年, 4万片/月
)
PRODUCTION_WORDS = ("年产(?!值)", "产能", "生产", "产量", "日产", "月产", "量产", "达产", "下线", "年加工", "加工", "出栏")
HANDLING_WORDS = PRODUCTION_WORDS + (
    "处理", "吞吐", "炼化", "炼油", "冶炼", "规模", "储存", "仓储", "运力", "装卸", "消纳", "设计", "储能", "熔化",
)
# What a company sold, shipped or installed, or what a product draws (出货量达3.95GWh, 装机量累计128.3GWh, 充电功率达480kW),
# is no capacity of a plant: an energy or power figure after these words in its clause is left out.
NOT_CAPACITY_WORDS = ("出货", "销量", "装机量", "装车量", "充电功率")
SAVINGS_WORDS = ("降低", "减少", "节约", "节省", "减排", "排放", "节能", "节电", "降耗", "替代", "消耗", "耗")
_PRODUCTION_RE = re.compile("|".join(PRODUCTION_WORDS))
_HANDLING_RE = re.compile("|".join(HANDLING_WORDS))
_SAVINGS_RE = re.compile("|".join(SAVINGS_WORDS))
# (unless a building or production word stands between: 出货量全球第一的亿纬锂能拟建设20GWh)
_NOT_CAPACITY_RE = re.compile("(?:" + "|".join(NOT_CAPACITY_WORDS) + r")(?![^，,。；;]*(?:建|产能|生产|项目|规划|投产|扩产|年产))"
                              r"[^，,。；;]*$")
_SAVINGS_AFTER_RE = re.compile(r"(?:标准煤|标煤|煤耗|能耗|二氧化碳|碳排放|排放)")
_HANDLING_AFTER_RE = re.compile(r"级|(?:的)?(?:产能|生产线|炼化|炼油|处理能力|吞吐能力|储能)"
                                rf"|[{_CJK}]{{1,8}}?(?:产能|生产线|生产能力)")  # 25万吨电解铝产能, 200万吨精制烘干砂生产线
# A count figure followed by what it counts as output: 3万辆的年产量.
_COUNT_AFTER_RE = re.compile(r"(?:的)?(?:年?产量|产能|生产能力)")
# Between two items of a list of outputs: a product name and a list comma (3.3万吨电解铝、1万吨铜材).
_LIST_ITEM_GAP = re.compile(rf"[{_CJK}A-Za-z]{{0,8}}[、及和]")
CLAUSE_WINDOW = 20  # characters of left context searched, not crossing a clause boundary
_CLAUSE_BOUNDARY = re.compile(r"[，,。；;！？!?\n]")


def find_capacities(text: str) -> list[Span]:
    """CAPACITY candidates (may overlap each other; ``preannotate`` resolves).

    An item of a list whose earlier item was taken (年产3.3万吨电解铝、1万吨铜材、5000吨精锌、1万吨铝材)
    is taken too, however far the production word now lies."""
    out = []
    for m in CAPACITY_RE.finditer(text):
        s, e = m.start("q"), m.end()
        unit = m.group("unit")
        kind = _UNIT_CLASS[unit]
        left = _clause_left(text, s)
        right = text[e:e + 12]  # room for a product name before 生产线 (200万吨精制烘干砂生产线)
        if _SAVINGS_RE.search(left) or _SAVINGS_AFTER_RE.match(right):
            continue
        if kind == "energy" and _NOT_CAPACITY_RE.search(left):
            continue
        if unit == "度" and not re.search("[万亿]", m.group("q")):
            continue  # 30度 is a temperature or an angle; 1.135亿度 is annual output
        # an item of a list, or a figure per year or month (120万片/年 is an output rate whatever the words around it;
        # not per day: 车流量达3万辆/日)
        listed = bool(out) and _LIST_ITEM_GAP.fullmatch(text, out[-1].end, s) is not None or m.group("per") in ("/年", "/月")
        if kind == "count" and not (listed or _PRODUCTION_RE.search(left) or _COUNT_AFTER_RE.match(right)):
            continue
        if kind in ("mass", "volume") and not (listed or _HANDLING_RE.search(left) or _HANDLING_AFTER_RE.match(right)):
            continue
        out.append(Span(s, e, "CAPACITY", text[s:e]))
    return out


def _clause_left(text: str, start: int) -> str:
    left = text[max(0, start - CLAUSE_WINDOW):start]
    cut = None
    for cut in _CLAUSE_BOUNDARY.finditer(left):
        pass
    return left[cut.end():] if cut else left
