"""Silver training data by weak supervision (ner.data.weak): label public texts with several sources, vote.

    python scripts/make_silver.py --model runs/default --source fewfc:train:1200 --source cluener:train:600 \\
        --out data/silver/fewfc_cluener.refs.jsonl

Sources: the rules, the model alone (--model) and Baidu LAC (when installed, pip install -e .[lac]). The
vote is fitted on the train part of the whole-article gold (data/articles), never on dev or test. Texts
named by any reference file under data/heldout and data/articles are left out. The output stores
spans by reference (id, sha1 of the text, offsets; no text), read as a training corpus with
``{name: referenced, path: <out>, split: silver}``.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from ner.data.corpora import referenced_ids
from ner.data.io import write_jsonl
from ner.labels import ENTITY_TYPES
from ner.data.weak import SilverSpec, fit_vote, lac_available, silver_rows

REPO = Path(__file__).resolve().parents[1]
GOLD = str(REPO / "data" / "articles" / "whole_articles.refs.jsonl")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", action="append", required=True, help="name[:split][:limit], repeatable")
    ap.add_argument("--model", default=None, help="saved model directory (the model source)")
    ap.add_argument("--no-lac", action="store_true", help="vote without LAC even when it is installed")
    ap.add_argument("--fit", default=GOLD, help="whole-article gold the vote is fitted on (its train part)")
    ap.add_argument("--threshold", type=float, default=0.6)
    ap.add_argument("--claim", default=",".join(ENTITY_TYPES), help="types a text may claim (comma-separated)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    names = ["rules"] + (["model"] if args.model else []) + \
        (["lac"] if not args.no_lac and lac_available() else [])
    claim = [t.strip() for t in args.claim.split(",") if t.strip()]
    unknown = [t for t in claim if t not in ENTITY_TYPES]
    if unknown:
        raise SystemExit(f"--claim: unknown type(s) {unknown}; choose from {', '.join(ENTITY_TYPES)}")
    t0 = time.perf_counter()
    vote = fit_vote(args.fit, "train", names, args.model, args.threshold)
    print(f"vote fitted on {args.fit} (train part), sources {'+'.join(names)}, threshold {args.threshold}")
    print("\n".join(vote.explain()))
    # never label a text that any gold reference names (held-out news, whole articles), wherever this runs from
    exclude = referenced_ids(sorted([*REPO.glob("data/heldout/*.refs.jsonl"), *REPO.glob("data/articles/*.refs.jsonl")]))
    if not exclude:
        raise SystemExit(f"{REPO}/data: no reference files found to exclude; run from a checkout of the project")
    rows, counts = silver_rows([SilverSpec.parse(s) for s in args.source], vote, names, args.model, exclude, claim, args.seed)
    write_jsonl(args.out, rows)
    claims = {t: sum(t in r["labelled"] for r in rows) for t in ENTITY_TYPES}
    print(f"{args.out}: {len(rows)} texts, spans {counts}, texts claiming each type {claims}, "
          f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
