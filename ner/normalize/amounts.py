"""AMOUNT span text -> ``Amount``: exact Decimal values in the currency's own unit.

Also home of the numeral parser shared with ``capacities`` (``parse_quantity``), because numbers in
both entity types follow the same grammar:

    quantity   := point | point RANGE point           8-10亿, 8～10亿, 8至10亿, 8亿至10亿
    point      := numeral [多|余 magnitude*]          两千多万, 1000余万, 30多亿, 1.5万多
    numeral    := Arabic (full-width too, 1,200.5), Chinese (〇零一二两三…十百千万亿, 壹贰…拾佰仟),
                  or mixed (1.2万亿, 3千万, 千亿 = 1000亿, 百亿, 一万五 = 15000, 二〇二〇 = 2020)

Why not cn2an (MIT): cn2an 0.5 rejects 两千多 and 1000余 in every mode (the annotation keeps 多/余
inside the span), rejects 1.2万亿 and 千亿 (magnitude with no digit before it), and reads 二〇 as 20
only in its lenient modes. Wrapping it would mean pre-parsing most of the grammar anyway, so this
module carries a small parser with its own behaviour table (tests/test_normalize.py).

Rules (each one pinned by a row of the test table):

* ``N多/余 M`` (N a numeral, M zero or more of 万/亿) is the half-open interval
  ``[N*M, (N+step)*M)`` where ``step`` is the place value of N's last non-zero digit:
  两千多万 -> [2e7, 3e7), 30多亿 -> [3e9, 4e9), 1000余万 -> [1e7, 2e7), 1200多万 -> [1.2e7, 1.3e7).
  This is how 一千多 reads in Chinese (1000 to 1999); 1000余 follows the same rule, because a
  written 1000 says nothing about which digit 余 fills. ``high_exclusive`` is True for these.
* A range ``A-B`` (separators - ~ ～ 〜 — – 至 到) is closed: 8-10亿元 -> low 8e8, high 1e9. A left
  side without 万/亿 borrows the right side's trailing magnitude (8-10亿 -> 8亿-10亿, 3000-5000万).
* ``value`` is set only for a point value (``low == high``); ranges and 多/余 give ``value=None``.
* Money is never converted: 6亿美元 is 600000000 USD. A bare amount (85亿) is CNY with
  ``currency_assumed=True``, unless the text right after the span names a currency.
* ``approx`` is one of APPROX_VALUES. 多/余 inside the span give "more_than"; otherwise modifiers
  inside the text, then just before (``before``), then just after (``after``) the span decide.
  ``qualifier`` keeps every raw modifier found, in text order (近, 多, 以上, 约…左右).
* ``to_dict()`` writes Decimals as int when integral, else as float (shortest repr: the JSON text
  equals the decimal text up to 15 significant digits).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ner.lexicon.units import CURRENCY_CODES

__all__ = [
    "APPROX_VALUES",
    "CURRENCY_CODES",
    "Amount",
    "Figure",
    "Quantity",
    "normalize_amount",
    "parse_numeral",
    "parse_quantity",
]

APPROX_VALUES = ("approximately", "nearly", "more_than", "at_least", "less_than", "at_most")

# ---------------------------------------------------------------------------------------------
# Numerals

_CN_DIGITS = {
    "〇": 0, "零": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_ARABIC = set("0123456789.")
_MORE = "多余"  # 两千多万, 1000余万
_RANGE_SPLIT = re.compile(r"\s*(?:[-~〜—–]+|至|到)\s*")
_MAGNITUDE_TAIL = re.compile(r"(?:(?<=[0-9])[十百千])?[万萬亿億]+$")


def _clean_decimal(d: Decimal) -> Decimal:
    """The same number with a canonical exponent: integral values as integers (1.2E+4 -> 12000)."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def _to_text(s: str) -> str:
    """NFKC (full-width digits and punctuation -> ASCII), a middle dot between digits read as a decimal
    point (４·３亿, as older print writes 4.3亿), thousands separators out, no spaces."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"(?<=\d)[·・](?=\d)", ".", s)  # after NFKC, half-width ･ is ・
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
    return re.sub(r"\s+", "", s)


def parse_numeral(s: str) -> Decimal:
    """A numeral without 多/余 or range: ``"119.75亿"`` -> 11975000000, ``"两千"`` -> 2000.

    Raises ValueError naming ``s`` when it is not a numeral.
    """
    text = _to_text(s)
    if not text:
        raise ValueError(f"no number in {s!r}")
    total = Decimal(0)  # everything up to the last 亿
    wan = Decimal(0)  # the 万 group since the last 亿
    section = Decimal(0)  # 千百十 part since the last 万/亿
    number: Decimal | None = None  # the digits not yet given a unit
    last_unit: int | None = None  # unit just before ``number`` (for 一万五 = 15000)
    after_unit = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _ARABIC:
            j = i
            while j < n and text[j] in _ARABIC:
                j += 1
            run = text[i:j]
            if number is not None or run.count(".") > 1 or run.startswith(".") or run.endswith("."):
                raise ValueError(f"malformed number {run!r} in {s!r}")
            number = Decimal(run)
            after_unit = last_unit is not None and number < 10 and "." not in run and len(run) == 1
            i = j
        elif c in _CN_DIGITS:
            j = i
            while j < n and text[j] in _CN_DIGITS:
                j += 1
            run = text[i:j]
            if number is not None:
                raise ValueError(f"two numbers without a unit between them in {s!r}")
            # A run of digits with no unit inside is positional: 二〇二〇 = 2020, 零五 = 5.
            number = Decimal("".join(str(_CN_DIGITS[ch]) for ch in run))
            after_unit = last_unit is not None and len(run) == 1 and run != "零"
            i = j
            if i < n and text[i] == "点":  # 三点五 = 3.5
                k = i + 1
                while k < n and text[k] in _CN_DIGITS:
                    k += 1
                if k == i + 1:
                    raise ValueError(f"点 without digits after it in {s!r}")
                number = Decimal(f"{number}." + "".join(str(_CN_DIGITS[ch]) for ch in text[i + 1:k]))
                after_unit = False
                i = k
        elif c in _SMALL_UNITS:
            unit = _SMALL_UNITS[c]
            section += (Decimal(1) if number is None else number) * unit
            number, last_unit, after_unit = None, unit, False
            i += 1
        elif c in _BIG_UNITS:
            unit = _BIG_UNITS[c]
            group = section + (number or 0)
            if unit == 10**4:
                if group:
                    wan += group * unit
                else:  # 万 with no digit before it: 1万 (万万 = 1亿)
                    wan = wan * unit if wan else Decimal(unit)
            else:
                grp = total + wan + group
                total = (grp if grp else Decimal(1)) * unit
                wan = Decimal(0)
            section, number, last_unit, after_unit = Decimal(0), None, unit, False
            i += 1
        else:
            raise ValueError(f"unexpected character {c!r} in number {s!r}")
    if number is not None and after_unit and last_unit is not None and last_unit >= 100:
        number = number * last_unit / 10  # 一万五 = 15000, 两千五 = 2500
    return _clean_decimal(total + wan + section + (number or 0))


@dataclass(frozen=True)
class Quantity:
    """A parsed number: ``low == high`` for a point; ``high_exclusive`` for 多/余 intervals."""

    low: Decimal
    high: Decimal
    high_exclusive: bool = False
    more: str = ""  # the 多/余 char found inside, if any
    is_range: bool = False

    @property
    def value(self) -> Decimal | None:
        return self.low if self.low == self.high and not self.high_exclusive else None


def _last_digit_place(d: Decimal) -> Decimal:
    """Place value of the last non-zero digit: 2000 -> 1000, 1200 -> 100, 2.5 -> 0.1."""
    return Decimal(1).scaleb(d.normalize().as_tuple().exponent)


def _parse_point(expr: str, whole: str) -> Quantity:
    positions = [k for k, ch in enumerate(expr) if ch in _MORE]
    if not positions:
        v = parse_numeral(expr)
        return Quantity(v, v)
    if len(positions) > 1:
        raise ValueError(f"more than one 多/余 in {whole!r}")
    k = positions[0]
    head, tail = expr[:k], expr[k + 1:]
    if not head or any(ch not in _BIG_UNITS for ch in tail):
        raise ValueError(f"多/余 must follow a number and precede only 万/亿 in {whole!r}")
    n = parse_numeral(head)
    if n <= 0:
        raise ValueError(f"多/余 after zero in {whole!r}")
    m = Decimal(1)
    for ch in tail:
        m *= _BIG_UNITS[ch]
    step = _last_digit_place(n)
    return Quantity(_clean_decimal(n * m), _clean_decimal((n + step) * m), True, expr[k])


def parse_quantity(s: str) -> Quantity:
    """A point, a 多/余 interval or a range, without currency or unit words (see module docstring)."""
    expr = _to_text(s)
    parts = [p for p in _RANGE_SPLIT.split(expr)]
    if len(parts) == 1:
        return _parse_point(expr, s)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise ValueError(f"a range needs exactly two numbers: {s!r}")
    left, right = parts
    if not any(ch in _BIG_UNITS for ch in left):
        tail = _MAGNITUDE_TAIL.search(right.rstrip(_MORE))
        if tail:
            left += tail.group(0)
    lo, hi = _parse_point(left, s), _parse_point(right, s)
    if lo.low > hi.high:
        raise ValueError(f"range {s!r} goes down: {lo.low} > {hi.high}")
    return Quantity(lo.low, hi.high, hi.high_exclusive, lo.more or hi.more, True)


# ---------------------------------------------------------------------------------------------
# Modifiers, shared with capacities

_BEFORE_MODIFIERS = {
    "将近": "nearly", "接近": "nearly", "近": "nearly",
    "大约": "approximately", "约为": "approximately", "约合": "approximately", "大概": "approximately",
    "约": "approximately",
    "超过": "more_than", "多于": "more_than", "高于": "more_than", "超": "more_than", "逾": "more_than",
    "不少于": "at_least", "不低于": "at_least", "至少": "at_least", "最少": "at_least",
    "不到": "less_than", "不足": "less_than", "少于": "less_than", "低于": "less_than",
    "不超过": "at_most", "最多": "at_most",
}
_AFTER_MODIFIERS = {
    "以上": "at_least", "及以上": "at_least", "左右": "approximately", "上下": "approximately",
    "以下": "at_most", "以内": "at_most", "开外": "more_than", "有余": "more_than",
}
_NOT_BEFORE = ("最近", "附近", "临近", "靠近")  # 近 that is not "nearly"
_BEFORE_FILLER = "达为计是了"  # 约达200亿, 超过了


def _by_length(keys) -> list[str]:
    return sorted(keys, key=len, reverse=True)


_BEFORE_KEYS = _by_length(_BEFORE_MODIFIERS)
_AFTER_KEYS = _by_length(_AFTER_MODIFIERS)


def modifier_before(before: str) -> str:
    """The modifier that ``before`` ends with ("" if none): ``"总投资近"`` -> ``"近"``."""
    b = _to_text(before)
    if b and b[-1] in _BEFORE_FILLER and len(b) > 1:
        trimmed = b[:-1]
        if any(trimmed.endswith(k) for k in _BEFORE_KEYS):
            b = trimmed
    if b.endswith(_NOT_BEFORE):
        return ""
    return next((k for k in _BEFORE_KEYS if b.endswith(k)), "")


def modifier_after(after: str) -> str:
    """The modifier that ``after`` starts with ("" if none): ``"以上的项目"`` -> ``"以上"``."""
    a = _to_text(after)
    return next((k for k in _AFTER_KEYS if a.startswith(k)), "")


def strip_modifiers(text: str) -> tuple[str, str, str]:
    """Leading and trailing modifiers that a predicted span may carry: ``"近200亿元以上"``
    -> (``"近"``, ``"200亿元"``, ``"以上"``)."""
    lead = next((k for k in _BEFORE_KEYS if text.startswith(k) and len(text) > len(k)), "")
    rest = text[len(lead):]
    trail = next((k for k in _AFTER_KEYS if rest.endswith(k) and len(rest) > len(k)), "")
    return lead, rest[: len(rest) - len(trail)], trail


def approx_of(lead: str, more: str, trail: str, before: str, after: str) -> tuple[str | None, str]:
    """(approx, qualifier) from the modifiers found, inside the span first."""
    approx = None
    if more:
        approx = "more_than"
    elif lead:
        approx = _BEFORE_MODIFIERS[lead]
    elif trail:
        approx = _AFTER_MODIFIERS[trail]
    elif before:
        approx = _BEFORE_MODIFIERS[before]
    elif after:
        approx = _AFTER_MODIFIERS[after]
    return approx, before + lead + more + trail + after


def number_json(d: Decimal | None) -> int | float | None:
    """JSON-safe number: int when integral, else float (see module docstring)."""
    if d is None:
        return None
    return int(d) if d == d.to_integral_value() else float(d)


# ---------------------------------------------------------------------------------------------
# Currencies

# Currency names -> ISO 4217 codes: in ner.lexicon.units, beside the rules' and the readers' lists.
_CURRENCY_RE = re.compile("|".join(re.escape(k) for k in _by_length(CURRENCY_CODES)))


@dataclass(frozen=True)
class Figure:
    """What an amount and a capacity share: the span's text and its number, a point (``value``) or an
    interval ``[low, high]`` (``value`` None). ``Amount`` and ``Capacity`` add their unit and modifiers."""

    text: str
    value: Decimal | None  # None for a range or a 多/余 interval
    low: Decimal
    high: Decimal

    def _figure_dict(self, *own: str) -> dict[str, Any]:
        """``to_dict`` of a subclass: the number's keys, ``high_exclusive``, the subclass's ``own`` keys, then
        ``approx`` and ``qualifier`` (fields that both subclasses have), in this order."""
        d = {"text": self.text, "value": number_json(self.value), "low": number_json(self.low),
             "high": number_json(self.high), "high_exclusive": getattr(self, "high_exclusive")}
        d.update((key, getattr(self, key)) for key in own)
        d.update(approx=getattr(self, "approx"), qualifier=getattr(self, "qualifier"))
        return d


@dataclass(frozen=True)
class Amount(Figure):
    """A money amount in the currency's own unit (yuan, dollars…), never converted."""

    currency: str  # ISO 4217: CNY, USD, EUR, HKD, JPY, GBP…
    currency_assumed: bool = False  # no currency word: CNY assumed
    high_exclusive: bool = False  # True for 多/余: [low, high)
    approx: str | None = None  # one of APPROX_VALUES
    qualifier: str = ""  # the raw modifier chars: 近, 多, 以上…

    def to_dict(self) -> dict[str, Any]:
        return self._figure_dict("currency", "currency_assumed")


def normalize_amount(text: str, before: str = "", after: str = "") -> Amount:
    """The value of an AMOUNT span.

    ``before`` and ``after`` are the characters just before and after the span in the article
    (a few are enough); they give the modifiers that the annotation keeps outside the span
    (近200亿元, 5000万元以上) and, for a bare amount, a currency word the span missed.
    Raises ValueError naming ``text`` when it is not a money amount.
    """
    if not isinstance(text, str):
        raise TypeError(f"amount text must be a string, got {type(text).__name__}: {text!r}")
    s = _to_text(text)
    lead, core, trail = strip_modifiers(s)
    found = _CURRENCY_RE.findall(core)
    codes = {CURRENCY_CODES[f] for f in found}
    if len(codes) > 1:
        raise ValueError(f"amount {text!r} names several currencies: {sorted(codes)}")
    expr = _CURRENCY_RE.sub("", core)
    currency_assumed = not codes
    if codes:
        currency = codes.pop()
    else:
        nxt = _CURRENCY_RE.match(_to_text(after))
        currency = CURRENCY_CODES[nxt.group(0)] if nxt else "CNY"
        currency_assumed = nxt is None
    if not expr or not any(ch.isdigit() or ch in _CN_DIGITS or ch in _SMALL_UNITS for ch in expr):
        raise ValueError(f"no number in amount {text!r}")
    try:
        q = parse_quantity(expr)
    except (ValueError, InvalidOperation) as e:
        raise ValueError(f"cannot read amount {text!r}: {e}") from None
    approx, qualifier = approx_of(lead, q.more, trail, modifier_before(before), modifier_after(after))
    return Amount(
        text=text,
        value=q.value,
        low=q.low,
        high=q.high,
        currency=currency,
        currency_assumed=currency_assumed,
        high_exclusive=q.high_exclusive,
        approx=approx,
        qualifier=qualifier,
    )
