"""REGION span text -> ``Region``: canonical name, 6-digit adcode, level and parent chain.

Data: the administrative divisions come from ``cpca`` (MIT; its ``resources/adcodes.csv``: 3,500
provinces, cities and counties with 12-digit codes, data vintage about 2016), parsed once in
``ner.lexicon.cpca``, the source the rules' gazetteer is built from too. ``ner/resources/regions.tsv``
adds what cpca lacks: named
macro-regions, countries, state-level new areas whose name is not "place + suffix" (两江新区), and
the county-level changes since cpca's vintage that matter to this corpus (株洲县 -> 渌口区 …).

Reading a span (``normalize_region``):

* Full names (湖南省, 长沙市, 望城区, 攸县) and short names (湖南, 长沙, 望城, 文登; a short name
  drops 省/市/区/县/旗/自治州+ethnic names and must keep at least two characters: 攸县 has none).
* Chains, read left to right, each name under the one before: 长沙市望城区, 湖南长沙, 湖南省长沙市.
* Zones: ``X + suffix`` (经开区, 经济技术开发区, 高新区, 高新技术产业开发区, 新区, 综保区 …) where
  X is read as above. Level "zone"; ``code`` and ``host`` are those of the unit X names;
  ``canonical`` = host's city (when the host is a district) + X's short name + the full suffix:
  望城经开区 -> "长沙市望城经济技术开发区" (code 430112, host "长沙市望城区",
  parents ("湖南省", "长沙市", "望城区")). A zone whose X is not a place keeps X:
  长沙市金霞经开区 -> "长沙市金霞经济技术开发区" (code of 长沙市); 金霞经开区 alone has no code.
  An administrative unit beats a zone reading: 浦东新区 and 滨海新区 are districts.
* Macro-regions (粤港澳大湾区, 长三角 -> 长江三角洲, 华东 …: level "macro_region") and countries
  (中国, 美国 …: level "country") have no code.
* Levels: "country", "province" (municipalities 北京/上海/天津/重庆 too, as in the adcode
  scheme), "city" (prefecture level), "district" (county level: 区, 县, county-level 市, 旗),
  "zone", "macro_region".
* ``canonical``: a province or city by its full name; a district as its city + its name
  (长沙市望城区), or its province + its name where there is no city level (重庆市渝北区).
* A chain ending in a town or street (攸县皇图岭镇) gives the county it lies in.
* Ambiguity: among equally good readings, ``hint`` (other region strings of the same document)
  decides first: 朝阳区 with hint ["长春"] is 长春市朝阳区. Then full names beat short names, a
  higher level beats a lower one (吉林 -> 吉林省), and a unit in a provincial capital or
  municipality beats others (朝阳区 -> 北京市朝阳区). When the pick was by that last rule
  ``ambiguous`` is True and ``alternatives`` lists the other codes.
* Unknown text, generic words (全国, 中部) -> None.
"""
from __future__ import annotations

import importlib.resources
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ner.errors import NerError
from ner.lexicon.cpca import divisions, level_of, nations
from ner.lexicon.place_words import NORMALIZE_ZONE_SUFFIXES
from ner.lexicon.places import strip_endings

__all__ = ["LEVELS", "Region", "normalize_region"]

LEVELS = ("country", "province", "city", "district", "zone", "macro_region")

# surface suffix -> full suffix in the canonical name (beside the rules' suffixes in ner.lexicon.place_words)
ZONE_SUFFIXES = NORMALIZE_ZONE_SUFFIXES
_ZONE_KEYS = sorted(ZONE_SUFFIXES, key=len, reverse=True)
_TOWN = re.compile(r".{1,8}(?:镇|乡|街道|苏木|村|社区)$")
_TRAILING_NOISE = ("境内", "内", "地区", "一带", "全境", "全域")
_PSEUDO_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆", "西藏自治区": "西藏", "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}
_MUNICIPALITIES = ("11", "12", "31", "50")
_KIND_RANK = {"admin": 0, "alias": 1, "zone": 2, "zone_unresolved": 3, "town": 4}
_LEVEL_RANK = {"province": 0, "city": 1, "district": 2}


@dataclass(frozen=True)
class Region:
    """A place: canonical name, adcode (None when there is none), level and parents."""

    text: str
    canonical: str
    level: str  # one of LEVELS
    code: str | None = None  # 6-digit adcode; for a zone, its host's
    parents: tuple[str, ...] = ()  # official names, province down (for a zone: down to its host)
    host: str | None = None  # for a zone: canonical name of the unit it lies in
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()  # codes of equally good readings

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "canonical": self.canonical,
            "level": self.level,
            "code": self.code,
            "parents": list(self.parents),
            "host": self.host,
            "ambiguous": self.ambiguous,
            "alternatives": list(self.alternatives),
        }


# ---------------------------------------------------------------------------------------------
# The gazetteer


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    level: str
    short: str | None


def _ethnic_names() -> list[str]:
    names = list(nations())
    if not names:
        raise NerError("cpca is installed but has no resources/56_nations.csv; reinstall it: pip install --force-reinstall cpca")
    bare = [n[:-1] for n in names if n.endswith("族") and len(n) >= 4]  # 蒙古, 哈萨克, 柯尔克孜
    return sorted(set(names + bare), key=len, reverse=True)


def _short_name(name: str, level: str, ethnic: list[str]) -> str | None:
    if level == "province":
        short = _PROVINCE_SHORT.get(name) or re.sub(r"[省市]$", "", name)
    else:
        short = name
        for suffix in ("自治州", "自治县", "自治旗"):
            if short.endswith(suffix):
                short = strip_endings(short[: -len(suffix)], ethnic, 1)
                break
        else:
            short = re.sub(r"(?:新区|林区|特区|矿区|地区|盟|市|区|县|旗)$", "", short)
    return short if len(short) >= 2 and short != name else None


class _Gazetteer:
    def __init__(self) -> None:
        ethnic = _ethnic_names()
        rows: dict[str, str] = {}
        for code, name in divisions():
            if name not in _PSEUDO_CITIES:
                rows[code[:6]] = name
        self.macro: dict[str, str] = {}
        self.country: dict[str, str] = {}
        self.zone_alias: dict[str, tuple[str, str]] = {}
        supplement = self._supplement()
        former: dict[str, str] = {}  # a superseded name -> the code of the unit that holds it now (郫县 -> 510117)
        for kind, name, code, canonical in supplement:  # drops first, then additions: a code may move (钢城区)
            if kind == "macro":
                self.macro[name] = canonical
            elif kind == "country":
                self.country[name] = canonical
            elif kind == "zone":
                self.zone_alias[name] = (code, canonical)
            elif kind in ("drop", "former"):
                gone = canonical if kind == "former" else code
                prefix = gone[:2] if gone[2:] == "0000" else gone[:4] if gone[4:] == "00" else gone
                rows = {c: n for c, n in rows.items() if not c.startswith(prefix)}
                if kind == "former":
                    former[name] = code
        rows.update({code: name for kind, name, code, _ in supplement if kind == "add"})
        self.units = {c: _Unit(c, n, level_of(c), _short_name(n, level_of(c), ethnic)) for c, n in rows.items()}
        self.names: dict[str, list[tuple[str, bool]]] = {}
        for u in self.units.values():
            self.names.setdefault(u.name, []).append((u.code, False))
            if u.short:
                self.names.setdefault(u.short, []).append((u.code, True))
                if u.name.endswith("自治州"):
                    self.names.setdefault(u.short + "州", []).append((u.code, True))  # 湘西州
                elif u.name.endswith("自治县"):
                    self.names.setdefault(u.short + "县", []).append((u.code, True))  # 城步县
        for name, code in former.items():  # 郫县 names 郫都区 now, 长乐市 长乐区: the full name only (株洲县's 株洲 is the city)
            if code in self.units and (code, False) not in self.names.get(name, ()):
                self.names.setdefault(name, []).append((code, False))
        self.max_len = max(len(n) for n in self.names)

    @staticmethod
    @lru_cache(maxsize=1)
    def _supplement() -> tuple[tuple[str, str, str, str], ...]:
        """The rows of ``ner/resources/regions.tsv`` (kind, name, code, canonical), read once: the normaliser and
        the rules' gazetteer (zones, added units, new areas' short names) all read them."""
        text = importlib.resources.files("ner").joinpath("resources/regions.tsv").read_text(encoding="utf-8")
        return tuple(tuple((line.split("\t") + ["", "", "", ""])[:4]) for line in text.splitlines()
                     if line.strip() and not line.startswith(("#", "kind\t")))

    # -- relations ----------------------------------------------------------------------------
    def chain(self, code: str) -> list[str]:
        """Codes of the unit and its real ancestors, province first."""
        out = [c for c in (code[:2] + "0000", code[:4] + "00") if c != code and c in self.units]
        return out + [code]

    def parents(self, code: str) -> tuple[str, ...]:
        return tuple(self.units[c].name for c in self.chain(code)[:-1])

    def canonical(self, code: str) -> str:
        u = self.units[code]
        if u.level != "district":
            return u.name
        up = self.chain(code)[:-1]
        return (self.units[up[-1]].name if up else "") + u.name

    def city_prefix(self, code: str) -> str:
        """What goes before a zone named after ``code``: the city when the host is a district."""
        u = self.units[code]
        if u.level != "district":
            return ""
        city = code[:4] + "00"
        return self.units[city].name if city in self.units else ""

    @staticmethod
    def under(code: str, parent: str | None) -> bool:
        if parent is None:
            return True
        if code == parent:
            return False
        if parent[2:] == "0000":
            return code[:2] == parent[:2]
        if parent[4:] == "00":
            return code[:4] == parent[:4]
        return False


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


# ---------------------------------------------------------------------------------------------
# Readings


@dataclass(frozen=True)
class _Reading:
    kind: str  # admin, alias, zone, zone_unresolved, town
    path: tuple[tuple[str, bool, str], ...] = ()  # (code, is_short, surface) per chain segment
    zone_x: str = ""
    zone_suffix: str = ""
    alias: str = ""

    @property
    def code(self) -> str | None:
        if self.kind == "alias":
            return _gazetteer().zone_alias[self.alias][0]
        return self.path[-1][0] if self.path else None


def _zone_split(s: str) -> tuple[str, str] | None:
    for key in _ZONE_KEYS:
        if s.endswith(key) and len(s) > len(key):
            return s[: -len(key)], key
    return None


def _walk(g: _Gazetteer, s: str, parent: str | None) -> list[_Reading]:
    """Every reading of ``s`` as a chain under ``parent`` (None: at the top)."""
    out: list[_Reading] = []
    if not s:
        return [_Reading("admin")]
    if s in g.zone_alias and (parent is None or g.zone_alias[s][0] == parent or g.under(g.zone_alias[s][0], parent)):
        out.append(_Reading("alias", alias=s))
    if parent is not None:
        if s in ZONE_SUFFIXES:
            out.append(_Reading("zone", zone_suffix=s))
        split = _zone_split(s)
        if split and split[0] not in g.names and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", split[0]):
            out.append(_Reading("zone_unresolved", zone_x=split[0], zone_suffix=split[1]))
        if _TOWN.fullmatch(s):
            out.append(_Reading("town"))
    for k in range(min(g.max_len, len(s)), 1, -1):
        for code, short in g.names.get(s[:k], ()):
            if not g.under(code, parent):
                continue
            segment = ((code, short, s[:k]),)
            for sub in _walk(g, s[k:], code):
                out.append(_Reading(sub.kind, segment + sub.path, sub.zone_x, sub.zone_suffix, sub.alias))
    return out


def _known(code: str) -> int:
    """0 for a unit in a municipality or a provincial capital (or a province), else 1."""
    return 0 if code[:2] in _MUNICIPALITIES or code[2:4] in ("00", "01") else 1


def _region(g: _Gazetteer, text: str, r: _Reading) -> Region:
    if r.kind == "alias":
        code, canonical = g.zone_alias[r.alias]
        return Region(text, canonical, "zone", code, g.parents(code) + (g.units[code].name,), g.canonical(code))
    code = r.path[-1][0] if r.path else None
    if r.kind in ("admin", "town"):
        assert code is not None
        return Region(text, g.canonical(code), g.units[code].level, code, g.parents(code))
    suffix = ZONE_SUFFIXES[r.zone_suffix]
    if code is None:  # a zone named after something that is not a place: 金霞经开区
        return Region(text, r.zone_x + suffix, "zone")
    u = g.units[code]
    parents = g.parents(code) + (u.name,)
    if r.kind == "zone":
        canonical = g.city_prefix(code) + (u.short or u.name) + suffix
    else:
        canonical = g.canonical(code) + r.zone_x + suffix
    return Region(text, canonical, "zone", code, parents, g.canonical(code))


@lru_cache(maxsize=4096)
def _hint_codes(hint: str) -> tuple[str, ...]:
    r = _resolve(hint, ())
    return (r.code,) if r is not None and r.code else ()


def _hint_score(g: _Gazetteer, code: str | None, hint_codes: frozenset[str]) -> int:
    if code is None or not hint_codes:
        return 0
    mine = set(g.chain(code))
    return max(len(mine & set(g.chain(h))) for h in hint_codes)


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", s).strip("，。、,.;；:：()（）\"'“”")


def _resolve(text: str, hint: tuple[str, ...]) -> Region | None:
    g = _gazetteer()
    s = _clean(text)
    if not s:
        return None
    trimmed = [s[: -len(n)] for n in _TRAILING_NOISE if s.endswith(n) and len(s) > len(n) + 1]
    for candidate in dict.fromkeys([s] + trimmed):
        if candidate in g.country:
            return Region(text, g.country[candidate], "country")
        if candidate in g.macro:
            return Region(text, g.macro[candidate], "macro_region")
        readings = _walk(g, candidate, None)
        split = _zone_split(candidate)
        if split and split[0] not in g.names and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", split[0]):
            readings.append(_Reading("zone_unresolved", zone_x=split[0], zone_suffix=split[1]))
        if candidate.startswith("中国") and len(candidate) > 2:
            readings += _walk(g, candidate[2:], None)
        if readings:
            return _pick(g, text, readings, hint)
    return None


def _pick(g: _Gazetteer, text: str, readings: list[_Reading], hint: tuple[str, ...]) -> Region:
    hint_codes = frozenset(c for h in hint for c in _hint_codes(h))

    def primary(r: _Reading) -> tuple[int, ...]:
        code = r.code
        return (
            _KIND_RANK[r.kind],
            -_hint_score(g, code, hint_codes),
            sum(short for _, short, _ in r.path),
            _LEVEL_RANK[g.units[code].level] if code else 3,
        )

    keyed = sorted(((primary(r), _known(r.code) if r.code else 1, r.code or "", i, r) for i, r in enumerate(readings)),
                   key=lambda t: t[:4])
    best = keyed[0]
    tied = sorted({t[2] for t in keyed if t[0] == best[0] and t[2] != best[2] and t[2]})
    region = _region(g, text, best[4])
    if tied:
        region = Region(region.text, region.canonical, region.level, region.code, region.parents,
                        region.host, True, tuple(tied))
    return region


def normalize_region(text: str, hint: Iterable[str] | None = None) -> Region | None:
    """The place a REGION span names, or None when it is not one we know.

    ``hint``: other region strings from the same document; they decide between places that share
    a name (望城 with hint ["长沙市"]). Never raises on unknown text.
    """
    if not isinstance(text, str):
        raise TypeError(f"region text must be a string, got {type(text).__name__}: {text!r}")
    return _resolve(text, tuple(h for h in (hint or ()) if isinstance(h, str) and h != text))
