"""Tagging many documents: inputs (files, folders, JSONL, parquet), resumable output, record tables
(CSV, xlsx, HTML), pre-annotation for annotation tools, and Ray Data."""
