"""``ner tag``: documents -> entities and project records (files, a database, or Ray)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ner.batch.distributed import DOCS_PER_BATCH
from ner.batch.run import DOCS_PER_CALL
from ner.cli.base import DEFAULT_DB, EXIT_SOME_FAILED, main, user_errors
from ner.errors import NerError
from ner.model.backends import BACKENDS


@main.command()
@click.option("--model", "-m", "model_dir", required=True)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", default=None, help="Output file (may be left out with --db).")
@click.option("--format", "fmt", default="jsonl", show_default=True,
              type=click.Choice(["jsonl", "csv", "xlsx", "html", "parquet"]), help="parquet: with --ray only.")
@click.option("--resume", is_flag=True, help="Skip documents already in the output or its .partial journal.")
@click.option("--overwrite", is_flag=True, help="Start over, deleting an interrupted run's .partial journal.")
@click.option("--batch-size", type=int, default=None,
              help=f"Documents per call to the tagger (their windows are batched by length; the model reads the next call's "
              f"while this one's records are built) and per journal write [default: {DOCS_PER_CALL}; with --ray "
              f"{DOCS_PER_BATCH} per actor call].")
@click.option("--backend", default="auto", show_default=True, type=click.Choice(BACKENDS),
              help="torch, torch-bf16, onnx, onnx-int8, openvino, openvino-bf16 (the last four after `ner export DIR "
              "--onnx [--int8]`; openvino: pip install -e '.[openvino]'), or auto: the fastest here that keeps torch's "
              "spans on the held-out news (where exported and installed, openvino-bf16 on a CPU with bf16 or openvino; else torch-bf16 on a "
              "CPU with bf16, else onnx where exported, else torch; onnx-int8 by name only: its spans vary a little "
              "with the batch).")
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
        batch_size: int | None, backend: str, device: str, ray_address: str | None, workers: int | None,
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
                             backend=backend, device=device, batch_size=batch_size or DOCS_PER_BATCH, load_kwargs=policy)
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
            counts = tag_documents(tagger, list(inputs), Path(tmp) / "out.jsonl", "jsonl",
                                   batch_size=batch_size or DOCS_PER_CALL, sink=sink)
    else:
        counts = tag_documents(tagger, list(inputs), output, fmt, resume, batch_size or DOCS_PER_CALL,
                               overwrite=overwrite, sink=sink, writer_options=options)
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
