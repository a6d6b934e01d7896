"""Decoding: per-token tag probabilities -> character spans. Pure functions, arrays in, spans out.

Repair is explicit: a token tagged ``I-X`` that does not continue an ``X`` entity (after ``O`` or
after another type) opens a new ``X`` entity, as if it were ``B-X``. The span score is the mean, over
its tokens, of the probability of the tag each token was given.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ner.features import TokenizedArticle
from ner.types import Span


def decode_tokens(
    text: str,
    tokens: TokenizedArticle,
    probs: np.ndarray,
    id2label: dict[int, str],
) -> list[Span]:
    """Spans from ``probs`` (n_tokens x n_labels, one row per article token). Unscored tokens are skipped."""
    if probs.shape[0] != len(tokens.offsets):
        raise ValueError(f"{probs.shape[0]} probability rows for {len(tokens.offsets)} tokens")
    best = probs.argmax(axis=-1)
    spans: list[Span] = []
    cur: list | None = None  # [label, start, end, [scores]]

    def close():
        if cur is not None:
            label, s, e, scores = cur
            spans.append(Span(s, e, label, text[s:e], float(np.mean(scores))))

    for i, ((a, b), scored) in enumerate(zip(tokens.offsets, tokens.scored)):
        if not scored:
            continue
        tag = id2label[int(best[i])]
        prefix, _, typ = tag.partition("-")
        p = float(probs[i, best[i]])
        if prefix == "I" and cur is not None and cur[0] == typ:
            cur[2] = b
            cur[3].append(p)
            continue
        close()
        cur = [typ, a, b, [p]] if prefix in ("B", "I") else None
    close()
    return [_trim(s, text) for s in spans]


def _trim(span: Span, text: str) -> Span:
    """Drop whitespace a piece carried in at either edge (SentencePiece pieces can start with one)."""
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e, span.label, text[s:e], span.score) if (s, e) != (span.start, span.end) else span


def merge_window_probs(n_tokens: int, windows: Sequence, window_probs: Sequence[np.ndarray]) -> np.ndarray:
    """Article-level token probabilities: each token takes the row from the window that owns it.

    ``window_probs[k]`` holds rows for the content tokens of window k (special tokens removed).
    """
    if not window_probs:
        return np.zeros((0, 0), dtype=np.float32)
    out = np.zeros((n_tokens, window_probs[0].shape[-1]), dtype=np.float32)
    for w, p in zip(windows, window_probs):
        out[w.own_start:w.own_end] = p[w.own_start - w.start:w.own_end - w.start]
    return out
