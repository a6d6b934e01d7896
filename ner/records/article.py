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
   headline's 135亿元 and the body's 投资总金额约135亿元) or the same project name are one project,
   unless they name companies that are not aliases of each other (nor a subsidiary's).
3. ``background``: amounts whose own clause calls them a company's or an industry's figure
   (营收, 营业收入, 净利润, 市值, 总资产, 市场规模, 行业, …) and a company's existing or total capacity are
   no project figure; a record left with no figure, project name or company is dropped.
4. ``add_protagonists``, ``attach_unnamed``, ``join_project_company``: the headline's (or a digest
   item's) company joins its own records; figure-only records join the project they belong to.
5. ``add_stated_site``, ``add_partners``, ``add_clients``: the stated site, a consortium's members and
   joint investors, and a bid's client.
6. ``companies``: every mention in the article of a record's companies, each surface form: a
   company mention joins when one name contains the other (德赛电池 / 湖南德赛电池), after the legal
   form is removed (有限公司, 股份有限公司, …), or when the article defines one as the other's short name
   (以下简称); tender agents and sellers are left out.
7. ``regions``: every mention of the project's site and of the site's parents (ANNOTATION.md: the
   site and its parents): a place mention joins when its adcode is the site's, or that of a unit the
   site lies in (长沙, 湖南 for 望城经开区), read by ``ner.normalize.normalize_region``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ner.types import Span

Alias = Callable[[str, str], bool]
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团股份", "股份公司", "公司")
_BACKGROUND = re.compile(
    r"营收|营业收入|营业总收入|收入|净利润|利润|市值|总资产|资产总额|市场规模|行业规模|产业规模|规模将|规模有望|"
    r"出货|销售额|销售收入|GDP|生产总值|亏损|负债|注册资本|罚款|罚没|处罚|罚|减持|套现|股价|收盘|"
    r"费用|收益|估值|总值|管理规模|基金规模|资产规模"
)
# the earlier figures of a list (营业收入分别为8.10亿元、9.61亿元和11.49亿元): the list's words come before them
_LISTED = re.compile(r"(?:[\d.,，．]+\s*(?:万亿|亿|万|千)*(?:元|美元|美金|人民币|港元|欧元)?\s*[、和及与]\s*)+$")
# a figure that names itself a market or a sector (4390亿美元的全球产业规模, IBS预测的1.1万亿美元市场)
_SECTOR_AFTER = re.compile(r"的?(?:全球|国内|全国|中国|全省|全市)?(?:产业规模|行业规模|市场规模|市场)")
_PROJECT_CAPITAL = re.compile(r"项目公司|增资")  # the project company's capital, a capital increase: the deal's figure
_TARGET_YEAR = re.compile(r"到\d{4}年|到“十[四五六]五”")
_SECTOR = re.compile(r"规模|产值|产业|装机|总量|达到|突破")
_OUTPUT = re.compile(r"产值")
_PROJECT_OUTPUT = re.compile(r"达产|投产后|建成后|项目")
_MIN_VALUE = 100_000  # below this a money figure is a price or a fee, not a project's (10.77元/股, 666元)
_AGENT = re.compile(r"^[（(]?\s*(?:担任|作为|出任|为|任)?[^，,。；;、（()）]{0,6}?(?:财务顾问|招标代理|代理机构|招标机构|独家顾问|律师)")
_AGENT_BEFORE = re.compile(r"(?:代理机构|代理单位|代理人|招标代理|顾问)[：:为是]?$")
_AGENT_NAME = re.compile(r"招标(?:有限|股份|代理|咨询|服务|公司|中心)|招投标")
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


_DEFINES = re.compile(r"[（(][^（()）]{0,20}?(?:以下简称|以下称|下称|简称|证券代码)[为：:\s“”\"「」]*$")


def defined_aliases(text: str, spans: Sequence[Span]) -> dict[str, set[str]]:
    """Short names the article defines for a company (海南钧达汽车饰件股份有限公司（以下简称“钧达股份”）,
    中广核电力销售有限公司（下称：中广核售电）, 数字政通（证券代码：杭州园林）): ``{name: {its other names}}``,
    both ways. The definition starts right after the company (a bracket, then 以下简称/下称/简称/证券代码)."""
    companies = sorted((s for s in spans if s.label == "COMPANY"), key=lambda s: s.start)
    out: dict[str, set[str]] = {}
    for a, b in zip(companies, companies[1:]):
        if b.start - a.end <= 24 and _DEFINES.match(text[a.end:b.start]) and a.text != b.text:
            out.setdefault(a.text, set()).add(b.text)
            out.setdefault(b.text, set()).add(a.text)
    return out


def article_alias(text: str, spans: Sequence[Span]) -> Alias:
    """``company_alias`` widened by the short names the article defines (``defined_aliases``): two
    surfaces are one company when each is an alias of one side of a definition."""
    defined = defined_aliases(text, spans)
    if not defined:
        return company_alias

    def same(a: str, b: str) -> bool:
        return company_alias(a, b) or any(
            company_alias(a, x) and any(company_alias(y, b) for y in ys) for x, ys in defined.items())
    return same


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
    """A company's or an industry's figure (its clause says revenue, market value, a fine …; registered
    capital too, unless it is the project company's or that of a capital increase; the words before a
    list of figures hold for each: 营业收入分别为8.10亿元、9.61亿元和11.49亿元), a price, a sector target
    (到2025年…产业规模将达500亿元), a figure that calls itself a market's or a sector's (4390亿美元的全球产业
    规模) or an output value that no project is said to reach (a project's 达产后年产值 stays)."""
    value = m.get("value")
    if isinstance(value, (int, float)) and value < _MIN_VALUE:
        return True
    window = _LISTED.sub("", _clause_before(text, m["start"]))[-14:]
    sentence = _sentence_before(text, m["start"])
    if _SECTOR_AFTER.match(text, m["end"]):
        return True
    hits = {h.group(0) for h in _BACKGROUND.finditer(window)}
    if hits and not (hits == {"注册资本"} and _PROJECT_CAPITAL.search(sentence)):
        return True
    if _TARGET_YEAR.search(sentence) and _SECTOR.search(window):
        return True
    return bool(_OUTPUT.search(window)) and not _PROJECT_OUTPUT.search(sentence)


_COMPANY_CAPACITY = re.compile(r"已有|现有|累计|公司[^，,。；;]{0,6}(?:产能|装机)[^，,。；;]{0,4}(?:将|达到|接近)")


def is_background_capacity(text: str, m: dict[str, Any]) -> bool:
    """A company's existing or total capacity (截至2019年中报，富春环保已有发电装机容量292.5MW; 公司热电产能将接近
    6000蒸吨/小时), no project's: ANNOTATION.md's sector and company totals, for capacities."""
    return bool(_COMPANY_CAPACITY.search(_sentence_before(text, m["start"])))


def is_agent(text: str, m: dict[str, Any]) -> bool:
    """A tender agent or adviser (华兴资本担任独家财务顾问, 招标代理单位X, 三峡国际招标有限责任公司): named
    in the deal, but no party to the project."""
    return bool(_AGENT.match(text[m["end"]:]) or _AGENT_BEFORE.search(text[max(0, m["start"] - 8):m["start"]])
                or _AGENT_NAME.search(m["text"]))


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


def _compatible(a: dict[str, Any], b: dict[str, Any], same: Alias = company_alias) -> bool:
    ca, cb = {m["text"] for m in a["companies"]}, {m["text"] for m in b["companies"]}
    return not ca or not cb or any(same(x, y) for x in ca for y in cb)


def _union(a: dict[str, Any], b: dict[str, Any], why: str = "merged") -> dict[str, Any]:
    out = dict(a)
    for key in ("companies", "regions", "amounts", "capacities"):
        seen = {(m["start"], m["end"]) for m in a[key]}
        out[key] = sorted([*a[key], *(m for m in b[key] if (m["start"], m["end"]) not in seen)],
                          key=lambda m: m["start"])
    for key in ("project", "project_span", "stage", "date"):
        out[key] = a[key] if a[key] is not None else b[key]
    figures = [m["text"] for m in (*b["amounts"], *b["capacities"])]
    out["links"] = [*a.get("links", []), f"{why}: " + (b["project"] or ", ".join(figures) or "record")]
    return out


_SUBSIDIARY = re.compile(r"(?:子公司|下属公司|下属|旗下|项目公司)[—－:：\s]*$")


def _has_subsidiary(text: str, r: dict[str, Any]) -> bool:
    """One of the record's companies is introduced as a subsidiary (控股子公司上饶捷泰, 下属公司浙江交工)."""
    return any(_SUBSIDIARY.search(_clause_before(text, m["start"])) for m in r["companies"])


def merge(text: str, records: list[dict[str, Any]], same: Alias = company_alias) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in records:
        for i, o in enumerate(out):
            same_name = r["project"] is not None and r["project"] == o["project"]
            headline = _in_headline(text, r) and _in_headline(text, o) and not any(  # a headline states one project
                in_history(text, m) for m in (*r["amounts"], *r["capacities"], *o["amounts"], *o["capacities"]))
            shared = bool(_figures(r) & _figures(o))
            lead = _in_headline(text, o) or _in_headline(text, r)  # the headline names the investor, the body the project company
            sub = shared and (_has_subsidiary(text, o) or _has_subsidiary(text, r))  # a subsidiary runs the parent's project
            ok = _compatible(o, r, same) or (shared and lead)
            if (same_name or headline or shared) and (ok or sub):
                out[i] = _union(o, r, "merged" if ok else "merged, a subsidiary's")
                break
        else:
            out.append(r)
    return out


def attach_unnamed(records: list[dict[str, Any]], same: Alias = company_alias, text: str = "") -> list[dict[str, Any]]:
    """A record with figures but no project name (or only a headline's) or place, whose companies all
    belong to a project named in the body, is more of that project (its phases, its total, a figure said
    again; the headline's 钧达股份电池项目 is the body's 安徽16GW高效太阳能电池片基地项目); where the article
    names no project, of the one record of those companies that has a place (中标金额约15.11亿元 and
    三峡新能源江苏如东800MW…项目)."""
    headline_end = text.find("\n")

    def named(r: dict[str, Any]) -> bool:
        return bool(r["project"]) and not (r["project_span"] and r["project_span"][1] <= headline_end)

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


_HOLDS = re.compile(r"^(?:合计|共同|分别)?(?:持有|所持)")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def sellers(text: str, spans: Sequence[Span]) -> set[str]:
    """Companies that sell what a deal buys (收购X、Y合计持有的Z100%股权: X and Y): the words after them,
    other companies and brackets aside, are 持有的/所持. ANNOTATION.md leaves sellers out of a record."""
    companies = [s for s in spans if s.label == "COMPANY"]
    out = set()
    for c in companies:
        after = text[c.end:c.end + 80]
        for o in sorted((o for o in companies if c.end <= o.start and o.end <= c.end + 80), key=lambda o: -o.start):
            after = after[:o.start - c.end] + after[o.end - c.end:]
        while _BRACKETED.search(after):
            after = _BRACKETED.sub("", after)
        if _HOLDS.match(after.lstrip("”’\"）)、和及与 ")):
            out.add(c.text)
    return out


def _left_out(r: dict[str, Any], gone: list[dict[str, Any]], why: str) -> dict[str, Any]:
    """``r`` without the company mentions ``gone``, its links saying ``why``."""
    if not gone:
        return r
    return {**r, "companies": [m for m in r["companies"] if m not in gone],
            "links": [*r.get("links", []), f"{why}: " + ", ".join(dict.fromkeys(m["text"] for m in gone))]}


def expand_companies(text: str, records: list[dict[str, Any]], spans: Sequence[Span],
                     same: Alias = company_alias) -> list[dict[str, Any]]:
    mentions = [s for s in spans if s.label == "COMPANY"]
    sold_by = sellers(text, spans)
    out = []
    for r in records:
        r = _left_out(r, [m for m in r["companies"] if is_agent(text, m)], "agents left out")
        r = _left_out(r, [m for m in r["companies"] if any(same(m["text"], x) for x in sold_by)], "sellers left out")
        names = {m["text"] for m in r["companies"]}
        have = {(m["start"], m["end"]) for m in r["companies"]}
        extra = [s for s in mentions if (s.start, s.end) not in have and any(same(s.text, n) for n in names)]
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


_SECTION_TITLE = re.compile(r"【[^【】\n]{8,80}】")  # a digest's item title (【旺能环境6800万元收购苏州华益洁100%股权】)
_THE_COMPANY = re.compile(r"公司|双方|各方")


def add_protagonists(text: str, spans: Sequence[Span], records: list[dict[str, Any]],
                     same: Alias = company_alias) -> list[dict[str, Any]]:
    """The company the headline is about joins a record whose own sentences name no company, or name
    a company the article calls a subsidiary (子公司X), or refer to the company (公司拟…, 双方合资…); not a
    record of other companies (a digest's other items, a deal the article cites)."""
    headline = protagonists(text, spans)
    companies = [s for s in spans if s.label == "COMPANY"]
    titles = [(m.start(), m.end()) for m in _SECTION_TITLE.finditer(text)
              if any(m.start() <= c.start and c.end <= m.end() for c in companies)]
    owned = {c.text for c in companies if _SUBSIDIARY.search(_clause_before(text, c.start))}

    def theirs(r: dict[str, Any], heads: list[Span]) -> bool:
        """No company of its own, or one the article calls a subsidiary, or a figure's or the project
        name's sentence says 公司 or 双方 (the company, the parties) before it, outside a company name,
        the company named last before that word being none or the heads (据宝丰预计，公司100兆瓦项目: 宝丰's)."""
        if not r["companies"] or any(same(m["text"], o) for m in r["companies"] for o in owned):
            return True
        points = [m["start"] for m in (*r["amounts"], *r["capacities"])] + (r["project_span"] or [])[:1]
        for p in points:
            lo = p - len(_sentence_before(text, p))
            for k in _THE_COMPANY.finditer(text, lo, p):
                if any(c.start <= k.start() < c.end for c in companies):
                    continue
                named = [c for c in companies if lo <= c.start and c.end <= k.start()]
                if not named or any(same(named[-1].text, h.text) for h in heads):
                    return True
        return False

    def heads_of(r: dict[str, Any]) -> tuple[list[Span], str]:
        """The companies of the item the record is in: the first of a digest's 【title】 at or before its
        figures (the item's subject), else the headline's."""
        first = min((m["start"] for m in (*r["amounts"], *r["capacities"])), default=0)
        before = [t for t in titles if t[0] <= first]
        if before:
            lo, hi = before[-1]
            return [c for c in companies if lo <= c.start and c.end <= hi][:1], "section title company"
        return headline, "headline company"

    out = []
    for r in records:
        heads, why = heads_of(r)
        out.append(_joined(r, "companies", heads, why)
                   if heads and not _is_aggregate(text, r) and not any(same(h.text, m["text"]) for h in heads for m in r["companies"])
                   and theirs(r, heads) else r)
    return out


_PARTNERS = re.compile(r"联合体|联合中标|共同出资|共同投资|合资(?!公司)")
_SET_UP = re.compile(r"[^，,。；;！？!?\n]{0,6}?(?:设立|成立|组建)")
_OPEN, _CLOSE = "（(【[", "）)】]"


def _clause_span(text: str, lo: int, hi: int) -> tuple[int, int]:
    """The clause around ``[lo, hi)``, clause marks inside brackets aside (中设集团(12.090,-0.34,-2.74%)
    stays in its list)."""
    s, depth = lo, 0
    while s > 0 and not (depth == 0 and _CLAUSE.match(text[s - 1])):
        depth += (text[s - 1] in _CLOSE) - (text[s - 1] in _OPEN and depth > 0)
        s -= 1
    e, depth = hi, 0
    while e < len(text) and not (depth == 0 and _CLAUSE.match(text[e])):
        depth += (text[e] in _OPEN) - (text[e] in _CLOSE and depth > 0)
        e += 1
    return s, e


def partner_groups(text: str, spans: Sequence[Span]) -> list[list[Span]]:
    """Companies the article names as one party: a consortium's members (A、B与C组成的联合体, A与B联合中标),
    joint investors and the company they set up (A与B共同出资设立C): the companies of the clause
    before the cue word, and one set up right after it; agents (采购代理机构X) aside."""
    companies = [s for s in spans if s.label == "COMPANY"]
    groups = []
    for m in _PARTNERS.finditer(text):
        lo, hi = _clause_span(text, m.start(), m.end())
        members = [c for c in companies if lo <= c.start and c.end <= m.start()
                   and not _AGENT_BEFORE.search(text[max(0, c.start - 8):c.start]) and not _AGENT_NAME.search(c.text)]
        set_up = _SET_UP.match(text, m.end(), hi)
        if set_up:
            members += [c for c in companies if set_up.end() <= c.start < set_up.end() + 2]
        if len(members) >= 2:
            groups.append(members)
    return groups


def add_partners(text: str, spans: Sequence[Span], records: list[dict[str, Any]],
                 same: Alias = company_alias) -> list[dict[str, Any]]:
    """A record with one member of a party (``partner_groups``) lists all of them (ANNOTATION.md: a
    contract or bid lists the winners; a company set up to run the project belongs with its investors)."""
    groups = partner_groups(text, spans)
    out = []
    for r in records:
        names = {m["text"] for m in r["companies"]}
        have = {(m["start"], m["end"]) for m in r["companies"]}
        extra = {(c.start, c.end): c for g in groups if any(same(c.text, n) for c in g for n in names)
                 for c in g if (c.start, c.end) not in have}
        out.append(_joined(r, "companies", list(extra.values()), "partners") if extra else r)
    return out


_CLIENT_BEFORE = re.compile(r"(?:招标单位|招标人|业主单位|业主方|业主|采购人|采购单位|发包人|发包方|建设单位)[：:为是\s]*$")
_NOTICE_FROM = re.compile(r"^[^，,。；;！？!?\n]{0,12}?(?:发来|送达|发出)的")


def clients(text: str, spans: Sequence[Span]) -> list[Span]:
    """The client of a bid or contract: the company the article labels so (招标单位：X, 业主单位：X,
    招标人是X) or the one that sends the winner its notice (收到X发来的《中标通知书》); agents aside."""
    out = []
    for s in spans:
        if s.label != "COMPANY" or is_agent(text, _mention(s)):
            continue
        before = text[max(0, s.start - 8):s.start]
        if _CLIENT_BEFORE.search(before) or (before.endswith("收到") and _NOTICE_FROM.match(text[s.end:])):
            out.append(s)
    return out


def add_clients(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ANNOTATION.md: a contract or bid lists the winners and the client; the client joins the
    article's records."""
    found = clients(text, spans)
    if not found:
        return records
    out = []
    for r in records:
        have = {m["text"] for m in r["companies"]}
        extra = [c for c in found if c.text not in have]
        out.append(_joined(r, "companies", extra, "client") if extra and not _is_aggregate(text, r) else r)
    return out


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
    """A record whose sentences name no place, or only units the site lies in (安徽省 for 淮北市杜集区),
    takes the site the article states, when it states one."""
    sites = stated_sites(text, spans)
    if len({s.text for s in sites}) != 1:
        return records
    from ner.normalize import normalize_region

    hint = sorted({s.text for s in spans if s.label == "REGION"})

    def read(name: str) -> Any:
        try:
            return normalize_region(name, hint=hint)
        except ValueError:
            return None

    site = read(sites[0].text)

    def wider(r: dict[str, Any]) -> bool:
        places = [read(m["text"]) for m in r["regions"]]
        return site is not None and all(p is not None and p.canonical != site.canonical and _place_of(site, p) for p in places)

    return [_joined(r, "regions", sites[:1], "stated site") if not r["regions"] or wider(r) else r for r in records]


def name_from_context(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A figure with no project, company or place of its own (相关项目投标价格为9260万元) is the project
    named last before it in its paragraph (…在江西中烟…技术改造项目中成为第一中标候选人), when no record
    has that project and the name's sentence states no figure: it takes the name and that sentence's
    companies (a back reference is to the nearest project named, not to the last record)."""
    from ner.records.text import find_project_names, split_sentences

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
    from ner.records.text import split_sentences

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


def consolidate(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per project for a whole article (module docstring), from ``build_records`` output."""
    hint = sorted({s.text for s in spans if s.label == "REGION"})
    same = article_alias(text, spans)
    records = name_from_context(text, spans, split_later_paragraphs(text, spans, split_history(text, records)))
    records = add_protagonists(text, spans, drop_background(text, merge(text, records, same)), same)
    records = join_project_company(text, attach_unnamed(records, same, text))
    # the stated site, the parties and the client are the article's project's, not an earlier one's
    earlier = [is_earlier(text, r) for r in records]
    now = iter(add_clients(text, spans, add_partners(text, spans, add_stated_site(
        text, spans, [r for r, e in zip(records, earlier) if not e]), same)))  # each maps records one to one
    records = [r if e else next(now) for r, e in zip(records, earlier)]
    from ner.records.text import split_sentences

    sentences = split_sentences(text)
    records = [settle_roles_and_stage(text, sentences, r) for r in records]
    return expand_regions(expand_companies(text, records, spans, same), spans, hint)
