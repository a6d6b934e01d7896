"""Entity types and the IOB2 tag set built from them."""
from __future__ import annotations

ENTITY_TYPES: tuple[str, ...] = ("REGION", "COMPANY", "AMOUNT", "CAPACITY")
OUTSIDE = "O"


def iob2_tags(types: tuple[str, ...] | list[str] = ENTITY_TYPES) -> list[str]:
    """``["O", "B-T1", "I-T1", ...]`` in a fixed order, so ids are stable across runs."""
    return [OUTSIDE] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def label_maps(types: tuple[str, ...] | list[str] = ENTITY_TYPES) -> tuple[dict[int, str], dict[str, int]]:
    tags = iob2_tags(types)
    return dict(enumerate(tags)), {t: i for i, t in enumerate(tags)}
