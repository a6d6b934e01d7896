"""Score the rule pre-annotator (``ner.rules``) against gold: the baseline a trained model must beat.

    python scripts/eval_preannotate.py                         # data/annotated/seeds.jsonl
    python scripts/eval_preannotate.py data/annotated/parts    # a folder of one-article *.json files
    python scripts/eval_preannotate.py GOLD --json runs/preannotate_scores.json --errors 20

GOLD is a standoff JSONL file (one article per line), a single ``.json`` article, or a folder of
``.json`` articles (``*.records.json`` are skipped). When the default seeds.jsonl does not exist yet, the
script falls back to ``data/annotated/parts`` and says so.

Scores are exact character-span matches (``ner.evaluation.spans.span_scores``). The rules were written and
revised while reading the seed articles and their errors, so this baseline is optimistic on them (see
the note in ``ner/rules/__init__.py``); score it again on articles annotated later for a fair figure.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

try:
    import ner  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ner.data.io import atomic_write, read_articles, read_text
from ner.errors import NerError
from ner.evaluation.spans import span_scores
from ner.labels import ENTITY_TYPES
from ner.rules import Gazetteer, preannotate
from ner.types import Article, check_article

DEFAULT_GOLD = Path("data/annotated/seeds.jsonl")
FALLBACK_GOLD = Path("data/annotated/parts")


def load_gold(path: Path) -> list[Article]:
    """Articles from a JSONL file, a one-article JSON file or a folder of them; invalid spans are an error."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if not p.name.endswith(".records.json"))
        if not files:
            raise NerError(f"{path}: no *.json article files; give a folder of one-article JSON files or a JSONL file")
        articles = [_read_one_json(p) for p in files]
    elif path.suffix == ".json":
        articles = [_read_one_json(path)]
    elif path.exists():
        articles = read_articles(path)
    else:
        raise NerError(f"{path}: not found; give a gold JSONL file, a .json article or a folder of them")
    problems = [p for a in articles for p in check_article(a)]
    if problems:
        raise NerError(f"{path}: {len(problems)} invalid gold span(s), first: {problems[0]}")
    return articles


def _read_one_json(path: Path) -> Article:
    try:
        obj = json.loads(read_text(path))
    except json.JSONDecodeError as e:
        raise NerError(f"{path}: invalid JSON ({e.msg} at line {e.lineno}); fix the file") from None
    if not isinstance(obj, dict):
        raise NerError(f"{path}: expected one JSON object with 'id', 'text' and 'entities'")
    return Article.from_dict(obj, where=str(path))


def format_scores(scores: dict[str, dict[str, float]]) -> str:
    rows = [f"{'type':<10}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for t in list(ENTITY_TYPES) + ["micro"]:
        s = scores[t]
        rows.append(f"{t:<10}{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{s['support']:>9d}"
                    f"{s['tp']:>6d}{s['fp']:>6d}{s['fn']:>6d}")
    return "\n".join(rows)


def format_errors(gold: list[Article], preds: list[list], limit: int) -> str:
    """Up to ``limit`` false positives and false negatives per type, with a little context."""
    lines = []
    for kind in ("FP", "FN"):
        per_type: dict[str, list[str]] = {t: [] for t in ENTITY_TYPES}
        for art, pred in zip(gold, preds):
            g = {(s.start, s.end, s.label) for s in art.entities}
            p = {(s.start, s.end, s.label) for s in pred}
            for start, end, label in sorted((p - g) if kind == "FP" else (g - p)):
                ctx = art.text[max(0, start - 6):start] + "[" + art.text[start:end] + "]" + art.text[end:end + 6]
                per_type.setdefault(label, []).append(f"  {art.id} {start}-{end} {ctx.replace(chr(10), ' ')}")
        for label, items in per_type.items():
            if items:
                lines.append(f"{kind} {label} ({len(items)}):")
                lines.extend(items[:limit])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD, help=f"gold articles (default {DEFAULT_GOLD})")
    ap.add_argument("--json", type=Path, metavar="OUT", help="also write the scores as JSON")
    ap.add_argument("--address-corpus", type=Path, metavar="PATH",
                    help="add town and zone names from the address-parsing corpus (e.g. ../shared/data/address_parsing/train.txt)")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print up to N false positives/negatives per type")
    args = ap.parse_args(argv)
    try:
        gold_path = args.gold
        if gold_path == DEFAULT_GOLD and not gold_path.exists() and FALLBACK_GOLD.is_dir():
            print(f"note: {DEFAULT_GOLD} not found; scoring {FALLBACK_GOLD}/*.json instead", file=sys.stderr)
            gold_path = FALLBACK_GOLD
        gold = load_gold(gold_path)
        gaz = Gazetteer.from_address_corpus(args.address_corpus) if args.address_corpus else None
        preds = [preannotate(a.text, gaz) for a in gold]
        scores = span_scores([a.entities for a in gold], preds)
    except NerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    n_chars = sum(len(a.text) for a in gold)
    print(f"rule baseline (ner.rules) on {gold_path}: {len(gold)} articles, {n_chars} characters, exact span match")
    print(format_scores(scores))
    if args.errors:
        print(format_errors(gold, preds, args.errors))
    if args.json:
        report = {"gold": str(gold_path), "articles": len(gold), "characters": n_chars,
                  "address_corpus": str(args.address_corpus) if args.address_corpus else None,
                  "matching": "exact character span and label", "scores": scores}
        with atomic_write(args.json) as f:
            json.dump(report, f, ensure_ascii=False, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
