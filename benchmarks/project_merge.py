"""Project merge: precision and recall of the merge rule on the gold pairs, and SQLite write throughput.

    python benchmarks/project_merge.py [--docs 300] [--db-url sqlite:///tmp/x.db]

1. The rule (``ner.store.merge.same_project``) on every pair of ``data/merge/pairs.jsonl``: merge
   precision and recall, for all pairs and for the real-vs-real and constructed ones apart; each pair
   it gets wrong is listed with its reasons; the pairs written after the rule was frozen apart too.
2. The same pairs through the database: each pair's two records stored as two documents in a fresh
   in-memory SQLite store (``ner.store.Store``), counted as merged when they land in one project.
3. Write throughput: ``--docs`` documents (the seed articles and the constructed ones, tagged by the
   rules once beforehand, each copy made distinct so that none is skipped as already stored) written one
   transaction each to a new SQLite file; then the same documents again (all skipped: idempotence).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def scores(outcomes: list[tuple[bool, bool]]) -> dict[str, float]:
    """``[(gold_same, predicted_same)]`` -> precision, recall, F1 and counts."""
    tp = sum(g and p for g, p in outcomes)
    fp = sum(p and not g for g, p in outcomes)
    fn = sum(g and not p for g, p in outcomes)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "pairs": len(outcomes), "positive": tp + fn}


def line(name: str, s: dict) -> str:
    if not s["positive"]:  # precision and recall say nothing here: count the false merges
        return f"{name:26} {s['fp']} merged wrongly of {s['pairs']} pairs (all different projects)"
    return (f"{name:26} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
            f"({s['pairs']} pairs, {s['positive']} same; tp {s['tp']} fp {s['fp']} fn {s['fn']})")


def through_store(pairs) -> list[tuple[bool, bool]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ner.store import open_store
    from ner.store.models import Record

    out = []
    for pair, a, b in pairs:
        with open_store("sqlite://") as store:
            for side, rec in (("a", a), ("b", b)):
                store.add_document(f"{pair['id']}{side}", "pairs", f"{pair['id']} {side}", {"records": [rec]}, "gold")
            with Session(store.engine) as s:
                merged = len(set(s.scalars(select(Record.project_id)))) == 1
        out.append((pair["same"], merged))
    return out


def throughput(n_docs: int, url: str | None) -> dict[str, float]:
    from ner.data.io import read_jsonl
    from ner.store import open_store
    from ner.store.ingest import RulesTagger

    repo = Path(__file__).resolve().parents[1]
    texts = [row["text"] for path in ("data/annotated/seeds.jsonl", "data/merge/articles.jsonl")
             for _, row in read_jsonl(repo / path)]
    tagger = RulesTagger()
    tagged = [(t, tagger.extract(t)) for t in texts]
    docs = [(f"doc{k}", f"{tagged[k % len(tagged)][0]}\n（稿件{k}）", tagged[k % len(tagged)][1]) for k in range(n_docs)]
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(url or f"sqlite:///{tmp}/bench.db") as store:
            t0 = time.perf_counter()
            for doc_id, text, extracted in docs:
                store.add_document(doc_id, "bench", text, extracted, "rules")
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            added = sum(store.add_document(doc_id, "bench", text, extracted, "rules")[1] for doc_id, text, extracted in docs)
            again = time.perf_counter() - t0
            counts = store.counts()
    return {"docs": n_docs, "seconds": first, "docs_per_s": n_docs / first, "records": counts["records"],
            "projects": counts["projects"], "again_docs_per_s": n_docs / again, "again_added": added}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=300, help="documents written for the throughput figure")
    ap.add_argument("--db-url", default=None, help="database for the throughput figure (default: a new SQLite file)")
    args = ap.parse_args()

    from ner.store.gold import read_pairs
    from ner.store.merge import same_project

    pairs = read_pairs()
    decided = [(pair, same_project(a, b)) for pair, a, b in pairs]
    for pair, d in decided:
        if d.same != pair["same"]:
            print(f"wrong: {pair['id']} gold {'same' if pair['same'] else 'different'}: {pair['why']} "
                  f"-> {'; '.join(d.reasons)}")
    print(line("rule, all pairs", scores([(p["same"], d.same) for p, d in decided])))
    print(line("rule, real vs real", scores([(p["same"], d.same) for p, d in decided if not p["constructed"]])))
    print(line("rule, with a constructed", scores([(p["same"], d.same) for p, d in decided if p["constructed"]])))
    print(line("rule, after the freeze", scores([(p["same"], d.same) for p, d in decided if p.get("after_freeze")])))
    print(line("database (SQLite)", scores(through_store(pairs))))
    t = throughput(args.docs, args.db_url)
    print(f"SQLite write throughput: {t['docs']} documents ({t['records']} records, {t['projects']} projects) in "
          f"{t['seconds']:.1f} s = {t['docs_per_s']:.1f} documents/s; the same again: {t['again_added']} added, "
          f"{t['again_docs_per_s']:.0f} documents/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
