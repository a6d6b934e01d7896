"""Project records from different articles -> the same project or not: the merge rule, a pure function.

``same_project(a, b)`` compares two records (``ner.records.build`` dicts) and says whether they describe one
project, with its reasons. The rule, in the order it is checked (each step can only say "no"):

1. Companies. A record's companies are keyed by name less legal suffixes (股份有限公司, 有限公司, 集团,
   股份, 控股 …) and brackets; two keys match when one contains the other (湖南德赛电池 ~ 德赛电池,
   株洲中车时代电气 ~ 中车时代). Both records name companies and none match: different projects.
2. Place. The most specific admin codes of each record decide, a code matching its parents (430112
   望城区 ~ 4301 长沙市 ~ 43 湖南省); without codes on both sides, a canonical name or text containing
   the other is a match. Different codes: different projects. Only a province in common is a weak match.
3. Figures. Investment amounts in the same currency, and capacities in the same unit, agree within
   ``TOLERANCE`` (rounded figures: 119.75亿元 ~ 近120亿元). Both records give such figures and no pair
   agrees: different projects (一期 80亿元 vs 16亿元).
4. Names. A project name's core is the name less its companies, places, figures and generic words
   (项目, 基地, 产业园, 年产 …); two cores are similar when at least ``NAME_SIMILAR`` of the shorter
   core's character bigrams are in the other (one containing the other: 1.0). Two names that are not similar:
   different projects (金阳's 20GW 硅片 vs 20GW 二代异质结).
5. Evidence. What passed must also agree positively: with a company in common, one of a place below
   the province, an agreeing figure or a similar name; with no company in common (one side or both
   name none), a similar name *and* a place below the province.

Records with neither a company nor a project name (aggregates: 162个项目总投资426亿元) never merge.
The rule is measured on gold pairs by ``benchmarks/project_merge.py`` (``data/merge/``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOLERANCE = 0.08  # relative difference of two figures still read as one (rounding, 约/近/超)
NAME_SIMILAR = 0.5  # share of the shorter name core's bigrams found in the other, from which they are one name

_LEGAL = ("股份有限公司", "有限责任公司", "有限公司", "集团股份", "集团公司", "控股集团", "集团", "股份", "控股", "公司")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_GENERIC = ("项目", "基地", "产业园", "园区", "工程", "电站", "工厂", "厂房", "生产线", "一期", "二期", "三期",
            "年产", "新建", "建设", "扩建", "扩产", "生产", "制造", "产业", "及配套", "配套", "的", "新型", "规模化", "PPP")
_SPACE = re.compile(r"[\s“”\"'《》·、，,]")


@dataclass
class Decision:
    same: bool
    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.same


def company_key(name: str) -> str:
    """深圳市兆驰股份有限公司 -> 深圳市兆驰; 福莱特（南通）光伏玻璃有限公司 -> 福莱特光伏玻璃."""
    key = _SPACE.sub("", _BRACKETS.sub("", name))
    changed = True
    while changed:
        changed = False
        for suffix in _LEGAL:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                key, changed = key[:-len(suffix)], True
    return key


def company_keys(record: Mapping[str, Any]) -> set[str]:
    return {k for k in (company_key(m["text"]) for m in record.get("companies") or []) if len(k) >= 2}


def companies_match(a: Iterable[str], b: Iterable[str]) -> bool:
    b = list(b)
    return any(x in y or y in x for x in a for y in b)


def code_prefix(code: str | None) -> str | None:
    """430112 -> 430112, 430100 -> 4301, 430000 -> 43 (the code less its trailing 00 pairs)."""
    if not code:
        return None
    code = str(code)[:6]
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def _leaves(regions: Sequence[Mapping[str, Any]]) -> set[str]:
    """The code prefixes of a record's places less those that are a parent of another (株洲 4302 beside
    攸县 430223 leaves {430223}; 杭州 3301 and 绍兴 3306 beside 浙江 33 leave both)."""
    prefixes = {p for p in (code_prefix(r.get("code")) for r in regions) if p}
    return {p for p in prefixes if not any(q != p and q.startswith(p) for q in prefixes)}


def place_match(a: Mapping[str, Any], b: Mapping[str, Any]) -> int | None:
    """None: a record has no place, or the places cannot be compared; -1: different places; 1: only a
    province in common; 2: the same city or county (or the same named place).

    With admin codes on both sides, the most specific codes of each record decide (攸县 430223 vs 炎陵县
    430225 differ, although both records also name 株洲; a road through 杭州 and 绍兴 matches 绍兴); otherwise a canonical name or text of one
    record containing one of the other's is a match."""
    ra, rb = a.get("regions") or [], b.get("regions") or []
    if not ra or not rb:
        return None
    la, lb = _leaves(ra), _leaves(rb)
    if la and lb:
        levels = [min(len(x), len(y)) for x in la for y in lb if x.startswith(y) or y.startswith(x)]
        if not levels:
            return -1
        return 2 if max(levels) >= 4 else 1
    for x in ra:
        for y in rb:
            nx, ny = x.get("canonical") or x["text"], y.get("canonical") or y["text"]
            if nx in ny or ny in nx:
                return 2
    return None


def _figures(record: Mapping[str, Any]) -> dict[tuple[str, str], list[float]]:
    """{("amount", currency) | ("capacity", unit): [values]}: investments (and untyped amounts) and capacities."""
    out: dict[tuple[str, str], list[float]] = {}
    for m in record.get("amounts") or []:
        if m.get("role") not in (None, "investment"):
            continue
        for v in (m.get("value"), m.get("low"), m.get("high")):
            if isinstance(v, (int, float)) and v > 0:
                out.setdefault(("amount", m.get("currency") or "CNY"), []).append(float(v))
    for m in record.get("capacities") or []:
        v = m.get("value")
        if isinstance(v, (int, float)) and v > 0 and m.get("unit"):
            out.setdefault(("capacity", m["unit"]), []).append(float(v))
    return out


def figures_match(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool | None:
    """None: no kind of figure given by both; True: some figure agrees; False: all comparable disagree."""
    fa, fb = _figures(a), _figures(b)
    shared = set(fa) & set(fb)
    if not shared:
        return None
    return any(abs(x - y) <= TOLERANCE * max(x, y) for k in shared for x in fa[k] for y in fb[k])


def name_core(record: Mapping[str, Any]) -> str:
    """The project name less its companies, places, figures, generic words and punctuation."""
    name = record.get("project") or ""
    cut = [m["text"] for key in ("companies", "regions", "amounts", "capacities") for m in record.get(key) or []]
    cut += [k for k in (company_key(t) for t in cut) if len(k) >= 3]  # not 环境 of 环境公司
    for t in sorted(set(cut), key=len, reverse=True):
        if len(t) >= 2:
            name = name.replace(t, "")
    for word in _GENERIC:
        name = name.replace(word, "")
    return _SPACE.sub("", re.sub(r"[\d.×xX]+(?:万|亿)?(?:千瓦|兆瓦|吉瓦|GW[h]?|MW[h]?|吨|台|辆|片)", "", name))


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def name_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    """The share of the shorter core's character bigrams found in the other core (1.0 when one contains
    the other: a second outlet shortens names); None when a name is missing (or is generic words only)."""
    ca, cb = name_core(a), name_core(b)
    if len(ca) < 2 or len(cb) < 2:
        return None
    if ca in cb or cb in ca:
        return 1.0
    ba, bb = _bigrams(ca), _bigrams(cb)
    return len(ba & bb) / min(len(ba), len(bb))


def mergeable(record: Mapping[str, Any]) -> bool:
    """A record that may join another article's: it names a company or a project (not an aggregate)."""
    return bool(company_keys(record)) or len(name_core(record)) >= 2


def same_project(a: Mapping[str, Any], b: Mapping[str, Any]) -> Decision:
    """Whether records ``a`` and ``b`` (from different articles) describe one project (module docstring)."""
    if not mergeable(a) or not mergeable(b):
        return Decision(False, ["an aggregate (no company, no project name)"])
    ka, kb = company_keys(a), company_keys(b)
    company = companies_match(ka, kb) if ka and kb else None
    if company is False:
        return Decision(False, ["different companies"])
    place = place_match(a, b)
    if place == -1:
        return Decision(False, ["different places"])
    figures = figures_match(a, b)
    if figures is False:
        return Decision(False, ["figures disagree"])
    name = name_similarity(a, b)
    if name is not None and name < NAME_SIMILAR:
        return Decision(False, [f"different project names ({name:.2f})"])
    similar = name is not None
    reasons = [r for r, ok in (("same company", company), (f"same place ({'city or county' if place == 2 else 'province'})", place),
                               ("figures agree", figures), ("similar names", similar)) if ok]
    if company:
        ok = place == 2 or bool(figures) or similar
    else:
        ok = similar and place == 2
    return Decision(ok, reasons if ok else reasons + ["too little in common"])


def fill_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` with normalised fields filled in where a mention lacks them (gold records store
    surfaces only): amounts value/currency, capacities value/unit, regions canonical/code."""
    from ner.normalize import normalize_amount, normalize_capacity, normalize_region

    out = {**record}
    hint = [m["text"] for m in record.get("regions") or []]
    out["regions"] = []
    for m in record.get("regions") or []:
        if "code" not in m:
            r = normalize_region(m["text"], hint=hint)
            m = {**m, "canonical": r.canonical if r else None, "code": r.code if r else None}
        out["regions"].append(m)
    for key, normalize, fields in (("amounts", normalize_amount, ("value", "low", "high", "currency")),
                                   ("capacities", normalize_capacity, ("value", "unit"))):
        filled = []
        for m in record.get(key) or []:
            if m.get("value") is None and m.get("low") is None:
                try:
                    d = normalize(m["text"]).to_dict()
                    m = {**m, **{f: _plain(d.get(f)) for f in fields}}
                except ValueError:
                    pass
            filled.append(m)
        out[key] = filled
    return out


def _plain(v: Any) -> Any:
    from decimal import Decimal

    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def best_match(record: Mapping[str, Any], candidates: Sequence[tuple[Any, Mapping[str, Any]]]) -> Any | None:
    """The key of the candidate ``(key, record)`` that ``record`` merges with best (None for none)."""
    best, best_score = None, 0.0
    for key, other in candidates:
        decision = same_project(record, other)
        if decision and len(decision.reasons) > best_score:
            best, best_score = key, float(len(decision.reasons))
    return best
