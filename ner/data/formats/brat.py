"""brat: a folder of ``ID.txt`` and ``ID.ann`` (``T1<TAB>LABEL START END<TAB>TEXT``)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ner.data import io
from ner.data.formats.common import _check, _write_exact
from ner.errors import AnnotationError, InputError
from ner.labels import ENTITY_TYPES
from ner.types import Article, Span


_SAFE_ID = re.compile(r"[^\\/:*?\"<>|\x00-\x1f]+")


def write_brat(articles: Iterable[Article], path: str | Path) -> None:
    """A folder with ``ID.txt`` (the exact text, no newline translation) and ``ID.ann`` per article,
    plus ``annotation.conf`` listing the entity types when there is none. Newlines and tabs inside a
    span's text column are written as spaces, as brat does."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    types = set()
    for a in articles:
        if not _SAFE_ID.fullmatch(a.id) or a.id in (".", ".."):
            raise InputError(f"article id {a.id!r} cannot be a file name; rename it before writing brat")
        _write_exact(folder / f"{a.id}.txt", a.text)
        ann = []
        for i, s in enumerate(sorted(a.entities), 1):
            types.add(s.label)
            shown = re.sub(r"[\r\n\t]", " ", a.text[s.start:s.end])
            ann.append(f"T{i}\t{s.label} {s.start} {s.end}\t{shown}\n")
        _write_exact(folder / f"{a.id}.ann", "".join(ann))
    conf = folder / "annotation.conf"
    if not conf.exists():
        _write_exact(conf, "[entities]\n" + "".join(f"{t}\n" for t in sorted(types | set(ENTITY_TYPES)))
                     + "[relations]\n[events]\n[attributes]\n")


def _read_ann(ann: Path, text: str, aid: str) -> list[Span]:
    spans = []
    data = ann.read_bytes()
    content = io.decode_bytes(data, str(ann)) if data.strip() else ""
    for n, line in enumerate(content.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.startswith("T"):
            continue  # relations (R), events (E), attributes (A), notes (#): not entity spans
        where = f"{ann}:{n} (article {aid})"
        parts = line.split("\t")
        if len(parts) < 2:
            raise AnnotationError(f"{where}: expected 'T1<TAB>LABEL START END<TAB>TEXT', got {line!r}")
        m = re.fullmatch(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)", parts[1])
        if not m:
            raise AnnotationError(f"{where}: expected 'LABEL START END', got {parts[1]!r}")
        label, frags = m.group(1), m.group(2).split(";")
        if len(frags) > 1:
            raise AnnotationError(
                f"{where}: {parts[0]} {label} is discontinuous ({m.group(2)}); our spans are contiguous: "
                "split it into separate entities or join the fragments in brat"
            )
        s, e = (int(x) for x in frags[0].split())
        shown = parts[2] if len(parts) > 2 else ""
        found = text[s:e] if 0 <= s < e <= len(text) else None
        if found is not None and shown and re.sub(r"\s", " ", found) != re.sub(r"\s", " ", shown):
            raise AnnotationError(f"{where}: [{s}, {e}) {label}: text found {found!r}, text expected {shown!r}; "
                                  "fix the offsets or the text")
        spans.append(Span(s, e, label, found or ""))
    return spans


def read_brat(path: str | Path, labels: Sequence[str] = ENTITY_TYPES) -> list[Article]:
    """Every ``ID.txt`` in the folder with its ``ID.ann`` (a missing .ann means no entities)."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; brat data is a folder of ID.txt and ID.ann files")
    articles = []
    for txt in sorted(folder.glob("*.txt")):
        text = io.read_text(txt)
        ann = txt.with_suffix(".ann")
        article = Article(txt.stem, text, _read_ann(ann, text, txt.stem) if ann.exists() else [])
        _check([(f"{ann} (article {txt.stem})", article)], labels)
        articles.append(article)
    if not articles:
        raise InputError(f"{folder}: no .txt files; brat data is a folder of ID.txt and ID.ann files")
    return articles
