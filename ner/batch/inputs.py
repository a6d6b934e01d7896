"""Inputs of batch tagging: files, folders, globs, JSONL or parquet of {"id", "text"}, saved web pages (.html,
.htm: their text, ``ner.data.html``), and stdin -> ``Document``s, each known by its unique ``source``; a
document that cannot be read carries its error."""
from __future__ import annotations

import errno
import glob
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ner.data.html import page_text
from ner.data.io import decode_bytes
from ner.errors import InputError


SUFFIXES = (".txt", ".jsonl", ".parquet", ".html", ".htm")  # compared lower-cased: A.TXT is read too
PAGES = (".html", ".htm")


@dataclass
class Document:
    id: str
    text: str | None
    source: str  # unique: the file as found, or ``path:line`` of a JSONL line; the resume key
    error: str | None = None
    extracted: bool = False  # the text was read out of markup (a web page): output lines carry it


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(s: str) -> str:
    """``s`` with lone surrogates (undecodable file names, ``"\\udcff"`` in JSON) written as ``\\udcff``,
    so it can go into a UTF-8 file."""
    return s.encode("utf-8", "backslashreplace").decode("utf-8") if _SURROGATE.search(s) else s


def check_inputs(inputs: list[str]) -> None:
    """Raise InputError when no input exists at all (a typo in the only path is a usage error, not a run)."""
    def found(item: str) -> bool:
        return item == "-" or os.path.lexists(item) or bool(glob.glob(item, recursive=True))

    if inputs and not any(found(i) for i in inputs):
        what = f"{inputs[0]}: no such file, folder or glob match" if len(inputs) == 1 else \
            f"none of the inputs exists ({', '.join(inputs)})"
        raise InputError(f"{what}; check the path")


def iter_documents(inputs: list[str]) -> Iterator[Document]:
    """Documents from every input, in order. Unreadable ones come with ``error`` set, never raised
    (only when no input exists at all: InputError)."""
    check_inputs(inputs)
    for item in inputs:
        if item == "-":
            yield from _documents_from_text(sys.stdin.buffer.read(), "<stdin>")
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and (p.is_file() or p.is_symlink()))
        elif path.is_file() or path.is_symlink():
            files = [path]
        else:
            files = [Path(p) for p in sorted(glob.glob(item, recursive=True)) if not Path(p).is_dir()]
            if not files:
                yield Document(printable(path.stem or item), None, printable(item),
                               f"{printable(item)}: no such file, folder or glob match")
                continue
        for f in files:
            yield from _documents_from_file(f)


def _unreadable(path: Path, e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symbolic link loop; fix or remove the link"
    if path.is_symlink() and e.errno == errno.ENOENT:
        return f"broken symbolic link (to {printable(os.readlink(path))}, which does not exist); fix or remove the link"
    return f"cannot read ({e.strerror})"


def _documents_from_file(path: Path) -> Iterator[Document]:
    where = printable(str(path))
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Document(printable(path.stem), None, where, f"{where}: {_unreadable(path, e)}")
        return
    if path.suffix.lower() == ".jsonl":
        yield from _documents_from_text(data, where, jsonl=True)
    elif path.suffix.lower() == ".parquet":
        yield from _documents_from_parquet(data, where)
    else:
        page = path.suffix.lower() in PAGES
        try:
            text = decode_bytes(data, where, _declared_charset(data) if page else None)
        except InputError as e:
            yield Document(printable(path.stem), None, where, str(e))
            return
        if page:
            text = page_text(text)
            if not text.strip():
                yield Document(printable(path.stem), None, where, f"{where}: the page holds no text outside its "
                               "markup; save the article's page, not a frame or script")
                return
        yield Document(printable(path.stem), text, where, extracted=page)


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The encoding a web page declares in its first 4 KB (<meta charset="big5">), where Python knows it."""
    import codecs

    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def _documents_from_parquet(data: bytes, where: str) -> Iterator[Document]:
    """Rows of a parquet file with string columns ``id`` and ``text``; the source is ``path:row`` (from 1)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data), columns=["id", "text"])
    except (pa.ArrowException, KeyError, ValueError, OSError) as e:
        yield Document(Path(where).stem, None, where, f"{where}: cannot read it as parquet with columns id and text "
                       f"({printable(str(e).splitlines()[0] if str(e) else e.__class__.__name__)})")
        return
    for i, (doc_id, text) in enumerate(zip(table.column("id").to_pylist(), table.column("text").to_pylist()), 1):
        if not isinstance(text, str) or not text.strip():
            yield Document(f"{Path(where).stem}:{i}", None, f"{where}:{i}", f"{where}:{i}: empty 'text'")
        else:
            yield Document(printable(str(doc_id)), text, f"{where}:{i}")


def _documents_from_text(data: bytes, where: str, jsonl: bool | None = None) -> Iterator[Document]:
    try:
        text = decode_bytes(data, where)
    except InputError as e:
        yield Document(Path(where).stem, None, where, str(e))
        return
    if jsonl is None:  # stdin: JSONL when every non-blank line is a JSON object
        jsonl = all(l.lstrip().startswith("{") for l in text.split("\n") if l.strip())
    if not jsonl:
        yield Document("stdin", text, where)
        return
    for i, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            doc_id, doc_text = str(obj["id"]), obj["text"]
            if not isinstance(doc_text, str) or not doc_text.strip():
                raise ValueError("empty 'text'")
            for key, value in (("id", doc_id), ("text", doc_text)):
                if m := _SURROGATE.search(value):
                    yield Document(printable(doc_id), None, f"{where}:{i}",
                                   f"{where}:{i}: {key!r} holds a lone surrogate ({printable(m.group())} at "
                                   f"character {m.start()}), which is not text; fix the line's \\u escapes")
                    break
            else:
                yield Document(doc_id, doc_text, f"{where}:{i}")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            yield Document(f"{Path(where).stem}:{i}", None, f"{where}:{i}",
                           f"{where}:{i}: bad line ({e.__class__.__name__}: {printable(str(e))}); need {{\"id\", \"text\"}}")
