"""Tag policies side by side: which types the rules decide, scored on whole articles and held-out news.

    python benchmarks/tag_policy.py --model runs/default --set articles:dev --set articles:train
    python benchmarks/tag_policy.py --model runs/a --model runs/b --set news:test --set articles:test

One model pass per model and set (the model alone, ``ner.combine.MODEL_ONLY``) and one rule pass per set;
each policy below then combines them with ``ner.combine.finalize``, as a saved tagger with that ``tag``
section would. Prints exact-span F1 per type and micro, and for whole articles the record-tuple F1 of
records built from those entities. ``articles:PART`` is a part of ``data/articles/whole_articles.refs.jsonl``
(train, dev, test, fresh, fresh2), ``pages:PART`` of ``data/pages/rss_pages.refs.jsonl``, ``news:PART`` of ``data/heldout/investment_news.refs.jsonl`` (dev, test).
Score test parts rarely and say so (docs/results.md).
"""
from __future__ import annotations

import argparse

from ner.combine import MODEL_ONLY, finalize
from ner.data.corpora import read_referenced
from ner.evaluation.spans import span_scores
from ner.labels import ENTITY_TYPES
from ner.pipeline import load
from ner.records.build import build_records
from ner.records.evaluate import evaluate_records, read_referenced_records
from ner.rules import preannotate

FILES = {"articles": "data/articles/whole_articles.refs.jsonl", "news": "data/heldout/investment_news.refs.jsonl",
         "pages": "data/pages/rss_pages.refs.jsonl"}  # pages: scripts/rss_pages.py fetch first
FLOOR = {"COMPANY": 0.9}
POLICIES = {  # each with the default's company floor and model shapes (ner.model_spans.model_shapes)
    "rules REGION+CAPACITY": dict(rules_only=["REGION", "CAPACITY"]),
    "rules CAPACITY, model REGION": dict(rules_only=["CAPACITY"]),
    "rules CAPACITY, rules_first REGION": dict(rules_only=["CAPACITY"], rules_first=["REGION"]),
    "rules CAPACITY, rules_fill REGION": dict(rules_only=["CAPACITY"], rules_fill=["REGION"]),
    "model all": dict(),
    "model all, no shapes": dict(shapes=False),
}


def read_set(name: str):
    """(articles, gold records or None) of ``kind:part``."""
    kind, _, part = name.partition(":")
    if kind not in FILES or not part:
        raise SystemExit(f"--set {name!r}: expected articles:PART, pages:PART or news:PART")
    arts = read_referenced(FILES[kind], part)
    if not arts:
        raise SystemExit(f"--set {name}: no documents (unknown part, or its corpora are absent from ../shared/data)")
    return arts, read_referenced_records(FILES[kind], part) if kind in ("articles", "pages") else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", action="append", required=True, help="a saved model directory (repeatable)")
    ap.add_argument("--set", action="append", required=True, help="articles:PART or news:PART (repeatable)")
    args = ap.parse_args()
    sets = {name: read_set(name) for name in args.set}
    rules = {name: [preannotate(a.text) for a in arts] for name, (arts, _) in sets.items()}
    keys = [*ENTITY_TYPES, "micro"]
    print(f"{'model':16}{'set':16}{'policy':36}" + "".join(f"{k[:8]:>9}" for k in keys) + f"{'records':>9}")
    for model_dir in args.model:
        tagger = load(model_dir, **MODEL_ONLY)
        for name, (arts, gold_records) in sets.items():
            texts, gold = [a.text for a in arts], [a.entities for a in arts]
            alone = tagger.tag(texts)
            for policy, kw in {"model alone": None, **POLICIES}.items():
                kw = None if kw is None else {"min_score": FLOOR, "shapes": True, **kw}
                spans = alone if kw is None else [finalize(t, m, rules=r, **kw) for t, m, r in zip(texts, alone, rules[name])]
                scores = span_scores(gold, spans)
                rec = ""
                if gold_records is not None:
                    built = {a.id: build_records(a.text, s) for a, s in zip(arts, spans)}
                    rec = f"{evaluate_records(gold_records, built)['micro']['f1']:9.3f}"
                print(f"{model_dir:16}{name:16}{policy:36}" + "".join(f"{scores[k]['f1']:9.3f}" for k in keys) + rec,
                      flush=True)


if __name__ == "__main__":
    main()
