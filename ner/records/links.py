"""Project records <-> pair links: the form records take as relations in Label Studio and doccano.

Annotation tools relate two spans at a time, so a record (``ner.records.build``: lists of company, region,
amount and capacity mentions) travels as its pairs. Every company or region mention of a record is
linked to every amount and capacity mention of it, from the company or region to the quantity, and the
link is labelled with the pair's kind, the tuple kinds that ``ner evaluate-records`` scores:

    company-amount · region-amount · company-capacity · region-capacity

Reading back, a link's kind comes from its two spans' labels (a relation drawn the other way round, or
with a stale or no label, is the same pair), and records are rebuilt as the groups of quantities that
are linked to exactly the same companies and regions. So the pairs read back are exactly the links, and
a record written out comes back with its mentions, except that:

* two records with the same company and region mentions come back as one record (with the same pairs);
* a record without a quantity, or without a company and a region, has no pair and is not written;
* the other fields (project, stage, date, amount roles, normalised values) do not travel.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ner.errors import AnnotationError
from ner.types import Span

ENTITY_SIDE = ("COMPANY", "REGION")
QUANTITY_SIDE = ("AMOUNT", "CAPACITY")
FIELDS = {"COMPANY": "companies", "REGION": "regions", "AMOUNT": "amounts", "CAPACITY": "capacities"}
PAIR_KINDS = tuple(f"{e.lower()}-{q.lower()}" for q in QUANTITY_SIDE for e in ENTITY_SIDE)
# (index of the company or region, index of the amount or capacity, pair kind), indices into one span list
Link = tuple[int, int, str]


def _describe(s: Span, text: str) -> str:
    return f"{s.label} {text[s.start:s.end]!r} [{s.start}, {s.end})"


def pair_link(spans: Sequence[Span], a: int, b: int, text: str, where: str) -> Link:
    """The link between spans ``a`` and ``b`` in either order; an error unless one is a company or
    region and the other an amount or capacity."""
    e, q = (b, a) if spans[a].label in QUANTITY_SIDE else (a, b)
    if spans[e].label not in ENTITY_SIDE or spans[q].label not in QUANTITY_SIDE:
        raise AnnotationError(
            f"{where}: relation between {_describe(spans[a], text)} and {_describe(spans[b], text)}; a record "
            "link joins a COMPANY or REGION to an AMOUNT or CAPACITY: delete it or relabel a span")
    return e, q, f"{spans[e].label.lower()}-{spans[q].label.lower()}"


def record_links(spans: Sequence[Span], records: Iterable[Mapping[str, Any]], where: str) -> list[Link]:
    """The pair links of ``records`` as indices into ``spans``, each once, in record order. A mention
    that is not one of ``spans`` with its field's label is an error naming it."""
    index = {(s.start, s.end, s.label): i for i, s in enumerate(spans)}

    def find(m: Mapping[str, Any], label: str, k: int) -> int:
        try:
            return index[(int(m["start"]), int(m["end"]), label)]
        except (KeyError, TypeError, ValueError):
            raise AnnotationError(
                f"{where}: record #{k} {FIELDS[label]} mention {dict(m)!r} is not a {label} entity of the "
                "article; records may only name the article's entity spans") from None

    links: dict[tuple[int, int], str] = {}
    for k, r in enumerate(records, 1):
        ents = [find(m, label, k) for label in ENTITY_SIDE for m in r.get(FIELDS[label]) or ()]
        qs = [find(m, label, k) for label in QUANTITY_SIDE for m in r.get(FIELDS[label]) or ()]
        for e in ents:
            for q in qs:
                links.setdefault((e, q), f"{spans[e].label.lower()}-{spans[q].label.lower()}")
    return [(e, q, kind) for (e, q), kind in links.items()]


def records_from_links(text: str, spans: Sequence[Span], links: Iterable[Link]) -> list[dict[str, Any]]:
    """Records rebuilt from pair links: one per group of quantities linked to the same companies and
    regions, in the order of each group's first quantity; mentions ``{"text", "start", "end"}`` by offset."""
    partners: dict[int, set[int]] = {}
    for e, q, _ in links:
        partners.setdefault(q, set()).add(e)
    groups: dict[frozenset[int], list[int]] = {}
    for q in sorted(partners, key=lambda i: (spans[i].start, spans[i].end)):
        groups.setdefault(frozenset(partners[q]), []).append(q)
    out = []
    for ents, qs in groups.items():
        members = sorted((spans[i] for i in (*ents, *qs)), key=lambda s: (s.start, s.end))
        out.append({field: [{"text": text[s.start:s.end], "start": s.start, "end": s.end}
                            for s in members if s.label == label] for label, field in FIELDS.items()})
    return out
