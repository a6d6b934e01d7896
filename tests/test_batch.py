"""Batch CLI: mixed inputs, a corrupt, an empty and a GB18030 file, resume after interruption, formats."""
import json
import os

import pytest

from ner.batch.inputs import iter_documents
from ner.batch.run import done_keys, tag_documents
from ner.errors import NerError
from ner.types import Span


class FakeTagger:
    """Tags every '亿元' amount by pattern; fails on texts containing 'BOOM' (a tagging error)."""

    def __init__(self):
        self.calls = 0

    def extract(self, text):
        if not isinstance(text, str):  # a list, as ner.pipeline.Tagger takes it: one result per text
            return [self.extract(t) for t in text]
        self.calls += 1
        if "BOOM" in text:
            raise RuntimeError("model failure")
        import re

        ents = [Span(m.start(), m.end(), "AMOUNT", m.group()) for m in re.finditer(r"\d+亿元", text)]
        return {"entities": [e.to_dict() for e in ents], "records": []}


class Interrupting(FakeTagger):
    """Interrupted (as by Ctrl-C) when asked for its document number ``after`` + 1."""

    def __init__(self, after):
        super().__init__()
        self.after = after

    def extract(self, text):
        if self.calls == self.after:
            raise KeyboardInterrupt
        return super().extract(text)


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
    assert counts == {"tagged": 3, "failed": 6, "skipped": 0, "duplicate_ids": 0}
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

    with pytest.raises(KeyboardInterrupt):
        tag_documents(Interrupting(after=2), [str(inputs / "in")], out, batch_size=1)
    assert not out.exists()  # the final file appears only when the run completes
    done = done_keys(out)
    assert len(done) == 2
    again = FakeTagger()
    counts = tag_documents(again, [str(inputs / "in")], out, resume=True, batch_size=1)
    assert counts["skipped"] == 2 and set(rows(out)) == {"a", "b", "boom", "corrupt", "empty"}
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5  # no duplicates


@pytest.mark.parametrize("fmt, check", [("csv", "id,source,record,project"), ("html", "<mark")])
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


# --- issue 18: nothing lost, nothing silent --------------------------------------------------------

def lines(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def same_ids(tmp_path):
    """Four documents, two ids: two folders' index.txt and a JSONL repeating one id."""
    for month in ("2023-01", "2023-02"):
        (tmp_path / "in" / month).mkdir(parents=True)
        (tmp_path / "in" / month / "index.txt").write_text(f"{month} 投资5亿元", encoding="utf-8")
    (tmp_path / "dup.jsonl").write_text('{"id": "x", "text": "投资1亿元"}\n{"id": "x", "text": "投资2亿元"}\n',
                                        encoding="utf-8")
    return [str(tmp_path / "in"), str(tmp_path / "dup.jsonl")]


def test_duplicate_ids_are_kept_apart_and_reported(same_ids, tmp_path, caplog):
    out = tmp_path / "out.jsonl"
    counts = tag_documents(FakeTagger(), same_ids, out)
    got = lines(out)
    assert len(got) == 4 and counts["tagged"] == 4 and counts["duplicate_ids"] == 2
    assert sorted(r["id"] for r in got) == ["index", "index", "x", "x"]  # ids as given, never merged
    assert len({r["source"] for r in got}) == 4
    assert sum("duplicate id" in m for m in caplog.messages) == 2


def test_resume_keys_by_source_not_id(same_ids, tmp_path):
    out = tmp_path / "out.jsonl"

    with pytest.raises(KeyboardInterrupt):
        tag_documents(Interrupting(after=1), same_ids, out, batch_size=1)
    assert len(done_keys(out)) == 1
    counts = tag_documents(FakeTagger(), same_ids, out, resume=True, batch_size=1)
    assert counts["skipped"] == 1 and counts["tagged"] == 3
    got = lines(out)
    assert len(got) == 4 and len({r["source"] for r in got}) == 4  # 4 in, 4 out, none twice


def test_second_run_on_one_output_is_refused(inputs):
    from ner.batch.run import owned

    out = inputs / "out.jsonl"
    with owned(out):
        with pytest.raises(NerError, match=rf"another `ner tag` run \(pid {os.getpid()}\) is writing"):
            tag_documents(FakeTagger(), [str(inputs / "in")], out)
    tag_documents(FakeTagger(), [str(inputs / "in")], out)  # released: the next run goes ahead
    assert len(lines(out)) == 5 and not (inputs / "out.jsonl.lock").exists()


def test_stale_lock_of_a_dead_run_is_taken_over(inputs):
    out = inputs / "out.jsonl"
    (inputs / "out.jsonl.lock").write_text("999999999\n", encoding="utf-8")  # SIGKILLed run: no flock held
    tag_documents(FakeTagger(), [str(inputs / "in")], out)
    assert len(lines(out)) == 5 and not (inputs / "out.jsonl.lock").exists()


def test_torn_last_journal_line_is_redone(inputs, caplog):
    out = inputs / "out.jsonl"
    first = json.dumps({"id": "a", "source": str(inputs / "in" / "a.txt"), "entities": [], "records": []})
    (inputs / "out.jsonl.partial").write_text(first + '\n{"id": "b", "source": "', encoding="utf-8")
    counts = tag_documents(FakeTagger(), [str(inputs / "in")], out, resume=True)
    assert counts["skipped"] == 1 and counts["tagged"] + counts["failed"] == 4
    assert sorted(r["id"] for r in lines(out)) == ["a", "b", "boom", "corrupt", "empty"]
    assert any("torn" in m for m in caplog.messages)


def test_rerun_without_resume_keeps_an_interrupted_journal(inputs):
    out = inputs / "out.jsonl"
    journal = inputs / "out.jsonl.partial"
    journal.write_text(json.dumps({"id": "a", "source": "x", "entities": [], "records": []}) + "\n", encoding="utf-8")
    with pytest.raises(NerError, match=r"out.jsonl.partial: an interrupted run's journal \(1 document done\).*--resume.*--overwrite"):
        tag_documents(FakeTagger(), [str(inputs / "in")], out)
    assert journal.exists()
    tag_documents(FakeTagger(), [str(inputs / "in")], out, overwrite=True)
    assert len(lines(out)) == 5 and not journal.exists()


def test_lone_surrogates_become_error_lines(tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "\\udcff", "text": "投资5亿元"}\n{"id": "t", "text": "投资\\udcff5亿元"}\n'
                   '{"id": "ok", "text": "投资7亿元"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    counts = tag_documents(FakeTagger(), [str(src)], out)
    got = {r["source"].rsplit(":", 1)[1]: r for r in lines(out)}
    assert counts == {"tagged": 1, "failed": 2, "skipped": 0, "duplicate_ids": 0}
    assert "s.jsonl:1" in got["1"]["error"] and "lone surrogate" in got["1"]["error"] and got["1"]["id"] == "\\udcff"
    assert "s.jsonl:2" in got["2"]["error"] and "lone surrogate" in got["2"]["error"]
    assert got["3"]["entities"][0]["text"] == "7亿元"
    assert tag_documents(FakeTagger(), [str(src)], out, resume=True)["skipped"] == 3


def test_preannotate_survives_a_lone_surrogate(tmp_path):
    from click.testing import CliRunner

    from ner.cli import main

    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "t", "text": "投资\\udcff5亿元"}\n{"id": "ok", "text": "总投资75亿元"}\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["preannotate", str(src), "-o", str(tmp_path / "p.json")])
    assert r.exit_code == 3 and "s.jsonl:1" in r.output and "Traceback" not in r.output
    assert "75亿元" in (tmp_path / "p.json").read_text(encoding="utf-8")


def test_links_and_upper_case_suffixes(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "UP.TXT").write_text("投资5亿元", encoding="utf-8")
    (d / "more.JSONL").write_text('{"id": "j", "text": "投资6亿元"}\n', encoding="utf-8")
    (d / "dead.txt").symlink_to(tmp_path / "nowhere.txt")
    (d / "loop.txt").symlink_to(d / "loop.txt")
    out = tmp_path / "out.jsonl"
    tag_documents(FakeTagger(), [str(d)], out)
    got = {r["id"]: r for r in lines(out)}
    assert got["UP"]["entities"][0]["text"] == "5亿元" and got["j"]["entities"][0]["text"] == "6亿元"
    assert "dead.txt: broken symbolic link" in got["dead"]["error"]
    assert "loop.txt: symbolic link loop" in got["loop"]["error"]


def test_utf16_with_bom_is_read_and_nul_bytes_are_binary(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "u16.txt").write_bytes("投资5亿元".encode("utf-16"))
    (d / "nul.txt").write_bytes("投资5亿元\x00\x00".encode("utf-8"))
    got = {doc.id: doc for doc in iter_documents([str(d)])}
    assert got["u16"].text == "投资5亿元"
    assert "NUL bytes" in got["nul"].error


def test_saved_web_pages_are_read_as_their_text(tmp_path):
    """A folder of saved pages: each .html/.htm is its title, a blank line and its paragraphs (GB18030 pages too);
    scripts, styles and comments stay out; a page with no text is an error row, not a lost one."""
    d = tmp_path / "in"
    d.mkdir()
    page = ("<html><head><meta charset='gb2312'><title>德赛电池项目落户长沙 - 某网</title><script>var x='总投资9亿元';</script>"
            "</head><body><div class=nav><a href='/'>首页</a> <a href='/n'>新闻</a></div><h1>德赛电池项目落户长沙</h1>"
            "<p style='text-indent:2em'>项目落户长沙市望城经开区，总投资<span><a href='t'>75</a></span>亿元，"
            "规划产能20GWh。</p><p>&nbsp;</p><p>一期投资30亿元&amp;。<br>二期开工。</p><!-- 总投资8亿元 --></body></html>")
    (d / "a.html").write_bytes(page.encode("gb18030"))
    (d / "b.HTM").write_text("<html><body><script>document.write('x')</script></body></html>", encoding="utf-8")
    got = {doc.id: doc for doc in iter_documents([str(d)])}
    assert got["a"].text == ("德赛电池项目落户长沙\n\n首页 新闻\n项目落户长沙市望城经开区，总投资75亿元，规划产能20GWh。\n"
                             "一期投资30亿元&。\n二期开工。")
    assert got["b"].text is None and "b.HTM: the page holds no text" in got["b"].error
    out = tmp_path / "out.jsonl"
    tag_documents(FakeTagger(), [str(d)], out)
    rows = {r["id"]: r for r in lines(out)}
    assert rows["a"]["entities"] and "error" in rows["b"]
    assert all(rows["a"]["text"][e["start"]:e["end"]] == e["text"] for e in rows["a"]["entities"])


def test_csv_cells_that_start_a_formula_are_escaped(tmp_path):
    import csv

    src = tmp_path / "f.jsonl"
    src.write_text('{"id": "=HYPERLINK(\\"http://x\\")", "text": "投资5亿元"}\n{"id": "@cmd", "text": "x"}\n'
                   '{"id": "-1+1", "text": "y"}\n{"id": "\\tz", "text": "y"}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    tag_documents(FakeTagger(), [str(src)], out, fmt="csv")
    ids = [row[0] for row in csv.reader(out.read_text(encoding="utf-8-sig").splitlines())][1:]
    assert ids == ["'=HYPERLINK(\"http://x\")", "'@cmd", "'-1+1", "'\tz"]


@pytest.fixture()
def cli_fake(monkeypatch):
    from click.testing import CliRunner

    import ner.pipeline
    from ner.cli import main

    monkeypatch.setattr(ner.pipeline, "load", lambda *a, **k: FakeTagger())
    return lambda *args: CliRunner().invoke(main, ["tag", "--model", "m", *map(str, args)])


def test_exit_codes(cli_fake, inputs):
    out = inputs / "out.jsonl"
    r = cli_fake(inputs / "in" / "a.txt", "-o", out)
    assert r.exit_code == 0, r.output
    r = cli_fake(inputs / "in", "-o", out)
    assert r.exit_code == 3 and "3 failed" in r.output  # some documents failed: error lines, exit 3
    r = cli_fake(inputs / "nope", "-o", inputs / "o2.jsonl")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "nope: no such file" in r.output
    assert not (inputs / "o2.jsonl").exists() and not (inputs / "o2.jsonl.partial").exists()
    (inputs / "out.jsonl.partial").write_text('{"id": "a", "source": "s"}\n', encoding="utf-8")
    r = cli_fake(inputs / "in" / "a.txt", "-o", out)
    assert r.exit_code == 2 and "--overwrite" in r.output and r.output.count("\n") == 1
    assert cli_fake(inputs / "in" / "a.txt", "-o", out, "--overwrite").exit_code == 0


def test_cli_refuses_a_held_output_before_the_model_loads(cli_fake, inputs, monkeypatch):
    import ner.pipeline
    from ner.batch.run import owned

    monkeypatch.setattr(ner.pipeline, "load", lambda *a, **k: pytest.fail("the model was loaded"))
    with owned(inputs / "out.jsonl"):
        r = cli_fake(inputs / "in", "-o", inputs / "out.jsonl")
    assert r.exit_code == 2 and r.output.count("\n") == 1 and f"(pid {os.getpid()})" in r.output


def test_parquet_rows_are_documents(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["p1", "p2"], "text": ["投资5亿元", ""]}), tmp_path / "d.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    out = tmp_path / "out.jsonl"
    counts = tag_documents(FakeTagger(), [str(tmp_path / "d.parquet"), str(tmp_path / "bad.parquet")], out)
    got = {r["source"].rsplit("/", 1)[1]: r for r in lines(out)}
    assert counts["tagged"] == 1 and counts["failed"] == 2
    assert got["d.parquet:1"]["entities"][0]["text"] == "5亿元" and got["d.parquet:1"]["id"] == "p1"
    assert "empty 'text'" in got["d.parquet:2"]["error"] and "cannot read it as parquet" in got["bad.parquet"]["error"]


# --- issue 17: the model reads the next documents while the last ones' records are built ----------------

def test_submitted_batches_keep_order_and_lose_nothing(char_tokenizer, tmp_path, monkeypatch):
    """``ner tag`` with a real Tagger: each flush's documents go to the model (``Tagger.submit``) while the
    previous flush's records are built; the rows equal one ``extract`` per document, in input order; a
    document whose records fail is one error line; an interrupted model still writes what was done."""
    import threading

    from ner.pipeline import Tagger
    from tests.test_tagger import OracleModel

    ids = char_tokenizer.convert_tokens_to_ids(char_tokenizer.tokenize("75亿元"))
    tagger = Tagger(OracleModel(ids), char_tokenizer, ["REGION", "COMPANY", "AMOUNT", "CAPACITY"], device="cpu")
    texts = [f"第{k}个项目在长沙市建设，总投资75亿元。" * (1 + k % 3) for k in range(9)] + ["BAD 75亿元"]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": f"d{k}", "text": t}, ensure_ascii=False) + "\n"
                                               for k, t in enumerate(texts)), encoding="utf-8")
    extracted = tagger._extracted
    threads = set()

    def records(text, tokens, probs):
        threads.add(threading.current_thread().name)
        if text.startswith("BAD"):
            raise ValueError("no records")
        return extracted(text, tokens, probs)

    monkeypatch.setattr(tagger, "_extracted", records)
    events = []
    forward = tagger.encoder.__class__.__call__

    def logged(self, *a):
        events.append("model")
        return forward(self, *a)

    monkeypatch.setattr(tagger.encoder.__class__, "__call__", logged)
    out = tmp_path / "out.jsonl"
    counts = tag_documents(tagger, [str(tmp_path / "in.jsonl")], out, batch_size=3,
                           sink=lambda row, text: events.append("row"))
    assert events[:4] == ["model", "model", "row", "row"]  # the second batch was read before the first written
    got = lines(out)
    assert [r["id"] for r in got] == [f"d{k}" for k in range(10)] and counts == {
        "tagged": 9, "failed": 1, "skipped": 0, "duplicate_ids": 0}
    assert [{"entities": r["entities"], "records": r["records"]} for r in got[:9]] == [
        extracted(t, *_probs(tagger, t)) for t in texts[:9]]
    assert "ValueError: no records" in got[9]["error"] and got[9]["entities"] == []
    assert any(name.startswith("ner-rules") for name in threads)  # built beside the model

    calls = 0

    def interrupted(self, *a):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return forward(self, *a)

    monkeypatch.setattr(tagger.encoder.__class__, "__call__", interrupted)
    again = tmp_path / "again.jsonl"
    with pytest.raises(KeyboardInterrupt):
        tag_documents(tagger, [str(tmp_path / "in.jsonl")], again, batch_size=3)
    assert len(done_keys(again)) == 6  # both flushes the model had read are written, none lost


def _probs(tagger, text):
    """(tokens, probs) of one text, as the tagger hands them to ``_extracted``."""
    got = []
    tagger._run([text], lambda t, tokens, probs: got.append((tokens, probs)))
    return got[0]


def test_a_records_failure_with_rules_inline_fails_one_document(char_tokenizer, tmp_path, monkeypatch):
    """With the rules on the model's thread (``background_rules=False``) a failing document is one error
    line and the model reads the batch once (no retry one by one); an interrupt while the last batch is
    written cancels what is not built, journals what was, and is raised."""
    from ner.pipeline import Tagger
    from tests.test_tagger import OracleModel

    ids = char_tokenizer.convert_tokens_to_ids(char_tokenizer.tokenize("75亿元"))
    tagger = Tagger(OracleModel(ids), char_tokenizer, ["REGION", "COMPANY", "AMOUNT", "CAPACITY"], device="cpu",
                    background_rules=False)
    texts = ["总投资75亿元。", "BAD 75亿元", "在长沙投资75亿元。"]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": f"d{k}", "text": t}, ensure_ascii=False) + "\n"
                                               for k, t in enumerate(texts)), encoding="utf-8")
    extracted, calls = tagger._extracted, []

    def records(text, tokens, probs):
        if text.startswith("BAD"):
            raise ValueError("no records")
        return extracted(text, tokens, probs)

    forward = tagger.encoder.__class__.__call__

    def counted(self, *a):
        calls.append(1)
        return forward(self, *a)

    monkeypatch.setattr(tagger, "_extracted", records)
    monkeypatch.setattr(tagger.encoder.__class__, "__call__", counted)
    counts = tag_documents(tagger, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl")
    assert counts["failed"] == 1 and counts["tagged"] == 2 and len(calls) == 1
    assert "ValueError: no records" in lines(tmp_path / "out.jsonl")[1]["error"]

    def interrupt(row, text):
        if row["id"] == "d2":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tag_documents(tagger, [str(tmp_path / "in.jsonl")], tmp_path / "again.jsonl", batch_size=1, sink=interrupt)
    assert len(done_keys(tmp_path / "again.jsonl")) == 2  # d0 and d1 written before d2's write was interrupted


def test_an_interrupted_wait_cancels_the_queued_texts(char_tokenizer):
    """``Tagger.tag`` interrupted while it waits for the records thread cancels the texts still queued
    there, instead of building all of them first."""
    import time

    from ner.pipeline import Tagger
    from tests.test_tagger import OracleModel

    tagger = Tagger(OracleModel([]), char_tokenizer, ["REGION", "COMPANY", "AMOUNT", "CAPACITY"], device="cpu")
    done = []

    def finish(text, tokens, probs):
        if text == "t0":
            raise KeyboardInterrupt
        time.sleep(0.05)
        done.append(text)

    with pytest.raises(KeyboardInterrupt):
        tagger._run([f"t{k}" for k in range(40)], finish)
    assert len(done) < 20
