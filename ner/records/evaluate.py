"""Scoring project records against gold records, on (entity, quantity) pairs.

A record is reduced to the pairs it asserts, per document, as a set of tuples:

    ("company-amount",   company text, amount text)
    ("region-amount",    region text,  amount text)
    ("company-capacity", company text, capacity text)
    ("region-capacity",  region text,  capacity text)

Texts are the mentions' surface strings with whitespace collapsed, so gold and predictions compare
on strings, not offsets: a prediction that attaches the second mention of 望城经开区 where the gold
attaches the first is still right, and records split or merged differently score the same when they
assert the same pairs. Stage, date, project name and amount roles are not scored here.

``evaluate_records`` counts true positives, false positives and false negatives per document and
sums them (micro). A document present in the gold but absent from the predictions counts all its
gold tuples as false negatives; a document present only in the predictions counts all its tuples as
false positives.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ner.data.io import read_jsonl
from ner.errors import InputError
from ner.evaluation.spans import prf

TUPLE_KINDS = ("company-amount", "region-amount", "company-capacity", "region-capacity")
_PAIRS = (
    ("company-amount", "companies", "amounts"),
    ("region-amount", "regions", "amounts"),
    ("company-capacity", "companies", "capacities"),
    ("region-capacity", "regions", "capacities"),
)


def _key(s: str) -> str:
    return " ".join(str(s).split())


def record_tuples(records: Iterable[Mapping[str, Any]]) -> set[tuple[str, str, str]]:
    """The set of (kind, entity text, quantity text) pairs asserted by one document's records."""
    out: set[tuple[str, str, str]] = set()
    for r in records:
        for kind, left, right in _PAIRS:
            for x in r.get(left) or ():
                for y in r.get(right) or ():
                    out.add((kind, _key(x["text"]), _key(y["text"])))
    return out


def evaluate_records(
    gold_docs: Mapping[str, list[Mapping[str, Any]]], pred_docs: Mapping[str, list[Mapping[str, Any]]]
) -> dict[str, Any]:
    """P/R/F1 per tuple kind and micro over all kinds: ``{kind: prf, "micro": prf, "documents": n}``.

    Each ``prf`` is ``{"precision", "recall", "f1", "support", "tp", "fp", "fn"}``. Documents only
    in the gold are all false negatives; documents only in the predictions are all false positives.
    """
    counts = {k: [0, 0, 0] for k in TUPLE_KINDS}
    ids = set(gold_docs) | set(pred_docs)
    for doc_id in ids:
        gold = record_tuples(gold_docs.get(doc_id, []))
        pred = record_tuples(pred_docs.get(doc_id, []))
        for kind in TUPLE_KINDS:
            g = {t for t in gold if t[0] == kind}
            p = {t for t in pred if t[0] == kind}
            c = counts[kind]
            c[0] += len(g & p)
            c[1] += len(p - g)
            c[2] += len(g - p)
    scores: dict[str, Any] = {k: prf(*counts[k]) for k in TUPLE_KINDS}
    scores["micro"] = prf(*(sum(counts[k][i] for k in TUPLE_KINDS) for i in range(3)))
    scores["documents"] = len(ids)
    return scores


RECORD_FIELDS = ("company", "site", "investment", "capacity", "stage")


def _mention_keys(r: Mapping[str, Any]) -> set[tuple[str, str]]:
    return ({("C", _key(m["text"])) for m in r.get("companies") or ()}
            | {("R", _key(m["text"])) for m in r.get("regions") or ()}
            | {("A", _key(m["text"])) for m in r.get("amounts") or ()}
            | {("Q", _key(m["text"])) for m in r.get("capacities") or ()})


def _fields(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "company": frozenset(_key(m["text"]) for m in r.get("companies") or ()),
        "site": frozenset(_key(m["text"]) for m in r.get("regions") or ()),
        "investment": frozenset(_key(m["text"]) for m in r.get("amounts") or () if m.get("role", "investment") == "investment"),
        "capacity": frozenset(_key(m["text"]) for m in r.get("capacities") or ()),
        "stage": r.get("stage"),
    }


def match_records(gold: list[Mapping[str, Any]], pred: list[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """Pairs ``(gold index, predicted index)``: greedily the most similar first (Jaccard over the
    records' mention surfaces), each record used once, pairs sharing no mention left unmatched."""
    keys_g, keys_p = [_mention_keys(g) for g in gold], [_mention_keys(p) for p in pred]
    sims = []
    for i, a in enumerate(keys_g):
        for j, b in enumerate(keys_p):
            inter = len(a & b)
            if inter:
                sims.append((-inter / len(a | b), i, j))
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in sorted(sims):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def evaluate_record_fields(
    gold_docs: Mapping[str, list[Mapping[str, Any]]], pred_docs: Mapping[str, list[Mapping[str, Any]]]
) -> dict[str, Any]:
    """Record-level matching and per-field accuracy after matching.

    ``{"records": prf over records (a matched pair is a true positive), field: {"correct", "matched",
    "accuracy"} ...}``. A field is correct when the matched records agree on it exactly: the same set of
    company surfaces (``company``), place surfaces (``site``), investment amounts (``investment``),
    capacities (``capacity``), and the same ``stage``."""
    tp = fp = fn = 0
    correct = dict.fromkeys(RECORD_FIELDS, 0)
    for doc_id in set(gold_docs) | set(pred_docs):
        g, p = list(gold_docs.get(doc_id, [])), list(pred_docs.get(doc_id, []))
        pairs = match_records(g, p)
        tp, fp, fn = tp + len(pairs), fp + len(p) - len(pairs), fn + len(g) - len(pairs)
        for i, j in pairs:
            fg, fp_ = _fields(g[i]), _fields(p[j])
            for f in RECORD_FIELDS:
                correct[f] += fg[f] == fp_[f]
    out: dict[str, Any] = {"records": prf(tp, fp, fn)}
    for f in RECORD_FIELDS:
        out[f] = {"correct": correct[f], "matched": tp, "accuracy": correct[f] / tp if tp else 0.0}
    return out


def format_field_scores(scores: Mapping[str, Any]) -> str:
    r = scores["records"]
    lines = [f"records matched: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
             f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})",
             "field accuracy on matched records: " + ", ".join(
                 f"{f} {scores[f]['accuracy']:.3f}" for f in RECORD_FIELDS)]
    return "\n".join(lines)


def read_records(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """``{id: records}`` from a records JSONL (``{"id", "records"}``) or ``ner tag`` output
    (``{"id", "entities", "records"}``); other keys are ignored. A repeated id is an error."""
    docs: dict[str, list[dict[str, Any]]] = {}
    for i, obj in read_jsonl(path):
        missing = [k for k in ("id", "records") if k not in obj]
        if missing:
            raise InputError(
                f"{path}:{i}: missing key(s) {missing}; each line needs 'id' and 'records' "
                "(write records with build_records or `ner tag`)"
            )
        if not isinstance(obj["records"], list):
            raise InputError(f"{path}:{i}: 'records' must be a list, got {type(obj['records']).__name__}")
        doc_id = str(obj["id"])
        if doc_id in docs:
            raise InputError(f"{path}:{i}: id {doc_id!r} appears twice; give each document one line")
        docs[doc_id] = obj["records"]
    return docs


def read_referenced_records(path: str | Path, part: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{id: records}`` of a whole-article reference file (``data/articles/*.refs.jsonl``), lines of
    ``part`` only when given. Records carry their mentions' texts and offsets, so no corpus is read."""
    return {str(row["id"]): row.get("records") or [] for _, row in read_jsonl(path)
            if part is None or row.get("part") == part}


def read_referenced_parts(path: str | Path, parts: Iterable[str]) -> tuple[list[Any], dict[str, list[dict[str, Any]]]]:
    """The articles (``ner.data.corpora.Article``, texts read from ``../shared/data``) and ``{id: records}`` of
    ``parts`` of a whole-article reference file; InputError where its corpora are absent."""
    from ner.data.corpora import read_referenced

    everything = {a.id: a for a in read_referenced(path)}
    if not everything:
        raise InputError(f"{path}: its corpora are absent from ../shared/data; get them first (README, Data)")
    gold: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        gold.update(read_referenced_records(path, part))
    return [everything[i] for i in gold if i in everything], gold


def format_record_scores(scores: Mapping[str, Any], title: str = "") -> str:
    """A readable table of ``evaluate_records`` output."""
    lines = [title] if title else []
    lines.append(f"{'pair':17} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for kind in (*TUPLE_KINDS, "micro"):
        m = scores[kind]
        lines.append(f"{kind:17} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['tp']:4d} {m['fp']:4d} {m['fn']:4d}")
    return "\n".join(lines)
