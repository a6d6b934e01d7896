"""Records -> tables and pages a person reads: CSV, xlsx and parquet (one row per record), and HTML.

The table (``record_table``) says what each figure is: every amount gets its own columns for the text
as written, the value, the currency and the role (a range gets ``low`` and ``high``), every capacity its
text, value and unit, every region its text, canonical name and admin code, each with the mention's
character offsets (``start-end``) in the source document. Nothing is converted silently: a CNY column
appears only when exchange rates are given (``fx={"USD": 7.1}``), and an amount in a currency without a
rate stays blank there. Text cells that a spreadsheet would run as a formula (= + - @) are escaped with
a leading quote (``ner.batch.run.csv_cell``), in CSV and xlsx alike.

The HTML page shows each document's text with its entities highlighted and labelled in the text (no
hovering needed), and its records beside the text; each figure or name of a record links to its
highlighted mention, and a record's heading marks all of its mentions.
"""
from __future__ import annotations

import csv
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ner.batch.run import csv_cell
from ner.data.io import atomic_write
from ner.errors import NerError

GROUPS = {  # record key -> (column prefix, normalised fields in column order)
    "regions": ("region", ("canonical", "code")),
    "amounts": ("amount", ("value", "low", "high", "currency", "role", "approx")),
    "capacities": ("capacity", ("value", "unit")),
}
OPTIONAL = {"low", "high", "approx"}  # amount columns present only when some amount in the table has them


def parse_fx(items: Sequence[str]) -> dict[str, float]:
    """['USD=7.1', 'EUR=7.8'] -> {'USD': 7.1, 'EUR': 7.8, 'CNY': 1.0}; NerError naming a bad item."""
    rates = {"CNY": 1.0}
    for item in items:
        for part in filter(None, item.split(",")):
            code, _, rate = part.partition("=")
            try:
                rates[code.strip().upper()] = float(rate)
            except ValueError:
                raise NerError(f"--fx {part!r}: expected CURRENCY=RATE in yuan per unit, e.g. USD=7.1") from None
    return rates


def record_table(rows: Sequence[Mapping[str, Any]], fx: Mapping[str, float] | None = None) -> tuple[list[str], list[list[Any]]]:
    """(columns, one row of values per record) for documents ``rows`` as ``ner tag`` writes them
    (``{"id", "source", "records", "error"?}``; ``"project_ids"`` beside ``records`` adds a column).
    A document with no record still gets a row, so nothing disappears."""
    width = {key: max([len(rec.get(key) or []) for r in rows for rec in r.get("records") or []] + [1]) for key in GROUPS}
    present = {f for r in rows for rec in r.get("records") or [] for m in rec.get("amounts") or []
               for f in OPTIONAL if m.get(f) is not None}
    with_projects = any("project_ids" in r for r in rows)
    columns = ["id", "source", "record"] + (["project_id"] if with_projects else []) + [
        "project", "project_start", "project_end", "companies", "stage", "date"]
    for key, (prefix, fields) in GROUPS.items():
        for n in range(1, width[key] + 1):
            columns.append(f"{prefix}_{n}")
            columns += [f"{prefix}_{n}_{f}" for f in fields if f not in OPTIONAL or f in present]
            if key == "amounts" and fx:
                columns.append(f"{prefix}_{n}_cny")
            columns.append(f"{prefix}_{n}_offsets")
    columns.append("error")
    out = []
    for r in rows:
        for k, rec in enumerate(r.get("records") or [None]):
            cell = dict.fromkeys(columns, None)
            cell.update(id=r.get("id"), source=r.get("source"), error=r.get("error"))
            if rec is not None:
                span = rec.get("project_span") or [None, None]
                cell.update(record=rec.get("position", k), project=rec.get("project"), project_start=span[0],
                            project_end=span[1], stage=rec.get("stage"), date=rec.get("date"),
                            companies="；".join(dict.fromkeys(m["text"] for m in rec.get("companies") or [])))
                if with_projects:
                    cell["project_id"] = (r.get("project_ids") or [None] * (k + 1))[k]
                for key, (prefix, fields) in GROUPS.items():
                    for n, m in enumerate(rec.get(key) or [], 1):
                        base = f"{prefix}_{n}"
                        cell[base] = m.get("text")
                        cell[f"{base}_offsets"] = f"{m['start']}-{m['end']}"
                        for f in fields:
                            if f"{base}_{f}" in cell:
                                cell[f"{base}_{f}"] = m.get(f)
                        if key == "amounts" and fx:
                            rate = fx.get(m.get("currency") or "")
                            if rate is not None and m.get("value") is not None:
                                cell[f"{base}_cny"] = _plain(m["value"] * rate)
            out.append([cell[c] for c in columns])
    return columns, out


def _plain(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 2)


def _text_cell(v: Any) -> Any:
    return csv_cell(v) if isinstance(v, str) else v


def write_record_csv(output: Path, rows: Sequence[Mapping[str, Any]], fx: Mapping[str, float] | None = None) -> None:
    """The record table as CSV (UTF-8 with BOM, for Excel)."""
    _write_csv(output, *record_table(rows, fx))


def _write_csv(output: Path, columns: Sequence[str], table: Sequence[Sequence[Any]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows([["" if v is None else _text_cell(v) for v in line] for line in table])
    with atomic_write(output, encoding="utf-8-sig") as f:
        f.write(buf.getvalue())


def write_record_xlsx(output: Path, rows: Sequence[Mapping[str, Any]], fx: Mapping[str, float] | None = None) -> None:
    """The record table as an Excel workbook (openpyxl): figures as numbers, text cells as text."""
    with atomic_write(output, mode="wb", encoding=None) as f:
        f.write(xlsx_bytes({"records": record_table(rows, fx)}))


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per ``{name: (columns, table)}``; strings never become formulas."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise NerError("xlsx output needs openpyxl: pip install openpyxl (or -e '.[serve]')") from None
    wb = Workbook()
    wb.remove(wb.active)
    for name, (columns, table) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(columns))
        for line in table:
            ws.append([_text_cell(v) for v in line])
        for row in ws.iter_rows(min_row=1):
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"  # never a formula, whatever it starts with
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_record_parquet(output: Path, rows: Sequence[Mapping[str, Any]], fx: Mapping[str, float] | None = None) -> None:
    """The record table as parquet (pandas with pyarrow)."""
    _write_parquet(output, *record_table(rows, fx))


def _write_parquet(output: Path, columns: Sequence[str], table: Sequence[Sequence[Any]]) -> None:
    try:
        import pandas as pd
        import pyarrow  # noqa: F401 - pandas' parquet engine
    except ImportError:
        raise NerError("parquet output needs pandas and pyarrow: pip install pandas pyarrow") from None
    frame = pd.DataFrame(list(table), columns=list(columns))
    with atomic_write(output, mode="wb", encoding=None) as f:
        frame.to_parquet(f, index=False)


TABLE_WRITERS = {"csv": write_record_csv, "xlsx": write_record_xlsx, "parquet": write_record_parquet}

PROJECT_COLUMNS = ["project_id", "name", "company", "companies", "region_name", "region_code", "stage",
                   "first_date", "last_date", "n_documents", "n_records", "sources", "timeline"]


def project_table(projects: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """One row per project (``Store.project_rows``): its summary, companies, sources and timeline."""
    table = []
    for p in projects:
        cell = {**p, "project_id": p["id"], "companies": "；".join(p.get("companies") or []),
                "sources": "；".join(p.get("sources") or []), "timeline": "；".join(p.get("timeline") or [])}
        table.append([cell.get(c) for c in PROJECT_COLUMNS])
    return PROJECT_COLUMNS, table


def write_projects(output: Path, fmt: str, projects: Sequence[Mapping[str, Any]],
                   records: Sequence[Mapping[str, Any]], fx: Mapping[str, float] | None = None,
                   per_record: bool = False) -> None:
    """``ner projects --output``: xlsx gets a "projects" sheet and a "records" sheet (one row per record,
    with its project id); csv and parquet the projects table, or the records table with ``per_record``."""
    if fmt == "xlsx":
        with atomic_write(output, mode="wb", encoding=None) as f:
            f.write(xlsx_bytes({"projects": project_table(projects), "records": record_table(records, fx)}))
        return
    if per_record:
        TABLE_WRITERS[fmt](output, records, fx)
        return
    columns, table = project_table(projects)
    if fmt == "csv":
        _write_csv(output, columns, table)
    elif fmt == "parquet":
        _write_parquet(output, columns, table)
    else:
        raise NerError(f"--format {fmt!r}: expected csv, xlsx or parquet")


# ---------------------------------------------------------------------------------------------- HTML

LABEL_STYLE = {  # background and border style: the type is told by its label, colour and border, never by colour alone
    "REGION": ("#cfe8ff", "2px solid #1f6fbf"),
    "COMPANY": ("#ffd8b0", "2px dashed #b35c00"),
    "AMOUNT": ("#c8f0c8", "2px dotted #2a7a2a"),
    "CAPACITY": ("#f3c8f0", "3px double #8a2a85"),
}
KIND_LABEL = {"companies": "company", "regions": "region", "amounts": "amount", "capacities": "capacity"}

PAGE_STYLE = """
body{font-family:sans-serif;margin:1em auto;max-width:90em;padding:0 1em;color:#222}
.doc{display:grid;grid-template-columns:minmax(0,3fr) minmax(18em,2fr);gap:1.5em;border-top:2px solid #ccc;
 padding:1em 0}
.text{white-space:pre-wrap;line-height:2.1}
mark.ent{padding:1px 2px;border-radius:3px;color:inherit}
mark.ent .lab{font-size:.62em;font-weight:bold;letter-spacing:.02em;margin-left:3px;padding:0 2px;
 border-radius:2px;background:#fff;color:#333;user-select:none;vertical-align:.35em}
mark.ent:target,mark.ent.on{outline:3px solid #d40000;outline-offset:1px}
.records h3{margin-top:0} .record{border:1px solid #bbb;border-radius:4px;padding:.4em .8em;margin-bottom:.8em}
.record h4{margin:.2em 0;cursor:pointer} .record dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.3em 0}
.record dt{font-weight:bold;color:#555} .record dd{margin:0} .norm{color:#555;font-size:.92em}
.err{color:#b00} .legend mark{margin-right:.6em}
""" + "".join(f"mark.{t}{{background:{bg};border-bottom:{border}}}" for t, (bg, border) in LABEL_STYLE.items())

PAGE_SCRIPT = """
document.addEventListener('click', function (e) {
  var h = e.target.closest('.record h4');
  if (!h) return;
  var doc = h.closest('.doc');
  doc.querySelectorAll('mark.on').forEach(function (m) { m.classList.remove('on'); });
  (h.parentNode.dataset.mentions || '').split(' ').forEach(function (id) {
    var m = document.getElementById(id); if (m) m.classList.add('on');
  });
  var first = doc.querySelector('mark.on'); if (first) first.scrollIntoView({block: 'center'});
});
"""


def mention_id(doc: str, start: int, end: int) -> str:
    return f"{doc}-{start}-{end}"


def highlight(text: str, entities: Sequence[Mapping[str, Any]], doc: str = "d") -> str:
    """``text`` as HTML with each entity a ``<mark class="ent LABEL" id="DOC-START-END">`` followed by its
    label (shown, not a tooltip). Overlapping entities after the first are left out."""
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: (e["start"], -e["end"])):
        if e["start"] < pos:
            continue
        label = html.escape(e["label"])
        out.append(html.escape(text[pos:e["start"]]))
        out.append(f"<mark class='ent {label}' id='{mention_id(doc, e['start'], e['end'])}' data-label='{label}'>"
                   f"{html.escape(text[e['start']:e['end']])}<span class='lab'>{label}</span></mark>")
        pos = e["end"]
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _number_text(v: Any) -> str:
    return f"{v:,}" if isinstance(v, int) else (f"{v:,.4g}" if isinstance(v, float) else "")


def _normalised(kind: str, m: Mapping[str, Any]) -> str:
    if kind == "regions":
        parts = [m.get("canonical") or "", f"({m['code']})" if m.get("code") else ""]
    elif kind == "amounts":
        value = _number_text(m.get("value")) or (
            f"{_number_text(m.get('low'))}–{_number_text(m.get('high'))}" if m.get("low") is not None else "")
        parts = [value, m.get("currency") or "", f"[{m['role']}]" if m.get("role") else ""]
    elif kind == "capacities":
        parts = [_number_text(m.get("value")), m.get("unit") or ""]
    else:
        parts = []
    text = " ".join(p for p in parts if p)
    return f" <span class='norm'>= {html.escape(text)}</span>" if text else ""


def records_html(records: Sequence[Mapping[str, Any]], entities: Sequence[Mapping[str, Any]], doc: str,
                 titles: Sequence[str] | None = None) -> str:
    """The records panel: per record its project, companies, regions, figures (each linked to its
    highlighted mention where the text has one), stage and date."""
    marked = {(e["start"], e["end"]) for e in entities}
    parts = [f"<h3>{len(records)} record{'s' * (len(records) != 1)}</h3>"]
    for k, rec in enumerate(records):
        ids = [mention_id(doc, m["start"], m["end"]) for key in KIND_LABEL for m in rec.get(key) or []
               if (m["start"], m["end"]) in marked]
        title = titles[k] if titles else f"Record {k + 1}"
        parts.append(f"<div class='record' id='{doc}-r{k}' data-mentions='{' '.join(dict.fromkeys(ids))}'>"
                     f"<h4>{html.escape(title)}: {html.escape(rec.get('project') or '(no project name)')}</h4><dl>")
        for key, label in KIND_LABEL.items():
            for m in rec.get(key) or []:
                surface = html.escape(m["text"])
                if (m["start"], m["end"]) in marked:
                    surface = f"<a href='#{mention_id(doc, m['start'], m['end'])}'>{surface}</a>"
                parts.append(f"<dt>{label}</dt><dd>{surface}{_normalised(key, m)}</dd>")
        parts.append(f"<dt>stage</dt><dd>{html.escape(rec.get('stage') or '—')}</dd>"
                     f"<dt>date</dt><dd>{html.escape(rec.get('date') or '—')}</dd></dl></div>")
    return "".join(parts)


def legend() -> str:
    return "<p class='legend'>" + "".join(
        f"<mark class='ent {t}'>{t.lower()}<span class='lab'>{t}</span></mark>" for t in LABEL_STYLE) + "</p>"


def write_html(output: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """A page per run: each document's text with its entities highlighted and labelled, its records beside."""
    parts = ["<!doctype html><html lang='zh'><meta charset='utf-8'><title>ner tag</title>",
             f"<style>{PAGE_STYLE}</style><h1>Tagged documents</h1>", legend()]
    for i, r in enumerate(rows):
        doc = f"d{i}"
        parts.append(f"<section class='doc' id='{doc}'><div><h2>{html.escape(str(r['id']))} "
                     f"<small>{html.escape(r.get('source', ''))}</small></h2>")
        if r.get("error"):
            parts.append(f"<p class='err'>{html.escape(r['error'])}</p></div></section>")
            continue
        parts.append(f"<div class='text'>{highlight(r.get('text', ''), r['entities'], doc)}</div></div>"
                     f"<aside class='records'>{records_html(r.get('records') or [], r['entities'], doc)}</aside></section>")
    parts.append(f"<script>{PAGE_SCRIPT}</script>")
    with atomic_write(output) as f:
        f.write("".join(parts))
