"""What a model span must look like before the saved tagger keeps it: the forms ANNOTATION.md gives amounts and
companies (``model_shapes``: amounts cut back to number, magnitude and currency; names without unclosed brackets,
roles or currencies around them) and the model companies that are no company (``veto_non_companies``: persons,
products, outlets and sources, sector lists, the rules' non-company words). ``ner.combine.finalize`` applies both.
"""
from __future__ import annotations

import functools
import re

from ner.rules.numbers import _RANGE_SEP
from ner.types import Span

_MAGNITUDE = "万萬亿億"
_NO_NUMBER = ("几", "数")  # 几百万元, 数千万人民币: no number (ANNOTATION.md: "No number, no AMOUNT")
_MIN_PLAIN_VALUE = 100_000  # an amount without 万/亿 below this is a price (10.77元/股, 666元 prizes, 160.88元/t)
# a unit right after a magnitude with no currency: the figure counts shares, tonnes, area... (2000万股, 1.5万吨)
_NOT_MONEY_AFTER = re.compile(r"股|吨|平|亩|人|辆|台|套|千瓦|瓦|度|片|只|头|户|个|家|次|桶|立方|公里|米|[kKMGT]?[Ww]|t\b")
# what ends a currency's name, for currencies CURRENCY_CODES lacks (比索, 埃镑, 第纳尔, 林吉特)
_CURRENCY_LIKE = re.compile(r"[^\W\d_]{0,3}?(?:镑|索|郎|布|拉|特|朗|尔|姆|铢|比|币|元)")
# a person's, a shareholder's or a deal's role written after a company name (百亚股份董事, 北方华创展台人士,
# 紫光集团联席, 中科恒运中选, 晨兴资本（领投）, 泛海控股股东): not part of the name. Only 股东 is cut from
# …控股股东: the form cannot tell 泛海控股 + 股东 from 万里马 + 控股股东, and a 控股 company is the commoner.
# 旗下, 品牌, 官网: the firm's, not its name.
_ROLE_AFTER = re.compile(r"(?:股东|董事长|董事|总经理|展台人士|人士|联席|中选|旗下|品牌|官网|官方|[（(]?(?:联合)?(?:领投|跟投)[)）]?|美元|人民币"
                         # what the firm does or owns, written after its name (鼎龙股份发行股份, 康跃科技股份有限公司股份, 康跃投资借款,
                         # 锦州银行股票, 中广核电力深交所, 老虎证券投行), a time (德展健康今日, 胜通光科前, 宁德时代目前), and what follows
                         # 的 after two characters or more (北网未来的有限合伙人; not 美的集团, 广东美的集团股份有限公司)
                         r"|发行股份|(?<=公司)股份|(?:长期)?借款|股票|今日|[深上港]交所|投行|目前|日前|此前|之前|以前|(?<=\w\w)前"
                         r"|(?<=\w\w)(?<![美快])的.+)$")
# a party's role written before a company name (投资方大明光福集团有限公司, 乙方): not part of the name
_ROLE_BEFORE = re.compile(r"^(?:投资方|投资主体|出资方|合作方|承建方|建设方|业主方|运营方|发起方|甲方|乙方|丙方)")
NOT_A_NAME = frozenset({"中小", "全体", "其他", "公司", "原", "该"})
GENERIC_FIRM = frozenset({"本公司", "该公司", "上市公司", "集团", "本集团", "该集团", "企业", "该股", "发行人", "个股",
                           "公司股票"})  # 本公司（300236.SZ）, 该股（600519）


def _amount_form(body: str) -> str | None:
    """``body`` cut back to its currency or magnitude, or None where it is no amount in ANNOTATION.md's form."""
    from ner.lexicon.units import CURRENCY_CODES
    from ner.normalize import normalize_amount

    currency = max((body.rfind(c) + len(c) for c in CURRENCY_CODES if c in body), default=0)
    magnitude = max(body.rfind(c) + 1 for c in _MAGNITUDE)
    cut = max(currency, magnitude)
    if cut <= 0 or body.startswith(_NO_NUMBER) or not any(ch.isdigit() or ch in "一二两三四五六七八九十百千" for ch in body[:cut]):
        return None
    if currency < magnitude and _NOT_MONEY_AFTER.match(body, cut):
        return None  # 2000万股, 1.5万吨: no money
    if currency < magnitude and _CURRENCY_LIKE.fullmatch(body, cut):
        return body  # a currency the list lacks (5250亿比索, 250亿埃镑): the span stands
    body = body[:cut]
    if body.endswith("元人民币"):  # 人民币 after 元 stays out
        body = body[:-3]
    if not any(c in body for c in _MAGNITUDE):
        try:
            value = normalize_amount(body).value
        except ValueError:
            return None
        if value is None or value < _MIN_PLAIN_VALUE:
            return None
    return body


def _company_form(name: str) -> str | None:
    """``name`` without a role written after it, or None where only a role is left (大股东, 中小股东); a role
    written before it (投资方…) is cut by ``model_shapes``."""
    m = _ROLE_AFTER.search(name)
    if m is None:
        return name
    rest = name[:m.start()]
    return rest if len(rest) >= 2 and rest not in NOT_A_NAME else None


_PAIRS = {"”": "“", "）": "（", ")": "(", "」": "「", "』": "『", "】": "【", "》": "《", "]": "[", "’": "‘"}
_OPENERS = {v: k for k, v in _PAIRS.items()}


def _unbalanced_trimmed(name: str) -> tuple[int, int]:
    """``(cut from the start, cut from the end)``: quotes and brackets the name does not close or open
    (华为数字能源”） -> 华为数字能源, 《国家电网有限公司 -> 国家电网有限公司, 华为数字能源（ -> 华为数字能源; 合伙企业（有限合伙）
    stays)."""
    lo, hi = 0, len(name)
    while True:
        if hi > lo and (name[hi - 1] in _OPENERS or name[hi - 1] in _PAIRS and _PAIRS[name[hi - 1]] not in name[lo:hi - 1]):
            hi -= 1
        elif lo < hi and (name[lo] in _PAIRS or name[lo] in _OPENERS and _OPENERS[name[lo]] not in name[lo + 1:hi]):
            lo += 1
        else:
            return lo, len(name) - hi


def model_shapes(spans: list[Span]) -> list[Span]:
    """Model spans held to the forms ANNOTATION.md gives (rule spans, score None, are left as they are).

    * AMOUNT: a number, a magnitude (万/亿) and a currency, or a number and a magnitude with no currency
      (投资85亿: the model's span says the context made it money). A span running past its currency or
      magnitude is cut back to it (60亿元大 -> 60亿元, 60亿元人民币 -> 60亿元); one with neither (2305, a stock
      quote), with no number (几百万元) or with another unit after its magnitude (2000万股, 1.5万吨) is
      dropped, and so is one without a magnitude worth less than 100,000 (a price: 10.77元/股, 666元; a
      contract's full-digit 51,080,000.00元 stays).
    * COMPANY: quotes and brackets it does not open or close are cut off (华为数字能源”） -> 华为数字能源), a role
      written after the name is cut off (百亚股份董事 -> 百亚股份, 晨兴资本（领投） -> 晨兴资本, 沙特阿美旗下,
      雷克萨斯品牌, 特斯拉官网),
      and a party's role before it (投资方大明光福集团有限公司 -> 大明光福集团有限公司); a span that is only a role
      (大股东, 中小股东, 乙方) is dropped.
    """
    out = []
    for s in spans:
        body: str | None = s.text
        if s.score is not None and s.label == "AMOUNT":
            body = _amount_form(s.text)
        elif s.score is not None and s.label == "COMPANY":
            cut_lo, cut_hi = _unbalanced_trimmed(s.text)
            if cut_lo or cut_hi:
                s = Span(s.start + cut_lo, s.end - cut_hi, s.label, s.text[cut_lo:len(s.text) - cut_hi], s.score)
                if len(s.text) < 2:
                    continue
            role = _ROLE_BEFORE.match(s.text)
            if role:  # 投资方大明光福集团有限公司 -> 大明光福集团有限公司; 乙方 alone is none
                s = Span(s.start + role.end(), s.end, s.label, s.text[role.end():], s.score)
                if len(s.text) < 2:
                    continue
            body = _company_form(s.text)
            if body:  # a role cut may leave a bracket open (鼎晖投资（美元 -> 鼎晖投资（)
                body = body[:len(body) - _unbalanced_trimmed(body)[1]]
        if body == s.text:
            out.append(s)
        elif body:
            out.append(Span(s.start, s.start + len(body), s.label, body, s.score))
    return out


# What ANNOTATION.md's AMOUNT form holds that a model span may leave out or run over: 多/余 and the currency after a
# magnitude (13亿多元, 50亿港币), a range as one span (1亿元至2亿元, 18至20亿元), one span per amount of a list (4.2亿元、5.84亿元)
_BARE_NUMBER = r"[0-9０-９]+(?:[.．][0-9０-９]+)?[万亿]?"
_LIST_SEP = re.compile(r"、")  # (not a comma: 135,836.66万元)


def amount_forms(text: str, spans: list[Span]) -> list[Span]:
    """Model amounts (score not None) put in ANNOTATION.md's form where the text around them says how: a list of amounts
    in one span is cut into one span each (4.2亿元、5.84亿元、5.91亿元); 多元/余元 or a currency the rules read right
    after a magnitude joins it (13亿 + 多元, 50亿 + 港币; not 多元化, and not 人民币, which stays out as after 元); two
    amounts in one currency joined by a range sign (1亿元至2亿元; not 300万人民币到3000万美元, nor a change: 由10亿元到
    20亿元; 从…到… is a range), or a bare number and a range sign before an amount (18至20亿元; not 编号2021-10亿元), are one span."""
    currency_after, range_before = _amount_context()
    cut: list[Span] = []
    for s in spans:
        if s.label == "AMOUNT" and s.score is not None and _LIST_SEP.search(s.text):
            at = s.start
            for piece in _LIST_SEP.split(s.text):
                body = _amount_form(piece) if piece else None
                if body:
                    cut.append(Span(at, at + len(body), s.label, body, s.score))
                at += len(piece) + 1
        else:
            cut.append(s)
    out: list[Span] = []
    for s in sorted(cut, key=lambda x: (x.start, x.end)):
        if s.label == "AMOUNT" and s.score is not None:
            if s.text[-1] in _MAGNITUDE and (m := currency_after.match(text, s.end)):
                s = Span(s.start, m.end(), s.label, text[s.start:m.end()], s.score)
            prev = out[-1] if out else None
            if prev is not None and prev.label == "AMOUNT" and prev.score is not None \
                    and re.fullmatch(_RANGE_SEP, text[prev.end:s.start]) and _currency(prev.text) in ("", _currency(s.text)) \
                    and not re.search(r"由\s*$", text[max(0, prev.start - 2):prev.start]):  # 由10亿元到20亿元: a change
                out[-1] = Span(prev.start, s.end, s.label, text[prev.start:s.end], min(prev.score, s.score))
                continue
            if (m := range_before.search(text, max(0, s.start - 12), s.start)) and not (prev and prev.end > m.start()):
                s = Span(m.start(), s.end, s.label, text[m.start():s.end], s.score)
        out.append(s)
    return out


@functools.cache
def _amount_context() -> tuple[re.Pattern, re.Pattern]:
    """``amount_forms``'s patterns, compiled once: what may follow a magnitude, and a range's bare start before an amount."""
    from ner.lexicon.units import CURRENCIES

    currency_after = re.compile(r"[多余]?(?:" + "|".join(re.escape(c) for c in CURRENCIES) + r")(?!化)")  # not 多元化
    # a bare number that starts there and is no year before a hyphen (编号2021-10亿元; 2000至3000万元 is a range)
    range_before = re.compile(rf"(?<![0-9０-９A-Za-z.．\-])(?!(?:19|20)[0-9]{{2}}\s?[-－—–])(?:{_BARE_NUMBER}){_RANGE_SEP}$")
    return currency_after, range_before


def _currency(amount: str) -> str:
    """The currency name an amount ends with ("" where it ends in a number or a magnitude): 300万人民币 -> 人民币."""
    from ner.lexicon.units import CURRENCY_CODES

    return max((c for c in CURRENCY_CODES if amount.endswith(c)), key=len, default="")


# Right after a news outlet's name: its reporter or its dateline (财联社记者, 新浪财经讯, 【亿邦动力讯】).
_OUTLET_AFTER = re.compile(r"\s*(?:记者|讯(?:[】\]\s\d]|$))")
# A person's name: a common surname and one or two given-name characters, after a title (实际控制人, 董事长, 委任) or
# before 先生/女士: a company's officer or owner, no company (ANNOTATION.md tags firms only). Not after 控股股东(为) or
# 实际控制人为, where firms stand as often (控股股东为万科).
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
             "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤傅施")
_PERSON_NAME = re.compile(rf"(?:欧阳|司马|上官|诸葛|[{_SURNAMES}])[\u4e00-\u9fff]{{1,2}}")
_TITLE_BEFORE = re.compile(r"(?:实际控制人|董事长|副?总裁|总经理|创始人|法定代表人|负责人|董事|监事|委任|聘任|任命|"
                           r"主席|首席执行官|CEO|书记|市长|省长|区长|县长)\s*$")
_HONORIFIC_AFTER = re.compile(r"\s*(?:先生|女士)")
# a list of names that ends as persons (购买陈享郭、彭德军、邬俊峰、郭辉、范尧等5位自然人所持有…)
_PERSONS_LIST_AFTER = re.compile(r"(?:、[\u4e00-\u9fff]{2,3}){0,8}等\s*\d+\s*[位名]自然人")
_NAME_ENDS = re.compile(r"[^\u4e00-\u9fff]|[、和与及等先女为在的是于拟将已称表曾对向从被]")
# A Latin name that a product word follows (Tiger Neo系列, Powerwall（家用储能电池）) or that 产品/推出 stands before
_LATIN_ONLY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .\-]*")
_PRODUCT_AFTER = re.compile(r"\s*(?:系列|型号|[（(][^（）()]{0,12}(?:产品|电池|系统|车型)[）)])")  # not 为BMW车型提供
_PRODUCT_BEFORE = re.compile(r"(?:产品|新品|[0-9A-Z]型)\s*$")
# A reporter's verb after a name: the name is an outlet's (维科网锂电注意到, 高工锂电获悉, 央视财经此前报道称)
_REPORTS_AFTER = re.compile(r"\s*(?:此前|日前|近日|独家)?(?:注意到|获悉|了解到|报道(?!期|会|称的))")
_SOURCE_FIRM_BEFORE = re.compile(r"[从向自]\s*$")
# A page's source line names its outlet (来源：环卫科技网, 来源 :电车汇, 文章来源：时间财经); a broker's research
# named there is a company's (来源：申万宏源, 安信证券): only a name that reads as a website or a medium.
_SOURCE_BEFORE = re.compile(r"(?:^|\s)(?:文章|新闻|稿件|本文|原文)?来源\s*[:：]\s*$")  # not 资金来源：
_OUTLET_NAME = re.compile(r"(?!.*(?:公司|集团|有限|股份)$)(?:.*网.*|.*(?:汇|财经|快报|新闻|资讯|头条|传媒|媒体|在线|之家))")


# A list of sectors (涉及康养、农林牧渔、能源原材料、制造业等行业): its items are no companies. Not a list of firms of a
# sector (比亚迪、宁德时代等企业的产业链; 华为、小米等行业龙头; 等新能源产业链企业): no firm word between 等 and the
# sector word, nor right after it.
_SECTOR_LIST = re.compile(r"(?:[^\s，,。；;：:！？!?、“”]{1,10}、)+[^\s，,。；;：:！？!?、“”]{1,10}等"
                          r"(?:(?!企业|公司|集团|龙头|厂商|品牌|机构)[^\s，,。；;]){0,6}?(?:行业|领域|产业|板块|业态)"
                          r"(?![^，,。；;、]{0,6}?(?:企业|央企|国企|公司|龙头|巨头|头部|领军|骨干|集团|链))")


def _in_sector_list(text: str, s: Span) -> bool:
    """``s`` is one whole item of a list of sectors (``_SECTOR_LIST``)."""
    lo = max(0, s.start - 60)
    return any(m.start() <= s.start and s.end < m.end() and text[s.end] in "、等"
               and (s.start == m.start() or text[s.start - 1] == "、" or "、" not in text[m.start():s.start])
               for m in _SECTOR_LIST.finditer(text, lo, min(len(text), s.end + 40)))


def veto_non_companies(spans: list[Span], text: str | None = None) -> list[Span]:
    """Model COMPANY spans whose form ANNOTATION.md excludes (文登区政府, 工信部, 湖南工业大学, ...商会,
    南方日报, 北斗产业园, 13家银行: ``ner.rules.companies.is_non_company``) are dropped, and, given the
    ``text``, those that a reporter or a dateline follows (财联社记者, 新浪财经讯: news outlets) or that a page's
    source line names as a website or medium (来源：环卫科技网), and the items of a list of sectors (涉及康养、农林牧渔等行业)."""
    from ner.rules import is_non_company

    not_firms = {s.text for s in spans if s.label == "COMPANY" and text is not None  # outlets, products, persons
                 and (_reports(text, s) or _is_product(text, s) or _is_person(text, s))}
    return [s for s in spans if not (s.label == "COMPANY" and (
        is_non_company(s.text) or s.text in not_firms
        or (text is not None and (_OUTLET_AFTER.match(text, s.end) or _in_sector_list(text, s) or is_source(text, s)))))]


def _is_person(text: str, s: Span) -> bool:
    """``s`` is a person's name (实际控制人傅梅城, 委任钟国斌为独立非执行董事, 控股股东为张代理, 王传福先生): a surname and one
    or two characters, after a title, before 先生/女士 or in a list of 自然人 in any mention of it (大策投资、傅梅城和傅斌星
    after 实际控制人傅梅城; 陈享郭、彭德军等5位自然人);
    no company, in any mention of it."""
    if not _PERSON_NAME.fullmatch(s.text):
        return False
    # the mentions of the name that end where a name ends (金龙 in 总经理金龙华 is no mention of 金龙)
    starts = [m.start() for m in re.finditer(re.escape(s.text), text)
              if m.start() == s.start or _NAME_ENDS.match(text, m.end()) or m.end() == len(text)] or [s.start]
    return any(_TITLE_BEFORE.search(text, max(0, k - 6), k) or _HONORIFIC_AFTER.match(text, k + len(s.text))
               or _PERSONS_LIST_AFTER.match(text, k + len(s.text)) for k in starts)


def _is_product(text: str, s: Span) -> bool:
    """``s`` is a Latin product name (推出N型Tiger Neo系列组件, 储能产品BYD Cube, Powerwall（家用储能电池）): no company, in
    any mention of it in the text."""
    return bool(_LATIN_ONLY.fullmatch(s.text)) and bool(
        _PRODUCT_AFTER.match(text, s.end) or _PRODUCT_BEFORE.search(text, max(0, s.start - 4), s.start))


def _reports(text: str, s: Span) -> bool:
    """``s`` is the subject of a reporter's verb (维科网锂电注意到, 高工锂电获悉, 央视财经此前报道称): an outlet, and so is
    every mention of its name in the text; not where a firm is the source (记者从宁德时代获悉, 向比亚迪了解到), and 获悉 or 了解到
    only after a name that reads as an outlet's (a firm learns things too)."""
    verb = _REPORTS_AFTER.match(text, s.end)
    if not verb or _SOURCE_FIRM_BEFORE.search(text, max(0, s.start - 2), s.start):
        return False
    # a firm learns things too (通威股份近日获悉，公司成为中标候选人): 获悉, 了解到 only after an outlet's name
    return bool(_OUTLET_NAME.fullmatch(s.text)) or not re.search("获悉|了解到", verb.group())


def is_source(text: str, s: Span) -> bool:
    """``s`` is the outlet a page's source line names (来源：环卫科技网)."""
    # (a search from a position: ^ is the text's start only, so the window cannot start a line by itself)
    return bool(_SOURCE_BEFORE.search(text, max(0, s.start - 12), s.start)) and bool(_OUTLET_NAME.fullmatch(s.text))
