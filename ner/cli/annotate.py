"""Commands on annotations: validate, convert, preannotate, stats."""
from __future__ import annotations

import json
import sys

import click

from ner.cli.base import EXIT_SOME_FAILED, main, user_errors


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
