"""AMOUNT candidates: a number, an optional magnitude and a currency, or a bare 85亿 beside a money word
(see ``ner.rules`` for what the rules find and how conflicts are resolved)."""
from __future__ import annotations

import re

from ner.lexicon.units import CURRENCIES
from ner.rules.numbers import _APPROX, _CN_DIGITS, _DIGITS, _NOT_AFTER_NUMBER, _NUM_ARABIC, _NUM_CHINESE
from ner.types import Span

_CURRENCY = "(?:" + "|".join(CURRENCIES) + ")"
_MONEY_MAG = "(?:万亿|千万|百万|十万|亿|万|千)"
_AMOUNT_Q = rf"(?:{_NUM_ARABIC}|{_NUM_CHINESE}){_APPROX}?{_MONEY_MAG}?{_APPROX}?"
# A range whose first part may carry magnitude and currency when joined by a dash ("8亿元-10亿元"),
# magnitude only when joined by 至/到 ("8至10亿元").
AMOUNT_RE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?P<q>{_AMOUNT_Q}(?:{_CURRENCY}?\s?[-－—–~～]\s?{_AMOUNT_Q}|\s?[至到]\s?{_AMOUNT_Q})?{_CURRENCY})"
)
# Bare "85亿" (no currency): a magnitude is required and the context decides.
BARE_AMOUNT_RE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?P<q>(?:{_NUM_ARABIC}|[数几]?[{_CN_DIGITS}]{{2,}}){_APPROX}?(?:万亿|千万|百万|亿|万){_APPROX}?)"
    rf"(?![{_DIGITS}]|{_APPROX}?{_CURRENCY})"
)
MONEY_CONTEXT = (
    "投资", "总投资", "投资额", "资金", "产值", "营收", "营业收入", "收入", "销售额", "销售收入", "融资",
    "基金", "税收", "利税", "税金", "贷款", "授信", "募资", "募集", "出资", "注册资本", "资本", "金额",
    "利润", "交易额", "成交额", "预算", "补贴", "奖励", "GDP", "估值", "市值", "本金", "对价", "作价", "套现",
    "债务", "债权", "赔偿", "浮盈",
)
_MONEY_CONTEXT_RE = re.compile("|".join(sorted(map(re.escape, MONEY_CONTEXT), key=len, reverse=True)))
MONEY_CONTEXT_WINDOW = 6  # characters allowed between the money word and the number
# Or a money word right after it: 2450亿的投资, 须有70亿融资能力, 83.65亿人民币 (人民币 stays outside).
_MONEY_AFTER_RE = re.compile(r"(?:的)?(?:投资|融资|资金|投入|价格|对价)|人民币|现金")
# What follows a bare number when it is not money.
_BARE_NOT_FOLLOWED = re.compile(
    r"(?:股|人(?!民币)|次|个|户|家|千瓦|瓦|度|吨|台|辆|套|片|平方|立方|亩|米|公里|千米|条|座|项|只|件|份|倍|千升|升|"
    r"[A-Za-z%‰％])"
)


def find_amounts(text: str) -> list[Span]:
    """AMOUNT candidates (may overlap each other; ``preannotate`` resolves)."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        q = m.group("q")
        if not _has_real_number(q):
            continue
        out.append(Span(m.start("q"), m.end("q"), "AMOUNT", q))
    for m in BARE_AMOUNT_RE.finditer(text):
        s, e = m.start("q"), m.end("q")
        if _BARE_NOT_FOLLOWED.match(text, e):
            continue
        if not (_money_context_before(text, s) or _MONEY_AFTER_RE.match(text, e)):
            continue
        out.append(Span(s, e, "AMOUNT", text[s:e]))
    return out


def _has_real_number(q: str) -> bool:
    """Digits, or Chinese numerals that are a number and not a word (三元, 一元化 are not money)."""
    if re.search(f"[{_DIGITS}]", q):
        return True
    head = re.match(rf"[数几]?[{_CN_DIGITS}]+", q)
    if not head:
        return False
    numeral = head.group(0)
    rest = q[len(numeral):]
    return bool(re.search("[十百千拾佰仟]", numeral) or re.search("[万亿]", rest))


def _money_context_before(text: str, start: int) -> bool:
    left = text[max(0, start - MONEY_CONTEXT_WINDOW - 5):start]
    for m in _MONEY_CONTEXT_RE.finditer(left):
        between = left[m.end():]
        if len(between) <= MONEY_CONTEXT_WINDOW and not re.search(rf"[，,。；;、！？!?\n{_DIGITS}]", between):
            return True
    return False
