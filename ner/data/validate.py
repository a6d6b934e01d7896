"""Gold checks: ``ner validate`` lists every problem of a standoff JSONL file, one line each (file:line,
article id, offsets, found vs expected); ``read_gold`` reads gold for training, evaluation, cross-validation
and conversion with the same checks, and refuses a file with any problem."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ner.data.io import read_jsonl
from ner.errors import AnnotationError
from ner.labels import ENTITY_TYPES
from ner.types import Article, check_article


def _checked(path: str | Path, labels: tuple[str, ...]) -> Iterator[tuple[Article, list[str]]]:
    """Each article of ``path`` with its problems, each ``file:line: problem``."""
    seen: dict[str, int] = {}
    for line_no, obj in read_jsonl(path):
        where = f"{path}:{line_no}"
        art = Article.from_dict(obj, where=where)
        problems = []
        if art.id in seen:
            problems.append(f"{where}: duplicate article id {art.id!r} (first on line {seen[art.id]})")
        seen.setdefault(art.id, line_no)
        yield art, problems + [f"{where}: {p}" for p in check_article(art, labels)]


def validate_file(path: str | Path, labels: tuple[str, ...] = ENTITY_TYPES) -> tuple[list[str], int]:
    """(problems, number of articles). Malformed JSON or a line without id/text raises InputError/AnnotationError."""
    problems: list[str] = []
    n = 0
    for _, found in _checked(path, labels):
        n += 1
        problems += found
    return problems, n


def read_gold(path: str | Path, labels: tuple[str, ...] = ENTITY_TYPES) -> list[Article]:
    """Gold articles of a standoff JSONL file; AnnotationError with the first problem ``ner validate``
    would report (negative, reversed, out-of-range or overlapping spans, wrong text, unknown labels)."""
    articles, problems = [], []
    for art, found in _checked(path, labels):
        articles.append(art)
        problems += found
    if problems:
        more = f"and {len(problems) - 1} more problem(s); " if len(problems) > 1 else ""
        raise AnnotationError(f"{problems[0]} ({more}`ner validate {path}` lists them)")
    return articles
