"""Entities and records on the same articles in traditional script, with Taiwan's words, and with a
converter's pinyin glosses, next to the articles as annotated (simplified).

    python benchmarks/traditional_script.py --model runs/default [--part dev --part train ...]

News about mainland projects is also published and re-posted in traditional script (開州39個專案集中籤約),
at times with a converter's pinyin after characters it found ambiguous (項(xiàng)目). No such page is
annotated, so this benchmark converts the whole-article gold of the chosen parts (default: the
development parts) with OpenCC and keeps its offsets:

- ``simplified``: the articles as annotated;
- ``traditional``: OpenCC ``s2t``, character for character (the same length);
- ``taiwan``: OpenCC ``s2twp`` (Taiwan's words: 项目 -> 專案, 信息 -> 資訊) on each line it leaves the same
  length, ``s2t`` on the others;
- ``glossed``: the traditional text with a pinyin gloss after each of a fixed set of characters such
  converters gloss (項(xiàng), 產(chǎn), 萬(wàn), 區(qū) …); gold offsets moved accordingly.

Gold mentions keep their offsets and take the converted text's characters, so records (tuples of mention
texts) compare as before. Scores the saved tagger as ``ner tag`` runs it (``Tagger.extract``): exact-span
micro F1 and per type, and record-tuple micro F1.
"""
from __future__ import annotations

import argparse
import time

from ner.evaluation.spans import span_scores
from ner.records.evaluate import evaluate_records, read_referenced_parts
from ner.types import Span

GOLD = "data/articles/whole_articles.refs.jsonl"
DEVELOPMENT = ("dev", "train", "fresh", "fresh2", "fresh3", "fresh4")
GLOSSES = {"項": "xiàng", "產": "chǎn", "萬": "wàn", "區": "qū", "業": "yè", "設": "shè", "據": "jù", "長": "zhǎng",
           "關": "guān", "資": "zī", "團": "tuán", "億": "yì"}


def converters():
    try:
        import opencc
    except ImportError:
        raise SystemExit("needs opencc (pip install opencc)") from None
    return opencc.OpenCC("s2t"), opencc.OpenCC("s2twp")


def convert(text: str, variant: str, s2t, s2twp) -> tuple[str, list[int]]:
    """The converted text and, for each original offset (and the end), its offset in it."""
    trad = s2t.convert(text)
    if len(trad) != len(text):
        trad = "".join(c if len(d := s2t.convert(c)) != 1 else d for c in text)
    if variant == "taiwan":
        trad = "".join(w if len(w := s2twp.convert(line)) == len(line) else t
                       for line, t in zip(text.splitlines(keepends=True), trad.splitlines(keepends=True)))
    if variant != "glossed":
        return trad, list(range(len(text) + 1))
    out, where = [], []
    for ch in trad:
        where.append(sum(map(len, out)))
        out.append(ch + (f"({GLOSSES[ch]})" if ch in GLOSSES else ""))
    glossed = "".join(out)
    return glossed, where + [len(glossed)]


def moved(where: list[int], start: int, end: int) -> tuple[int, int]:
    """An original span's offsets in the converted text (a gloss after the last character stays out)."""
    return where[start], where[end - 1] + 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="runs/default")
    ap.add_argument("--part", action="append", help=f"parts of {GOLD} (default: the development parts)")
    args = ap.parse_args()
    import ner

    s2t, s2twp = converters()
    articles, gold_records = read_referenced_parts(GOLD, args.part or DEVELOPMENT)
    tagger = ner.load(args.model)
    print(f"{len(articles)} articles ({', '.join(args.part or DEVELOPMENT)}), {sum(len(a.text) for a in articles)} "
          f"characters, {sum(map(len, gold_records.values()))} gold records; model {args.model}")
    print(f"{'text':13}{'REGION':>8}{'COMPANY':>9}{'AMOUNT':>8}{'CAPACITY':>9}{'micro':>7}{'records':>9}{'chars/s':>9}")
    for variant in ("simplified", "traditional", "taiwan", "glossed"):
        texts, gold, grec = [], [], {}
        for a in articles:
            if variant == "simplified":
                text, where = a.text, list(range(len(a.text) + 1))
            else:
                text, where = convert(a.text, variant, s2t, s2twp)
            texts.append(text)
            gold.append([Span(*moved(where, s.start, s.end), s.label, text[slice(*moved(where, s.start, s.end))])
                         for s in a.entities])
            recs = []
            for r in gold_records[a.id]:
                r = dict(r)
                for key in ("companies", "regions", "amounts", "capacities"):
                    r[key] = [{**m, "text": text[slice(*moved(where, m["start"], m["end"]))]} for m in r.get(key, [])]
                recs.append(r)
            grec[a.id] = recs
        t0 = time.perf_counter()
        got = tagger.extract(texts)
        rate = sum(map(len, texts)) / (time.perf_counter() - t0)
        pred = [[Span(e["start"], e["end"], e["label"], e["text"]) for e in g["entities"]] for g in got]
        sc = span_scores(gold, pred)
        rec = evaluate_records(grec, {a.id: g["records"] for a, g in zip(articles, got)})["micro"]["f1"]
        print(f"{variant:13}" + "".join(f"{sc[t]['f1']:{w}.3f}" for t, w in
                                       (("REGION", 8), ("COMPANY", 9), ("AMOUNT", 8), ("CAPACITY", 9), ("micro", 7)))
              + f"{rec:9.3f}{rate:9.0f}", flush=True)


if __name__ == "__main__":
    main()
