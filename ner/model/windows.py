"""Article -> overlapping token windows, and which window owns each token when predictions merge.

Windows are cut in token space (after one tokenisation of the whole article, with character offsets),
so every window fits the encoder and no character is ever featurised twice differently. Consecutive
windows overlap by ``stride`` tokens; each token is *owned* by the window in which it sits farthest
from an edge, so an entity straddling one window's edge is decoded from the window that sees it whole
(as long as the overlap is longer than the entity).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    start: int  # first token (index into the article's token list)
    end: int  # one past the last token
    own_start: int  # tokens [own_start, own_end) take their prediction from this window
    own_end: int


def token_windows(n_tokens: int, size: int, overlap: int) -> list[Window]:
    """Windows of at most ``size`` tokens covering ``n_tokens``, consecutive ones sharing ``overlap``."""
    if size <= 0:
        raise ValueError(f"window size must be positive, got {size}")
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be in [0, size), got overlap={overlap} size={size}")
    if n_tokens <= size:
        return [Window(0, n_tokens, 0, n_tokens)]
    step = size - overlap
    starts = list(range(0, n_tokens - size, step)) + [n_tokens - size]
    windows = []
    for i, s in enumerate(starts):
        e = s + size
        # Ownership boundary: the middle of the overlap with the neighbour.
        own_s = 0 if i == 0 else (s + windows[-1].end) // 2
        own_e = n_tokens if i == len(starts) - 1 else (starts[i + 1] + e) // 2
        windows.append(Window(s, e, own_s, own_e))
    # Make ownership a partition: each window starts owning where the previous stopped.
    fixed = []
    prev_end = 0
    for w in windows:
        fixed.append(Window(w.start, w.end, prev_end, w.own_end))
        prev_end = w.own_end
    return fixed
