"""Company names across one document, after the model and the rules have spoken (``ner.combine.finalize`` calls
both): a country before a foreign firm is a place (``foreign_firms``: 美国Fisker, 法国可再生能源公司Neoen), and one name
has one reading wherever it stands (``consistent_companies``: 亿纬锂 -> 亿纬锂能, 节卡机器人 found again)."""
from __future__ import annotations

import functools
import re

from ner.types import Span

# a word that a name found again would be part of (中国银行业协会, 比亚迪市场): not the name
LONGER_WORD_RE = re.compile(r"[业间]|市场|保险|产业|协会|监督|板块|行业")

_REGISTERED = ("股份有限公司", "有限责任公司", "有限公司")  # a registered name's suffix (集团 stays: 比亚迪集团 is a name)
_MIN_STEM = 5  # characters: 华为有限公司's 华为, 光伏科技有限公司's 光伏科技 are left to the model
_MIN_FOUND_AGAIN = 3  # a Chinese name shorter than this is found again only where it starts a word
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_ADMIN_END = re.compile(r"[省市县区]")
# what may follow a registered name's stem found elsewhere (湖北华昌新材料项目落户…), not another word (宜宾市新能源汽车)
_AFTER_STEM = re.compile(r"[^\u4e00-\u9fff]|项目|基地|工厂|产业园|公司|集团|与|和|及|的|在|将|拟|已|于|等|投资|签约|落户|建设|年产")
_LATIN = re.compile(r"[A-Za-z0-9]")


@functools.cache
def _countries() -> frozenset[str]:
    """Countries (CLDR territories with a two-letter code), not world regions, unions or 西北 (西北电力设计院有限公司)."""
    from babel import Locale

    from ner.lexicon.place_words import COUNTRY_FORMS, TERRITORY_STOP

    names = Locale.parse("zh_Hans_CN").territories
    return frozenset(re.sub(r"[（(].*", "", n) for code, n in names.items()
                     if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "QO")) - TERRITORY_STOP \
        | set(COUNTRY_FORMS)  # names news uses (印尼国有矿业公司MIND ID)


# What a firm is, not its name, between a country and the firm's Latin name (法国可再生能源公司Neoen, 马来西亚大型制造集团公司
# EP Manufacturing Bhd) or standing for firms of that country (日本电力公司): sizes and ranks, industries, and a firm word.
# (a size and a firm word that name no one firm: 日本电力公司等企业, 美国电动汽车巨头; 韩国电力公司 may be a name)
_GENERIC_SIZE = "大型|超大型|知名|领先|头部|龙头|主要"
_PLURAL_FIRM_WORD = "企业|巨头|厂商|车企"
_FIRM_SIZE = rf"(?:{_GENERIC_SIZE}|老牌|本土|国有|国营|私营|民营|上市|最大的?|第[一二三]大)"
_FIRM_INDUSTRY = (r"(?:可再生能源|新能源|清洁能源|能源|电力|电网|电池|储能|光伏|太阳能|风电|风能|核电|水电|氢能|锂电|锂业|矿业|石油|"
                  r"天然气|油气|化工|化学|材料|钢铁|铝业|汽车|电动汽车|整车|零部件|制造|科技|电子|半导体|芯片|通信|电信|工程|建筑|"
                  r"基建|投资|金融|航运|船舶|物流|医药|公用事业)")
_FIRM_WORD = rf"(?:集团公司|公司|集团|{_PLURAL_FIRM_WORD}|制造商|供应商|开发商|运营商|服务商|财团)"
_FIRM_DESCRIPTOR = re.compile(rf"{_FIRM_SIZE}*{_FIRM_INDUSTRY}*(?:和{_FIRM_INDUSTRY})?{_FIRM_WORD}")
# a firm's Latin name right after its descriptor: capitalised words (Neoen, MEJ ENERGY DOO, EP Manufacturing Bhd, SK On),
# not a year, a quarter or a title after it (First Solar 2023, Tata Power Q3, Apple Inc. CEO)
_LATIN_NAME = re.compile(r" ?([A-Z][A-Za-z0-9&.\-]*(?: (?!(?:CEO|CFO|CTO|COO)\b)[A-Z][A-Za-z&.\-]*(?![A-Za-z0-9]))*)(?![A-Za-z0-9])")
_GENERIC_FIRM_WORD = re.compile(f"{_GENERIC_SIZE}|{_PLURAL_FIRM_WORD}")


def foreign_firms(text: str, spans: list[Span]) -> list[Span]:
    """A model company that starts with a country and goes on with a firm's Latin name (美国Fisker) is that country
    (REGION) and the firm: the country says where the firm is from. So is one that goes on with only what the firm is
    (法国可再生能源公司, 日本电力公司): the country is a place, the description no name, and a Latin name right after it is
    the firm (法国可再生能源公司Neoen). A Chinese name that holds it stays whole (沙特阿美, 中国能建, and 荷兰飞利浦公司,
    德国迪索公司: the golds read a country before a firm's Chinese name both ways)."""
    names = _countries()
    out = []
    for s in spans:
        country = next((s.text[:n] for n in range(min(8, len(s.text) - 2), 1, -1)
                        if s.text[:n] in names), None) if s.label == "COMPANY" and s.score is not None else None
        rest = s.text[len(country):] if country else ""
        cut = s.start + len(country) if country else s.start
        if country and country != "中国" and _LATIN.match(rest):
            out += [Span(s.start, cut, "REGION", country, None), Span(cut, s.end, "COMPANY", rest, s.score)]
        elif country and country != "中国" and _FIRM_DESCRIPTOR.fullmatch(rest) and (
                (latin := _LATIN_NAME.match(text, s.end)) or _GENERIC_FIRM_WORD.search(rest)):
            # (without a Latin name after it, only a description that names no one firm: 英国石油公司 and 韩国电力公司 are names)
            out.append(Span(s.start, cut, "REGION", country, None))
            if latin and not any(x.start < latin.end(1) and latin.start(1) < x.end for x in spans):
                out.append(Span(latin.start(1), latin.end(1), "COMPANY", latin.group(1), s.score))
        else:
            out.append(s)
    return out


def _found_again(text: str, name: str, start: int, end: int) -> bool:
    """Whether ``name`` at ``[start, end)`` stands as a word there: not inside a Latin word (ABB in ABBA, SK in SKF)
    nor followed by a word it is part of (中国银行业协会)."""
    if _LATIN.match(name[0]) and start and _LATIN.match(text[start - 1]):
        return False
    if _LATIN.match(name[-1]) and end < len(text) and _LATIN.match(text[end]):
        return False
    return not LONGER_WORD_RE.match(text, end)


# An industry's name after a place is the place's industry (中国石油进口量, 中国电力需求), not the firm found elsewhere.
_TRADES = frozenset("石油 石化 电力 黄金 能源 汽车 化学 化工 建筑 钢铁 铁路 电气 煤炭 船舶 航空 医药 交通 水利 电信 有色 机械 重工".split())
_MAX_PLACE_FIRM = 4  # a place's name and a short word: 中国铁塔, 浙江交工, 北京银行 (not 中国半导体, 淮海国际博览中心)


def consistent_companies(text: str, spans: list[Span]) -> list[Span]:
    """One name, one reading in a document: a company span that a longer company name found in the same text
    starts with, at the same place, becomes that name (亿纬锂 -> 亿纬锂能 where 亿纬锂能 is found elsewhere), and every
    other occurrence of a company name found in the text that no span covers, where it stands as a word, is a
    company too (score None: the model found the name once and missed it later, 节卡机器人; a two-character Chinese
    name only where it starts a word, not in 新时代); so is a registered name's stem of five characters or more (湖北华昌新材料 of
    湖北华昌新材料有限公司) that does not start with a county, city or province (宜宾市新能源) and ends a word there, a
    place it starts with being part of it."""
    from ner.rules.places import _SHORT_NAME_LEFT  # the words after which a place's short name may start

    names = sorted({s.text for s in spans if s.label == "COMPANY" and len(s.text) >= 2}, key=len, reverse=True)
    if not names:
        return spans
    word_left = _SHORT_NAME_LEFT | set("由被给为跟同")  # and a name's: 由有赞领投
    stems = {n[:-len(suffix)] for n in names for suffix in _REGISTERED if n.endswith(suffix)}
    stems = {t for t in stems if len(t) >= _MIN_STEM and t not in names}
    spans = list(spans)
    for stem in sorted(stems, key=len, reverse=True):
        for m in re.finditer(re.escape(stem), text):
            if not _found_again(text, stem, m.start(), m.end()) or not _AFTER_STEM.match(text, m.end()) \
                    and m.end() < len(text):
                continue
            hits = [x for x in spans if x.start < m.end() and m.start() < x.end]
            if any(x.label == "REGION" and x.start == m.start() and _ADMIN_END.match(x.text[-1]) for x in hits):
                continue  # 宜宾市新能源: a city's firm, whose stem reads as the city
            if all(x.label == "REGION" and m.start() <= x.start and x.end <= m.end() for x in hits):
                spans = [x for x in spans if x not in hits] + [Span(m.start(), m.end(), "COMPANY", stem, None)]
    names = sorted({*names, *stems}, key=len, reverse=True)
    out = []
    for s in spans:
        if s.label == "COMPANY":
            longer = next((n for n in names if len(n) > len(s.text) and n.startswith(s.text)
                           and text.startswith(n, s.start)), None)
            if longer and not any(x is not s and x.start < s.start + len(longer) and s.end < x.end for x in spans):
                s = Span(s.start, s.start + len(longer), "COMPANY", longer, s.score)
        out.append(s)
    for name in names:
        if name.endswith("公司") and len(name) <= 6:
            continue  # 电力公司: a description, not a name to find again (日本电力公司, 太平洋天然气和电力公司)
        short = len(name) < _MIN_FOUND_AGAIN and not _LATIN.match(name)
        for m in re.finditer(re.escape(name), text):
            if short and m.start() and _CJK_CHAR.match(text[m.start() - 1]) and text[m.start() - 1] not in word_left:
                continue  # 远景, 时代, 华能 inside 2035年远景目标, 新时代, 中华能源: a two-character name starts a word
            if not _found_again(text, name, m.start(), m.end()):
                continue
            hits = [x for x in out if x.start < m.end() and m.start() < x.end]
            if len(name) <= _MAX_PLACE_FIRM and len(hits) == 1 and hits[0].label == "REGION" \
                    and hits[0].start == m.start() and hits[0].end < m.end() and name[hits[0].end - m.start():] not in _TRADES:
                out.remove(hits[0])  # 中国铁塔, 浙江交工: a place and two characters, a firm's short name found elsewhere
                hits = []
            if not hits:
                out.append(Span(m.start(), m.end(), "COMPANY", name, None))
    return sorted(out, key=lambda s: (s.start, s.end))
