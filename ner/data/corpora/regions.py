"""Which place mentions of a corpus are regions in our sense, and which region names a corpus may have
left unlabelled (they stop a sentence from claiming REGION)."""
from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from ner.data.corpora.address import _short_forms, gazetteer_from_address_corpus
from ner.lexicon.place_words import BUILTIN_REGION_NAMES, NON_REGION_SUFFIXES, REGION_EXCEPTIONS, REGION_SUFFIXES

#: Anywhere in a mention, these make it a street address, a building, a relative location or a body.
_STRUCTURE = re.compile(
    r"[0-9０-９A-Za-zＡ-Ｚａ-ｚ·•、，,（(]|大厦|小区|广场|大楼|村|巷|弄|胡同|酒店|饭店|宾馆|医院|学校|大学|"
    r"附近|对面|旁边|门前|门口|楼下|以[东南西北]|之间|交汇|交叉|位于|.{2,}的|[路街桥](?:[东南西北](?!区)|口|边|旁|段)|"
    r"政府|委员会|项目|工地|高速|(?:[委局厅办]|街区|商务区|商业区|购物区|核心区|工业区|园区|景区|区域|地区|流域|"
    r"海域|水域|经济圈|经济带|超市|校区|功能区|片区|社区|汽配区|山脉)$"
)


def is_region_mention(mention: str) -> bool:
    """Whether a place mention is a region in our sense (country, province, city, district, county,
    town, named zone) rather than a street, building, village, venue or natural feature.

    The rule: a name of ``REGION_EXCEPTIONS`` (上海, 青岛, 佛山, ...: regions that end like non-regions)
    is kept; a mention holding a digit, a Latin letter or a structure keyword (大厦, 小区, 村, 附近, 的,
    政府, 局, a trailing 街区/商务区/地区/流域, ...) is dropped; then one ending in ``REGION_SUFFIXES`` or
    in an exception (广东佛山) is kept and one ending in ``NON_REGION_SUFFIXES`` (路, 街, 号, 楼, 山, 江,
    湖, ...) is dropped; anything else (美国, 巴黎, 长三角) is kept. Dropping a real region is cheap (the
    reader then stops claiming REGION for that sentence); keeping a street is noise in the labels.
    """
    m = mention.strip().strip("“”\"'《》（）()「」")
    if not m:
        return False
    if m in REGION_EXCEPTIONS:
        return True
    if _STRUCTURE.search(m):
        return False
    if any(m.endswith(s) for s in REGION_SUFFIXES) or any(m.endswith(x) for x in REGION_EXCEPTIONS):
        return True
    if any(m.endswith(s) for s in NON_REGION_SUFFIXES):
        return False
    return True


# --- region names: places a corpus may have left unlabelled -----------------------------------------

@lru_cache(maxsize=4)
def default_region_names(address_path: str | None = None) -> frozenset[str]:
    """``BUILTIN_REGION_NAMES`` plus, when the address corpus is present, its province and city names
    with their short forms (山东省, 山东, 青岛市, 青岛) and its district names of three or more characters."""
    gaz = gazetteer_from_address_corpus(address_path, splits=("train",))
    names = set(BUILTIN_REGION_NAMES) | _short_forms(gaz["prov"] | gaz["city"])
    names |= {n for n in gaz["district"] if len(n) >= 3}
    return frozenset(n for n in names if 2 <= len(n) <= 12)


def _names(region_names: Collection[str] | None) -> tuple[Collection[str], int]:
    names = default_region_names() if region_names is None else region_names
    return names, max((len(x) for x in names), default=0)
