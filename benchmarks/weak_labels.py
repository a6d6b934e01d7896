"""Weak labels measured on the whole-article gold: each label source and the silver vote, per type.

    python benchmarks/weak_labels.py --model runs/default --fit train --part dev          # LAC: pip install -e .[lac]

The vote (``ner.data.weak.VoteModel``) is fitted on the ``--fit`` part of ``data/articles`` and scored on each
``--part``, with the rules, the model alone and LAC (when installed) as sources. Prints the vote table
(precision of each type and agreement pattern on the fit part) and exact-span P/R/F1 per type of every
source and of the silver labels.
"""
from __future__ import annotations

import argparse

from ner.evaluation.spans import span_scores
from ner.data.weak import fit_vote, gold_part, label_sources, lac_available, silver

GOLD = "data/articles/whole_articles.refs.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="a saved model directory (the model source)")
    ap.add_argument("--data", default=GOLD)
    ap.add_argument("--fit", default="train", help="the part the vote is fitted on (default train)")
    ap.add_argument("--part", action="append", help="parts to score (repeatable; default dev)")
    ap.add_argument("--threshold", type=float, default=0.6)
    args = ap.parse_args()
    names = ["rules"] + (["model"] if args.model else []) + (["lac"] if lac_available() else [])
    if "lac" not in names:
        print("LAC not installed (pip install ner[lac]): voting without it")
    vote = fit_vote(args.data, args.fit, names, args.model, args.threshold)
    print(f"vote fitted on the {args.fit} part, sources {'+'.join(names)}, threshold {args.threshold}")
    print("\n".join(vote.explain()))
    for part in args.part or ["dev"]:
        arts = gold_part(args.data, part)
        texts, gold = [a.text for a in arts], [a.entities for a in arts]
        sources = label_sources(texts, names, args.model)
        systems = {**sources, "silver": silver(texts, sources, vote)}
        print(f"\n== {part}: {len(arts)} articles, {sum(map(len, gold))} gold entities")
        print(f"{'source':8}{'type':10}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}")
        for name, spans in systems.items():
            for t, m in span_scores(gold, spans).items():
                print(f"{name:8}{t:10}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['support']:9d}")


if __name__ == "__main__":
    main()
