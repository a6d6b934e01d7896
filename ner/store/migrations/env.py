"""Alembic environment of the project database: run by ``ner db upgrade`` (``ner.store.upgrade``), which
passes the connection in ``config.attributes["connection"]``; ``alembic -x url=URL upgrade head`` with
``-c`` pointing at a config whose ``script_location`` is this folder works too."""
from alembic import context
from sqlalchemy import create_engine

from ner.store.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    with create_engine(url).connect() as conn:
        run(conn)
