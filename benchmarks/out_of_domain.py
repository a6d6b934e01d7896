"""Model, rules and the saved hybrid on public corpora no rule or model was built from.

    python benchmarks/out_of_domain.py --model runs/default [--limit 500]

Scores, for the types each split labels (CLUENER2020 dev: COMPANY and mapped REGION; FewFC test: money
as AMOUNT), exact character spans P/R/F1 of: the model alone, the rule pre-annotator alone, and the
tagger as saved (the model combined with the rules by its training config's ``tag`` section). This is
the evidence behind the default rule policy; a seeded sample of ``--limit`` sentences per split.
"""
from __future__ import annotations

import argparse

from ner.combine import MODEL_ONLY
from ner.data.corpora import load_corpus
from ner.evaluation.compare import compare_systems
from ner.evaluation.spans import evaluate_predictions
from ner.pipeline import load, saved_policy

SPLITS = (("cluener", "dev"), ("fewfc", "test"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--limit", type=int, default=500)
    args = ap.parse_args()
    model, policy = load(args.model, **MODEL_ONLY), saved_policy(args.model)
    print(f"{'split':14}{'system':8}{'type':10}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}")
    for name, split in SPLITS:
        articles = load_corpus(name, split=split, limit=args.limit, seed=0)
        if not articles:
            print(f"{name}:{split}: absent, skipped")
            continue
        texts = [a.text for a in articles]
        preds = compare_systems(texts, model.tag(texts), policy)
        for system, spans in preds.items():
            scores = evaluate_predictions(articles, spans, model.types)["span"]
            for t, m in scores.items():
                if t != "micro" and m["support"]:
                    print(f"{name + ':' + split:14}{system:8}{t:10}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['support']:9d}")


if __name__ == "__main__":
    main()
