"""Weak supervision (ner.data.weak): the vote, disputed types, merging with a corpus's labels, silver lines."""
import pytest

from ner.data import corpora
from ner.errors import InputError
from ner.types import Article, Span
from ner.data.weak import SilverSpec, VoteModel, merge_corpus, silver_rows

TEXT = "湖南德赛电池项目落户长沙市望城经开区，总投资75亿元"


def sp(text, mention, label, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    return Span(start, start + len(mention), label, mention)


def test_vote_keeps_patterns_that_were_right_on_gold():
    gold = [[sp(TEXT, "长沙市望城经开区", "REGION"), sp(TEXT, "75亿元", "AMOUNT")]]
    sources = {"rules": [[sp(TEXT, "长沙市", "REGION"), sp(TEXT, "75亿元", "AMOUNT")]],
               "model": [[sp(TEXT, "长沙市望城经开区", "REGION"), sp(TEXT, "75亿元", "AMOUNT")]]}
    vote = VoteModel.fit(gold, sources, threshold=0.6)
    assert vote.counts[("AMOUNT", frozenset({"rules", "model"}))] == [1, 1]
    assert vote.counts[("REGION", frozenset({"rules"}))] == [0, 1]
    assert vote.precision("AMOUNT", frozenset({"rules", "model"})) == pytest.approx(2 / 3)
    # an unseen pattern falls back to the best of its single sources
    assert vote.precision("REGION", frozenset({"rules", "model"})) == pytest.approx(2 / 3)
    doc = {"rules": sources["rules"][0], "model": sources["model"][0]}
    kept = vote.combine(doc, TEXT)
    assert [(s.text, s.label) for s in kept] == [("长沙市望城经开区", "REGION"), ("75亿元", "AMOUNT")]
    assert vote.disputed(doc, kept) == {"REGION"}  # the rules' 长沙市 was left out
    assert any("drop" in row for row in vote.explain()) and any("keep" in row for row in vote.explain())


def test_overlapping_candidates_higher_precision_wins():
    vote = VoteModel({("REGION", frozenset({"a"})): [8, 8], ("REGION", frozenset({"b"})): [6, 8]}, threshold=0.5)
    doc = {"a": [sp(TEXT, "长沙市", "REGION")], "b": [sp(TEXT, "长沙市望城经开区", "REGION")]}
    assert [s.text for s in vote.combine(doc, TEXT)] == ["长沙市"]
    vote.threshold = 0.95
    assert vote.combine(doc, TEXT) == []


def test_merge_corpus_keeps_own_labels_and_claims():
    own = sp(TEXT, "湖南德赛电池", "COMPANY")
    art = Article("c/1", TEXT, [own], ("COMPANY",))
    silver = [sp(TEXT, "德赛电池", "COMPANY"), sp(TEXT, "长沙市望城经开区", "REGION"), sp(TEXT, "75亿元", "AMOUNT")]
    merged = merge_corpus(art, silver, claim=["AMOUNT"])
    assert [(s.text, s.label) for s in merged.entities] == [("湖南德赛电池", "COMPANY"), ("长沙市望城经开区", "REGION"),
                                                           ("75亿元", "AMOUNT")]
    assert merged.labelled == ("COMPANY", "AMOUNT")  # REGION spans are taught, but its O is not trusted
    gold = Article("g", TEXT, [own])
    assert merge_corpus(gold, silver) is gold


@pytest.mark.parametrize("spec,want", [("fewfc", ("fewfc", "train", None)), ("cluener:dev:20", ("cluener", "dev", 20)),
                                       ("duee_fin::5", ("duee_fin", "train", 5))])
def test_silver_spec(spec, want):
    s = SilverSpec.parse(spec)
    assert (s.corpus, s.split, s.limit) == want


def test_silver_spec_error():
    with pytest.raises(InputError, match="name\\[:split\\]\\[:limit\\]"):
        SilverSpec.parse("fewfc:train:many")


def test_silver_rows_round_trip_through_read_referenced(tmp_path, monkeypatch):
    texts = {"doc1": TEXT, "doc2": "宁德时代在四川宜宾投资100亿元建设电池项目", "held": "不该读到"}
    monkeypatch.setitem(corpora.TEXT_SOURCES, "fake", lambda: texts)
    vote = VoteModel({("AMOUNT", frozenset({"rules"})): [9, 9], ("REGION", frozenset({"rules"})): [0, 9]}, threshold=0.6)
    rows, counts = silver_rows([SilverSpec("fake")], vote, ["rules"], None, exclude={"held"}, claim=["AMOUNT", "REGION"])
    assert [r["id"] for r in rows] == ["doc1", "doc2"]
    assert counts == {"AMOUNT": 2}
    assert all(r["labelled"] == ["AMOUNT"] for r in rows)  # REGION was proposed and voted down: not claimed
    path = tmp_path / "silver.refs.jsonl"
    from ner.data.io import write_jsonl

    write_jsonl(path, rows)
    arts = corpora.read_referenced(path)
    assert [a.labelled for a in arts] == [("AMOUNT",), ("AMOUNT",)]
    assert [s.text for s in arts[1].entities] == ["100亿元"]
