"""CLUENER2020 (``company`` -> COMPANY, ``address`` -> REGION): see ``ner.data.corpora``."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from ner.data import io
from ner.data.corpora.common import _corpus_files, _add_trimmed, _claimed, _finish, _sentence
from ner.data.corpora.regions import _names, is_region_mention
from ner.errors import AnnotationError
from ner.types import Article

CLUENER_URL = "https://github.com/CLUEbenchmark/CLUENER2020"
#: CLUENER2020 label -> our type. government, organization, name, position, game, book, movie, scene: unmapped.
CLUENER_LABELS: dict[str, str] = {"company": "COMPANY", "address": "REGION"}
#: CLUENER types whose mentions may hold a place our guideline tags (重庆市长 -> 重庆; 英国泰特美术馆 -> 英国).
CLUENER_PLACE_HOSTS: tuple[str, ...] = ("position", "scene", "book", "movie")

CLUENER_FILES = {"train": ("train.json",), "dev": ("dev.json",)}


def read_cluener(path: str | Path | None = None, split: str = "train", mapping: Mapping[str, str] = CLUENER_LABELS,
                 limit: int | None = None, seed: int | None = None, claim: Sequence[str] | None = None,
                 place_hosts: Sequence[str] = CLUENER_PLACE_HOSTS,
                 region_names: Collection[str] | None = None) -> list[Article]:
    """CLUENER2020 JSON lines ``{"text", "label": {type: {mention: [[start, end_INCLUSIVE], ...]}}}``.

    ``claim``: the mapped types said to be completely labelled (default: all mapped types), subject to
    the REGION rules in the module docstring. ``region_names``: names whose occurrence outside every
    mention stops the REGION claim (default ``default_region_names()``; ``()`` turns the check off)."""
    files = _corpus_files("cluener", path, "cluener2020", CLUENER_FILES, split, mapping, CLUENER_URL)
    if files is None:
        return []
    claimed = _claimed(mapping, claim)
    names, max_len = _names(region_names) if "REGION" in claimed else ((), 0)
    return _finish(_iter_cluener(files, mapping, claimed, place_hosts, names, max_len), limit, seed, "cluener")


def _iter_cluener(files, mapping, claimed, place_hosts, names, max_len) -> Iterable[Article]:
    for f in files:
        for n, obj in io.read_jsonl(f):
            where = f"{f}:{n}"
            text, labels = obj.get("text"), obj.get("label", {})
            if not isinstance(text, str) or not isinstance(labels, dict):
                raise AnnotationError(f"{where}: expected {{\"text\", \"label\": {{type: {{mention: [[s, e]]}}}}}}")
            spans, unclaim = [], set()
            covered = [False] * len(text)
            for ctype, mentions in labels.items():
                if ctype in place_hosts:
                    unclaim.add("REGION")
                ours = mapping.get(ctype)
                for mention, positions in mentions.items():
                    for pos in positions:
                        s, e = int(pos[0]), int(pos[1]) + 1  # inclusive end -> half-open
                        if text[s:e] != mention:
                            raise AnnotationError(
                                f"{where}: {ctype} [{pos[0]}, {pos[1]}] (inclusive end): text found {text[s:e]!r}, "
                                f"text expected {mention!r}; is this CLUENER2020 with inclusive end offsets?"
                            )
                        covered[s:e] = [True] * (e - s)
                        if ours is None:
                            continue
                        if ours == "REGION" and not is_region_mention(mention):
                            unclaim.add("REGION")
                            continue
                        _add_trimmed(spans, text, s, e, ours)
            yield _sentence(f"cluener/{f.stem}/{n}", text, spans, claimed, unclaim, covered, names, max_len)
