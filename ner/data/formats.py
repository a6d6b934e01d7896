"""Converters between our standoff articles and the formats of annotation tools.

Every format comes as a pair ``read_X(path) -> list[Article]`` / ``write_X(articles, path)``; the pairs are
round-trip tested (same text, same spans) on text with spaces, U+3000, newlines, tabs and emoji.

========== ====================================================================================
jsonl      our standoff JSONL, one ``{"id", "text", "entities": [{start, end, label, text}]}`` per line;
           project records, when the articles have them, in ``STEM.records.jsonl`` beside it
           (``{"id", "records"}`` per line, as ``data/annotated/seeds.records.jsonl``)
conll      character-level IOB2, one character per line: ``CHAR<TAB>TAG``; a document starts with
           ``-DOCSTART- ID`` and ends with a blank line. Whitespace, control characters and the
           backslash are escaped in the CHAR column: ``\\s`` space, ``\\t`` tab, ``\\n`` newline,
           ``\\r`` carriage return, ``\\\\`` backslash, ``\\uXXXX`` / ``\\UXXXXXXXX`` any other
           whitespace or unprintable character (U+3000 is ``\\u3000``). So every line holds exactly
           one tab and every character survives tools that strip or split lines.
doccano    doccano JSONL ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``; the reader also takes
           ``"labels"`` and the newer ``"entities": [{"start_offset", "end_offset", "label"}]``. Articles
           with records are written in the layout of doccano's relation projects, ``{"id", "text",
           "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id", "from_id",
           "to_id", "type"}]}``, and relations are read back as records.
labelstudio Label Studio JSON export: a list of tasks ``{"data": {"text"}, "annotations": [{"result":
           [{"value": {"start", "end", "text", "labels": [L]}, "from_name": "label", "to_name":
           "text", "type": "labels"}]}]}``; spans from rules can be written as ``"predictions"``.
           Records are ``"relation"`` results ``{"from_id", "to_id", "labels": [KIND]}``, both ways.
           ``docs/labelstudio_config.xml`` is the labelling config that matches.
labelstudio-min  Label Studio JSON-MIN export: a list of ``{"id", "text", "article_id", "label":
           [{"start", "end", "text", "labels": [L]}]}``. Label Studio leaves relations out of it.
brat       a folder of ``ID.txt`` + ``ID.ann`` with lines ``T1<TAB>LABEL START END<TAB>TEXT``.
========== ====================================================================================

Offsets. We count Unicode code points (Python ``str`` indices). doccano's browser front end counts
UTF-16 code units, so an emoji or another astral character before a span shifts it by one per
character (doccano issue #2484). ``read_doccano``/``write_doccano`` therefore take
``offsets="utf16"`` by default (identical to code points for text without astral characters), and
Label Studio (which stores code points since its frontend fix of 2021) takes ``offsets="codepoint"``.
When offsets do not fit, the error says whether the other convention would fit.

Records travel as relations between their mentions (``ner.records.links``: each company or region of a
record linked to each of its amounts and capacities, labelled with the pair's kind) and come back as
``Article.records``: the pairs exactly, the record fields other than mentions not at all.

Every reader validates each article with ``ner.types.check_article`` and raises ``AnnotationError``
naming the file, the line or article id, the offsets, the text found and the text expected. Readers of
annotation tools return gold articles (``labelled=None``); ``labelled`` and span scores are not
carried by the tool formats (Label Studio keeps scores).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ner.data import io
from ner.data.bio import char_tags_to_spans, spans_to_char_tags
from ner.errors import AnnotationError, InputError
from ner.labels import ENTITY_TYPES, OUTSIDE
from ner.records.links import Link, pair_link, record_links, records_from_links
from ner.types import Article, Span, check_article

OFFSET_UNITS = ("codepoint", "utf16")


# --- shared helpers ---------------------------------------------------------------------------------

def _check(articles: Iterable[tuple[str, Article]], labels: Sequence[str]) -> None:
    """Raise on the first article with problems; ``where`` is ``file:line`` or ``file (article id)``."""
    for where, article in articles:
        problems = check_article(article, tuple(labels))
        if problems:
            more = f" (and {len(problems) - 3} more problem(s))" if len(problems) > 3 else ""
            raise AnnotationError(f"{where}: " + "; ".join(problems[:3]) + more)


def _utf16_to_cp(text: str) -> Callable[[int], int]:
    """Map a UTF-16 code-unit offset of ``text`` to its code-point offset (raises on a split surrogate)."""
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    table: dict[int, int] = {}
    u = 0
    for cp, ch in enumerate(text):
        table[u] = cp
        u += 2 if ord(ch) >= 0x10000 else 1
    table[u] = len(text)

    def to_cp(i: int) -> int:
        if i not in table:
            raise ValueError(f"UTF-16 offset {i} falls inside a surrogate pair or outside the text")
        return table[i]

    return to_cp


def _cp_to_utf16(text: str) -> Callable[[int], int]:
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return lambda i: prefix[i]


def _to_codepoints(text: str, start: int, end: int, offsets: str, where: str) -> tuple[int, int]:
    if offsets == "codepoint":
        return start, end
    try:
        to_cp = _utf16_to_cp(text)
        return to_cp(start), to_cp(end)
    except ValueError as e:
        raise AnnotationError(f"{where}: [{start}, {end}): {e}; were the offsets written as code points? "
                              "pass offsets='codepoint'") from None


def _from_codepoints(text: str, spans: Sequence[Span], offsets: str) -> list[tuple[int, int]]:
    if offsets == "codepoint":
        return [(s.start, s.end) for s in spans]
    to_u16 = _cp_to_utf16(text)
    return [(to_u16(s.start), to_u16(s.end)) for s in spans]


def _check_units(offsets: str) -> None:
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"offsets={offsets!r}: expected one of {OFFSET_UNITS}")


def _slice(text: str, s: int, e: int, offsets: str) -> str:
    if offsets == "codepoint":
        return text[s:e]
    to_cp = _utf16_to_cp(text)
    return text[to_cp(s):to_cp(e)]


def _hint_other_units(text: str, raw: Sequence[tuple[int, int, str]], offsets: str) -> str:
    """A hint when the spans' texts fit under the other offset convention (only for spans with text)."""
    other = "codepoint" if offsets == "utf16" else "utf16"
    try:
        fits = bool(raw) and all(t and _slice(text, s, e, other) == t for s, e, t in raw)
    except ValueError:
        fits = False
    return f" (the span texts fit offsets={other!r}; pass that)" if fits else ""


def _write_exact(path: str | Path, text: str) -> None:
    """UTF-8 bytes exactly as given: no newline translation on any platform."""
    with io.atomic_write(path, "wb") as f:
        f.write(text.encode("utf-8"))


def _article_id(value: Any, fallback: str) -> str:
    return fallback if value is None or value == "" else str(value)


# --- jsonl (our standoff) ---------------------------------------------------------------------------

def records_path(path: str | Path) -> Path:
    """Where the records of standoff JSONL ``x.jsonl`` are: ``x.records.jsonl`` beside it."""
    path = Path(path)
    return path.with_name((path.stem if path.suffix == ".jsonl" else path.name) + ".records.jsonl")


def read_jsonl(path: str | Path, labels: Sequence[str] = ENTITY_TYPES) -> list[Article]:
    """Our standoff JSONL, validated as ``ner validate`` does (``ner.data.validate.read_gold``), with the
    records of ``records_path(path)`` when that file exists (every mention must be one of the article's
    entities)."""
    from ner.data.validate import read_gold

    articles = read_gold(path, tuple(labels))
    side = records_path(path)
    if side.exists():
        by_id = {a.id: a for a in articles}
        for a in articles:
            a.records = []
        for n, obj in io.read_jsonl(side):
            where = f"{side}:{n}"
            aid, records = str(obj.get("id")), obj.get("records")
            if aid not in by_id:
                raise AnnotationError(f"{where}: id {aid!r} is no article of {path}; remove the line or fix the id")
            if not isinstance(records, list):
                raise AnnotationError(f"{where}: 'records' must be a list of records (article {aid})")
            record_links(sorted(by_id[aid].entities), records, f"{where} (article {aid})")
            by_id[aid].records = records
    return articles


def write_jsonl(articles: Iterable[Article], path: str | Path) -> None:
    """Standoff JSONL, and ``records_path(path)`` when some article has records (an existing one is
    left alone otherwise)."""
    articles = list(articles)
    io.write_articles(path, articles)
    if any(a.records is not None for a in articles):
        io.write_jsonl(records_path(path), ({"id": a.id, "records": a.records or []} for a in articles))


# --- conll (character-level IOB2) -------------------------------------------------------------------

DOCSTART = "-DOCSTART-"
_ESCAPES = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()}
_ESCAPE_RE = re.compile(r"\\(?:s|t|n|r|\\|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def escape_char(ch: str) -> str:
    """The CHAR column for one character: itself, or an escape for whitespace/unprintables/backslash."""
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch.isspace() or not ch.isprintable():
        return f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"
    return ch


def unescape_char(token: str, where: str) -> str:
    """Inverse of ``escape_char``; a bare single character is taken as it is."""
    if len(token) == 1:
        return token
    if token in _UNESCAPES:
        return _UNESCAPES[token]
    m = re.fullmatch(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})", token)
    if m:
        return chr(int(m.group(1) or m.group(2), 16))
    raise AnnotationError(
        f"{where}: {token!r} is not one character nor an escape (\\s \\t \\n \\r \\\\ \\uXXXX \\UXXXXXXXX); "
        "write one character per line"
    )


def _escape_id(article_id: str) -> str:
    return "".join(escape_char(c) for c in article_id)


def _unescape_id(s: str) -> str:
    return _ESCAPE_RE.sub(lambda m: unescape_char(m.group(0), ""), s)


def write_conll(articles: Iterable[Article], path: str | Path) -> None:
    lines = []
    for a in articles:
        tags = spans_to_char_tags(a.text, a.entities)
        lines.append(f"{DOCSTART} {_escape_id(a.id)}\n")
        lines += [f"{escape_char(ch)}\t{tag}\n" for ch, tag in zip(a.text, tags)]
        lines.append("\n")
    _write_exact(path, "".join(lines))


def _check_tag(tag: str, prev: str, labels: Sequence[str], where: str) -> None:
    if tag == OUTSIDE:
        return
    prefix, _, typ = tag.partition("-")
    if prefix not in ("B", "I") or not typ:
        raise AnnotationError(f"{where}: tag {tag!r} is not IOB2; use O, B-TYPE or I-TYPE")
    if typ not in labels:
        raise AnnotationError(f"{where}: unknown label {typ!r} in tag {tag!r}; expected one of {', '.join(labels)}")
    if prefix == "I" and prev not in (f"B-{typ}", f"I-{typ}"):
        raise AnnotationError(f"{where}: {tag} follows {prev}; an entity starts with B-{typ} (strict IOB2)")


def read_conll(path: str | Path, labels: Sequence[str] = ENTITY_TYPES) -> list[Article]:
    """Character-level IOB2 as written by ``write_conll``. Files without ``-DOCSTART-`` lines are read
    too: each block between blank lines is one article, with id ``STEM:N``."""
    path = Path(path)
    text = io.read_text(path)
    articles: list[Article] = []
    doc_id: str | None = None
    chars: list[str] = []
    tags: list[str] = []
    first_line = 0

    def flush() -> None:
        nonlocal doc_id, chars, tags
        if doc_id is None and not chars:
            return
        t = "".join(chars)
        aid = doc_id if doc_id is not None else f"{path.stem}:{len(articles) + 1}"
        article = Article(aid, t, char_tags_to_spans(t, tags))
        _check([(f"{path}:{first_line} (article {aid})", article)], labels)
        articles.append(article)
        doc_id, chars, tags = None, [], []

    for n, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line:
            flush()
            continue
        if line.startswith(DOCSTART) and "\t" not in line:
            flush()
            doc_id = _unescape_id(line[len(DOCSTART):].strip()) or f"{path.stem}:{len(articles) + 1}"
            first_line = n
            continue
        token, sep, tag = line.rpartition("\t")
        where = f"{path}:{n}"
        if not sep or not token:
            raise AnnotationError(f"{where}: expected CHAR<TAB>TAG, got {line!r}")
        if not chars and doc_id is None:
            first_line = n
        _check_tag(tag, tags[-1] if tags else OUTSIDE, labels, where)
        chars.append(unescape_char(token, where))
        tags.append(tag)
    flush()
    return articles


# --- doccano ----------------------------------------------------------------------------------------

def write_doccano(articles: Iterable[Article], path: str | Path, offsets: str = "utf16") -> None:
    """doccano JSONL for import: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``. When some article
    has records, every line takes the layout of a relation project: ``"entities"`` with ids 1, 2, ... and
    ``"relations"`` ``{"id", "from_id", "to_id", "type"}``, the records' pair links (``ner.records.links``)."""
    _check_units(offsets)
    articles = list(articles)
    with_relations = any(a.records is not None for a in articles)
    rows = []
    for a in articles:
        spans = sorted(a.entities)
        pairs = _from_codepoints(a.text, spans, offsets)
        if not with_relations:
            rows.append({"id": a.id, "text": a.text, "label": [[s, e, sp.label] for (s, e), sp in zip(pairs, spans)]})
            continue
        links = record_links(spans, a.records or [], f"article {a.id}")
        rows.append({"id": a.id, "text": a.text,
                     "entities": [{"id": i, "label": sp.label, "start_offset": s, "end_offset": e}
                                  for i, ((s, e), sp) in enumerate(zip(pairs, spans), 1)],
                     "relations": [{"id": k, "from_id": e + 1, "to_id": q + 1, "type": kind}
                                   for k, (e, q, kind) in enumerate(links, 1)]})
    io.write_jsonl(path, rows)


def _doccano_spans(obj: dict, where: str) -> list[tuple[int, int, str, Any]]:
    """``(start, end, label, entity id or None)`` from any of the doccano layouts."""
    raw = obj.get("label", obj.get("labels"))
    out = []
    if raw is None and isinstance(obj.get("entities"), list):
        for e in obj["entities"]:
            if not isinstance(e, dict):
                raw = obj["entities"]  # early exports: "entities": [[s, e, L], ...]
                out = []
                break
            try:
                out.append((int(e["start_offset"]), int(e["end_offset"]), str(e["label"]), e.get("id")))
            except (KeyError, TypeError, ValueError):
                raise AnnotationError(f"{where}: entity {e!r} needs start_offset, end_offset and label") from None
    if raw is not None:
        if not isinstance(raw, list):
            raise AnnotationError(f"{where}: 'label' must be a list of [start, end, LABEL]")
        for item in raw:
            if not (isinstance(item, (list, tuple)) and len(item) >= 3):
                raise AnnotationError(f"{where}: label {item!r} is not [start, end, LABEL]; text classification "
                                      "labels are not spans")
            try:
                out.append((int(item[0]), int(item[1]), str(item[2]), None))
            except (TypeError, ValueError):
                raise AnnotationError(f"{where}: label {item!r}: start and end must be integers") from None
    return out


def read_doccano(path: str | Path, labels: Sequence[str] = ENTITY_TYPES, offsets: str = "utf16") -> list[Article]:
    """doccano JSONL (import or export layout); offsets in UTF-16 code units unless ``offsets="codepoint"``.
    A line with ``"relations"`` (a relation project) gets its records from them (``ner.records.links``)."""
    _check_units(offsets)
    path = Path(path)
    articles = []
    for n, obj in io.read_jsonl(path):
        where = f"{path}:{n}"
        text = obj.get("text", obj.get("data"))
        if not isinstance(text, str):
            raise AnnotationError(f"{where}: no 'text' string; a doccano line is {{\"text\", \"label\"}}")
        aid = _article_id(obj.get("id"), f"{path.stem}:{n}")
        where = f"{where} (article {aid})"
        spans, ids = [], {}
        for s, e, label, eid in _doccano_spans(obj, where):
            cs, ce = _to_codepoints(text, s, e, offsets, where)
            if eid is not None:
                ids[eid] = len(spans)
            spans.append(Span(cs, ce, label))
        _check([(where, Article(aid, text, spans))], labels)
        spans = [s.with_text(text) for s in spans]
        article = Article(aid, text, spans)
        relations = obj.get("relations")
        if relations is not None:
            article.records = _records_from_relations(text, spans, relations, ids, where, "doccano")
        articles.append(article)
    return articles


def _records_from_relations(text: str, spans: list[Span], relations: Any, ids: dict, where: str,
                            tool: str) -> list[dict[str, Any]]:
    """Records from relations ``{"from_id", "to_id"}`` that name spans by ``ids`` (a tool's span id -> index)."""
    if not isinstance(relations, list):
        raise AnnotationError(f"{where}: 'relations' must be a list of {{\"from_id\", \"to_id\", ...}}")
    links: list[Link] = []
    for r in relations:
        ends = [r.get(k) for k in ("from_id", "to_id")] if isinstance(r, dict) else [None, None]
        missing = [e for e in ends if not isinstance(e, (str, int)) or e not in ids]
        if missing:
            raise AnnotationError(
                f"{where}: relation {r!r} names {'no span' if missing[0] is None else f'span id {missing[0]!r}'}, "
                f"which is not among the {tool} spans of this text; delete the relation or restore the span")
        links.append(pair_link(spans, ids[ends[0]], ids[ends[1]], text, where))
    return records_from_links(text, spans, links)


# --- Label Studio -----------------------------------------------------------------------------------

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


# --- brat -------------------------------------------------------------------------------------------

_SAFE_ID = re.compile(r"[^\\/:*?\"<>|\x00-\x1f]+")


def write_brat(articles: Iterable[Article], path: str | Path) -> None:
    """A folder with ``ID.txt`` (the exact text, no newline translation) and ``ID.ann`` per article,
    plus ``annotation.conf`` listing the entity types when there is none. Newlines and tabs inside a
    span's text column are written as spaces, as brat does."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    types = set()
    for a in articles:
        if not _SAFE_ID.fullmatch(a.id) or a.id in (".", ".."):
            raise InputError(f"article id {a.id!r} cannot be a file name; rename it before writing brat")
        _write_exact(folder / f"{a.id}.txt", a.text)
        ann = []
        for i, s in enumerate(sorted(a.entities), 1):
            types.add(s.label)
            shown = re.sub(r"[\r\n\t]", " ", a.text[s.start:s.end])
            ann.append(f"T{i}\t{s.label} {s.start} {s.end}\t{shown}\n")
        _write_exact(folder / f"{a.id}.ann", "".join(ann))
    conf = folder / "annotation.conf"
    if not conf.exists():
        _write_exact(conf, "[entities]\n" + "".join(f"{t}\n" for t in sorted(types | set(ENTITY_TYPES)))
                     + "[relations]\n[events]\n[attributes]\n")


def _read_ann(ann: Path, text: str, aid: str) -> list[Span]:
    spans = []
    data = ann.read_bytes()
    content = io.decode_bytes(data, str(ann)) if data.strip() else ""
    for n, line in enumerate(content.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.startswith("T"):
            continue  # relations (R), events (E), attributes (A), notes (#): not entity spans
        where = f"{ann}:{n} (article {aid})"
        parts = line.split("\t")
        if len(parts) < 2:
            raise AnnotationError(f"{where}: expected 'T1<TAB>LABEL START END<TAB>TEXT', got {line!r}")
        m = re.fullmatch(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)", parts[1])
        if not m:
            raise AnnotationError(f"{where}: expected 'LABEL START END', got {parts[1]!r}")
        label, frags = m.group(1), m.group(2).split(";")
        if len(frags) > 1:
            raise AnnotationError(
                f"{where}: {parts[0]} {label} is discontinuous ({m.group(2)}); our spans are contiguous: "
                "split it into separate entities or join the fragments in brat"
            )
        s, e = (int(x) for x in frags[0].split())
        shown = parts[2] if len(parts) > 2 else ""
        found = text[s:e] if 0 <= s < e <= len(text) else None
        if found is not None and shown and re.sub(r"\s", " ", found) != re.sub(r"\s", " ", shown):
            raise AnnotationError(f"{where}: [{s}, {e}) {label}: text found {found!r}, text expected {shown!r}; "
                                  "fix the offsets or the text")
        spans.append(Span(s, e, label, found or ""))
    return spans


def read_brat(path: str | Path, labels: Sequence[str] = ENTITY_TYPES) -> list[Article]:
    """Every ``ID.txt`` in the folder with its ``ID.ann`` (a missing .ann means no entities)."""
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; brat data is a folder of ID.txt and ID.ann files")
    articles = []
    for txt in sorted(folder.glob("*.txt")):
        text = io.read_text(txt)
        ann = txt.with_suffix(".ann")
        article = Article(txt.stem, text, _read_ann(ann, text, txt.stem) if ann.exists() else [])
        _check([(f"{ann} (article {txt.stem})", article)], labels)
        articles.append(article)
    if not articles:
        raise InputError(f"{folder}: no .txt files; brat data is a folder of ID.txt and ID.ann files")
    return articles


# --- registry ---------------------------------------------------------------------------------------

FORMATS: dict[str, tuple[Callable[..., list[Article]], Callable[..., None]]] = {
    "jsonl": (read_jsonl, write_jsonl),
    "conll": (read_conll, write_conll),
    "doccano": (read_doccano, write_doccano),
    "labelstudio": (read_labelstudio, write_labelstudio),
    "labelstudio-min": (read_labelstudio_min, write_labelstudio_min),
    "brat": (read_brat, write_brat),
}


def _format(name: str) -> tuple[Callable[..., list[Article]], Callable[..., None]]:
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[name]


def read_format(fmt: str, path: str | Path, **kwargs: Any) -> list[Article]:
    return _format(fmt)[0](path, **kwargs)


def write_format(fmt: str, articles: Iterable[Article], path: str | Path, **kwargs: Any) -> None:
    _format(fmt)[1](articles, path, **kwargs)


def convert(
    src_format: str,
    dst_format: str,
    in_path: str | Path,
    out_path: str | Path,
    read_options: dict[str, Any] | None = None,
    write_options: dict[str, Any] | None = None,
) -> int:
    """Read ``in_path`` as ``src_format``, write ``out_path`` as ``dst_format``; the number of articles.
    ``read_options``/``write_options`` go to the reader/writer (``{"as_predictions": True}``,
    ``{"offsets": "codepoint"}``, ``{"source": "predictions"}``)."""
    reader, _ = _format(src_format)
    _, writer = _format(dst_format)
    articles = reader(in_path, **(read_options or {}))
    writer(articles, out_path, **(write_options or {}))
    return len(articles)


# --- Hugging Face datasets --------------------------------------------------------------------------

def to_hf_dataset(articles: Iterable[Article], types: Sequence[str] = ENTITY_TYPES):
    """A ``datasets.Dataset`` with columns ``id``, ``text``, ``entities`` (list of {start, end, label,
    text}) and ``labelled`` (the types the article is labelled for; all ``types`` when ``None``)."""
    from datasets import Dataset, Features, Sequence as HFSequence, Value

    features = Features({
        "id": Value("string"),
        "text": Value("string"),
        "entities": [{"start": Value("int32"), "end": Value("int32"), "label": Value("string"),
                      "text": Value("string")}],
        "labelled": HFSequence(Value("string")),
    })
    rows: dict[str, list] = {"id": [], "text": [], "entities": [], "labelled": []}
    for a in articles:
        rows["id"].append(a.id)
        rows["text"].append(a.text)
        rows["entities"].append([{"start": s.start, "end": s.end, "label": s.label, "text": a.text[s.start:s.end]}
                                 for s in sorted(a.entities)])
        rows["labelled"].append(list(types if a.labelled is None else a.labelled))
    return Dataset.from_dict(rows, features=features)
