"""Normalisers: the surface text of an entity span -> structured values (one module per type).

    normalize_amount("119.75亿元")            -> Amount(value=Decimal("11975000000"), currency="CNY", …)
    normalize_capacity("2×100万千瓦")          -> Capacity(value=Decimal("2000"), unit="MW", multiplier=2, …)
    normalize_region("望城经开区")             -> Region(canonical="长沙市望城经济技术开发区", code="430112", …)

Amounts and capacities raise ValueError (naming the text) when the text is not one; regions return
None for unknown places. Each result has ``to_dict()`` with JSON-safe values.
"""
from ner.normalize.amounts import APPROX_VALUES, Amount, normalize_amount
from ner.normalize.capacities import CANONICAL_UNITS, Capacity, normalize_capacity
from ner.normalize.regions import LEVELS, Region, normalize_region

__all__ = [
    "APPROX_VALUES",
    "CANONICAL_UNITS",
    "LEVELS",
    "Amount",
    "Capacity",
    "Region",
    "normalize_amount",
    "normalize_capacity",
    "normalize_region",
]
