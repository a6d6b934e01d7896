"""How the whole-article steps (``ner.records.article``) change a record, each change said in the
record's ``links``: mentions added (``_joined``), mentions left out (``_left_out``), two records made one
(``_union``)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ner.types import Span


def _mention(s: Span) -> dict[str, Any]:
    return {"text": s.text, "start": s.start, "end": s.end}


def _joined(r: dict[str, Any], key: str, extra: Sequence[Span], why: str) -> dict[str, Any]:
    """``r`` with the mentions ``extra`` added to its ``key`` list (in text order) and ``why: names``
    added to its ``links``."""
    return {**r, key: sorted([*r[key], *map(_mention, extra)], key=lambda m: m["start"]),
            "links": [*r.get("links", []), f"{why}: " + ", ".join(sorted({s.text for s in extra}))]}


def _left_out(r: dict[str, Any], gone: list[dict[str, Any]], why: str) -> dict[str, Any]:
    """``r`` without the company mentions ``gone``, its links saying ``why``."""
    if not gone:
        return r
    return {**r, "companies": [m for m in r["companies"] if m not in gone],
            "links": [*r.get("links", []), f"{why}: " + ", ".join(dict.fromkeys(m["text"] for m in gone))]}


def _union(a: dict[str, Any], b: dict[str, Any], why: str = "merged") -> dict[str, Any]:
    out = dict(a)
    for key in ("companies", "regions", "amounts", "capacities"):
        seen = {(m["start"], m["end"]) for m in a[key]}
        out[key] = sorted([*a[key], *(m for m in b[key] if (m["start"], m["end"]) not in seen)],
                          key=lambda m: m["start"])
    for key in ("project", "project_span", "stage", "date"):
        out[key] = a[key] if a[key] is not None else b[key]
    figures = [m["text"] for m in (*b["amounts"], *b["capacities"])]
    out["links"] = [*a.get("links", []), f"{why}: " + (b["project"] or ", ".join(figures) or "record")]
    return out
