"""Scores: exact spans and seqeval per type, and leave-one-article-out cross-validation."""
