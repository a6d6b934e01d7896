"""Gold merge pairs (``data/merge/``): pairs of records from different articles that are, or are not,
the same project; read with their records resolved, for ``benchmarks/project_merge.py`` and the tests.

A pair side names its record by source and position: ``seeds`` (``data/annotated/seeds.records.jsonl``,
the gold records), ``whole_articles`` (``data/articles/whole_articles.refs.jsonl``, gold records; no
corpus text is needed) or ``constructed`` (``data/merge/articles.jsonl``: a rewrite of a real record's
article, its records built by ``ner.records.build.build_records`` from its gold entities). Gold records carry
surfaces only; their values, currencies, units and region codes are filled in by the normalisers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ner.data.io import read_jsonl
from ner.errors import AnnotationError

REPO = Path(__file__).resolve().parents[2]
PAIRS = REPO / "data" / "merge" / "pairs.jsonl"


def _sources(repo: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    from ner.records.evaluate import read_referenced_records
    from ner.records.build import build_records
    from ner.types import Span

    seeds = {str(row["id"]): row["records"] for _, row in read_jsonl(repo / "data/annotated/seeds.records.jsonl")}
    constructed = {row["id"]: build_records(row["text"], [Span.from_dict(e) for e in row["entities"]])
                   for _, row in read_jsonl(repo / "data/merge/articles.jsonl")}
    return {"seeds": seeds, "whole_articles": read_referenced_records(repo / "data/articles/whole_articles.refs.jsonl"),
            "constructed": constructed}


def read_pairs(path: str | Path = PAIRS) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """``[(pair, record_a, record_b)]``; AnnotationError naming the line of a side that resolves to nothing."""
    from ner.store.merge import fill_values

    path = Path(path)
    sources = _sources(path.resolve().parents[2])
    out = []
    for line, pair in read_jsonl(path):
        recs = []
        for key in ("a", "b"):
            side = pair[key]
            try:
                recs.append(fill_values(sources[side["source"]][side["doc"]][side["record"]]))
            except (KeyError, IndexError, TypeError):
                raise AnnotationError(f"{path}:{line}: pair {pair.get('id')} side {key} {side} names no record; "
                                      "expected source seeds|whole_articles|constructed, a document id and a "
                                      "record position") from None
        out.append((pair, recs[0], recs[1]))
    return out
