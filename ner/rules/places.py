"""REGION candidates: gazetteer look-up (``ner.lexicon.places.Gazetteer``), leftmost-longest, zone
suffixes attached, adjacent administrative names chained, bodies and streets after a place skipped
(see ``ner.rules`` for the whole behaviour)."""
from __future__ import annotations

import functools
import re

from ner.lexicon.bodies import (
    _ASSOCIATION_WORDS,
    _COURT_WORDS,
    _EXCHANGE_WORDS,
    _MEDIA_NAMES,
    _MEDIA_WORDS,
    MEDIA_SITE,
    _OFFICE_WORDS,
    _SCHOOL_WORDS,
    _alt,
)
from ner.lexicon.place_words import ABROAD_DIVISION_SUFFIXES, ADMIN_SUFFIXES, ZONE_SUFFIXES
from ner.lexicon.places import Gazetteer, Match, countries, foreign_name_chars, prefecture_short_forms
from ner.rules.numbers import _CJK
from ner.types import Span

# Words that contain a place name but are not places (长治久安 is not 长治).
FALSE_FRIENDS = ("长治久安", "钱塘江", "大同小异", "世界大同", "最大同", "哈密瓜", "白山黑水", "东北部", "西北部", "西南部", "东南部",
                 "北京时间",  # a time zone
                 "复合肥", "券商中国", "中国网科技", "中国网地产", "中国网财经",  # news outlets
                 "经纬中国", "红杉中国", "红杉资本中国", "光速中国", "软银中国",  # investors' China arms
                 "沙特阿美",  # Saudi Aramco: a firm's name
                 "以下城",  # 以下城市 (the following cities), not 下城区
                 "亚太经合组织", "亚太经济合作组织", "亚太经合会", "亚太经社会",  # and names holding 亚太, 淮海
                 "亚太科技", "亚太药业", "亚太实业", "亚太卫星", "亚太森博", "汉鼎亚太", "淮海控股", "淮海天地", "黄淮海")
# Name characters with no verb, particle or link word: what may stand between a place and a body's last word
# (城市建设 and 城乡建设 as whole words: 苏州高铁新城城市建设管理服务中心; not 建设 after 盐城市, a verb).
_GAP = (r"(?:城市建设|城乡建设|(?!建立|建起|建成|新建|设立|成立|打造|投资(?!基金)|布局|建设(?!工程)|一家|多家|首支|首只|公募|私募|发行|出台|举行|召开|"
        r"组建|开设|启用|新增|落地|区域|搭建|构建|推出|上线|开通|运营|(?<!建)设)[^\W\d_a-zA-Z的了在是和与及将为向获对被把从某拟域])")
# A name character that is no link word: 广州市、南沙区及复旦大学 names 南沙区 and a university, not 南沙区及复旦大学
# (schools, exchanges and media; a government body's name may hold 和: 湖南省工业和信息化厅).
_LINKLESS = rf"[^\W\d_a-zA-Z、和与及或的]"
# After a place: a government or party body, or a news outlet, whose name contains the place.
_BODY_RE = re.compile(
    r"[省市县区]?(?:委(?!托|屈)|党委|党工委|工委|政府|人民政府|人大|政协|纪委|监委|发改委|管委会|海关|公安|税务|"
    # a country's ministry (蒙古国能源部, 巴基斯坦水利和电力部), not 中部, 总部 or 部分
    r"(?:能源|商务|外交|财政|工业|国防|经济|贸易|环境|交通|电力|水利|矿业|投资|卫生|农业|教育|内政|司法|石油|规划)"
    r"(?:和[^\W\d_a-zA-Z的]{2,4})?部(?![分门位件署队])|"
    rf"军分区|军区|[分支]行(?!业)|{_alt(_MEDIA_NAMES)}|"
    rf"{_LINKLESS}{{0,4}}?(?:{_alt(_MEDIA_WORDS)})|{MEDIA_SITE}|"
    rf"[{_CJK}]{{0,6}}?(?:局|{_alt(_COURT_WORDS)})|[{_CJK}]{{0,8}}?(?:{_alt(_ASSOCIATION_WORDS)})|"  # 工业和信息化厅
    rf"{_LINKLESS}{{0,4}}?(?:{_alt(_SCHOOL_WORDS)})|{_LINKLESS}{{0,4}}?(?:{_alt(_EXCHANGE_WORDS)})|"
    r"[^\W\d_a-zA-Z的了在建起是和与及将]{0,6}?(?:研究院|研究所)|"  # 中国信息通信研究院 (not 在济南市建起了兔业研究所)
    # 上海市建设工程交易服务中心, 息县公用事业服务中心; not 在苏州建立服务中心 (no verb in the gap)
    rf"{_GAP}{{0,10}}?(?:{_alt(_OFFICE_WORDS)})|"
    rf"(?:{_GAP}|和(?=改革|信息化|旅游|城乡|社会|规划|自然)){{0,8}}?(?:委员会|[证银保]监会))"  # 中国证监会, 发展和改革委员会
)
# A named fund (合肥产投引导基金) holds no place; 上海国资基金 is a place's fund, and a fund being set up is a
# project, whose name keeps its place (拟参建长三角影视文化产业基金, 共同组建“长三角…基金”).
_FUND_RE = re.compile(rf"(?!国资|政府|国有|本地|当地){_GAP}{{2,8}}?基金(?!会)")
_SETUP_BEFORE = re.compile(r"(?:组建|参建|设立|发起|成立|筹建|筹设|拟设|新设|共建)[“\"「]?$")
# A street named after a place (南京路, 蕲春大道) is a street, and streets are not tagged.
_STREET_RE = re.compile(r"(?:[东西南北中]?(?:路(?![线径演费况])|大道|大街|街(?!道|区|头)))")
_NOT_BODY_ENDINGS = ("布局", "格局", "大局", "开局", "全局", "结局", "僵局", "变局", "新局", "客厅", "大厅", "展厅", "餐厅")
# A place whose suffix character starts a word: 长沙市场 is 长沙 + 市场, 成县域 is nothing.
_SUFFIX_WORDS = ("市场", "市民", "市值", "市域", "市级", "市区", "县域", "县城", "县级", "区域", "区块", "区位", "区级",
                 "省份", "省级", "市长", "县长", "区长", "省长", "州长")
# Characters after which a one-character county (攸县, 代县) may start.
_SHORT_NAME_LEFT = set("在于到赴至和与及、的是从自将向对据把让等以为") | {""}

_ZONE_RE = re.compile("|".join(ZONE_SUFFIXES))
# 长三角经济圈, 淮海经济区; not 东北经济带动, 长三角经济圈层, 华北经济区域
_MACRO_SUFFIX_RE = re.compile(r"经济带(?!动|来|头)|经济区(?!别|域)|经济圈(?!定|层|子)|城市群")
# A short name being defined (以下简称：中国联合, 简称“湖南德赛”) names a company, not a place.
_ALIAS_BEFORE_RE = re.compile(r"简称[：:]?[“\"「『]?$")
# A town or subdistrict name right after a place: two characters and 镇/乡, or two to four and 街道,
# none of them a generic word's (各乡镇, 城乡, 全镇).
_TOWN_FIRST = r"[^\W\d_a-zA-Z城乡镇村各个等和的与及县市区省州全该本每]"
_TOWN_END = r"(?:镇|乡(?![村镇]))"
_SUBDISTRICT = r"(?:[^\W\d_a-zA-Z各全该本每的][^\W\d_a-zA-Z的和与及、]{1,3}街道)"
_TOWN_AFTER_RE = re.compile(rf"(?:{_TOWN_FIRST}[^\W\d_a-zA-Z乡镇村的和与及]{_TOWN_END})|{_SUBDISTRICT}")
# ... and a later item of a list of towns (、稔村镇: 村 may stand inside a town's name there; not a kind of town: 重点镇, 小城镇)
_TOWN_ITEM_RE = re.compile(r"[、和及](?!重点|小城|中心|特色|建制|示范|其他|其它|周边|沿线|城镇|乡镇|集镇|街道|相关|有关|部分|卫星|传统|新兴)"
                           rf"((?:{_TOWN_FIRST}[^\W\d_a-zA-Z乡镇的和与及、]{_TOWN_END})|{_SUBDISTRICT})")
_FALSE_FRIEND_RE = re.compile("|".join(FALSE_FRIENDS))
# A named zone or management unit right after a place chain (常德市西洞庭管理区, 江苏省南通市通州湾示范区, 天津市宁河区潘庄工业区),
# or a new area right before one (天府新区仁寿县): the chain goes on through it.
# The unit's own name: no link word (到, 至: 从长沙市到株洲新区 is two places) and no verb or rank before it
# (在长沙市建设新区, 湖南省国家级新区 name no unit).
_NAME = r"[^\W\d_a-zA-Z的和与及在等各全该本每个到至从向经]"
_UNIT_AFTER_RE = re.compile(rf"(?!建设|打造|设立|创建|获批|国家|成立|规划|新建|组建|设|建|主要|重点|现有|老|各|全|省级|市级|县级|相关|有关|传统|新兴|部分|[一二两三四五六七八九十]大){_NAME}{{2,4}}?"
                            r"(?:管理区|示范区|试验区|新区|开发区|高新区|经开区|工业区)")
_AREA_BEFORE_RE = re.compile(rf"(?!国家|家级){_NAME}{{2}}新区")


def find_regions(text: str, gazetteer: Gazetteer | None = None) -> list[Span]:
    """REGION candidates: gazetteer matches, zone suffixes attached, chains merged, bodies skipped."""
    gaz = gazetteer or Gazetteer.default()
    blocked = [(m.start(), m.end()) for m in _FALSE_FRIEND_RE.finditer(text)]
    pieces: list[Match] = []
    found = _full_names_over_short_forms(text, gaz.find(text), gaz)
    listed = _listed_places(text, found)
    for m in found:
        m = _fix_suffix_word(text, m, gaz)
        if m is None or any(m.start < e and s < m.end for s, e in blocked):
            continue
        if text[m.end:m.end + 1] == "州" and text[m.end + 1:m.end + 2] != "长" and text[m.start:m.end] in prefecture_short_forms():
            m = Match(m.start, m.end + 1, "city")  # 恩施州, 黔西南州: an autonomous prefecture's short name
        if pieces and m.start < pieces[-1].end:  # inside a zone suffix already attached
            continue
        name = text[m.start:m.end]
        # a two-character county (攸县) or city abroad (迪拜) starts a word (在迪拜, 德国柏林), not inside one (这里加大, 镶金边)
        if len(name) == 2 and (m.level == "abroad" or m.level != "macro" and name[-1] in "县区市旗") \
                and not (pieces and pieces[-1].end == m.start):
            if not _starts_word(text, m.start):
                continue
        if m.level == "macro" and name in ("华东", "华南", "华北", "华中", "西南", "西北", "东北") and \
                re.match("[部方角侧面边向风]", text[m.end:m.end + 1]):
            continue
        zone = _ZONE_RE.match(text, m.end) if m.level != "macro" else None
        if zone:
            m = Match(m.start, zone.end(), "zone")
        elif m.level == "macro" and name not in ("中国", "亚太") and (suffix := _MACRO_SUFFIX_RE.match(text, m.end)):
            m = Match(m.start, suffix.end(), "macro")
        elif _unwritten_short_form(text, m) and (m.start, m.end) not in listed \
                and not (pieces and pieces[-1].end == m.start and _word_ends(text, m.end)
                         and _short_under(text[pieces[-1].start:m.end])):
            continue  # 新平 in 创新平台: a county short form counts only where the article uses the full name,
            # or right after its own province or city, ending a word (江苏如东800MW; not 七台河市桃山湖)
        if _inside_company_brackets(text, m, pieces) or (_ALIAS_BEFORE_RE.search(text, max(0, m.start - 4), m.start)
                                                         and not _ZONE_RE.match(text, m.end) and m.level != "zone"
                                                         and not re.match(r"[”\"」』）)]", text[m.end:m.end + 1])):
            continue
        if pieces and pieces[-1].end == m.start and _STREET_RE.match(text, m.end):
            continue  # 深圳市坪山区坪山大道: the street (坪山大道) is no place, the chain before it is
        pieces.append(m)
    # Merge adjacent administrative pieces into chains (macro regions never chain, but a city abroad after a country).
    chains: list[Match] = []
    for m in pieces:
        if chains and chains[-1].end == m.start and ("macro" not in (chains[-1].level, m.level)
                                                     or (chains[-1].level, m.level) == ("macro", "abroad")):
            chains[-1] = Match(chains[-1].start, m.end, m.level)  # a city abroad after its country: 斯里兰卡科伦坡
        else:
            chains.append(m)
    out = []
    towns: set[str] = set()
    for m in chains:
        if out and m.start < out[-1].end:
            continue  # inside a division abroad read past it (洛杉矶 of 美国加利福尼亚州洛杉矶)
        if text[m.start:m.end] != "中国" and text[m.start:m.end] in countries() \
                and (division := _abroad_division_after(text, m.end)):
            m = Match(m.start, division, "abroad")  # 美国北卡罗来纳州, 泰国罗勇府: a division abroad after its country
        if m.level in ("province", "city") and (zone_end := _zone_short_after(text, m)):
            m = Match(m.start, zone_end, "zone")  # 上海临港, 贵州贵安: a state-level new area's short name after its host
        unit = _UNIT_AFTER_RE.match(text, m.end) if m.level != "macro" else None
        if unit and _is_body_after(text, unit.end(), "zone", m.start):
            continue  # 常德市西洞庭管理区管委会: the unit's body, whose name holds no place
        if unit:  # a place inside the unit (安新 in 雄安新区) goes with it
            m = Match(m.start, unit.end(), "zone")
        area = _AREA_BEFORE_RE.fullmatch(text, max(0, m.start - 4), m.start) if m.level != "macro" else None
        if area and not (out and out[-1].end > area.start()):
            m = Match(area.start(), m.end, m.level)
        town = _TOWN_AFTER_RE.match(text, m.end) if m.level != "macro" else None
        if town:  # 乐平市接渡镇, 黄浦区淮海中路街道: a town after an administrative name ends the chain
            m = Match(m.start, town.end(), "town")
        if _is_body_after(text, m.end, m.level, m.start):
            continue
        if town:
            towns.add(town.group(0))
        out.append(Span(m.start, m.end, "REGION", text[m.start:m.end]))
        end = m.end
        # later towns of a list that a town after its county opens (新兴县东成镇、稔村镇、六祖镇): towns of that county
        while town and (item := _TOWN_ITEM_RE.match(text, end)) and not _is_body_after(text, item.end(), "town"):
            out.append(Span(item.start(1), item.end(), "REGION", item.group(1)))
            end = item.end()
            towns.add(item.group(1))
    return _towns_again(text, out, towns) if towns else out


def _towns_again(text: str, spans: list[Span], towns: set[str]) -> list[Span]:
    """``spans`` and every other occurrence of a town that a chain named (广州南沙区大岗镇 ... 马前村所在的大岗镇), where it
    starts a word and is no body's name (大岗镇政府)."""
    out = list(spans)
    taken = bytearray(len(text))  # the characters a span covers
    for s in out:
        taken[s.start:s.end] = b"\x01" * (s.end - s.start)
    for name in sorted(towns, key=len, reverse=True):
        for k in re.finditer(re.escape(name), text):
            if any(taken[k.start():k.end()]) or _is_body_after(text, k.end(), "town") or not _starts_word(text, k.start()):
                continue
            out.append(Span(k.start(), k.end(), "REGION", name))
            taken[k.start():k.end()] = b"\x01" * (k.end() - k.start())
    return sorted(out, key=lambda s: (s.start, s.end))


def _starts_word(text: str, i: int) -> bool:
    """Whether a name at ``i`` may start a word: no Chinese character before it, or one a place's name may follow
    (在, 于, 的...: ``_SHORT_NAME_LEFT``)."""
    left = text[i - 1:i] if i else ""
    return not (left and re.match(f"[{_CJK}]", left) and left not in _SHORT_NAME_LEFT)


@functools.cache
def _abroad_division_re() -> re.Pattern[str]:
    chars = re.escape("".join(sorted(foreign_name_chars())))
    city = rf"[{chars}]{{2,7}}(?:[市郡]|(?=郊区|附近|一带|地区|[，。、；：（(的\s]|$))"  # its city: 格林斯博罗伯勒郊区
    return re.compile(rf"[东西南北中上下新]?[{chars}]{{2,7}}?[{ABROAD_DIVISION_SUFFIXES}](?:{city})?")


def _abroad_division_after(text: str, start: int) -> int | None:
    """The end of a first-level division abroad written right after its country from ``start`` (北卡罗来纳州 of
    美国北卡罗来纳州, 罗勇府 of 泰国罗勇府, 德布勒森市): two to seven characters of transliteration and a division's
    suffix, and a city of it where one follows as a word (美国北卡罗来纳州格林斯博罗伯勒郊区), not a suffix starting a
    word (市场) or a body's name (州政府)."""
    m = _abroad_division_re().match(text, start)
    if m is None or text[m.end() - 1:m.end() + 1] in _SUFFIX_WORDS or _is_body_after(text, m.end()):
        return None
    return m.end()


def _unwritten_short_form(text: str, m: Match) -> bool:
    """``m`` is a county's short form (新平, 和龙) that the text never writes in full."""
    name = text[m.start:m.end]
    return m.level == "district" and not name.endswith(ADMIN_SUFFIXES) and not _has_full_form(text, name)


def _full_names_over_short_forms(text: str, found: list[Match], gaz: Gazetteer) -> list[Match]:
    """``found`` with a county's short form that the text never writes in full, and that a full administrative
    name starting inside it runs past, given up for that name (和龙 in 项目和龙岗区园山街道 is 龙岗区: the
    leftmost-longest look-up read 和龙, which ``find_regions`` drops as a short form); matches the new name
    overlaps are dropped."""
    out: list[Match] = []
    for m in found:
        if out and m.start < out[-1].end:
            continue
        if _unwritten_short_form(text, m):
            m = next((full for k in range(m.start + 1, m.end) for full in gaz.names_at(text, k)
                      if full.end > m.end and text[full.start:full.end].endswith(ADMIN_SUFFIXES)), m)
        out.append(m)
    return out


_ITEM_SEP = re.compile(r"(?:[（(][^（）()\n]{1,20}[）)])?、")


def _listed_places(text: str, found: list[Match]) -> set[tuple[int, int]]:
    """The gazetteer matches that are whole items of a list of places set off by 、 (武冈、浏阳、邵阳、溆浦等市县),
    where one item at least is a city or province: a county's short form counts there."""
    at = {m.start: m for m in found}
    out: set[tuple[int, int]] = set()
    i = 0
    while i < len(found):
        items, m = [found[i]], found[i]
        while (sep := _ITEM_SEP.match(text, m.end)) and sep.end() in at:  # 、 or a bracketed figure and 、 (珠海（30GWh）、什邡)
            m = at[sep.end()]
            items.append(m)
        first, last = items[0], items[-1]
        # a county short form at an end of the list must end a word there too (长沙、新平台 is no list)
        opens = first.level != "district" or text[first.start - 1:first.start] in _SHORT_NAME_LEFT | set("了，。：；（ ")
        closes = last.level != "district" or re.match(r"(?:[等和及与，。；）、（ ]|[两三四五六七八九]地|$)", text[last.end:last.end + 2])
        if len(items) >= 2 and opens and closes and any(x.level in ("city", "province") for x in items):
            out.update((x.start, x.end) for x in items)
        i += len(items)
    return out


@functools.cache
def _zone_short_names() -> dict[str, str]:
    """The short names of ``ner/resources/regions.tsv``'s state-level new areas (临港 of 临港新片区, 贵安 of 贵安新区) ->
    their host's code."""
    from ner.normalize.regions import _Gazetteer

    out = {}
    for kind, name, code, _ in _Gazetteer._supplement():
        short = re.sub("(?:新片区|新区)$", "", name)
        if kind == "zone" and short != name and len(short) >= 2 and not short.endswith("江"):  # 湘江, 赣江: rivers
            out[short] = code
    return out


def _zone_short_after(text: str, m: Match) -> int | None:
    """The end of a new area's short name right after its host province or city (上海临港, 贵州贵安), ending a word
    there (not 江西赣江流域, 四川天府国际机场)."""
    from ner.normalize import normalize_region

    for short, host in _zone_short_names().items():
        end = m.end + len(short)
        if text.startswith(short, m.end) and not re.match(f"[{_CJK}A-Za-z0-9]", text[end:end + 1]):  # not 上海临港经济发展集团
            try:
                place = normalize_region(text[m.start:m.end])
            except ValueError:
                return None
            keep = 2 if m.level == "province" else 4
            if place is not None and place.code and host[:keep] == place.code[:keep]:
                return end
    return None


# A count of places after a list (广东珠海和四川什邡两座基地, 三地): the name before it ends a word
_COUNT_AFTER = re.compile(r"[两三四五六七八九十]\s*(?:座|个|地|处|大)")


def _word_ends(text: str, end: int) -> bool:
    """Whether a place name ending at ``end`` ends a word: no name character follows, or a count of places does."""
    return not re.match(_NAME, text[end:end + 1]) or bool(_COUNT_AFTER.match(text, end))


def _short_under(chain: str) -> bool:
    """Whether ``chain`` (a place and a county short form after it: 江苏如东) reads as that county of that
    place (``ner.normalize.normalize_region``); 江苏新平 does not."""
    from ner.normalize import normalize_region

    try:
        place = normalize_region(chain)
    except ValueError:
        return False
    return place is not None and place.level == "district"


def _has_full_form(text: str, short: str) -> bool:
    """Whether ``text`` also has ``short`` with an administrative or zone suffix (望城 -> 望城区, 望城经开区)."""
    return re.search(re.escape(short) + "(?:" + "|".join(ADMIN_SUFFIXES + ZONE_SUFFIXES) + ")", text) is not None


def _inside_company_brackets(text: str, m: Match, pieces: list[Match]) -> bool:
    """国能(肇庆)热电, 重汽(威海)商用车: a bracketed place between name characters belongs to a company name,
    unless a place stands before the bracket (粤港澳大湾区(肇庆)...)."""
    if m.start < 2 or text[m.start - 1] not in "(（" or text[m.end:m.end + 1] not in (")", "）"):
        return False
    before, after = text[m.start - 2], text[m.end + 1:m.end + 2]
    if not (re.match(f"[{_CJK}]", before) and re.match(f"[{_CJK}]", after)):
        return False
    return not (pieces and pieces[-1].end == m.start - 1)


def _fix_suffix_word(text: str, m: Match, gaz: Gazetteer) -> Match | None:
    """长沙市场 -> 长沙; 重庆市长 -> 重庆; 成县域 -> nothing."""
    if m.end - m.start < 2 or text[m.end - 1] not in "省市区县":
        return m
    if text[m.end - 1:m.end + 1] not in _SUFFIX_WORDS:
        return m
    following = gaz.find(text[m.end:m.end + 12])
    if following and following[0].start == 0:  # 长沙市长沙县: the 长 starts the next name
        return m
    shorter = text[m.start:m.end - 1]
    if len(shorter) >= 2 and shorter in gaz:
        return Match(m.start, m.end - 1, gaz.level(shorter) or m.level)
    return None


# After a province, city or county (not a country: 中国公司 are Chinese firms): a company's branch named by its
# place (中国移动湖南公司长沙分公司, 湖南移动, 广东联通).
_BRANCH_RE = re.compile(r"分公司|(?:移动|联通|电信)(?!互联|通信|支付|终端|端|医疗|办公|电源|式|应用|设备|网|业|产业|通讯|到|至|储能|"
                        r"机器人|出行|诈骗|全(?!省|市|区)|息|用|贷|托|心|访|号)")
# 公司 after a place is a branch only after a firm's name (中国移动湖南公司, 国网湖南公司; not 江苏公司数量, 香港公司)
_BRANCH_FIRM_BEFORE = re.compile(r"(?:移动|联通|电信|集团|银行|电网|国网|铁塔|石化|石油|电力|中建|中铁|中交|公司)$")


def _is_body_after(text: str, end: int, level: str | None = None, start: int | None = None) -> bool:
    if _STREET_RE.match(text, end) or (level != "macro" and _BRANCH_RE.match(text, end)):
        return True
    if level != "macro" and start is not None and text.startswith("公司", end) \
            and _BRANCH_FIRM_BEFORE.search(text, max(0, start - 2), start):  # (each of its words is 2 characters)
        return True
    if _FUND_RE.match(text, end) and not (start is not None and _SETUP_BEFORE.search(text, max(0, start - 6), start)):
        return True
    b = _BODY_RE.match(text, end)
    return bool(b) and not b.group(0).endswith(_NOT_BODY_ENDINGS)
