"""The project database: tagged documents, their entities and records, and projects merged across
articles (SQLAlchemy 2, Alembic; install with ``pip install -e .[db]``).

    from ner.store import Store
    with Store("sqlite:///projects.db") as db:
        db.add_document("a1", "a1.txt", text, tagger.extract(text), model_version="runs/default@...")
        db.projects(region="43", stage="开工")

``ner.store.merge`` (the merge rule) is plain Python and imports without SQLAlchemy.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ner.store.db import Store

__all__ = ["DEFAULT_URL", "Store", "open_store", "require_db"]

DEFAULT_URL = "sqlite:///projects.db"  # ner tag --db, ner projects, ner serve, Store()


def __getattr__(name: str):
    if name == "Store":
        return _store_class()
    raise AttributeError(name)


def require_db() -> None:
    """NerError (one line, with the install command) when the ``db`` extra is not installed."""
    _store_class()


def _store_class():
    from ner.errors import NerError

    try:
        import alembic  # noqa: F401 - migrations run on the first open of an empty database

        from ner.store.db import Store
    except ImportError as e:
        raise NerError(f"the project database needs SQLAlchemy and Alembic ({e.name} is missing): "
                       "pip install -e '.[db]'") from None
    return Store


def open_store(url: str, upgrade_empty: bool = True) -> "Store":
    """``Store(url)``, with a one-line NerError when the ``db`` extra is not installed."""
    return _store_class()(url, upgrade_empty=upgrade_empty)
