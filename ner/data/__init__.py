"""Data in and out: annotated articles (standoff JSONL and the annotation tools' formats), public corpora
mapped to our types, gold validation and statistics, spans <-> character tags, and mention replacement."""
