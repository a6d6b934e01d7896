"""The address parsing corpus (BMES parts; prov, city, district, devzone, town -> one REGION chain), and
the gazetteer of its names: see ``ner.data.corpora``."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ner.data.corpora.common import (
    _corpus_files,
    _claimed,
    _finish,
    _missing,
    _resolve,
    _token_blocks,
    _unlabelled_name,
    default_data_dir,
    log,
)
from ner.errors import AnnotationError
from ner.types import Article, Span

ADDRESS_URL = "https://github.com/SuperMap/address-matching"
#: Address-corpus part -> our type; adjacent parts mapped to the same type merge into one span.
ADDRESS_LABELS: dict[str, str] = {
    "prov": "REGION", "city": "REGION", "district": "REGION", "devzone": "REGION", "town": "REGION",
}
GAZETTEER_LEVELS: tuple[str, ...] = ("prov", "city", "district", "devzone", "town")

ADDRESS_FILES = {"train": ("train.txt",), "dev": ("dev.txt",), "test": ("test.txt",)}
UNKNOWN_TOKEN = "[UNK]"


def _address_parts(block: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    """``[(part text, part label), ...]`` from BMES-tagged WordPiece tokens (``##`` continuations joined).
    A tag that does not continue the open part (M- after E-, a new label) starts a new part."""
    parts: list[list] = []  # [text, label, closed]
    for token, tag in block:
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "M", "E", "S") or not label:
            raise AnnotationError(f"{where}: tag {tag!r} is not BMES (B-x, M-x, E-x, S-x)")
        token = token[2:] if token.startswith("##") and len(token) > 2 else token
        if prefix in ("M", "E") and parts and parts[-1][1] == label and not parts[-1][2]:
            parts[-1][0] += token
        else:
            parts.append([token, label, False])
        parts[-1][2] = prefix in ("E", "S")
    return [(p[0], p[1]) for p in parts]


def _address_blocks(files: Sequence[Path]) -> Iterable[tuple[Path, int, list[tuple[str, str]]]]:
    for f in files:
        for k, (first, block) in enumerate(_token_blocks(f, " "), 1):
            yield f, k, _address_parts(block, f"{f}:{first}")


def _gazetteer(parts_iter: Iterable[list[tuple[str, str]]], levels: Sequence[str]) -> dict[str, set[str]]:
    gaz: dict[str, set[str]] = {lvl: set() for lvl in levels}
    for parts in parts_iter:
        for text, label in parts:
            if label in gaz and len(text) >= 2 and UNKNOWN_TOKEN not in text and "#" not in text:
                gaz[label].add(text)
    return gaz


_ADMIN_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "盟", "省", "市")


def _short_forms(names: Iterable[str]) -> set[str]:
    """Each name and its form without the administrative suffix (山东省 -> 山东, 青岛市 -> 青岛)."""
    out = set()
    for name in names:
        out.add(name)
        for suf in _ADMIN_SUFFIXES:
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.add(name[: -len(suf)])
                break
    return out


def gazetteer_from_address_corpus(
    path: str | Path | None = None, splits: Sequence[str] = ("train", "dev", "test"),
) -> dict[str, set[str]]:
    """Names by level (``prov``, ``city``, ``district``, ``devzone``, ``town``) from the address corpus,
    as written there (山东省, 青岛市, 崂山区, 郑州高新技术产业开发区, 北宅街道; a few are noisy). Names of one
    character or holding ``[UNK]`` are left out. Empty sets (and one log line) when the corpus is absent."""
    base = Path(path) if path is not None else default_data_dir() / "address_parsing"
    files = list(dict.fromkeys(
        f for s in splits for f in _resolve(base, "address_parsing", ADDRESS_FILES, s, "address")))
    if not all(f.exists() for f in files):
        _missing("address", base, ADDRESS_URL)
        return {lvl: set() for lvl in GAZETTEER_LEVELS}
    return _gazetteer((parts for *_, parts in _address_blocks(files)), GAZETTEER_LEVELS)


def read_address(path: str | Path | None = None, split: str = "train", mapping: Mapping[str, str] = ADDRESS_LABELS,
                 limit: int | None = None, seed: int | None = None, claim: Sequence[str] | None = None) -> list[Article]:
    """Address parsing corpus: one token, a space and a BMES tag per line, blank line between addresses.
    Adjacent parts mapped to the same type merge into one span (a chain of administrative names)."""
    files = _corpus_files("address", path, "address_parsing", ADDRESS_FILES, split, mapping, ADDRESS_URL)
    if files is None:
        return []
    blocks = list(_address_blocks(files))
    gaz = _gazetteer((parts for *_, parts in blocks), ("prov", "city"))
    places = frozenset(_short_forms(gaz["prov"] | gaz["city"]))
    return _finish(_iter_address(blocks, mapping, _claimed(mapping, claim), places), limit, seed, "address")


def _iter_address(blocks, mapping, claimed, places) -> Iterable[Article]:
    max_len = max((len(p) for p in places), default=0)
    skipped = 0
    for f, k, parts in blocks:
        if any(UNKNOWN_TOKEN in t for t, label in parts if label in mapping):
            skipped += 1
            continue
        text = "".join(t for t, _ in parts)
        spans: list[Span] = []
        unclaim: set[str] = set()
        pos, prev = 0, None
        for t, label in parts:
            ours = mapping.get(label)
            if ours is not None and ours == prev and spans and spans[-1].end == pos:
                start = spans.pop().start
                spans.append(Span(start, pos + len(t), ours, text[start:pos + len(t)]))
            elif ours is not None:
                spans.append(Span(pos, pos + len(t), ours, t))
            elif label == "redundant" or _unlabelled_name(t, [False] * len(t), places, max_len):
                unclaim.add("REGION")
            prev = ours
            pos += len(t)
        yield Article(f"address/{f.stem}/{k}", text, spans, tuple(t for t in claimed if t not in unclaim))
    if skipped:
        log.info("corpus address: %d addresses with [UNK] inside a region part left out", skipped)
