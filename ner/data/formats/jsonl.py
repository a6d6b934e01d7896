"""jsonl: our standoff JSONL, with project records in ``STEM.records.jsonl`` beside it."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ner.data import io
from ner.errors import AnnotationError
from ner.labels import ENTITY_TYPES
from ner.records.links import record_links
from ner.types import Article


def records_path(path: str | Path) -> Path:
    """Where the records of standoff JSONL ``x.jsonl`` are: ``x.records.jsonl`` beside it."""
    path = Path(path)
    return path.with_name((path.stem if path.suffix == ".jsonl" else path.name) + ".records.jsonl")


def read_jsonl(path: str | Path, labels: Sequence[str] = ENTITY_TYPES) -> list[Article]:
    """Our standoff JSONL, validated as ``ner validate`` does (``ner.data.validate.read_gold``), with the
    records of ``records_path(path)`` when that file exists (every mention must be one of the article's
    entities)."""
    from ner.data.validate import read_gold

    articles = read_gold(path, tuple(labels))
    side = records_path(path)
    if side.exists():
        by_id = {a.id: a for a in articles}
        for a in articles:
            a.records = []
        for n, obj in io.read_jsonl(side):
            where = f"{side}:{n}"
            aid, records = str(obj.get("id")), obj.get("records")
            if aid not in by_id:
                raise AnnotationError(f"{where}: id {aid!r} is no article of {path}; remove the line or fix the id")
            if not isinstance(records, list):
                raise AnnotationError(f"{where}: 'records' must be a list of records (article {aid})")
            record_links(sorted(by_id[aid].entities), records, f"{where} (article {aid})")
            by_id[aid].records = records
    return articles


def write_jsonl(articles: Iterable[Article], path: str | Path) -> None:
    """Standoff JSONL, and ``records_path(path)`` when some article has records (an existing one is
    left alone otherwise)."""
    articles = list(articles)
    io.write_articles(path, articles)
    if any(a.records is not None for a in articles):
        io.write_jsonl(records_path(path), ({"id": a.id, "records": a.records or []} for a in articles))
