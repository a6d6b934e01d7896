"""Where model spans and rule spans meet: the tagger's post-processing (``finalize``), driven by the rule
policy of the ``tag`` section of a training config (``ner.config.TagConfig``: ``rules_only``,
``rules_first``, ``rules_fill``, ``min_score``), saved with the model and used by ``ner tag``,
``ner.load``, ``ner cv`` and the benchmarks (``ner.evaluation.compare``). Nothing else combines them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ner.company_names import LONGER_WORD_RE, consistent_companies, foreign_firms
from ner.model_spans import GENERIC_FIRM, NOT_A_NAME, amount_forms, is_source, model_shapes, veto_non_companies
from ner.types import Span

if TYPE_CHECKING:
    from ner.config import TagConfig

NUMERIC = ("AMOUNT", "CAPACITY")
MIN_LENGTH = 2  # characters: the guidelines tag no one-character entity
# load() arguments for the model alone: no rules and no score threshold
MODEL_ONLY = {"rules_only": (), "rules_first": (), "rules_fill": (), "min_score": {}, "shapes": False}


def _rule_spans(text: str, rule_types: Sequence[str], rules: Sequence[Span] | None) -> list[Span]:
    """Rule spans of ``rule_types``: from ``rules`` (``preannotate(text)`` already run) or computed."""
    if rules is None:
        from ner.rules import preannotate

        rules = preannotate(text)
    return [r for r in rules if r.label in rule_types]


def fill_with_rules(text: str, spans: list[Span], rule_types: Sequence[str],
                    rules: Sequence[Span] | None = None) -> list[Span]:
    """Model spans combined with rule spans (``ner.rules``, or ``rules`` if already run) of ``rule_types``.

    * A rule span that overlaps no model span is added (the model was silent there).
    * For the numeric types, money vs capacity is decided by the unit word, which rules read
      reliably: a model AMOUNT/CAPACITY span overlapping a rule span of the other numeric type is
      replaced by the rule span (20GWh tagged AMOUNT by the model becomes CAPACITY).
    * Otherwise the model wins a conflict. Rule spans carry score None, which tells them apart.
    """
    out = list(spans)
    for r in _rule_spans(text, rule_types, rules):
        hits = [s for s in out if r.start < s.end and s.start < r.end]
        if not hits:
            out.append(r)
        elif all(s.label in NUMERIC and r.label in NUMERIC and s.label != r.label for s in hits):
            out = [s for s in out if s not in hits] + [r]
    return sorted(out)


def prefer_rules(text: str, spans: list[Span], rule_types: Sequence[str], exclusive: bool = False,
                 rules: Sequence[Span] | None = None) -> list[Span]:
    """Rule spans of ``rule_types`` win: each is added, and every model span overlapping one is dropped.

    With ``exclusive``, those types come from the rules alone: model spans of them are dropped too.
    Meant for what a pattern or a gazetteer reads more reliably than a model trained on a few articles
    (figures with their unit words, administrative place names, company names ending in 有限公司).
    ``rules``: ``preannotate(text)`` if the caller already ran it.
    """
    winners = _rule_spans(text, rule_types, rules)
    kept = [s for s in spans if not (exclusive and s.label in rule_types)
            and not any(r.start < s.end and s.start < r.end for r in winners)]
    return sorted(kept + winners)


def companies_take_places(spans: Sequence[Span], rules: Sequence[Span], text: str) -> list[Span]:
    """Rule spans less the rule places that a model company starts with and runs past (北京银行,
    杭州海康威视, 浙江交科: the rules read 北京, 杭州, 浙江 where the model sees a firm's name), unless a space
    follows the place (香港 DRA COMPANY LIMITED: a place before a name; ``cut_after_places`` cuts the firm)."""
    firms = [s for s in spans if s.label == "COMPANY" and s.score is not None]
    return [r for r in rules if not (r.label == "REGION" and not text[r.end:r.end + 1].isspace() and any(
        f.start == r.start and f.end > r.end for f in firms))]


def cut_after_places(text: str, spans: list[Span], rules: Sequence[Span]) -> list[Span]:
    """Model companies that start with a rule place and a space start after them (香港 DRA COMPANY LIMITED ->
    DRA COMPANY LIMITED)."""
    places = {r.start: r.end for r in rules if r.label == "REGION"}
    out = []
    for s in spans:
        end = places.get(s.start) if s.label == "COMPANY" and s.score is not None else None
        if end is not None and end < s.end and text[end:end + 1].isspace():
            start = end + len(text[end:s.end]) - len(text[end:s.end].lstrip())
            if s.end - start >= MIN_LENGTH:
                out.append(Span(start, s.end, s.label, text[start:s.end], s.score))
            continue
        out.append(s)
    return out


# A stock code or quote right after a listed company's name: 上海新阳（300236.SZ）, 四川成渝高速公路(00107.HK),
# 西南证券(4.510,-0.04,-0.88%) (the quote finance portals insert), 万达信息（股票代码：300168）; six digits alone
# only with a prefix no fund or index shares (60x, 688, 30x: 鹏华新兴产业（206009）, 中欧医疗健康（003095） name no
# company); a quote in full (price, change, per cent: not coordinates, （113.264, 23.129））.
_LISTING_RE = re.compile(r"[（(]\s*(?:(?:股票|证券)代码[:：]?\s*)?(?:(?:60[0135]|688|30[01])\d{3}[)）]|\d{6}\.(?:SH|SZ|BJ|SS)|"
                         r"\d{4,5}\.HK|\d{1,4}\.\d{2,3},\s*[-+]?\d+(?:\.\d+)?,\s*[-+]?\d+(?:\.\d+)?%)", re.IGNORECASE)
# Securities that are no company (indices, funds, bonds): 上证指数, 沪深300ETF, 南航转债, 嘉实新兴产业基金.
_NOT_A_FIRM_RE = re.compile(r"(?:指数|指|ETF|LOF|转债|债|基金|信托)$|^(?:沪深\d|上证\d|深证成|中证\d|创业板[指综]|科创\d|恒生)",
                            re.IGNORECASE)  # (科创信息 is a firm, 科创50 an index)
# A name holds no link word or verb (其次是兴业银行, 保定市副市长与数知科技).
_NOT_IN_NAME_RE = re.compile(r"[与和及的是为在将对从向被把让]|市长|书记|下调|上调|上涨|下跌|表示")
_NAME_CHARS = re.compile(r"[^\W_]+|\*ST[^\W_]+")  # a name: letters and digits, no punctuation or space
_MAX_LISTED_NAME = 12
# A name standing alone before the bracket, from a line start, punctuation or a space (丨*ST猛狮(002684.SZ),
# ⏎绿色动力(11.530,0.21): 2 to 8 characters, no digit first, not right after a bracket (四川成渝(3.810,...)高速公路(00107.HK):
# a quote inside a name).
_MAX_WORD = 8
_WORD_BEFORE = re.compile(rf"(?:(?<=^)|(?<=[\s，。：:；、！？“”\"（(【\[丨|]))(?:\*ST|[^\W\d_丨])[^\W_丨]{{1,{_MAX_WORD - 1}}}$",
                          re.MULTILINE)  # (丨 is a letter to \w: 港股异动丨力世纪 is 力世纪)


def listed_names(text: str, model: Sequence[Span], rules: Sequence[Span]) -> set[str]:
    """Names that a stock code or a quote follows in ``text``. The name starts at the model company that
    reaches the bracket, whatever its score, or at the first rule place inside it (战场西南证券 -> 西南证券);
    without such a company, at the nearest rule place before the bracket and the places chained to it on
    its left (四川成渝(3.810, 中国洲际油气(3.250); without either, at a word of 2 to 8 characters standing alone
    before it (丨*ST猛狮(002684.SZ)). No punctuation or space inside; at most 12 characters."""
    from ner.rules import is_non_company

    places = sorted(r for r in rules if r.label == "REGION")
    names = set()
    for m in _LISTING_RE.finditer(text):
        at = m.start()
        firms = [s for s in model if s.label == "COMPANY" and s.start < at
                 and (at <= s.end or (at - s.end <= 4 and _NAME_CHARS.fullmatch(text[s.end:at])))]  # 中国洲际|油气(
        if firms:
            start = min(s.start for s in firms)
            start = min((r.start for r in places if start <= r.start < at), default=start)
        else:
            near = [r for r in places if 0 < at - r.start <= _MAX_LISTED_NAME and r.end <= at]
            if near:
                start = near[-1].start
                while any(r.end == start for r in places):
                    start = next(r.start for r in places if r.end == start)
                if text[start:near[-1].end].endswith(("省", "市", "区", "县")):
                    start = near[-1].end  # 北京市金融街(6.690,...): the city, then the firm
            elif word := _WORD_BEFORE.search(text, max(0, at - _MAX_WORD - 1), at):
                start = word.start()
            else:
                continue
        if text[max(0, start - 1):start + 2] == "*ST":
            start -= 1  # *ST猛狮: the risk mark is part of the listed name
        name = text[start:at]
        if any(r.start == start and r.end == at for r in places):
            continue  # a place alone before a bracket of digits is no listed name
        if 2 <= len(name) <= _MAX_LISTED_NAME and _NAME_CHARS.fullmatch(name) and not is_non_company(name) \
                and name not in NOT_A_NAME and name not in GENERIC_FIRM and not _NOT_A_FIRM_RE.search(name) \
                and not _NOT_IN_NAME_RE.search(name):
            names.add(name)
            if name.startswith("*ST"):
                names.add(name[1:])  # 「ST康美」 later in the text
    return names



def add_listed_companies(text: str, spans: list[Span], names: set[str]) -> list[Span]:
    """Every mention of a listed name (``listed_names``) is a COMPANY (score None: a rule's), and the spans
    across it go: the place its name starts with (上海 in 上海新阳), a model span cut differently
    (战场西南证券). A mention inside a longer company, or touching a figure, is left alone."""
    out = list(spans)
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            s, e = m.span()
            if LONGER_WORD_RE.match(text, e):
                continue  # 中国银行业协会, 上海银行间, 西藏旅游市场: the name is part of another word there
            hits = [x for x in out if x.start < e and s < x.end]
            if any(x.label in NUMERIC or (x.label == "COMPANY" and x.start <= s and e <= x.end and x.end - x.start > e - s)
                   for x in hits):
                continue
            out = [x for x in out if x not in hits] + [Span(s, e, "COMPANY", name)]
    return sorted(out)


def finalize(text: str, spans: list[Span], min_length: int = MIN_LENGTH, *, rules_only: Sequence[str] = (),
             rules_first: Sequence[str] = (), rules_fill: Sequence[str] = (),
             min_score: Mapping[str, float] | None = None, rules: Sequence[Span] | None = None,
             policy: TagConfig | None = None, shapes: bool = False) -> list[Span]:
    """The tagger's post-processing: drop spans shorter than ``min_length`` characters (the guidelines
    tag no one-character entity: abbreviations like 肇 are not tagged and a figure needs a number and
    a unit), model spans scoring below ``min_score`` of their type and, with ``shapes``, model amounts
    and companies not in the guidelines' form (``model_shapes``), then combine with the rules
    (``ner.rules``), per type:

    * ``rules_only``: the rules alone decide the type, and win overlaps with model spans;
    * ``rules_first``: model and rule spans both count, and a rule span wins an overlap;
    * ``rules_fill``: rule spans are added only where the model found nothing (``fill_with_rules``).

    Wherever the rules take part (in any type), they also veto the model's non-companies (``veto_non_companies``:
    财联社, 广东阳西县人民政府), a model company that passed both and starts with a rule place wins over it
    (``companies_take_places``), a name with a stock code after it is a company (``listed_names``), and a
    company name found once is one wherever it occurs (``consistent_companies``).

    The rules run once per text (or not at all: ``rules`` is their output when the caller has it).
    ``policy``: the typed policy (``ner.config.TagConfig``, checked where it was built) in place of the
    five keyword arguments.
    """
    if policy is not None:
        rules_only, rules_first = policy.rules_only, policy.rules_first
        rules_fill, min_score, shapes = policy.rules_fill, policy.min_score, policy.shapes
    floor = min_score or {}
    spans = [s for s in spans if s.end - s.start >= min_length]
    unfloored = spans
    spans = [s for s in spans if s.score is None or s.score >= floor.get(s.label, 0.0)]
    if shapes:
        spans = [s for s in amount_forms(text, model_shapes(spans)) if s.end - s.start >= min_length]
    with_rules = bool(rules_only or rules_first or rules_fill)
    if rules is None and with_rules:
        from ner.rules import preannotate

        rules = preannotate(text)
    if with_rules:
        kept = veto_non_companies(spans, text)
        # ANNOTATION.md: a place inside a news outlet's name is not tagged (来源：中国医采网)
        outlets = [s for s in spans if s.label == "COMPANY" and is_source(text, s)]
        spans = kept
        if rules is not None and outlets:
            rules = [r for r in rules if not (r.label == "REGION" and any(
                o.start <= r.start and r.end <= o.end for o in outlets))]
    listed: set[str] = set()
    if rules is not None and "COMPANY" not in rules_only:
        listed = listed_names(text, unfloored, rules)
        spans = cut_after_places(text, spans, rules)
        rules = companies_take_places(spans, rules, text)
    if rules_only:
        spans = prefer_rules(text, spans, rules_only, exclusive=True, rules=rules)
    if rules_first:
        spans = prefer_rules(text, spans, rules_first, rules=rules)
    if rules_fill:
        spans = fill_with_rules(text, spans, rules_fill, rules=rules)
    if with_rules:
        spans = consistent_companies(text, foreign_firms(text, add_listed_companies(text, spans, listed)))
    return spans


def describe_policy(policy: Mapping[str, Any]) -> str:
    """'rules_only REGION,AMOUNT; rules_first COMPANY; min_score COMPANY>=0.9; shapes' (the tag
    section, in words)."""
    floors = policy.get("min_score") or {}
    parts = [f"{k} {','.join(v)}" for k, v in policy.items() if v and k not in ("min_score", "shapes")]
    if floors:
        parts.append("min_score " + ",".join(f"{t}>={p:g}" for t, p in floors.items()))
    if policy.get("shapes", True):
        parts.append("shapes")
    return "; ".join(parts) or "model alone"
