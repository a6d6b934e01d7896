import json
import re

import pytest
from click.testing import CliRunner

from ner.cli import main
from ner.data.io import read_articles
from ner.data.validate import read_gold, validate_file
from ner.errors import AnnotationError, InputError


def write(tmp_path, rows, name="a.jsonl"):
    p = tmp_path / name
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return p


def test_gold_seeds_are_valid(seeds_path):
    problems, n = validate_file(seeds_path)
    assert n == 5 and problems == []


@pytest.mark.parametrize("entity, match", [
    ({"start": 0, "end": 2, "label": "REGION", "text": "长沙"}, r"text found '湖南', text expected '长沙'"),
    ({"start": 0, "end": 2, "label": "PLACE", "text": "湖南"}, "unknown label 'PLACE'"),
    ({"start": 5, "end": 99, "label": "REGION", "text": "x"}, "outside the text"),
])
def test_span_problems_name_article_offsets_and_text(tmp_path, entity, match):
    p = write(tmp_path, [{"id": "art1", "text": "湖南长沙", "entities": [entity]}])
    problems, _ = validate_file(p)
    assert len(problems) == 1 and "art1" in problems[0]
    assert __import__("re").search(match, problems[0])


def test_overlap_and_duplicate_ids(tmp_path):
    ents = [{"start": 0, "end": 4, "label": "REGION", "text": "湖南长沙"}, {"start": 2, "end": 4, "label": "REGION", "text": "长沙"}]
    p = write(tmp_path, [{"id": "a", "text": "湖南长沙", "entities": ents}, {"id": "a", "text": "x", "entities": []}])
    problems, _ = validate_file(p)
    assert any("overlaps" in x for x in problems) and any("duplicate article id 'a'" in x for x in problems)


def test_cli_exit_codes(tmp_path, seeds_path):
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(seeds_path)]).exit_code == 0
    bad = write(tmp_path, [{"id": "a", "text": "湖南", "entities": [{"start": 0, "end": 1, "label": "REGION", "text": "湖南"}]}])
    r = runner.invoke(main, ["validate", str(bad)])
    assert r.exit_code == 1 and "a [0, 1) REGION" in r.output


def test_empty_file_bad_json_and_encoding(tmp_path):
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        read_articles(empty)
    badjson = tmp_path / "b.jsonl"
    badjson.write_text('{"id": "a", "text": "x"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"b.jsonl:2: invalid JSON"):
        read_articles(badjson)
    binary = tmp_path / "c.jsonl"
    binary.write_bytes(b"\x81\x30\x81\x30\x00\x00\xff")
    with pytest.raises(InputError, match="c.jsonl"):
        read_articles(binary)
    noid = write(tmp_path, [{"text": "x"}], "d.jsonl")
    with pytest.raises(AnnotationError, match=r"d.jsonl:1: missing key"):
        read_articles(noid)
    r = CliRunner().invoke(main, ["validate", str(badjson)])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "invalid JSON" in r.output  # one line, no traceback


# --- issue 18: gold is validated wherever it is read, with the messages of `ner validate` -----------

TEXT = "湖南长沙投资5亿元"
BAD_GOLD = [
    pytest.param([{"start": -3, "end": 2, "label": "REGION"}], r"\[-3, 2\) REGION: offsets outside the text", id="negative"),
    pytest.param([{"start": 4, "end": 2, "label": "REGION"}], r"\[4, 2\) REGION: offsets outside the text", id="reversed"),
    pytest.param([{"start": 6, "end": 99, "label": "AMOUNT"}], r"\[6, 99\) AMOUNT: offsets outside the text", id="out-of-range"),
    pytest.param([{"start": 0, "end": 4, "label": "REGION"}, {"start": 2, "end": 4, "label": "REGION"}],
                 r"\[0, 4\) REGION '湖南长沙' overlaps \[2, 4\) REGION '长沙'", id="overlap"),
]


def gold_with(tmp_path, entities):
    return write(tmp_path, [{"id": "ok", "text": "投资5亿元", "entities": []},
                            {"id": "art1", "text": TEXT, "entities": entities}], "gold.jsonl")


def one_line_error(result, match):
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
    assert re.search(r"gold\.jsonl:2: art1:? " + match, result.output), result.output


@pytest.mark.parametrize("entities, match", BAD_GOLD)
def test_validate_names_line_and_span(tmp_path, entities, match):
    problems, _ = validate_file(gold_with(tmp_path, entities))
    assert re.search(r"gold\.jsonl:2: art1:? " + match, problems[0])
    with pytest.raises(AnnotationError, match=r"gold\.jsonl:2: art1:? " + match):
        read_gold(gold_with(tmp_path, entities))


@pytest.mark.parametrize("entities, match", BAD_GOLD)
def test_train_evaluate_cv_convert_refuse_invalid_gold(tmp_path, entities, match):
    gold = gold_with(tmp_path, entities)
    runner = CliRunner()
    # gold is read first: no model is needed to see the error
    one_line_error(runner.invoke(main, ["train", f"data.gold={gold}", f"output_dir={tmp_path / 'm'}"]), match)
    one_line_error(runner.invoke(main, ["evaluate", "--model", str(tmp_path / "no-model"), str(gold)]), match)
    one_line_error(runner.invoke(main, ["cv", "--out", str(tmp_path / "cv"), f"data.gold={gold}"]), match)
    one_line_error(runner.invoke(main, ["convert", "--from", "jsonl", "--to", "conll", str(gold), str(tmp_path / "c")]), match)
    assert not (tmp_path / "m").exists() and not (tmp_path / "c").exists()


def test_entities_null_is_one_line(tmp_path):
    p = write(tmp_path, [{"id": "a", "text": "湖南", "entities": None}])
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "a.jsonl:1: article 'a': 'entities' must be a list" in r.output
