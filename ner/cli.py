"""The ``ner`` command: a thin layer over importable functions.

Exit codes: 0 success; 1 ``ner validate`` found problems; 2 usage or input error (one line on stderr:
bad option, missing input, invalid gold, unloadable model); 3 the run finished but not as asked:
``ner tag`` or ``ner preannotate`` had documents that failed (error lines in the output, or named on
stderr), or ``ner train`` / ``ner cv`` trained a model that stopped on its time budget
(``train.max_minutes``) before its dev score settled (``ner.model.training.budget_verdict``; the model is
written and marked so in its metrics.json, the last line says how to go on; ``--accept-unsettled`` or
``train.accept_unsettled=true`` keeps it and exits 0)."""
from __future__ import annotations

import functools
import json
import logging
import sys
import warnings
from pathlib import Path

import click

from ner.model.backends import BACKENDS
from ner.errors import NerError, UnsettledTrainingError

EXIT_USAGE = 2  # bad arguments or input: nothing (or nothing new) was written
EXIT_SOME_FAILED = 3  # the run went through, but some documents failed
EXIT_UNSETTLED = 3  # training stopped on its time budget before its dev score settled
DEFAULT_DB = "sqlite:///projects.db"


def user_errors(fn):
    """Turn NerError (bad input, config, model) into a one-line message and exit status EXIT_USAGE (3 for a
    model that stopped on its time budget before it settled)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UnsettledTrainingError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_UNSETTLED)
        except NerError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_USAGE)
        except FileNotFoundError as e:
            click.echo(f"error: {e.filename}: no such file; check the path", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """Chinese investment news -> entities (REGION, COMPANY, AMOUNT, CAPACITY) -> project records."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    warnings.formatwarning = lambda message, category, *args, **kwargs: f"warning: {message}\n"  # one line
    for noisy in ("transformers", "datasets", "httpx", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@user_errors
def validate(file: str) -> None:
    """Check every span of a standoff JSONL file: offsets, text, labels, overlaps, duplicate ids."""
    from ner.data.validate import validate_file

    problems, n = validate_file(file)
    for p in problems:
        click.echo(p)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {n} article(s)", err=True)
        sys.exit(1)
    click.echo(f"{file}: {n} article(s), no problems")


@main.command()
@click.option("--from", "src", required=True,
              help="Input format: jsonl, conll, doccano, labelstudio (JSON export), labelstudio-min, brat.")
@click.option("--to", "dst", required=True, help="Output format (same choices).")
@click.argument("inp")
@click.argument("out")
@user_errors
def convert(src: str, dst: str, inp: str, out: str) -> None:
    """Convert annotations between formats (brat: a folder of .txt/.ann pairs). Exports are validated
    span by span; records (Label Studio or doccano relations) go to OUT's .records.jsonl with --to jsonl."""
    from ner.data.formats import read_format, records_path, write_format

    articles = read_format(src, inp)
    write_format(dst, articles, out)
    with_records = sum(a.records is not None for a in articles)
    records = f"; the records of {with_records} in {records_path(out)}" if with_records and dst == "jsonl" else ""
    click.echo(f"{len(articles)} article(s) written to {out}{records}")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", required=True, help="Output file (folder for brat).")
@click.option("--format", "fmt", default="labelstudio", show_default=True,
              help="labelstudio (as predictions to correct), doccano, jsonl, brat, conll.")
@click.option("--model", "-m", "model_dir", default=None,
              help="A saved tagger (ner train): its entities, with scores, instead of the rules'.")
@user_errors
def preannotate(inputs: tuple[str, ...], output: str, fmt: str, model_dir: str | None) -> None:
    """Suggest entities and project records for new articles (by a saved tagger, else by rule) in a
    format Label Studio or doccano imports; records become relations (docs/annotation.md)."""
    from ner.batch.inputs import iter_documents
    from ner.batch.suggest import preannotate_documents

    documents, failed = [], 0
    for doc in iter_documents(list(inputs)):
        if doc.error:
            click.echo(f"skipped: {doc.error}", err=True)
            failed += 1
            continue
        documents.append((doc.id, doc.text))
    n = preannotate_documents(documents, output, fmt, model_dir)
    click.echo(f"{n} article(s) pre-annotated into {output}; {failed} skipped")
    if failed:
        sys.exit(EXIT_SOME_FAILED)


@main.command()
@click.argument("file")
@click.option("--top", default=10, show_default=True, help="Most frequent surfaces per type.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@user_errors
def stats(file: str, top: int, as_json: bool) -> None:
    """Entity counts per type and article, and the most frequent surfaces per type."""
    from ner.data.io import read_articles
    from ner.data.stats import corpus_stats, format_stats

    s = corpus_stats(read_articles(file), top=top)
    click.echo(json.dumps(s, ensure_ascii=False, indent=2) if as_json else format_stats(s))


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
               f"best epoch {m['best_epoch']}, dev micro F1 {m['dev_micro_f1']}{unsettled})")


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
    click.echo(format_scores(r["hybrid"], "hybrid (the saved tagger): " + _policy_text(r["hybrid"]["policy"])))
    click.echo("mean fold F1: " + ", ".join(f"{k} {v:.3f}" for k, v in r["mean_fold_f1"].items()))
    if "records" in r:
        from ner.records.evaluate import format_record_scores

        click.echo(format_record_scores(r["records"], "records from the model's entities (held-out articles)"))
        click.echo(format_record_scores(r["hybrid"]["records"], "records from the hybrid's entities (held-out articles)"))


def _policy_text(policy: dict) -> str:
    """'rules_only REGION,AMOUNT; rules_first COMPANY; min_score COMPANY>=0.9' (the tag section, in words)."""
    floors = policy.get("min_score") or {}
    parts = [f"{k} {','.join(v)}" for k, v in policy.items() if v and k != "min_score"]
    if floors:
        parts.append("min_score " + ",".join(f"{t}>={p:g}" for t, p in floors.items()))
    return "; ".join(parts) or "model alone"


@main.command()
@click.option("--model", "-m", "model_dir", required=True)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", default=None, help="Output file (may be left out with --db).")
@click.option("--format", "fmt", default="jsonl", show_default=True,
              type=click.Choice(["jsonl", "csv", "xlsx", "html", "parquet"]), help="parquet: with --ray only.")
@click.option("--resume", is_flag=True, help="Skip documents already in the output or its .partial journal.")
@click.option("--overwrite", is_flag=True, help="Start over, deleting an interrupted run's .partial journal.")
@click.option("--batch-size", default=64, show_default=True,
              help="Documents per call to the tagger (their windows are batched by length) and per journal write.")
@click.option("--backend", default="auto", show_default=True, type=click.Choice(BACKENDS),
              help="torch, torch-bf16, onnx, onnx-int8 (after `ner export DIR --onnx [--int8]`), or auto: the fastest "
              "within the quality limits here (torch-bf16 on a CPU with bf16, else onnx where exported, else torch).")
@click.option("--device", default="auto", show_default=True, help="auto (CUDA when present), cpu, cuda, cuda:N.")
@click.option("--ray", "ray_address", default=None, help="Tag on a Ray cluster (ner.batch.distributed): its address, "
              "or 'local' to start one here; OUTPUT is then a folder of shards (pip install -e '.[ray]').")
@click.option("--workers", default=None, type=int, help="With --ray: tagger actors (default: one per CPU).")
@click.option("--rules-only", default=None, help="Comma-separated types decided by the rules alone, e.g. "
              "REGION,AMOUNT,CAPACITY; '' for none (default: the model's saved tag.rules_only).")
@click.option("--rules-first", default=None, help="Types where rule spans are added and win overlaps with "
              "model spans, e.g. COMPANY; '' for none (default: the saved tag.rules_first).")
@click.option("--rules-fill", "--rules", "rules_fill", default=None, help="Types where rule spans are added only where the "
              "model found nothing; '' for none (default: the saved tag.rules_fill).")
@click.option("--min-score", default=None, help="Comma-separated TYPE=P: model spans of TYPE scoring below P "
              "are dropped, e.g. COMPANY=0.9; '' for none (default: the saved tag.min_score).")
@click.option("--db", "db_url", is_flag=False, flag_value=DEFAULT_DB, default=None,
              help=f"Also store documents, records and merged projects in this database (SQLAlchemy URL; "
              f"--db alone: {DEFAULT_DB}).")
@click.option("--fx", multiple=True, help="Exchange rate to yuan, CURRENCY=RATE (USD=7.1): csv and xlsx get a "
              "CNY column per amount; without rates they have none.")
@user_errors
def tag(model_dir: str, inputs: tuple[str, ...], output: str | None, fmt: str, resume: bool, overwrite: bool,
        batch_size: int, backend: str, device: str, ray_address: str | None, workers: int | None,
        rules_only: str | None, rules_first: str | None, rules_fill: str | None,
        min_score: str | None, db_url: str | None, fx: tuple[str, ...]) -> None:
    """Tag files, folders, globs, JSONL of {"id","text"} or - (stdin) into entities and project records.
    Exit 3 when some documents failed (error lines in the output), 2 on a usage or input error."""
    from ner.batch.inputs import check_inputs
    from ner.batch.run import check_output, tag_documents
    from ner.pipeline import load

    if output is None and db_url is None:
        raise click.UsageError("give --output FILE, --db URL, or both")
    options = {}
    if fx:
        from ner.batch.export import parse_fx

        if fmt not in ("csv", "xlsx"):
            raise click.UsageError("--fx applies to --format csv or xlsx")
        options["fx"] = parse_fx(fx)

    policy = {key: [t for t in value.split(",") if t] for key, value in
              (("rules_only", rules_only), ("rules_first", rules_first), ("rules_fill", rules_fill))
              if value is not None}
    if min_score is not None:
        policy["min_score"] = _type_floats(min_score, "--min-score")
    check_inputs(list(inputs))  # before the model loads: a typo in the only path fails at once,
    if ray_address is not None:
        from ner.batch.distributed import tag_dataset

        if output is None:
            raise NerError("--ray needs --output (a folder of JSONL or parquet files)")
        counts = tag_dataset(model_dir, list(inputs), output, address=ray_address, workers=workers, fmt=fmt,
                             backend=backend, device=device, batch_size=batch_size, load_kwargs=policy)
        click.echo(f"{counts['tagged']} tagged, {counts['failed']} failed, {counts['skipped']} shard(s) skipped "
                   f"-> {output}")
        if counts["failed"]:
            click.echo(f"failed documents are error rows in {output}", err=True)
            sys.exit(EXIT_SOME_FAILED)
        return
    if output is not None:
        check_output(output, resume, overwrite)  # and so does an output that another run holds
    sink = None
    if db_url is not None:
        from ner.store import open_store
        from ner.store.ingest import DatabaseSink, model_version

        sink = DatabaseSink(open_store(db_url), model_version(model_dir, policy))
    tagger = load(model_dir, backend=backend, device=device, **policy)
    if output is None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            counts = tag_documents(tagger, list(inputs), Path(tmp) / "out.jsonl", "jsonl", batch_size=batch_size,
                                   sink=sink)
    else:
        counts = tag_documents(tagger, list(inputs), output, fmt, resume, batch_size, overwrite=overwrite, sink=sink,
                               writer_options=options)
    click.echo(f"{counts['tagged']} tagged, {counts['failed']} failed, {counts['skipped']} skipped -> {output or db_url}")
    if sink is not None:
        click.echo(f"database {db_url}: {sink.added} document(s) added, {sink.unchanged} already there (same text)")
        sink.store.close()
    if counts["duplicate_ids"]:
        click.echo(f"{counts['duplicate_ids']} document(s) share an id with another; each is kept, "
                   "told apart by its \"source\"", err=True)
    if counts["failed"]:
        click.echo(f"failed documents are error lines in {output}", err=True)
        sys.exit(EXIT_SOME_FAILED)


def _type_floats(value: str, option: str) -> dict[str, float]:
    """'COMPANY=0.9,REGION=0.5' -> {'COMPANY': 0.9, 'REGION': 0.5}; '' -> {}."""
    out = {}
    for item in filter(None, value.split(",")):
        name, _, number = item.partition("=")
        try:
            out[name.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"{item!r}: expected TYPE=P, e.g. COMPANY=0.9", param_hint=option) from None
    return out


@main.command()
@click.argument("model_dir")
@click.option("--onnx", "to_onnx", is_flag=True, help="Write model.onnx (fp32; spans as torch gives them).")
@click.option("--int8", is_flag=True, help="Also write model.int8.onnx (dynamic int8 quantisation).")
@click.option("--out", "out_dir", default=None, help="Folder for the files (default: MODEL_DIR); it gets the "
              "config and tokenizer too, so it loads on its own.")
@user_errors
def export(model_dir: str, to_onnx: bool, int8: bool, out_dir: str | None) -> None:
    """Export a trained tagger for ONNX Runtime, fp32 and int8 (pip install -e '.[onnx]'): `ner tag --backend
    onnx|onnx-int8`; `--backend auto` runs fp32 ONNX where the CPU has no bf16."""
    from ner.model.backends import export_onnx

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


@main.group()
def db() -> None:
    """The project database (ner tag --db): schema migrations."""


@db.command("upgrade")
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="SQLAlchemy URL.")
@click.option("--revision", default="head", show_default=True)
@user_errors
def db_upgrade(db_url: str, revision: str) -> None:
    """Create the schema or bring it to the newest revision (Alembic; back up the database first)."""
    from ner.store import require_db

    require_db()  # a one-line error when the db extra is missing
    from sqlalchemy import create_engine

    from ner.store.migrate import upgrade

    before, after = upgrade(create_engine(db_url), revision)
    click.echo(f"{db_url}: schema revision {before or '(none)'} -> {after}")


@main.command()
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="SQLAlchemy URL.")
@click.option("--output", "-o", default=None, help="Export to FILE (.csv, .xlsx, .parquet) instead of listing.")
@click.option("--format", "fmt", default=None, type=click.Choice(["csv", "xlsx", "parquet"]),
              help="Export format (default: from the output's suffix).")
@click.option("--region", default=None, help="Admin-code prefix: 43 (湖南省), 4301 (长沙市), 430112.")
@click.option("--since", default=None, help="Projects with a dated record on or after this ISO date (2022, 2022-06).")
@click.option("--until", default=None, help="Projects with a dated record on or before this ISO date.")
@click.option("--stage", default=None, help="Latest stage: 规划, 签约, 落户, 开工, 建成, 竣工, 投产.")
@click.option("--query", "-q", default=None, help="Substring of the name, company or place.")
@click.option("--records", "per_record", is_flag=True, help="csv/parquet: one row per record instead of per project.")
@click.option("--fx", multiple=True, help="CURRENCY=RATE to yuan (USD=7.1): a CNY column per amount in the records table.")
@user_errors
def projects(db_url: str, output: str | None, fmt: str | None, region: str | None, since: str | None,
             until: str | None, stage: str | None, query: str | None, per_record: bool, fx: tuple[str, ...]) -> None:
    """List the projects of a database (merged across articles), or export them with --output."""
    from ner.batch.export import parse_fx, write_projects
    from ner.store import open_store

    with open_store(db_url, upgrade_empty=False) as store:
        rows = store.project_rows(region=region, since=since, until=until, stage=stage, query=query)
        if output is None:
            for p in rows:
                place = f"{p['region_name'] or ''} {p['region_code'] or ''}".strip()
                click.echo(f"{p['id']:>5}  {p['name'] or '(unnamed)'}  | {p['company'] or ''} | {place} | "
                           f"{p['stage'] or ''} | {p['n_documents']} source(s): {', '.join(p['sources'])}")
            click.echo(f"{len(rows)} project(s)", err=True)
            return
        fmt = fmt or Path(output).suffix.lstrip(".").lower()
        if fmt not in ("csv", "xlsx", "parquet"):
            raise NerError(f"{output}: cannot tell the format from the suffix; give --format csv, xlsx or parquet")
        records = store.record_rows([p["id"] for p in rows])
    write_projects(Path(output), fmt, rows, records, parse_fx(fx) if fx else None, per_record)
    click.echo(f"{len(rows)} project(s) written to {output}")


@main.command()
@click.option("--db", "db_url", default=DEFAULT_DB, show_default=True, help="SQLAlchemy URL.")
@click.option("--model", "-m", "model_dir", default=None,
              help="Saved tagger for pasted articles (default: the rules alone).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@user_errors
def serve(db_url: str, model_dir: str | None, host: str, port: int) -> None:
    """A local web app over the project database: search, filter, project pages, paste an article, xlsx."""
    from ner.serve import run

    run(db_url, model_dir, host, port)


if __name__ == "__main__":
    main()
