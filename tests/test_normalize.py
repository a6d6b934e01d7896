"""Behaviour tables for the normalisers (STYLE.md practice 12): one row per surface form."""
from __future__ import annotations

import json
import re
from decimal import Decimal as D

import pytest

from ner.normalize import (
    APPROX_VALUES,
    LEVELS,
    normalize_amount,
    normalize_capacity,
    normalize_region,
)
from ner.normalize.amounts import parse_numeral, parse_quantity

# ---------------------------------------------------------------------------------------------
# Numerals

NUMERALS = [
    ("75", "75"),
    ("１２", "12"),  # full-width
    ("1,200", "1200"),
    ("119.75亿", "11975000000"),
    ("1.2万亿", "1200000000000"),
    ("2.5万亿", "2500000000000"),
    ("3千万", "30000000"),
    ("千亿", "100000000000"),  # no digit before the magnitude
    ("百亿", "10000000000"),
    ("万亿", "1000000000000"),
    ("两千", "2000"),
    ("十二", "12"),
    ("二十", "20"),
    ("一百零五", "105"),
    ("三千零五十", "3050"),
    ("一千二百万", "12000000"),
    ("三亿五千万", "350000000"),
    ("5亿3000万", "530000000"),
    ("一万五", "15000"),  # colloquial: the digit after the last unit is one place lower
    ("两千五", "2500"),
    ("二〇二〇", "2020"),  # digits without units are positional
    ("三点五亿", "350000000"),
    ("壹仟贰佰", "1200"),
    ("0.5", "0.5"),
]


@pytest.mark.parametrize("text, expected", NUMERALS)
def test_parse_numeral(text, expected):
    assert parse_numeral(text) == D(expected)


QUANTITIES = [
    # text, low, high, high_exclusive, is_range
    ("两千多万", "20000000", "30000000", True, False),
    ("1000余万", "10000000", "20000000", True, False),  # step = place of the last non-zero digit
    ("30多亿", "3000000000", "4000000000", True, False),
    ("1200多万", "12000000", "13000000", True, False),
    ("十多万", "100000", "200000", True, False),
    ("1.5万多", "15000", "16000", True, False),
    ("300多", "300", "400", True, False),
    ("8-10亿", "800000000", "1000000000", False, True),  # the left side borrows 亿
    ("8～10亿", "800000000", "1000000000", False, True),
    ("8~10亿", "800000000", "1000000000", False, True),
    ("8至10亿", "800000000", "1000000000", False, True),
    ("8到10亿", "800000000", "1000000000", False, True),
    ("8亿至10亿", "800000000", "1000000000", False, True),
    ("3000-5000万", "30000000", "50000000", False, True),
    ("两千-三千万", "20000000", "30000000", False, True),
    ("五至十亿", "500000000", "1000000000", False, True),
    ("5000万-1亿", "50000000", "100000000", False, True),
]


@pytest.mark.parametrize("text, low, high, exclusive, is_range", QUANTITIES)
def test_parse_quantity(text, low, high, exclusive, is_range):
    q = parse_quantity(text)
    assert (q.low, q.high, q.high_exclusive, q.is_range) == (D(low), D(high), exclusive, is_range)


BAD_NUMBERS = ["", "abc", "1.2.3", "两千多多万", "多万", "10-8亿", "1-2-3亿", "3多千"]


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_parse_quantity_rejects(text):
    with pytest.raises(ValueError):
        parse_quantity(text)


# ---------------------------------------------------------------------------------------------
# Amounts

AMOUNTS = [
    # text, before, after, low, high, high_exclusive, currency, currency_assumed, approx, qualifier
    ("75亿元", "", "", "7500000000", "7500000000", False, "CNY", False, None, ""),
    ("７５亿元", "", "", "7500000000", "7500000000", False, "CNY", False, None, ""),
    ("119.75亿元", "", "", "11975000000", "11975000000", False, "CNY", False, None, ""),
    ("两千多万元", "", "", "20000000", "30000000", True, "CNY", False, "more_than", "多"),
    ("12亿元", "", "", "1200000000", "1200000000", False, "CNY", False, None, ""),
    ("65亿元", "", "", "6500000000", "6500000000", False, "CNY", False, None, ""),
    ("624.3亿元", "", "", "62430000000", "62430000000", False, "CNY", False, None, ""),
    ("200亿元", "总投资近", "", "20000000000", "20000000000", False, "CNY", False, "nearly", "近"),
    ("200亿元", "约达", "", "20000000000", "20000000000", False, "CNY", False, "approximately", "约"),
    ("200亿元", "最近", "", "20000000000", "20000000000", False, "CNY", False, None, ""),
    ("千亿元", "超", "", "100000000000", "100000000000", False, "CNY", False, "more_than", "超"),
    ("5000万元", "", "以上", "50000000", "50000000", False, "CNY", False, "at_least", "以上"),
    ("10亿元", "", "左右", "1000000000", "1000000000", False, "CNY", False, "approximately", "左右"),
    ("10亿元", "逾", "", "1000000000", "1000000000", False, "CNY", False, "more_than", "逾"),
    ("10亿元", "不到", "", "1000000000", "1000000000", False, "CNY", False, "less_than", "不到"),
    ("近200亿元", "", "", "20000000000", "20000000000", False, "CNY", False, "nearly", "近"),  # span too wide
    ("2.5万亿元", "", "", "2500000000000", "2500000000000", False, "CNY", False, None, ""),
    ("1.2万亿元", "", "", "1200000000000", "1200000000000", False, "CNY", False, None, ""),
    ("3千万元", "", "", "30000000", "30000000", False, "CNY", False, None, ""),
    ("6亿美元", "", "", "600000000", "600000000", False, "USD", False, None, ""),
    ("1000余万元", "", "", "10000000", "20000000", True, "CNY", False, "more_than", "余"),
    ("30多亿元", "", "", "3000000000", "4000000000", True, "CNY", False, "more_than", "多"),
    ("8-10亿元", "", "", "800000000", "1000000000", False, "CNY", False, None, ""),
    ("8～10亿元", "", "", "800000000", "1000000000", False, "CNY", False, None, ""),
    ("8至10亿元", "", "", "800000000", "1000000000", False, "CNY", False, None, ""),
    ("8亿元至10亿元", "", "", "800000000", "1000000000", False, "CNY", False, None, ""),
    ("85亿", "投资", "", "8500000000", "8500000000", False, "CNY", True, None, ""),
    ("85亿", "", "美元", "8500000000", "8500000000", False, "USD", False, None, ""),
    ("千亿元", "", "", "100000000000", "100000000000", False, "CNY", False, None, ""),
    ("百亿元", "", "", "10000000000", "10000000000", False, "CNY", False, None, ""),
    ("1,200万元", "", "", "12000000", "12000000", False, "CNY", False, None, ""),
    ("人民币75亿元", "", "", "7500000000", "7500000000", False, "CNY", False, None, ""),
    ("75亿元人民币", "", "", "7500000000", "7500000000", False, "CNY", False, None, ""),
    ("3亿欧元", "", "", "300000000", "300000000", False, "EUR", False, None, ""),
    ("20亿港元", "", "", "2000000000", "2000000000", False, "HKD", False, None, ""),
    ("500亿日元", "", "", "50000000000", "50000000000", False, "JPY", False, None, ""),
    ("1亿英镑", "", "", "100000000", "100000000", False, "GBP", False, None, ""),
    ("5000万美金", "", "", "50000000", "50000000", False, "USD", False, None, ""),
    ("４·３亿美元", "", "", "430000000", "430000000", False, "USD", False, None, ""),  # a middle-dot decimal
    ("４７００亿马克", "", "", "470000000000", "470000000000", False, "DEM", False, None, ""),
    ("一千二百万元", "", "", "12000000", "12000000", False, "CNY", False, None, ""),
    ("三亿五千万元", "", "", "350000000", "350000000", False, "CNY", False, None, ""),
]


@pytest.mark.parametrize(
    "text, before, after, low, high, exclusive, currency, assumed, approx, qualifier", AMOUNTS
)
def test_normalize_amount(text, before, after, low, high, exclusive, currency, assumed, approx, qualifier):
    a = normalize_amount(text, before=before, after=after)
    assert (a.low, a.high, a.high_exclusive) == (D(low), D(high), exclusive)
    assert a.value == (D(low) if low == high and not exclusive else None)
    assert (a.currency, a.currency_assumed, a.approx, a.qualifier) == (currency, assumed, approx, qualifier)
    assert a.approx is None or a.approx in APPROX_VALUES
    assert a.text == text


def test_amount_is_exact_and_json_safe():
    a = normalize_amount("119.75亿元")
    assert a.value == D("119.75") * 10**8 and str(a.value) == "11975000000"
    d = a.to_dict()
    assert d["value"] == 11975000000 and isinstance(d["value"], int)
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert normalize_amount("0.5元").to_dict()["value"] == 0.5
    assert normalize_amount("两千多万元").to_dict()["value"] is None


def test_every_currency_the_rules_find_is_read():
    from ner.normalize.amounts import CURRENCY_CODES
    from ner.rules import CURRENCIES, preannotate

    for word in CURRENCIES:
        text = f"投资5亿{word}"
        assert [s.text for s in preannotate(text)] == [f"5亿{word}"], word
        assert normalize_amount(f"5亿{word}").currency == CURRENCY_CODES[word]


AMOUNT_ERRORS = ["亿元", "元", "", "22个项目", "2000万股", "5%", "10-8亿元", "5亿美元3亿欧元", "abc元"]


@pytest.mark.parametrize("text", AMOUNT_ERRORS)
def test_normalize_amount_errors_name_the_text(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        normalize_amount(text)


# ---------------------------------------------------------------------------------------------
# Capacities

CAPACITIES = [
    # text, before, low, high, unit, raw_unit, per, counter, multiplier
    ("20GWh", "规划产能", "20000000", "20000000", "kWh", "GWh", None, None, None),
    ("450万千瓦", "", "4500", "4500", "MW", "千瓦", None, None, None),
    ("2×100万千瓦", "", "2000", "2000", "MW", "千瓦", None, None, 2),
    ("2x350MW", "", "700", "700", "MW", "MW", None, None, 2),
    ("2*660MW", "", "1320", "1320", "MW", "MW", None, None, 2),
    ("100万千瓦×2", "", "2000", "2000", "MW", "千瓦", None, None, 2),
    ("10GW", "", "10000", "10000", "MW", "GW", None, None, None),
    ("500kW", "", "0.5", "0.5", "MW", "kW", None, None, None),
    ("五十万千瓦", "", "500", "500", "MW", "千瓦", None, None, None),
    ("4000万台", "年产智能手机", "40000000", "40000000", "units", "台", "year", "台", None),
    ("1.5亿台", "", "150000000", "150000000", "units", "台", None, "台", None),
    ("30万辆", "年产", "300000", "300000", "units", "辆", "year", "辆", None),
    ("12万吨", "年产", "120000", "120000", "t", "吨", "year", None, None),
    ("12万吨/年", "", "120000", "120000", "t", "吨/年", "year", None, None),
    ("60万千升", "", "600000", "600000", "m3", "千升", None, None, None),
    ("6200t/d", "", "6200", "6200", "t", "t/d", "day", None, None),
    ("6200吨", "日产", "6200", "6200", "t", "吨", "day", None, None),
    ("1.135亿度", "年发电量", "113500000", "113500000", "kWh", "度", "year", None, None),
    ("3200万吨", "", "32000000", "32000000", "t", "吨", None, None, None),
    ("3200万吨级", "", "32000000", "32000000", "t", "吨", None, None, None),
    ("10-20GWh", "", "10000000", "20000000", "kWh", "GWh", None, None, None),
    ("10GWh-20GWh", "", "10000000", "20000000", "kWh", "GWh", None, None, None),
    ("300多万吨", "", "3000000", "4000000", "t", "吨", None, None, None),
    ("５０万ｍ³", "", "500000", "500000", "m3", "m3", None, None, None),
    ("50蒸吨", "", "50", "50", "t", "蒸吨", "hour", None, None),
    ("3TWh", "", "3000000000", "3000000000", "kWh", "TWh", None, None, None),
    ("4万片/月", "", "40000", "40000", "units", "片/月", "month", "片", None),
]


@pytest.mark.parametrize("text, before, low, high, unit, raw_unit, per, counter, multiplier", CAPACITIES)
def test_normalize_capacity(text, before, low, high, unit, raw_unit, per, counter, multiplier):
    c = normalize_capacity(text, before=before)
    assert (c.low, c.high) == (D(low), D(high))
    assert c.value == (D(low) if low == high and not c.high_exclusive else None)
    assert (c.unit, c.raw_unit, c.per, c.counter, c.multiplier) == (unit, raw_unit, per, counter, multiplier)
    assert json.loads(json.dumps(c.to_dict(), ensure_ascii=False)) == c.to_dict()


def test_capacity_modifiers():
    c = normalize_capacity("20GWh", before="超")
    assert (c.approx, c.qualifier) == ("more_than", "超")
    c = normalize_capacity("300多万吨")
    assert (c.approx, c.high_exclusive) == ("more_than", True)


CAPACITY_ERRORS = ["863亩", "GWh", "百万千瓦级", "千万吨级", "10家", "", "abcMW", "10GWh-20MW", "20%"]


@pytest.mark.parametrize("text", CAPACITY_ERRORS)
def test_normalize_capacity_errors_name_the_text(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        normalize_capacity(text)


# ---------------------------------------------------------------------------------------------
# Regions

REGIONS = [
    # text, hint, canonical, level, code, parents
    ("湖南", (), "湖南省", "province", "430000", ()),
    ("湖南省", (), "湖南省", "province", "430000", ()),
    ("长沙市", (), "长沙市", "city", "430100", ("湖南省",)),
    ("长沙", (), "长沙市", "city", "430100", ("湖南省",)),  # city beats 长沙县
    ("株洲", (), "株洲市", "city", "430200", ("湖南省",)),
    ("肇庆", (), "肇庆市", "city", "441200", ("广东省",)),
    ("望城区", (), "长沙市望城区", "district", "430112", ("湖南省", "长沙市")),
    ("望城", ("长沙市",), "长沙市望城区", "district", "430112", ("湖南省", "长沙市")),
    ("炎陵县", (), "株洲市炎陵县", "district", "430225", ("湖南省", "株洲市")),
    ("攸县", (), "株洲市攸县", "district", "430223", ("湖南省", "株洲市")),
    ("文登", (), "威海市文登区", "district", "371003", ("山东省", "威海市")),
    ("渌口区", (), "株洲市渌口区", "district", "430212", ("湖南省", "株洲市")),  # supplement: 2018
    ("株洲县", (), "株洲市渌口区", "district", "430212", ("湖南省", "株洲市")),  # its former name
    ("深圳坪山", (), "深圳市坪山区", "district", "440310", ("广东省", "深圳市")),  # set up in 2016
    ("临平区", (), "杭州市临平区", "district", "330113", ("浙江省", "杭州市")),  # 2021
    ("郫县", (), "成都市郫都区", "district", "510117", ("四川省", "成都市")),  # renamed 2016
    ("无为县", (), "芜湖市无为市", "district", "340281", ("安徽省", "芜湖市")),  # county to city, 2019
    ("长乐", (), "福州市长乐区", "district", "350112", ("福建省", "福州市")),
    ("那曲地区", (), "那曲市", "city", "540600", ("西藏自治区",)),  # prefecture to city, 2017
    ("江干区", (), "杭州市江干区", "district", "330104", ("浙江省", "杭州市")),  # split in 2021: its old code stays
    ("株洲", ("株洲市渌口区",), "株洲市", "city", "430200", ("湖南省",)),  # 株洲县's short form is not 渌口区's
    ("上海临港", (), "上海自贸区临港新片区", "zone", "310115", ("上海市", "浦东新区")),  # a new area's short name
    ("长沙市望城区", (), "长沙市望城区", "district", "430112", ("湖南省", "长沙市")),
    ("威海市文登区", (), "威海市文登区", "district", "371003", ("山东省", "威海市")),
    ("湖南省长沙市", (), "长沙市", "city", "430100", ("湖南省",)),
    ("湖南株洲", (), "株洲市", "city", "430200", ("湖南省",)),
    ("重庆市渝北区", (), "重庆市渝北区", "district", "500112", ("重庆市",)),
    ("山东省内", (), "山东省", "province", "370000", ()),
    ("浦东新区", (), "上海市浦东新区", "district", "310115", ("上海市",)),  # a district, not a zone
    ("湘西州", (), "湘西土家族苗族自治州", "city", "433100", ("湖南省",)),
    ("攸县皇图岭镇", (), "株洲市攸县", "district", "430223", ("湖南省", "株洲市")),
    ("朝阳区", ("长春",), "长春市朝阳区", "district", "220104", ("吉林省", "长春市")),
    # zones: code of the host, parents down to the host
    ("望城经开区", (), "长沙市望城经济技术开发区", "zone", "430112", ("湖南省", "长沙市", "望城区")),
    ("长沙市望城经开区", (), "长沙市望城经济技术开发区", "zone", "430112", ("湖南省", "长沙市", "望城区")),
    ("望城经济技术开发区", (), "长沙市望城经济技术开发区", "zone", "430112", ("湖南省", "长沙市", "望城区")),
    ("肇庆高新区", (), "肇庆高新技术产业开发区", "zone", "441200", ("广东省", "肇庆市")),
    ("肇庆高新技术产业开发区", (), "肇庆高新技术产业开发区", "zone", "441200", ("广东省", "肇庆市")),
    ("株洲经开区", (), "株洲经济技术开发区", "zone", "430200", ("湖南省", "株洲市")),
    ("两江新区", (), "重庆两江新区", "zone", "500000", ("重庆市",)),
    ("重庆两江新区", (), "重庆两江新区", "zone", "500000", ("重庆市",)),
    ("湖南湘江新区", (), "湖南湘江新区", "zone", "430100", ("湖南省", "长沙市")),
    ("长沙市金霞经开区", (), "长沙市金霞经济技术开发区", "zone", "430100", ("湖南省", "长沙市")),
    ("金霞经开区", (), "金霞经济技术开发区", "zone", None, ()),
    # no code
    ("粤港澳大湾区", (), "粤港澳大湾区", "macro_region", None, ()),
    ("长三角", (), "长江三角洲", "macro_region", None, ()),
    ("珠三角", (), "珠江三角洲", "macro_region", None, ()),
    ("珠江口西岸", (), "珠江口西岸", "macro_region", None, ()),
    ("华东", (), "华东", "macro_region", None, ()),
    ("华南", (), "华南", "macro_region", None, ()),
    ("华北", (), "华北", "macro_region", None, ()),
    ("华中", (), "华中", "macro_region", None, ()),
    ("西南", (), "西南", "macro_region", None, ()),
    ("西北", (), "西北", "macro_region", None, ()),
    ("东北", (), "东北", "macro_region", None, ()),
    ("华东地区", (), "华东", "macro_region", None, ()),
    ("中国", (), "中国", "country", None, ()),
    ("美国", (), "美国", "country", None, ()),
]


@pytest.mark.parametrize("text, hint, canonical, level, code, parents", REGIONS)
def test_normalize_region(text, hint, canonical, level, code, parents):
    r = normalize_region(text, hint=list(hint))
    assert r is not None
    assert (r.canonical, r.level, r.code, r.parents) == (canonical, level, code, parents)
    assert r.level in LEVELS and not r.ambiguous
    assert json.loads(json.dumps(r.to_dict(), ensure_ascii=False)) == r.to_dict()


def test_zone_reports_its_host():
    r = normalize_region("望城经开区")
    assert r.host == "长沙市望城区"


def test_ambiguous_region_is_flagged():
    r = normalize_region("朝阳区")  # Beijing and Changchun: the municipality wins, flagged
    assert (r.code, r.ambiguous, r.alternatives) == ("110105", True, ("220104",))


NOT_REGIONS = ["全国", "中部", "当地", "园区", "文登区政府", "株洲市发改委", "5G智能终端产业园", "", "经开区"]


@pytest.mark.parametrize("text", NOT_REGIONS)
def test_normalize_region_unknown_is_none(text):
    assert normalize_region(text) is None
