"""CAPACITY span text -> ``Capacity``: a Decimal in ONE canonical unit per dimension.

===========  ===============  =========================================================
dimension    canonical unit   raw units read (magnitudes 万/亿/千万… come from the number)
===========  ===============  =========================================================
power        MW               W 瓦, kW 千瓦, MW 兆瓦, GW 吉瓦, TW (and kWp/MWp/GWp)
energy       kWh              Wh, kWh 千瓦时 度 度电, MWh 兆瓦时, GWh 吉瓦时, TWh
mass         t                吨 t, kg 千克 公斤, kt 千吨, Mt; 蒸吨 (boiler steam, per hour)
coal equiv.  tce              吨标准煤 吨标煤 tce
volume       m3               立方米 m³ m3 方 标方 Nm3, 升 L, 千升 kL
area         m2               平方米 平米 ㎡ m²
length       m                米 m, 公里 千米 km
count        units            台 辆 套 台套 片 只 颗 块 个 件 部 组 支 枚 根 张 头 羽 盏 箱 标箱 TEU…
===========  ===============  =========================================================

Why these units: kWh is the unit of Chinese electricity statistics (1 度 = 1 kWh), so an annual
output of 1.135亿度 reads 113500000 kWh; storage (20GWh) becomes 20000000 kWh, large but exact.
MW is the unit of plant ratings (450万千瓦 = 4500 MW, 2×660MW = 1320 MW).

Rates are not units: 6200t/d, 日产6200吨 and 6200吨/日 all give ``value=6200, unit="t",
per="day"``. ``per`` comes from the unit (``/d /日 /天``, ``/月``, ``/a /年``, ``/h /小时``) or from the words
just before the span (年产, 年发电量, 年处理, 日产, 每小时…); annual output (年产12万吨) is the common
case and says ``per="year"``. Without either, ``per`` is None (a storage or plant size: 20GWh, 10GW).

Multipliers (2×100万千瓦, 2x350MW, 2*660MW, 100万千瓦×2) give the total in ``value`` and the
count in ``multiplier``. Numbers, ranges and 多/余 follow ``amounts.parse_quantity``; modifiers
(近/超/约…/以上/左右) give ``approx`` and ``qualifier`` as for amounts. A trailing 级 is dropped
(3200万吨级 -> 3200万吨); 百万千瓦级, a class word without digits, is an error. Text with no
number or no known unit raises ValueError naming the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ner.normalize.amounts import (
    Figure,
    _clean_decimal,
    _to_text,
    approx_of,
    modifier_after,
    modifier_before,
    parse_numeral,
    parse_quantity,
    strip_modifiers,
)

__all__ = ["CANONICAL_UNITS", "Capacity", "normalize_capacity"]

CANONICAL_UNITS = {
    "power": "MW", "energy": "kWh", "mass": "t", "coal_equivalent": "tce", "volume": "m3",
    "area": "m2", "length": "m", "count": "units",
}

_D = Decimal
# raw unit -> (dimension, factor to the canonical unit)
_UNITS: dict[str, tuple[str, Decimal]] = {}


def _add(dimension: str, factor: str, *names: str) -> None:
    for name in names:
        _UNITS[name] = (dimension, _D(factor))


_add("power", "0.000001", "W", "瓦")
_add("power", "0.001", "kW", "KW", "kw", "千瓦", "kWp")
_add("power", "1", "MW", "mw", "Mw", "兆瓦", "MWp")
_add("power", "1000", "GW", "gw", "Gw", "吉瓦", "GWp")
_add("power", "1000000", "TW")
_add("energy", "0.001", "Wh")
_add("energy", "1", "kWh", "KWh", "kwh", "KWH", "千瓦时", "千瓦·时", "千瓦小时", "度", "度电")
_add("energy", "1000", "MWh", "mwh", "MWH", "兆瓦时")
_add("energy", "1000000", "GWh", "gwh", "GWH", "吉瓦时")
_add("energy", "1000000000", "TWh", "TWH", "Twh", "太瓦时")
_add("mass", "1", "吨", "t", "蒸吨")
_add("mass", "0.001", "kg", "千克", "公斤")
_add("mass", "1000", "kt", "千吨")
_add("mass", "1000000", "Mt")
_add("coal_equivalent", "1", "吨标准煤", "吨标煤", "tce")
_add("volume", "1", "立方米", "m3", "方", "标方", "标准立方米", "Nm3", "千升", "kL")
_add("volume", "0.001", "升", "L")
_add("area", "1", "平方米", "平米", "m2")
_add("length", "1", "米", "m")
_add("length", "1000", "公里", "千米", "km")
_COUNTERS = (
    "台套", "台", "辆", "套", "片", "只", "颗", "块", "个", "件", "部", "组", "支", "枚", "根", "张", "头",
    "羽", "盏", "箱", "标箱", "TEU", "条", "艘", "架", "座", "副", "双", "对", "瓶", "袋", "卷", "粒",
)
for _c in _COUNTERS:
    _UNITS.setdefault(_c, ("count", _D(1)))

_UNIT_RE = re.compile("(" + "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)) + ")$")
_PER_UNIT_RE = re.compile(r"(?:/|每)(年|a|A|yr|y|月|天|日|d|D|小时|时|h|H)$")
_PER_NAMES = {
    "年": "year", "a": "year", "A": "year", "yr": "year", "y": "year", "月": "month",
    "天": "day", "日": "day", "d": "day", "D": "day",
    "小时": "hour", "时": "hour", "h": "hour", "H": "hour",
}
# words just before the span that make it a rate; the last one found wins
_PER_MARKERS = {
    "年产": "year", "年生产": "year", "年处理": "year", "年加工": "year", "年吞吐": "year",
    "年发电": "year", "年供": "year", "年输送": "year", "年制造": "year", "年回收": "year",
    "年出栏": "year", "年屠宰": "year", "年运输": "year", "年装配": "year", "年冶炼": "year",
    "年销": "year", "年设计": "year", "每年": "year", "年均": "year", "年可": "year",
    "日产": "day", "日处理": "day", "日供": "day", "日加工": "day", "每日": "day", "每天": "day",
    "日均": "day", "时产": "hour", "每小时": "hour",
}
_MULT_LEAD = re.compile(r"^([0-9]+|[一二两三四五六七八九十]+)(?:台|套|组)?[×xX*✕](.+)$")
_MULT_TRAIL = re.compile(r"^(.+?)[×xX*✕]([0-9]+|[一二两三四五六七八九十]+)(?:台|套|组)?$")
_CLAUSE_BREAK = re.compile(r"[，。；、,;:：！？!?（）()\n]")


@dataclass(frozen=True)
class Capacity(Figure):
    """A production, generation, storage or handling capacity in its dimension's canonical unit."""

    unit: str  # canonical: MW, kWh, t, tce, m3, m2, m, units
    dimension: str  # power, energy, mass, coal_equivalent, volume, area, length, count
    raw_unit: str  # as written, without magnitude: 千瓦, GWh, 吨, t/d, 台
    per: str | None = None  # "year", "month", "day", "hour" or None
    counter: str | None = None  # the counter word of a count: 台, 辆, 套…
    multiplier: int | None = None  # 2 in 2×100万千瓦 (value is the total)
    high_exclusive: bool = False
    approx: str | None = None
    qualifier: str = ""

    def to_dict(self) -> dict[str, Any]:
        return self._figure_dict("unit", "dimension", "raw_unit", "per", "counter", "multiplier")


def _per_from_before(before: str) -> str | None:
    """``per`` from the words just before the span, within its clause: the marker ending last wins."""
    tail = _CLAUSE_BREAK.split(_to_text(before))[-1][-12:]
    found = [(k + len(marker), len(marker), per) for marker, per in _PER_MARKERS.items()
             if (k := tail.rfind(marker)) >= 0]
    return max(found)[2] if found else None


def _split_unit(expr: str, text: str) -> tuple[str, str]:
    m = _UNIT_RE.search(expr)
    if not m:
        raise ValueError(f"no known unit at the end of capacity {text!r}")
    return expr[: m.start()], m.group(1)


def normalize_capacity(text: str, before: str = "", after: str = "") -> Capacity:
    """The value of a CAPACITY span; ``before``/``after`` are the characters around it.

    Raises ValueError naming ``text`` when there is no number or no known unit.
    """
    if not isinstance(text, str):
        raise TypeError(f"capacity text must be a string, got {type(text).__name__}: {text!r}")
    s = _to_text(text).replace("³", "3").replace("²", "2")
    lead, core, trail = strip_modifiers(s)
    if core.endswith("级") and len(core) > 1:
        core = core[:-1]
        if not re.search(r"[0-9〇零一二两三四五六七八九]", core):
            raise ValueError(f"capacity {text!r} is a class word (no digit before 级), not a quantity")
    per = None
    m = _PER_UNIT_RE.search(core)
    per_suffix = ""
    if m and m.start() > 0:
        per, per_suffix, core = _PER_NAMES[m.group(1)], m.group(0), core[: m.start()]
    multiplier = None
    mm = _MULT_LEAD.match(core) or _MULT_TRAIL.match(core)
    if mm:
        count_text = mm.group(1) if mm.re is _MULT_LEAD else mm.group(2)
        core = mm.group(2) if mm.re is _MULT_LEAD else mm.group(1)
        try:
            multiplier = int(parse_numeral(count_text))
        except ValueError:
            raise ValueError(f"cannot read the multiplier {count_text!r} in capacity {text!r}") from None
    number, raw_unit = _split_unit(core, text)
    # 10GWh-20GWh: the unit on the left side of a range goes too (it must be the same unit)
    left_unit = re.search(r"(?:[-~〜—–]+|至|到)", number)
    if left_unit:
        left, right = number[: left_unit.start()], number[left_unit.end():]
        lm = _UNIT_RE.search(left)
        if lm:
            if lm.group(1) != raw_unit:
                raise ValueError(f"capacity range {text!r} mixes units {lm.group(1)!r} and {raw_unit!r}")
            number = left[: lm.start()] + left_unit.group(0) + right
    if not number or not any(ch.isdigit() or ch in "〇零一二两三四五六七八九十百千万亿" for ch in number):
        raise ValueError(f"no number in capacity {text!r}")
    try:
        q = parse_quantity(number)
    except (ValueError, InvalidOperation) as e:
        raise ValueError(f"cannot read capacity {text!r}: {e}") from None
    dimension, factor = _UNITS[raw_unit]
    if raw_unit == "蒸吨" and per is None:
        per = "hour"
    if per is None:
        per = _per_from_before(before)
    k = factor * (multiplier or 1)
    low, high = _clean_decimal(q.low * k), _clean_decimal(q.high * k)
    approx, qualifier = approx_of(lead, q.more, trail, modifier_before(before), modifier_after(after))
    return Capacity(
        text=text,
        value=low if q.value is not None else None,
        low=low,
        high=high,
        unit=CANONICAL_UNITS[dimension],
        dimension=dimension,
        raw_unit=raw_unit + per_suffix,
        per=per,
        counter=raw_unit if dimension == "count" else None,
        multiplier=multiplier,
        high_exclusive=q.high_exclusive,
        approx=approx,
        qualifier=qualifier,
    )
