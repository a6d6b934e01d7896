"""Label Studio: the JSON export (with predictions and relations) and the JSON-MIN export."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ner.data import io
from ner.errors import AnnotationError, InputError
from ner.labels import ENTITY_TYPES
from ner.records.links import record_links
from ner.types import Article, Span, check_article
from ner.data.formats.common import (
    _article_id,
    _check_units,
    _from_codepoints,
    _hint_other_units,
    _to_codepoints,
)
from ner.data.formats.doccano import _records_from_relations


def _ls_result(i: int, start: int, end: int, span: Span, from_name: str, to_name: str) -> dict:
    r = {"id": f"s{i}", "from_name": from_name, "to_name": to_name, "type": "labels",
         "value": {"start": start, "end": end, "text": span.text, "labels": [span.label]}}
    if span.score is not None:
        r["score"] = round(float(span.score), 4)
    return r


def _ls_relation(e: int, q: int, kind: str) -> dict:
    return {"from_id": f"s{e}", "to_id": f"s{q}", "type": "relation", "direction": "right", "labels": [kind]}


def _write_json(path: str | Path, obj: Any) -> None:
    with io.atomic_write(path) as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def write_labelstudio(
    articles: Iterable[Article],
    path: str | Path,
    as_predictions: bool = False,
    model_version: str = "rules",
    offsets: str = "codepoint",
    from_name: str = "label",
    to_name: str = "text",
) -> None:
    """A Label Studio task list (import, or the JSON export layout). ``as_predictions=True`` writes the
    spans as pre-annotations (``"predictions"``: shown to annotators for correction, never gold), with
    ``model_version``. An article's records become relation results between its spans (module docstring)."""
    _check_units(offsets)
    tasks = []
    for a in articles:
        spans = [s.with_text(a.text) for s in sorted(a.entities)]
        pairs = _from_codepoints(a.text, spans, offsets)
        result = [_ls_result(i, s, e, sp, from_name, to_name) for i, ((s, e), sp) in enumerate(zip(pairs, spans))]
        if a.records:
            result += [_ls_relation(*link) for link in record_links(spans, a.records, f"article {a.id}")]
        task: dict[str, Any] = {"data": {"text": a.text, "article_id": a.id}}
        if as_predictions:
            scores = [sp.score for sp in spans if sp.score is not None]
            pred: dict[str, Any] = {"model_version": model_version, "result": result}
            if scores:
                pred["score"] = round(min(scores), 4)
            task["predictions"] = [pred]
        else:
            task["annotations"] = [{"result": result}]
        tasks.append(task)
    _write_json(path, tasks)


def _read_tasks(path: Path, export: str) -> list:
    """The task list of a Label Studio export file (a single task object is a list of one)."""
    try:
        tasks = json.loads(io.read_text(path))
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}: invalid JSON ({e.msg} at column {e.colno}); "
                         f"export the project as {export} from Label Studio") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InputError(f"{path}: expected a JSON list of tasks, got {type(tasks).__name__}")
    return tasks


def _task_where(path: Path, n: int, task_id: Any, aid: str) -> str:
    """``export.json task 17 (article a1)``: Label Studio's task id (the position, ``task #3``, when the
    task has none yet), and the article id when it is another."""
    name = f"task {task_id}" if task_id is not None else f"task #{n}"
    return f"{path} {name}" + ("" if aid == str(task_id) else f" (article {aid})")


def _ls_spans(aid: str, text: str, regions: Sequence[tuple[Any, Any, Any]], labels: Sequence[str],
              offsets: str, where: str) -> list[Span]:
    """Validated spans from Label Studio regions ``(region id or None, value, score)``, in their order."""
    spans, raw_spans = [], []
    for rid, v, score in regions:
        name = f"region {rid!r}" if rid is not None else f"span {v.get('start')!r}-{v.get('end')!r}"
        labs = v.get("labels") or []
        if len(labs) != 1:
            raise AnnotationError(f"{where}: {name} has labels {labs!r}; give each region exactly one label")
        try:
            s, e = int(v["start"]), int(v["end"])
        except (KeyError, TypeError, ValueError):
            raise AnnotationError(f"{where}: {name} needs integer start and end") from None
        raw_spans.append((s, e, str(v.get("text", ""))))
        cs, ce = _to_codepoints(text, s, e, offsets, where)
        spans.append(Span(cs, ce, str(labs[0]), str(v.get("text", "")), score))
    problems = check_article(Article(aid, text, spans), tuple(labels))
    if problems:
        more = f" (and {len(problems) - 3} more problem(s))" if len(problems) > 3 else ""
        raise AnnotationError(f"{where}: " + "; ".join(problems[:3]) + more + _hint_other_units(text, raw_spans, offsets))
    return [s.with_text(text) for s in spans]


def read_labelstudio(
    path: str | Path,
    labels: Sequence[str] = ENTITY_TYPES,
    source: str = "annotations",
    offsets: str = "codepoint",
) -> list[Article]:
    """Tasks of a Label Studio JSON export. ``source="annotations"`` takes each task's first annotation
    that was not cancelled; ``source="predictions"`` its first prediction. Tasks without one are skipped
    (an unannotated task is not evidence that its text has no entities). Its relation results, if any,
    are the article's records (``ner.records.links``). Errors name the task id and the span."""
    _check_units(offsets)
    if source not in ("annotations", "predictions"):
        raise ValueError(f"source={source!r}: expected 'annotations' or 'predictions'")
    path = Path(path)
    articles = []
    for n, task in enumerate(_read_tasks(path, "JSON"), 1):
        if not isinstance(task, dict):
            raise InputError(f"{path} task #{n}: a task must be a JSON object")
        data = task.get("data", task)
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise AnnotationError(f"{path} task #{n}: no data.text string; the labelling config must use "
                                  '<Text name="text" value="$text"/>')
        task_id = task.get("id")
        aid = _article_id(data.get("article_id", data.get("id", task_id)), f"{path.stem}:{n}")
        where = _task_where(path, n, task_id, aid)
        if "data" not in task and isinstance(task.get("label"), list):
            raise InputError(f"{where}: spans under 'label' and no 'data': a JSON-MIN export; read it as labelstudio-min")
        candidates = [c for c in task.get(source) or [] if isinstance(c, dict) and not c.get("was_cancelled")]
        if not candidates:
            continue
        regions, ids, relations = [], {}, []
        for r in candidates[0].get("result") or []:
            if not isinstance(r, dict):
                continue
            if r.get("type") == "relation":
                relations.append(r)
            elif r.get("type") == "labels" and isinstance(r.get("value"), dict):
                if r.get("id") is not None:
                    ids[r["id"]] = len(regions)
                regions.append((r.get("id"), r["value"], r.get("score")))
            # choices, text areas, ratings: not spans
        spans = _ls_spans(aid, text, regions, labels, offsets, where)
        article = Article(aid, text, spans)
        if relations:
            article.records = _records_from_relations(text, spans, relations, ids, where, "Label Studio")
        articles.append(article)
    return articles


def write_labelstudio_min(articles: Iterable[Article], path: str | Path, offsets: str = "codepoint",
                          from_name: str = "label") -> None:
    """Label Studio JSON-MIN: ``[{"id": 1, "text", "article_id", "label": [{"start", "end", "text", "labels"}]}]``."""
    _check_units(offsets)
    rows = []
    for k, a in enumerate(articles, 1):
        spans = [s.with_text(a.text) for s in sorted(a.entities)]
        pairs = _from_codepoints(a.text, spans, offsets)
        rows.append({"id": k, "text": a.text, "article_id": a.id,
                     from_name: [{"start": s, "end": e, "text": sp.text, "labels": [sp.label]}
                                 for (s, e), sp in zip(pairs, spans)]})
    _write_json(path, rows)


def read_labelstudio_min(path: str | Path, labels: Sequence[str] = ENTITY_TYPES, offsets: str = "codepoint",
                         from_name: str = "label") -> list[Article]:
    """A Label Studio JSON-MIN export: one row per annotation, the task's data fields (``text``,
    ``article_id``) and its id at the top, the spans under the Labels tag's name (``from_name``). A task
    nobody annotated (no span list and no ``annotation_id``) is skipped; of a task annotated more than
    once, the first row is read (Label Studio writes the newest first). JSON-MIN has no relations, so
    no records: export JSON for those."""
    _check_units(offsets)
    path = Path(path)
    articles, seen = [], set()
    for n, task in enumerate(_read_tasks(path, "JSON-MIN"), 1):
        if not isinstance(task, dict):
            raise InputError(f"{path} task #{n}: a task must be a JSON object")
        task_id = task.get("id")
        aid = _article_id(task.get("article_id", task_id), f"{path.stem}:{n}")
        where = _task_where(path, n, task_id, aid)
        if "data" in task or "annotations" in task or "predictions" in task:
            raise InputError(f"{where}: a task with 'data' or 'annotations': a JSON export; read it as labelstudio")
        text = task.get("text")
        if not isinstance(text, str):
            raise AnnotationError(f"{where}: no 'text' string; the labelling config must use "
                                  '<Text name="text" value="$text"/>')
        items = task.get(from_name)
        if items is None:
            if task.get("annotation_id") is None:
                continue  # not annotated
            items = []  # annotated, no span
        if not isinstance(items, list) or not all(isinstance(v, dict) for v in items):
            raise AnnotationError(f"{where}: '{from_name}' must be a list of {{\"start\", \"end\", \"text\", "
                                  '"labels"}; is the Labels tag named otherwise? pass from_name')
        if task_id is not None:
            if task_id in seen:
                continue
            seen.add(task_id)
        articles.append(Article(aid, text, _ls_spans(aid, text, [(None, v, None) for v in items], labels, offsets, where)))
    return articles
