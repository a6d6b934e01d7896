"""Standoff spans <-> character-level IOB2 tags, in pairs, round-trip tested."""
from __future__ import annotations

from collections.abc import Sequence

from ner.labels import OUTSIDE
from ner.types import Span


def spans_to_char_tags(text: str, spans: Sequence[Span]) -> list[str]:
    """One IOB2 tag per character. Overlapping spans are an error (validate first)."""
    tags = [OUTSIDE] * len(text)
    for s in sorted(spans):
        if any(t != OUTSIDE for t in tags[s.start:s.end]):
            raise ValueError(f"span [{s.start}, {s.end}) {s.label} overlaps another span; spans must be flat")
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


def char_tags_to_spans(text: str, tags: Sequence[str]) -> list[Span]:
    """Spans from IOB2 character tags. A stray ``I-X`` (after ``O`` or another type) starts a new span:
    that is the explicit repair rule, the same one the decoder uses."""
    if len(tags) != len(text):
        raise ValueError(f"{len(tags)} tags for {len(text)} characters")
    spans: list[Span] = []
    start, label = None, None
    for i, tag in enumerate(list(tags) + [OUTSIDE]):
        prefix, _, typ = tag.partition("-")
        continues = prefix == "I" and typ == label
        if start is not None and not continues:
            spans.append(Span(start, i, label, text[start:i]))
            start, label = None, None
        if prefix in ("B", "I") and not continues:
            start, label = i, typ
    return spans
