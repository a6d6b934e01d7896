"""doccano JSONL (sequence labelling and relation projects); UTF-16 offsets by default."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ner.data import io
from ner.data.formats.common import _article_id, _check, _check_units, _from_codepoints, _to_codepoints
from ner.errors import AnnotationError
from ner.labels import ENTITY_TYPES
from ner.records.links import Link, pair_link, record_links, records_from_links
from ner.types import Article, Span


def write_doccano(articles: Iterable[Article], path: str | Path, offsets: str = "utf16") -> None:
    """doccano JSONL for import: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``. When some article
    has records, every line takes the layout of a relation project: ``"entities"`` with ids 1, 2, ... and
    ``"relations"`` ``{"id", "from_id", "to_id", "type"}``, the records' pair links (``ner.records.links``)."""
    _check_units(offsets)
    articles = list(articles)
    with_relations = any(a.records is not None for a in articles)
    rows = []
    for a in articles:
        spans = sorted(a.entities)
        pairs = _from_codepoints(a.text, spans, offsets)
        if not with_relations:
            rows.append({"id": a.id, "text": a.text, "label": [[s, e, sp.label] for (s, e), sp in zip(pairs, spans)]})
            continue
        links = record_links(spans, a.records or [], f"article {a.id}")
        rows.append({"id": a.id, "text": a.text,
                     "entities": [{"id": i, "label": sp.label, "start_offset": s, "end_offset": e}
                                  for i, ((s, e), sp) in enumerate(zip(pairs, spans), 1)],
                     "relations": [{"id": k, "from_id": e + 1, "to_id": q + 1, "type": kind}
                                   for k, (e, q, kind) in enumerate(links, 1)]})
    io.write_jsonl(path, rows)


def _doccano_spans(obj: dict, where: str) -> list[tuple[int, int, str, Any]]:
    """``(start, end, label, entity id or None)`` from any of the doccano layouts."""
    raw = obj.get("label", obj.get("labels"))
    out = []
    if raw is None and isinstance(obj.get("entities"), list):
        for e in obj["entities"]:
            if not isinstance(e, dict):
                raw = obj["entities"]  # early exports: "entities": [[s, e, L], ...]
                out = []
                break
            try:
                out.append((int(e["start_offset"]), int(e["end_offset"]), str(e["label"]), e.get("id")))
            except (KeyError, TypeError, ValueError):
                raise AnnotationError(f"{where}: entity {e!r} needs start_offset, end_offset and label") from None
    if raw is not None:
        if not isinstance(raw, list):
            raise AnnotationError(f"{where}: 'label' must be a list of [start, end, LABEL]")
        for item in raw:
            if not (isinstance(item, (list, tuple)) and len(item) >= 3):
                raise AnnotationError(f"{where}: label {item!r} is not [start, end, LABEL]; text classification "
                                      "labels are not spans")
            try:
                out.append((int(item[0]), int(item[1]), str(item[2]), None))
            except (TypeError, ValueError):
                raise AnnotationError(f"{where}: label {item!r}: start and end must be integers") from None
    return out


def read_doccano(path: str | Path, labels: Sequence[str] = ENTITY_TYPES, offsets: str = "utf16") -> list[Article]:
    """doccano JSONL (import or export layout); offsets in UTF-16 code units unless ``offsets="codepoint"``.
    A line with ``"relations"`` (a relation project) gets its records from them (``ner.records.links``)."""
    _check_units(offsets)
    path = Path(path)
    articles = []
    for n, obj in io.read_jsonl(path):
        where = f"{path}:{n}"
        text = obj.get("text", obj.get("data"))
        if not isinstance(text, str):
            raise AnnotationError(f"{where}: no 'text' string; a doccano line is {{\"text\", \"label\"}}")
        aid = _article_id(obj.get("id"), f"{path.stem}:{n}")
        where = f"{where} (article {aid})"
        spans, ids = [], {}
        for s, e, label, eid in _doccano_spans(obj, where):
            cs, ce = _to_codepoints(text, s, e, offsets, where)
            if eid is not None:
                ids[eid] = len(spans)
            spans.append(Span(cs, ce, label))
        _check([(where, Article(aid, text, spans))], labels)
        spans = [s.with_text(text) for s in spans]
        article = Article(aid, text, spans)
        relations = obj.get("relations")
        if relations is not None:
            article.records = _records_from_relations(text, spans, relations, ids, where, "doccano")
        articles.append(article)
    return articles


def _records_from_relations(text: str, spans: list[Span], relations: Any, ids: dict, where: str,
                            tool: str) -> list[dict[str, Any]]:
    """Records from relations ``{"from_id", "to_id"}`` that name spans by ``ids`` (a tool's span id -> index)."""
    if not isinstance(relations, list):
        raise AnnotationError(f"{where}: 'relations' must be a list of {{\"from_id\", \"to_id\", ...}}")
    links: list[Link] = []
    for r in relations:
        ends = [r.get(k) for k in ("from_id", "to_id")] if isinstance(r, dict) else [None, None]
        missing = [e for e in ends if not isinstance(e, (str, int)) or e not in ids]
        if missing:
            raise AnnotationError(
                f"{where}: relation {r!r} names {'no span' if missing[0] is None else f'span id {missing[0]!r}'}, "
                f"which is not among the {tool} spans of this text; delete the relation or restore the span")
        links.append(pair_link(spans, ids[ends[0]], ids[ends[1]], text, where))
    return records_from_links(text, spans, links)
