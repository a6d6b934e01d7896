"""Tagging many documents: ``inputs`` (files, folders, globs, JSONL, parquet, stdin -> documents), ``run``
(tag them, resumable, nothing lost), ``export`` (record tables: CSV, xlsx, HTML), ``suggest``
(pre-annotation for annotation tools) and ``distributed`` (Ray Data)."""
