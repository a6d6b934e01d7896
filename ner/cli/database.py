"""Commands on the project database: db upgrade, projects, serve."""
from __future__ import annotations

from pathlib import Path

import click

from ner.cli.base import DEFAULT_DB, main, user_errors
from ner.errors import NerError


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
