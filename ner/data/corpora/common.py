"""What every corpus reader shares: where the corpora live, resolving a split's files, the notice for an
absent corpus, span clean-up, the per-sentence claim, and the final filter, validation and sampling."""
from __future__ import annotations

import logging
import os
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from ner.data import io
from ner.errors import AnnotationError, InputError
from ner.labels import ENTITY_TYPES
from ner.types import Article, Span, check_article

log = logging.getLogger("ner.data.corpora")


def default_data_dir() -> Path:
    """``$NER_SHARED_DATA`` if set, else ``../shared/data`` beside the repository (``ner/..``)."""
    env = os.environ.get("NER_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[4] / "shared" / "data"


def _missing(name: str, path: Path, url: str) -> list[Article]:
    log.warning("corpus %s not found at %s, skipped (get it from %s)", name, path, url)
    return []


def _corpus_files(name: str, path: str | Path | None, folder: str, files: Mapping[str, Sequence[str]],
                  split: str, mapping: Mapping[str, str], url: str) -> list[Path] | None:
    """The files of ``split`` once ``mapping`` is checked; ``None`` (and the usual notice) for an absent corpus."""
    _check_mapping(mapping, name)
    found = _resolve(path, folder, files, split, name)
    if not all(f.exists() for f in found):
        _missing(name, found[0].parent, url)
        return None
    return found


def _resolve(path: str | Path | None, folder: str, files: Mapping[str, Sequence[str]], split: str,
             name: str) -> list[Path]:
    """The corpus files of ``split``: ``path`` may be the corpus folder or one file (then ``split`` is ignored)."""
    base = Path(path) if path is not None else default_data_dir() / folder
    if base.is_file():
        return [base]
    if split not in files:
        raise InputError(f"corpus {name}: unknown split {split!r}; choose one of {', '.join(files)}")
    return [base / f for f in files[split]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _flat(spans: Iterable[Span]) -> tuple[list[Span], set[str]]:
    """Deduplicated, non-overlapping spans (the longest wins) and the labels of the spans dropped."""
    kept: list[Span] = []
    dropped: set[str] = set()
    taken: set[int] = set()
    for s in sorted(set(spans), key=lambda s: (-(s.end - s.start), s.start, s.label)):
        if any(i in taken for i in range(s.start, s.end)):
            dropped.add(s.label)
            continue
        kept.append(s)
        taken.update(range(s.start, s.end))
    return sorted(kept), dropped


def _finish(articles: Iterable[Article], limit: int | None, seed: int | None, name: str) -> list[Article]:
    """Leave out articles that teach nothing (no claimed type, no span), validate, then apply ``limit``:
    a seeded random sample with ``seed``, else the first ``limit`` (read no further)."""
    out: list[Article] = []
    useless = 0
    for a in articles:
        if not (a.entities or a.labelled is None or a.labelled):
            useless += 1
            continue
        problems = check_article(a)
        if problems:  # a bug in a reader, not in the user's data
            raise AnnotationError(f"corpus {name}: " + "; ".join(problems[:3]))
        out.append(a)
        if limit is not None and seed is None and len(out) >= limit:
            break
    if useless:
        log.info("corpus %s: %d sentences with no claimed type and no span left out", name, useless)
    if limit is not None and limit < len(out):
        out = random.Random(seed).sample(out, limit)
    return out


def _check_mapping(mapping: Mapping[str, str], name: str) -> None:
    bad = {k: v for k, v in mapping.items() if v not in ENTITY_TYPES}
    if bad:
        raise InputError(f"corpus {name}: mapping {bad} targets unknown type(s); ours are {', '.join(ENTITY_TYPES)}")


def _claimed(mapping: Mapping[str, str], claim: Sequence[str] | None) -> tuple[str, ...]:
    mapped = tuple(dict.fromkeys(mapping.values()))
    return mapped if claim is None else tuple(t for t in dict.fromkeys(claim) if t in mapped)


def _unlabelled_name(text: str, covered: Sequence[bool], names: Collection[str], max_len: int) -> str | None:
    """The first name of ``names`` that occurs in ``text`` on characters no mention covers."""
    n = len(text)
    for i in range(n - 1):
        if covered[i]:
            continue
        for j in range(i + 2, min(n, i + max_len) + 1):
            if covered[j - 1]:
                break
            if text[i:j] in names:
                return text[i:j]
    return None


def _add_trimmed(spans: list[Span], text: str, start: int, end: int, label: str) -> None:
    """Append the span ``[start, end)`` of ``label`` less its surrounding white space, unless nothing is left."""
    s, e = _trim(text, start, end)
    if s < e:
        spans.append(Span(s, e, label, text[s:e]))


def _sentence(aid: str, text: str, spans: list[Span], claimed: Sequence[str], unclaim: set[str],
              covered: Sequence[bool], names: Collection[str], max_len: int) -> Article:
    """One sentence of a corpus: flat spans, and the claimed types less those the sentence cannot claim
    (a span dropped by flattening, REGION with a region name that no mention covers)."""
    spans, dropped = _flat(spans)
    if "REGION" in claimed and "REGION" not in unclaim and names:
        if _unlabelled_name(text, covered, names, max_len):
            unclaim.add("REGION")
    return Article(aid, text, spans, tuple(t for t in claimed if t not in unclaim | dropped))


def _token_blocks(path: Path, sep: str) -> Iterable[tuple[int, list[tuple[str, str]]]]:
    """``(first line, [(token, tag), ...])`` per blank-line-separated block of a one-token-per-line file."""
    block: list[tuple[str, str]] = []
    first = 0
    for n, line in enumerate(io.read_text(path).split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            if block:
                yield first, block
            block = []
            continue
        token, s, tag = line.rpartition(sep)
        if not s or not token:
            shown = "<TAB>" if sep == "\t" else "<SPACE>"
            raise AnnotationError(f"{path}:{n}: expected TOKEN{shown}TAG, got {line!r}")
        if not block:
            first = n
        block.append((token, tag.strip()))
    if block:
        yield first, block
