"""Silver whole documents labelled by the saved tagger (the teacher: model, rules and combination steps), for
training a model that carries what the rules know (places, capacities) by itself.

    python scripts/make_teacher_silver.py --model runs/default --limit 300 --out data/silver/duee_teacher.refs.jsonl
    python scripts/make_teacher_silver.py --model runs/default --source fewfc:train --source cluener:train \
        --limit 2000 --out data/silver/open_teacher.refs.jsonl

Documents: DuEE-fin's dev documents by default (``../shared/data/duee_fin``; non-commercial research only, so what
is trained on them is a research recipe, never the default: ``configs/teacher.yaml``), or the sentences of the
corpora named by ``--source`` (FewFC, CLUENER2020: the default's first stage reads them too). Left out: every text that a
reference file under data/articles, data/heldout or data/pages names, and every document that shares a long run
of text with one of them (the same news re-posted: one in five of its 8-character shingles or more), so that no
annotated text, test parts included, is learnt. Among the rest, those with an investment word in them are drawn
at random (``--seed``). Stored by reference (id, sha1 of the text, offsets, no text), as ``data/silver``'s other
file, with ``labelled`` naming all four types.
"""
from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from ner.data.corpora.referenced import duee_fin_texts, read_referenced, text_digest
from ner.data.io import write_jsonl
from ner.labels import ENTITY_TYPES

REPO = Path(__file__).resolve().parents[1]
GOLD = [REPO / "data" / "articles" / "whole_articles.refs.jsonl", REPO / "data" / "heldout" / "investment_news.refs.jsonl",
        REPO / "data" / "pages" / "rss_pages.refs.jsonl"]
INVESTMENT = re.compile(r"投资|项目|建设|产能|基地|签约|落户|中标|收购|增资")
SHINGLE = 8
OVERLAP = 0.2


def shingles(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="saved model directory (the teacher)")
    ap.add_argument("--source", action="append", default=[], help="corpus:split of ../shared/data (default: DuEE-fin)")
    ap.add_argument("--limit", type=int, default=150)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    corpus_of: dict[str, tuple[str, str]] = {}
    if args.source:
        from ner.data.corpora import load_corpus

        texts = {}
        for source in args.source:
            name, _, split = source.partition(":")
            for a in load_corpus(name, split=split or "train"):
                texts[a.id] = a.text
                corpus_of[a.id] = (name, split or "train")
    else:
        texts = duee_fin_texts()
    if not texts:
        raise SystemExit("no texts: the corpora are not in ../shared/data; nothing to label")
    gold_ids: set[str] = set()
    gold_shingles: set[str] = set()
    for path in GOLD:
        for article in read_referenced(path):  # texts of every part (to leave out re-posts), never printed
            gold_ids.add(article.id)
            gold_shingles |= shingles(article.text)
    free = []
    for doc_id, text in sorted(texts.items()):
        own = shingles(text)
        if doc_id in gold_ids or not own or len(own & gold_shingles) / len(own) >= OVERLAP:
            continue
        if INVESTMENT.search(text):
            free.append(doc_id)
    random.Random(args.seed).shuffle(free)
    chosen = sorted(free[: args.limit])
    print(f"{len(texts)} documents, {len(free)} free of the annotated texts with an investment word; labelling {len(chosen)}")
    import ner

    tagger = ner.load(args.model)
    t0 = time.perf_counter()
    spans = tagger.tag([texts[i] for i in chosen])
    rows = [{"id": i, "corpus": corpus_of.get(i, ("duee_fin", "dev"))[0], "split": corpus_of.get(i, ("duee_fin", "dev"))[1],
             "part": "silver", "sha1": text_digest(texts[i]),
             "labelled": list(ENTITY_TYPES), "entities": [{"start": s.start, "end": s.end, "label": s.label, "text": s.text}
                                                         for s in found]}
            for i, found in zip(chosen, spans)]
    write_jsonl(args.out, rows)
    n = sum(len(r["entities"]) for r in rows)
    print(f"wrote {args.out}: {len(rows)} documents, {n} entities, {sum(len(texts[i]) for i in chosen)} characters "
          f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
