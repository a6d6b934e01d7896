"""The place gazetteer of the rules: administrative names (cpca's divisions, parsed once in
``ner.lexicon.cpca``) with their short forms, macro regions and countries (CLDR through babel),
optionally the address corpus's names. The word lists that decide which names count (suffixes, stop
lists) are in ``ner.lexicon.place_words``, beside the other readers' place lists. ``ner.rules.places``
reads text with it, ``ner.rules.companies`` and ``ner.model.decode`` use it to find place names."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ner.errors import InputError
from ner.lexicon.cpca import divisions, level_of, nations, read_divisions, read_nations
from ner.lexicon.place_words import (
    ABROAD_NAMES,
    ADMIN_SUFFIXES,
    COUNTRY_FORMS,
    COUNTRY_SHORT_FORMS,
    FOREIGN_NAME_EXTRA,
    FOREIGN_NAME_STOP,
    FULL_NAME_STOP,
    MACRO_REGIONS,
    SHORT_FORM_STOP,
    TERRITORY_STOP,
    WORLD_CITY_STOP,
    ZONE_SUFFIXES,
)

_CJK = "\u4e00-\u9fff"

LEVELS = ("province", "city", "district", "zone", "town", "macro", "abroad", "extra")
_LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}  # lower is more important when a name is ambiguous


def _ethnic_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=len, reverse=True)) or ("族",)


def strip_endings(name: str, endings: Iterable[str], keep: int) -> str:
    """``name`` less any of ``endings`` at its end, again until none is left there, as long as ``keep``
    characters remain (广西壮族 -> 广西 with the ethnic names; 蒙古族 -> 蒙古: 1 character would be left)."""
    changed = True
    while changed:
        changed = False
        for e in endings:
            if name.endswith(e) and len(name) - len(e) >= keep:
                name, changed = name[: -len(e)], True
                break
    return name


def short_form(name: str, ethnic: Iterable[str] = ()) -> str | None:
    """湖南省 -> 湖南, 广西壮族自治区 -> 广西, 望城区 -> 望城; ``None`` when under 2 characters would remain."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix):
            rest = strip_endings(name[: -len(suffix)], ethnic, 2)
            return rest if len(rest) >= 2 else None
    return None


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    level: str


class Gazetteer:
    """Place names -> level (province, city, district, zone, town, macro, extra). Immutable.

    ``Gazetteer.default()`` is cpca's administrative names with their short forms, plus macro regions, countries
    and the state-level new areas (``from_zones``).
    Combine with ``|``: ``Gazetteer.default() | Gazetteer({"金霞经开区": "zone"})``.
    """

    def __init__(self, names: Mapping[str, str] | None = None):
        clean: dict[str, str] = {}
        for name, level in (names or {}).items():
            if level not in _LEVEL_RANK:
                raise ValueError(f"gazetteer name {name!r}: unknown level {level!r}; expected one of {', '.join(LEVELS)}")
            if len(name) >= 2:
                _keep_best(clean, name, level)
        self.names: Mapping[str, str] = MappingProxyType(clean)
        by_first: dict[str, set[int]] = {}
        for n in clean:
            by_first.setdefault(n[0], set()).add(len(n))
        self._lengths_from = {c: sorted(lengths, reverse=True) for c, lengths in by_first.items()}  # names_at's index

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.names)

    def __or__(self, other: Gazetteer) -> Gazetteer:
        merged = dict(self.names)
        for name, level in other.names.items():
            _keep_best(merged, name, level)
        return Gazetteer(merged)

    def level(self, name: str) -> str | None:
        return self.names.get(name)

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        base = cls.from_adcodes() | cls({m: "macro" for m in MACRO_REGIONS}) | cls.from_territories() | cls.from_zones()
        return base | cls.from_world_cities(base)

    @classmethod
    def from_world_cities(cls, base: Gazetteer) -> Gazetteer:
        """Cities abroad in Chinese (CLDR's time-zone cities through ``babel``: 迪拜, 柏林, 布达佩斯, 胡志明市, 墨西哥城),
        level ``abroad`` (chained after a country: 斯里兰卡科伦坡), where a Chinese overseas project is sited; names ``base`` has already,
        Antarctic stations and names that are also persons' or common words (``WORLD_CITY_STOP``) are left out."""
        from babel import Locale

        zones = Locale.parse("zh_Hans_CN").time_zones
        names = {}
        for key in zones:
            city = zones[key].get("city") if not key.startswith(("Antarctica/", "Etc/")) else None
            if city and len(city) >= 2 and city not in base and city not in TERRITORY_STOP and city not in WORLD_CITY_STOP:
                names[city] = "abroad"
        names.update((n, "abroad") for n in ABROAD_NAMES if n not in base)
        return cls(names)

    @classmethod
    def from_zones(cls) -> Gazetteer:
        """The state-level new areas of ``ner/resources/regions.tsv`` (雄安新区, 天府新区, 南沙新区, 临港新片区) and 雄安,
        level ``zone``: without them 雄安新区 reads as the county 安新 inside it. Its other zones (前海, 横琴) are
        left out: they start company names (前海人寿, 横琴人寿)."""
        from ner.normalize.regions import _Gazetteer

        return cls({name: "zone" for kind, name, _, _ in _Gazetteer._supplement()
                    if kind == "zone" and (name.endswith(("新区", "新片区")) or name == "雄安")})

    @classmethod
    def from_territories(cls) -> Gazetteer:
        """Countries, continents and world regions in Chinese (CLDR through ``babel``: 美国, 印度尼西亚,
        拉丁美洲, 加勒比地区), plus ``COUNTRY_SHORT_FORMS``; level ``macro`` (they never chain with
        administrative names). Names that are also common words or ambiguous (``TERRITORY_STOP``) are left out."""
        from babel import Locale

        names = {re.sub(r"[（(].*", "", n): "macro" for n in Locale.parse("zh_Hans_CN").territories.values()}
        names.update(dict.fromkeys(COUNTRY_SHORT_FORMS, "macro"))
        return cls({n: lvl for n, lvl in names.items() if n not in TERRITORY_STOP})

    @classmethod
    def from_adcodes(cls, path: str | Path | None = None) -> Gazetteer:
        """Names from an ``adcode,name,...`` CSV (cpca's by default), full and short forms."""
        if path:
            rows, ethnic = read_divisions(path), _ethnic_names(read_nations(Path(path).parent / "56_nations.csv"))
        else:  # cpca's divisions and the units set up after them (ner/resources/regions.tsv: 坪山区, 临平区, 无为市)
            from ner.normalize.regions import _Gazetteer

            added = tuple((code, name) for kind, name, code, _ in _Gazetteer._supplement() if kind == "add")
            rows, ethnic = divisions() + added, _ethnic_names(nations())
        names: dict[str, str] = {}
        for code, name in rows:
            if not code.isdigit() or not name or name in FULL_NAME_STOP:
                continue
            level = level_of(code)
            _keep_best(names, name, level)
            short = short_form(name, ethnic)
            if short and short not in SHORT_FORM_STOP:
                _keep_best(names, short, level)
        return cls(names)

    @classmethod
    def from_address_corpus(cls, path: str | Path, base: Gazetteer | None = None) -> Gazetteer:
        """``base`` (default: ``Gazetteer.default()``) plus full names from the address-parsing corpus
        (prov, city, district, devzone, town). ``path``: the corpus folder (``../shared/data/address_parsing``,
        all splits) or one of its files."""
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: address corpus not found; pass the address_parsing folder or its train.txt")
        extra = cls({n: lvl for n, lvl in _address_corpus_names(path).items() if n not in SHORT_FORM_STOP})
        return (base or cls.default()) | extra

    def prefix_levels(self, text: str) -> list[str]:
        """The levels of every name that ``text`` begins with (长沙县… -> the county and the city 长沙)."""
        return [m.level for m in self.names_at(text, 0)]

    def names_at(self, text: str, i: int) -> Iterator[Match]:
        """Every name that starts at ``text[i]``, longest first (only the lengths of names starting with that character
        are tried)."""
        for n in self._lengths_from.get(text[i], ()) if i < len(text) else ():
            if i + n <= len(text) and text[i:i + n] in self.names:
                yield Match(i, i + n, self.names[text[i:i + n]])

    def find(self, text: str) -> list[Match]:
        """Leftmost-longest matches of any name, non-overlapping, no context checks. (``names_at``'s look-up, inlined:
        this loop runs at every character of every text the rules read, and a generator there costs a fifth more.)"""
        out, i, n = [], 0, len(text)
        while i < n:
            for length in self._lengths_from.get(text[i], ()):  # only the lengths of names starting here
                if i + length <= n and text[i:i + length] in self.names:
                    out.append(Match(i, i + length, self.names[text[i:i + length]]))
                    i += length
                    break
            else:
                i += 1
        return out


@functools.cache
def countries() -> frozenset[str]:
    """Countries' Chinese names (CLDR's territories with a two-letter code, through ``babel``, and ``COUNTRY_FORMS``:
    美国, 德国, 印度尼西亚, 印尼, 阿联酋), less the names that are common words (``TERRITORY_STOP``)."""
    from babel import Locale

    names = {re.sub(r"[（(].*", "", n) for code, n in Locale.parse("zh_Hans_CN").territories.items()
             if len(code) == 2 and code.isalpha()}
    return frozenset(n for n in names | set(COUNTRY_FORMS) if n not in TERRITORY_STOP)


@functools.cache
def foreign_name_chars() -> frozenset[str]:
    """The characters Chinese writes foreign place names in: those of CLDR's Chinese country and city names
    (斯, 亚, 尔, 克, 拉...) and ``FOREIGN_NAME_EXTRA``, less ``FOREIGN_NAME_STOP`` (的, 和, 市, 州...)."""
    from babel import Locale

    loc = Locale.parse("zh_Hans_CN")
    names = [*loc.territories.values(), *(z.get("city") or "" for z in loc.time_zones.values())]
    return frozenset("".join(names) + FOREIGN_NAME_EXTRA) - set(FOREIGN_NAME_STOP)


@functools.cache
def prefecture_short_forms() -> frozenset[str]:
    """Short forms of the autonomous prefectures (恩施 for 恩施土家族苗族自治州), which the news writes with 州
    (恩施州, 黔西南州)."""
    ethnic = _ethnic_names(nations())
    return frozenset(s for _, name in divisions() if name.endswith("自治州") and (s := short_form(name, ethnic)))


def _keep_best(names: dict[str, str], name: str, level: str) -> None:
    if name not in names or _LEVEL_RANK[level] < _LEVEL_RANK[names[name]]:
        names[name] = level


_ADDRESS_LEVELS = {"prov": "province", "city": "city", "district": "district", "devzone": "zone", "town": "town"}


def _address_corpus_names(path: Path) -> dict[str, str]:
    """Full names by level from ``ner.data.corpora.gazetteer_from_address_corpus`` (levels prov, city, district,
    devzone, town), filtered to plausible place names."""
    from ner.data.corpora import gazetteer_from_address_corpus

    base = Gazetteer.default()
    names: dict[str, str] = {}
    for level, found in gazetteer_from_address_corpus(path).items():
        if level not in _ADDRESS_LEVELS:
            continue
        for name in found:
            if _plausible_place(name) and _ADDRESS_NAME_OK[level](name, base):
                _keep_best(names, name, _ADDRESS_LEVELS[level])
    return names


def _starts_with_place(name: str, gaz: Gazetteer) -> bool:
    first = gaz.find(name)
    return bool(first) and first[0].start == 0 and first[0].end < len(name)


# The corpus is noisy (园区, 全区, 产业园 and fragments such as 次办 are tagged as places): keep a name only
# when its shape is that of its level.
_ADDRESS_NAME_OK = {
    "prov": lambda n, g: n.endswith(("省", "自治区", "市", "特别行政区")),
    "city": lambda n, g: n.endswith(("市", "州", "盟", "地区")),
    "district": lambda n, g: n.endswith(("区", "县", "市", "旗")) and not n.startswith("全"),
    "devzone": lambda n, g: n.endswith(ZONE_SUFFIXES) and _starts_with_place(n, g),
    "town": lambda n, g: len(n) >= 3 and n.endswith(("镇", "乡", "街道")),
}


def _plausible_place(name: str) -> bool:
    return (isinstance(name, str) and 2 <= len(name) <= 15 and re.fullmatch(f"[{_CJK}]+", name) is not None
            and name not in ZONE_SUFFIXES and name not in FULL_NAME_STOP)
