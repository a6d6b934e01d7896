"""Context cues of a record: the role of an amount (investment, output value, other), the project's
stage and date, and companies cited only as examples of an industry; for a whole-article record
(``ner.records.article``), the stage its sentences report and one role per figure."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ner.records.page import headline_range
from ner.records.text import _sentence_before
from ner.types import Span

# Stage words, longest first at each position; value: the stage it stands for.
_STAGE_WORDS = {
    "签约落户": "签约", "开竣工": "开工", "试生产": "投产", "量产": "投产", "签约": "签约", "签署": "签约",
    "落户": "落户", "引进": "落户", "入驻": "落户", "进驻": "落户", "开工": "开工", "建成": "建成",
    "投产": "投产", "竣工": "竣工", "规划": "规划", "签订": "签约", "奠基": "开工", "动工": "开工", "开建": "开工",
    "试产": "投产",
}
_STAGE_RE = re.compile("|".join(sorted(_STAGE_WORDS, key=len, reverse=True)))

_YEAR = r"(?:(?:19|20)\d{2}年|今年|去年|明年)"
_DATE_RE = re.compile(
    rf"{_YEAR}?\d{{1,2}}月(?:\d{{1,2}}日|上旬|中旬|下旬|底|初|末|份)?"
    rf"|{_YEAR}(?:上半年|下半年|前三季度|[一二三四]季度|以来|来)?"
    r"|上半年|下半年|前三季度"
)

# Amount roles: keyword -> role. The nearest keyword before the amount wins.
_ROLE_WORDS = {
    "investment": ("总投资", "计划投资", "固定资产投资", "投资总额", "投资额", "投资", "签约", "完成投资", "融资",
                   "中标", "合同", "交易", "对价", "收购", "出资", "增资", "认购", "募资", "募集", "斥资"),
    "output_value": ("年产值", "产值", "营收", "营业收入", "销售收入", "销售额", "产业规模", "规模"),
    "other": ("基金", "税收", "纳税", "贷款", "注册资本", "授信", "奖补", "奖励", "补贴", "资金", "银行", "利润"),
}
_ROLE_OF = {w: role for role, words in _ROLE_WORDS.items() for w in words}
_ROLE_RE = re.compile("|".join(sorted(_ROLE_OF, key=len, reverse=True)))
_ROLE_WINDOW = 16  # characters before the amount searched for a role keyword
_ROLE_AFTER = 14  # characters after the amount searched when nothing is found before

# Companies cited as examples of an industry: "X、Y等(一批)…企业" / "等龙头企业带动下"
_EXAMPLE_TAIL = re.compile(r"等[^，,；;。！？!?]{0,20}?(?:企业|龙头)")
_COUNT = r"(?:\d+|[一二三四五六七八九十百]+)(?:个|家|项)"  # 51个, 十家
_BATCH_TAIL = re.compile(rf"等[^，,；;。！？!?]{{0,20}}?{_COUNT}")
_BATCH_VERB = re.compile(r"引进|招引|签约|落户|入驻|集中开工")
_SUBSET_COUNT = re.compile(rf"其中[^。；;！？!?]*?{_COUNT}")  # 其中…项目3个
_MONEY = re.compile(r"\d[\d.,]*\s*(?:万亿|亿|万|千)*\s*(?:元|美元)")


# ---------------------------------------------------------------------------------------------
# Context rules


def amount_role(text: str, amount: Span, lo: int, previous_role: str | None = None) -> str:
    """investment / output_value / other from the words just before (or after) the amount.

    ``lo``: where the search window may start at the earliest (sentence start or previous amount's
    end); ``previous_role``: the role of the previous amount in the same sentence, used when no
    keyword is found before this one.
    """
    window = text[max(lo, amount.start - _ROLE_WINDOW):amount.start]
    hits = list(_ROLE_RE.finditer(window))
    if hits:
        return _ROLE_OF[max(hits, key=lambda m: m.end()).group(0)]
    if previous_role:
        return previous_role
    after = re.split(r"[，,；;。！？!?]", text[amount.end:amount.end + _ROLE_AFTER], maxsplit=1)[0]
    hit = _ROLE_RE.search(after)
    if hit:
        return _ROLE_OF[hit.group(0)]
    return "investment" if "项目" in after else "other"  # 10亿元以上项目: a class of investments


def _nearest(matches: list[tuple[int, int, str]], anchor: int, after_first: bool) -> str | None:
    """Pick among ``(start, end, value)``: the first after the anchor (if ``after_first``), else the
    nearest before it, else the nearest after it."""
    after = [m for m in matches if m[0] >= anchor]
    before = [m for m in matches if m[1] <= anchor]
    if after_first and after:
        return min(after)[2]
    if before:
        return max(before, key=lambda m: m[1])[2]
    if after:
        return min(after)[2]
    return None


def _stage_in(text: str, lo: int, hi: int, anchor: int, blocked: list[tuple[int, int]]) -> str | None:
    ms = [
        (m.start() + lo, m.end() + lo, _STAGE_WORDS[m.group(0)])
        for m in _STAGE_RE.finditer(text[lo:hi])
        if not any(b[0] <= m.start() + lo < b[1] for b in blocked)
    ]
    return _nearest(ms, anchor, after_first=True)


def _date_in(text: str, lo: int, hi: int, anchor: int) -> str | None:
    ms = [(m.start() + lo, m.end() + lo, m.group(0)) for m in _DATE_RE.finditer(text[lo:hi]) if m.group(0)]
    return _nearest(ms, anchor, after_first=False)


def _is_industry_example(text: str, company: Span, hi: int) -> bool:
    """X、Y等一批…龙头企业 / 在北汽、…等龙头企业带动下: companies named as examples of an industry; X、Y等…项目51个，
    其中…: examples of a batch whose figures the sentence gives for its subsets."""
    stop = re.search(r"[，,；;。！？!?]", text[company.end:hi])
    tail = text[company.end:company.end + stop.start()] if stop else text[company.end:hi]
    if (_BATCH_TAIL.search(tail) and not _MONEY.search(tail) and _BATCH_VERB.search(text, max(0, company.start - 30), company.start)
            and _SUBSET_COUNT.search(text, company.end, hi)):
        return True  # 引进A、B、C等优强项目51个，其中…投资10亿元以上项目3个: the batch's examples, not the subset's
    return bool(_EXAMPLE_TAIL.search(tail)) and not _STAGE_RE.search(tail)


# ---------------------------------------------------------------------------------------------
# Whole-article records (ner.records.article)


_STAGE_ORDER = ("规划", "签约", "落户", "开工", "竣工", "建成", "投产")
_PLANNED = re.compile(r"拟|计划|规划|将投资|将建设|预计投资|筹建")


def _record_sentences(sentences: Sequence[tuple[int, int]], r: dict[str, Any]) -> list[tuple[int, int]]:
    points = [m["start"] for m in (*r["amounts"], *r["capacities"])]
    if r.get("project_span"):
        points.append(r["project_span"][0])
    return [(lo, hi) for lo, hi in sentences if any(lo <= p < hi for p in points)]


def record_stage(text: str, sentences: Sequence[tuple[int, int]], r: dict[str, Any]) -> str | None:
    """The furthest stage the record's sentences report, headline aside when the body reports one;
    规划 when they only plan the project; else the sentence-level reading."""
    head_start, head_end = headline_range(text)
    found = [(_STAGE_WORDS[m.group(0)], lo) for lo, hi in _record_sentences(sentences, r) for m in _STAGE_RE.finditer(text, lo, hi)]
    body = [st for st, lo in found if not head_start <= lo < head_end] or [st for st, _ in found]
    if body:
        return max(body, key=_STAGE_ORDER.index)
    figs = [*r["amounts"], *r["capacities"]]
    if figs and any(_PLANNED.search(_sentence_before(text, m["start"])[-40:]) for m in figs):
        return "规划"
    return r["stage"]


def settle_roles_and_stage(text: str, sentences: Sequence[tuple[int, int]], r: dict[str, Any]) -> dict[str, Any]:
    """The same figure has one role (the headline's 14亿 is the body's 总投资14亿元); the stage is
    ``record_stage``."""
    roles = {(m.get("currency"), m.get("value")): m["role"] for m in r["amounts"] if m.get("role") != "other"}
    amounts = [{**m, "role": roles.get((m.get("currency"), m.get("value")), m["role"])} for m in r["amounts"]]
    return {**r, "amounts": amounts, "stage": record_stage(text, sentences, r)}
