"""Tagging past one machine: inputs -> a Ray Dataset of documents -> tagger actors -> one output file per shard.

    ner tag --model DIR --ray local|ADDRESS inputs... --output OUT_FOLDER [--format jsonl|parquet] [--workers N]

A *shard* is one input file (JSONL, parquet, or a text file); its documents are read on the cluster by
the readers of ``ner tag`` (``ner.batch.run``: same ids, sources, encodings and error lines), tagged by
``map_batches`` with ``TaggerActor`` (each actor loads the tagger once and tags batches of documents
as ``ner tag`` does, ``ner.batch.run.tag_rows``), and written to ``OUT_FOLDER/<shard>.jsonl`` (or
``.parquet``), each file atomically once all its documents are back. A document that cannot be read or
tagged becomes an error row. Re-running the same command skips the shards whose file exists, so an
interrupted run goes on where it stopped. Needs ``pip install -e '.[ray]'``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from ner.batch.inputs import SUFFIXES, Document, check_inputs, printable
from ner.data.io import atomic_write
from ner.errors import NerError

FORMATS = ("jsonl", "parquet")
BLOCK_BYTES = 1 << 20  # documents per Ray block: about a megabyte of them
DOCS_PER_BATCH = 64  # documents per map_batches call: small, so that small inputs still spread over the actors


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise NerError("--ray needs Ray Data: pip install -e '.[ray]' (or pip install 'ray[data]')") from None
    return ray


def shard_files(inputs: list[str]) -> list[Path]:
    """The input files, in ``ner tag``'s order (folders walked for .txt, .jsonl, .parquet, .html and .htm; globs
    expanded)."""
    import glob

    check_inputs(inputs)
    files: list[Path] = []
    for item in inputs:
        if item == "-":
            raise NerError("--ray reads files, folders and globs, not stdin (-); save the input to a file first")
        path = Path(item)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and (p.is_file() or p.is_symlink()))
        elif path.is_file() or path.is_symlink():
            files.append(path)
        else:
            files += [Path(p) for p in sorted(glob.glob(item, recursive=True)) if not Path(p).is_dir()]
    return list(dict.fromkeys(files))  # a file given twice is tagged once


def shard_name(path: Path) -> str:
    """The output file's stem for one input file: readable, and unique per path (``a-1f3e09b2``)."""
    digest = hashlib.sha1(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in path.stem)[:60]
    return f"{stem}-{digest}"


def read_shard(row: dict) -> Iterator[dict]:
    """``flat_map`` step: one input file -> its documents, read as ``ner tag`` reads them."""
    from ner.batch.inputs import _documents_from_file

    for k, doc in enumerate(_documents_from_file(Path(row["path"]))):
        yield {"shard": row["shard"], "order": k, "id": doc.id, "text": doc.text or "", "source": doc.source,
               "error": doc.error or "", "extracted": doc.extracted}


class TaggerActor:
    """``map_batches`` step: loads the tagger once per actor; tags a batch of documents into output rows."""

    def __init__(self, model_dir: str, backend: str = "auto", device: str = "auto", load_kwargs: dict | None = None,
                 threads: int | None = None):
        import torch

        from ner.pipeline import load

        if threads:
            torch.set_num_threads(threads)
        self.tagger = load(model_dir, backend=backend, device=device, threads=threads, **(load_kwargs or {}))

    def __call__(self, batch: dict) -> dict:
        from ner.batch.run import tag_rows

        docs = [Document(str(i), t if not e else None, str(s), str(e) or None, bool(x))
                for i, t, s, e, x in zip(batch["id"], batch["text"], batch["source"], batch["error"], batch["extracted"])]
        rows = tag_rows(self.tagger, docs)
        return {"shard": list(batch["shard"]), "order": list(batch["order"]),
                "row": [json.dumps(r, ensure_ascii=False) for r in rows]}


def tag_dataset(model_dir: str | Path, inputs: list[str], output: str | Path, address: str = "local",
                workers: int | None = None, fmt: str = "jsonl", backend: str = "auto", device: str = "auto",
                batch_size: int = DOCS_PER_BATCH, load_kwargs: dict | None = None) -> dict:
    """Tag ``inputs`` on a Ray cluster into the folder ``output`` (one file per input file); return counts
    {"tagged", "failed", "skipped" (shards already done), "shards"}.

    ``address``: ``local`` starts a cluster on this machine (``workers`` CPUs), anything else is given
    to ``ray.init`` (``auto``, ``ray://host:10001``); a cluster this process already joined is used as it
    is. ``workers``: tagger actors (default: the cluster's CPUs), one CPU each (``device`` cuda: one GPU)."""
    if fmt not in FORMATS:
        raise NerError(f"--format {fmt!r} with --ray: expected one of {', '.join(FORMATS)}")
    ray = _ray()
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise NerError(f"{out}: with --ray the output is a folder of shards; give a folder name")
    files = shard_files(inputs)
    todo = [(f, shard_name(f)) for f in files if not (out / f"{shard_name(f)}.{fmt}").exists()]
    counts = {"tagged": 0, "failed": 0, "skipped": len(files) - len(todo), "shards": len(files)}
    if not todo:
        return counts
    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("ray").setLevel(logging.WARNING)  # not a line per dataset executed
    if not ray.is_initialized():
        if address == "local":
            ray.init(num_cpus=workers or os.cpu_count(), include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    workers = workers or cpus
    gpu = device != "cpu" and ray.cluster_resources().get("GPU", 0) > 0
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # rows come back in input order: shards end one by one
    context.enable_progress_bars = False
    context.target_max_block_size = BLOCK_BYTES  # a big file becomes many blocks, for every actor to take
    paths = ray.data.from_items([{"path": str(f), "shard": name} for f, name in todo], override_num_blocks=len(todo))
    docs = paths.flat_map(read_shard, num_cpus=0)  # reading is light: the actors hold every CPU
    tagged = docs.map_batches(
        TaggerActor, batch_size=batch_size, compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1 if not gpu else 0, num_gpus=1 if gpu else 0, batch_format="numpy",
        fn_constructor_kwargs={"model_dir": str(Path(model_dir).resolve()), "backend": backend,
                               "device": device if gpu or device != "auto" else "cpu",
                               "load_kwargs": load_kwargs or {}, "threads": max(1, cpus // workers)})
    current, rows = None, []
    for batch in tagged.iter_batches(batch_size=256, batch_format="numpy"):
        for shard, order, row in zip(batch["shard"], batch["order"], batch["row"]):
            if shard != current:
                _write_shard(out, current, rows, fmt)
                current, rows = str(shard), []
            r = json.loads(row)
            counts["failed" if r.get("error") else "tagged"] += 1
            rows.append((int(order), r))
    _write_shard(out, current, rows, fmt)
    return counts


def _write_shard(out: Path, name: str | None, rows: list[tuple[int, dict]], fmt: str) -> None:
    """One shard's file, written atomically (a crash leaves no half shard, so a rerun redoes it)."""
    if name is None:
        return
    ordered = [r for _, r in sorted(rows, key=lambda x: x[0])]
    path = out / f"{name}.{fmt}"
    if fmt == "jsonl":
        with atomic_write(path) as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in ordered)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "id": [r["id"] for r in ordered], "source": [printable(r["source"]) for r in ordered],
        "error": [r.get("error") for r in ordered],
        "entities": [json.dumps(r["entities"], ensure_ascii=False) for r in ordered],
        "records": [json.dumps(r["records"], ensure_ascii=False) for r in ordered],
    })
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_output(output: str | Path) -> list[dict]:
    """Every row of a ``tag_dataset`` output folder (JSONL or parquet shards; parquet's entities and
    records parsed back), shard by shard in name order."""
    rows: list[dict] = []
    for path in sorted(Path(output).iterdir()):
        if path.suffix == ".jsonl":
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        elif path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for r in pq.read_table(path).to_pylist():
                r["entities"], r["records"] = json.loads(r["entities"]), json.loads(r["records"])
                rows.append({k: v for k, v in r.items() if v is not None or k != "error"})
    return rows
