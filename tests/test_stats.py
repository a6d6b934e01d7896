"""Corpus statistics: counts per type and article, frequent surfaces, the text report."""
from __future__ import annotations

import json

import pytest

from ner.data.stats import corpus_stats, format_stats
from ner.types import Article, Span


def _article(id_, text, spans):
    out = []
    for surface, label in spans:
        start = text.index(surface)
        out.append(Span(start, start + len(surface), label, surface))
    return Article(id_, text, out)


ARTICLES = [
    _article("a1", "长沙市望城区总投资75亿元,年产智能手机4000万台,比亚迪在长沙",
             [("长沙市望城区", "REGION"), ("75亿元", "AMOUNT"), ("4000万台", "CAPACITY"), ("比亚迪", "COMPANY")]),
    _article("a2", "株洲和长沙,投资12亿元", [("株洲", "REGION"), ("长沙", "REGION"), ("12亿元", "AMOUNT")]),
    _article("a3", "没有实体的文章", []),
]


def test_counts_per_type_and_article():
    s = corpus_stats(ARTICLES)
    assert s["articles"] == 3 and s["entities"] == 7
    assert s["per_type"] == {"REGION": 3, "COMPANY": 1, "AMOUNT": 2, "CAPACITY": 1}
    assert s["per_article"][0] == {"id": "a1", "chars": len(ARTICLES[0].text), "entities": 4,
                                   "per_type": {"REGION": 1, "COMPANY": 1, "AMOUNT": 1, "CAPACITY": 1}}
    assert s["per_article"][2]["per_type"] == {"REGION": 0, "COMPANY": 0, "AMOUNT": 0, "CAPACITY": 0}
    assert s["per_article_mean"]["REGION"] == pytest.approx(1.0)
    assert s["mean_span_length"]["AMOUNT"] == pytest.approx(4.0)


@pytest.mark.parametrize("label,top,expected", [
    ("REGION", 10, [["株洲", 1], ["长沙", 1], ["长沙市望城区", 1]]),
    ("REGION", 1, [["株洲", 1]]),
    ("AMOUNT", 10, [["12亿元", 1], ["75亿元", 1]]),
    ("CAPACITY", 0, []),
])
def test_top_surfaces(label, top, expected):
    assert corpus_stats(ARTICLES, top=top)["top_surfaces"][label] == expected


def test_frequency_orders_surfaces():
    arts = [_article(str(i), "长沙", [("长沙", "REGION")]) for i in range(3)] + [_article("x", "株洲", [("株洲", "REGION")])]
    assert corpus_stats(arts)["top_surfaces"]["REGION"] == [["长沙", 3], ["株洲", 1]]
    assert corpus_stats(arts)["distinct_surfaces"]["REGION"] == 2


def test_unknown_labels_are_listed_after_known_types():
    art = Article("z", "某人", [Span(0, 2, "PERSON", "某人")])
    s = corpus_stats([art])
    assert s["types"][-1] == "PERSON" and s["per_type"]["PERSON"] == 1


def test_empty_corpus_and_json():
    s = corpus_stats([])
    assert s["articles"] == 0 and s["per_article_mean"]["REGION"] == 0.0
    json.dumps(corpus_stats(ARTICLES), ensure_ascii=False)


def test_negative_top_is_an_error():
    with pytest.raises(ValueError, match="top must be >= 0"):
        corpus_stats(ARTICLES, top=-1)


def test_format_stats_table():
    out = format_stats(corpus_stats(ARTICLES))
    lines = out.splitlines()
    assert lines[0] == "3 articles, 40 characters, 7 entities".replace("40", str(sum(len(a.text) for a in ARTICLES)))
    assert any(line.startswith("REGION") and line.split()[1] == "3" for line in lines)
    assert any(line.startswith("a1") and line.split()[-1] == "4" for line in lines)
    assert "AMOUNT: 12亿元 (1)  75亿元 (1)" in out


def test_format_stats_truncates_articles():
    arts = [_article(f"id{i}", "长沙", [("长沙", "REGION")]) for i in range(5)]
    assert "... 3 more articles" in format_stats(corpus_stats(arts), max_articles=2)
