"""The initial schema: documents, entities, projects, records, mentions (ner/store/models.py).

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(200), nullable=False),
        sa.Column("n_entities", sa.Integer(), nullable=False),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
    )
    op.create_index("ix_documents_doc_id", "documents", ["doc_id"])
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
    )
    op.create_index("ix_entities_document_id", "entities", ["document_id"])
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("region_name", sa.Text(), nullable=True),
        sa.Column("stage", sa.String(20), nullable=True),
        sa.Column("first_date", sa.String(10), nullable=True),
        sa.Column("last_date", sa.String(10), nullable=True),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("n_documents", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_projects_region_code", "projects", ["region_code"])
    op.create_index("ix_projects_stage", "projects", ["stage"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("name_start", sa.Integer(), nullable=True),
        sa.Column("name_end", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(20), nullable=True),
        sa.Column("date", sa.Text(), nullable=True),
        sa.Column("date_iso", sa.String(10), nullable=True),
        sa.Column("region_code", sa.String(12), nullable=True),
        sa.Column("region_name", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_records_document_id", "records", ["document_id"])
    op.create_index("ix_records_project_id", "records", ["project_id"])
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("low", sa.Double(), nullable=True),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("currency", sa.String(8), nullable=True),
        sa.Column("unit", sa.String(20), nullable=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("canonical", sa.Text(), nullable=True),
        sa.Column("code", sa.String(12), nullable=True),
    )
    op.create_index("ix_mentions_record_id", "mentions", ["record_id"])


def downgrade() -> None:
    for table in ("mentions", "records", "projects", "entities", "documents"):
        op.drop_table(table)
