"""The span and article types that travel along the whole data path.

A ``Span`` is a half-open character range ``[start, end)`` into the original text of one article,
with a label, the text it covers and an optional score. Token indices never leave featurisation and
decoding: everything public speaks in character offsets.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from ner.errors import AnnotationError
from ner.labels import ENTITY_TYPES


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str
    text: str = ""
    score: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """``{"start", "end", "label", "text"}`` plus ``"score"`` (4 decimals) when scored: plain JSON types
        (numpy numbers become int and float), the one shape every writer and ``Tagger.extract`` use."""
        d = {"start": int(self.start), "end": int(self.end), "label": str(self.label), "text": str(self.text)}
        if self.score is not None:
            d["score"] = round(float(self.score), 4)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Span":
        return cls(int(d["start"]), int(d["end"]), str(d["label"]), str(d.get("text", "")), d.get("score"))

    def with_text(self, text: str) -> "Span":
        return replace(self, text=text[self.start:self.end])


@dataclass
class Article:
    id: str
    text: str
    entities: list[Span] = field(default_factory=list)
    # Types this article is labelled for. ``None``: all types (gold). A public corpus that labels only
    # COMPANY says ("COMPANY",): an untagged 75亿元 in it is not evidence that 75亿元 is O.
    labelled: tuple[str, ...] | None = None
    # Project records (``ner.records.build`` dicts) when the source gives them: the relations of a Label Studio
    # or doccano file, or a ``.records.jsonl`` beside standoff JSONL (``ner.data.formats``). ``None``: not given.
    records: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "entities": [s.to_dict() for s in sorted(self.entities)]}

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "") -> "Article":
        missing = [k for k in ("id", "text") if k not in d]
        if missing:
            raise AnnotationError(f"{where}: missing key(s) {missing}; each line needs 'id', 'text' and 'entities'")
        if not isinstance(d["text"], str):
            raise AnnotationError(f"{where}: 'text' must be a string")
        entities = d.get("entities", [])
        if not isinstance(entities, list):
            raise AnnotationError(f"{where}: article {d['id']!r}: 'entities' must be a list of "
                                  f"{{start, end, label}}, got {json.dumps(entities)[:40]}; write [] for none")
        spans = []
        for k, e in enumerate(entities):
            try:
                spans.append(Span.from_dict(e))
            except (KeyError, TypeError, ValueError) as err:
                raise AnnotationError(
                    f"{where}: article {d['id']!r} entity #{k} is malformed ({err.__class__.__name__}: {err}); "
                    "each entity needs integer 'start', 'end' and a 'label'"
                ) from None
        return cls(str(d["id"]), d["text"], spans)


def check_article(article: Article, labels: tuple[str, ...] = ENTITY_TYPES) -> list[str]:
    """Every problem with an article's spans, one message each (empty list: the article is valid).

    Each message names the article id, the offsets, the text found there and the text expected.
    """
    problems: list[str] = []
    n = len(article.text)
    spans = sorted(article.entities)
    for s in spans:
        where = f"{article.id} [{s.start}, {s.end}) {s.label}"
        if s.label not in labels:
            problems.append(f"{where}: unknown label {s.label!r}; expected one of {', '.join(labels)}")
        if not (0 <= s.start < s.end <= n):
            problems.append(f"{where}: offsets outside the text (length {n}) or empty span")
            continue
        found = article.text[s.start:s.end]
        if s.text and found != s.text:
            problems.append(f"{where}: text found {found!r}, text expected {s.text!r}; fix the offsets or the text")
        if found != found.strip():
            problems.append(f"{where}: span {found!r} starts or ends with whitespace; trim it")
    for a, b in zip(spans, spans[1:]):
        if b.start < a.end:
            problems.append(
                f"{article.id}: [{a.start}, {a.end}) {a.label} {article.text[a.start:a.end]!r} overlaps "
                f"[{b.start}, {b.end}) {b.label} {article.text[b.start:b.end]!r}; spans must be flat"
            )
    return problems
