"""Mention replacement for training: gold article -> the same article with other names and figures.

Five seed articles name a few dozen places and firms. A model trained on them learns *those names*
(leave-one-article-out REGION F1 0.50 without this) instead of the contexts that make a string a place,
a firm or a figure. During training every gold article is also seen with its mentions swapped, drawn
afresh each epoch (mention replacement, Dai & Adel 2020, "An Analysis of Simple Data Augmentation for
Named Entity Recognition"):

* REGION: another administrative unit of the same level from cpca's division table, in the same shape
  (short form 株洲 -> 岳阳, full name 株洲市 -> 岳阳市, chain 长沙市望城区 -> 岳阳市华容县, zone 望城经开区 ->
  华容经开区); macro regions and countries from a list. A name that cannot be parsed is kept.
* COMPANY: a company name from CLUENER2020's training split when it is present, or one composed from
  name parts; legal names (…有限公司, …集团) for legal names, short names for short ones.
* AMOUNT and CAPACITY: the numbers redrawn; the money magnitude and the capacity unit sometimes swapped.

One surface is replaced the same way throughout an article (株洲 and 株洲市 both become 岳阳/岳阳市), and
text outside the gold spans is untouched: an untagged 株洲市发改委 stays, so the model sees names tagged in
one context and not in another. Only fully labelled (gold) articles are augmented.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ner.lexicon.place_words import AUGMENT_MACRO_REGIONS as MACRO_REGIONS
from ner.lexicon.units import AUGMENT_CAPACITY_UNITS as CAPACITY_UNITS
from ner.lexicon.units import AUGMENT_MONEY_CURRENCIES
from ner.normalize.regions import _LEVEL_RANK, _ZONE_KEYS, _gazetteer
from ner.types import Article, Span

LEGAL_ENDINGS = ("有限责任公司", "股份有限公司", "有限公司", "分公司", "公司", "集团", "厂", "银行")
_INDUSTRY = (
    "新能源科技", "新能源", "电池", "储能", "锂电", "汽车", "汽车零部件", "电子", "电子科技", "智能装备", "光电",
    "新材料", "半导体", "能源", "化工", "钢铁", "生物医药", "动力", "电气", "重工", "机械", "精密制造", "光伏",
    "智能科技", "信息技术", "食品", "纺织", "物流", "环保科技", "电力", "矿业", "铝业", "建材", "药业",
)
_LEGAL_SUFFIX = ("有限公司", "有限公司", "股份有限公司", "集团", "集团有限公司", "有限责任公司")
_BRAND_CHARS = (
    "华鑫泰德宏远盛达恒瑞源通科信腾光中天金海新力创博嘉隆美亿联安吉宁康正元丰昌明辉峰宇凯航星晨智启欣"
    "鸿兴旺祥汇聚诚晟铭锦睿驰比迪奇威诺纳特利长城东方南北阳合众洪富融尚凌云时代立讯欧菲蓝思京维"
)
_CN_NUMBERS = ("两", "三", "五", "八", "十", "二十", "三十", "五十", "一百", "两百", "三千", "五千", "数十", "上百")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
_CN_NUMBER = re.compile(r"(?<![0-9０-９])[零〇一二两三四五六七八九十百千]+(?=[多余]?[万亿])")
_MAGNITUDE = re.compile(r"(?<=[0-9多余十百千两])(万亿|亿|万)(?=[多余]?(?:" + "|".join(AUGMENT_MONEY_CURRENCIES) + "|$))")
_CAP_UNIT = re.compile("(" + "|".join(re.escape(u) for u in sorted(CAPACITY_UNITS, key=len, reverse=True)) + ")$")


@dataclass(frozen=True)
class Lexicon:
    """Replacement material: administrative units by level, and company names of both shapes."""

    units_by_level: dict[str, list[str]]  # level -> codes
    legal_companies: tuple[str, ...] = ()
    short_companies: tuple[str, ...] = ()


@dataclass
class Memo:
    """Per-article choices, so one surface (or one place) is replaced the same way throughout."""

    surface: dict[tuple[str, str], str] = field(default_factory=dict)
    code: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=4)
def default_lexicon(cluener_dir: str | None = None) -> Lexicon:
    """cpca's units, plus CLUENER2020's company names when the corpus is there (a one-line notice without)."""
    g = _gazetteer()
    by_level: dict[str, list[str]] = {}
    for u in g.units.values():
        by_level.setdefault(u.level, []).append(u.code)
    legal, short = _cluener_companies(cluener_dir)
    return Lexicon({k: sorted(v) for k, v in by_level.items()}, legal, short)


def _cluener_companies(cluener_dir: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CLUENER2020 train's company mentions (through ``ner.data.corpora.read_cluener``), legal and short names."""
    from ner.data.corpora import read_cluener

    articles = read_cluener(cluener_dir, "train", mapping={"company": "COMPANY"}, claim=["COMPANY"], region_names=())
    bad = ("某", "事务所", "中心", "网", "工作室", "交易所", "平台", "商城", "“", "《")
    names = sorted({s.text for a in articles for s in a.entities
                    if 2 <= len(s.text) <= 20 and re.fullmatch(r"[\u4e00-\u9fff（）()]+", s.text)
                    and not any(b in s.text for b in bad)})
    return tuple(n for n in names if n.endswith(LEGAL_ENDINGS)), tuple(n for n in names if not n.endswith(LEGAL_ENDINGS))


def augment_article(article: Article, lexicon: Lexicon, rng: random.Random, p: float = 0.8,
                    memo: Memo | None = None, real_companies: float = 0.5) -> Article:
    """A copy of ``article`` whose spans' surfaces are replaced (each distinct surface with probability
    ``p``); offsets are recomputed. Pass one ``memo`` to several pieces of one article to keep them
    consistent. ``real_companies``: the chance that a company becomes a real (CLUENER) name rather than
    a composed one, when the lexicon has real names."""
    memo = memo if memo is not None else Memo()
    pieces, spans, cursor, shift = [], [], 0, 0
    for s in sorted(article.entities):
        old = article.text[s.start:s.end]
        key = (s.label, old)
        if key not in memo.surface:
            memo.surface[key] = _replace(s.label, old, lexicon, rng, memo, real_companies) if rng.random() < p else old
        new = memo.surface[key] or old
        pieces += [article.text[cursor:s.start], new]
        start = s.start + shift
        spans.append(Span(start, start + len(new), s.label, new))
        shift += len(new) - len(old)
        cursor = s.end
    pieces.append(article.text[cursor:])
    return Article(f"{article.id}~aug", "".join(pieces), spans, article.labelled)


def _replace(label: str, old: str, lex: Lexicon, rng: random.Random, memo: Memo, real_companies: float) -> str:
    if label == "REGION":
        return _new_region(old, lex, rng, memo)
    if label == "COMPANY":
        return _new_company(old, lex, rng, real_companies)
    if label == "AMOUNT":
        return _new_amount(old, rng)
    if label == "CAPACITY":
        return _new_capacity(old, rng)
    return old


# -- REGION ------------------------------------------------------------------------------------

def _parse_chain(text: str) -> list[tuple[str, bool]] | None:
    """湖南省长沙市 -> [(430000, False), (430100, False)]: administrative names covering the text, greedy."""
    g = _gazetteer()
    out, i = [], 0
    while i < len(text):
        for n in range(min(g.max_len, len(text) - i), 1, -1):
            hits = g.names.get(text[i:i + n])
            if hits:  # an ambiguous name (长沙: the city or 长沙县) is read as the higher level
                out.append(min(hits, key=lambda h: _LEVEL_RANK[g.units[h[0]].level]))
                i += n
                break
        else:
            return None
    return out or None


def _render(code: str, short: bool) -> str:
    u = _gazetteer().units[code]
    return (u.short or u.name) if short else u.name


def _new_region(old: str, lex: Lexicon, rng: random.Random, memo: Memo) -> str:
    g = _gazetteer()
    if old in g.macro or old in g.country or old in MACRO_REGIONS:
        return rng.choice(MACRO_REGIONS)
    suffix = next((z for z in _ZONE_KEYS if old.endswith(z) and len(old) > len(z) + 1), "")
    chain = _parse_chain(old[: len(old) - len(suffix)])
    if chain is None:
        return old
    last_code = chain[-1][0]
    if last_code not in memo.code:
        memo.code[last_code] = rng.choice(lex.units_by_level[g.units[last_code].level])
    new_code = memo.code[last_code]
    ancestors = g.chain(new_code)[:-1]
    parts = [_render(new_code, chain[-1][1])]
    for (code, short), anc in zip(reversed(chain[:-1]), reversed(ancestors)):
        memo.code.setdefault(code, anc)  # 长沙市望城区 -> 岳阳市华容县: a later 长沙 becomes 岳阳
        parts.insert(0, _render(anc, short))
    return "".join(parts) + suffix


# -- COMPANY -----------------------------------------------------------------------------------

def _brand(rng: random.Random) -> str:
    return "".join(rng.sample(_BRAND_CHARS, 2))


def _new_company(old: str, lex: Lexicon, rng: random.Random, real: float = 0.5) -> str:
    legal = old.endswith(LEGAL_ENDINGS)
    pool = lex.legal_companies if legal else lex.short_companies
    if pool and rng.random() < real:
        return rng.choice(pool)
    name = _brand(rng) + (rng.choice(_INDUSTRY) if legal or rng.random() < 0.5 else "")
    if legal:
        g = _gazetteer()
        if rng.random() < 0.5:
            province = rng.choice(lex.units_by_level["province"])
            name = (g.units[province].short or "") + name
        name += rng.choice(_LEGAL_SUFFIX)
    return name


# -- AMOUNT, CAPACITY --------------------------------------------------------------------------

def _number(rng: random.Random) -> str:
    value = int(10 ** rng.uniform(0, 3.7))
    if rng.random() < 0.3:
        return f"{value}.{rng.randint(1, 99) if rng.random() < 0.5 else rng.randint(1, 9)}"
    return str(max(1, value))


def _new_amount(old: str, rng: random.Random) -> str:
    new = _NUMBER.sub(lambda m: _number(rng), old)
    new = _CN_NUMBER.sub(lambda m: rng.choice(_CN_NUMBERS), new)
    if rng.random() < 0.3:
        new = _MAGNITUDE.sub(lambda m: rng.choice(("亿", "万")), new, count=1)
    return new


def _new_capacity(old: str, rng: random.Random) -> str:
    new = _NUMBER.sub(lambda m: _number(rng), old)
    if rng.random() < 0.4:
        new = _CAP_UNIT.sub(lambda m: rng.choice(CAPACITY_UNITS), new)
    return new
