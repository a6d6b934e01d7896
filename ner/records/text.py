"""Where the record builder reads text: sentences, clauses and short quotations (text geometry), and
project names (``X项目``, ``X基地``...) with the entities they hold."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ner.types import Span

_SENTENCE_END = set("。！？!?；;")
_CLAUSE_DELIMS = set("，,、：:；;。！？!?\n")
_OPEN_QUOTES = "“「『"
_CLOSE_QUOTES = "”」』"
_SUBJECT_OPENERS = set("，,：:；;。！？!?\n—】]")  # not 、: the middle of a list is no subject
_SHORT_QUOTE = 15  # a quotation at most this long is a slogan or title, not speech

# Project names
_NAME_SUFFIX_RE = re.compile(r"(?:项目|基地|产业园|电站|工程|基金)+")
_NAME_STOP_CHARS = set("，,、。；;：:！？!?()（）《》【】[]<>〈〉\n\r\t 　的等在是了将为及与和个—…·")
_NAME_STOP_WORDS = (
    "引进", "建成", "建设", "开工", "投产", "签约", "落户", "打造", "实施", "推动", "支持", "布局", "包含",
    "其中", "落地", "推进", "加快", "新建", "实现", "启动", "完成", "入驻", "进驻", "设立", "共同", "新增",
)
_NAME_MAX = 40
_NAME_INNER = set("及与和")  # inside a name, unless a name ends right before it
_NAME_SUFFIX_END = re.compile(r"(?:项目|基地|产业园|电站|工程|基金|[）)])$")  # (at most 3 characters)
# a short bracketed word inside a name (楚能新能源(宜昌)…项目), not a status (（已签约）)
_BRACKET_BEFORE = re.compile(r"[（(](?![^）)]*(?:已|拟|待|暂|签约|开工|投产|建成|在建))[\u4e00-\u9fff]{2,6}[）)]$")
_GENERIC_CORE = re.compile(
    r"(?:重点|重大|产业|工业|制造业|招商|建设|优质|优强|新|在建|在谈|储备|一批|亿元以上|百亿|千亿|各类|相关|配套)*"
)
_MIN_REGION_CORE = 3  # 炎陵县 + 抽水蓄能项目 is a name; 株洲 + 产业项目 is not
_MIN_MERGE_CORE = 4  # a name core this long identifies a project across sentences


# ---------------------------------------------------------------------------------------------
# Text geometry


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence (whitespace trimmed, empty ones dropped).

    Ends at 。！？!?；; and newlines; a 。 inside “…” does not end the sentence (quotation +
    attribution stay together), a newline always does.
    """
    bounds: list[tuple[int, int]] = []
    start, depth = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        if ch in "\n\r":
            bounds.append((start, i))
            start, depth = i + 1, 0
        elif ch in _SENTENCE_END and depth == 0:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(text)))
    out = []
    for s, e in bounds:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _clause_of(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause ``[start, end)`` around ``pos`` inside ``[lo, hi)`` (delimited by ，,、：: etc.)."""
    s = pos
    while s > lo and text[s - 1] not in _CLAUSE_DELIMS:
        s -= 1
    e = pos
    while e < hi and text[e] not in _CLAUSE_DELIMS:
        e += 1
    return s, e


def _opens_clause(text: str, pos: int, lo: int) -> bool:
    """True when ``pos`` starts a clause (after a delimiter or the sentence start), 在 allowed before."""
    i = pos
    while i > lo and text[i - 1] in " 　\t“\"【[":
        i -= 1
    if i > lo and text[i - 1] == "在":
        i -= 1
        while i > lo and text[i - 1] in " 　\t":
            i -= 1
    return i <= lo or text[i - 1] in _SUBJECT_OPENERS


def _short_quote_ranges(text: str) -> list[tuple[int, int]]:
    """Inner ranges of short “…” quotations and of 《…》 titles (slogans, event and document names)."""
    ranges = []
    for m in re.finditer(r"“([^“”\n]*)”|「([^「」\n]*)」|《([^《》\n]*)》", text):
        inner = m.group(0)[1:-1]
        if m.group(0)[0] == "《" or len(inner) <= _SHORT_QUOTE:
            ranges.append((m.start() + 1, m.end() - 1))
    return ranges


_CLAUSE = re.compile(r"[，,。；;！？!?\n]")  # the whole-article rules' clause end: not 、 or ：, unlike _CLAUSE_DELIMS
_OPEN, _CLOSE = "（(【[", "）)】]"


def _clause_before(text: str, start: int) -> str:
    """The clause text before ``start`` (back to the previous clause delimiter; a comma between digits is a
    thousands separator, 1,818.28万元 or 7，000万元, not a delimiter)."""
    lo = start
    while lo > 0 and (not _CLAUSE.match(text[lo - 1]) or _thousands_comma(text, lo - 1)):
        lo -= 1
    return text[lo:start]


def _thousands_comma(text: str, i: int) -> bool:
    return text[i] in ",，" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


_SENTENCE_MARK = "。！？!?\n"  # the whole-article rules' sentence end: not ；, unlike _SENTENCE_END


def _sentence_before(text: str, start: int) -> str:
    lo = start
    while lo > 0 and text[lo - 1] not in _SENTENCE_MARK:
        lo -= 1
    return text[lo:start]


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos`` (``_sentence_before`` back, forward through its end mark)."""
    hi = next((k + 1 for k in range(pos, len(text)) if text[k] in _SENTENCE_MARK), len(text))
    return pos - len(_sentence_before(text, pos)), hi


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


# ---------------------------------------------------------------------------------------------
# Project names


@dataclass(frozen=True)
class ProjectName:
    start: int
    end: int
    text: str
    lead: Span | None  # the COMPANY or REGION the name starts with

    @property
    def core(self) -> str:
        """The name without its leading company/region: the part that identifies the project."""
        return self.text[self.lead.end - self.start:] if self.lead else self.text


# a later item of a list of investments (总投资130亿元的奇瑞…、总投资100亿元的信义…)
_LIST_INVESTMENT = re.compile(r"、\s*(?:计划)?总投资(?:额|约|达|为)?\s*")


# a list of sites, each with its own figure in brackets (落子惠州（4GWh）、南京（30GWh）、南昌（50GWh）…): each item is
# its own plant; inside one site's brackets, figures listed with 、 are that site's plants (福建宁德（湖西40GWh、福鼎60GWh）)
_ITEM_GAP = re.compile(r"\s*(?:、|，|,|和|及|以及|、以及)\s*")
LISTED = "_listed"  # a record's key: one site of a list (build_records' step 3), read by consolidate, then dropped
_SITE_ITEM_SPAN = 40  # characters a site's brackets may hold
_PHASE = re.compile(r"[一二三四五六七八九十\d]期")


def _apart(places: Sequence[Span]) -> bool:
    """Places that name different sites: no two the same or one inside the other (宜宾 and 宜宾市叙州区 are one)."""
    names = [p.text for p in places]
    return all(a not in b and b not in a for i, a in enumerate(names) for b in names[i + 1:])


def site_list_items(text: str, sent: Sequence[Span], lo: int, hi: int) -> list[tuple[int, Span | None, str]]:
    """``[(start, region, kind)]`` where a sentence's list of sites with bracketed figures cuts it (kind ``item``:
    a later site of the list; ``inner``: a later figure of the same kind inside one site's brackets, with that
    site (湖西40GWh、福鼎60GWh; not 投资50亿元、年产20GWh); ``tail``: what follows the list, a total, with no site).
    Empty unless two or more consecutive sites, all different, carry figures; a phase in brackets (长沙（一期10GWh）)
    is no site of its own."""
    quantities = [s for s in sent if s.label in ("AMOUNT", "CAPACITY")]
    items = []
    for r in sent:
        if r.label != "REGION" or r.end >= hi or text[r.end] not in "（(":
            continue
        close = next((i for i in range(r.end + 1, min(hi, r.end + _SITE_ITEM_SPAN)) if text[i] in "）)"), None)
        inside = [q for q in quantities if r.end < q.start and q.end <= (close or -1)]
        if close is not None and inside and not _PHASE.search(text, r.end, close):
            items.append((r, close, inside))
    runs: list[list] = []
    for item in items:
        if runs and _ITEM_GAP.fullmatch(text, runs[-1][-1][1] + 1, item[0].start):
            runs[-1].append(item)
        else:
            runs.append([item])
    out: list[tuple[int, Span | None, str]] = []
    for run in (r for r in runs if len(r) >= 2 and _apart([item[0] for item in r])):
        for k, (r, close, inside) in enumerate(run):
            if k:
                out.append((r.start, r, "item"))
            for prev, q in pairwise(inside):
                sep = text.rfind("、", prev.end, q.start)
                if sep >= 0 and prev.label == q.label:
                    own = [g for g in sent if g.label == "REGION" and sep < g.start and g.end <= q.start]
                    out.append((sep + 1, own[-1] if own else r, "inner"))
        end = run[-1][1] + 1
        if any(q.start >= end for q in quantities):
            out.append((end, None, "tail"))
    return out + [c for c in site_clauses(text, sent, lo, hi) if c[0] not in {x[0] for x in out}]


def site_clauses(text: str, sent: Sequence[Span], lo: int, hi: int) -> list[tuple[int, Span | None, str]]:
    """``[(start, region, "clause")]`` for the later clauses of a run of two or more consecutive clauses that
    each name a different place before a figure of their own, all figures of one kind (西北扩建储能基地20GWh，西南基地
    （成都、遂宁）扩建87GWh，北方区域…扩建80GWh): each is a plant of its own. Not one plant's clauses (宜宾基地总投资300亿元，
    宜宾基地年产能达75GWh: the same place, an amount and a capacity)."""
    depth, starts = 0, [lo]
    for i in range(lo, hi):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)" and depth:
            depth -= 1
        elif text[i] in "，," and not depth:
            starts.append(i + 1)
    bounds = list(zip(starts, [*starts[1:], hi]))
    ok: list[tuple[Span, str] | None] = []
    for a, b in bounds:
        regs = [s for s in sent if s.label == "REGION" and a <= s.start < b]
        qs = [s for s in sent if s.label in ("AMOUNT", "CAPACITY") and a <= s.start < b]
        kinds = {q.label for q in qs}
        ok.append((regs[0], kinds.pop()) if regs and len(kinds) == 1 and regs[0].start < qs[0].start else None)
    out, k = [], 0
    while k < len(bounds):
        j = k
        while j < len(bounds) and ok[j] is not None and ok[j][1] == ok[k][1]:
            j += 1
        if j - k >= 2 and _apart([ok[i][0] for i in range(k, j)]):
            out += [(bounds[i][0], ok[i][0], "clause") for i in range(k + 1, j)]
        k = max(j, k + 1)
    return out


def _ends_name_here(text: str, s: int) -> bool:
    """A stop character before ``s`` ends a project name read backwards; 及 only where a name ends right before
    it (A项目及B项目: two projects; 综合利用及处置危废项目: one), 与 and 和 only after 项目."""
    ch = text[s - 1]
    if ch not in _NAME_STOP_CHARS:
        return False
    if ch in "与和":  # A项目与B项目: two; 三一能源装备产业园与区域研发中心项目, 引洮润株工程和…治理项目: one
        return text[max(0, s - 3):s - 1] == "项目"
    return ch not in _NAME_INNER or bool(_NAME_SUFFIX_END.search(text, max(0, s - 4), s - 1))


def find_project_names(text: str, entities: Sequence[Span]) -> list[ProjectName]:
    """Project names (see the module docstring, step 2), left to right, none inside another."""
    by_start = {e.start: e for e in entities if e.label in ("COMPANY", "REGION")}
    amount_ends = {e.end for e in entities if e.label == "AMOUNT"}
    quantity_ends = {e.end for e in entities if e.label in ("AMOUNT", "CAPACITY")}
    found: list[ProjectName] = []
    for m in _NAME_SUFFIX_RE.finditer(text):
        end = m.end()
        if any(e.start < end < e.end for e in entities):
            continue  # 中国建材国际工程|集团: a suffix inside a name ends no project name
        if text[end:end + 1] in ("师", "院"):
            continue  # 总工程师, 中国工程院: a word, no project
        s = m.start()
        while s > 0 and end - s < _NAME_MAX:
            bracket = _BRACKET_BEFORE.search(text, max(0, s - 10), s) if text[s - 1] in "）)" else None
            if bracket and bracket.start() > 0 and text[bracket.start() - 1] not in _NAME_STOP_CHARS:
                s = bracket.start()  # 楚能新能源(宜昌)锂电池产业园项目, 国轩高科（唐山）…基地项目: a bracketed place in the name
                continue
            if _ends_name_here(text, s) or s in amount_ends:
                break
            if text.endswith(_NAME_STOP_WORDS, 0, s):
                break
            s -= 1
        for e in entities:  # never cut an entity in two
            if e.start < s < e.end:
                s = e.start
        scan_start = s
        s = _trim_name_start(text, s, m.start(), end)
        if s >= m.start():
            continue
        lead = by_start.get(s)
        name = ProjectName(s, end, text[s:end], lead)
        core = text[(lead.end if lead else s):m.start()]
        if _GENERIC_CORE.fullmatch(core) and not (lead is not None and lead.label == "COMPANY"):
            continue  # 株洲产业项目, 重大项目; but 比亚迪项目 is a name
        if lead is None:
            j = scan_start
            while j > 0 and text[j - 1] == "的":
                j -= 1
            for w in ("以上", "左右", "多", "余"):
                if text.endswith(w, 0, j):
                    j -= len(w)
                    break
            if j not in quantity_ends or len(core) < _MIN_REGION_CORE:
                continue
        elif lead.label == "REGION" and len(core) < _MIN_REGION_CORE:
            continue
        found.append(name)
    found = [n for n in found if not any(o is not n and o.start <= n.start and n.end <= o.end for o in found)]
    return sorted(found, key=lambda n: n.start)


def _trim_name_start(text: str, s: int, limit: int, end: int) -> int:
    """Skip 以上/左右 and an opening quote that does not close inside the name."""
    pairs = {"“": "”", "‘": "’", "「": "」", '"': '"'}
    while s < limit:
        if text.startswith(("以上", "左右"), s):
            s += 2
        elif text[s] in pairs and pairs[text[s]] not in text[s + 1:end]:
            s += 1
        else:
            break
    return s


def _same_project(a: ProjectName, b: ProjectName) -> bool:
    if a.text == b.text:
        return True
    if a.core != b.core or len(a.core) < _MIN_MERGE_CORE:
        return False
    la = a.lead.text if a.lead and a.lead.label == "COMPANY" else ""
    lb = b.lead.text if b.lead and b.lead.label == "COMPANY" else ""
    return not la or not lb or la in lb or lb in la
