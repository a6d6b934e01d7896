"""The one comparison of the three systems on the same texts: the model alone, the rules alone, and the
hybrid (the model's spans combined with the rules as a ``tag`` policy says, ``ner.combine.finalize``:
what the saved tagger returns). ``ner cv`` and every benchmark that compares them build them here."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ner.combine import finalize
from ner.config import TagConfig, load_config, tag_policy
from ner.types import Span


def rule_spans(texts: Sequence[str]) -> list[list[Span]]:
    """The rule pre-annotator's spans of each text (``ner.rules.preannotate``)."""
    from ner.rules import preannotate

    return [preannotate(t) for t in texts]


def hybrid_spans(texts: Sequence[str], model_spans: Sequence[Sequence[Span]], rules: Sequence[Sequence[Span]],
                 policy: TagConfig | Mapping[str, Any]) -> list[list[Span]]:
    """Each text's model spans combined with its rule spans as ``policy`` (a ``TagConfig`` or its keys as a
    mapping: the ``tag`` section of a config, ``saved_policy(model_dir)``; checked once here) says."""
    checked = tag_policy(policy, "policy")
    return [finalize(t, list(s), rules=r, policy=checked) for t, s, r in zip(texts, model_spans, rules)]


def compare_systems(texts: Sequence[str], model_spans: Sequence[Sequence[Span]], policy: TagConfig | Mapping[str, Any],
                    rules: Sequence[Sequence[Span]] | None = None, hybrid: str = "hybrid") -> dict[str, list]:
    """``{"model": ..., "rules": ..., hybrid: ...}``: the spans of the three systems for each text, in that
    order. ``rules``: the rule spans when the caller already has them (they are computed otherwise)."""
    rules = rule_spans(texts) if rules is None else list(rules)
    return {"model": list(model_spans), "rules": rules, hybrid: hybrid_spans(texts, model_spans, rules, policy)}


def training_overlap(model_dir: str, data: str, sources: set[str]) -> tuple[set[str], set[str]]:
    """What the model's training config shares with ``data``: the parts it names as a ``referenced``
    corpus, and the public corpora among ``sources`` (those ``data`` draws its sentences from) that it
    sampled without naming ``data`` in ``data.holdout`` (so held-out sentences may have been trained on)."""
    cfg = load_config(Path(model_dir) / "training_config.yaml")
    same = Path(data).resolve()
    parts = {c.split for c in cfg.data.corpora if c.name == "referenced" and c.path and Path(c.path).resolve() == same}
    if any(Path(h).resolve() == same for h in cfg.data.holdout):
        return parts, set()
    return parts, {c.name for c in cfg.data.corpora if c.name != "referenced" and c.name in sources}
