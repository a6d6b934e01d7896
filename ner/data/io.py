"""Reading and writing articles: raw text files (UTF-8 / GB18030), standoff JSONL, atomic writes.

Format converters (CoNLL, doccano, Label Studio, brat) live in ``ner.data.formats``; readers of the public
corpora live in ``ner.data.corpora``.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ner.errors import AnnotationError, InputError
from ner.types import Article


def decode_bytes(data: bytes, where: str, declared: str | None = None) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030; anything else (binary content
    with NUL bytes included) is a clear error. ``declared``: the encoding the file names for itself (a web page's
    <meta charset>), tried first where it is neither UTF-8 nor the GB family."""
    if not data.strip():
        raise InputError(f"{where}: empty file; give a UTF-8 or GB18030 text with the article")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if declared and declared not in ("utf-8", "gb2312", "gbk", "gb18030"):
        try:
            return data.decode(declared)
        except UnicodeDecodeError as e:
            raise InputError(f"{where}: not {declared} as the page declares (byte {e.start}); re-save it as UTF-8") from None
    try:
        text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(
                f"{where}: not UTF-8 (byte {utf8_error.start}) nor GB18030; re-save the file as UTF-8"
            ) from None
    if "\x00" in text:
        raise InputError(f"{where}: binary content (NUL bytes); give a text file")
    return text


def read_text(path: str | Path) -> str:
    path = Path(path)
    return decode_bytes(path.read_bytes(), str(path))


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, object)`` for every non-blank line; bad JSON names the file and line."""
    path = Path(path)
    text = read_text(path)
    # Split on "\n" only: str.splitlines() also splits on U+2028, U+2029 and U+0085, which json.dumps
    # (ensure_ascii=False) leaves raw inside strings, so a text holding one would break its line in two.
    for i, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{i}: invalid JSON ({e.msg} at column {e.colno}); fix or remove the line") from None
        if not isinstance(obj, dict):
            raise InputError(f"{path}:{i}: expected a JSON object per line, got {type(obj).__name__}")
        yield i, obj


def read_articles(path: str | Path) -> list[Article]:
    """Read standoff JSONL: one ``{"id", "text", "entities": [{start, end, label, text}]}`` per line."""
    articles = []
    for i, obj in read_jsonl(path):
        try:
            articles.append(Article.from_dict(obj, where=f"{path}:{i}"))
        except (KeyError, TypeError, ValueError) as e:
            raise AnnotationError(f"{path}:{i}: malformed entity ({e}); each needs integer start/end and a label") from None
    return articles


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8"):
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl(path: str | Path, rows: Iterable[dict]) -> None:
    with atomic_write(path) as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_articles(path: str | Path, articles: Iterable[Article]) -> None:
    write_jsonl(path, (a.to_dict() for a in articles))
