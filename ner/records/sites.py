"""The places of a whole-article record (``ner.records.article``, steps 5 and 7): the site the article
states (``add_stated_site``), and every mention of the site and of the units it lies in
(``expand_regions``), places read by ``ner.normalize.normalize_region``."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ner.records.cues import _is_industry_example
from ner.records.edits import _joined
from ner.records.parties import company_alias
from ner.records.text import _clause_before, split_sentences
from ner.types import Span


def _is_country(name: str) -> bool:
    from ner.normalize import normalize_region

    try:
        reg = normalize_region(name)
    except ValueError:
        return False
    return reg is not None and reg.level in ("country", "macro_region")


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


def _tail_of(name: str, sites: set[str]) -> bool:
    """``name`` is how a site's full name ends (广州开发区 for 广州市黄埔区广州开发区): the same place said short."""
    return len(name) >= 3 and any(len(site) > len(name) and site.endswith(name) for site in sites)


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
            s.text in names or _tail_of(s.text, names)
            or (read[s.text] is not None and any(x is not None and _place_of(x, read[s.text]) for x in sites)))]
        out.append(_joined(r, "regions", extra, "site and parents") if extra else r)
    return out


def add_named_site(spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record still without a place (after the stated site) takes the places inside its project's name
    (云南省重大传染病救治…工程, 国轩高科（唐山）…基地项目): a place that names a project is its site; a country
    or a macro region (长三角数据中心) names a market, not a site. A record whose place is one of its name's takes
    the others too (天府新区至邛崃高速公路项目: 天府新区 and 邛崃)."""
    out = []
    for r in records:
        lo, hi = r["project_span"] or (0, 0)
        inside = [s for s in spans if s.label == "REGION" and lo <= s.start and s.end <= hi and not _is_country(s.text)]
        have = {(m["start"], m["end"]) for m in r["regions"]}
        extra = [s for s in inside if (s.start, s.end) not in have]
        # the name's other places where the record's place is one of them (天府新区至邛崃高速公路项目: both)
        named = not r["regions"] or bool(have & {(s.start, s.end) for s in inside})
        out.append(_joined(r, "regions", extra, "place in the project name") if extra and named else r)
    return out


_SITE_MARK = re.compile(r"(?:建设地点|项目地点|实施地点|项目选址|选址于|坐落于|位于|落户于?|落地于?)[：:]?\s*$")
# a project's step taken at a place (项目”在宜昌市夷陵区正式开工, 在金寨经济开发区举行开工仪式)
_AT = re.compile(r"(?:项目|工程|基地|产业园)[”\"」』]?在$")
_STEP_AFTER = re.compile(r"(?:正式|顺利|全面|隆重)?(?:举行)?(?:开工|动工|开建|奠基|投产|竣工|建成|落地|签约)")


def stated_sites(text: str, spans: Sequence[Span]) -> list[Span]:
    """Places the article states as a project's site (建设地点：淮北市杜集区, 项目位于…, 落户…, 项目在…开工)."""
    return [s for s in spans if s.label == "REGION" and (
        _SITE_MARK.search(text[max(0, s.start - 8):s.start])
        or (_AT.search(text[max(0, s.start - 4):s.start]) and _STEP_AFTER.match(text, s.end)))]


def add_stated_site(text: str, spans: Sequence[Span], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record whose sentences name no place, or only units the site lies in (安徽省 for 淮北市杜集区),
    takes the site the article states, when it states one, unless companies stand before the site in its clause
    and the record names none of them (another company's plant: 天合光能位于宿迁的…项目 on a page about 晶科能源; not
    项目位于宿迁，由中建三局负责施工)."""
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

    # a site stated with its companies (天合光能位于宿迁的8GW…项目) is theirs, not another company's projects'
    lo, hi = next(((a, b) for a, b in split_sentences(text) if a <= sites[0].start < b), (0, 0))
    lo = max(lo, sites[0].start - len(_clause_before(text, sites[0].start)))  # the site's clause
    owners = [s.text for s in spans if s.label == "COMPANY" and lo <= s.start and s.end <= sites[0].start
              and not _is_industry_example(text, s, hi)]

    def theirs(r: dict[str, Any]) -> bool:
        return not owners or not r["companies"] or any(company_alias(o, m["text"]) for o in owners for m in r["companies"])

    return [_joined(r, "regions", sites[:1], "stated site") if (not r["regions"] or wider(r)) and theirs(r) else r
            for r in records]
