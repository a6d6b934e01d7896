"""Converters between our standoff articles and the formats of annotation tools.

Every format comes as a pair ``read_X(path) -> list[Article]`` / ``write_X(articles, path)``; the pairs are
round-trip tested (same text, same spans) on text with spaces, U+3000, newlines, tabs and emoji.

========== ====================================================================================
jsonl      our standoff JSONL, one ``{"id", "text", "entities": [{start, end, label, text}]}`` per line;
           project records, when the articles have them, in ``STEM.records.jsonl`` beside it
           (``{"id", "records"}`` per line, as ``data/annotated/seeds.records.jsonl``)
conll      character-level IOB2, one character per line: ``CHAR<TAB>TAG``; a document starts with
           ``-DOCSTART- ID`` and ends with a blank line. Whitespace, control characters and the
           backslash are escaped in the CHAR column: ``\\s`` space, ``\\t`` tab, ``\\n`` newline,
           ``\\r`` carriage return, ``\\\\`` backslash, ``\\uXXXX`` / ``\\UXXXXXXXX`` any other
           whitespace or unprintable character (U+3000 is ``\\u3000``). So every line holds exactly
           one tab and every character survives tools that strip or split lines.
doccano    doccano JSONL ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``; the reader also takes
           ``"labels"`` and the newer ``"entities": [{"start_offset", "end_offset", "label"}]``. Articles
           with records are written in the layout of doccano's relation projects, ``{"id", "text",
           "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id", "from_id",
           "to_id", "type"}]}``, and relations are read back as records.
labelstudio Label Studio JSON export: a list of tasks ``{"data": {"text"}, "annotations": [{"result":
           [{"value": {"start", "end", "text", "labels": [L]}, "from_name": "label", "to_name":
           "text", "type": "labels"}]}]}``; spans from rules can be written as ``"predictions"``.
           Records are ``"relation"`` results ``{"from_id", "to_id", "labels": [KIND]}``, both ways.
           ``docs/labelstudio_config.xml`` is the labelling config that matches.
labelstudio-min  Label Studio JSON-MIN export: a list of ``{"id", "text", "article_id", "label":
           [{"start", "end", "text", "labels": [L]}]}``. Label Studio leaves relations out of it.
brat       a folder of ``ID.txt`` + ``ID.ann`` with lines ``T1<TAB>LABEL START END<TAB>TEXT``.
========== ====================================================================================

Offsets. We count Unicode code points (Python ``str`` indices). doccano's browser front end counts
UTF-16 code units, so an emoji or another astral character before a span shifts it by one per
character (doccano issue #2484). ``read_doccano``/``write_doccano`` therefore take
``offsets="utf16"`` by default (identical to code points for text without astral characters), and
Label Studio (which stores code points since its frontend fix of 2021) takes ``offsets="codepoint"``.
When offsets do not fit, the error says whether the other convention would fit.

Records travel as relations between their mentions (``ner.records.links``: each company or region of a
record linked to each of its amounts and capacities, labelled with the pair's kind) and come back as
``Article.records``: the pairs exactly, the record fields other than mentions not at all.

Every reader validates each article with ``ner.types.check_article`` and raises ``AnnotationError``
naming the file, the line or article id, the offsets, the text found and the text expected. Readers of
annotation tools return gold articles (``labelled=None``); ``labelled`` and span scores are not
carried by the tool formats (Label Studio keeps scores).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ner.data.formats.brat import read_brat, write_brat
from ner.data.formats.common import OFFSET_UNITS
from ner.data.formats.conll import DOCSTART, escape_char, read_conll, unescape_char, write_conll
from ner.data.formats.doccano import read_doccano, write_doccano
from ner.data.formats.jsonl import read_jsonl, records_path, write_jsonl
from ner.data.formats.labelstudio import read_labelstudio, read_labelstudio_min, write_labelstudio, write_labelstudio_min
from ner.errors import InputError
from ner.labels import ENTITY_TYPES
from ner.types import Article

__all__ = [
    "DOCSTART", "FORMATS", "OFFSET_UNITS", "convert", "escape_char", "read_brat", "read_conll", "read_doccano",
    "read_format", "read_jsonl", "read_labelstudio", "read_labelstudio_min", "records_path", "to_hf_dataset",
    "unescape_char", "write_brat", "write_conll", "write_doccano", "write_format", "write_jsonl",
    "write_labelstudio", "write_labelstudio_min",
]


FORMATS: dict[str, tuple[Callable[..., list[Article]], Callable[..., None]]] = {
    "jsonl": (read_jsonl, write_jsonl),
    "conll": (read_conll, write_conll),
    "doccano": (read_doccano, write_doccano),
    "labelstudio": (read_labelstudio, write_labelstudio),
    "labelstudio-min": (read_labelstudio_min, write_labelstudio_min),
    "brat": (read_brat, write_brat),
}


def _format(name: str) -> tuple[Callable[..., list[Article]], Callable[..., None]]:
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[name]


def read_format(fmt: str, path: str | Path, **kwargs: Any) -> list[Article]:
    return _format(fmt)[0](path, **kwargs)


def write_format(fmt: str, articles: Iterable[Article], path: str | Path, **kwargs: Any) -> None:
    _format(fmt)[1](articles, path, **kwargs)


def convert(
    src_format: str,
    dst_format: str,
    in_path: str | Path,
    out_path: str | Path,
    read_options: dict[str, Any] | None = None,
    write_options: dict[str, Any] | None = None,
) -> int:
    """Read ``in_path`` as ``src_format``, write ``out_path`` as ``dst_format``; the number of articles.
    ``read_options``/``write_options`` go to the reader/writer (``{"as_predictions": True}``,
    ``{"offsets": "codepoint"}``, ``{"source": "predictions"}``)."""
    reader, _ = _format(src_format)
    _, writer = _format(dst_format)
    articles = reader(in_path, **(read_options or {}))
    writer(articles, out_path, **(write_options or {}))
    return len(articles)


def to_hf_dataset(articles: Iterable[Article], types: Sequence[str] = ENTITY_TYPES):
    """A ``datasets.Dataset`` with columns ``id``, ``text``, ``entities`` (list of {start, end, label,
    text}) and ``labelled`` (the types the article is labelled for; all ``types`` when ``None``)."""
    from datasets import Dataset, Features, Sequence as HFSequence, Value

    features = Features({
        "id": Value("string"),
        "text": Value("string"),
        "entities": [{"start": Value("int32"), "end": Value("int32"), "label": Value("string"),
                      "text": Value("string")}],
        "labelled": HFSequence(Value("string")),
    })
    rows: dict[str, list] = {"id": [], "text": [], "entities": [], "labelled": []}
    for a in articles:
        rows["id"].append(a.id)
        rows["text"].append(a.text)
        rows["entities"].append([{"start": s.start, "end": s.end, "label": s.label, "text": a.text[s.start:s.end]}
                                 for s in sorted(a.entities)])
        rows["labelled"].append(list(types if a.labelled is None else a.labelled))
    return Dataset.from_dict(rows, features=features)
