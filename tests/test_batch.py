"""Batch CLI: mixed inputs, a corrupt, an empty and a GB18030 file, resume after interruption, formats."""
import json

import pytest

from ner.batch import done_ids, iter_documents, tag_documents
from ner.types import Span


class FakeTagger:
    """Tags every '亿元' amount by pattern; fails on texts containing 'BOOM' (a tagging error)."""

    def __init__(self):
        self.calls = 0

    def extract(self, text):
        self.calls += 1
        if "BOOM" in text:
            raise RuntimeError("model failure")
        import re

        ents = [Span(m.start(), m.end(), "AMOUNT", m.group()) for m in re.finditer(r"\d+亿元", text)]
        return {"entities": [e.to_dict() for e in ents], "records": []}


@pytest.fixture()
def inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("总投资75亿元", encoding="utf-8")
    (d / "b.txt").write_bytes("投资12亿元，湖南长沙".encode("gb18030"))
    (d / "empty.txt").write_bytes(b"")
    (d / "corrupt.txt").write_bytes(b"\x81\x30\x00\x00\xff\xfe\x00")
    (d / "boom.txt").write_text("BOOM 3亿元", encoding="utf-8")
    (tmp_path / "docs.jsonl").write_text(
        '{"id": "j1", "text": "投资5亿元"}\n{"id": "j2"}\n{not json\n', encoding="utf-8")
    return tmp_path


def rows(path):
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_nothing_lost_errors_reported(inputs):
    out = inputs / "out.jsonl"
    counts = tag_documents(FakeTagger(), [str(inputs / "in"), str(inputs / "docs.jsonl"), str(inputs / "nope*.txt")], out)
    r = rows(out)
    assert r["a"]["entities"][0]["text"] == "75亿元"
    assert r["b"]["entities"][0]["text"] == "12亿元"  # GB18030 detected
    assert "empty file" in r["empty"]["error"] and "corrupt.txt" in r["corrupt"]["error"]
    assert "model failure" in r["boom"]["error"]  # a tagging failure is one error line; the run went on
    assert r["j1"]["entities"][0]["text"] == "5亿元" and "docs.jsonl:2" in r["docs:2"]["error"]
    assert "docs.jsonl:3" in r["docs:3"]["error"] and "no such file" in r["nope*"]["error"]
    assert counts == {"tagged": 3, "failed": 6, "skipped": 0}
    assert not (inputs / "out.jsonl.partial").exists()


def test_output_folder_is_created(inputs):
    out = inputs / "new" / "deeper" / "out.jsonl"
    tag_documents(FakeTagger(), [str(inputs / "in" / "a.txt")], out)
    assert rows(out)["a"]["entities"][0]["text"] == "75亿元"


def test_offsets_index_the_original_gb18030_text(inputs):
    docs = {d.id: d for d in iter_documents([str(inputs / "in" / "b.txt")])}
    e = FakeTagger().extract(docs["b"].text)["entities"][0]
    assert docs["b"].text[e["start"]:e["end"]] == "12亿元"


def test_resume_after_interruption(inputs):
    out = inputs / "out.jsonl"

    class Interrupting(FakeTagger):
        def extract(self, text):
            if self.calls == 2:
                raise KeyboardInterrupt
            return super().extract(text)

    with pytest.raises(KeyboardInterrupt):
        tag_documents(Interrupting(), [str(inputs / "in")], out, batch_size=1)
    assert not out.exists()  # the final file appears only when the run completes
    done = done_ids(out)
    assert len(done) == 2
    again = FakeTagger()
    counts = tag_documents(again, [str(inputs / "in")], out, resume=True, batch_size=1)
    assert counts["skipped"] == 2 and set(rows(out)) == {"a", "b", "boom", "corrupt", "empty"}
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5  # no duplicates


@pytest.mark.parametrize("fmt, check", [("csv", "id,record,project"), ("html", "<mark")])
def test_csv_and_html(inputs, fmt, check):
    out = inputs / f"out.{fmt}"
    tag_documents(FakeTagger(), [str(inputs / "in" / "a.txt")], out, fmt=fmt)
    assert check in out.read_text(encoding="utf-8-sig")


def test_stdin_jsonl(monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BytesIO('{"id": "x", "text": "投资9亿元"}\n'.encode())})())
    [doc] = list(iter_documents(["-"]))
    assert (doc.id, doc.text) == ("x", "投资9亿元")
