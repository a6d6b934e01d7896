"""Fault injection for `ner tag`: nothing lost, nothing twice, under bad input, kill -9 and two runs at once.

    python benchmarks/fault_injection.py [--docs 1000] [--seed 0] [--work DIR]

Builds a folder of ``--docs`` documents, about 5% of them bad (binary, GB18030, UTF-16 with and without
a BOM, empty, NUL bytes, a 1 MB line, lone surrogates in JSONL ids and texts, looping and dangling
symbolic links, bad JSON lines, duplicate ids, upper-case .TXT), and a tiny random tagger built as
``tests/conftest.py`` builds one (hidden 32, 2 layers; its head leans to O), so it runs in a minute or two
on a CPU. Then ``ner tag`` is killed with SIGKILL at three random points (when its journal reaches a
random number of documents; after the second, half a line is appended to the journal as a crash in
mid-write leaves it), resumed with ``--resume`` each time, and run to the end; a second run on
one output while the first holds it must be refused, naming the first's pid. Prints documents in,
outputs, error lines, lost and duplicates (both must be 0; the script exits 1 otherwise) and wall time.
A script, not a timed test: the kill points are random.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMPANIES = ["湖南德赛电池", "浙江吉成", "大唐华银", "比亚迪", "华为", "宁德时代", "中联重科", "三一重工"]
REGIONS = ["长沙市望城经开区", "株洲", "湘潭", "岳阳", "衡阳", "常德", "益阳", "郴州"]
TEMPLATES = ["{c}项目落户{r}，总投资{n}亿元，规划产能{k}GWh。", "{c}在{r}签约，计划投资{n}亿元。",
             "{r}{c}扩能改造项目开工，一期投资{n}亿元，年产{k}万台。"]


def article(rng: random.Random, sentences: int = 3) -> str:
    return "".join(rng.choice(TEMPLATES).format(c=rng.choice(COMPANIES), r=rng.choice(REGIONS),
                                                n=rng.randint(1, 99), k=rng.randint(1, 50))
                   for _ in range(sentences))


def build_model(folder: Path) -> Path:
    """A tiny random BERT tagger (tests/conftest.py's base) with a character vocab; its head leans to O."""
    sys.path.insert(0, str(REPO / "tests"))
    import torch
    from conftest import SPECIALS, make_tiny_base
    from transformers import BertTokenizerFast, logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()

    from ner.model.modeling import new_model

    chars = sorted({ch for t in COMPANIES + REGIONS + TEMPLATES for ch in t if ch not in "{}"} | set("0123456789"))
    (folder / "vocab").mkdir(parents=True)
    (folder / "vocab" / "vocab.txt").write_text("\n".join(SPECIALS + chars) + "\n", encoding="utf-8")
    tok = BertTokenizerFast.from_pretrained(folder / "vocab", do_lower_case=False, tokenize_chinese_chars=True)
    base = make_tiny_base(tok, folder / "base")
    model = new_model(str(base), ["REGION", "COMPANY", "AMOUNT", "CAPACITY"])
    with torch.no_grad():
        model.classifier.bias[0] = 4.0  # mostly O: a random head would tag spans everywhere
    model.save_pretrained(folder / "model")
    tok.save_pretrained(folder / "model")
    return folder / "model"


def build_inputs(folder: Path, n_docs: int, rng: random.Random) -> list[str]:
    """Write the documents; return the source of each, as `ner tag` names it (path, or path:line)."""
    sources: list[str] = []
    folder.mkdir(parents=True)

    def put(rel: str, data: bytes | None = None, link: str | None = None) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if link is not None:
            path.symlink_to(link)
        else:
            path.write_bytes(data)
        sources.append(str(path))

    lines = [json.dumps({"id": f"j{i}", "text": article(rng)}, ensure_ascii=False) for i in range(10)]
    lines += [json.dumps({"id": "j1", "text": article(rng)}, ensure_ascii=False),  # ids repeated
              json.dumps({"id": "j2", "text": article(rng)}, ensure_ascii=False),
              '{"id": "\\udcff", "text": "投资5亿元"}', '{"id": "s1", "text": "投资\\ud800 5亿元"}',
              '{"id": "\\udc80x", "text": "投资6亿元"}', '{"id": "s2", "text": "\\udfff"}',
              '{"id": "bad", "text": ', '["not", "an", "object"]']
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources += [f"{folder / 'feed.jsonl'}:{i}" for i in range(1, len(lines) + 1)]
    odd = [("binary/blob{}.txt", lambda: bytes(rng.randrange(256) for _ in range(2000)), 6),
           ("gb/gb{}.txt", lambda: article(rng).encode("gb18030"), 6),
           ("u16/bom{}.txt", lambda: article(rng).encode("utf-16"), 3),
           ("u16/nobom{}.txt", lambda: article(rng).encode("utf-16-le"), 3),
           ("empty/e{}.txt", lambda: b"" if rng.random() < 0.5 else b" \n\t\n", 4),
           ("nul/n{}.txt", lambda: article(rng).encode() + b"\x00\x00" + article(rng).encode(), 4),
           ("upper/U{}.TXT", lambda: article(rng).encode(), 3)]
    for pattern, make, count in odd:
        for i in range(count):
            put(pattern.format(i), make())
    put("big/one-mb-line.txt", (article(rng, 1) * (1_000_000 // 40 + 1))[:1_000_000].encode())
    for i in range(3):
        put(f"links/loop{i}.txt", link=f"loop{i}.txt")
        put(f"links/dead{i}.txt", link=str(folder / "nowhere" / f"{i}.txt"))
    k = 0
    while len(sources) < n_docs:  # good news, by month; each month has an index.txt (a repeated id)
        month = f"2023-{k % 12 + 1:02d}"
        put(f"{month}/index.txt" if k < 12 else f"{month}/doc{k:04d}.txt", article(rng).encode())
        k += 1
    return sources


def journal_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def tag_cmd(model: Path, inp: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ner.cli", "tag", "--model", str(model), str(inp), "-o", str(out), *extra]


def killed_at(cmd: list[str], journal: Path, target: int, env: dict) -> tuple[int, int]:
    """Run ``cmd`` and SIGKILL it once its journal holds ``target`` lines; (lines then, exit status)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and journal_lines(journal) < target:
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return journal_lines(journal), proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default=None, help="Folder to build in (default: a new temporary one).")
    args = ap.parse_args()
    t0 = time.time()
    rng = random.Random(args.seed)
    work = Path(args.work or tempfile.mkdtemp(prefix="ner-faults-"))
    sys.path.insert(0, str(REPO))
    model = build_model(work)
    inp = work / "in"
    sources = build_inputs(inp, args.docs, rng)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = work / "out.jsonl"
    journal = out.with_name(out.name + ".partial")

    for k, target in enumerate(sorted(rng.sample(range(1, len(sources)), 3))):
        cmd = tag_cmd(model, inp, out, *(["--resume"] if k else []))
        lines, status = killed_at(cmd, journal, target, env)
        print(f"kill -9 #{k + 1}: at {lines} journal lines (target {target}), status {status}")
        if k == 1:  # as if killed in the middle of a write: half a line at the end of the journal
            with journal.open("ab") as f:
                f.write(journal.read_bytes().splitlines(keepends=True)[-1][:30])
            print("  and a torn half line appended to the journal")
    final = subprocess.run(tag_cmd(model, inp, out, "--resume"), env=env, capture_output=True, text=True)
    print(f"resume to the end: exit {final.returncode}: {final.stdout.strip()}")

    other = work / "two.jsonl"  # two taggers on one output: the second must refuse, naming the first
    first = subprocess.Popen(tag_cmd(model, inp, other), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while first.poll() is None and journal_lines(other.with_name(other.name + ".partial")) < 1:
        time.sleep(0.02)
    second = subprocess.run(tag_cmd(model, inp, other), env=env, capture_output=True, text=True)
    refused = second.returncode == 2 and f"pid {first.pid}" in second.stderr
    print(f"second run on one output: exit {second.returncode}: {second.stderr.strip()}")
    first_status = first.wait()
    two = [json.loads(line) for line in other.read_text(encoding="utf-8").splitlines()]

    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    got = [r["source"] for r in rows]
    lost = len(set(sources) - set(got)) + len(set(sources) - {r["source"] for r in two})
    duplicates = len(got) - len(set(got)) + len(two) - len({r["source"] for r in two})
    print(f"documents in: {len(sources)}")
    print(f"outputs: {len(rows)} (first of two runs on one output: {len(two)}, exit {first_status})")
    print(f"error lines: {sum(1 for r in rows if r.get('error'))}")
    print(f"ids shared by several documents: {len(rows) - len({r['id'] for r in rows})} (kept apart by source)")
    print(f"lost: {lost}")
    print(f"duplicates: {duplicates}")
    print(f"second run refused naming the first's pid: {'yes' if refused else 'NO'}")
    print(f"wall time: {time.time() - t0:.1f} s")
    return 0 if lost == 0 and duplicates == 0 and refused and final.returncode == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
