"""Sentence-level records -> one record per project for a whole article.

``ner.records.build`` reads records off sentences and segments. On a whole page that gives one project
several rows (headline, lead, body), attaches only the mentions of one sentence, and keeps figures
that describe no project. ``consolidate`` turns them into what ANNOTATION.md asks of a whole article
("Which record, and what belongs in it"), in explainable steps, each recorded in the record's
``links`` (which rule brought each mention in or took it out):

1. ``split_history``, ``split_later_paragraphs``, ``name_from_context``: figures the sentence gives as
   history (自…后) are an earlier project's; a later paragraph's back reference (项目规模为…) is the
   project that paragraph describes; a bare figure is the project named last before it.
2. ``merge``: records that state the same figure (the same amount or capacity string, e.g. the
   headline's 135亿元 and the body's 投资总金额约135亿元; not a background figure, step 3, such as a registered
   capital that happens to equal a project's) or the same project name are one project,
   unless they name companies that are not aliases of each other (nor a subsidiary's).
3. ``background``: amounts whose own clause calls them a company's or an industry's figure
   (营收, 营业收入, 净利润, 市值, 总资产, 市场规模, 行业, …) and a company's existing or total capacity are
   no project figure; a record left with no figure, project name or company is dropped.
4. ``add_protagonists``, ``name_from_field``, ``attach_unnamed``, ``join_project_company``: the headline's (or a
   digest item's) company joins its own records; an announcement's one 项目名称： field names its one unnamed
   record; figure-only records join the project they belong to.
5. ``add_stated_site``, ``add_partners``, ``add_clients``, ``add_investors``: the stated site, a
   consortium's members and joint investors, a bid's client, and a financing round's investors (领投,
   跟投, 追加投资, 参与…融资).
6. ``companies``: every mention in the article of a record's companies, each surface form: a
   company mention joins when one name contains the other (德赛电池 / 湖南德赛电池), after the legal
   form is removed (有限公司, 股份有限公司, …), or when the article defines one as the other's short name
   (以下简称); tender agents and sellers are left out.
7. ``regions``: every mention of the project's site and of the site's parents (ANNOTATION.md: the
   site and its parents): a place mention joins when its adcode is the site's, or that of a unit the
   site lies in (长沙, 湖南 for 望城经开区), read by ``ner.normalize.normalize_region``.

The steps that merge and attach records are here, with ``consolidate``; the others live by their
subject: ``background`` (figures of no project, history), ``parties`` (companies), ``sites`` (places),
``cues`` (the stage), ``edits`` (how a step changes a record and says so in its ``links``).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ner.records.background import (drop_background, in_history, is_background_amount, is_background_capacity,
                                     is_earlier, split_history)
from ner.records.cues import settle_roles_and_stage
from ner.records.edits import _joined, _mention, _union
from ner.records.page import furniture_ranges, headline_apart
from ner.records.parties import (Alias, _has_subsidiary, add_clients, add_investors, add_partners, add_protagonists,
                                 add_signatories, article_alias, company_alias, expand_companies, is_agent)
from ner.records.sites import add_named_site, add_stated_site, expand_regions
from ner.records.text import LISTED, _sentence_before, find_project_names, split_sentences
from ner.types import Span


def _figures(r: dict[str, Any]) -> set[Any]:
    """What identifies a record's figures: each surface, and each normalised value (14亿 = 14亿元)."""
    out: set[Any] = {m["text"] for m in r["amounts"]} | {m["text"] for m in r["capacities"]}
    out |= {("CNY" if m.get("currency") is None else m["currency"], m["value"]) for m in r["amounts"] if m.get("value")}
    out |= {(m.get("unit"), m["value"]) for m in r["capacities"] if m.get("value") and m.get("unit")}
    return out


def _foreground(text: str, r: dict[str, Any]) -> dict[str, Any]:
    """The record's project figures: a background figure said twice (注册资本30亿元 and a project's 30亿元) is no
    shared figure."""
    return {"amounts": [m for m in r["amounts"] if not is_background_amount(text, m)],
            "capacities": [m for m in r["capacities"] if not is_background_capacity(text, m)]}


def _in_headline(head: tuple[int, int] | None, r: dict[str, Any]) -> bool:
    """All the record's figures and companies lie in the headline ``head`` (``headline_apart``)."""
    mentions = [*r["amounts"], *r["capacities"], *r["companies"]]
    return head is not None and bool(mentions) and all(head[0] <= m["start"] and m["end"] <= head[1] for m in mentions)


def _compatible(a: dict[str, Any], b: dict[str, Any], same: Alias = company_alias) -> bool:
    ca, cb = {m["text"] for m in a["companies"]}, {m["text"] for m in b["companies"]}
    return not ca or not cb or any(same(x, y) for x in ca for y in cb)


def merge(text: str, records: list[dict[str, Any]], same: Alias = company_alias) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    figures: list[set[Any]] = []  # each record of out's project figures (_foreground), read once
    head = headline_apart(text)
    for r in records:
        mine = _figures(_foreground(text, r))
        for i, o in enumerate(out):
            same_name = r["project"] is not None and r["project"] == o["project"]
            if (r.get(LISTED) or o.get(LISTED)) and not same_name:
                continue  # sites listed with their own figures are plants apart, whatever figures they share
            headline = _in_headline(head, r) and _in_headline(head, o) and not any(  # a headline states one project
                in_history(text, m) for m in (*r["amounts"], *r["capacities"], *o["amounts"], *o["capacities"]))
            shared = bool(mine & figures[i])
            lead = _in_headline(head, o) or _in_headline(head, r)  # the headline names the investor, the body the project company
            sub = shared and (_has_subsidiary(text, o) or _has_subsidiary(text, r))  # a subsidiary runs the parent's project
            ok = _compatible(o, r, same) or (shared and lead)
            if (same_name or headline or shared) and (ok or sub):
                out[i] = _union(o, r, "merged" if ok else "merged, a subsidiary's")
                figures[i] = _figures(_foreground(text, out[i]))
                break
        else:
            out.append(r)
            figures.append(mine)
    return out


def attach_unnamed(records: list[dict[str, Any]], same: Alias = company_alias, text: str = "") -> list[dict[str, Any]]:
    """A record with figures but no project name (or only a headline's) or place, whose companies all
    belong to a project named in the body, is more of that project (its phases, its total, a figure said
    again; the headline's 钧达股份电池项目 is the body's 安徽16GW高效太阳能电池片基地项目); where the article
    names no project, of the one record of those companies that has a place (中标金额约15.11亿元 and
    三峡新能源江苏如东800MW…项目)."""
    head = headline_apart(text) or (0, -1)  # no headline apart: every name is the body's

    def named(r: dict[str, Any]) -> bool:
        return bool(r["project"]) and not (r["project_span"] and head[0] <= r["project_span"][0]
                                           and r["project_span"][1] <= head[1])

    def host_of(r: dict[str, Any]) -> int | None:
        comps = {m["text"] for m in r["companies"]}
        if named(r) or r["regions"] or not comps:
            return None
        for k, n in enumerate(records):
            host = named(n) if r["project"] else bool(n["project"])
            if n is not r and host and all(any(same(c, m["text"]) for m in n["companies"]) for c in comps):
                return k
        if is_earlier(text, r):
            return None  # an earlier project's figures (split_history)
        sited = [k for k, n in enumerate(records) if n is not r and n["regions"]
                 and all(any(same(c, m["text"]) for m in n["companies"]) for c in comps)]
        return sited[0] if len(sited) == 1 and not any(n["project"] for n in records) else None

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


def fold_figureless(records: list[dict[str, Any]], same: Alias = company_alias) -> list[dict[str, Any]]:
    """A record with no figure and no project name of its own (a headline's 湖北华昌新材料项目落户黄石经开区) whose
    companies are all those of exactly one record with figures is that record's project, said once more: it joins
    it (its place, its stage where that has none)."""
    def figures(r: dict[str, Any]) -> bool:
        return bool(r["amounts"] or r["capacities"])

    def generic(r: dict[str, Any], comps: list[str]) -> bool:
        """No project name, or one that is only a company and a word (湖北华昌新材料项目), not a project of its own
        (德赛电池长沙智造产业园)."""
        name = r["project"] or ""
        for c in sorted(comps, key=len, reverse=True):
            if name.startswith(c):
                name = name[len(c):]
                break
        return len(name) <= 2

    def same_site(r: dict[str, Any], o: dict[str, Any]) -> bool:
        """No place, or a place of the host's (宜宾 and 四川宜宾), not another site (德国图林根 for a 宜宾 plant)."""
        mine, theirs = {m["text"] for m in r["regions"]}, {m["text"] for m in o["regions"]}
        return not mine or not theirs or any(a in b or b in a for a in mine for b in theirs)

    out = list(records)
    for r in records:
        comps = [m["text"] for m in r["companies"]]
        if figures(r) or not comps or not generic(r, comps):
            continue
        hosts = [k for k, o in enumerate(out) if o is not r and figures(o) and same_site(r, o)
                 and all(any(same(c, m["text"]) for m in o["companies"]) for c in comps)]
        if len(hosts) == 1:
            out[hosts[0]] = _union(out[hosts[0]], r, "the same project, without figures")
            out = [o for o in out if o is not r]
    return out


def name_from_context(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A figure with no project, company or place of its own (相关项目投标价格为9260万元) is the project
    named last before it in its paragraph (…在江西中烟…技术改造项目中成为第一中标候选人), when no record
    has that project and the name's sentence states no figure: it takes the name and that sentence's
    companies (a back reference is to the nearest project named, not to the last record)."""
    names = find_project_names(text, sorted(spans, key=lambda s: (s.start, s.end)))
    used = {r["project"] for r in records if r["project"]}
    figures = [m["start"] for r in records for m in (*r["amounts"], *r["capacities"])]
    sentences = split_sentences(text)
    out = []
    for r in records:
        first = min((m["start"] for m in (*r["amounts"], *r["capacities"])), default=None)
        if r["project"] or r["companies"] or r["regions"] or first is None:
            out.append(r)
            continue
        paragraph = text.rfind("\n", 0, first) + 1
        before = [n for n in names if paragraph <= n.start and n.end <= first]
        lo, hi = next(((a, b) for a, b in sentences if before and a <= before[-1].start < b), (0, 0))
        if not before or before[-1].text in used or any(lo <= f < hi for f in figures):
            out.append(r)
            continue
        n = before[-1]
        parties = [c for c in spans if c.label == "COMPANY" and lo <= c.start < hi and not is_agent(text, _mention(c))]
        r = {**r, "project": n.text, "project_span": [n.start, n.end],
             "links": [*r.get("links", []), f"project named before: {n.text}"]}
        if parties:
            r = _joined(r, "companies", parties, "companies of the project's sentence")
        used.add(n.text)
        out.append(r)
    return out


_NAME_FIELD = re.compile(r"(?:项目名称|工程名称)[：:]\s*")


def name_from_field(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An announcement's one ``项目名称：`` field names the project of its one record without a name (中标金额 on
    another line): the record takes the name, and with it the places in it (``add_named_site``)."""
    fields = list(_NAME_FIELD.finditer(text))
    unnamed = [k for k, r in enumerate(records) if not r["project"] and (r["amounts"] or r["capacities"])]
    if len(fields) != 1 or len(unnamed) != 1:
        return records
    at = fields[0].end()
    name = next((n for n in find_project_names(text, sorted(spans, key=lambda s: (s.start, s.end))) if n.start == at), None)
    if name is None or any(r["project"] == name.text for r in records):
        return records
    out = list(records)
    r = out[unnamed[0]]
    out[unnamed[0]] = {**r, "project": name.text, "project_span": [name.start, name.end],
                       "links": [*r.get("links", []), f"project named in the announcement's field: {name.text}"]}
    return out


_PROJECT_COMPANY = re.compile(r"项目公司")


def join_project_company(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record without a project name whose figures all belong to the project company (项目公司的注册资本金为…,
    出资…占项目公司51%股权) is more of the project the article described before it (ANNOTATION.md: a company
    set up to run the project belongs with it)."""
    def first(r: dict[str, Any]) -> int:
        return min((m["start"] for m in (*r["amounts"], *r["capacities"])), default=len(text))

    def of_project_company(r: dict[str, Any]) -> bool:
        figs = [*r["amounts"], *r["capacities"]]
        return not r["project"] and bool(figs) and all(
            _PROJECT_COMPANY.search(_sentence_before(text, m["start"]) + text[m["end"]:m["end"] + 30].split("。")[0])
            for m in figs)

    order = sorted(range(len(records)), key=lambda k: first(records[k]))
    host: dict[int, int] = {}
    for pos, k in enumerate(order):
        if of_project_company(records[k]):
            earlier = [j for j in order[:pos] if not of_project_company(records[j])]
            if earlier:
                host[k] = earlier[-1]
    out = []
    for k, r in enumerate(records):
        if k in host:
            continue
        for j in (j for j, h in host.items() if h == k):
            r = _union(r, records[j], "the project company's")
        out.append(r)
    return out


_BACK_REFERENCE = re.compile(r"[“\"]?(?:该项目|本项目|项目)")


def split_later_paragraphs(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A named project's figures that a later paragraph states after a back reference (项目规模为1.3GW…),
    in a paragraph that does not name that project, are the project that paragraph describes (“汇宁时代江门
    （台山）核储互补电化学储能电站”项目备案。项目规模为…): a record of their own, with the companies and
    places of that paragraph."""
    sentences = split_sentences(text)
    out = []
    for r in records:
        if not r["project_span"]:
            out.append(r)
            continue
        name_para = text.rfind("\n", 0, r["project_span"][0])
        moved: dict[int, list[dict[str, Any]]] = {}
        for m in (*r["amounts"], *r["capacities"]):
            para = text.rfind("\n", 0, m["start"])
            end = text.find("\n", m["start"])
            end = len(text) if end < 0 else end
            lo = next((a for a, b in sentences if a <= m["start"] < b), m["start"])
            if para > name_para and _BACK_REFERENCE.match(text, lo) and r["project"] not in text[para + 1:end]:
                moved.setdefault(para, []).append(m)
        if not moved:
            out.append(r)
            continue
        gone = {id(m) for ms in moved.values() for m in ms}
        out.append({**r, "amounts": [m for m in r["amounts"] if id(m) not in gone],
                    "capacities": [m for m in r["capacities"] if id(m) not in gone]})
        for para, ms in moved.items():
            end = text.find("\n", para + 1)
            end = len(text) if end < 0 else end
            inside = [s for s in spans if para < s.start and s.end <= end]
            out.append({**r, "project": None, "project_span": None,
                        "companies": [_mention(s) for s in inside if s.label == "COMPANY"],
                        "regions": [_mention(s) for s in inside if s.label == "REGION"],
                        "amounts": [m for m in r["amounts"] if any(m is x for x in ms)],
                        "capacities": [m for m in r["capacities"] if any(m is x for x in ms)],
                        "links": [f"a later paragraph's project, split from {r['project']}"]})
    return out


def drop_furniture(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records read off the page's link lists (相关新闻, 推荐阅读, 上一篇：…; ``furniture_ranges``) are other
    articles' projects: dropped when all their figures, companies and project name lie in such a list."""
    ranges = furniture_ranges(text)
    if not ranges:
        return records

    def listed(start: int) -> bool:
        return any(a <= start < b for a, b in ranges)

    out = []
    for r in records:
        anchors = [m["start"] for m in (*r["amounts"], *r["capacities"], *r["companies"])]
        anchors += [r["project_span"][0]] if r["project_span"] else []
        if not (anchors and all(map(listed, anchors))):
            out.append(r)
    return out


def consolidate(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per project for a whole article (module docstring), from ``build_records`` output."""
    hint = sorted({s.text for s in spans if s.label == "REGION"})
    same = article_alias(text, spans)
    records = drop_furniture(text, records)
    records = name_from_context(text, spans, split_later_paragraphs(text, spans, split_history(text, records)))
    records = add_protagonists(text, spans, drop_background(text, merge(text, records, same)), same)
    records = name_from_field(text, spans, records)
    records = fold_figureless(join_project_company(text, attach_unnamed(records, same, text)), same)
    # the stated site, the parties and the client are the article's project's, not an earlier one's
    earlier = [is_earlier(text, r) for r in records]
    now = [r for r, e in zip(records, earlier) if not e]
    now = add_partners(text, spans, add_named_site(spans, add_stated_site(text, spans, now)), same)
    now = iter(add_signatories(text, spans, add_clients(text, spans, now)))  # each maps records one to one
    records = add_investors(text, spans, [r if e else next(now) for r, e in zip(records, earlier)], same)
    sentences = split_sentences(text)
    records = [settle_roles_and_stage(text, sentences, r) for r in records]
    return expand_regions(expand_companies(text, records, spans, same), spans, hint)
