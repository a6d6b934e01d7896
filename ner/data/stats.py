"""Corpus statistics over annotated articles: entity counts per type and per article, frequent surfaces.

    >>> from ner.types import Article, Span
    >>> stats = corpus_stats([Article("a", "长沙投资75亿元", [Span(0, 2, "REGION", "长沙"), Span(4, 8, "AMOUNT", "75亿元")])])
    >>> stats["per_type"]["REGION"], stats["top_surfaces"]["AMOUNT"]
    (1, [['75亿元', 1]])

The result is plain JSON-serialisable data; ``format_stats`` renders it as a readable text table.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ner.labels import ENTITY_TYPES
from ner.types import Article


def corpus_stats(articles: Iterable[Article], top: int = 10) -> dict[str, Any]:
    """Counts per type, per article and the ``top`` most frequent surface strings per type.

    Surfaces are the text at the span's offsets (``span.text`` when the offsets fall outside the text).
    Types are the project's entity types first, then any other label found, sorted.
    """
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    articles = list(articles)
    per_type: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    lengths: dict[str, list[int]] = {}
    per_article = []
    for a in articles:
        counts: Counter[str] = Counter()
        for s in a.entities:
            surface = a.text[s.start:s.end] if 0 <= s.start < s.end <= len(a.text) else s.text
            counts[s.label] += 1
            surfaces.setdefault(s.label, Counter())[surface] += 1
            lengths.setdefault(s.label, []).append(s.end - s.start)
        per_type.update(counts)
        per_article.append({"id": a.id, "chars": len(a.text), "entities": sum(counts.values()), "per_type": dict(counts)})
    types = list(ENTITY_TYPES) + sorted(set(per_type) - set(ENTITY_TYPES))
    n = len(articles)
    for row in per_article:
        row["per_type"] = {t: row["per_type"].get(t, 0) for t in types}
    return {
        "articles": n,
        "chars": sum(len(a.text) for a in articles),
        "entities": sum(per_type.values()),
        "types": types,
        "per_type": {t: per_type.get(t, 0) for t in types},
        "per_article_mean": {t: (per_type.get(t, 0) / n if n else 0.0) for t in types},
        "distinct_surfaces": {t: len(surfaces.get(t, ())) for t in types},
        "mean_span_length": {t: (sum(lengths[t]) / len(lengths[t]) if lengths.get(t) else 0.0) for t in types},
        "top_surfaces": {t: [[s, c] for s, c in _most_common(surfaces.get(t, Counter()), top)] for t in types},
        "per_article": per_article,
    }


def _most_common(counter: Counter[str], k: int) -> list[tuple[str, int]]:
    """Most frequent first, ties in alphabetical order, so the output is stable."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


def format_stats(stats: dict[str, Any], max_articles: int = 50) -> str:
    """A plain-text report: totals per type, one row per article (first ``max_articles``), top surfaces."""
    types = stats["types"]
    width = max([8] + [len(t) + 1 for t in types])
    lines = [f"{stats['articles']} articles, {stats['chars']} characters, {stats['entities']} entities", ""]
    lines.append(f"{'type':<{width}}{'count':>7}{'/article':>10}{'distinct':>10}{'mean len':>10}")
    for t in types:
        lines.append(f"{t:<{width}}{stats['per_type'][t]:>7}{stats['per_article_mean'][t]:>10.2f}"
                     f"{stats['distinct_surfaces'][t]:>10}{stats['mean_span_length'][t]:>10.2f}")
    rows = stats["per_article"]
    if rows:
        id_width = min(32, max(len("article"), *(len(r["id"]) for r in rows))) + 1
        lines += ["", f"{'article':<{id_width}}{'chars':>7}" + "".join(f"{t:>{width}}" for t in types) + f"{'total':>7}"]
        for r in rows[:max_articles]:
            lines.append(f"{r['id'][:id_width - 1]:<{id_width}}{r['chars']:>7}"
                         + "".join(f"{r['per_type'][t]:>{width}}" for t in types) + f"{r['entities']:>7}")
        if len(rows) > max_articles:
            lines.append(f"... {len(rows) - max_articles} more articles")
    lines.append("")
    for t in types:
        top = stats["top_surfaces"][t]
        lines.append(f"{t}: " + ("  ".join(f"{s} ({c})" for s, c in top) if top else "-"))
    return "\n".join(lines)
