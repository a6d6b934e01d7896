"""The rule pre-annotator: raw text -> AMOUNT, CAPACITY, REGION and COMPANY spans, no model."""
