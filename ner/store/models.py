"""The project database's tables (SQLAlchemy 2 declarative models); the schema is created and changed
only by the Alembic migrations in ``ner/store/migrations`` (a test checks the two agree).

    documents  one row per distinct text (``content_hash``: SHA-256 of the text), with its id, source and
               the model version that tagged it; ``n_entities`` and ``n_records`` say what belongs to it
    entities   the tagged spans of a document (char offsets into its text)
    records    the project records of a document (``ner.records.build``), in order, with their provenance
               (document, offsets of the project name) and the project they were merged into
    mentions   the companies, regions, amounts and capacities of a record, with offsets and values
    projects   one row per project across articles: a summary of its records (name, company, most
               specific region, latest stage, first and last dated record)
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Double, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    doc_id: Mapped[str] = mapped_column(Text, index=True)  # the id as the user gave it (not unique)
    source: Mapped[str] = mapped_column(Text)  # where it was read: file, file:line, "form"
    text: Mapped[str] = mapped_column(Text)
    model_version: Mapped[str] = mapped_column(String(200))
    n_entities: Mapped[int] = mapped_column(Integer)
    n_records: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    entities: Mapped[list[Entity]] = relationship(back_populates="document", order_by="Entity.start")
    records: Mapped[list[Record]] = relationship(back_populates="document", order_by="Record.position")


class Entity(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Double, nullable=True)

    document: Mapped[Document] = relationship(back_populates="entities")


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    company: Mapped[str | None] = mapped_column(Text, nullable=True)
    region_code: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    region_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    stage: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)  # the latest stage reached
    first_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO, as precise as the text
    last_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    n_records: Mapped[int] = mapped_column(Integer, default=0)
    n_documents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    records: Mapped[list[Record]] = relationship(back_populates="project")


class Record(Base):
    __tablename__ = "records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the record's number in its document
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    name_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name_end: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    date: Mapped[str | None] = mapped_column(Text, nullable=True)  # as written (9月28日)
    date_iso: Mapped[str | None] = mapped_column(String(10), nullable=True)  # when the text names a year
    region_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    region_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict] = mapped_column(JSON)  # the record as ner.records.build built it

    document: Mapped[Document] = relationship(back_populates="records")
    project: Mapped[Project] = relationship(back_populates="records")
    mentions: Mapped[list[Mention]] = relationship(back_populates="record", order_by="Mention.id")


class Mention(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # company, region, amount, capacity
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Double, nullable=True)
    low: Mapped[float | None] = mapped_column(Double, nullable=True)
    high: Mapped[float | None] = mapped_column(Double, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(20), nullable=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    canonical: Mapped[str | None] = mapped_column(Text, nullable=True)
    code: Mapped[str | None] = mapped_column(String(12), nullable=True)

    record: Mapped[Record] = relationship(back_populates="mentions")
