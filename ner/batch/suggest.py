"""Raw articles -> suggested entities and project records for annotators, in a tool's import format.

This is ``ner preannotate``. The entities come from a saved tagger (``ner.load(model_dir)``: the model
and the rules combined as saved, model spans with their scores) or, without one, from the rules alone
(``ner.rules``, no scores); the records from ``ner.records.build.build_records`` on those entities.
Label Studio gets them as predictions (``model_version``: the model folder as given, or ``rules``) with
the records as relations, doccano as the JSONL of a relation project, standoff JSONL with the records
beside it (``ner.data.formats``); CoNLL and brat take the entities only.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ner.data.formats import write_format, write_labelstudio
from ner.errors import InputError
from ner.types import Article

SUGGESTION_FORMATS = ("labelstudio", "doccano", "jsonl", "brat", "conll")


def suggest(documents: Iterable[tuple[str, str]], model_dir: str | Path | None = None,
            batch_size: int = 8) -> list[Article]:
    """``(id, text)`` pairs -> articles with suggested entities and the records built from them."""
    from ner.records.build import build_records

    if model_dir is None:
        from ner.rules import preannotate

        def tag(texts: list[str]) -> list:
            return [preannotate(t) for t in texts]
    else:
        from ner.pipeline import load

        tag = load(model_dir).tag
    docs = list(documents)
    out = []
    for i in range(0, len(docs), batch_size):
        chunk = docs[i:i + batch_size]
        for (aid, text), spans in zip(chunk, tag([t for _, t in chunk])):
            out.append(Article(aid, text, spans, records=build_records(text, spans)))
    return out


def preannotate_documents(documents: Iterable[tuple[str, str]], output: str | Path, fmt: str = "labelstudio",
                          model_dir: str | Path | None = None) -> int:
    """Suggest entities and records for ``documents`` and write them to ``output`` as ``fmt``; the count."""
    if fmt not in SUGGESTION_FORMATS:
        raise InputError(f"--format {fmt!r}: expected one of {', '.join(SUGGESTION_FORMATS)}")
    articles = suggest(documents, model_dir)
    if fmt == "labelstudio":
        version = Path(model_dir).as_posix() if model_dir is not None else "rules"
        write_labelstudio(articles, output, as_predictions=True, model_version=version)
    else:
        write_format(fmt, articles, output)
    return len(articles)
