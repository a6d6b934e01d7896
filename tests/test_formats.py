"""Format converters: every pair round-trips text and spans exactly, readers are loud on bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ner.data import formats
from ner.data.formats import FORMATS, convert, read_format, to_hf_dataset, write_format
from ner.errors import AnnotationError, InputError
from ner.types import Article, Span

REPO = Path(__file__).resolve().parents[1]


def art(aid: str, text: str, items: list[tuple[str, str]]) -> Article:
    """An article whose spans are found with str.find (in order), never typed offsets."""
    spans, pos = [], 0
    for surface, label in items:
        i = text.find(surface, pos)
        assert i >= 0, (surface, text)
        spans.append(Span(i, i + len(surface), label, surface))
        pos = i + len(surface)
    return Article(aid, text, spans)


TRICKY = [
    art("a1", "全角１２３亿元投资，\u3000湖南 长沙\n\t比亚迪😀宁德时代🚀12GWh\r\n",
        [("１２３亿元", "AMOUNT"), ("湖南 长沙", "REGION"), ("比亚迪", "COMPANY"), ("宁德时代", "COMPANY"),
         ("12GWh", "CAPACITY")]),
    art("a2", "-DOCSTART- 不是边界\\n 反斜杠\\s\\u3000 𠀾科技公司 投资２．５万亿元", [("𠀾科技公司", "COMPANY"), ("２．５万亿元", "AMOUNT")]),
    art("a3", "👨🏻‍🚒🇨🇳 株洲\u2028攸县\x85\x0b\x0c\u200b北汽株洲分公司\u00a0e\u0301",
        [("株洲", "REGION"), ("攸县", "REGION"), ("北汽株洲分公司", "COMPANY")]),
    art("a4", "无实体的一行。", []),
    art("a5", "\n\n首尾都是空白\u3000\u3000", [("首尾", "REGION")]),
]


def key(articles: list[Article]) -> list[tuple]:
    return [(a.id, a.text, sorted((s.start, s.end, s.label) for s in a.entities)) for a in articles]


def out_path(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / ("brat_dir" if fmt == "brat" else f"data.{fmt}")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_tricky(fmt, tmp_path):
    path = out_path(tmp_path, fmt)
    write_format(fmt, TRICKY, path)
    back = read_format(fmt, path)
    assert key(back) == key(TRICKY)
    for a in back:
        assert all(a.text[s.start:s.end] == s.text for s in a.entities)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_seed_corpus(fmt, tmp_path, seeds_path):
    if not seeds_path.exists():
        pytest.skip(f"{seeds_path} not written yet")
    gold = formats.read_jsonl(seeds_path)
    path = out_path(tmp_path, fmt)
    write_format(fmt, gold, path)
    back = read_format(fmt, path)
    assert key(sorted(back, key=lambda a: a.id)) == key(sorted(gold, key=lambda a: a.id))


@pytest.mark.parametrize("chain", [["conll", "doccano", "labelstudio", "brat", "jsonl"]])
def test_convert_chain(chain, tmp_path):
    src = tmp_path / "start.jsonl"
    formats.write_jsonl(TRICKY, src)
    prev_fmt, prev = "jsonl", src
    for fmt in chain:
        nxt = tmp_path / ("brat_dir2" if fmt == "brat" else f"step.{fmt}")
        assert convert(prev_fmt, fmt, prev, nxt) == len(TRICKY)
        prev_fmt, prev = fmt, nxt
    assert key(formats.read_jsonl(prev)) == key(TRICKY)


def test_conll_escapes_whitespace_one_tab_per_line(tmp_path):
    path = tmp_path / "x.conll"
    formats.write_conll(TRICKY[:3], path)
    lines = path.read_bytes().decode("utf-8").split("\n")
    for line in lines:
        assert line == "" or line.startswith("-DOCSTART- ") or line.count("\t") == 1
    assert "\\s\tI-REGION" in lines  # the space inside 湖南 长沙
    assert "\\u3000\tO" in lines and "\\n\tO" in lines and "\\\\\tO" in lines and "\\r\tO" in lines
    assert "😀\tO" in lines


def test_conll_without_docstart_and_with_crlf(tmp_path):
    path = tmp_path / "plain.conll"
    path.write_bytes("长\tB-REGION\r\n沙\tI-REGION\r\n市\tI-REGION\r\n\r\n华\tB-COMPANY\r\n为\tI-COMPANY\r\n".encode())
    arts = formats.read_conll(path)
    assert [(a.id, a.text) for a in arts] == [("plain:1", "长沙市"), ("plain:2", "华为")]
    assert arts[0].entities == [Span(0, 3, "REGION", "长沙市")]


def test_doccano_writes_utf16_offsets_and_reads_both_layouts(tmp_path):
    a = art("e", "😀😀长沙", [("长沙", "REGION")])
    path = tmp_path / "d.jsonl"
    formats.write_doccano([a], path)
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["label"] == [[4, 6, "REGION"]]  # two emoji = four UTF-16 code units
    formats.write_doccano([a], path, offsets="codepoint")
    assert json.loads(path.read_text(encoding="utf-8"))["label"] == [[2, 4, "REGION"]]
    newer = tmp_path / "new.jsonl"
    newer.write_text(json.dumps({"id": 7, "text": "比亚迪在长沙", "entities": [
        {"id": 1, "label": "COMPANY", "start_offset": 0, "end_offset": 3},
        {"id": 2, "label": "REGION", "start_offset": 4, "end_offset": 6}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    got = formats.read_doccano(newer)
    assert got[0].id == "7" and [(s.text, s.label) for s in got[0].entities] == [("比亚迪", "COMPANY"), ("长沙", "REGION")]


def test_doccano_utf16_offset_inside_surrogate_pair_is_an_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "😀长沙", "label": [[1, 3, "REGION"]]}) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="surrogate pair.*offsets='codepoint'"):
        formats.read_doccano(path)


def test_labelstudio_predictions_and_export_layout(tmp_path):
    a = Article("p1", "湖南德赛电池落户长沙", [Span(0, 6, "COMPANY", "湖南德赛电池", 0.91), Span(8, 10, "REGION", "长沙", 0.5)])
    path = tmp_path / "ls.json"
    formats.write_labelstudio([a], path, as_predictions=True)
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert "annotations" not in tasks[0] and tasks[0]["predictions"][0]["model_version"] == "rules"
    r = tasks[0]["predictions"][0]["result"][0]
    assert r["from_name"] == "label" and r["to_name"] == "text" and r["type"] == "labels"
    assert r["value"] == {"start": 0, "end": 6, "text": "湖南德赛电池", "labels": ["COMPANY"]} and r["score"] == 0.91
    assert formats.read_labelstudio(path) == []  # no annotation: not evidence of no entities
    back = formats.read_labelstudio(path, source="predictions")
    assert key(back) == key([a]) and back[0].entities[0].score == 0.91


def test_labelstudio_reads_a_real_export(tmp_path):
    export = [{"id": 12, "data": {"text": "比亚迪投资75亿元"}, "annotations": [
        {"id": 1, "was_cancelled": True, "result": []},
        {"id": 2, "was_cancelled": False, "result": [
            {"id": "x", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 3, "text": "比亚迪", "labels": ["COMPANY"]}},
            {"id": "y", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 5, "end": 9, "text": "75亿元", "labels": ["AMOUNT"]}},
            {"id": "r", "type": "relation", "from_id": "x", "to_id": "y"}]}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    (got,) = formats.read_labelstudio(path)
    assert got.id == "12" and [(s.start, s.end, s.label) for s in got.entities] == [(0, 3, "COMPANY"), (5, 9, "AMOUNT")]


def test_labelstudio_hint_when_offsets_are_utf16(tmp_path):
    export = [{"data": {"text": "😀长沙市"}, "annotations": [{"result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 2, "end": 4, "text": "长沙", "labels": ["REGION"]}}]}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AnnotationError, match="text found '沙市', text expected '长沙'.*offsets='utf16'"):
        formats.read_labelstudio(path)
    assert formats.read_labelstudio(path, offsets="utf16")[0].entities[0].text == "长沙"


def test_brat_ignores_other_lines_and_rejects_discontinuous(tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "d1.txt").write_bytes("比亚迪在长沙\n投资".encode())
    (folder / "d1.ann").write_text("T1\tCOMPANY 0 3\t比亚迪\n#1\tAnnotatorNotes T1\tok\nR1\tRel Arg1:T1 Arg2:T1\n"
                                   "A1\tNegated T1\n", encoding="utf-8")
    (got,) = formats.read_brat(folder)
    assert got.id == "d1" and got.text == "比亚迪在长沙\n投资" and got.entities == [Span(0, 3, "COMPANY", "比亚迪")]
    (folder / "d1.ann").write_text("T1\tREGION 4 5;5 6\t长 沙\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"d1\.ann:1 \(article d1\).*discontinuous \(4 5;5 6\)"):
        formats.read_brat(folder)


def test_to_hf_dataset_columns():
    partial = Article("c", "比亚迪", [Span(0, 3, "COMPANY", "比亚迪")], labelled=("COMPANY",))
    ds = to_hf_dataset([TRICKY[0], partial, TRICKY[3]])
    assert ds.column_names == ["id", "text", "entities", "labelled"]
    assert ds[0]["labelled"] == ["REGION", "COMPANY", "AMOUNT", "CAPACITY"] and ds[1]["labelled"] == ["COMPANY"]
    assert ds[0]["entities"][1] == {"start": 11, "end": 16, "label": "REGION", "text": "湖南 长沙"}
    assert ds[2]["entities"] == []


# --- errors -----------------------------------------------------------------------------------------

def test_misaligned_span_names_file_line_offsets_and_texts(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "n1", "text": "比亚迪在长沙",
                                "entities": [{"start": 3, "end": 6, "label": "REGION", "text": "长沙"}]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad\.jsonl.*n1 \[3, 6\) REGION: text found '在长沙', text expected '长沙'"):
        formats.read_jsonl(path)


@pytest.mark.parametrize("fmt, content", [
    ("doccano", '{"id": "u1", "text": "比亚迪", "label": [[0, 3, "ORG"]]}\n'),
    ("conll", "-DOCSTART- u1\n比\tB-ORG\n亚\tI-ORG\n\n"),
    ("jsonl", '{"id": "u1", "text": "比亚迪", "entities": [{"start": 0, "end": 3, "label": "ORG"}]}\n'),
])
def test_unknown_label(fmt, content, tmp_path):
    path = tmp_path / f"x.{fmt}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError, match="unknown label 'ORG'"):
        read_format(fmt, path)


def test_conll_strict_iob2_and_bad_token(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("比\tO\n亚\tI-COMPANY\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"x\.conll:2: I-COMPANY follows O"):
        formats.read_conll(path)
    path.write_text("比亚\tO\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"x\.conll:1: '比亚' is not one character"):
        formats.read_conll(path)


def test_invalid_json_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "比亚迪", "label": []}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.jsonl:2: invalid JSON"):
        formats.read_doccano(path)


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "doccano", "labelstudio"])
def test_empty_file(fmt, tmp_path):
    path = tmp_path / f"empty.{fmt}"
    path.write_bytes(b"  \n")
    with pytest.raises(InputError, match="empty file"):
        read_format(fmt, path)


@pytest.mark.parametrize("fmt", ["jsonl", "conll", "doccano", "labelstudio"])
def test_bytes_neither_utf8_nor_gb18030(fmt, tmp_path):
    bad = b'{"id": "x", "text": "\x80\xff"}\n'
    for enc in ("utf-8", "gb18030"):  # the premise of the test
        with pytest.raises(UnicodeDecodeError):
            bad.decode(enc)
    path = tmp_path / f"bad.{fmt}"
    path.write_bytes(bad)
    with pytest.raises(InputError, match="not UTF-8 .* nor GB18030"):
        read_format(fmt, path)


def test_gb18030_file_is_read(tmp_path):
    path = tmp_path / "gbk.conll"
    path.write_bytes("-DOCSTART- g\n长\tB-REGION\n沙\tI-REGION\n\n".encode("gb18030"))
    assert formats.read_conll(path)[0].entities == [Span(0, 2, "REGION", "长沙")]


def test_unknown_format_and_unsafe_brat_id(tmp_path):
    with pytest.raises(InputError, match="unknown format 'xml'; choose one of jsonl, conll"):
        convert("xml", "jsonl", tmp_path / "a", tmp_path / "b")
    with pytest.raises(InputError, match="cannot be a file name"):
        formats.write_brat([Article("a/b", "长沙")], tmp_path / "brat")


# --- Label Studio JSON-MIN, relations as records, export errors ----------------------------------------

MIN_EXPORT = [
    {"id": 17, "text": "比亚迪在长沙投资75亿元", "article_id": "a1", "annotation_id": 5,
     "label": [{"start": 0, "end": 3, "text": "比亚迪", "labels": ["COMPANY"]},
               {"start": 4, "end": 6, "text": "长沙", "labels": ["REGION"]},
               {"start": 8, "end": 12, "text": "75亿元", "labels": ["AMOUNT"]}],
     "annotator": 1, "created_at": "2024-05-01T10:00:00Z", "lead_time": 12.5},
    {"id": 17, "text": "比亚迪在长沙投资75亿元", "article_id": "a1", "annotation_id": 4,
     "label": [{"start": 0, "end": 3, "text": "比亚迪", "labels": ["COMPANY"]}]},  # an older annotation
    {"id": 18, "text": "无实体", "annotation_id": 6, "annotator": 1},  # annotated, no span
    {"id": 19, "text": "未标注的任务"},  # nobody annotated it
]


def test_labelstudio_min_export_is_read(tmp_path):
    path = tmp_path / "export_min.json"
    path.write_text(json.dumps(MIN_EXPORT, ensure_ascii=False), encoding="utf-8")
    got = formats.read_labelstudio_min(path)
    assert [(a.id, a.records) for a in got] == [("a1", None), ("18", None)]
    assert [(s.text, s.label) for s in got[0].entities] == [("比亚迪", "COMPANY"), ("长沙", "REGION"), ("75亿元", "AMOUNT")]
    assert got[1].entities == []
    out = tmp_path / "gold.jsonl"
    assert convert("labelstudio-min", "jsonl", path, out) == 2 and not formats.records_path(out).exists()


def test_labelstudio_relations_become_records(tmp_path):
    text = "比亚迪在长沙投资75亿元，在株洲投资5亿元"
    region = lambda rid, s, e, lab: {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                                     "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
    result = [region("c", 0, 3, "COMPANY"), region("r1", 4, 6, "REGION"), region("m1", 8, 12, "AMOUNT"),
              region("r2", 14, 16, "REGION"), region("m2", 18, 21, "AMOUNT"),
              {"from_id": "c", "to_id": "m1", "type": "relation", "direction": "right", "labels": ["company-amount"]},
              {"from_id": "m1", "to_id": "r1", "type": "relation", "direction": "left", "labels": []},  # drawn backwards
              {"from_id": "c", "to_id": "m2", "type": "relation", "labels": ["region-amount"]},  # stale label
              {"from_id": "r2", "to_id": "m2", "type": "relation"}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 3, "data": {"text": text}, "annotations": [{"result": result}]}],
                               ensure_ascii=False), encoding="utf-8")
    (a,) = formats.read_labelstudio(path)
    assert [{k: [m["text"] for m in r[k]] for k in ("companies", "regions", "amounts")} for r in a.records] == [
        {"companies": ["比亚迪"], "regions": ["长沙"], "amounts": ["75亿元"]},
        {"companies": ["比亚迪"], "regions": ["株洲"], "amounts": ["5亿元"]}]
    out = tmp_path / "gold.jsonl"
    convert("labelstudio", "jsonl", path, out)
    assert formats.read_jsonl(out)[0].records == a.records  # .records.jsonl beside it, read back


def test_doccano_relation_export_is_read(tmp_path):
    row = {"id": 9, "text": "华为在株洲建设年产500万台手机项目",
           "entities": [{"id": 31, "label": "COMPANY", "start_offset": 0, "end_offset": 2},
                        {"id": 32, "label": "REGION", "start_offset": 3, "end_offset": 5},
                        {"id": 33, "label": "CAPACITY", "start_offset": 9, "end_offset": 14}],
           "relations": [{"id": 1, "from_id": 31, "to_id": 33, "type": "company-capacity"},
                         {"id": 2, "from_id": 33, "to_id": 32, "type": "region-capacity"}], "Comments": []}
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    (a,) = formats.read_doccano(path)
    assert a.id == "9" and [e.text for e in a.entities] == ["华为", "株洲", "500万台"]
    assert a.records == [{"companies": [{"text": "华为", "start": 0, "end": 2}], "regions": [{"text": "株洲", "start": 3, "end": 5}],
                          "amounts": [], "capacities": [{"text": "500万台", "start": 9, "end": 14}]}]
    formats.write_doccano([a], tmp_path / "again.jsonl")
    assert formats.read_doccano(tmp_path / "again.jsonl")[0].records == a.records


def _ls_task(text, result, task_id=17, article_id="a1"):
    return [{"id": task_id, "data": {"text": text, "article_id": article_id}, "annotations": [{"result": result}]}]


def _ls_span(rid, s, e, shown, label):
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": shown, "labels": [label]}}


@pytest.mark.parametrize("fmt, content, message", [
    ("labelstudio", _ls_task("比亚迪在长沙投资", [_ls_span("x", 3, 6, "长沙", "REGION")]),
     r"export\.json task 17 \(article a1\): a1 \[3, 6\) REGION: text found '在长沙', text expected '长沙'; "
     r"fix the offsets or the text"),
    ("labelstudio-min", [{"id": 17, "text": "比亚迪在长沙投资", "label": [
        {"start": 3, "end": 6, "text": "长沙", "labels": ["REGION"]}]}],
     r"export\.json task 17: 17 \[3, 6\) REGION: text found '在长沙', text expected '长沙'; fix the offsets"),
    ("labelstudio-min", [{"id": 17, "text": "比亚迪", "label": [{"start": 0, "end": 3, "text": "比亚迪", "labels": []}]}],
     r"export\.json task 17: span 0-3 has labels \[\]; give each region exactly one label"),
    ("labelstudio", _ls_task("比亚迪投资75亿元", [_ls_span("x", 0, 3, "比亚迪", "COMPANY"),
                                             {"from_id": "x", "to_id": "gone", "type": "relation"}]),
     r"task 17 \(article a1\): relation .* names span id 'gone', which is not among the Label Studio spans"),
    ("labelstudio", _ls_task("比亚迪在长沙", [_ls_span("x", 0, 3, "比亚迪", "COMPANY"), _ls_span("y", 4, 6, "长沙", "REGION"),
                                        {"from_id": "x", "to_id": "y", "type": "relation"}]),
     r"task 17 \(article a1\): relation between COMPANY '比亚迪' \[0, 3\) and REGION '长沙' \[4, 6\); a record link "
     r"joins a COMPANY or REGION to an AMOUNT or CAPACITY"),
    ("labelstudio", [{"id": 17, "text": "比亚迪", "label": []}], r"task 17: .*a JSON-MIN export; read it as labelstudio-min"),
    ("labelstudio-min", _ls_task("比亚迪", []), r"task 17: a task with 'data' or 'annotations': a JSON export; read it as labelstudio$"),
])
def test_labelstudio_export_errors_name_task_and_span(fmt, content, message, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    with pytest.raises((AnnotationError, InputError), match=message):
        read_format(fmt, path)


def test_doccano_relation_to_a_missing_entity(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": 4, "text": "华为投资5亿元", "entities": [
        {"id": 1, "label": "COMPANY", "start_offset": 0, "end_offset": 2}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "company-amount"}]}) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"export\.jsonl:1 \(article 4\): relation .* names span id 2, which is not "
                                              r"among the doccano spans"):
        formats.read_doccano(path)


def test_records_beside_jsonl_are_validated(tmp_path):
    path = tmp_path / "g.jsonl"
    formats.write_jsonl([art("a1", "比亚迪投资5亿元", [("比亚迪", "COMPANY"), ("5亿元", "AMOUNT")])], path)
    side = formats.records_path(path)
    assert side.name == "g.records.jsonl" and not side.exists()
    side.write_text(json.dumps({"id": "a1", "records": [{"companies": [{"text": "比亚", "start": 0, "end": 2}],
                                                          "amounts": [{"text": "5亿元", "start": 5, "end": 8}]}]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"g\.records\.jsonl:1 \(article a1\): record #1 companies mention .*'比亚'.* "
                                              "is not a COMPANY entity of the article"):
        formats.read_jsonl(path)
    side.write_text('{"id": "zz", "records": []}\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"g\.records\.jsonl:1: id 'zz' is no article of"):
        formats.read_jsonl(path)


def test_cli_convert_error_is_one_line(tmp_path):
    from click.testing import CliRunner

    from ner.cli import main

    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 17, "text": "比亚迪", "label": [{"start": 0, "end": 2, "text": "比亚迪",
                                                                      "labels": ["COMPANY"]}]}], ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["convert", "--from", "labelstudio-min", "--to", "jsonl", str(path), str(tmp_path / "o.jsonl")])
    assert r.exit_code == 2 and r.output.count("\n") == 1
    assert r.output.startswith("error: ") and "task 17: 17 [0, 2) COMPANY: text found '比亚', text expected '比亚迪'" in r.output
