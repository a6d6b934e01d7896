"""Batch tagging: inputs (files, folders, globs, JSONL or parquet of {"id","text"}, stdin) -> one line per document.

Nothing is lost: a document that cannot be read or tagged becomes an error line and the run goes on.
Each document is known by its ``source`` (the file's path as found, or ``path:line`` for a JSONL line),
which is unique; the user's id is kept as given, and an id shared by several documents is reported,
never merged. Progress is journalled to ``OUT.partial`` (one JSON line per document, flushed as it goes),
so an interrupted run resumes with ``resume=True`` (a torn last line is dropped and its document redone);
the final file (JSONL, CSV or HTML) is written atomically from the journal, which is then removed. An
output belongs to one run at a time: ``OUT.lock`` holds the run's pid under an advisory lock that the
system releases when the run dies, so a killed run's lock is taken over and a live one is refused.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ner.data.io import atomic_write
from ner.errors import NerError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; runs on one output are not guarded there
    fcntl = None
from ner.batch.inputs import Document, check_inputs, iter_documents, printable

log = logging.getLogger(__name__)

DOCS_PER_CALL = 512  # documents the model reads in one call (windows sorted by length) and journalled together
MAX_WARNINGS = 10  # duplicate ids named one by one; the rest are counted


def _journal(output: Path) -> Path:
    return output.with_name(output.name + ".partial")


@contextmanager
def owned(output: str | Path):
    """Hold ``OUT.lock`` (this run's pid, under ``flock``) while the block runs; NerError naming the
    other run's pid when a live run holds it. A dead run's lock is released by the system: taken over."""
    output = Path(output)
    lock = output.with_name(output.name + ".lock")
    if fcntl is None:
        yield
        return
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise NerError(f"{output}: another `ner tag` run (pid {holder}) is writing this output; "
                           f"wait for it to end or give another --output (lock {lock})") from None
        try:
            ours = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            ours = False
        if ours:
            break
        os.close(fd)  # the run that held it removed the file meanwhile: lock the new one
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    try:
        yield
    finally:
        os.unlink(lock)
        os.close(fd)


def read_journal(path: Path, repair: bool = False) -> list[dict]:
    """Rows of a journal (or finished JSONL output). A torn line (a crash mid-write) is skipped; with
    ``repair`` it is also cut from the file, so appended rows start on a line of their own."""
    if not path.exists():
        return []
    raw = path.read_bytes().decode("utf-8", "replace")
    rows, torn = [], 0
    for line in raw.split("\n"):
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or "id" not in row:
                raise ValueError
            rows.append(row)
        except ValueError:
            torn += bool(line.strip())
    if repair and (torn or (raw and not raw.endswith("\n"))):
        with atomic_write(path) as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        log.warning("%s: %d torn line(s) dropped (an interrupted write); those documents are tagged again", path, torn)
    return rows


def done_keys(output: Path) -> set[str]:
    """Sources already in the journal (or, without one, in a finished JSONL output)."""
    journal = _journal(Path(output))
    rows = read_journal(journal) if journal.exists() or Path(output).suffix != ".jsonl" else read_journal(Path(output))
    return {_key(r) for r in rows}


def _key(row: dict) -> str:
    return row["source"] if "source" in row else f"id:{row['id']}"  # rows of older releases: by id


def tag_documents(tagger, inputs: list[str], output: str | Path, fmt: str = "jsonl", resume: bool = False,
                  batch_size: int = DOCS_PER_CALL, progress: bool | None = None, overwrite: bool = False, sink=None,
                  writer_options: dict | None = None) -> dict:
    """Tag every document into ``output``; return counts {"tagged", "failed", "skipped", "duplicate_ids"}.
    ``sink(row, text)``, when given, gets each tagged document before its journal line is written (``ner
    tag --db``: a document in the journal is in the database too). ``writer_options`` go to the format's
    writer (``fx`` exchange rates for csv and xlsx).

    ``tagger``: anything with ``extract(texts) -> [{"entities", "records"}]`` and ``extract(text)``
    (``ner.pipeline.Tagger``). ``batch_size`` documents go to the tagger in one call (their windows sorted
    by length and batched across documents) and are journalled together, in input order.

    An interrupted run's journal is continued with ``resume``, discarded with ``overwrite``, and is
    otherwise an error (NerError), so that forgetting ``--resume`` loses nothing."""
    from tqdm.auto import tqdm

    output = Path(output)
    if fmt not in WRITERS:
        raise NerError(f"--format {fmt!r}: expected one of {', '.join(WRITERS)}"
                       + (" (parquet is written with --ray)" if fmt == "parquet" else ""))
    if resume and overwrite:
        raise NerError("--resume and --overwrite: give one (continue the journal, or start over)")
    check_inputs(inputs)
    output.parent.mkdir(parents=True, exist_ok=True)
    with owned(output):
        return _tag_owned(tagger, inputs, output, fmt, resume, batch_size, progress, overwrite, tqdm, sink, writer_options)


def check_output(output: str | Path, resume: bool = False, overwrite: bool = False) -> None:
    """NerError at once (before a model loads) when another run holds ``output``, or when an interrupted
    run's journal would be deleted. ``tag_documents`` checks again while it holds the output."""
    output = Path(output)
    if output.parent.is_dir():
        with owned(output):
            _keep_journal(_journal(output), resume, overwrite)


def _keep_journal(journal: Path, resume: bool, overwrite: bool) -> None:
    if journal.exists() and not resume and not overwrite:
        n = len(read_journal(journal))
        if n:
            raise NerError(f"{journal}: an interrupted run's journal ({n} document{'s' * (n != 1)} done) would be "
                           "deleted; add --resume to continue it, or --overwrite to start over")


def _tag_owned(tagger, inputs, output: Path, fmt, resume, batch_size, progress, overwrite, tqdm, sink=None,
               writer_options=None) -> dict:
    journal = _journal(output)
    _keep_journal(journal, resume, overwrite)
    if journal.exists() and not resume:
        journal.unlink()
    if resume and output.exists() and output.suffix == ".jsonl" and not journal.exists():
        journal.write_text(output.read_text(encoding="utf-8"), encoding="utf-8")  # continue after a finished run
    skip = {_key(r) for r in read_journal(journal, repair=True)} if resume else set()
    counts = {"tagged": 0, "failed": 0, "skipped": 0, "duplicate_ids": 0}
    first_source: dict[str, str] = {}
    progress = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(desc="tag", unit="doc", disable=not progress)
    with journal.open("a", encoding="utf-8") as out:
        pending: list[Document] = []
        in_flight: list = []  # (documents, their rows when ready): submitted to the model, not yet written

        def write(docs: list[Document], ready: Callable[[], list[dict]]) -> None:
            for d, row in zip(docs, ready()):
                if row.get("error"):
                    counts["failed"] += 1
                else:
                    counts["tagged"] += 1
                    if sink is not None:
                        sink(row, d.text)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            bar.update(len(docs))

        def flush():
            """The model reads the pending documents while the previous ones' records are still being built;
            then those are written (also when the model is interrupted), and these wait for the next flush.
            If writing is interrupted, the records not yet built are cancelled (resume redoes them)."""
            docs = list(pending)
            pending.clear()
            submitted = []
            try:
                if docs:
                    submitted.append((docs, submit_rows(tagger, docs, with_text=fmt == "html")))
            finally:
                try:
                    while in_flight:
                        write(*in_flight[0])
                        in_flight.pop(0)
                except BaseException:
                    for _, ready in [*in_flight, *submitted]:
                        ready.cancel()
                    raise
            in_flight.extend(submitted)

        for doc in iter_documents(inputs):
            if first_source.setdefault(doc.id, doc.source) != doc.source:
                counts["duplicate_ids"] += 1
                if counts["duplicate_ids"] <= MAX_WARNINGS:
                    log.warning("duplicate id %r: %s (first %s); both kept, told apart by \"source\"",
                                doc.id, doc.source, first_source[doc.id])
            if doc.source in skip or f"id:{doc.id}" in skip:
                counts["skipped"] += 1
                continue
            skip.add(doc.source)  # the same file given twice is tagged once
            pending.append(doc)
            if len(pending) >= batch_size:
                flush()
        flush()
        flush()  # the last documents submitted
    bar.close()
    if counts["duplicate_ids"] > MAX_WARNINGS:
        log.warning("%d documents in all share an id with an earlier one; each is kept", counts["duplicate_ids"])
    WRITERS[fmt](output, read_journal(journal), **(writer_options or {}))
    journal.unlink()
    return counts


def tag_rows(tagger, docs: list[Document], with_text: bool = False) -> list[dict]:
    """One output row per document, in order: ``{"id", "source", "entities", "records"}`` (with ``text``
    for the HTML page), or ``{"id", "source", "error", "entities": [], "records": []}`` for a document
    that could not be read or tagged (``submit_rows``, waited for)."""
    return submit_rows(tagger, docs, with_text)()


def submit_rows(tagger, docs: list[Document], with_text: bool = False) -> Callable[[], list[dict]]:
    """Start tagging ``docs``; return the function that gives their rows (``tag_rows``) once ready.

    The readable documents go to the tagger in one call (``Tagger.submit``: it returns once the model has
    read them, their records being built in the background; a tagger with only ``extract`` is waited for).
    If that call fails, they are tagged one by one, so that only the bad document fails."""
    ok = [d for d in docs if d.error is None]
    texts = [d.text for d in ok]
    try:  # one call: the windows of all these documents are batched by length
        if not ok:
            results = []
        elif hasattr(tagger, "submit"):
            results = tagger.submit(texts)
        else:
            results = [_settled(lambda r=r: r) for r in tagger.extract(texts)]
    except Exception:  # noqa: BLE001 - one bad batch: retry one by one
        results = [_settled(lambda d=d: tagger.extract(d.text)) for d in ok]

    def rows() -> list[dict]:  # rows.cancel(): drop the texts whose records are not yet being built
        by_doc = {}
        for d, future in zip(ok, results):
            try:
                by_doc[id(d)] = future.result()
            except Exception as e:  # noqa: BLE001 - recorded as an error line, run goes on
                d.error = f"{d.source}: tagging failed ({e.__class__.__name__}: {printable(str(e))})"
        out = []
        for d in docs:
            res = by_doc.get(id(d))
            if d.error is not None or res is None:
                out.append({"id": d.id, "source": d.source, "error": d.error, "entities": [], "records": []})
                continue
            row = {"id": d.id, "source": d.source, **res}
            if with_text or d.extracted:  # the page shows the text, and a web page's offsets index its text; JSONL
                # and CSV of text files stay compact
                row["text"] = d.text
            out.append(row)
        return out

    rows.cancel = lambda: [future.cancel() for future in results]  # type: ignore[attr-defined]
    return rows


def _settled(work: Callable[[], Any]) -> Future:
    """A future holding ``work()``'s result, or the exception it raised (not KeyboardInterrupt)."""
    future: Future = Future()
    try:
        future.set_result(work())
    except Exception as e:  # noqa: BLE001 - raised again by future.result(), where the row is made
        future.set_exception(e)
    return future


def write_jsonl_rows(output: Path, rows: list[dict]) -> None:
    with atomic_write(output) as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


def csv_cell(value) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text: ``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``."""
    s = str(value)
    return "'" + s if s.startswith(FORMULA_STARTS) else s


def write_csv(output: Path, rows: list[dict], fx: dict | None = None) -> None:
    """One row per record, each figure, unit, currency and region code in its own column (``ner.batch.export``)."""
    from ner.batch.export import write_record_csv

    write_record_csv(output, rows, fx)


def write_xlsx(output: Path, rows: list[dict], fx: dict | None = None) -> None:
    """The CSV's table as an Excel workbook (``ner.batch.export``; needs openpyxl)."""
    from ner.batch.export import write_record_xlsx

    write_record_xlsx(output, rows, fx)


def write_html(output: Path, rows: list[dict]) -> None:
    """Each document's text, entities highlighted and labelled, its records beside it (``ner.batch.export``)."""
    from ner.batch.export import write_html as write

    write(output, rows)


WRITERS = {"jsonl": write_jsonl_rows, "csv": write_csv, "xlsx": write_xlsx, "html": write_html}
