"""The ``ner`` command: a thin layer over importable functions.

Exit codes: 0 success; 1 ``ner validate`` found problems; 2 usage or input error (one line on stderr:
bad option, missing input, invalid gold, unloadable model); 3 the run finished but not as asked:
``ner tag`` or ``ner preannotate`` had documents that failed (error lines in the output, or named on
stderr), or ``ner train`` / ``ner cv`` trained a model that stopped on its time budget
(``train.max_minutes``) before its dev score settled (``ner.model.training.budget_verdict``; the model is
written and marked so in its metrics.json, the last line says how to go on; ``--accept-unsettled`` or
``train.accept_unsettled=true`` keeps it and exits 0)."""
from ner.cli import annotate, database, modelling, tagging  # noqa: F401  (each registers its commands on main)
from ner.cli.base import DEFAULT_DB, EXIT_SOME_FAILED, EXIT_UNSETTLED, EXIT_USAGE, main, user_errors

__all__ = ["DEFAULT_DB", "EXIT_SOME_FAILED", "EXIT_UNSETTLED", "EXIT_USAGE", "main", "user_errors"]
