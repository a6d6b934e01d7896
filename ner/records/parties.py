"""The companies of a whole-article record (``ner.records.article``, steps 4 to 6): company identity
(``company_alias``, the short names an article defines), the parties of a deal (the headline's or a digest
item's company, a consortium's members and joint investors, a bid's client), the companies that are no
party (tender agents, sellers), and every mention of a record's companies (``expand_companies``)."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ner.records.edits import _joined, _left_out, _mention
from ner.records.page import headline_range, is_page_line
from ner.records.text import (_LIST_INVESTMENT, LISTED, _clause_before, _clause_span, _sentence_before, _sentence_span,
                              find_project_names, split_sentences)
from ner.types import Span

Alias = Callable[[str, str], bool]
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团股份", "股份公司", "公司")
_AGENT = re.compile(r"^[（(]?\s*(?:担任|作为|出任|为|任)?[^，,。；;、（()）]{0,6}?(?:财务顾问|招标代理|代理机构|招标机构|独家顾问|律师)")
_AGENT_BEFORE = re.compile(r"(?:代理机构|代理单位|代理人|招标代理|顾问)[：:为是]?$")
_AGENT_NAME = re.compile(r"招标(?:有限|股份|代理|咨询|服务|公司|中心)|招投标")


def _core(name: str) -> str:
    for form in _LEGAL_FORMS:
        if name.endswith(form) and len(name) - len(form) >= 2:
            return name[: -len(form)]
    return name


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


_NUMBERED_UNIT = re.compile(r"第[一二三四五六七八九十\d]+|[一二三四五六七八九十\d]+[^\s，,。]{0,2}?(?:局|院|处|分公司)")  # a numbered unit


def company_alias(a: str, b: str) -> bool:
    """Two company surfaces name the same company: one contains the other, legal forms aside
    (德赛电池 / 湖南德赛电池) unless the longer goes on with a numbered unit (重庆建工第四建设有限责任公司, 中铁十一局: the
    group's subsidiary; 中交一公局), or the shorter is an abbreviation of the longer: its first two characters
    stand together in the longer name and the rest follow in order (长高开关 / 湖南长高高压开关集团股份公司)."""
    ca, cb = _core(a), _core(b)
    if a == b:
        return True
    short, long = sorted((ca, cb), key=len)
    if len(short) >= 2 and short in long:
        return not _NUMBERED_UNIT.match(long, long.index(short) + len(short))  # 重庆建工第四建设: a subsidiary
    return len(short) >= 3 and len(long) > len(short) and short[:2] in long and _subsequence(short, long[long.index(short[:2]):])


_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 .,&'’-]*")
_DEFINES = re.compile(r"[（(][^（()）]{0,20}?(?:以下简称|以下称|下称|简称|证券代码)[为：:\s“”\"「」]*$")


def defined_aliases(text: str, spans: Sequence[Span]) -> dict[str, set[str]]:
    """Short names the article defines for a company (海南钧达汽车饰件股份有限公司（以下简称“钧达股份”）,
    中广核电力销售有限公司（下称：中广核售电）, 数字政通（证券代码：杭州园林）) and other names it gives in
    brackets in Latin letters (方源资本（FountainVest Partners））: ``{name: {its other names}}``, both ways. The
    definition starts right after the company (a bracket, then 以下简称/下称/简称/证券代码, or the Latin name alone)."""
    companies = sorted((s for s in spans if s.label == "COMPANY"), key=lambda s: s.start)
    out: dict[str, set[str]] = {}
    for a, b in zip(companies, companies[1:]):
        # a Latin name in brackets (方源资本（FountainVest Partners）); a Chinese one may be the parent (中交一公局（中国交建）)
        bracketed = (text[a.end:b.start] in ("（", "(") and text[b.end:b.end + 1] in ("）", ")")
                     and _LATIN_NAME.fullmatch(b.text) is not None)
        if b.start - a.end <= 24 and (bracketed or _DEFINES.match(text[a.end:b.start])) and a.text != b.text:
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


def is_agent(text: str, m: dict[str, Any]) -> bool:
    """A tender agent or adviser (华兴资本担任独家财务顾问, 招标代理单位X, 三峡国际招标有限责任公司): named
    in the deal, but no party to the project."""
    return bool(_AGENT.match(text[m["end"]:]) or _AGENT_BEFORE.search(text[max(0, m["start"] - 8):m["start"]])
                or _AGENT_NAME.search(m["text"]))


_SUBSIDIARY = re.compile(r"(?:子公司|下属公司|下属|旗下|项目公司)[—－:：\s]*$")


def _has_subsidiary(text: str, r: dict[str, Any]) -> bool:
    """One of the record's companies is introduced as a subsidiary (控股子公司上饶捷泰, 下属公司浙江交工)."""
    return any(_SUBSIDIARY.search(_clause_before(text, m["start"])) for m in r["companies"])


_HOLDS = re.compile(r"^(?:合计|共同|分别)?(?:持有的|所持)")  # not 通宇通讯共持有深圳光为58.82％的股权: an owner
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


_AGGREGATE = re.compile(r"\d+\s*个|[一二三四五六七八九十百千]+个|多个|一批|批")


def _line_span(text: str, i: int) -> tuple[int, int]:
    """``[start, end)`` of the line of ``text`` that position ``i`` is on (its end of line outside)."""
    end = text.find("\n", i)
    return text.rfind("\n", 0, i) + 1, end if end >= 0 else len(text)


def _line_at(text: str, i: int) -> str:
    """The line of ``text`` that position ``i`` is on."""
    lo, hi = _line_span(text, i)
    return text[lo:hi]


# what a lead's company does in the news (举行…发布会, 公告, 投资); not a background sentence (据…调研，宁德时代今年出货量居首)
_LEAD_EVENT = re.compile(r"投资|项目|基地|签约|建设|扩产|融资|募资|发布|宣布|举行|公告|落户|开工|投产|收购|中标|合作|成立|设立")


def protagonists(text: str, spans: Sequence[Span]) -> list[Span]:
    """The companies the article is about: those of its headline (``headline_range``: the first line, or the
    first after a page's menu), or of its first sentence where it opens with prose (亿纬锂能(300014)8月4日晚间公告，…)."""
    start, end = headline_range(text)
    if end == 0 and text.strip():  # the first sentence outside the page's lines (a byline above the prose)
        sentences = split_sentences(text)
        start, end = next(((a, b) for a, b in sentences if not is_page_line(_line_at(text, a))), sentences[0])
        if (sum(start <= n.start < end for n in find_project_names(text, spans)) >= 2
                and _LIST_INVESTMENT.search(text, start, end)):
            return []  # a roundup (总投资130亿元的A项目、总投资70亿元的B项目…同步签约) is about no one company
    heads = [s for s in spans if s.label == "COMPANY" and start <= s.start and s.end <= end]
    if heads or end == 0:
        return heads
    # a headline that names no company (1121亿！全球第一大汽车集团追加电池投资！): the lead's, the first of the body's
    # first three sentences that names one doing something the news reports (12月14日，丰田汽车公司举行…发布会)
    for a, b in [sb for sb in split_sentences(text) if sb[0] >= end][:3]:
        if (sum(a <= n.start < b for n in find_project_names(text, spans)) >= 2 and _LIST_INVESTMENT.search(text, a, b)):
            return []
        if _SIGNATORIES.search(text, a, b):  # 参与签约的单位包括A、B: signing parties (add_signatories), no lead
            return []
        lead = [s for s in spans if s.label == "COMPANY" and a <= s.start and s.end <= b]
        if lead and _LEAD_EVENT.search(text, a, b):
            return lead
    return []


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
    found = clients(text, spans)  # a bid's client (招标单位为X, and its short name) is never the company 公司 refers to
    client = {c for c in companies if any(same(c.text, x.text) for x in found)}

    def theirs(r: dict[str, Any], heads: list[Span]) -> bool:
        """No company of its own, or one the article calls a subsidiary, or a figure's or the project
        name's sentence says 公司 or 双方 (the company, the parties) before it, outside a company name,
        the company named last before that word being none or the heads (据宝丰预计，公司100兆瓦项目: 宝丰's;
        for 该公司, this company, the one named last in the paragraph)."""
        if not r["companies"] or any(same(m["text"], o) for m in r["companies"] for o in owned):
            return True
        points = [m["start"] for m in (*r["amounts"], *r["capacities"])] + (r["project_span"] or [])[:1]
        for p in points:
            lo = p - len(_sentence_before(text, p))
            for k in _THE_COMPANY.finditer(text, lo, p):
                if any(c.start <= k.start() < c.end for c in companies):
                    continue
                # 该公司 (this company) is the one named last before it in the paragraph, not the headline's
                paragraph = text.rfind("\n", 0, k.start()) + 1
                start = paragraph if text[k.start() - 1:k.start()] == "该" else lo
                named = [c for c in companies if start <= c.start and c.end <= k.start() and c not in client]
                if not named:  # 公司 with no company in its sentence: the paragraph's last, if the record's own
                    before = [c for c in companies if paragraph <= c.start and c.end <= k.start() and c not in client]
                    if before and any(same(before[-1].text, m["text"]) for m in r["companies"]) \
                            and not any(same(before[-1].text, h.text) for h in heads):
                        continue
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


def _in_paragraph(text: str, r: dict[str, Any], at: int) -> bool:
    """Some figure of the record, or its project name, lies in the paragraph (the line) of ``at``."""
    lo, hi = _line_span(text, at)
    starts = [m["start"] for m in (*r["amounts"], *r["capacities"])] + ([r["project_span"][0]] if r["project_span"] else [])
    return any(lo <= x < hi for x in starts)


def add_partners(text: str, spans: Sequence[Span], records: list[dict[str, Any]],
                 same: Alias = company_alias) -> list[dict[str, Any]]:
    """A record with one member of a party (``partner_groups``) lists all of them (ANNOTATION.md: a
    contract or bid lists the winners; a company set up to run the project belongs with its investors)."""
    groups = partner_groups(text, spans)
    out = []

    def member(r: dict[str, Any], g: list[Span]) -> bool:
        return not r.get(LISTED) and any(same(c.text, m["text"]) for c in g for m in r["companies"])

    for r in records:
        if r.get(LISTED):  # a site of a list of plants (build_records): the partners of another deal are not its
            out.append(r)
            continue
        have = {(m["start"], m["end"]) for m in r["companies"]}
        # where several records have a member, the party is that of the deal its paragraph tells (联合中标的…项目),
        # not of the company's other projects
        mine = [g for g in groups if member(r, g) and (
            sum(member(o, g) for o in records) == 1 or _in_paragraph(text, r, g[0].start)
            or not any(member(o, g) and _in_paragraph(text, o, g[0].start) for o in records))]  # told of none: all
        extra = {(c.start, c.end): c for g in mine for c in g if (c.start, c.end) not in have}
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
    deals = [r for r in records if not _is_aggregate(text, r)]
    # a client joins the deals its paragraph tells (该项目的招标单位为X，公司中标金额约8.16亿元), the article's deals
    # where its paragraph tells none
    told = {id(c): [r for r in deals if _in_paragraph(text, r, c.start)] or deals for c in found}
    out = []
    for r in records:
        have = {m["text"] for m in r["companies"]}
        extra = [c for c in found if c.text not in have and any(r is o for o in told[id(c)])]
        out.append(_joined(r, "companies", extra, "client") if extra and not _is_aggregate(text, r) else r)
    return out


_FULL_NAME = re.compile(r"(?:公司|集团)$")
# A sentence that lists the parties that signed (参与签约的单位包括A、B、C等; 签约企业为A和B).
_SIGNATORIES = re.compile(r"签约(?:的)?(?:单位|企业|公司|方|客商|双方|各方)(?:分别)?(?:包括|有|为|是|[：:])")


def add_signatories(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ANNOTATION.md: the investor and the project company both belong. The companies a sentence lists as
    the signing parties (参与签约的单位包括A、B等) join the record of the project named last before them in their
    paragraph (its own sentence included); agents aside. A paragraph with no named project before them gives
    them to no record."""
    out = list(records)
    for m in _SIGNATORIES.finditer(text):
        lo, hi = _sentence_span(text, m.start())
        parties, end = [], m.end()
        for c in sorted((c for c in spans if c.label == "COMPANY" and m.end() <= c.start and c.end <= hi),
                        key=lambda c: c.start):
            gap = text[end:c.start].strip()
            # the list goes on through 、和与及; past a comma only with a full name (…有限公司，湖南领湃科技集团有限公司),
            # not into the next clause (签约企业为A和B，英飞凌科技、华为等企业代表出席仪式)
            if not (gap in ("", "、", "和", "与", "及") or (gap in ("，", ",") and _FULL_NAME.search(c.text))):
                break
            if not is_agent(text, _mention(c)):
                parties.append(c)
            end = c.end
        if not parties:
            continue
        paragraph = text.rfind("\n", 0, m.start()) + 1
        where = {k: text.rfind(r["project"], paragraph, m.start()) for k, r in enumerate(out) if r["project"]}
        named = {k: at for k, at in where.items() if at >= 0}
        if not named:
            continue
        if len({out[k]["project"] for k in named}) > 1 and \
                sum(paragraph <= n.start < m.start() for n in find_project_names(text, spans)) > 1:
            continue  # several projects named before them: whose signatories they are is not said
        k = max(named, key=named.get)
        have = {(c["start"], c["end"]) for c in out[k]["companies"]}
        extra = [c for c in parties if (c.start, c.end) not in have]
        if extra:
            out[k] = _joined(out[k], "companies", extra, "signing party")
    return out


_ROUND = re.compile(r"(?:联合|共同)?(?:领投|跟投|参投|追加投资|增资入股)|(?<!没有)(?<!未)(?<!不)参与(?:了)?(?:[^，,。；;！？!?\n]{0,12}?(?:融资|轮)|投资)")
_FINANCING = re.compile(r"融资|轮|募资|投资方|投资者|领投|跟投")  # a record's figure is a round's
_ROUND_AFTER = re.compile(r"的?(?:[A-Za-z0-9+]{1,3}|天使|战略|新一)?轮?融资")  # 完成3亿美元B轮融资: said after the figure
_PAST = re.compile(r"曾|此前|早年|先后|过去|上市前")  # a round the article tells as history


def investors(text: str, spans: Sequence[Span]) -> list[tuple[int, tuple[int, int], list[Span]]]:
    """The investors of a financing round (本轮融资由A旗下B与C联合领投，D追加投资; 包括A、B在内的现有投资者
    正计划参与X的新一轮投资; 上一轮投资方A、B继续参与投资): the companies of the sentence before each round word (领投,
    跟投, 参投, 追加投资, 参与…融资, 参与投资), agents aside; ``[(where the word is, its sentence's span, the investors)]``."""
    companies = [s for s in spans if s.label == "COMPANY"]
    out = []
    for m in _ROUND.finditer(text):
        lo, hi = _sentence_span(text, m.start())
        found = [c for c in companies if lo <= c.start and c.end <= m.start() and not is_agent(text, _mention(c))]
        if found:
            out.append((m.start(), (lo, hi), found))
    return out


def add_investors(text: str, spans: Sequence[Span], records: list[dict[str, Any]],
                  same: Alias = company_alias) -> list[dict[str, Any]]:
    """ANNOTATION.md (docs/annotation.md): a financing lists the investors with the company financed. A
    round's investors (``investors``) join the record of the round: the one with a figure in the
    round word's sentence, else (unless the sentence tells a past round: 曾, 此前, 上市前) of the financing
    records (a figure's sentence says 融资, 轮, 募资, 投资方 before it, or …轮融资 right after it) that have a
    company of that sentence (or, when it names none but the investors, of the headline), the one with the
    nearest figure before it (or after)."""
    rounds = investors(text, spans)
    if not rounds or not records:
        return records
    heads = protagonists(text, spans)
    extra: dict[int, dict[tuple[int, int], Span]] = {}
    for at, (lo, hi), found in rounds:
        names = [c for c in spans if c.label == "COMPANY" and lo <= c.start < hi and c not in found] or heads

        def distance(k: int) -> tuple[bool, int]:
            """Nearest figure before the round word first (本轮 is the round told before), else after it."""
            figs = [m["start"] for m in (*records[k]["amounts"], *records[k]["capacities"])]
            before = [at - f for f in figs if f < at]
            return (not before, min(before or [abs(f - at) for f in figs] or [len(text)]))
        mine = [k for k, r in enumerate(records) if any(lo <= m["start"] < hi for m in (*r["amounts"], *r["capacities"]))]
        if not mine and not _PAST.search(text, lo, at):  # else a round of its sentence's or the headline's company
            mine = [k for k, r in enumerate(records) if any(same(m["text"], c.text) for m in r["companies"] for c in names)
                    and any(_FINANCING.search(_sentence_before(text, m["start"])) or _ROUND_AFTER.match(text, m["end"])
                            for m in r["amounts"])]
            mine = sorted(mine, key=distance)[:1]
        for k in mine:
            own = [m["text"] for m in records[k]["companies"]]
            extra.setdefault(k, {}).update({(c.start, c.end): c for c in found if not any(same(c.text, o) for o in own)})
    return [_joined(r, "companies", list(extra[k].values()), "investors") if extra.get(k) else r
            for k, r in enumerate(records)]
