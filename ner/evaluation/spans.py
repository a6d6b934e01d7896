"""Evaluation: exact character-span P/R/F1 per type, and seqeval strict IOB2 on character tags."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ner.labels import ENTITY_TYPES
from ner.types import Span


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}


def span_scores(
    gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]], types: Sequence[str] = ENTITY_TYPES
) -> dict[str, dict[str, float]]:
    """Exact-match span scores per type and micro-averaged (``"micro"``), over paired documents."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predicted")
    tp, fp, fn = Counter(), Counter(), Counter()
    for g_doc, p_doc in zip(gold, pred):
        g = {(s.start, s.end, s.label) for s in g_doc}
        p = {(s.start, s.end, s.label) for s in p_doc}
        for _, _, lab in g & p:
            tp[lab] += 1
        for _, _, lab in p - g:
            fp[lab] += 1
        for _, _, lab in g - p:
            fn[lab] += 1
    out = {t: prf(tp[t], fp[t], fn[t]) for t in types}
    out["micro"] = prf(sum(tp[t] for t in types), sum(fp[t] for t in types), sum(fn[t] for t in types))
    return out


def seqeval_scores(texts: Sequence[str], gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]) -> dict:
    """seqeval strict IOB2 on character tags (per type and micro), documents as sequences."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    from ner.data.bio import spans_to_char_tags

    y_true = [spans_to_char_tags(t, g) for t, g in zip(texts, gold)]
    y_pred = [spans_to_char_tags(t, p) for t, p in zip(texts, pred)]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    return {k: {m: float(v) for m, v in d.items()} for k, d in report.items()}


def evaluate_predictions(articles, predictions: Sequence[Sequence[Span]], types: Sequence[str] = ENTITY_TYPES) -> dict:
    """Both views for paired gold articles and predicted spans: exact char spans and seqeval strict.

    An article that labels only some types (``Article.labelled``, public corpora) is scored on those
    types only: a predicted 75亿元 in a corpus that never labels money is neither right nor wrong.
    """
    scored = [{t for t in types if a.labelled is None or t in a.labelled} for a in articles]
    gold = [[s for s in a.entities if s.label in keep] for a, keep in zip(articles, scored)]
    pred = [[s for s in p if s.label in keep] for p, keep in zip(predictions, scored)]
    return {"span": span_scores(gold, pred, types), "seqeval": seqeval_scores([a.text for a in articles], gold, pred)}


def format_scores(scores: dict, title: str = "") -> str:
    """A readable table of the exact-span scores (and seqeval micro F1 when present)."""
    lines = [title] if title else []
    lines.append(f"{'type':10} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for t, m in scores["span"].items():
        lines.append(f"{t:10} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:8d}")
    if "seqeval" in scores:
        lines.append(f"seqeval strict IOB2 micro F1: {scores['seqeval']['micro avg']['f1-score']:.3f}")
    return "\n".join(lines)
