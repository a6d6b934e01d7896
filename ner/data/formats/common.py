"""What the format converters share: validation, offset units (code points, UTF-16), exact writes."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ner.data import io
from ner.errors import AnnotationError
from ner.types import Article, Span, check_article


OFFSET_UNITS = ("codepoint", "utf16")


def _check(articles: Iterable[tuple[str, Article]], labels: Sequence[str]) -> None:
    """Raise on the first article with problems; ``where`` is ``file:line`` or ``file (article id)``."""
    for where, article in articles:
        problems = check_article(article, tuple(labels))
        if problems:
            more = f" (and {len(problems) - 3} more problem(s))" if len(problems) > 3 else ""
            raise AnnotationError(f"{where}: " + "; ".join(problems[:3]) + more)


def _utf16_to_cp(text: str) -> Callable[[int], int]:
    """Map a UTF-16 code-unit offset of ``text`` to its code-point offset (raises on a split surrogate)."""
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    table: dict[int, int] = {}
    u = 0
    for cp, ch in enumerate(text):
        table[u] = cp
        u += 2 if ord(ch) >= 0x10000 else 1
    table[u] = len(text)

    def to_cp(i: int) -> int:
        if i not in table:
            raise ValueError(f"UTF-16 offset {i} falls inside a surrogate pair or outside the text")
        return table[i]

    return to_cp


def _cp_to_utf16(text: str) -> Callable[[int], int]:
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return lambda i: prefix[i]


def _to_codepoints(text: str, start: int, end: int, offsets: str, where: str) -> tuple[int, int]:
    if offsets == "codepoint":
        return start, end
    try:
        to_cp = _utf16_to_cp(text)
        return to_cp(start), to_cp(end)
    except ValueError as e:
        raise AnnotationError(f"{where}: [{start}, {end}): {e}; were the offsets written as code points? "
                              "pass offsets='codepoint'") from None


def _from_codepoints(text: str, spans: Sequence[Span], offsets: str) -> list[tuple[int, int]]:
    if offsets == "codepoint":
        return [(s.start, s.end) for s in spans]
    to_u16 = _cp_to_utf16(text)
    return [(to_u16(s.start), to_u16(s.end)) for s in spans]


def _check_units(offsets: str) -> None:
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"offsets={offsets!r}: expected one of {OFFSET_UNITS}")


def _slice(text: str, s: int, e: int, offsets: str) -> str:
    if offsets == "codepoint":
        return text[s:e]
    to_cp = _utf16_to_cp(text)
    return text[to_cp(s):to_cp(e)]


def _hint_other_units(text: str, raw: Sequence[tuple[int, int, str]], offsets: str) -> str:
    """A hint when the spans' texts fit under the other offset convention (only for spans with text)."""
    other = "codepoint" if offsets == "utf16" else "utf16"
    try:
        fits = bool(raw) and all(t and _slice(text, s, e, other) == t for s, e, t in raw)
    except ValueError:
        fits = False
    return f" (the span texts fit offsets={other!r}; pass that)" if fits else ""


def _write_exact(path: str | Path, text: str) -> None:
    """UTF-8 bytes exactly as given: no newline translation on any platform."""
    with io.atomic_write(path, "wb") as f:
        f.write(text.encode("utf-8"))


def _article_id(value: Any, fallback: str) -> str:
    return fallback if value is None or value == "" else str(value)
