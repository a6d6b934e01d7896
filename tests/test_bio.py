import pytest

from ner.data.bio import char_tags_to_spans, spans_to_char_tags
from ner.types import Span


def test_round_trip_on_seeds(seeds_path):
    from ner.data.io import read_articles

    for art in read_articles(seeds_path):
        spans = sorted(art.entities)
        assert char_tags_to_spans(art.text, spans_to_char_tags(art.text, spans)) == spans


@pytest.mark.parametrize(
    "tags, expected",
    [
        (["B-AMOUNT", "I-AMOUNT", "O"], [(0, 2, "AMOUNT")]),
        (["I-AMOUNT", "I-AMOUNT", "O"], [(0, 2, "AMOUNT")]),  # I after O opens an entity (explicit repair)
        (["B-REGION", "I-COMPANY", "O"], [(0, 1, "REGION"), (1, 2, "COMPANY")]),  # type change splits
        (["B-REGION", "B-REGION", "I-REGION"], [(0, 1, "REGION"), (1, 3, "REGION")]),
    ],
)
def test_char_tags_to_spans_repair(tags, expected):
    text = "abc"
    assert [(s.start, s.end, s.label) for s in char_tags_to_spans(text, tags)] == expected


def test_overlap_is_an_error():
    with pytest.raises(ValueError, match="overlaps"):
        spans_to_char_tags("长沙市望城区", [Span(0, 3, "REGION"), Span(2, 6, "REGION")])
