"""Currencies and capacity units: every list of them that the rules, the normalisers, the corpus readers
and the augmentation read, defined side by side. Where two readers need different contents, both lists
are here with the reason; where one is a part of another, it is derived or checked against it."""
from __future__ import annotations

import re

__all__ = [
    "AUGMENT_CAPACITY_UNITS", "AUGMENT_MONEY_CURRENCIES", "COUNT_UNITS", "CURRENCIES", "CURRENCY_CODES",
    "ENERGY_UNITS", "FEWFC_CURRENCIES", "MASS_UNITS", "RATE_UNITS", "VOLUME_UNITS",
]

# ---------------------------------------------------------------------------------------------
# Currencies

# Currency names -> ISO 4217 codes: what ``ner.normalize.amounts`` reads. ``ner.rules`` recognises the
# Chinese names among them after a number (``CURRENCIES``), so every currency the rules find is one the
# normaliser reads.
CURRENCY_CODES = {
    "元人民币": "CNY", "人民币元": "CNY", "人民币": "CNY", "元": "CNY", "块钱": "CNY", "RMB": "CNY",
    "CNY": "CNY", "¥": "CNY",
    "美元": "USD", "美金": "USD", "USD": "USD", "US$": "USD", "$": "USD",
    "欧元": "EUR", "EUR": "EUR", "€": "EUR",
    "港元": "HKD", "港币": "HKD", "HKD": "HKD", "HK$": "HKD",
    "日元": "JPY", "日币": "JPY", "JPY": "JPY",
    "英镑": "GBP", "GBP": "GBP", "£": "GBP",
    "韩元": "KRW", "澳元": "AUD", "澳大利亚元": "AUD", "加元": "CAD", "加拿大元": "CAD",
    "新加坡元": "SGD", "新台币": "TWD", "台币": "TWD", "卢布": "RUB", "瑞士法郎": "CHF",
    "泰铢": "THB", "卢比": "INR", "林吉特": "MYR", "越南盾": "VND", "韩币": "KRW", "瑞郎": "CHF",
    "兰特": "ZAR", "雷亚尔": "BRL", "肯先令": "KES", "坦先令": "TZS", "乌先令": "UGX",
    # Currencies replaced by the euro in 2002, still in archive news: 4700亿马克 (1998).
    "马克": "DEM", "德国马克": "DEM", "法郎": "FRF", "法国法郎": "FRF",
}

# The rules' currencies (``ner.rules.amounts``): the Chinese names of ``CURRENCY_CODES`` (元, 美元,
# 卢比, 马克...), longest first, less those holding 人民币, which stays outside an AMOUNT span after 元
# (5亿元人民币 -> 5亿元), and the colloquial 块钱.
CURRENCIES = tuple(sorted((w for w in CURRENCY_CODES if re.fullmatch("[\u4e00-\u9fff]+", w) and "人民币" not in w and w != "块钱"),
                          key=len, reverse=True))

# FewFC's money check (``ner.data.corpora.fewfc.MONEY_PATTERN``: does a sentence hold money that its
# labels missed?): the six major currencies of its finance news and 人民币, a part of ``CURRENCY_CODES``
# narrower than ``CURRENCIES`` and with 人民币 (a bare 人民币 after a number is money there too). Kept
# narrow on purpose: a wider pattern changes which FewFC sentences claim AMOUNT, that is the training data.
FEWFC_CURRENCIES = ("人民币", "美元", "欧元", "港元", "港币", "日元", "英镑", "元")

# The augmentation's money magnitudes (``ner.data.augment``): a 万/亿 is swapped only before one of
# these (or at the end of the span). A part of ``CURRENCIES``, kept as it was written: a wider list
# would swap magnitudes in more mentions and so change the seeded augmented data.
AUGMENT_MONEY_CURRENCIES = ("元", "美元", "欧元", "港元")

assert set(FEWFC_CURRENCIES) <= set(CURRENCY_CODES) and set(AUGMENT_MONEY_CURRENCIES) <= set(CURRENCIES)

# ---------------------------------------------------------------------------------------------
# Capacity units

# The rules' units by class (``ner.rules.capacities``): the class decides which context a figure needs.
ENERGY_UNITS = (
    "TWh", "GWh", "MWh", "kWh", "KWh", "Twh", "Gwh", "Mwh", "kwh", "TWH", "GWH", "MWH", "KWH", "GWp", "MWp", "kWp", "GW",
    "MW", "kW", "KW", "万千瓦时", "千瓦时", "兆瓦时", "吉瓦时", "太瓦时", "万千瓦", "千瓦", "兆瓦", "吉瓦", "瓦", "度",
)
RATE_UNITS = ("t/d", "t/a", "t/h", "吨/日", "吨/天", "吨/年", "吨/小时", "蒸吨/小时", "蒸吨/时")  # 蒸吨: boiler steam
MASS_UNITS = ("吨", "公斤", "千克")
VOLUME_UNITS = ("万千升", "千升", "立方米", "标箱", "TEU", "桶")
COUNT_UNITS = ("台", "辆", "套", "片", "只", "支", "头")

# The augmentation's units (``ner.data.augment``): what a redrawn CAPACITY's unit may be swapped for,
# drawn at random (the order is part of the seeded output). Not the rules' list: it swaps the magnitude
# with the unit (万吨, 亿千瓦时, 万辆), and keeps to the units of the seeds' projects.
AUGMENT_CAPACITY_UNITS = (
    "GWh", "GW", "MW", "MWh", "万千瓦", "千瓦", "亿千瓦时", "万千瓦时", "亿度", "万吨", "吨", "万台", "台",
    "万辆", "辆", "万套", "万片", "万千升", "t/d", "吨/日",
)
