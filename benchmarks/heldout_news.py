"""Model, rules and the saved tagger on held-out investment news nobody tuned anything on.

    python benchmarks/heldout_news.py --model runs/default [--model runs/other ...] [--boot 1000]

The set (``data/heldout/investment_news.refs.jsonl``, see ``data/heldout/README.md``) is 290 sentences
of 1998 People's Daily (MSRA) and 2019-2020 financial news (FewFC test) about investments, annotated in
our four types after ANNOTATION.md; the texts are read from ``../shared/data``. Scored per part: ``dev``
(160 sentences whose rule errors were read to improve the place rules) and ``test`` (130 sentences
annotated afterwards and read by nobody before they were scored). Prints exact-span
P/R/F1 per type of the model alone, the rule pre-annotator alone, and the tagger as saved (model and
rules combined by its training config's ``tag`` section), then the saved tagger's F1 minus the rules'
with a 95% sentence-bootstrap interval.
"""
from __future__ import annotations

import argparse
import random

from ner.combine import MODEL_ONLY
from ner.data.corpora import read_referenced
from ner.data.io import read_jsonl
from ner.evaluation.compare import compare_systems, rule_spans, training_overlap
from ner.evaluation.spans import span_scores
from ner.labels import ENTITY_TYPES
from ner.pipeline import load, saved_policy

HELDOUT = "data/heldout/investment_news.refs.jsonl"


def bootstrap_gain(gold, better, worse, boot: int, seed: int = 0) -> dict[str, tuple[float, float, float]]:
    """F1(better) - F1(worse) per type and micro, with the 2.5th and 97.5th percentiles over ``boot``
    resamples of the sentences (paired: both systems are scored on the same resample)."""
    keys = [*ENTITY_TYPES, "micro"]

    def gain(idx):
        g = [gold[i] for i in idx]
        a, b = span_scores(g, [better[i] for i in idx]), span_scores(g, [worse[i] for i in idx])
        return {k: a[k]["f1"] - b[k]["f1"] for k in keys}

    rng = random.Random(seed)
    n = len(gold)
    draws = [gain([rng.randrange(n) for _ in range(n)]) for _ in range(boot)]
    point = gain(range(n))
    out = {}
    for k in keys:
        vals = sorted(d[k] for d in draws)
        out[k] = (point[k], vals[int(0.025 * boot)], vals[int(0.975 * boot) - 1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", action="append", required=True, help="a saved model directory (repeatable)")
    ap.add_argument("--data", default=HELDOUT)
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples (0: none)")
    ap.add_argument("--part", action="append",
                    help="dev: the half whose errors were read to improve the rules (and that the default model "
                         "trains on); test: the half nobody read (default: both)")
    args = ap.parse_args()
    models = {d: (load(d, **MODEL_ONLY), saved_policy(d)) for d in args.model}
    rows = [row for _, row in read_jsonl(args.data)]
    overlap = {d: training_overlap(d, args.data, {row.get("corpus") for row in rows}) for d in args.model}
    everything = read_referenced(args.data)  # read once: resolving the texts reads whole corpora
    if not everything:
        print(f"{args.data}: its corpora are absent from ../shared/data; nothing to score")
        return
    part_of = {row["id"]: row.get("part") for row in rows}
    for part in args.part or ("dev", "test"):
        articles = [a for a in everything if part_of[a.id] == part]
        if not articles:
            raise SystemExit(f"{args.data}: no sentence has part {part!r}")
        texts, gold = [a.text for a in articles], [a.entities for a in articles]
        rules = rule_spans(texts)
        print(f"\n{part}: {len(articles)} sentences, {sum(map(len, gold))} gold entities")
        print(f"{'model':22}{'system':8}{'type':10}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}")
        for model_dir, (model, policy) in models.items():
            trained_parts, unguarded = overlap[model_dir]
            if part in trained_parts or "all" in trained_parts:
                print(f"{model_dir}: TRAINED ON {args.data} part {part}: its model and saved figures here are training-set figures")
            if unguarded:
                print(f"{model_dir}: MAY HAVE TRAINED ON {args.data}: it sampled {', '.join(sorted(unguarded))} "
                      f"without data.holdout naming {args.data}")
            preds = compare_systems(texts, model.tag(texts), policy, rules=rules, hybrid="saved")
            for system, spans in preds.items():
                for t, m in span_scores(gold, spans).items():
                    print(f"{model_dir:22}{system:8}{t:10}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['support']:9d}")
            if args.boot:
                for t, (g, lo, hi) in bootstrap_gain(gold, preds["saved"], rules, args.boot).items():
                    print(f"{model_dir:22}saved-rules {t:10} F1 {g:+.3f}  95% CI [{lo:+.3f}, {hi:+.3f}]")


if __name__ == "__main__":
    main()
