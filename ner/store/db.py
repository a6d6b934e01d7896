"""Tagged documents -> the project database: ``Store(url).add_document(...)``, one transaction each.

A document is keyed by the SHA-256 of its text: adding a text already stored changes nothing (re-running
``ner tag --db`` on the same files is a no-op), whatever its id or source. Everything of one document
(the document row, its entities, records, mentions and the projects they join) is written in one
transaction, so a run killed at any point leaves whole documents only.

Each record joins a project: the best-matching project of another document (``ner.store.merge``: every
record of the project is a candidate, the one with most reasons in common wins), else a new one. A
project never takes two records of the same document (the record builder already split them).
Writers take turns (a lock per document transaction), so runs writing into one database at once store
each text once and merge into the same projects.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ner.errors import NerError
from ner.store import DEFAULT_URL
from ner.store.merge import code_prefix, company_keys, mergeable, name_core, same_project
from ner.store.models import Document, Entity, Mention, Project, Record, utcnow

WRITER_LOCK = 19_000_019  # the PostgreSQL advisory lock key of ner's writers
STAGE_ORDER = {"规划": 0, "签约": 1, "落户": 2, "开工": 3, "建成": 4, "竣工": 4, "投产": 5}
_YEAR_DATE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?")
_KINDS = (("companies", "company"), ("regions", "region"), ("amounts", "amount"), ("capacities", "capacity"))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso_date(date: str | None) -> str | None:
    """'2022年1月26日' -> '2022-01-26', '2020年' -> '2020', '9月28日' (no year) -> None."""
    m = _YEAR_DATE.search(date or "")
    if not m:
        return None
    parts = [m.group(1)] + [f"{int(g):02d}" for g in m.groups()[1:] if g]
    return "-".join(parts)


def timeline_key(stage: str | None, date_iso: str | None, record_id: int) -> tuple:
    """Timeline order: by stage (规划, 签约, 落户, 开工, 建成/竣工, 投产; none last), then by date where the
    text gives a year, then as stored. Stages first, because most news dates name no year."""
    return STAGE_ORDER.get(stage or "", 9), date_iso or "9999", record_id


def _best_region(regions: Sequence[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    """(code, canonical) of the most specific coded region of a record (a county beats its city)."""
    coded = [r for r in regions if r.get("code")]
    if not coded:
        first = regions[0] if regions else {}
        return None, first.get("canonical") or first.get("text")
    best = max(coded, key=lambda r: len(code_prefix(str(r["code"])) or ""))
    return str(best["code"]), best.get("canonical") or best.get("text")


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


@dataclass
class _Candidate:
    record_id: int
    project_id: int
    document_id: int
    record: dict


class Store:
    """The project database at ``url`` (any SQLAlchemy URL: ``sqlite:///projects.db``,
    ``postgresql+pg8000://user@host/db``). A new, empty database gets the schema at once; one at an
    older schema revision is refused until ``ner db upgrade``."""

    def __init__(self, url: str = DEFAULT_URL, upgrade_empty: bool = True):
        self.url = url
        try:
            self.engine = create_engine(url)
        except Exception as e:  # noqa: BLE001 - a bad URL or a missing driver: one line to the user
            raise NerError(f"--db {url}: cannot open ({e.__class__.__name__}: {e}); give a SQLAlchemy URL "
                           "such as sqlite:///projects.db or postgresql+pg8000://user@localhost/db") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        from ner.store.migrate import check_schema

        check_schema(self.engine, upgrade_empty)
        self._candidates: dict[int, _Candidate] = {}
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._seen_record_id = 0

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def add_document(self, doc_id: str, source: str, text: str, extracted: Mapping[str, Any],
                     model_version: str) -> tuple[int, bool]:
        """Store one tagged document (``Tagger.extract`` output) in one transaction; ``(document row id,
        True)``, or ``(id, False)`` when a document with the same text was already stored."""
        digest = content_hash(text)
        try:
            with Session(self.engine) as session, session.begin():
                self._lock_writers(session)
                found = session.scalar(select(Document.id).where(Document.content_hash == digest))
                if found is not None:
                    return found, False
                return self._write(session, digest, doc_id, source, text, extracted, model_version).id, True
        except IntegrityError:  # another writer stored the same text meanwhile
            self._forget_after_rollback()
            with Session(self.engine) as session:
                found = session.scalar(select(Document.id).where(Document.content_hash == digest))
            if found is None:
                raise
            return found, False
        except BaseException:
            self._forget_after_rollback()  # the index may hold records of the rolled-back document
            raise

    def _lock_writers(self, session: Session) -> None:
        """One writer at a time, across processes, from the hash check to the commit: so two runs on one
        database see each other's records and merge into the same projects. PostgreSQL: a transaction-level
        advisory lock; SQLite: the write lock, taken at once (BEGIN IMMEDIATE)."""
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
        elif dialect == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")

    def _write(self, session: Session, digest: str, doc_id: str, source: str, text: str,
               extracted: Mapping[str, Any], model_version: str) -> Document:
        entities, records = extracted.get("entities") or [], extracted.get("records") or []
        doc = Document(content_hash=digest, doc_id=str(doc_id), source=str(source), text=text,
                       model_version=model_version, n_entities=len(entities), n_records=len(records))
        session.add(doc)
        session.flush()
        session.add_all(Entity(document_id=doc.id, start=e["start"], end=e["end"], label=e["label"], text=e["text"],
                               score=e.get("score")) for e in entities)
        self._refresh(session)
        taken: set[int] = set()
        for position, rec in enumerate(records):
            project = self._project_for(session, rec, taken)
            taken.add(project.id)
            code, region_name = _best_region(rec.get("regions") or [])
            span = rec.get("project_span") or [None, None]
            row = Record(document_id=doc.id, position=position, project_id=project.id, name=rec.get("project"),
                         name_start=span[0], name_end=span[1], stage=rec.get("stage"), date=rec.get("date"),
                         date_iso=iso_date(rec.get("date")), region_code=code, region_name=region_name,
                         data=dict(rec))
            session.add(row)
            session.flush()
            session.add_all(_mentions(row.id, rec))
            self._summarise(session, project)
            if mergeable(rec):
                self._index(_Candidate(row.id, project.id, doc.id, dict(rec)))
        session.flush()
        return doc

    def _project_for(self, session: Session, rec: Mapping[str, Any], taken: set[int]) -> Project:
        best, best_score = None, 0
        if mergeable(rec):
            for cid in sorted(self._lookup(rec)):
                c = self._candidates[cid]
                if c.project_id in taken:
                    continue
                decision = same_project(rec, c.record)
                if decision and len(decision.reasons) > best_score:
                    best, best_score = c.project_id, len(decision.reasons)
        if best is not None:
            return session.get(Project, best)
        project = Project(n_records=0, n_documents=0)
        session.add(project)
        session.flush()
        return project

    def _summarise(self, session: Session, project: Project) -> None:
        """Recompute a project's summary columns from its records (in this transaction)."""
        session.flush()
        rows = session.scalars(select(Record).where(Record.project_id == project.id).order_by(Record.id)).all()
        named = [r.name for r in rows if r.name]
        project.name = max(named, key=len) if named else None
        companies = [m["text"] for r in rows for m in r.data.get("companies") or []]
        project.company = max(companies, key=companies.count) if companies else None
        regions = [m for r in rows for m in r.data.get("regions") or []]
        project.region_code, project.region_name = _best_region(regions)
        stages = [r.stage for r in rows if r.stage]
        project.stage = max(stages, key=lambda s: STAGE_ORDER.get(s, -1)) if stages else None
        dates = sorted(r.date_iso for r in rows if r.date_iso)
        project.first_date, project.last_date = (dates[0], dates[-1]) if dates else (None, None)
        project.n_records = len(rows)
        project.n_documents = len({r.document_id for r in rows})
        project.updated_at = utcnow()

    # the in-memory index of mergeable records: bigrams of company keys and name cores -> record ids

    @staticmethod
    def _keys(rec: Mapping[str, Any]) -> set[str]:
        words = company_keys(rec) | {name_core(rec)}
        return {w[i:i + 2] for w in words for i in range(len(w) - 1)}

    def _index(self, c: _Candidate) -> None:
        self._candidates[c.record_id] = c
        for k in self._keys(c.record):
            self._by_key[k].add(c.record_id)
        self._seen_record_id = max(self._seen_record_id, c.record_id)

    def _lookup(self, rec: Mapping[str, Any]) -> set[int]:
        return set().union(*(self._by_key.get(k, ()) for k in self._keys(rec)))

    def _refresh(self, session: Session) -> None:
        """Index the records other writers (or earlier runs) stored since we last looked."""
        rows = session.execute(select(Record.id, Record.project_id, Record.document_id, Record.data)
                               .where(Record.id > self._seen_record_id).order_by(Record.id)).all()
        for rid, pid, did, data in rows:
            if mergeable(data):
                self._index(_Candidate(rid, pid, did, data))
            self._seen_record_id = max(self._seen_record_id, rid)

    def _forget_after_rollback(self) -> None:
        self._candidates.clear()
        self._by_key.clear()
        self._seen_record_id = 0

    # ------------------------------------------------------------------ reading

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as s:
            return {name: s.scalar(select(func.count()).select_from(model)) for name, model in
                    (("documents", Document), ("entities", Entity), ("records", Record), ("mentions", Mention),
                     ("projects", Project))}

    def projects(self, region: str | None = None, since: str | None = None, until: str | None = None,
                 stage: str | None = None, query: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Project summaries, newest activity first, filtered: ``region`` an admin-code prefix (43, 4301,
        430112), ``since``/``until`` ISO dates (2022, 2022-06) against the project's dated records,
        ``stage`` its latest stage, ``query`` a substring of its name, company or place."""
        q = select(Project)
        if region:
            q = q.where(Project.region_code.startswith(region.strip()))
        if since:
            q = q.where(Project.last_date >= since)
        if until:
            q = q.where(Project.first_date <= until + "~")  # 2022-06 takes 2022-06-30
        if stage:
            q = q.where(Project.stage == stage)
        if query:
            like = f"%{query}%"
            q = q.where(Project.name.like(like) | Project.company.like(like) | Project.region_name.like(like))
        q = q.order_by(Project.n_documents.desc(), Project.updated_at.desc(), Project.id.desc())
        if limit:
            q = q.limit(limit)
        with Session(self.engine) as s:
            return [_project_dict(p) for p in s.scalars(q)]

    def project(self, project_id: int) -> dict[str, Any] | None:
        """A project with its records (timeline order) and their documents (sources, text, entities)."""
        with Session(self.engine) as s:
            p = s.get(Project, project_id)
            if p is None:
                return None
            rows = s.scalars(select(Record).where(Record.project_id == project_id)
                             .options(selectinload(Record.document).selectinload(Document.entities))).all()
            timeline = sorted(rows, key=lambda r: timeline_key(r.stage, r.date_iso, r.id))
            out = _project_dict(p)
            out["timeline"] = [{"record_id": r.id, "stage": r.stage, "date": r.date, "date_iso": r.date_iso,
                                "document": r.document_id, "doc_id": r.document.doc_id, "name": r.name}
                               for r in timeline]
            sources = {}
            for r in rows:
                d = r.document
                src = sources.setdefault(d.id, {"document": d.id, "doc_id": d.doc_id, "source": d.source,
                                                "text": d.text, "model_version": d.model_version,
                                                "entities": [_entity_dict(e) for e in d.entities], "records": []})
                src["records"].append({"record_id": r.id, "position": r.position, **r.data})
            out["sources"] = list(sources.values())
            return out

    def project_rows(self, **filters) -> list[dict[str, Any]]:
        """``projects(**filters)`` with, per project, its companies, sources (document ids) and timeline
        (``2022-01-05 签约 (a1); 开工 (b7)``): the rows of ``ner projects`` and the app's table."""
        found = self.projects(**filters)
        by_id = {p["id"]: {**p, "companies": [], "sources": [], "timeline": []} for p in found}
        with Session(self.engine) as s:
            for ids in _chunks(list(by_id), 500):
                rows = s.execute(select(Record.project_id, Record.stage, Record.date, Record.date_iso, Record.id,
                                        Record.data, Document.doc_id).join(Document)
                                 .where(Record.project_id.in_(ids))).all()
                for pid, stage, date, date_iso, rid, data, doc_id in sorted(rows, key=lambda r: timeline_key(r[1], r[3], r[4])):
                    p = by_id[pid]
                    p["companies"] += [m["text"] for m in data.get("companies") or [] if m["text"] not in p["companies"]]
                    if doc_id not in p["sources"]:
                        p["sources"].append(doc_id)
                    if stage or date:
                        p["timeline"].append(f"{date or ''} {stage or ''} ({doc_id})".strip())
        return list(by_id.values())

    def document(self, document_id: int) -> dict[str, Any] | None:
        """A stored document: its text, entities, records and the project of each record."""
        with Session(self.engine) as s:
            d = s.get(Document, document_id, options=[selectinload(Document.entities), selectinload(Document.records)])
            if d is None:
                return None
            return {"document": d.id, "doc_id": d.doc_id, "source": d.source, "text": d.text,
                    "model_version": d.model_version, "entities": [_entity_dict(e) for e in d.entities],
                    "records": [r.data for r in d.records], "project_ids": [r.project_id for r in d.records]}

    def record_rows(self, project_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """One row per stored document with its records (``{"id", "source", "records", "project_ids"}``),
        the shape the table writers take (``ner.batch.export``), for the given projects' records only."""
        with Session(self.engine) as s:
            q = select(Record).options(selectinload(Record.document)).order_by(Record.document_id, Record.position)
            if project_ids is not None:
                q = q.where(Record.project_id.in_(list(project_ids)))
            docs: dict[int, dict] = {}
            for r in s.scalars(q):
                d = docs.setdefault(r.document_id, {"id": r.document.doc_id, "source": r.document.source,
                                                    "records": [], "project_ids": []})
                d["records"].append({**r.data, "position": r.position})
                d["project_ids"].append(r.project_id)
            return list(docs.values())


def _chunks(items: list, n: int) -> list[list]:
    return [items[i:i + n] for i in range(0, len(items), n)] or [[]]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (ner serve) do not block the writer
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _mentions(record_id: int, rec: Mapping[str, Any]) -> list[Mention]:
    out = []
    for key, kind in _KINDS:
        for m in rec.get(key) or []:
            out.append(Mention(record_id=record_id, kind=kind, start=m["start"], end=m["end"], text=m["text"],
                               value=_number(m.get("value")), low=_number(m.get("low")), high=_number(m.get("high")),
                               currency=m.get("currency"), unit=m.get("unit"), role=m.get("role"),
                               canonical=m.get("canonical"), code=m.get("code")))
    return out


def _entity_dict(e: Entity) -> dict[str, Any]:
    d = {"start": e.start, "end": e.end, "label": e.label, "text": e.text}
    if e.score is not None:
        d["score"] = e.score
    return d


def _project_dict(p: Project) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "company": p.company, "region_code": p.region_code,
            "region_name": p.region_name, "stage": p.stage, "first_date": p.first_date, "last_date": p.last_date,
            "n_records": p.n_records, "n_documents": p.n_documents}
