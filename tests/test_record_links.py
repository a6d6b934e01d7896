"""Records <-> pair links: what survives the trip through an annotation tool's relations."""
import pytest

from ner.errors import AnnotationError
from ner.records.evaluate import TUPLE_KINDS, record_tuples
from ner.records.links import PAIR_KINDS, pair_link, record_links, records_from_links
from ner.types import Span

TEXT = "望城区：比亚迪投资10亿元，德赛电池投资5亿元、年产20GWh；华为签约。"


def spans_of(text, items):
    out, pos = [], 0
    for surface, label in items:
        i = text.find(surface, pos)
        out.append(Span(i, i + len(surface), label, surface))
        pos = i + len(surface)
    return out


SPANS = spans_of(TEXT, [("望城区", "REGION"), ("比亚迪", "COMPANY"), ("10亿元", "AMOUNT"), ("德赛电池", "COMPANY"),
                        ("5亿元", "AMOUNT"), ("20GWh", "CAPACITY"), ("华为", "COMPANY")])
M = {s.text: {"text": s.text, "start": s.start, "end": s.end} for s in SPANS}


def rec(companies=(), regions=(), amounts=(), capacities=()):
    return {"companies": [M[x] for x in companies], "regions": [M[x] for x in regions],
            "amounts": [M[x] for x in amounts], "capacities": [M[x] for x in capacities]}


def test_kinds_are_the_scored_tuple_kinds():
    assert PAIR_KINDS == TUPLE_KINDS


def test_records_sharing_a_region_come_back_apart():
    records = [rec(["比亚迪"], ["望城区"], ["10亿元"]), rec(["德赛电池"], ["望城区"], ["5亿元"], ["20GWh"]),
               rec(["华为"])]  # no quantity: no pair, not written
    links = record_links(SPANS, records, "t")
    assert len(links) == 2 + 4
    assert records_from_links(TEXT, SPANS, links) == records[:2]


def test_records_with_the_same_companies_and_regions_merge_with_the_same_pairs():
    records = [rec(["德赛电池"], ["望城区"], ["5亿元"]), rec(["德赛电池"], ["望城区"], capacities=["20GWh"])]
    back = records_from_links(TEXT, SPANS, record_links(SPANS, records, "t"))
    assert back == [rec(["德赛电池"], ["望城区"], ["5亿元"], ["20GWh"])]
    assert record_tuples(back) == record_tuples(records)


def test_a_pair_in_two_records_is_one_link():
    records = [rec(["比亚迪"], amounts=["10亿元"]), rec(["比亚迪"], ["望城区"], ["10亿元"])]
    assert record_links(SPANS, records, "t") == [(1, 2, "company-amount"), (0, 2, "region-amount")]


def test_pair_link_either_way_and_the_wrong_pair():
    assert pair_link(SPANS, 5, 0, TEXT, "t") == (0, 5, "region-capacity")
    with pytest.raises(AnnotationError, match=r"t: relation between AMOUNT '10亿元' \[\d+, \d+\) and AMOUNT '5亿元'"):
        pair_link(SPANS, 2, 4, TEXT, "t")


def test_a_mention_that_is_no_entity_is_named():
    bad = [{"companies": [{"text": "比亚", "start": 4, "end": 6}], "amounts": [M["10亿元"]]}]
    with pytest.raises(AnnotationError, match=r"doc: record #1 companies mention .* is not a COMPANY entity"):
        record_links(SPANS, bad, "doc")
    with pytest.raises(AnnotationError, match="is not a REGION entity"):
        record_links(SPANS, [{"regions": [M["比亚迪"]]}], "doc")  # offsets of a company, filed as a region
