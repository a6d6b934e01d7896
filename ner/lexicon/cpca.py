"""The administrative divisions of China, parsed once: the one source of the place data that both the
rules' gazetteer (``ner.lexicon.places.Gazetteer.from_adcodes``) and the normaliser's code table
(``ner.normalize.regions``) are built from.

Data: the package ``cpca`` (MIT): ``resources/adcodes.csv`` (about 3,500 provinces, cities and
counties with 12-digit codes, data vintage about 2016) and ``resources/56_nations.csv`` (the ethnic
groups, which name autonomous units: 广西壮族自治区). The files are read straight from the installed
package, located with ``importlib.util.find_spec`` so that cpca's ``__init__`` is never run: it imports
``pkg_resources`` (gone from setuptools >= 81) and builds a pandas-based matcher we do not need.

Each reader derives its own table from these rows; what they keep differs by purpose (the gazetteer
maps a name to its most important level and drops names that are common words; the normaliser keeps
every code, with ``ner/resources/regions.tsv``'s corrections on top).
"""
from __future__ import annotations

import csv
import functools
import importlib.util
from pathlib import Path

from ner.errors import NerError

__all__ = ["divisions", "level_of", "nations", "read_divisions", "read_nations", "resource"]


def resource(name: str) -> Path:
    """The path of ``cpca/resources/<name>``, without importing cpca."""
    spec = importlib.util.find_spec("cpca")  # locate without importing: cpca's __init__ needs pkg_resources
    if spec is None or not spec.submodule_search_locations:
        raise NerError(f"the place data need cpca's {name} (MIT, division codes); install it with `pip install cpca`")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "resources" / name
        if p.is_file():
            return p
    raise NerError(f"cpca is installed but resources/{name} is missing; reinstall it with `pip install --force-reinstall cpca`")


def read_divisions(path: str | Path) -> tuple[tuple[str, str], ...]:
    """``(adcode, name)`` of every row of an ``adcode,name,...`` CSV, both stripped, in file order."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        return tuple(((row.get("adcode") or "").strip(), (row.get("name") or "").strip()) for row in csv.DictReader(f))


@functools.cache
def divisions() -> tuple[tuple[str, str], ...]:
    """cpca's divisions, ``(12-digit adcode, official name)`` in file order; read once per process."""
    return read_divisions(resource("adcodes.csv"))


def read_nations(path: str | Path) -> tuple[str, ...]:
    """The names of a one-name-a-line file (蒙古族, 维吾尔族...), in file order; ``()`` when it is absent."""
    p = Path(path)
    return tuple(n.strip() for n in p.read_text(encoding="utf-8").splitlines() if n.strip()) if p.exists() else ()


@functools.cache
def nations() -> tuple[str, ...]:
    """cpca's 56 ethnic groups, in file order; read once per process."""
    return read_nations(resource("adcodes.csv").parent / "56_nations.csv")


def level_of(adcode: str) -> str:
    """province (``43`` + zeros), city (``4301`` + zeros) or district, for a code of any length."""
    if adcode[2:] == "0" * (len(adcode) - 2):
        return "province"
    if adcode[4:] == "0" * (len(adcode) - 4):
        return "city"
    return "district"
