"""Commands on models: train, evaluate, cv, soup, export, evaluate-records."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ner.cli.base import main, user_errors
from ner.combine import describe_policy
from ner.errors import NerError


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--config", "-c", "config_path", default=None, help="YAML config (default: built-in defaults).")
@click.option("--accept-unsettled", is_flag=True, help="Keep a model that stopped on its time budget "
              "(train.max_minutes) before its dev score settled, and exit 0 (same as train.accept_unsettled=true).")
@click.option("--device", default=None, help="auto (CUDA when present), cpu, cuda, cuda:N (same as train.device=...).")
@click.argument("overrides", nargs=-1)
@user_errors
def train(config_path: str | None, accept_unsettled: bool, device: str | None, overrides: tuple[str, ...]) -> None:
    """Fine-tune a tagger. Extra arguments are dotted overrides: train.epochs=3 output_dir=runs/x.

    Exits 3 when training stops on its time budget before its dev score settled (train.settle_epochs,
    train.settle_delta), unless --accept-unsettled. Without a terminal, prints one line per epoch.
    Several processes (data parallel): torchrun --nproc-per-node N -m ner.cli train ... (or accelerate launch)."""
    from ner.config import load_config
    from ner.model.training import train as _train

    extra = (["train.accept_unsettled=true"] if accept_unsettled else []) + ([f"train.device={device}"] if device else [])
    cfg = load_config(config_path, list(overrides) + extra)
    if not sys.stderr.isatty():  # a log file gets the per-epoch lines, not transformers' loading and saving bars
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    m = _train(cfg, progress=sys.stderr.isatty())
    if m.get("rank", 0):
        return  # one line from the first of several processes
    if m["misaligned_gold_spans"]:
        click.echo(f"{len(m['misaligned_gold_spans'])} gold span(s) have a boundary inside a token and were "
                   f"ignored for training (listed in {cfg.output_dir}/metrics.json)", err=True)
    unsettled = "" if m["settled"] else f"; UNSETTLED, accepted: {m['unsettled_reason']}"
    click.echo(f"model written to {cfg.output_dir} in {m['train_seconds']}s ({m['stop_reason']}; "
               + (f"best epoch {m['best_epoch']}, dev micro F1 {m['dev_micro_f1']}{unsettled})" if m.get("select", "best") == "best"
                  else f"last epoch {m['kept_epoch']} kept{_dev_of_last(m)}{unsettled})"))


def _dev_of_last(m: dict) -> str:
    return "" if m["dev_micro_f1"] is None else f", dev micro F1 {m['dev_micro_f1']} (best epoch {m['best_epoch']})"


@main.command()
@click.option("--model", "-m", "model_dir", required=True)
@click.argument("data")
@click.option("--json", "json_out", default=None, help="Also write the scores as JSON here.")
@click.option("--limit", default=None, type=int, help="At most this many corpus sentences (corpus: DATA only).")
@click.option("--model-only", is_flag=True, help="Score the model without its saved rule policy (tag.*).")
@user_errors
def evaluate(model_dir: str, data: str, json_out: str | None, limit: int | None, model_only: bool) -> None:
    """Score a model on gold standoff JSONL, or on a public corpus split (corpus:cluener:dev,
    corpus:fewfc:test, corpus:msra:test) for the types it labels: exact char spans and seqeval strict IOB2."""
    from ner.evaluation.spans import evaluate_predictions, format_scores
    from ner.combine import MODEL_ONLY
    from ner.pipeline import load
    from ner.data.validate import read_gold

    if data.startswith("corpus:"):
        from ner.data.corpora import load_corpus

        _, name, split = (data.split(":") + ["test"])[:3]
        articles = load_corpus(name, split=split, limit=limit, seed=0 if limit else None)
        if not articles:
            raise NerError(f"{data}: no sentences (corpus absent or empty); see README for where to get it")
    else:
        articles = read_gold(data)  # checked as `ner validate` checks it, before the model loads
    tagger = load(model_dir, **(MODEL_ONLY if model_only else {}))
    scores = evaluate_predictions(articles, tagger.tag([a.text for a in articles]), tagger.types)
    click.echo(format_scores(scores, f"{model_dir} on {data} ({len(articles)} documents)"))
    if json_out:
        Path(json_out).write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--config", "-c", "config_path", default=None)
@click.option("--out", "out_dir", default="runs/cv", show_default=True, help="Folds' models and results.")
@click.option("--folds", default=None, help="Comma-separated article ids to hold out (default: every article).")
@click.argument("overrides", nargs=-1)
@user_errors
def cv(config_path: str | None, out_dir: str, folds: str | None, overrides: tuple[str, ...]) -> None:
    """Leave-one-article-out cross-validation on the gold articles (mean and per fold)."""
    from ner.config import load_config
    from ner.evaluation.crossval import cross_validate
    from ner.evaluation.spans import format_scores

    cfg = load_config(config_path, list(overrides))
    r = cross_validate(cfg, out_dir, folds=folds.split(",") if folds else None, progress=sys.stderr.isatty())
    for fold, scores in r["folds"].items():
        click.echo(format_scores(scores, f"fold {fold}"))
    click.echo(format_scores(r["pooled"], "model, pooled over folds"))
    click.echo(format_scores(r["rules_baseline"], "rule pre-annotator on the same articles (baseline)"))
    click.echo(format_scores(r["hybrid"], "hybrid (the saved tagger): " + describe_policy(r["hybrid"]["policy"])))
    click.echo("mean fold F1: " + ", ".join(f"{k} {v:.3f}" for k, v in r["mean_fold_f1"].items()))
    if "records" in r:
        from ner.records.evaluate import format_record_scores

        click.echo(format_record_scores(r["records"], "records from the model's entities (held-out articles)"))
        click.echo(format_record_scores(r["hybrid"]["records"], "records from the hybrid's entities (held-out articles)"))


@main.command()
@click.argument("out_dir")
@click.argument("model_dirs", nargs=-1, required=True)
@user_errors
def soup(out_dir: str, model_dirs: tuple[str, ...]) -> None:
    """Average the weights of taggers one recipe trained with different seeds (a model soup) into OUT_DIR.

    The members must share labels, tokenizer, windows and tag policy (e.g. `ner train ... train.seed=14
    output_dir=runs/seed14`, from the same first stage); the soup tags as one model (ner export it as any other)."""
    from ner.model.soup import make_soup

    s = make_soup(out_dir, model_dirs)
    click.echo(f"soup of {s['members']} taggers ({s['weights']} weight tensors averaged) written to {out_dir}")


@main.command()
@click.argument("model_dir")
@click.option("--onnx", "to_onnx", is_flag=True, help="Write model.onnx (fp32; spans as torch gives them).")
@click.option("--int8", is_flag=True, help="Also write model.int8.onnx (dynamic int8 quantisation; the fastest on a CPU, by name only).")
@click.option("--out", "out_dir", default=None, help="Folder for the files (default: MODEL_DIR); it gets the "
              "config and tokenizer too, so it loads on its own.")
@user_errors
def export(model_dir: str, to_onnx: bool, int8: bool, out_dir: str | None) -> None:
    """Export a trained tagger for ONNX Runtime, fp32 and int8 (pip install -e '.[onnx]'), its attention fused
    where ONNX Runtime's optimizer can: `ner tag --backend onnx|onnx-int8|openvino|openvino-bf16`; `--backend auto`
    then runs the fp32 file on OpenVINO where installed (in bf16 where the CPU has it), else on ONNX Runtime where
    the CPU has no bf16 (int8 by name only)."""
    from ner.model.export import export_onnx

    if not (to_onnx or int8):
        raise NerError("nothing to export: give --onnx (and --int8 for the quantised copy too)")
    for path in export_onnx(model_dir, out_dir, int8=int8):
        click.echo(f"written {path} ({path.stat().st_size / 2**20:.0f} MiB)")


@main.command("evaluate-records")
@click.argument("gold")
@click.argument("pred")
@click.option("--json", "json_out", default=None)
@user_errors
def evaluate_records_cmd(gold: str, pred: str, json_out: str | None) -> None:
    """Score predicted records against gold as (company|region, amount|capacity) tuples per document."""
    from ner.records.evaluate import evaluate_records, format_record_scores, read_records

    scores = evaluate_records(read_records(gold), read_records(pred))
    click.echo(format_record_scores(scores))
    if json_out:
        Path(json_out).write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
