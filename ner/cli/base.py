"""The ``ner`` group, its exit codes, and the wrapper that turns user errors into one line."""
from __future__ import annotations

import functools
import logging
import sys
import warnings

import click

from ner.errors import NerError, UnsettledTrainingError
from ner.store import DEFAULT_URL

EXIT_USAGE = 2  # bad arguments or input: nothing (or nothing new) was written
EXIT_SOME_FAILED = 3  # the run went through, but some documents failed
EXIT_UNSETTLED = 3  # training stopped on its time budget before its dev score settled
DEFAULT_DB = DEFAULT_URL


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
