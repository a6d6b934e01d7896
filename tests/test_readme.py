"""The README stays short and its "What it does" example prints what the README says it prints."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section, flags=re.S)


def test_readme_is_short():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= 200, f"README.md has {n} lines; keep it at most 200 (figures go to docs/results.md)"


def test_what_it_does_example_runs_and_prints_what_is_shown():
    section = _section(README.read_text(encoding="utf-8"), "What it does")
    (code,) = _blocks(section, "python")
    (shown,) = _blocks(section, "text")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         encoding="utf-8", timeout=120)
    assert run.returncode == 0, run.stderr
    printed = run.stdout.splitlines()

    # Entity lines "START END LABEL TEXT": the same entities, in the same order, as shown.
    entity_line = re.compile(r"^\d+ \d+ [A-Z]+ \S+$")
    shown_entities = [l for l in shown.splitlines() if entity_line.match(l)]
    assert shown_entities, "the README's output shows no entity line"
    assert [l for l in printed if entity_line.match(l)] == shown_entities
    assert {l.split()[2] for l in shown_entities} >= {"REGION", "AMOUNT", "CAPACITY"}

    # The record is shown wrapped and trimmed: every "key": value pair shown must be printed as is.
    record = printed[-1]
    pairs = re.findall(r'"\w+": (?:"[^"]*"|-?\d+(?:\.\d+)?|null|\[\d+, \d+\]|\[\])', shown)
    assert len(pairs) >= 8, pairs
    missing = [p for p in pairs if p not in record]
    assert not missing, f"shown in the README but not printed: {missing}\nprinted: {record}"
