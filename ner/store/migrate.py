"""Schema migrations of the project database (Alembic, scripts in ``ner/store/migrations/versions``).

``upgrade(url)`` brings a database to the newest revision (``ner db upgrade --db URL``); ``check_schema``
refuses a database at an older revision with the command to run, and creates the schema in an empty one.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from ner.errors import NerError

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Run the migrations up to ``revision``; (revision before, revision after)."""
    from alembic import command

    before = current_revision(engine)
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    return before, current_revision(engine)


def check_schema(engine: Engine, upgrade_empty: bool = True) -> None:
    """Create the schema in an empty database; NerError for one at another revision or not ours."""
    rev = current_revision(engine)
    if rev is None:
        tables = set(inspect(engine).get_table_names())
        if tables and "documents" in tables:
            raise NerError(f"{engine.url.render_as_string(hide_password=True)}: tables without an Alembic revision; "
                           "not a database written by ner (or written by hand): use another --db")
        if upgrade_empty:
            upgrade(engine)
            return
        raise NerError(f"{engine.url.render_as_string(hide_password=True)}: no schema; run `ner db upgrade --db URL`")
    head = head_revision()
    if rev != head:
        raise NerError(f"{engine.url.render_as_string(hide_password=True)}: schema revision {rev}, this version of ner "
                       f"needs {head}; run `ner db upgrade --db URL` (back up the database first)")
