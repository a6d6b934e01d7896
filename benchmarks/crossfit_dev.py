"""Cross-fitted figures on the held-out news ``dev`` part, for choosing a recipe without scoring test.

    python benchmarks/crossfit_dev.py --config configs/default.yaml              # trains two models (~20 min)
    python benchmarks/crossfit_dev.py --models runs/crossfit/A runs/crossfit/B   # re-score trained ones

The dev sentences are split in two halves by a hash of their ids (``devA``, ``devB``, written to
``OUT/devsplit.refs.jsonl``). Model A is the config trained on the seeds and half A (its corpora entry
for the held-out news replaced by ``split: devA``), model B likewise; A tags half B and B tags half A,
so the pooled figures are for 160 sentences that no scoring model trained on. Prints exact-span F1 of
the rules, the models alone, and the saved-tagger combinations (REGION and the figures: rules alone,
both, rules filling gaps; COMPANY: rule companies winning overlaps, filling gaps, or none; floors).
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from pathlib import Path

from ner.combine import MODEL_ONLY
from ner.config import load_config
from ner.data.corpora import read_referenced
from ner.data.io import read_jsonl
from ner.evaluation.compare import hybrid_spans, rule_spans
from ner.evaluation.spans import span_scores
from ner.labels import ENTITY_TYPES
from ner.model.training import train
from ner.pipeline import load

HELDOUT = "data/heldout/investment_news.refs.jsonl"
TYPES = (*ENTITY_TYPES, "micro")


def write_halves(data: str, out: Path) -> Path:
    """The dev lines of ``data`` with part ``devA``/``devB``, alternating in the order of md5(id)."""
    dev = sorted((row for _, row in read_jsonl(data) if row.get("part") == "dev"),
                 key=lambda r: hashlib.md5(r["id"].encode()).hexdigest())
    path = out / "devsplit.refs.jsonl"
    out.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({**r, "part": "devA" if i % 2 == 0 else "devB"}, ensure_ascii=False) + "\n"
                            for i, r in enumerate(dev)), encoding="utf-8")
    return path


def train_half(config: str, split_file: Path, half: str, out: Path) -> str:
    cfg = load_config(config)
    news = [c for c in cfg.data.corpora if c.name == "referenced"]
    others = [c.model_dump() for c in cfg.data.corpora if c.name != "referenced"]
    corpora = others + [{"name": "referenced", "path": str(split_file), "split": half}]
    overrides = [f"output_dir={out / half}", f"data.corpora={json.dumps(corpora, ensure_ascii=False)}"]
    if not news:
        print(f"note: {config} trains on no held-out news; the halves add it")
    train(load_config(config, overrides), progress=False)
    return str(out / half)


def policies():
    for region, figures, company, floor in itertools.product(
            ("only", "first", "fill"), ("only", "first", "fill"), ("first", "fill", "none"), (0.0, 0.8, 0.9, 0.95)):
        pol = {"rules_only": [], "rules_first": [], "rules_fill": [], "min_score": {"COMPANY": floor}}
        pol[f"rules_{region}"].append("REGION")
        pol[f"rules_{figures}"] += ["AMOUNT", "CAPACITY"]
        if company != "none":
            pol[f"rules_{company}"].append("COMPANY")
        yield f"REGION {region:5} figures {figures:5} COMPANY {company:5} >= {floor}", pol


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("--models", nargs=2, metavar=("A", "B"), help="models already trained on devA and devB")
    ap.add_argument("--out", default="runs/crossfit")
    ap.add_argument("--data", default=HELDOUT)
    ap.add_argument("--top", type=int, default=12, help="combinations to print, best micro first")
    args = ap.parse_args()
    out = Path(args.out)
    split_file = write_halves(args.data, out)
    models = args.models or [train_half(args.config, split_file, h, out) for h in ("devA", "devB")]
    part_of = {row["id"]: row["part"] for _, row in read_jsonl(split_file)}
    everything = read_referenced(split_file)
    gold, texts, preds = [], [], []
    for model_dir, scored in zip(models, ("devB", "devA")):  # each model tags the half it did not train on
        articles = [a for a in everything if part_of[a.id] == scored]
        texts += [a.text for a in articles]
        gold += [a.entities for a in articles]
        preds += load(model_dir, **MODEL_ONLY).tag([a.text for a in articles])
    rules = rule_spans(texts)

    def row(name, spans):
        scores = span_scores(gold, spans)
        return scores["micro"]["f1"], f"{name:52}" + " ".join(f"{t[:3]} {scores[t]['f1']:.3f}" for t in TYPES)

    print(f"{len(texts)} dev sentences, each tagged by the half-model that did not train on it")
    print(row("rules", rules)[1])
    print(row("model alone", preds)[1])
    ranked = sorted((row(name, hybrid_spans(texts, preds, rules, pol))
                     for name, pol in policies()), reverse=True)
    for _, line in ranked[:args.top]:
        print(line)
    saved = load_config(args.config).tag.model_dump()  # the tag section is finalize's policy arguments
    print(row(f"{args.config} tag section", hybrid_spans(texts, preds, rules, saved))[1])


if __name__ == "__main__":
    main()
