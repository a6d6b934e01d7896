"""Model in the loop: `ner preannotate --model` -> Label Studio / doccano -> corrected export -> `ner convert`."""
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GOLD, TEXTS, spans_by_find

import ner
from ner.cli import main
from ner.data import formats
from ner.labels import ENTITY_TYPES
from ner.records.build import build_records
from ner.records.evaluate import TUPLE_KINDS, record_tuples
from ner.records.links import PAIR_KINDS, record_links

REPO = Path(__file__).resolve().parents[1]
DOCS = TEXTS + ["华为与比亚迪在株洲签约，总投资12亿元，年产手机500万台。"]


@pytest.fixture(scope="module")
def tagger_dir(tmp_path_factory, tiny_base):
    """The tiny random BERT after three epochs on GOLD (enough for a few scored model companies), saved
    with a rule policy, so its output mixes scored model spans and unscored rule spans."""
    from ner.config import load_config
    from ner.model.training import train

    tmp = tmp_path_factory.mktemp("suggest")
    gold = tmp / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": f"d{k}", "text": t, "entities": spans_by_find(t, items)},
                                       ensure_ascii=False) + "\n" for k, (t, items) in enumerate(GOLD)), encoding="utf-8")
    cfg = load_config(None, [f"model.base={tiny_base}", f"data.gold={gold}", f"output_dir={tmp / 'model'}",
                             "data.dev_fraction=0", "train.epochs=3", "train.lr=3e-3", "train.head_lr=3e-3",
                             "train.batch_size=3", "train.warmup_ratio=0", "model.max_length=64", "model.overlap=8",
                             "tag.rules_only=[REGION,AMOUNT,CAPACITY]", "tag.rules_fill=[COMPANY]", "tag.min_score={}"])
    train(cfg, progress=False)
    return Path(cfg.output_dir)


@pytest.fixture()
def inputs(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{k}", "text": t}, ensure_ascii=False) + "\n" for k, t in enumerate(DOCS)),
                    encoding="utf-8")
    return path


def expected(model_dir):
    """What the saved tagger and build_records say, computed here independently of the CLI."""
    tagger = ner.load(model_dir)
    out = {}
    for k, (text, spans) in enumerate(zip(DOCS, tagger.tag(DOCS))):
        out[f"n{k}"] = (sorted(spans), build_records(text, spans))
    return out


def pairs(text, records):
    """(kind, entity offsets, quantity offsets): the mention-level pairs a list of records asserts."""
    return {(kind, (e["start"], e["end"]), (q["start"], q["end"]))
            for r in records for kind, left, right in (("company-amount", "companies", "amounts"),
                                                       ("region-amount", "regions", "amounts"),
                                                       ("company-capacity", "companies", "capacities"),
                                                       ("region-capacity", "regions", "capacities"))
            for e in r.get(left) or () for q in r.get(right) or ()} if records else set()


def test_preannotate_model_labelstudio_round_trip(tagger_dir, inputs, tmp_path):
    out = tmp_path / "tasks.json"
    r = CliRunner().invoke(main, ["preannotate", "--model", str(tagger_dir), str(inputs), "-o", str(out)])
    assert r.exit_code == 0, r.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    want = expected(tagger_dir)
    assert [t["data"]["article_id"] for t in tasks] == list(want)
    (pred,) = tasks[0]["predictions"]
    assert pred["model_version"] == tagger_dir.as_posix() and "annotations" not in tasks[0]
    results = [x for t in tasks for x in t["predictions"][0]["result"]]
    spans = [x for x in results if x["type"] == "labels"]
    relations = [x for x in results if x["type"] == "relation"]
    assert any("score" in x for x in spans) and any("score" not in x for x in spans)  # model and rule spans
    assert relations and {x["labels"][0] for x in relations} <= set(PAIR_KINDS)
    assert all(x["from_name"] == "label" and x["to_name"] == "text" for x in spans)

    back = formats.read_labelstudio(out, source="predictions")
    assert [a.id for a in back] == list(want)
    for a in back:
        spans_w, records_w = want[a.id]
        assert [(s.start, s.end, s.label, s.text) for s in a.entities] == [(s.start, s.end, s.label, s.text) for s in spans_w]
        assert [s.score for s in a.entities] == [None if s.score is None else round(s.score, 4) for s in spans_w]
        assert pairs(a.text, a.records) == pairs(a.text, records_w)  # every record pair, mention by mention
        assert record_tuples(a.records) == record_tuples(records_w)  # what evaluate-records scores

    # The annotator accepts the predictions; the JSON export comes back through `ner convert`.
    for t in tasks:
        t["annotations"] = [{"id": 1, "result": t.pop("predictions")[0]["result"]}]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["convert", "--from", "labelstudio", "--to", "jsonl", str(export), str(tmp_path / "gold.jsonl")])
    assert r.exit_code == 0 and "; the records of" in r.output, r.output
    gold = formats.read_jsonl(tmp_path / "gold.jsonl")  # reads gold.records.jsonl beside it, validated
    assert [(a.id, a.entities, pairs(a.text, a.records)) for a in gold] == [(a.id, a.entities, pairs(a.text, a.records)) for a in back]
    assert (tmp_path / "gold.records.jsonl").exists()


def test_preannotate_doccano_with_relations(tagger_dir, inputs, tmp_path):
    out = tmp_path / "tasks.jsonl"
    r = CliRunner().invoke(main, ["preannotate", "--model", str(tagger_dir), str(inputs), "-o", str(out), "--format", "doccano"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    want = expected(tagger_dir)
    for row in rows:
        spans_w, records_w = want[row["id"]]
        ids = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in row["entities"]}
        assert sorted(ids.values()) == [(s.start, s.end, s.label) for s in spans_w]
        assert all(set(rel) == {"id", "from_id", "to_id", "type"} and rel["type"] in PAIR_KINDS for rel in row["relations"])
        linked = {(rel["type"], ids[rel["from_id"]][:2], ids[rel["to_id"]][:2]) for rel in row["relations"]}
        assert linked == pairs(row["text"], records_w)
    back = formats.read_doccano(out)
    assert [pairs(a.text, a.records) for a in back] == [pairs(t, want[f"n{k}"][1]) for k, t in enumerate(DOCS)]


def test_preannotate_rules_without_model_writes_records_too(inputs, tmp_path):
    out = tmp_path / "tasks.json"
    r = CliRunner().invoke(main, ["preannotate", str(inputs), "-o", str(out)])
    assert r.exit_code == 0, r.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert tasks[0]["predictions"][0]["model_version"] == "rules"
    assert any(x["type"] == "relation" for t in tasks for x in t["predictions"][0]["result"])
    r = CliRunner().invoke(main, ["preannotate", str(inputs), "-o", str(out), "--format", "labelstudio-min"])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "expected one of labelstudio, doccano" in r.output


def test_labelstudio_config_matches_the_converters():
    root = ET.parse(REPO / "docs" / "labelstudio_config.xml").getroot()
    (labels,) = root.iter("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    values = [x.get("value") for x in labels.iter("Label")]
    colours = [x.get("background") for x in labels.iter("Label")]
    assert values == list(ENTITY_TYPES) and len(set(colours)) == len(colours) and all(colours)
    assert [x.get("value") for x in root.iter("Relation")] == list(PAIR_KINDS) == list(TUPLE_KINDS)
    (text,) = root.iter("Text")
    assert text.get("name") == "text" and text.get("value") == "$text"


def test_records_name_only_entity_spans(tagger_dir):
    """build_records only ever names the tagger's own spans: the writers can always link them."""
    for text, spans in zip(DOCS, ner.load(tagger_dir).tag(DOCS)):
        record_links(spans, build_records(text, spans), "doc")
