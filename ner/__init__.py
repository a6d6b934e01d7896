"""ner: Chinese industrial-investment news -> entities (REGION, COMPANY, AMOUNT, CAPACITY) -> project records."""
from ner.labels import ENTITY_TYPES
from ner.types import Article, Span

__version__ = "0.1.0"
__all__ = ["ENTITY_TYPES", "Article", "Span", "load", "__version__"]


def load(model_dir, types=None, **kwargs):
    """Load a trained tagger: ``tagger = ner.load("runs/default")``; ``tagger(text)`` -> list of Span."""
    from ner.pipeline import load as _load

    return _load(model_dir, types, **kwargs)
