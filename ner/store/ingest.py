"""Taggers -> the project database: the ``ner tag --db`` sink, the rules-only tagger, model versions."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

RULES_VERSION = "rules"


class RulesTagger:
    """The rule layer alone (``ner.rules``) behind the ``Tagger.extract`` interface: what ``ner
    serve`` tags with when it is given no ``--model``."""

    def extract(self, text: str | Sequence[str]) -> Any:
        from ner.rules import preannotate
        from ner.records.build import build_records

        texts = [text] if isinstance(text, str) else list(text)
        out = []
        for t in texts:
            spans = preannotate(t)
            out.append({"entities": [s.to_dict() for s in spans], "records": build_records(t, spans)})
        return out[0] if isinstance(text, str) else out


def model_version(model_dir: str | Path | None, policy: Mapping[str, Any] | None = None) -> str:
    """``NAME@HASH`` of a saved tagger: its folder name and a hash of its config, training config and
    metrics (retraining changes it), plus any rule policy given on the command line; ``rules`` without one."""
    if model_dir is None:
        return RULES_VERSION
    folder = Path(model_dir)
    h = hashlib.sha1()
    for name in ("config.json", "training_config.yaml", "metrics.json"):
        p = folder / name
        if p.exists():
            h.update(p.read_bytes())
    extra = ";".join(f"{k}={v}" for k, v in sorted((policy or {}).items()))
    return f"{folder.resolve().name}@{h.hexdigest()[:10]}" + (f"+{extra}" if extra else "")


class DatabaseSink:
    """``sink(row, text)`` for ``ner.batch.run.tag_documents``: each tagged document into ``store``, counted."""

    def __init__(self, store, version: str):
        self.store, self.version = store, version
        self.added = self.unchanged = 0

    def __call__(self, row: Mapping[str, Any], text: str) -> None:
        _, added = self.store.add_document(row["id"], row.get("source", ""), text, row, self.version)
        if added:
            self.added += 1
        else:
            self.unchanged += 1
