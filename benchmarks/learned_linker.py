"""A learned linker beside the record heuristics: does scoring mention pairs beat ``build_records`` on whole articles?

    python benchmarks/learned_linker.py --eval-part fresh3                       # features, gradient boosting
    python benchmarks/learned_linker.py --eval-part fresh3 --kind encoder --model ../shared/models/me5-small-zh

Candidates are the record tuples the scorer (``ner.records.evaluate``) counts: every (company or region, amount
or capacity) pair of surfaces of a document's gold entities. A pair is positive when the document's gold
records assert it. The linker is trained on ``--train-part`` (default: the development parts dev, train,
fresh, fresh2, and the seeds) and scored on ``--eval-part`` side by side with the pairs that ``build_records``
asserts, at probability > 0.5 (fixed beforehand, not tuned).

* ``--kind features`` (needs scikit-learn, BSD-3: ``pip install scikit-learn``): 22 features per pair (the
  nearest mentions' distance, same sentence or paragraph, order, mention counts, headline, how many same-type
  mentions lie between, background and deal words around the figure, the pair kind) and, unless
  ``--no-heuristic``, whether ``build_records`` asserts the pair (stacking); gradient-boosted trees.
* ``--kind encoder``: the encoder reads the headline and the pair's nearest mentions in their sentences with
  marks (【company】, 〖figure〗) and classifies the pair (two epochs, lr 5e-5, batch 16, 128 tokens);
  ``--heuristic`` prefixes whether ``build_records`` asserts it. Slow on CPU (about 40 min on 2 cores).

Gold entities throughout, so this measures linking only. DuEE-fin is non-commercial: a linker trained on
these parts is for research, never the default's. ``build_records`` was developed on every part but test;
to compare on a part it was developed on, run this file against the code of the release before that (``git
archive``), as docs/results.md does.
"""
from __future__ import annotations

import argparse
import math
import random
import re
import time
from collections import defaultdict

from ner.data.corpora import read_referenced
from ner.records.build import build_records
from ner.data.validate import read_gold
from ner.records.evaluate import TUPLE_KINDS, _key, read_records, read_referenced_records, record_tuples
from ner.records.text import split_sentences
from ner.types import Span

GOLD = "data/articles/whole_articles.refs.jsonl"
SEEDS = ("data/annotated/seeds.jsonl", "data/annotated/seeds.records.jsonl")
KINDS = {("COMPANY", "AMOUNT"): 0, ("REGION", "AMOUNT"): 1, ("COMPANY", "CAPACITY"): 2, ("REGION", "CAPACITY"): 3}
_BACKGROUND = re.compile("营收|营业收入|收入|产值|市值|估值|规模|净利|利润|亏损|注册资本|同比|累计|去年|上年")
_DEAL = re.compile("投资|总投资|融资|收购|中标|合同|签约|增资|出资|募集|建设|项目")


def load_docs(parts: list[str], seeds: bool = False) -> list[tuple[str, str, list[Span], list[dict]]]:
    """``[(id, text, gold entities, gold records)]`` of the whole-article parts (and the seeds)."""
    articles = {a.id: a for a in read_referenced(GOLD)}
    docs = [(i, articles[i].text, list(articles[i].entities), recs)
            for part in parts for i, recs in read_referenced_records(GOLD, part).items()]
    if seeds:
        records = read_records(SEEDS[1])
        docs += [(a.id, a.text, list(a.entities), records[a.id]) for a in read_gold(SEEDS[0]) if a.id in records]
    return docs


def candidates(text: str, ents: list[Span]) -> list[dict]:
    """One dict per (entity surface, quantity surface) pair: its tuple key, features and nearest mentions."""
    sentences = split_sentences(text)
    sentence_of = {}
    for s in ents:
        sentence_of[s.start] = next((k for k, (lo, hi) in enumerate(sentences) if lo <= s.start < hi), -1)
    heuristic = record_tuples(build_records(text, ents))
    title_end = text.find("\n") if "\n" in text else len(text)
    by_surface: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for s in ents:
        by_surface[(s.label, _key(s.text))].append(s)
    rank = {}
    for label in ("COMPANY", "REGION"):
        keys = sorted((k for k in by_surface if k[0] == label), key=lambda k: (-len(by_surface[k]), by_surface[k][0].start))
        rank.update({k: r for r, k in enumerate(keys)})
    n_of = defaultdict(int)
    for label, _ in by_surface:
        n_of[label] += 1
    ordered = sorted(ents, key=lambda s: s.start)
    out = []
    for (le, te), ems in by_surface.items():
        for (lq, tq), qms in by_surface.items():
            if (le, lq) not in KINDS:
                continue
            kind = KINDS[(le, lq)]
            _, e, q = min(((abs(e.start - q.start), e, q) for e in ems for q in qms), key=lambda x: x[0])
            lo, hi = min(e.end, q.end), max(e.start, q.start)
            between = [s for s in ordered if lo <= s.start and s.end <= hi]
            before, after = text[max(0, q.start - 8):q.start], text[q.end:q.end + 6]
            key = (TUPLE_KINDS[kind], te, tq)
            features = [
                key in heuristic,
                math.log1p(abs(e.start - q.start)),
                any(sentence_of[a.start] == sentence_of[b.start] for a in ems for b in qms),
                any(text.count("\n", 0, a.start) == text.count("\n", 0, b.start) for a in ems for b in qms),
                e.start < q.start, len(ems), len(qms),
                any(m.start < title_end for m in ems), any(m.start < title_end for m in qms),
                rank[(le, te)], n_of[le], n_of[lq],
                sum(s.label == le for s in between), sum(s.label == lq for s in between),
                bool(_BACKGROUND.search(before)), bool(_DEAL.search(before)), bool(_BACKGROUND.search(after)),
                ems[0].start / max(1, len(text)), len(te), *[kind == k for k in range(4)],
            ]
            out.append({"key": key, "x": [float(v) for v in features], "e": e, "q": q})
    return out


def pairs(docs) -> list[dict]:
    out = []
    for doc, (_, text, ents, gold) in enumerate(docs):
        asserted = record_tuples(gold)
        for c in candidates(text, ents):
            out.append({**c, "doc": doc, "text": text, "y": int(c["key"] in asserted)})
    return out


def report(items: list[dict], chosen, name: str) -> None:
    per = defaultdict(lambda: [0, 0, 0])
    for it, p in zip(items, chosen):
        c = per[it["key"][0]]
        c[0 if p and it["y"] else 1 if p else 2] += bool(p or it["y"])
    tp, fp, fn = (sum(c[i] for c in per.values()) for i in range(3))
    f1 = lambda a, b, c: 2 * a / max(1, 2 * a + b + c)  # noqa: E731
    print(f"{name:30} P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f} F1 {f1(tp, fp, fn):.3f}   "
          + "  ".join(f"{k} {f1(*per[k]):.3f}" for k in TUPLE_KINDS))


def features_linker(train: list[dict], test: list[dict], heuristic: bool) -> list[float]:
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError:
        raise SystemExit("--kind features needs scikit-learn: pip install scikit-learn")
    cols = slice(None) if heuristic else slice(1, None)
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=10,
                                           random_state=0)
    model.fit([it["x"][cols] for it in train], [it["y"] for it in train])
    return list(model.predict_proba([it["x"][cols] for it in test])[:, 1])


def _marked(text: str, spans: list[tuple[int, int, str, str]], lo: int, hi: int) -> str:
    out, last = [], lo
    for a, b, left, right in sorted(spans):
        if lo <= a and b <= hi:
            out += [text[last:a], left, text[a:b], right]
            last = b
    return ("".join(out) + text[last:hi]).replace("\n", " ")


def encoder_input(it: dict, heuristic: bool) -> tuple[str, str]:
    """(headline, the pair's nearest mentions in their sentences, marked)."""
    text, e, q = it["text"], it["e"], it["q"]
    sentences = split_sentences(text)
    where = lambda p: next(((lo, hi) for lo, hi in sentences if lo <= p < hi), (max(0, p - 40), p + 40))  # noqa: E731
    marks = [(e.start, e.end, "【", "】"), (q.start, q.end, "〖", "〗")]
    if where(e.start) == where(q.start):
        lo, hi = where(e.start)
        a, b = min(e.start, q.start), max(e.end, q.end)
        if hi - lo > 120:
            lo, hi = max(lo, (a + b) // 2 - 60), min(hi, max(lo, (a + b) // 2 - 60) + 120)
        body = _marked(text, marks, min(lo, a), max(hi, b))
    else:
        parts = []
        for mark in sorted(marks):
            lo, hi = where(mark[0])
            if hi - lo > 60:
                lo = max(lo, (mark[0] + mark[1]) // 2 - 30)
                hi = min(hi, lo + 60)
            parts.append(_marked(text, [mark], min(lo, mark[0]), max(hi, mark[1])))
        body = " … ".join(parts)
    head = text.split("\n", 1)[0][:40]
    return (("是 " if it["x"][0] else "否 ") + head if heuristic else head), body


def encoder_linker(train: list[dict], test: list[dict], model_path: str, heuristic: bool, epochs: int = 2) -> list[float]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    random.seed(0)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tok = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSequenceClassification.from_pretrained(model_path, num_labels=2).to(device)
    encode = lambda batch: tok([a for a, _ in batch], [b for _, b in batch], truncation="only_second",  # noqa: E731
                               max_length=128, padding=True, return_tensors="pt").to(device)
    x_train = [encoder_input(it, heuristic) for it in train]
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    steps = epochs * math.ceil(len(train) / 16)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps))
    model.train()
    for epoch in range(epochs):
        order = list(range(len(train)))
        random.shuffle(order)
        t0, total = time.perf_counter(), 0.0
        for k in range(0, len(order), 16):
            idx = order[k:k + 16]
            out = model(**encode([x_train[i] for i in idx]), labels=torch.tensor([train[i]["y"] for i in idx], device=device))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += out.loss.item() * len(idx)
        print(f"  epoch {epoch + 1}: loss {total / len(train):.4f}, {time.perf_counter() - t0:.0f} s", flush=True)
    model.eval()
    probs: list[float] = []
    with torch.no_grad():
        x_test = [encoder_input(it, heuristic) for it in test]
        for k in range(0, len(x_test), 64):
            probs += torch.softmax(model(**encode(x_test[k:k + 64])).logits, -1)[:, 1].tolist()
    return probs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train-part", action="append", help="whole-article parts to train on (default: dev, train, fresh, fresh2)")
    ap.add_argument("--no-seeds", action="store_true", help="train without the five seed articles")
    ap.add_argument("--eval-part", action="append", required=True, help="whole-article part(s) to score")
    ap.add_argument("--kind", choices=("features", "encoder"), default="features")
    ap.add_argument("--model", default="../shared/models/me5-small-zh", help="encoder for --kind encoder")
    ap.add_argument("--no-heuristic", action="store_true", help="features: leave out whether build_records asserts the pair")
    ap.add_argument("--heuristic", action="store_true", help="encoder: prefix whether build_records asserts the pair")
    args = ap.parse_args()
    train_parts = args.train_part or ["dev", "train", "fresh", "fresh2"]
    if set(train_parts) & set(args.eval_part):
        raise SystemExit(f"--train-part and --eval-part overlap: {sorted(set(train_parts) & set(args.eval_part))}")
    train = pairs(load_docs(train_parts, seeds=not args.no_seeds))
    test = pairs(load_docs(args.eval_part))
    print(f"train {'+'.join(train_parts)}{'' if args.no_seeds else '+seeds'}: {len(train)} pairs "
          f"({sum(it['y'] for it in train)} positive); eval {'+'.join(args.eval_part)}: {len(test)} pairs "
          f"({sum(it['y'] for it in test)} positive)")
    developed = sorted(set(args.eval_part) - {"test"})
    if developed:
        print(f"note: {', '.join(developed)} may have been read to develop build_records, which flatters it there (see the docstring)")
    report(test, [it["x"][0] for it in test], "build_records (heuristics)")
    if args.kind == "features":
        probs = features_linker(train, test, heuristic=not args.no_heuristic)
        name = "features" + ("" if args.no_heuristic else " + heuristic")
    else:
        probs = encoder_linker(train, test, args.model, heuristic=args.heuristic)
        name = "encoder" + (" + heuristic" if args.heuristic else "")
    report(test, [p > 0.5 for p in probs], f"{name} (p > 0.5)")


if __name__ == "__main__":
    main()
