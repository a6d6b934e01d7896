"""Entities -> project records: built per sentence, consolidated per article, linked to annotation
relations, and scored against gold records."""
