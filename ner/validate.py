"""``ner validate``: every problem in a standoff JSONL file, one line each (article id, offsets, found vs expected)."""
from __future__ import annotations

from pathlib import Path

from ner.io import read_jsonl
from ner.labels import ENTITY_TYPES
from ner.types import Article, check_article


def validate_file(path: str | Path, labels: tuple[str, ...] = ENTITY_TYPES) -> tuple[list[str], int]:
    """(problems, number of articles). Malformed JSON or a line without id/text raises InputError/AnnotationError."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    n = 0
    for line_no, obj in read_jsonl(path):
        n += 1
        art = Article.from_dict(obj, where=f"{path}:{line_no}")
        if art.id in seen:
            problems.append(f"{path}:{line_no}: duplicate article id {art.id!r} (first on line {seen[art.id]})")
        seen.setdefault(art.id, line_no)
        problems += [f"{path}:{line_no}: {p}" for p in check_article(art, labels)]
    return problems, n
