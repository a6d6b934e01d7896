"""Sentence-level records -> one record per project for a whole article.

``ner.records.build`` reads records off sentences and segments. On a whole page that gives one project
several rows (headline, lead, body), attaches only the mentions of one sentence, and keeps figures
that describe no project. ``consolidate`` turns them into what ANNOTATION.md asks of a whole article
("Which record, and what belongs in it"), in four explainable steps, each recorded in the record's
``links`` (which rule brought each mention in):

1. ``merge``: records that state the same figure (the same amount or capacity string, e.g. the
   headline's 135亿元 and the body's 投资总金额约135亿元) or the same project name are one project,
   unless they name companies that are not aliases of each other.
2. ``background``: amounts whose own clause calls them a company's or an industry's figure
   (营收, 营业收入, 净利润, 市值, 总资产, 市场规模, 行业, …) are no project figure; a record left with no
   figure, project name or company is dropped.
3. ``companies``: every mention in the article of a record's companies, each surface form: a
   company mention joins when one name contains the other (德赛电池 / 湖南德赛电池), after the legal
   form is removed (有限公司, 股份有限公司, …).
4. ``regions``: every mention of the project's site and of the site's parents (ANNOTATION.md: the
   site and its parents): a place mention joins when its adcode is the site's, or that of a unit the
   site lies in (长沙, 湖南 for 望城经开区), read by ``ner.normalize.normalize_region``.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ner.types import Span

_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团股份", "股份公司", "公司")
_BACKGROUND = re.compile(
    r"营收|营业收入|营业总收入|收入|净利润|利润|市值|总资产|资产总额|市场规模|行业规模|产业规模|规模将|规模有望|"
    r"出货|销售额|销售收入|GDP|生产总值|亏损|负债|注册资本|罚款|罚没|处罚|罚|减持|套现|股价|收盘"
)
_TARGET_YEAR = re.compile(r"到\d{4}年|到“十[四五六]五”")
_SECTOR = re.compile(r"规模|产值|产业|装机|总量|达到|突破")
_OUTPUT = re.compile(r"产值")
_PROJECT_OUTPUT = re.compile(r"达产|投产后|建成后|项目")
_MIN_VALUE = 100_000  # below this a money figure is a price or a fee, not a project's (10.77元/股, 666元)
_AGENT = re.compile(r"^[^，,。；;]{0,12}?(?:财务顾问|招标代理|代理机构|招标机构|独家顾问|律师)")
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")


def _core(name: str) -> str:
    for form in _LEGAL_FORMS:
        if name.endswith(form) and len(name) - len(form) >= 2:
            return name[: -len(form)]
    return name


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def company_alias(a: str, b: str) -> bool:
    """Two company surfaces name the same company: one contains the other, legal forms aside
    (德赛电池 / 湖南德赛电池), or the shorter is an abbreviation of the longer: its first two characters
    stand together in the longer name and the rest follow in order (长高开关 / 湖南长高高压开关集团股份公司)."""
    ca, cb = _core(a), _core(b)
    if a == b or (min(len(ca), len(cb)) >= 2 and (ca in cb or cb in ca)):
        return True
    short, long = sorted((ca, cb), key=len)
    return len(short) >= 3 and len(long) > len(short) and short[:2] in long and _subsequence(short, long[long.index(short[:2]):])


def _clause_before(text: str, start: int) -> str:
    """The clause text before ``start`` (back to the previous clause delimiter)."""
    lo = start
    while lo > 0 and not _CLAUSE.match(text[lo - 1]):
        lo -= 1
    return text[lo:start]


def _sentence_before(text: str, start: int) -> str:
    lo = start
    while lo > 0 and text[lo - 1] not in "。！？!?\n":
        lo -= 1
    return text[lo:start]


def is_background_amount(text: str, m: dict[str, Any]) -> bool:
    """A company's or an industry's figure (its clause says revenue, market value, a fine …), a price,
    a sector target (到2025年…产业规模将达500亿元) or an output value that no project is said to reach
    (a project's 达产后年产值 stays)."""
    value = m.get("value")
    if isinstance(value, (int, float)) and value < _MIN_VALUE:
        return True
    window = _clause_before(text, m["start"])[-14:]
    if _BACKGROUND.search(window):
        return True
    sentence = _sentence_before(text, m["start"])
    if _TARGET_YEAR.search(sentence) and _SECTOR.search(window):
        return True
    return bool(_OUTPUT.search(window)) and not _PROJECT_OUTPUT.search(sentence)


def is_agent(text: str, m: dict[str, Any]) -> bool:
    """A tender agent or adviser (华兴资本担任独家财务顾问): named in the deal, but no party to the project."""
    return bool(_AGENT.match(text[m["end"]:]))


def _figures(r: dict[str, Any]) -> set[Any]:
    """What identifies a record's figures: each surface, and each normalised value (14亿 = 14亿元)."""
    out: set[Any] = {m["text"] for m in r["amounts"]} | {m["text"] for m in r["capacities"]}
    out |= {("CNY" if m.get("currency") is None else m["currency"], m["value"]) for m in r["amounts"] if m.get("value")}
    out |= {(m.get("unit"), m["value"]) for m in r["capacities"] if m.get("value") and m.get("unit")}
    return out


def _in_headline(text: str, r: dict[str, Any]) -> bool:
    end = text.find("\n")
    mentions = [*r["amounts"], *r["capacities"], *r["companies"]]
    return end > 0 and bool(mentions) and all(m["end"] <= end for m in mentions)


def _compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ca, cb = {m["text"] for m in a["companies"]}, {m["text"] for m in b["companies"]}
    return not ca or not cb or any(company_alias(x, y) for x in ca for y in cb)


def _union(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key in ("companies", "regions", "amounts", "capacities"):
        seen = {(m["start"], m["end"]) for m in a[key]}
        out[key] = sorted([*a[key], *(m for m in b[key] if (m["start"], m["end"]) not in seen)],
                          key=lambda m: m["start"])
    for key in ("project", "project_span", "stage", "date"):
        out[key] = a[key] if a[key] is not None else b[key]
    figures = [m["text"] for m in (*b["amounts"], *b["capacities"])]
    out["links"] = [*a.get("links", []), "merged: " + (b["project"] or ", ".join(figures) or "record")]
    return out


def merge(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in records:
        for i, o in enumerate(out):
            same_name = r["project"] is not None and r["project"] == o["project"]
            headline = _in_headline(text, r) and _in_headline(text, o)  # a headline states one project
            shared = bool(_figures(r) & _figures(o))
            lead = _in_headline(text, o) or _in_headline(text, r)  # the headline names the investor, the body the project company
            if (same_name or headline or shared) and (_compatible(o, r) or (shared and lead)):
                out[i] = _union(o, r)
                break
        else:
            out.append(r)
    return out


def attach_unnamed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record with figures but no project name or place, whose companies all belong to a named
    project's record, is more of that project (its phases, its total, a figure said again)."""
    def host_of(r: dict[str, Any]) -> int | None:
        comps = {m["text"] for m in r["companies"]}
        if r["project"] or r["regions"] or not comps:
            return None
        for k, n in enumerate(records):
            if n["project"] and all(any(company_alias(c, m["text"]) for m in n["companies"]) for c in comps):
                return k
        return None

    hosts = [host_of(r) for r in records]
    out = []
    for k, r in enumerate(records):
        if hosts[k] is not None:
            continue
        for j, h in enumerate(hosts):
            if h == k:
                r = _union(r, records[j])
        out.append(r)
    return out


def drop_background(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        kept = [m for m in r["amounts"] if not is_background_amount(text, m)]
        if len(kept) < len(r["amounts"]):
            r = {**r, "amounts": kept, "links": [*r.get("links", []), "background amounts dropped: " + ", ".join(
                m["text"] for m in r["amounts"] if m not in kept)]}
        if not (kept or r["capacities"] or r["project"] or (r["companies"] and r["stage"])):
            continue
        if not r["companies"] and not r["project"] and r["regions"] and all(_is_country(m["text"]) for m in r["regions"]):
            continue  # a nation's or a world region's figure (中国大陆晶圆厂…投资额): no project
        out.append(r)
    return out


def _is_country(name: str) -> bool:
    from ner.normalize import normalize_region

    try:
        reg = normalize_region(name)
    except ValueError:
        return False
    return reg is not None and reg.level in ("country", "macro_region")


def _mention(s: Span) -> dict[str, Any]:
    return {"text": s.text, "start": s.start, "end": s.end}


def _joined(r: dict[str, Any], key: str, extra: Sequence[Span], why: str) -> dict[str, Any]:
    """``r`` with the mentions ``extra`` added to its ``key`` list (in text order) and ``why: names``
    added to its ``links``."""
    return {**r, key: sorted([*r[key], *map(_mention, extra)], key=lambda m: m["start"]),
            "links": [*r.get("links", []), f"{why}: " + ", ".join(sorted({s.text for s in extra}))]}


def expand_companies(text: str, records: list[dict[str, Any]], spans: Sequence[Span]) -> list[dict[str, Any]]:
    mentions = [s for s in spans if s.label == "COMPANY"]
    out = []
    for r in records:
        agents = [m for m in r["companies"] if is_agent(text, m)]
        if agents:
            r = {**r, "companies": [m for m in r["companies"] if m not in agents],
                 "links": [*r.get("links", []), "agents left out: " + ", ".join(m["text"] for m in agents)]}
        names = {m["text"] for m in r["companies"]}
        have = {(m["start"], m["end"]) for m in r["companies"]}
        extra = [s for s in mentions if (s.start, s.end) not in have and any(company_alias(s.text, n) for n in names)]
        out.append(_joined(r, "companies", extra, "company aliases") if extra else r)
    return out


_RANK = {"country": 0, "macro_region": 0, "province": 1, "city": 2, "district": 3, "zone": 4}


def _parent_codes(code: str) -> set[str]:
    return {code[:2] + "0000", code[:4] + "00", code}


def _place_of(site: Any, other: Any) -> bool:
    """``other`` names the site itself or a unit the site lies in (by adcode and level)."""
    if other.canonical == site.canonical:
        return True
    if other.code is None or site.code is None or other.level == "zone":
        return False
    return other.code in _parent_codes(site.code) and _RANK[other.level] <= _RANK.get(site.level, 4)


def expand_regions(records: list[dict[str, Any]], spans: Sequence[Span], hint: Sequence[str]) -> list[dict[str, Any]]:
    from ner.normalize import normalize_region

    places = [s for s in spans if s.label == "REGION"]
    read: dict[str, Any] = {}
    for s in places:
        if s.text not in read:
            try:
                read[s.text] = normalize_region(s.text, hint=hint)
            except ValueError:
                read[s.text] = None
    out = []
    for r in records:
        sites = [read.get(m["text"]) for m in r["regions"]]
        have = {(m["start"], m["end"]) for m in r["regions"]}
        names = {m["text"] for m in r["regions"]}
        extra = [s for s in places if (s.start, s.end) not in have and (
            s.text in names or (read[s.text] is not None and any(x is not None and _place_of(x, read[s.text]) for x in sites)))]
        out.append(_joined(r, "regions", extra, "site and parents") if extra else r)
    return out


_AGGREGATE = re.compile(r"\d+\s*个|[一二三四五六七八九十百千]+个|多个|一批|批")


def protagonists(text: str, spans: Sequence[Span]) -> list[Span]:
    """The companies the article is about: those of its headline (the first line)."""
    first = text.split("\n", 1)[0]
    return [s for s in spans if s.label == "COMPANY" and s.end <= len(first)]


def _is_aggregate(text: str, r: dict[str, Any]) -> bool:
    figs = [*r["amounts"], *r["capacities"]]
    if not figs or r["companies"]:
        return False
    lo = min(m["start"] for m in figs)
    return bool(_AGGREGATE.search(_clause_before(text, lo)) or _AGGREGATE.search(text[lo:lo + 20].split("，")[0]))


def add_protagonists(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record whose own sentences name no company belongs to the company the headline is about."""
    heads = protagonists(text, spans)
    if not heads:
        return records
    return [_joined(r, "companies", heads, "headline company")
            if not _is_aggregate(text, r) and not any(company_alias(h.text, m["text"]) for h in heads for m in r["companies"])
            else r for r in records]


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
    from ner.records.cues import _STAGE_RE, _STAGE_WORDS

    head_end = text.find("\n")
    found = [(_STAGE_WORDS[m.group(0)], lo) for lo, hi in _record_sentences(sentences, r) for m in _STAGE_RE.finditer(text, lo, hi)]
    body = [st for st, lo in found if lo > head_end] or [st for st, _ in found]
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


_SITE_MARK = re.compile(r"(?:建设地点|项目地点|实施地点|项目选址|选址于|坐落于|位于|落户于?|落地于?)[：:]?\s*$")


def stated_sites(text: str, spans: Sequence[Span]) -> list[Span]:
    """Places the article states as a project's site (建设地点：淮北市杜集区, 项目位于…, 落户…)."""
    return [s for s in spans if s.label == "REGION" and _SITE_MARK.search(text[max(0, s.start - 8):s.start])]


def add_stated_site(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record whose sentences name no place takes the site the article states, when it states one."""
    sites = stated_sites(text, spans)
    if len({s.text for s in sites}) != 1:
        return records
    return [r if r["regions"] else _joined(r, "regions", sites[:1], "stated site") for r in records]


def consolidate(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per project for a whole article (module docstring), from ``build_records`` output."""
    hint = sorted({s.text for s in spans if s.label == "REGION"})
    records = add_protagonists(text, spans, drop_background(text, merge(text, records)))
    records = attach_unnamed(records)
    records = add_stated_site(text, spans, records)
    from ner.records.text import split_sentences

    sentences = split_sentences(text)
    records = [settle_roles_and_stage(text, sentences, r) for r in records]
    return expand_regions(expand_companies(text, records, spans), spans, hint)
