"""Batch tagging: inputs (files, folders, globs, JSONL of {"id","text"}, stdin) -> one output line per document.

Nothing is lost: a document that cannot be read or tagged becomes an error line and the run goes on.
Progress is journalled to ``OUT.partial`` (one JSON line per document, flushed as it goes), so an
interrupted run resumes with ``resume=True``; the final file (JSONL, CSV or HTML) is written atomically
from the journal, which is then removed.
"""
from __future__ import annotations

import csv
import glob
import html
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ner.errors import InputError, NerError
from ner.io import atomic_write, decode_bytes


@dataclass
class Document:
    id: str
    text: str | None
    source: str
    error: str | None = None


def iter_documents(inputs: list[str]) -> Iterator[Document]:
    """Documents from every input, in order. Unreadable ones come with ``error`` set, never raised."""
    for item in inputs:
        if item == "-":
            yield from _documents_from_text(sys.stdin.buffer.read(), "<stdin>")
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".txt", ".jsonl"))
        elif path.is_file():
            files = [path]
        else:
            files = [Path(p) for p in sorted(glob.glob(item, recursive=True)) if Path(p).is_file()]
            if not files:
                yield Document(path.stem or item, None, item, f"{item}: no such file, folder or glob match")
                continue
        for f in files:
            yield from _documents_from_file(f)


def _documents_from_file(path: Path) -> Iterator[Document]:
    try:
        data = path.read_bytes()
    except OSError as e:
        yield Document(path.stem, None, str(path), f"{path}: cannot read ({e.strerror})")
        return
    if path.suffix == ".jsonl":
        yield from _documents_from_text(data, str(path), jsonl=True)
    else:
        try:
            yield Document(path.stem, decode_bytes(data, str(path)), str(path))
        except InputError as e:
            yield Document(path.stem, None, str(path), str(e))


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
            yield Document(doc_id, doc_text, f"{where}:{i}")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            yield Document(f"{Path(where).stem}:{i}", None, f"{where}:{i}",
                           f"{where}:{i}: bad line ({e.__class__.__name__}: {e}); need {{\"id\", \"text\"}}")


def _journal(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


def done_ids(output: Path) -> set[str]:
    """Ids already in the journal (and in a finished output, for JSONL)."""
    ids = set()
    for p in (_journal(output), output if output.suffix == ".jsonl" else None):
        if p and p.exists():
            for line in p.read_text(encoding="utf-8").split("\n"):
                try:
                    ids.add(json.loads(line)["id"])
                except (json.JSONDecodeError, KeyError):
                    continue  # a half-written last line from an interrupted run
    return ids


def tag_documents(tagger, inputs: list[str], output: str | Path, fmt: str = "jsonl", resume: bool = False,
                  batch_size: int = 8, progress: bool | None = None) -> dict:
    """Tag every document into ``output``; return counts {"tagged", "failed", "skipped"}."""
    from tqdm.auto import tqdm

    output = Path(output)
    if fmt not in WRITERS:
        raise NerError(f"--format {fmt!r}: expected one of {', '.join(WRITERS)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    journal = _journal(output)
    skip = done_ids(output) if resume else set()
    if not resume and journal.exists():
        journal.unlink()
    if resume and output.exists() and output.suffix == ".jsonl" and not journal.exists():
        journal.write_text(output.read_text(encoding="utf-8"), encoding="utf-8")  # continue after a finished run
    counts = {"tagged": 0, "failed": 0, "skipped": 0}
    progress = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(desc="tag", unit="doc", disable=not progress)
    with journal.open("a", encoding="utf-8") as out:
        pending: list[Document] = []

        def flush():
            ok = [d for d in pending if d.error is None]
            try:
                results = [tagger.extract(d.text) for d in ok]
            except Exception as e:  # one bad batch: retry one by one so only the bad document fails
                results = []
                for d in ok:
                    try:
                        results.append(tagger.extract(d.text))
                    except Exception as e1:  # noqa: BLE001 - recorded as an error line, run goes on
                        d.error = f"{d.source}: tagging failed ({e1.__class__.__name__}: {e1})"
                        results.append(None)
                del e
            it = iter(results)
            for d in pending:
                res = next(it) if d in ok else None
                if d.error is not None or res is None:
                    row = {"id": d.id, "source": d.source, "error": d.error, "entities": [], "records": []}
                    counts["failed"] += 1
                else:
                    row = {"id": d.id, **res}
                    if fmt == "html":  # the page shows the text; JSONL and CSV stay compact
                        row["text"] = d.text
                    counts["tagged"] += 1
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            bar.update(len(pending))
            pending.clear()

        for doc in iter_documents(inputs):
            if doc.id in skip:
                counts["skipped"] += 1
                continue
            pending.append(doc)
            if len(pending) >= batch_size:
                flush()
        flush()
    bar.close()
    rows = [json.loads(l) for l in journal.read_text(encoding="utf-8").split("\n") if l.strip()]
    WRITERS[fmt](output, rows)
    journal.unlink()
    return counts


def write_jsonl_rows(output: Path, rows: list[dict]) -> None:
    with atomic_write(output) as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


CSV_COLUMNS = ["id", "record", "project", "companies", "regions", "amounts", "amount_values_cny", "amount_roles",
               "capacities", "capacity_values", "stage", "date", "error"]


def write_csv(output: Path, rows: list[dict]) -> None:
    """One row per record (a document with no record still gets a row, so nothing disappears)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for r in rows:
        recs = r.get("records") or [None]
        for k, rec in enumerate(recs):
            if rec is None:
                w.writerow([r["id"], "", "", "", "", "", "", "", "", "", "", "", r.get("error") or ""])
                continue
            w.writerow([
                r["id"], k, rec.get("project") or "",
                "；".join(m["text"] for m in rec["companies"]),
                "；".join(m["text"] for m in rec["regions"]),
                "；".join(m["text"] for m in rec["amounts"]),
                "；".join(_fmt_value(m) for m in rec["amounts"]),
                "；".join(str(m.get("role") or "") for m in rec["amounts"]),
                "；".join(m["text"] for m in rec["capacities"]),
                "；".join(f"{_fmt_value(m)} {m.get('unit') or ''}".strip() for m in rec["capacities"]),
                rec.get("stage") or "", rec.get("date") or "", "",
            ])
    with atomic_write(output, encoding="utf-8-sig") as f:  # BOM: Excel opens Chinese CSV correctly
        f.write(buf.getvalue())


def _fmt_value(m: dict) -> str:
    if m.get("value") is not None:
        return str(m["value"])
    if m.get("low") is not None or m.get("high") is not None:
        return f"{m.get('low')}-{m.get('high')}"
    return ""


COLOURS = {"REGION": "#cfe8ff", "COMPANY": "#ffd8b0", "AMOUNT": "#c8f0c8", "CAPACITY": "#f3c8f0"}


def write_html(output: Path, rows: list[dict]) -> None:
    """A page per run: each document's entity mentions highlighted, one colour per type, records below."""
    parts = ["<!doctype html><meta charset='utf-8'><title>ner tag</title><style>",
             "body{font-family:sans-serif;max-width:60em;margin:auto} mark{padding:0 2px;border-radius:3px}",
             ".doc{white-space:pre-wrap;border:1px solid #ddd;padding:1em} .err{color:#b00}",
             "</style><h1>Tagged documents</h1><p>",
             " ".join(f"<mark style='background:{c}'>{t}</mark>" for t, c in COLOURS.items()), "</p>"]
    for r in rows:
        parts.append(f"<h2>{html.escape(str(r['id']))}</h2>")
        if r.get("error"):
            parts.append(f"<p class='err'>{html.escape(r['error'])}</p>")
            continue
        parts.append("<div class='doc'>" + highlight(r.get("text", ""), r["entities"]) + "</div>")
        parts.append(f"<p>{len(r.get('records', []))} record(s)</p>")
    with atomic_write(output) as f:
        f.write("".join(parts))


def highlight(text: str, entities: list[dict]) -> str:
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: e["start"]):
        if e["start"] < pos:
            continue
        out.append(html.escape(text[pos:e["start"]]))
        colour = COLOURS.get(e["label"], "#eee")
        out.append(f"<mark style='background:{colour}' title='{e['label']}'>{html.escape(text[e['start']:e['end']])}</mark>")
        pos = e["end"]
    out.append(html.escape(text[pos:]))
    return "".join(out)


WRITERS = {"jsonl": write_jsonl_rows, "csv": write_csv, "html": write_html}
