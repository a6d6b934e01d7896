"""User-facing errors. Each message names the input, the place and the fix; the CLI prints it on one line."""


class NerError(Exception):
    """Base class for errors caused by user input (bad file, bad config, bad model)."""


class AnnotationError(NerError):
    """An annotation file or span that does not fit its text."""


class InputError(NerError):
    """An input document that cannot be read (encoding, empty file, bad JSON line)."""


class ConfigError(NerError):
    """A config with unknown keys or bad values."""


class LabelMismatchError(NerError):
    """A saved model whose labels differ from the configured label set."""


class UnsettledTrainingError(NerError):
    """A training run stopped by its time budget before its dev score settled (``ner.model.training.budget_verdict``).

    The model was saved and its metrics say ``"settled": false``; ``metrics`` holds them. ``ner train``
    and ``ner cv`` exit 3 on it."""

    def __init__(self, message: str, metrics: dict):
        super().__init__(message)
        self.metrics = metrics


class UnsettledModelWarning(UserWarning):
    """A loaded model whose training stopped on its time budget before its dev score settled."""
