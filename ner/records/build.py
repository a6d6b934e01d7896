"""Tagged entities -> project records: one record per project, plant or investment the text describes.

This is the arrow "normalised values -> project records" of the data path. ``build_records(text,
entities)`` is a pure function of the article text and its flat ``Span`` list (gold or predicted);
it returns JSON-safe dicts in the format of ``data/annotated/*.records.jsonl``::

    {"project": str|None, "project_span": [start, end]|None,
     "companies": [mention], "regions": [mention + {"canonical", "code"} when known],
     "amounts": [mention + {"value", "low", "high", "currency", "role", "approx"}],
     "capacities": [mention + {"value", "unit"}], "stage": str|None, "date": str|None}

where a mention is ``{"text", "start", "end"}`` with the entity's own offsets (provenance).

The grouping heuristic, in the order it runs (short and explainable on purpose):

1. Sentences. The text is split at 。！？!? ；; and newlines. A 。 inside “…” does not end the
   sentence, so a quotation and its attribution (…贡献。”封永春这样说。) are one sentence. Inside a
   sentence, clauses are delimited by ，,、：: .
2. Project names. A name ends in 项目/基地/产业园/电站/工程/基金 (a run such as 基地项目 counts
   once) and extends left until punctuation, 的/等/在/个 or a verb such as 引进/建成/打造. It is
   kept when it starts with a COMPANY (比亚迪项目, 湖南德赛电池储能电芯项目), with a REGION followed
   by a specific core (攸县广寒坪抽水蓄能电站项目, but not 株洲产业项目), or when it directly
   follows an AMOUNT/CAPACITY (投资50亿元以上的风光资源开发利用项目, 20GWh的储能电芯项目).
3. Segments. A sentence with two or more project names is cut before the clause of each later
   name (总投资70亿元的大唐新能源基地、总投资49.5亿元的天能储能电池生产基地), and before each later
   item of a list of investments, named or not (总投资100亿元的道氏技术年产10万吨…、总投资150亿元的莱宝
   高科…), and before each later site of a list of sites with their own bracketed figures (落子惠州（4GWh）、
   南京（30GWh）…; inside one site's brackets, 福建宁德（湖西40GWh、福鼎60GWh）, each figure), where each
   site is a plant of the companies that lead the list, never merged with another by a shared figure, and
   a total after the list (合计总投资超860亿元) is the sum over the list's plants, with every site of the list;
   likewise before each later clause of a run of clauses that each name a place before a figure of their own
   (西北扩建储能基地20GWh，西南基地…扩建87GWh，长三角区域扩建38GWh); otherwise the sentence is one segment.
4. Seeds and merges. A segment makes or extends a record when it has an AMOUNT or CAPACITY, or a
   project name with a COMPANY and a stage word. It *extends* an existing record instead of making
   a new one when its project name is the same project (same name, or the same name once the
   leading company/region is removed: 德赛储能电芯项目 = 湖南德赛电池储能电芯项目), or when the
   sentence refers back (该项目/该公司/该企业 anywhere, 项目/公司 at its start) and names no
   company or project of its own: then it joins the last record touched.
5. Companies: every COMPANY of the segment, except companies cited as examples of an industry
   (德赛电池、金驰能源、永杉锂业等一批…龙头企业, 在北汽、…等龙头企业带动下) unless that clause
   says they moved in or signed. Aggregates (162个项目…总投资426亿元) name no company and inherit
   none, so their company list is empty; a batch that lists its companies (引进台铃、金晟…等10亿元以上
   制造业项目12个) keeps them.
6. Region: one per segment. Usable regions exclude places inside short quotations or titles
   (“望城速度”, 《…方案》) and places that begin an organisation's name (山东海上光伏产业技术研究院).
   Preference: a region in the anchor's own clause outside the project name (…项目在长沙市望城经开区
   投产); else the nearest region before the anchor in the sentence (the project name counts: 大唐华银
   株洲…项目); else a later one in the sentence that opens a clause; else the most recent *subject*
   region of an earlier sentence (one that opens a clause: 今年以来,望城区…; 截至6月底,肇庆…), not
   counting places inside project names, where the headline names it (an article about 望城区 or 株洲;
   on a company's page an earlier sentence's place is another project's site). A record extended by a later segment keeps its region.
   The anchor is the segment's project name, else its first AMOUNT/CAPACITY.
7. Stage: the first stage word after the anchor in the segment, else the nearest before it, else
   the same in the whole sentence (签约落户 -> 签约, 开竣工 -> 开工, 试生产/量产 -> 投产,
   引进/入驻/进驻 -> 落户, 签署 -> 签约). Date: the nearest date expression (9月28日, 2023年6月,
   6月底, 11月下旬, 今年以来…), preferring one before the anchor. A sentence opening with 其中 takes
   a missing stage or date from the record before it (其中 = "among them").
8. Amount role from the nearest keyword in the few characters before the amount (not crossing the
   previous amount): 投资/签约… -> investment, 产值/营收/规模… -> output_value, 基金/贷款/奖励/银行…
   -> other. With no keyword it takes the role of the previous amount of the sentence (投资10亿元以上
   项目3个,1亿元以上项目12个), else a keyword just after the amount (65亿元…专项基金), else "other".

Values come from ``ner.normalize`` (imported lazily; a ValueError leaves the value fields None).
Numbers are JSON numbers: int when integral, else float.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ner.lexicon.bodies import RECORD_BODY_WORDS
from ner.records.cues import _date_in, _is_industry_example, _stage_in, amount_role
from ner.types import Span
from ner.records.page import headline_apart
from ner.records.text import (
    _LIST_INVESTMENT,
    LISTED,
    ProjectName,
    _clause_of,
    _opens_clause,
    _same_project,
    _short_quote_ranges,
    find_project_names,
    site_list_items,
    split_sentences,
)

RECORD_KEYS = ("project", "project_span", "companies", "regions", "amounts", "capacities", "stage", "date")
AMOUNT_ROLES = ("investment", "output_value", "other")
STAGES = ("签约", "落户", "开工", "建成", "投产", "竣工", "规划")

# Back-references and subsets
_BACKREF_ANYWHERE = re.compile(r"该项目|该公司|该企业|这家企业|这家公司")
_BACKREF_START = re.compile(r"^[“\"‘]?(?:项目|公司)")
_SUBSET_START = re.compile(r"^[“\"‘]?其中")

# The whole country, opening a clause (中国在美上市光伏企业…, 我国光伏产业), is no later sentence's record's site
_HOME_COUNTRY = frozenset({"中国", "我国", "全国", "国内", "中华人民共和国", "中国大陆"})
_ORG_AFTER_REGION = re.compile(r"^[^，,、。；;：:！？!?\s]{0,15}?(?:" + "|".join(RECORD_BODY_WORDS) + ")")


# ---------------------------------------------------------------------------------------------
# Normalised values (lazy imports: the normalisers are optional at this point of the path)


def _number(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, (list, tuple)):
        return [_number(x) for x in v]
    return v


def _amount_fields(text: str, span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {"value": None, "low": None, "high": None, "currency": None, "approx": None}
    try:
        from ner.normalize import normalize_amount

        d = normalize_amount(span.text, before=text[max(0, span.start - 4):span.start], after=text[span.end:span.end + 4]).to_dict()
    except (ImportError, ValueError):
        return out
    return {k: _number(d.get(k)) for k in out}


def _capacity_fields(text: str, span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {"value": None, "unit": None}
    try:
        from ner.normalize import normalize_capacity

        d = normalize_capacity(span.text, before=text[max(0, span.start - 4):span.start], after=text[span.end:span.end + 4]).to_dict()
    except (ImportError, ValueError):
        return out
    return {k: _number(d.get(k)) for k in out}


def _region_fields(span: Span, hint: Sequence[str]) -> dict[str, Any]:
    try:
        from ner.normalize import normalize_region

        r = normalize_region(span.text, hint=hint)
    except (ImportError, ValueError):
        return {}
    if r is None:
        return {}
    d = r.to_dict()
    return {"canonical": d.get("canonical"), "code": d.get("code")}


# ---------------------------------------------------------------------------------------------
# Records


@dataclass
class _Record:
    name: ProjectName | None = None
    names: list[ProjectName] = field(default_factory=list)
    companies: list[Span] = field(default_factory=list)
    regions: list[Span] = field(default_factory=list)
    amounts: list[tuple[Span, str]] = field(default_factory=list)
    capacities: list[Span] = field(default_factory=list)
    stage: str | None = None
    date: str | None = None
    region_inherited: bool = False  # the region came from an earlier sentence
    listed: bool = False  # one site of a list of sites with their own figures (never merged by a shared figure)

    def add(self, seg: _Segment) -> None:
        if seg.name is not None:
            if self.name is None:
                self.name = seg.name
            self.names.append(seg.name)
        self.companies += [c for c in seg.companies if c not in self.companies]
        if seg.sites:
            self.regions += [g for g in seg.sites if g not in self.regions]
        elif seg.region is not None and (not self.regions or (self.region_inherited and not seg.region_inherited)):
            self.regions = [seg.region]  # a region stated with the project beats an inherited one
            self.region_inherited = seg.region_inherited
        self.amounts += [a for a in seg.amounts if a not in self.amounts]
        self.capacities += [c for c in seg.capacities if c not in self.capacities]
        self.stage = self.stage or seg.stage
        self.date = self.date or seg.date


@dataclass
class _Segment:
    start: int
    end: int
    name: ProjectName | None
    companies: list[Span]
    region: Span | None
    amounts: list[tuple[Span, str]]
    capacities: list[Span]
    stage: str | None
    date: str | None
    region_inherited: bool = False
    listed: bool = False
    sites: list[Span] = field(default_factory=list)  # a total after a list of sites: every site of the list


def _inside(span: Span | ProjectName, lo: int, hi: int) -> bool:
    return lo <= span.start and span.end <= hi


def build_records(text: str, entities: Iterable[Span | dict[str, Any]], whole_article: bool = True) -> list[dict[str, Any]]:
    """Project records (JSON-safe dicts, see the module docstring) from an article and its entities.

    ``entities``: flat spans (``Span`` or ``{"start", "end", "label"}`` dicts) with ``[start, end)``
    offsets into ``text``; labels other than COMPANY, REGION, AMOUNT, CAPACITY and spans outside the
    text are ignored. Each mention's text is read from ``text``. The input is not modified.
    ``whole_article``: consolidate the sentence-level records into one per project
    (``ner.records.article``); False gives the sentence-level records.
    """
    given = [Span.from_dict(e) if isinstance(e, dict) else e for e in entities]
    spans = sorted(
        (Span(e.start, e.end, e.label, text[e.start:e.end], e.score) for e in given
         if e.label in ("COMPANY", "REGION", "AMOUNT", "CAPACITY") and 0 <= e.start < e.end <= len(text)),
        key=lambda s: (s.start, s.end),
    )
    names = find_project_names(text, spans)
    quotes = _short_quote_ranges(text)

    def in_quote(s: Span) -> bool:
        return any(a <= s.start and s.end <= b for a, b in quotes)

    def usable_region(s: Span) -> bool:
        return not in_quote(s) and not _ORG_AFTER_REGION.match(text[s.end:])

    records: list[_Record] = []
    last: _Record | None = None
    subject_regions: list[Span] = []  # regions opening a clause, from sentences already read
    # the place an article is about (望城区, 株洲) is in its headline; a text with no headline apart (one line, or
    # prose from the start) inherits as before
    head = headline_apart(text)
    headline = text[head[0]:head[1]] if head else None

    for lo, hi in split_sentences(text):
        sent = [s for s in spans if _inside(s, lo, hi)]
        sent_names = [n for n in names if _inside(n, lo, hi)]
        regions = [s for s in sent if s.label == "REGION" and usable_region(s)]
        # Segment boundaries: before the clause of each later project name (or right after the
        # previous name when two names share a clause).
        cuts = [lo]
        for prev, n in pairwise(sent_names):
            cuts.append(max(_clause_of(text, n.start, lo, hi)[0], prev.end, cuts[-1]))
        # and before each later item of a list of investments (总投资130亿元的奇瑞…、总投资100亿元的信义…): each
        # item is its own project, named or not
        # (a parallel list: an earlier amount of the sentence is a 总投资 too; not 一期投资30亿元、总投资80亿元)
        amount_starts = [s.start for s in sent if s.label == "AMOUNT"]
        cuts += [m.start() + 1 for m in _LIST_INVESTMENT.finditer(text, lo, hi)
                 if any(m.end() <= x <= m.end() + 4 for x in amount_starts)
                 and any(x < m.start() and "总投资" in text[max(lo, x - 8):x] for x in amount_starts)]
        # and before each later site of a list of sites with bracketed figures (落子惠州（4GWh）、南京（30GWh）…)
        site_items = {c: (g, kind) for c, g, kind in site_list_items(text, sent, lo, hi)}
        cuts += list(site_items)
        cuts = sorted(set(cuts)) + [hi]
        segment_names = [next((n for n in sent_names if a <= n.start < b), None) for a, b in pairwise(cuts)]
        backref = bool(_BACKREF_ANYWHERE.search(text, lo, hi)) or bool(_BACKREF_START.match(text[lo:hi]))
        subset = bool(_SUBSET_START.match(text[lo:hi]))
        prev_role: str | None = None
        prev_amount_end = lo
        lead_companies: list[Span] = []
        list_sites: list[Span] = []  # the sites of the list read so far in this sentence
        for k in range(len(cuts) - 1):
            a, b = cuts[k], cuts[k + 1]
            seg_spans = [s for s in sent if a <= s.start < b]
            name = segment_names[k]
            amounts: list[tuple[Span, str]] = []
            for s in seg_spans:
                if s.label == "AMOUNT":
                    prev_role = amount_role(text, s, max(lo, prev_amount_end), prev_role)
                    prev_amount_end = s.end
                    amounts.append((s, prev_role))
            capacities = [s for s in seg_spans if s.label == "CAPACITY"]
            first = _clause_of(text, name.start, a, b)[0] if name else a  # companies before a name's clause
            companies = [
                s for s in seg_spans
                if s.label == "COMPANY" and s.start >= first and not _is_industry_example(text, s, hi)
            ]
            quantities = [s for s, _ in amounts] + capacities
            anchor = name.start if name else (quantities[0].start if quantities else a)
            blocked = [(n.start, n.end) for n in sent_names]
            stage = _stage_in(text, a, b, anchor, blocked) or _stage_in(text, lo, hi, anchor, blocked)
            date = _date_in(text, a, b, anchor) or _date_in(text, lo, hi, anchor)
            region, inherited = _choose_region(text, regions, name, anchor, a, b, lo, hi, subject_regions, headline)
            listed = k > 0 and a in site_items or k == 0 and any(lo < c < hi for c in site_items)
            if k == 0:
                # the companies that lead a list of sites; "其中" (among them) continues the record before
                lead_companies = companies or (list(last.companies) if subset and last is not None else [])
                companies = companies or (lead_companies if listed else [])
            elif a in site_items:  # a site of a list: its own place, and the companies that lead the list
                region, inherited = site_items[a][0], False
                companies = companies or lead_companies
            seg = _Segment(a, b, name, companies, region, amounts, capacities, stage, date, inherited, listed)
            if listed and region is not None and site_items.get(a, (None, "item"))[1] in ("item", "clause"):
                list_sites.append(region)
            elif a in site_items and site_items[a][1] == "tail":  # a total after the list is the whole list's
                seg.sites, list_sites = list_sites, []

            target: _Record | None = None
            if name is not None:
                target = next((r for r in records if any(_same_project(name, n) for n in r.names)), None)
            if target is None and k == 0 and backref and name is None and not companies and last is not None:
                target = last
            seeded = bool(quantities) or (name is not None and bool(companies) and stage is not None)
            if target is not None and (quantities or companies or name is not None):
                target.add(seg)
                last = target
            elif seeded:
                rec = _Record(listed=seg.listed)
                if subset and k == 0 and last is not None:
                    seg.stage = seg.stage or last.stage
                    seg.date = seg.date or last.date
                rec.add(seg)
                records.append(rec)
                last = rec
        for s in regions:
            if _opens_clause(text, s.start, lo) and not any(_inside(s, n.start, n.end) for n in names) \
                    and s.text not in _HOME_COUNTRY:  # the whole country is no later record's site
                subject_regions.append(s)

    hint = sorted({s.text for s in spans if s.label == "REGION"})
    out, seen = [], set()
    for r in records:  # a fact stated twice (a lead repeated in the body) is recorded once
        key = _surface_key(r)
        if key not in seen:
            seen.add(key)
            out.append(_to_dict(text, r, hint))
    if whole_article:
        from ner.records.article import consolidate

        out = consolidate(text, spans, out)
    return [{k: v for k, v in r.items() if k != LISTED} for r in out]


def _surface_key(r: _Record) -> tuple:
    return (
        r.name.text if r.name else None,
        tuple(sorted({c.text for c in r.companies})),
        tuple(sorted({g.text for g in r.regions})),
        tuple(sorted({(s.text, role) for s, role in r.amounts})),
        tuple(sorted({c.text for c in r.capacities})),
    )


def _choose_region(
    text: str,
    regions: list[Span],
    name: ProjectName | None,
    anchor: int,
    a: int,
    b: int,
    lo: int,
    hi: int,
    subject_regions: list[Span],
    headline: str | None,
) -> tuple[Span | None, bool]:
    """One region for a segment (module docstring, step 6), and whether it was inherited."""
    cs, ce = _clause_of(text, anchor, a, b)
    if name is not None:
        cs, ce = min(cs, name.start), max(ce, _clause_of(text, name.end - 1, a, b)[1])
    own = [r for r in regions if cs <= r.start and r.end <= ce and not (name and _inside(r, name.start, name.end))]
    if own:
        return min(own, key=lambda r: abs(r.start - anchor)), False
    before = [r for r in regions if r.end <= max(anchor, name.end if name else anchor)]
    if before:
        return max(before, key=lambda r: r.end), False
    after = [r for r in regions if r.start >= anchor and _opens_clause(text, r.start, lo)]
    if after:
        return min(after, key=lambda r: r.start), False
    if not subject_regions or (headline is not None and not _headline_names(headline, subject_regions[-1].text)):
        return None, False  # a company's page: an earlier sentence's place is another project's site
    return subject_regions[-1], True


# A one-character unit ends a name only after 2 characters or more of that name, not of the unit before it: 杭州市
# is 杭州 + 市 (not 杭 + 州 + 市), 浙江省杭州市 浙江 + 杭州, and 市中区 stays whole.
_ADMIN_UNIT = re.compile(r"经济技术开发区|经济开发区|高新技术产业开发区|开发区|经开区|高新区|新区|管理区|自治州|自治县|"
                         r"(?<=[^\W省市区县州]\w)[省市区县州]")


def _headline_names(headline: str, place: str) -> bool:
    """The headline names the place or a unit of it: a part of the name of 2 characters or more between
    administrative and zone words (文登 for 威海市文登区, 望城 for 望城经开区, 天府 for 天府新区)."""
    return any(len(part) >= 2 and part in headline for part in _ADMIN_UNIT.split(place))


def _mention(s: Span) -> dict[str, Any]:
    return {"text": s.text, "start": s.start, "end": s.end}


def _to_dict(text: str, r: _Record, hint: Sequence[str]) -> dict[str, Any]:
    by_pos = lambda s: (s.start, s.end)
    return {
        "project": r.name.text if r.name else None,
        "project_span": [r.name.start, r.name.end] if r.name else None,
        "companies": [_mention(c) for c in sorted(r.companies, key=by_pos)],
        "regions": [{**_mention(g), **_region_fields(g, hint)} for g in sorted(r.regions, key=by_pos)],
        "amounts": [
            {**_mention(s), **_amount_fields(text, s), "role": role}
            for s, role in sorted(r.amounts, key=lambda x: by_pos(x[0]))
        ],
        "capacities": [{**_mention(c), **_capacity_fields(text, c)} for c in sorted(r.capacities, key=by_pos)],
        "stage": r.stage,
        "date": r.date,
        **({LISTED: True} if r.listed else {}),
    }


def build_records_for_articles(articles: Iterable[Any]) -> list[dict[str, Any]]:
    """``[{"id", "records"}]`` for ``Article`` objects (gold or tagged entities), in input order."""
    return [{"id": a.id, "records": build_records(a.text, a.entities)} for a in articles]
