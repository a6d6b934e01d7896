"""scripts/check_identical.py: a snapshot is reproducible, and compare fails on any planted difference."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "check_identical.py"


def _script():
    spec = importlib.util.spec_from_file_location("check_identical", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _compare(a: Path, b: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "compare", str(a), str(b)], capture_output=True, text=True)


def test_snapshot_twice_is_identical_and_a_planted_difference_fails(tmp_path, tiny_tagger):
    check = _script()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    check.write(check.snapshot(str(tiny_tagger), public=2, limit=2), a)
    check.write(check.snapshot(str(tiny_tagger), public=2, limit=2), b)
    snap = json.loads(a.read_text(encoding="utf-8"))
    seeds = snap["sets"]["seeds"]["texts"]
    assert len(seeds) == 2
    first = next(iter(seeds.values()))
    assert {"rules", "model", "saved", "records", "sentence_records", "gold_records"} <= set(first)
    assert first["rules"], "the seeds have rule spans"
    done = _compare(a, b)
    assert done.returncode == 0, done.stdout
    assert "identical" in done.stdout

    # One rule span one character longer: compare names the place and exits 1.
    planted = json.loads(b.read_text(encoding="utf-8"))
    aid = next(iter(planted["sets"]["seeds"]["texts"]))
    planted["sets"]["seeds"]["texts"][aid]["rules"][0][1] += 1
    check.write(planted, b)
    done = _compare(a, b)
    assert done.returncode == 1
    assert f"/sets/seeds/texts/{aid}/rules[0][1]" in done.stdout


def test_compare_fails_on_a_missing_text_and_on_bytes_alone(tmp_path):
    check = _script()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    snap = {"model": None, "sets": {"seeds": {"n": 1, "texts": {"x": {"rules": [[0, 2, "REGION", "长沙", None]]}}}}}
    check.write(snap, a)
    b.write_text(json.dumps(snap, ensure_ascii=False) + "\n", encoding="utf-8")  # same content, other layout
    assert _compare(a, b).returncode == 1
    check.write({"model": None, "sets": {"seeds": {"n": 1, "texts": {}}}}, b)
    done = _compare(a, b)
    assert done.returncode == 1 and "/sets/seeds/texts/x: only in A" in done.stdout
    assert check.main(["compare", str(a), str(a)]) == 0


def test_compare_fails_on_keys_in_another_order(tmp_path):
    """A record whose keys come out in another order is written differently by ``ner tag``: a difference."""
    check = _script()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    check.write({"sets": {"seeds": {"n": 1, "texts": {"x": {"records": [{"project": None, "companies": []}]}}}}}, a)
    check.write({"sets": {"seeds": {"n": 1, "texts": {"x": {"records": [{"companies": [], "project": None}]}}}}}, b)
    done = _compare(a, b)
    assert done.returncode == 1 and "/sets/seeds/texts/x/records[0]: keys in another order" in done.stdout
