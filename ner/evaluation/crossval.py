"""Leave-one-article-out cross-validation on the gold articles: train on the rest, tag the held-out one."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from ner.config import Config
from ner.data.io import read_jsonl, write_jsonl
from ner.data.validate import read_gold
from ner.evaluation.compare import compare_systems
from ner.evaluation.spans import evaluate_predictions

log = logging.getLogger(__name__)


def score_records(gold_path: Path, articles, predictions) -> dict:
    """Record-tuple scores of records built from each held-out article's predicted entities."""
    from ner.records.evaluate import evaluate_records, read_records
    from ner.records.build import build_records

    gold = {k: v for k, v in read_records(gold_path).items() if k in {a.id for a in articles}}
    pred = {a.id: build_records(a.text, p) for a, p in zip(articles, predictions)}
    return evaluate_records(gold, pred)


def cross_validate(cfg: Config, out_dir: str | Path, folds: list[str] | None = None, progress: bool = True) -> dict:
    """Per-fold and pooled scores. Each fold's model and predictions are kept under ``out_dir/<id>``.

    A fold resumes: its saved predictions are reused, or else its finished model (``metrics.json``
    written) predicts again, so deleting the predictions re-scores after a change in decoding.

    Besides the model, the same held-out articles are scored for the rule pre-annotator alone (the
    baseline; its rules were written while reading the seeds, so it is optimistic) and for the hybrid:
    the model combined with the rules as ``cfg.tag`` says, which is what the saved tagger does.
    """
    from ner.combine import MODEL_ONLY, finalize
    from ner.pipeline import load
    from ner.model.training import is_trained, train

    out_dir = Path(out_dir)
    if not cfg.data.gold:
        raise ValueError("ner cv needs gold articles to hold out: set data.gold")
    articles = read_gold(cfg.data.gold)
    ids = folds or [a.id for a in articles]
    per_fold, held, preds = {}, [], []
    for art_id in ids:
        test = [a for a in articles if a.id == art_id]
        if not test:
            raise ValueError(f"fold {art_id!r}: no such article in {cfg.data.gold}")
        fold_dir = out_dir / art_id
        fold_cfg = cfg.model_copy(deep=True)
        fold_cfg.output_dir = str(fold_dir / "model")
        fold_cfg.data.exclude = list(cfg.data.exclude) + [art_id]
        if (fold_dir / "predictions.jsonl").exists():
            log.info("fold %s: predictions exist, reused (delete %s to retrain)", art_id, fold_dir)
            pred = next(obj for _, obj in read_jsonl(fold_dir / "predictions.jsonl"))
            from ner.types import Span

            spans = finalize(test[0].text, [Span.from_dict(e) for e in pred["entities"]])
        else:
            if is_trained(fold_cfg.output_dir):
                log.info("fold %s: trained model exists, reused to predict", art_id)
            else:
                metrics = train(fold_cfg, progress=progress)
                log.info("fold %s trained in %.0fs", art_id, metrics["train_seconds"])
            spans = load(fold_cfg.output_dir, cfg.model.types, **MODEL_ONLY)(test[0].text)
            write_jsonl(fold_dir / "predictions.jsonl", [{"id": art_id, "entities": [s.to_dict() for s in spans]}])
        per_fold[art_id] = evaluate_predictions(test, [spans], cfg.model.types)
        held.append(test[0])
        preds.append(spans)
    pooled = evaluate_predictions(held, preds, cfg.model.types)
    types = list(cfg.model.types) + ["micro"]
    mean = {t: sum(per_fold[f]["span"][t]["f1"] for f in ids) / len(ids) for t in types}
    policy = cfg.tag.model_dump()
    systems = compare_systems([a.text for a in held], preds, policy)  # the rules: the baseline, and inside the hybrid
    rule_spans, hybrid = systems["rules"], systems["hybrid"]
    result = {
        "folds": per_fold, "pooled": pooled, "mean_fold_f1": mean,
        "rules_baseline": evaluate_predictions(held, rule_spans, cfg.model.types),
        "hybrid": {"policy": policy, **evaluate_predictions(held, hybrid, cfg.model.types)},
    }
    records_gold = Path(cfg.data.gold).with_name(Path(cfg.data.gold).stem + ".records.jsonl")
    if records_gold.exists():
        result["records"] = score_records(records_gold, held, preds)
        result["hybrid"]["records"] = score_records(records_gold, held, hybrid)
    (out_dir / "cv_results.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result
