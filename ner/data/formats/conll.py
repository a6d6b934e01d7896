"""conll: character-level IOB2, one escaped character and a tag per line."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ner.data import io
from ner.data.bio import char_tags_to_spans, spans_to_char_tags
from ner.data.formats.common import _check, _write_exact
from ner.errors import AnnotationError
from ner.labels import ENTITY_TYPES, OUTSIDE
from ner.types import Article


DOCSTART = "-DOCSTART-"
_ESCAPES = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()}
_ESCAPE_RE = re.compile(r"\\(?:s|t|n|r|\\|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def escape_char(ch: str) -> str:
    """The CHAR column for one character: itself, or an escape for whitespace/unprintables/backslash."""
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch.isspace() or not ch.isprintable():
        return f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"
    return ch


def unescape_char(token: str, where: str) -> str:
    """Inverse of ``escape_char``; a bare single character is taken as it is."""
    if len(token) == 1:
        return token
    if token in _UNESCAPES:
        return _UNESCAPES[token]
    m = re.fullmatch(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})", token)
    if m:
        return chr(int(m.group(1) or m.group(2), 16))
    raise AnnotationError(
        f"{where}: {token!r} is not one character nor an escape (\\s \\t \\n \\r \\\\ \\uXXXX \\UXXXXXXXX); "
        "write one character per line"
    )


def _escape_id(article_id: str) -> str:
    return "".join(escape_char(c) for c in article_id)


def _unescape_id(s: str) -> str:
    return _ESCAPE_RE.sub(lambda m: unescape_char(m.group(0), ""), s)


def write_conll(articles: Iterable[Article], path: str | Path) -> None:
    lines = []
    for a in articles:
        tags = spans_to_char_tags(a.text, a.entities)
        lines.append(f"{DOCSTART} {_escape_id(a.id)}\n")
        lines += [f"{escape_char(ch)}\t{tag}\n" for ch, tag in zip(a.text, tags)]
        lines.append("\n")
    _write_exact(path, "".join(lines))


def _check_tag(tag: str, prev: str, labels: Sequence[str], where: str) -> None:
    if tag == OUTSIDE:
        return
    prefix, _, typ = tag.partition("-")
    if prefix not in ("B", "I") or not typ:
        raise AnnotationError(f"{where}: tag {tag!r} is not IOB2; use O, B-TYPE or I-TYPE")
    if typ not in labels:
        raise AnnotationError(f"{where}: unknown label {typ!r} in tag {tag!r}; expected one of {', '.join(labels)}")
    if prefix == "I" and prev not in (f"B-{typ}", f"I-{typ}"):
        raise AnnotationError(f"{where}: {tag} follows {prev}; an entity starts with B-{typ} (strict IOB2)")


def read_conll(path: str | Path, labels: Sequence[str] = ENTITY_TYPES) -> list[Article]:
    """Character-level IOB2 as written by ``write_conll``. Files without ``-DOCSTART-`` lines are read
    too: each block between blank lines is one article, with id ``STEM:N``."""
    path = Path(path)
    text = io.read_text(path)
    articles: list[Article] = []
    doc_id: str | None = None
    chars: list[str] = []
    tags: list[str] = []
    first_line = 0

    def flush() -> None:
        nonlocal doc_id, chars, tags
        if doc_id is None and not chars:
            return
        t = "".join(chars)
        aid = doc_id if doc_id is not None else f"{path.stem}:{len(articles) + 1}"
        article = Article(aid, t, char_tags_to_spans(t, tags))
        _check([(f"{path}:{first_line} (article {aid})", article)], labels)
        articles.append(article)
        doc_id, chars, tags = None, [], []

    for n, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line:
            flush()
            continue
        if line.startswith(DOCSTART) and "\t" not in line:
            flush()
            doc_id = _unescape_id(line[len(DOCSTART):].strip()) or f"{path.stem}:{len(articles) + 1}"
            first_line = n
            continue
        token, sep, tag = line.rpartition("\t")
        where = f"{path}:{n}"
        if not sep or not token:
            raise AnnotationError(f"{where}: expected CHAR<TAB>TAG, got {line!r}")
        if not chars and doc_id is None:
            first_line = n
        _check_tag(tag, tags[-1] if tags else OUTSIDE, labels, where)
        chars.append(unescape_char(token, where))
        tags.append(tag)
    flush()
    return articles
