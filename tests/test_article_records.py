"""Sentence-level records -> one record per project for a whole article (ner.records.article).

Offsets are computed with ``str.find`` from the texts below, never typed by hand.
"""
from __future__ import annotations

import pytest

from ner.records.background import is_background_amount, is_background_capacity
from ner.records.parties import clients, company_alias, defined_aliases, investors, is_agent, protagonists, sellers
from ner.records.build import build_records
from ner.types import Span


def spans(text: str, *mentions: tuple[str, str]) -> list[Span]:
    out, cursor = [], 0
    for label, s in mentions:
        i = text.find(s, cursor)
        assert i >= 0, f"{s!r} not in {text[cursor:]!r}"
        cursor = i + len(s)
        out.append(Span(i, cursor, label, s))
    return out


def texts(mentions) -> list[str]:
    return [m["text"] for m in mentions]


def by_first_figure(records: list[dict], key: str) -> dict[str, list[str]]:
    """Each record's ``key`` mentions (texts), by the record's first amount, else its first capacity."""
    return {(r["amounts"] or r["capacities"])[0]["text"]: texts(r[key]) for r in records}


HEADLINE = (
    "14亿！东阳光投建年产5万吨磷酸铁锂产线\n\n"
    "9月9日，东阳光发布公告称，全资子公司乳源新能源计划在广东省韶关市投资扩建年产5万吨磷酸铁锂项目，"
    "项目总投资额预计不超过14亿元。\n"
    "二级市场上，东阳光收盘报10.77元/股，当前总市值为324.6亿元。"
)
HEADLINE_ENTS = (("AMOUNT", "14亿"), ("COMPANY", "东阳光"), ("CAPACITY", "5万吨"), ("COMPANY", "东阳光"),
                 ("COMPANY", "乳源新能源"), ("REGION", "广东省韶关市"), ("CAPACITY", "5万吨"), ("AMOUNT", "14亿元"),
                 ("COMPANY", "东阳光"), ("AMOUNT", "324.6亿元"))


def test_headline_and_body_are_one_record_with_every_company_mention():
    [rec] = build_records(HEADLINE, spans(HEADLINE, *HEADLINE_ENTS))
    assert sorted(set(texts(rec["companies"]))) == ["东阳光", "乳源新能源"]  # investor and project company
    assert len([m for m in rec["companies"] if m["text"] == "东阳光"]) == 3  # every mention
    assert texts(rec["amounts"]) == ["14亿", "14亿元"]  # the market value is background
    assert texts(rec["capacities"]) == ["5万吨", "5万吨"]
    assert any(link.startswith("merged") for link in rec["links"])  # it says why


def test_sentence_level_records_stay_available():
    recs = build_records(HEADLINE, spans(HEADLINE, *HEADLINE_ENTS), whole_article=False)
    assert len(recs) >= 2 and all("links" not in r for r in recs)


SITE = "5月19日，湖南德赛电池储能电芯项目在长沙市望城经开区投产，总投资75亿元。望城区、长沙和湖南的制造业……德赛电池总部在深圳。"


def test_site_parents_join_and_the_investor_home_does_not():
    ents = spans(SITE, ("COMPANY", "湖南德赛电池"), ("REGION", "长沙市望城经开区"), ("AMOUNT", "75亿元"),
                 ("REGION", "望城区"), ("REGION", "长沙"), ("REGION", "湖南"), ("COMPANY", "德赛电池"), ("REGION", "深圳"))
    [rec] = build_records(SITE, ents)
    assert texts(rec["regions"]) == ["长沙市望城经开区", "望城区", "长沙", "湖南"]
    assert texts(rec["companies"]) == ["湖南德赛电池", "德赛电池"]


INDUSTRY = "望城区目前已经布局了德赛电池、金驰能源等一批龙头企业,预计到2025年,望城先进储能材料产业规模将达500亿元规模。"


def test_a_sector_target_is_no_record():
    ents = spans(INDUSTRY, ("REGION", "望城区"), ("COMPANY", "德赛电池"), ("COMPANY", "金驰能源"), ("REGION", "望城"),
                 ("AMOUNT", "500亿元"))
    assert build_records(INDUSTRY, ents) == []


def test_company_alias():
    assert company_alias("德赛电池", "湖南德赛电池")
    assert company_alias("宁德时代", "宁德时代新能源科技股份有限公司")
    assert company_alias("长高开关", "湖南长高高压开关集团股份公司")
    assert not company_alias("正泰集团", "正泰电器")
    assert not company_alias("华为", "比亚迪")


def test_background_amounts():
    text = "公司2020年营业收入510亿元，本项目总投资20亿元"
    rev, inv = text.find("510亿元"), text.find("20亿元")
    assert is_background_amount(text, {"start": rev, "end": rev + 5, "text": "510亿元"})
    assert not is_background_amount(text, {"start": inv, "end": inv + 4, "text": "20亿元"})


@pytest.mark.parametrize("text, amount, background", [
    ("苏州华益洁成立于2016年，注册资本5000万元。", "5000万元", True),  # a company's own capital
    ("项目资本金占总投资的20%。项目公司注册资本金1亿元。", "1亿元", False),  # the project company's
    ("捷泰科技向滁州捷泰增资，增资后滁州捷泰的注册资本从人民币200万元增至50,000万元。", "200万元", False),
    ("2017年-2019年，百亚股份实现营业收入分别为8.10亿元、9.61亿元和11.49亿元。", "11.49亿元", True),  # a list's words
    ("募集资金投资总额约3.05亿元、2亿元和1亿元。", "1亿元", False),
    ("其中研发费用为2.07亿元，同比增长38%。", "2.07亿元", True),
    ("参股公司麦克韦尔实现净利润9.7亿元，公司上半年确认投资收益3.68亿元。", "3.68亿元", True),
    ("其中26家在中美等多地上市，估值50亿美金以上公司9家。", "50亿美金", True),
    ("陈南翔以2020年4390亿美元的全球产业规模为基础", "4390亿美元", True),  # the figure calls itself a sector's
    ("如果2030年要达到IBS预测的1.1万亿美元市场", "1.1万亿美元", True),
    ("望城经开区还设立65亿元智能制造产业发展专项基金", "65亿元", False),  # a fund: a record's figure (role other)
    # a profit, last period's figure, a valuation's result, a shareholder's purchase, a fund manager's size
    ("这家银行曾经净赚12亿元，如今转为亏损。", "12亿元", True),
    ("净利润-963.97万元，上年同期为-1084.11万元。", "1084.11万元", True),
    ("该基金规模达到108.54亿元，相较于去年末的31.32亿元，实现超两倍增长。", "31.32亿元", True),
    ("按资产基础法权益价值为1395.8万元。", "1395.8万元", True),
    ("股东拟通过集中竞价的方式增持公司股份，增持金额1亿元至2亿元。", "1亿元至2亿元", True),
    ("赛富目前管理总规模近60亿人民币及40亿美元的投资基金。", "40亿美元", True),
    ("深创投现注册资本54.2亿元，管理各类资金总规模约3484亿元。", "3484亿元", True),  # the investor's profile
    ("鲁银投资在万润股份身上赚得1个多亿", "1个多亿", True),  # earnings
    ("同时，该基金截至今年二季末的规模达到了108.54亿元。", "108.54亿元", True),  # a fund's size
    ("招商招享纯债基金成立于2017年3月，截至2020年二季度末A份额的规模为101.43亿元。", "101.43亿元", True),
    ("该项目由华夏新能源产业基金投资，项目总投资规模达50亿元。", "50亿元", False),  # a fund among the investors
    ("本轮融资由红杉中国基金领投，深创投跟投，融资规模达5亿元。", "5亿元", False),  # a round's figure
    ("安徽省新能源汽车产业基金在合肥正式揭牌成立，基金总规模100亿元。", "100亿元", False),  # a fund set up
    ("小赚科技完成5000万元A轮融资。", "5000万元", False),  # 赚 inside a name
    ("各方共同组建“长三角影视文化产业基金”，首期规模10亿元。", "10亿元", False),  # a fund the deal sets up
    ("中交建(01800.HK)  0.000 (0.000%)   沽空 $3.99千万; 比率 37.899%", "$3.99千万", True),  # a quote's short selling
    ("管理规模（根据今年半年报数据统计）超百亿元的基金共有36只", "百亿元", True),  # the aside is no word of the clause
    ("2018年，该公司净利润达1.28亿元，2019年第一季度这一数字为4782.4万。", "4782.4万", True),  # the same measure
    ("公司拟投资5亿元建设一期项目，二期这一数字为8亿元。", "8亿元", False),  # the same measure, but a project's
    ("去年公司营收增长20%，该数字化工厂项目总投资50亿元。", "50亿元", False),  # 数字化 is no 这一数字
    ("同期开工的二期项目总投资20亿元。", "20亿元", False),  # 同期 = at the same time
    ("去年末开工的锂电池项目总投资30亿元。", "30亿元", False),  # 去年末 starts the clause, not ends it
    ("中国核电拟增持三门核电股权，增持金额12亿元。", "12亿元", False),  # a stake: an acquisition's figure
    ("公司拟以净资产作价出资2亿元设立项目公司。", "2亿元", False),
    ("归属于上市公司股东的净资产为623,977,262.84元。", "623,977,262.84元", True),
    # a company or fund set up in the deal: its capital or size is the deal's figure (role other); a profile's is not
    ("双方将成立合资公司，注册资本10亿元。", "10亿元", False),
    ("公司拟设立产业基金，基金规模100亿元。", "100亿元", False),
    ("深创投1999年由深圳市政府出资设立，现注册资本54.2亿元。", "54.2亿元", True),
    ("A公司成立于2010年，注册资本1亿元。", "1亿元", True),
    ("已落地项目29个，预计2023年整个产业园产值将突破100亿元。", "100亿元", True),  # a park's output
    ("该项目达产后，预计年产值10亿元。", "10亿元", False),  # a project's output stays
    ("该产业园项目总投资50亿元，达产后产业园产值可达150亿元。", "150亿元", False),  # the park is the project
    # a buyback or a pledge of shares (fresh4); a BT project the government buys back is a project
    ("公司拟以集中竞价方式回购公司股份，回购金额不低于5亿元，不超过10亿元。", "10亿元", True),
    ("控股股东将其持有的公司股份质押给银行，融资26,769万元。", "26,769万元", True),
    ("项目采用BT模式，建成后由政府回购，总投资10亿元。", "10亿元", False),
    ("截至7月末累计回购247.83万股 涉资2674.41万元", "2674.41万元", True),
    ("公司拟出资不低于5亿元、不超过10亿元回购公司股份，回购价格不超过20元", "5亿元", True),  # the buyback after the figure
    ("公司拟投资10亿元建设项目，并回购部分设备", "10亿元", False),
    ("拟为4家控股子公司新增担保额度80亿元", "80亿元", True),  # a guarantee quota
    # a stock's turnover; a thousands separator is no clause break (the list's words hold for each figure)
    ("大族激光跌9.02%，报26.02元，成交11.13亿，市值蒸发27.5亿", "11.13亿", True),
    ("公司以成交价5.2亿元竞得地块", "5.2亿元", False),
    ("分别实现归母净利润1,818.28万元、6,100.26万元、5,931.02万元。", "6,100.26万元", True),
    ("分别实现归母净利润1，818.28万元、5，931.02万元。", "5，931.02万元", True),
])
def test_more_background_amounts(text, amount, background):
    i = text.find(amount)
    assert is_background_amount(text, {"start": i, "end": i + len(amount), "text": amount}) == background


# ---------------------------------------------------------------------------------------------
# The whole-article gold (data/articles): readable, consistent, and never trained on where it scores

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from ner.data.corpora import default_data_dir, read_referenced  # noqa: E402
from ner.records.evaluate import read_referenced_records  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WHOLE = REPO / "data" / "articles" / "whole_articles.refs.jsonl"


@pytest.mark.skipif(not (default_data_dir() / "news_articles").exists(), reason="../shared/data absent")
def test_whole_article_gold_resolves_and_records_point_at_its_entities():
    articles = {a.id: a for a in read_referenced(WHOLE)}
    records = read_referenced_records(WHOLE)
    assert set(articles) == set(records) and len(articles) >= 53
    for doc_id, recs in records.items():
        ents = {(e.start, e.end, e.label) for e in articles[doc_id].entities}
        for r in recs:
            for key, label in (("companies", "COMPANY"), ("regions", "REGION"), ("amounts", "AMOUNT"), ("capacities", "CAPACITY")):
                for m in r[key]:
                    assert (m["start"], m["end"], label) in ents, (doc_id, m)


def test_no_config_trains_on_whole_article_dev_or_test():
    for cfg in (REPO / "configs").glob("*.yaml"):
        corpora = (yaml.safe_load(cfg.read_text(encoding="utf-8")).get("data") or {}).get("corpora") or []
        for c in corpora:
            if c.get("name") == "referenced" and "articles" in str(c.get("path", "")):
                # dev and test are scored, never trained on ("all" or no split would take them too)
                assert c.get("split") not in ("dev", "test", "all", None), (cfg.name, c)


def test_the_default_trains_on_whole_news_pages_only():
    """The default trains on the whole-article gold's news_train part: news pages, no DuEE-fin document (its
    licence is non-commercial research only) and none of the parts scored as development or test data."""
    import json

    cfg = yaml.safe_load((REPO / "configs" / "default.yaml").read_text(encoding="utf-8"))
    parts = {c["split"] for c in cfg["data"]["corpora"] if c["name"] == "referenced" and "articles" in c["path"]}
    assert parts == {"news_train"}
    rows = [json.loads(line) for line in WHOLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    trained = [r for r in rows if r["part"] in parts]
    assert len(trained) == 8 and {r["corpus"] for r in trained} == {"news_articles"}


def test_a_nations_market_figure_is_no_record():
    text = "2020年中国大陆半导体设备销售额达187亿美元，居全球首位。"
    ents = spans(text, ("REGION", "中国"), ("AMOUNT", "187亿美元"))
    assert build_records(text, ents) == []
    assert build_records(text, ents, whole_article=False) != []


def test_a_record_without_a_place_takes_the_stated_site_and_its_parents():
    text = "杭州园林收到中标通知书，合同预估价约2.56亿元。\n建设地点：淮北市杜集区朔西湖\n工程依据安徽省现行规范。"
    ents = spans(text, ("COMPANY", "杭州园林"), ("AMOUNT", "2.56亿元"), ("REGION", "淮北市杜集区"), ("REGION", "安徽省"))
    [rec] = build_records(text, ents)
    assert texts(rec["regions"]) == ["淮北市杜集区", "安徽省"]
    assert "stated site: 淮北市杜集区" in rec["links"]


def test_an_unnamed_figure_of_the_same_company_joins_its_named_project():
    text = ("川恒股份拟在福泉市投建矿化一体新能源材料循环产业项目，总投资100亿元。\n"
            "川恒股份表示，二期投资约85亿元。")
    ents = spans(text, ("COMPANY", "川恒股份"), ("REGION", "福泉市"), ("AMOUNT", "100亿元"), ("COMPANY", "川恒股份"),
                 ("AMOUNT", "85亿元"))
    [rec] = build_records(text, ents)
    assert texts(rec["amounts"]) == ["100亿元", "85亿元"]
    assert texts(rec["regions"]) == ["福泉市"]


def test_a_short_name_the_article_defines_is_the_same_company():
    text = ("钧达股份再投4.98亿\n\n海南钧达汽车饰件股份有限公司（以下简称“钧达股份”）发布公告。"
            "钧达股份拟投资4.98亿元建设安徽高效电池片基地项目。")
    ents = spans(text, ("COMPANY", "钧达股份"), ("AMOUNT", "4.98亿"), ("COMPANY", "海南钧达汽车饰件股份有限公司"),
                 ("COMPANY", "钧达股份"), ("COMPANY", "钧达股份"), ("AMOUNT", "4.98亿元"), ("REGION", "安徽"))
    assert not company_alias("钧达股份", "海南钧达汽车饰件股份有限公司")  # by form alone they are not
    assert defined_aliases(text, ents) == {"海南钧达汽车饰件股份有限公司": {"钧达股份"}, "钧达股份": {"海南钧达汽车饰件股份有限公司"}}
    [rec] = build_records(text, ents)
    assert "海南钧达汽车饰件股份有限公司" in texts(rec["companies"])
    assert any(link.startswith("company aliases") and "海南钧达" in link for link in rec["links"])
    plain = text.replace("（以下简称“钧达股份”）", "")  # no definition: the full name stays out
    recs = build_records(plain, spans(plain, ("COMPANY", "钧达股份"), ("AMOUNT", "4.98亿"),
                                      ("COMPANY", "海南钧达汽车饰件股份有限公司"), ("COMPANY", "钧达股份"),
                                      ("AMOUNT", "4.98亿元"), ("REGION", "安徽")))
    assert recs and all("海南钧达汽车饰件股份有限公司" not in texts(r["companies"]) for r in recs)


def test_a_consortium_and_the_company_its_members_set_up_join_the_record():
    text = ("龙建股份中标10.95亿元项目\n\n龙建股份与建投集团、水利集团组成的联合体收到采购代理机构德汇工程管理有限公司发来的中标通知书。"
            "龙建股份拟与建投集团共同出资设立七台河桃山湖建设有限公司。")
    ents = spans(text, ("COMPANY", "龙建股份"), ("AMOUNT", "10.95亿元"), ("COMPANY", "龙建股份"), ("COMPANY", "建投集团"),
                 ("COMPANY", "水利集团"), ("COMPANY", "德汇工程管理有限公司"), ("COMPANY", "龙建股份"), ("COMPANY", "建投集团"),
                 ("COMPANY", "七台河桃山湖建设有限公司"))
    [rec] = build_records(text, ents)
    assert sorted(set(texts(rec["companies"]))) == ["七台河桃山湖建设有限公司", "建投集团", "水利集团", "龙建股份"]
    assert any(link.startswith("partners: ") for link in rec["links"])  # the agent that sends the notice is no party


def test_a_subsidiarys_record_of_the_same_capacity_is_the_parents_project():
    text = ("钧达股份电池项目建设提速\n\n公告显示，公司控股子公司捷泰科技将加快安徽16GW电池片基地项目的建设。\n"
            "2021年底，钧达股份宣布投资约112亿元建设16GW电池片项目。")
    ents = spans(text, ("COMPANY", "钧达股份"), ("COMPANY", "捷泰科技"), ("REGION", "安徽"), ("CAPACITY", "16GW"), ("COMPANY", "钧达股份"),
                 ("AMOUNT", "112亿元"), ("CAPACITY", "16GW"))
    [rec] = build_records(text, ents)
    assert sorted(set(texts(rec["companies"]))) == ["捷泰科技", "钧达股份"] and texts(rec["amounts"]) == ["112亿元"]
    assert any(link.startswith("merged, a subsidiary's") for link in rec["links"])
    plain = text.replace("公司控股子公司", "")  # no subsidiary stated: not merged for it
    assert not any(link.startswith("merged, a subsidiary's") for r in build_records(plain, spans(
        plain, *((e.label, e.text) for e in ents))) for link in r.get("links", []))


def test_the_headline_company_joins_its_own_records_only():
    text = ("东方雨虹拟投建非织造布项目\n\n"
            "东方雨虹公告，公司拟在常德投资约16亿元，建设非织造布项目。\n"
            "另据公告，今天国际中标镇海炼化仓库项目，中标金额8556万元。")
    ents = spans(text, ("COMPANY", "东方雨虹"), ("COMPANY", "东方雨虹"), ("REGION", "常德"), ("AMOUNT", "16亿元"),
                 ("COMPANY", "今天国际"), ("COMPANY", "镇海炼化"), ("AMOUNT", "8556万元"))
    recs = {r["amounts"][0]["text"]: r for r in build_records(text, ents)}
    assert "东方雨虹" in texts(recs["16亿元"]["companies"])  # 公司拟…: the company the headline is about
    assert "东方雨虹" not in texts(recs["8556万元"]["companies"])  # another company's deal
    assert not any(link.startswith("headline company") for link in recs["8556万元"].get("links", []))


def test_bare_company_word_is_the_paragraphs_company_where_its_sentence_names_none():
    text = ("万东医疗累计回购247.83万股\n\n"
            "8月1日消息，大族激光陷入风口浪尖，其董事长怒怼记者“你是个什么角色？”而近期，公司被爆出其豪掷6.7亿的欧洲研发中心竟是个酒店。")
    ents = spans(text, ("COMPANY", "万东医疗"), ("COMPANY", "大族激光"), ("AMOUNT", "6.7亿"))
    [rec] = build_records(text, ents)
    assert texts(rec["companies"]) == ["大族激光"]  # 公司 here is 大族激光, named last in its paragraph
    own = text.replace("8月1日消息，大族激光陷入风口浪尖", "8月1日消息，大族激光与万东医疗签约，万东医疗陷入风口浪尖")
    ents = spans(own, ("COMPANY", "万东医疗"), ("COMPANY", "大族激光"), ("COMPANY", "万东医疗"), ("COMPANY", "万东医疗"),
                 ("AMOUNT", "6.7亿"))
    [rec] = build_records(own, ents)
    assert "万东医疗" in texts(rec["companies"])  # the paragraph's last company is the headline's: it stays


def test_each_item_of_a_list_of_investments_is_its_own_project():
    text = ("重点项目推进\n\n总投资100亿元的道氏技术年产10万吨动力电池材料三元前驱体、总投资150亿元的莱宝高科第8.6代新型"
            "半导体显示器件等在谈项目推进签约。")
    ents = spans(text, ("AMOUNT", "100亿元"), ("COMPANY", "道氏技术"), ("CAPACITY", "10万吨"), ("AMOUNT", "150亿元"),
                 ("COMPANY", "莱宝高科"))
    got = sorted((texts(r["companies"]), texts(r["amounts"]), texts(r["capacities"])) for r in build_records(text, ents))
    assert got == [(["莱宝高科"], ["150亿元"], []), (["道氏技术"], ["100亿元"], ["10万吨"])]
    text = "湖南德赛电池项目签约\n\n湖南德赛电池储能电芯项目一期投资30亿元、总投资75亿元，规划产能20GWh。"
    ents = spans(text, ("COMPANY", "湖南德赛电池"), ("AMOUNT", "30亿元"), ("AMOUNT", "75亿元"), ("CAPACITY", "20GWh"))
    [rec] = build_records(text, ents)  # a phase and the whole: one project
    assert texts(rec["amounts"]) == ["30亿元", "75亿元"]


def test_a_byline_is_no_opening_sentence_and_a_roundup_has_no_protagonist():
    from ner.records.parties import protagonists

    text = ("来源 :电车汇2023-11-06\n亿纬锂能8月4日晚间公告，公司拟在荆门投资新建年产30GWh动力储能电池项目。\n"
            "项目总投资100亿元。")
    ents = spans(text, ("COMPANY", "电车汇"), ("COMPANY", "亿纬锂能"), ("REGION", "荆门"), ("CAPACITY", "30GWh"),
                 ("AMOUNT", "100亿元"))
    assert [s.text for s in protagonists(text, ents)] == ["亿纬锂能"]  # the prose's first sentence, not the byline's
    text = ("来源 :电车汇2023-11-06\n11月5日晚，无锡惠山区掀起重大项目“秋季攻势”：总投资130亿元的中能瑞新储能电池产业"
            "项目、总投资70亿元的新能源产业园项目、总投资320亿元的钱桥绿色航运产业园区项目同步签约。\n据悉，此前已促成51个项目"
            "落地签约。")
    ents = spans(text, ("COMPANY", "电车汇"), ("REGION", "无锡惠山区"), ("AMOUNT", "130亿元"), ("COMPANY", "中能瑞新"),
                 ("AMOUNT", "70亿元"), ("AMOUNT", "320亿元"))
    assert protagonists(text, ents) == []  # two projects in the opening sentence: a roundup
    by_amount = {r["amounts"][0]["text"]: r for r in build_records(text, ents) if r["amounts"]}
    assert texts(by_amount["70亿元"]["companies"]) == []  # not 中能瑞新's


def test_the_signing_parties_join_the_project_signed():
    text = ("阿拉善储能项目签约\n\n9月13日，阿拉善储能及产业链装备制造示范项目招商合作签约仪式在阿拉善高新区举行。参与签约的单位"
            "包括内蒙古阿拉善能源有限责任公司、湖南邦锦能源科技有限公司等。\n据悉，阿拉善储能及产业链装备制造示范项目投资40亿元。")
    ents = spans(text, ("REGION", "阿拉善"), ("REGION", "阿拉善高新区"), ("COMPANY", "内蒙古阿拉善能源有限责任公司"),
                 ("COMPANY", "湖南邦锦能源科技有限公司"), ("REGION", "阿拉善"), ("AMOUNT", "40亿元"))
    [rec] = build_records(text, ents)
    assert texts(rec["companies"]) == ["内蒙古阿拉善能源有限责任公司", "湖南邦锦能源科技有限公司"]
    assert any(link.startswith("signing party") for link in rec["links"])
    unnamed = text.replace("阿拉善储能及产业链装备制造示范项目招商合作", "")  # no project named before them: no record's
    assert all(not any(link.startswith("signing party") for link in r.get("links", []))
               for r in build_records(unnamed, spans(unnamed, ("COMPANY", "内蒙古阿拉善能源有限责任公司"),
                                                     ("COMPANY", "湖南邦锦能源科技有限公司"), ("AMOUNT", "40亿元"))))


def test_a_chief_engineer_is_no_project():
    from ner.records.text import find_project_names

    text = "中润集团副总裁兼总工程师丰平出席开工仪式，中国工程院院士致辞。该项目总投资105亿元。"
    assert find_project_names(text, spans(text, ("COMPANY", "中润集团"), ("AMOUNT", "105亿元"))) == []


def test_two_projects_joined_by_yu_or_he_are_two_names():
    from ner.records.text import find_project_names

    text = "其中，蚌山半导体科技园项目与海勤科技制造基地一期项目在当天奠基。"
    names = [n.text for n in find_project_names(text, spans(text, ("REGION", "蚌山"), ("COMPANY", "海勤")))]
    assert names == ["蚌山半导体科技园项目", "海勤科技制造基地一期项目"]
    text = "三一能源装备产业园与区域研发中心项目竣工。"  # a park and a centre: one project
    names = [n.text for n in find_project_names(text, spans(text, ("COMPANY", "三一")))]
    assert names == ["三一能源装备产业园与区域研发中心项目"]


def test_prose_that_opens_like_a_byline_is_the_opening_sentence():
    from ner.records.parties import protagonists

    for opening in ("本报讯（记者 王磊）近日，", "2023年5月10日，"):
        text = (opening + "亿纬锂能发布公告，拟在荆门投资100亿元建设储能电池项目。预计2025年建成投产。\n"
                "业内人士表示，国轩高科、欣旺达等企业也在加速布局储能赛道。")
        ents = spans(text, ("COMPANY", "亿纬锂能"), ("REGION", "荆门"), ("AMOUNT", "100亿元"), ("COMPANY", "国轩高科"),
                     ("COMPANY", "欣旺达"))
        assert [s.text for s in protagonists(text, ents)] == ["亿纬锂能"], opening
    text = ("亿纬锂能8月4日晚间公告，与荆门高新区管委会签订了战略投资协议，拟投资建设荆门储能电池项目及成都动力电池项目，"
            "合计投资100亿元。\n项目将分期建设。")
    ents = spans(text, ("COMPANY", "亿纬锂能"), ("REGION", "荆门高新区"), ("REGION", "荆门"), ("REGION", "成都"),
                 ("AMOUNT", "100亿元"))
    assert [s.text for s in protagonists(text, ents)] == ["亿纬锂能"]  # its own two projects: no roundup


def test_a_phase_and_the_total_are_no_list_of_investments():
    for clause in ("注册资本5亿元、总投资100亿元", "一期投资30亿元、总投资80亿元", "预计年产值300亿元、总投资140亿元"):
        text = f"湖南德赛电池项目签约\n\n湖南德赛电池储能电芯项目{clause}。"
        figures = [x for x in ("5亿元", "100亿元", "30亿元", "80亿元", "300亿元", "140亿元") if x in clause]
        ents = spans(text, ("COMPANY", "湖南德赛电池"), ("COMPANY", "湖南德赛电池"), *(("AMOUNT", f) for f in figures))
        sentence_level = build_records(text, ents, whole_article=False)
        assert [texts(r["amounts"]) for r in sentence_level if r["amounts"]] == [figures], clause  # not cut


def test_signing_parties_stop_at_their_list_and_need_one_project():
    text = ("项目签约\n\n阿拉善储能示范项目签约仪式举行。签约企业为天宜锂业和宁德时代，英飞凌科技、华为等企业代表出席仪式。"
            "阿拉善储能示范项目投资40亿元。")
    ents = spans(text, ("REGION", "阿拉善"), ("COMPANY", "天宜锂业"), ("COMPANY", "宁德时代"), ("COMPANY", "英飞凌科技"),
                 ("COMPANY", "华为"), ("REGION", "阿拉善"), ("AMOUNT", "40亿元"))
    [rec] = build_records(text, ents)
    assert texts(rec["companies"]) == ["天宜锂业", "宁德时代"]
    text = ("项目签约\n\n宜宾三江新区锂电池材料项目在宜宾三江新区签约，总投资30亿元；总投资20亿元的宜宾汽车配套项目同步签约。"
            "参与签约的企业包括天宜锂业、凯翼汽车等。")
    ents = spans(text, ("REGION", "宜宾三江新区"), ("REGION", "宜宾三江新区"), ("AMOUNT", "30亿元"), ("AMOUNT", "20亿元"),
                 ("REGION", "宜宾"), ("COMPANY", "天宜锂业"), ("COMPANY", "凯翼汽车"))
    assert all(not r["companies"] for r in build_records(text, ents))  # two projects before them: whose is not said


def test_the_client_of_a_bid_joins_and_a_tender_agent_does_not():
    text = ("雅百特中标淮海国际博览中心金属屋面工程\n\n"
            "雅百特收到上海建工五建集团有限公司送达的《工作联系函》，确认雅百特为中标人。\n"
            "招标代理单位福建卓知项目投资顾问有限公司发出通知。中标价：暂估价6,085万元。")
    ents = spans(text, ("COMPANY", "雅百特"), ("COMPANY", "雅百特"), ("COMPANY", "上海建工五建集团有限公司"),
                 ("COMPANY", "雅百特"), ("COMPANY", "福建卓知项目投资顾问有限公司"), ("AMOUNT", "6,085万元"))
    assert [s.text for s in clients(text, ents)] == ["上海建工五建集团有限公司"]
    [rec] = build_records(text, ents)
    assert "上海建工五建集团有限公司" in texts(rec["companies"])
    assert "client: 上海建工五建集团有限公司" in rec["links"]
    assert "福建卓知项目投资顾问有限公司" not in texts(rec["companies"])
    assert is_agent("由三峡国际招标有限责任公司发出", {"start": 1, "end": 13, "text": "三峡国际招标有限责任公司"})
    text = "投资方为知春资本（领投）、华兴资本（财务顾问）。"
    lead, adviser = text.find("知春资本"), text.find("华兴资本")
    assert not is_agent(text, {"start": lead, "end": lead + 4, "text": "知春资本"})  # the next party's role is not its own
    assert is_agent(text, {"start": adviser, "end": adviser + 4, "text": "华兴资本"})


def test_a_record_with_only_a_wider_place_takes_the_stated_site():
    text = ("杭州园林收到中标通知书。\n建设地点：淮北市杜集区朔西湖\n"
            "工程施工费依据安徽省现行规范计算，合同预估价约25,592万元。")
    ents = spans(text, ("COMPANY", "杭州园林"), ("REGION", "淮北市杜集区"), ("REGION", "安徽省"), ("AMOUNT", "25,592万元"))
    [rec] = build_records(text, ents)
    assert texts(rec["regions"]) == ["淮北市杜集区", "安徽省"]
    assert "stated site: 淮北市杜集区" in rec["links"]


DIGEST = ("午间公告|万里马控股股东减持\n\n"
          "【旺能环境6800万元收购苏州华益洁股权】旺能环境公告称，公司同意以6800万元收购苏州华益洁100%股权。"
          "【今天国际中标镇海炼化仓库项目 金额8556万元】今天国际公告，公司为镇海炼化镇海基地一期项目中标单位，中标金额为8556万元。"
          "此外，公司在江西中烟南昌卷烟厂技术改造项目中成为第一中标候选人。相关项目投标价格为人民币9260万元。")


def test_a_digests_items_have_their_own_subjects_and_a_back_reference_the_nearest_project():
    ents = spans(DIGEST, ("COMPANY", "万里马"), ("COMPANY", "旺能环境"), ("AMOUNT", "6800万元"), ("COMPANY", "苏州华益洁"),
                 ("COMPANY", "旺能环境"), ("AMOUNT", "6800万元"), ("COMPANY", "苏州华益洁"), ("COMPANY", "今天国际"),
                 ("COMPANY", "镇海炼化"), ("AMOUNT", "8556万元"), ("COMPANY", "今天国际"), ("COMPANY", "镇海炼化"),
                 ("AMOUNT", "8556万元"), ("COMPANY", "江西中烟南昌卷烟厂"), ("AMOUNT", "9260万元"))
    recs = {r["amounts"][-1]["text"]: r for r in build_records(DIGEST, ents)}
    assert sorted(recs) == ["6800万元", "8556万元", "9260万元"]
    assert "万里马" not in {m["text"] for r in recs.values() for m in r["companies"]}  # the headline's item has no figure
    last = recs["9260万元"]
    assert last["project"] == "江西中烟南昌卷烟厂技术改造项目"
    assert sorted(set(texts(last["companies"]))) == ["今天国际", "江西中烟南昌卷烟厂"]
    assert "project named before: 江西中烟南昌卷烟厂技术改造项目" in last["links"]
    assert "companies of the project's sentence: 江西中烟南昌卷烟厂" in last["links"]
    assert "section title company: 今天国际" in last["links"]


def test_the_sellers_of_an_acquisition_are_left_out():
    text = ("旺能环境6800万元收购苏州华益洁\n\n子公司旺能生态以6800万元收购苏州华锋环保技术有限公司（简称“华锋环保”）、"
            "中科元和合计持有的苏州华益洁100%股权。华锋环保成立于2010年。")
    ents = spans(text, ("COMPANY", "旺能环境"), ("AMOUNT", "6800万元"), ("COMPANY", "苏州华益洁"), ("COMPANY", "旺能生态"),
                 ("AMOUNT", "6800万元"), ("COMPANY", "苏州华锋环保技术有限公司"), ("COMPANY", "华锋环保"),
                 ("COMPANY", "中科元和"), ("COMPANY", "苏州华益洁"), ("COMPANY", "华锋环保"))
    assert sellers(text, ents) == {"苏州华锋环保技术有限公司", "华锋环保", "中科元和"}
    [rec] = build_records(text, ents)
    assert sorted(set(texts(rec["companies"]))) == ["旺能环境", "旺能生态", "苏州华益洁"]  # buyer and target
    assert any(link.startswith("sellers left out: ") for link in rec["links"])


def test_the_project_companys_figures_are_the_projects():
    text = ("龙建股份中标桃山湖PPP项目\n\n桃山湖项目位于七台河市，项目总投资10.95亿元。\n"
            "项目公司的注册资本金为21,901.51万元，其中政府方出资代表为七台河城投公司，出资10,731.74万元，占项目公司49%股权。")
    ents = spans(text, ("COMPANY", "龙建股份"), ("REGION", "七台河市"), ("AMOUNT", "10.95亿元"), ("AMOUNT", "21,901.51万元"),
                 ("COMPANY", "七台河城投公司"), ("AMOUNT", "10,731.74万元"))
    [rec] = build_records(text, ents)
    assert texts(rec["amounts"]) == ["10.95亿元", "21,901.51万元", "10,731.74万元"]
    assert sorted(set(texts(rec["companies"]))) == ["七台河城投公司", "龙建股份"]
    assert any(link.startswith("the project company's") for link in rec["links"])


def test_the_company_a_sentence_says_is_the_one_it_named_last():
    text = "海马汽车收获首个涨停\n\n据宝丰预计，公司100兆瓦项目的氢气成本约为15元/kg。"
    ents = spans(text, ("COMPANY", "海马汽车"), ("COMPANY", "宝丰"), ("CAPACITY", "100兆瓦"))
    [rec] = build_records(text, ents)
    assert texts(rec["companies"]) == ["宝丰"]  # 公司 is 宝丰, not the headline's 海马汽车


def test_a_later_paragraphs_back_reference_is_the_project_that_paragraph_describes():
    text = ("储能电站落户广东\n\n上述项目建成后，能够为阳西县730万千瓦海上风电项目提供配套服务。\n"
            "汇宁时代完成了与中广核售电合作投资的“江门（台山）储能电站”项目备案。项目规模为1.3GW，总投资约60亿元。")
    ents = spans(text, ("REGION", "广东"), ("REGION", "阳西县"), ("CAPACITY", "730万千瓦"), ("COMPANY", "汇宁时代"),
                 ("COMPANY", "中广核售电"), ("REGION", "江门"), ("REGION", "台山"), ("CAPACITY", "1.3GW"), ("AMOUNT", "60亿元"))
    sentence_level = build_records(text, ents, whole_article=False)
    assert any(texts(r["capacities"]) == ["730万千瓦", "1.3GW"] for r in sentence_level)  # the back reference took the last record
    recs = {r["capacities"][0]["text"]: r for r in build_records(text, ents)}
    assert texts(recs["730万千瓦"]["amounts"]) == [] and texts(recs["730万千瓦"]["capacities"]) == ["730万千瓦"]
    later = recs["1.3GW"]
    assert texts(later["amounts"]) == ["60亿元"]
    assert sorted(set(texts(later["companies"]))) == ["中广核售电", "汇宁时代"]
    assert {"江门", "台山"} <= set(texts(later["regions"]))
    assert any(link.startswith("a later paragraph's project") for link in later["links"])


def test_a_headline_records_short_project_name_is_the_bodys_project():
    text = ("110亿后再投4.98亿，钧达股份电池项目建设提速\n\n"
            "钧达股份称，增资是为了加快安徽16GW高效太阳能电池片基地项目的建设。")
    ents = spans(text, ("AMOUNT", "110亿"), ("AMOUNT", "4.98亿"), ("COMPANY", "钧达股份"), ("COMPANY", "钧达股份"),
                 ("REGION", "安徽"), ("CAPACITY", "16GW"))
    [rec] = build_records(text, ents)
    assert rec["project"] == "安徽16GW高效太阳能电池片基地项目"
    assert texts(rec["amounts"]) == ["110亿", "4.98亿"] and texts(rec["regions"]) == ["安徽"]


def test_without_named_projects_a_bare_figure_joins_the_one_sited_record_of_its_companies():
    text = ("中天科技收到中标通知书 中标金额约15.11亿元\n\n"
            "中天科技中标三峡新能源江苏如东800MW海上风电直流电缆采购及敷设。\n中标金额：约15.11亿元")
    ents = spans(text, ("COMPANY", "中天科技"), ("AMOUNT", "15.11亿元"), ("COMPANY", "中天科技"), ("COMPANY", "三峡新能源"),
                 ("REGION", "江苏如东"), ("CAPACITY", "800MW"), ("AMOUNT", "15.11亿元"))
    [rec] = build_records(text, ents)
    assert texts(rec["capacities"]) == ["800MW"] and texts(rec["regions"]) == ["江苏如东"]
    assert set(texts(rec["amounts"])) == {"15.11亿元"} and "三峡新能源" in texts(rec["companies"])


@pytest.mark.parametrize("text, capacity, background", [
    ("截至2019年中报，富春环保已有发电装机容量292.5MW，供热能力2820蒸吨/时。", "2820蒸吨/时", True),
    ("上述项目建成投产后公司热电产能将接近6000蒸吨/小时。", "6000蒸吨/小时", True),
    ("其中台州临港项目已建成投产，供热能力450蒸吨/小时。", "450蒸吨/小时", False),
    ("力争到2025年，全区在建、在运光伏装机容量翻两番，达到450万千瓦。", "450万千瓦", True),  # a sector's target
    ("到2025年，该基地产能将达到20GWh。", "20GWh", False),  # a plant's
    ("宁德时代在宜宾投建动力电池基地。到2025年，产能将达到30GWh。", "30GWh", False),  # no area or sector named
    ("到2025年，该风电场装机容量将达到100万千瓦。", "100万千瓦", False),
    ("该厂到2025年产能将突破50万吨。", "50万吨", False),
    ("中润光能集团已形成电池片产能19GW，组件产能4.5GW。", "4.5GW", True),  # a group's existing capacity
    ("正泰如今已拥有超过5.4GW电站装机容量。", "5.4GW", True),
    ("目前，该项目已具备开工条件，建成后将形成年产20GWh动力电池的生产能力。", "20GWh", False),
    ("宁德时代已拥有多项核心专利，此次拟在宜宾投资100亿元建设年产30GWh动力电池项目。", "30GWh", False),
    ("该项目建成投产后，最终将形成超过40GW高效太阳能电池片的生产规模。", "40GW", False),
])
def test_a_companys_total_or_a_sectors_target_capacity_is_background(text, capacity, background):
    i = text.find(capacity)
    assert is_background_capacity(text, {"start": i, "end": i + len(capacity), "text": capacity}) == background


def test_a_figure_given_as_history_is_an_earlier_projects_record():
    text = ("自9月初中标6.5亿项目后 龙建股份再中标10.95亿项目\n\n"
            "龙建股份与建投集团组成的联合体中标桃山湖PPP项目。\n建设地点：七台河市\n项目总投资10.95亿元。")
    ents = spans(text, ("AMOUNT", "6.5亿"), ("COMPANY", "龙建股份"), ("AMOUNT", "10.95亿"), ("COMPANY", "龙建股份"),
                 ("COMPANY", "建投集团"), ("REGION", "七台河市"), ("AMOUNT", "10.95亿元"))
    recs = {r["amounts"][0]["text"]: r for r in build_records(text, ents)}
    assert sorted(recs) == ["10.95亿", "6.5亿"]
    assert texts(recs["6.5亿"]["amounts"]) == ["6.5亿"]
    assert texts(recs["6.5亿"]["companies"]) == ["龙建股份", "龙建股份"] and recs["6.5亿"]["regions"] == []
    assert "建投集团" in texts(recs["10.95亿"]["companies"]) and texts(recs["10.95亿"]["regions"]) == ["七台河市"]



def test_a_place_in_the_project_name_is_its_site_and_its_short_form_joins():
    yunnan = "公司与21家单位作为联合体，被确定为“云南省重大传染病救治能力提升工程”的第一中标候选人。该项目总投资估算80.14亿元。"
    [rec] = build_records(yunnan, spans(yunnan, ("REGION", "云南省"), ("AMOUNT", "80.14亿元")))
    assert texts(rec["regions"]) == ["云南省"] and "place in the project name: 云南省" in rec["links"]
    guangzhou = "今日，阿波罗智行中标“广州市黄埔区广州开发区智慧交通项目”，项目金额4.6亿元，有望推动广州开发区建设。"
    ents = spans(guangzhou, ("COMPANY", "阿波罗智行"), ("REGION", "广州市黄埔区广州开发区"), ("AMOUNT", "4.6亿元"),
                 ("REGION", "广州开发区"))
    [rec] = build_records(guangzhou, ents)
    assert texts(rec["regions"]) == ["广州市黄埔区广州开发区", "广州开发区"]  # the site said short is the site
    stated = "华为签约“长三角数据中心项目”，总投资30亿元。项目位于芜湖市。"
    [rec] = build_records(stated, spans(stated, ("COMPANY", "华为"), ("REGION", "长三角"), ("AMOUNT", "30亿元"),
                                        ("REGION", "芜湖市")))
    assert texts(rec["regions"]) == ["芜湖市"]  # the stated site; a macro region in the name is a market


def test_a_bids_fee_is_its_figure_and_a_companys_expenses_are_not():
    bid = "经评审，豪尔赛与苏州规划设计研究院作为联合体为上述项目的预中标单位，中标费用总计人民币10496.07万元。"
    [rec] = build_records(bid, spans(bid, ("COMPANY", "豪尔赛"), ("COMPANY", "苏州规划设计研究院"), ("AMOUNT", "10496.07万元")))
    assert texts(rec["amounts"]) == ["10496.07万元"]
    m = {"start": 0, "end": 0, "value": 3e8}
    costs = "公司2019年研发费用为3亿元。"
    assert is_background_amount(costs, {**m, "start": costs.find("3亿元"), "end": costs.find("3亿元") + 3})


ROUND = ("海通证券领投柏睿数据2亿融资\n\n"
         "柏睿数据完成了新一轮约2亿元人民币C轮融资。本轮融资由海通证券旗下南方融合基金与盛石资本旗下长三角产业创新基金联合领投，"
         "东方嘉富追加投资。今年6月，柏睿数据曾宣布融资7000万元，由方源资本（FountainVest Partners）领投。"
         "柏睿数据寻求约20亿元的估值。")
ROUND_ENTS = (("COMPANY", "海通证券"), ("COMPANY", "柏睿数据"), ("AMOUNT", "2亿"), ("COMPANY", "柏睿数据"),
              ("AMOUNT", "2亿元"), ("COMPANY", "海通证券"), ("COMPANY", "南方融合基金"), ("COMPANY", "盛石资本"),
              ("COMPANY", "长三角产业创新基金"), ("COMPANY", "东方嘉富"), ("COMPANY", "柏睿数据"), ("AMOUNT", "7000万元"),
              ("COMPANY", "方源资本"), ("COMPANY", "FountainVest Partners"), ("COMPANY", "柏睿数据"), ("AMOUNT", "20亿元"))


def test_a_rounds_investors_join_its_record_and_a_valuation_is_no_figure():
    """Investors named in the sentence before 领投/追加投资 join the round they fund: the one whose figure
    the sentence states (7000万元), else the nearest record of the sentence's or the headline's company
    (2亿元); another name in brackets is an alias (方源资本（FountainVest Partners）); 的估值 is no figure."""
    recs = build_records(ROUND, spans(ROUND, *ROUND_ENTS))
    by_amount = {a["text"]: r for r in recs for a in r["amounts"]}
    assert set(by_amount) == {"2亿", "2亿元", "7000万元"}  # the valuation is in no record
    now, june = by_amount["2亿元"], by_amount["7000万元"]
    assert set(texts(now["companies"])) == {"海通证券", "柏睿数据", "南方融合基金", "盛石资本", "长三角产业创新基金", "东方嘉富"}
    assert any(link.startswith("investors: ") for link in now["links"])
    assert set(texts(june["companies"])) == {"柏睿数据", "方源资本", "FountainVest Partners"}
    assert defined_aliases(ROUND, spans(ROUND, *ROUND_ENTS))["方源资本"] == {"FountainVest Partners"}


ROUNDUP = ("霍尼韦尔任命新总裁；ABB收购上海联桩\n"
          "力拓启动1000万美元的试点项目。该公司已拨出1000万美元，用于建设一个年产10吨碳酸锂的试点工厂。")


def test_this_company_is_the_one_named_last_not_the_headlines():
    """该公司 refers to the company named last in its paragraph (力拓), so the headline's companies stay out."""
    ents = spans(ROUNDUP, ("COMPANY", "霍尼韦尔"), ("COMPANY", "ABB"), ("COMPANY", "上海联桩"), ("COMPANY", "力拓"),
                 ("AMOUNT", "1000万美元"), ("AMOUNT", "1000万美元"), ("CAPACITY", "10吨"))
    [rec] = build_records(ROUNDUP, ents)
    assert set(texts(rec["companies"])) == {"力拓"}


def test_a_parent_in_brackets_is_no_alias_and_a_past_or_generic_round_joins_no_project():
    """Only a Latin name in brackets is another name (a Chinese one may be the parent: 中交一公局（中国交建）);
    a round the article tells as history (曾获…领投) or a generic 参与…投资 joins no project record."""
    text = "长沙地铁6号线项目中标金额50亿元，中标单位为中交一公局（中国交建）。另外，中国交建在广州投资30亿元建设港口。"
    ents = spans(text, ("REGION", "长沙"), ("AMOUNT", "50亿元"), ("COMPANY", "中交一公局"), ("COMPANY", "中国交建"),
                 ("COMPANY", "中国交建"), ("REGION", "广州"), ("AMOUNT", "30亿元"))
    assert defined_aliases(text, ents) == {}
    assert len(build_records(text, ents)) == 2
    text = ("宁德时代将在长沙投资100亿元建设电池工厂。2018年，宁德时代上市前曾获红杉资本领投的融资。"
            "长沙市政府表示将积极参与新能源产业投资。")
    ents = spans(text, ("COMPANY", "宁德时代"), ("REGION", "长沙"), ("AMOUNT", "100亿元"), ("COMPANY", "宁德时代"),
                 ("COMPANY", "红杉资本"))
    [rec] = build_records(text, ents)
    assert set(texts(rec["companies"])) == {"宁德时代"} and not any(link.startswith("investors") for link in rec["links"])


def test_investors_who_take_part_again_join_the_round_and_a_numbered_unit_is_no_alias():
    text = ("转转完成3亿美元B轮融资\n\n"
            "9月11日，58同城宣布旗下二手交易平台转转与多家投资者达成协议，完成3亿美元B轮融资。转转上一轮投资方58同城、腾讯继续参与投资。")
    ents = spans(text, ("COMPANY", "转转"), ("AMOUNT", "3亿美元"), ("COMPANY", "58同城"), ("COMPANY", "转转"),
                 ("AMOUNT", "3亿美元"), ("COMPANY", "转转"), ("COMPANY", "58同城"), ("COMPANY", "腾讯"))
    [rec] = build_records(text, ents)
    assert set(texts(rec["companies"])) == {"转转", "58同城", "腾讯"}
    text = text.replace("与多家投资者达成协议，", "")  # the round word only after the figure (3亿美元B轮融资)
    [rec] = build_records(text, spans(text, *[(s.label, s.text) for s in ents]))
    assert set(texts(rec["companies"])) == {"转转", "58同城", "腾讯"}
    assert not company_alias("重庆建工第四建设有限责任公司", "重庆建工")
    assert not company_alias("中铁", "中铁十一局") and not company_alias("中交", "中交一公局")
    negated = "转转完成B轮融资。腾讯此次没有参与投资。"
    assert investors(negated, spans(negated, ("COMPANY", "转转"), ("COMPANY", "腾讯"))) == []
    assert company_alias("重庆建工", "重庆建工集团股份有限公司") and company_alias("德赛电池", "湖南德赛电池")


def test_a_batchs_examples_stay_out_of_its_subsets_figures():
    """引进A、B、C等优强项目51个，其中…投资10亿元以上项目3个: the companies are examples of the batch; the figures
    are its subsets', so the record is the area's, with no company. With the figure in the batch's own clause
    (引进A、B等10亿元以上项目12个) the companies stay."""
    text = "园区引进杉杉能源、立邦涂料、亚士创能等优强项目51个，其中上市公司11家，投资10亿元以上项目3个。"
    ents = spans(text, ("COMPANY", "杉杉能源"), ("COMPANY", "立邦涂料"), ("COMPANY", "亚士创能"), ("AMOUNT", "10亿元"))
    [rec] = build_records(text, ents)
    assert rec["companies"] == [] and texts(rec["amounts"]) == ["10亿元"]
    text = "园区引进杉杉能源、立邦涂料等10亿元以上项目12个。"
    ents = spans(text, ("COMPANY", "杉杉能源"), ("COMPANY", "立邦涂料"), ("AMOUNT", "10亿元"))
    [rec] = build_records(text, ents)
    assert set(texts(rec["companies"])) == {"杉杉能源", "立邦涂料"}
    text = "储能项目开工\n\n该项目由宁德时代、比亚迪等3家公司共同出资建设，总投资50亿元，其中一期投资20亿元。"  # a consortium
    ents = spans(text, ("COMPANY", "宁德时代"), ("COMPANY", "比亚迪"), ("AMOUNT", "50亿元"), ("AMOUNT", "20亿元"))
    assert {"宁德时代", "比亚迪"} <= {m["text"] for r in build_records(text, ents) for m in r["companies"]}


# A news page around the article: a breadcrumb above the headline, a list of links to other articles below it.
PAGE_NAV = "当前位置：首页 > 产经 > 正文\n\n"
PAGE_LINKS = ("\n\n相关新闻：\n· 总投资50亿元！比亚迪新能源汽车零部件项目落户常德\n· 上海新阳拟投资8亿元建设集成电路材料项目\n"
              "\n上一篇：岳阳经开区集中签约12个项目 总投资186亿元\n")
PAGE_LINK_ENTS = (("AMOUNT", "50亿元"), ("COMPANY", "比亚迪"), ("REGION", "常德"), ("COMPANY", "上海新阳"), ("AMOUNT", "8亿元"),
                  ("REGION", "岳阳经开区"), ("AMOUNT", "186亿元"))


def test_a_breadcrumb_above_the_headline_leaves_the_headline_its_company():
    """The headline is the first line after the page's menu: its company (东阳光) is the article's, as without it."""
    from ner.records.evaluate import record_tuples

    bare = record_tuples(build_records(HEADLINE, spans(HEADLINE, *HEADLINE_ENTS)))
    page = PAGE_NAV + HEADLINE
    assert ("company-amount", "东阳光", "14亿元") in bare
    assert record_tuples(build_records(page, spans(page, *HEADLINE_ENTS))) == bare


def test_other_articles_in_the_pages_link_lists_make_no_records():
    """相关新闻 and 上一篇 list other articles' headlines: their figures are no project of this article, and
    their places (常德) join none of its records."""
    from ner.records.evaluate import record_tuples

    bare = record_tuples(build_records(HEADLINE, spans(HEADLINE, *HEADLINE_ENTS)))
    page = PAGE_NAV + HEADLINE + PAGE_LINKS
    recs = build_records(page, spans(page, *HEADLINE_ENTS, *PAGE_LINK_ENTS))
    assert record_tuples(recs) == bare
    assert not {"50亿元", "8亿元", "186亿元"} & {m["text"] for r in recs for m in r["amounts"]}


def test_link_lists_end_where_the_prose_goes_on():
    """A links heading covers the short lines after it; a long paragraph with a full stop is the article again."""
    from ner.records.page import furniture_ranges, headline_range

    body = "公司在湖南长沙投资建设新能源电池生产基地，项目总投资30亿元，规划年产能10GWh，预计明年一季度开工建设并于年内投产。"
    text = "标题\n\n热点新闻 更多>>\n· 某项目签约\n· 某项目开工\n\n" + body + "\n\n推荐阅读\n· 又一项目落地\n"
    got = [text[a:b] for a, b in furniture_ranges(text)]
    assert got == ["热点新闻 更多>>\n· 某项目签约\n· 某项目开工\n\n", "推荐阅读\n· 又一项目落地\n"]
    assert furniture_ranges(HEADLINE) == []
    assert furniture_ranges("相关新闻发布会在长沙召开。\n下一步，公司将投资建设二期。") == []  # prose, not headings
    # the headline: the first line, unless the page opens with its menu, a short label or a byline
    assert headline_range(HEADLINE) == (0, HEADLINE.index("\n"))
    for top in ("首页 | 要闻 | 财经 | 产业\n", "立即下载\n", "2019-09-24 14:55:36 来源：红网\n", "您现在的位置是: 科技 > > 正文\n\n"):
        a, b = headline_range(top + HEADLINE)
        assert (top + HEADLINE)[a:b] == HEADLINE.split("\n")[0]
    text = "公司占据行业领先位置 新项目开工\n正文"  # 位置 in a headline is no breadcrumb
    assert headline_range(text) == (0, text.index("\n"))
    # a headline apart: one a body follows; a text that is only its headline (blank lines after it) has none
    from ner.records.page import headline_apart

    assert headline_apart(text) == (0, text.index("\n"))
    assert headline_apart("新项目开工\n") is None and headline_apart("新项目开工\n\n  ") is None
    assert headline_apart("新项目开工") is None


def test_a_text_that_opens_with_prose_has_no_headline():
    """Without a title line the first paragraph is no headline: two deals that share a capacity figure (10GW)
    stay two records, and the first paragraph's company is not every record's."""
    from ner.records.page import headline_range

    text = ("9月28日，宿迁市经开区宣布与阿特斯阳光电力有限公司签订10GW光伏组件投资协议，总投资102亿元。这是双方深化合作的"
            "重要成果。\n同日，天合光能发布公告称，将在江苏大丰港投资新建10GW光伏组件项目，项目总投资不超过25亿元。")
    assert headline_range(text) == (0, 0)
    assert headline_range("总投资102亿元！阿特斯10GW组件项目签约\n" + text)[0] == 0  # a title line is a headline
    recs = build_records(text, spans(text, ("REGION", "宿迁市经开区"), ("COMPANY", "阿特斯阳光电力有限公司"), ("CAPACITY", "10GW"),
                                     ("AMOUNT", "102亿元"), ("COMPANY", "天合光能"), ("REGION", "江苏"), ("CAPACITY", "10GW"),
                                     ("AMOUNT", "25亿元")))
    by_amount = {m["text"]: r for r in recs for m in r["amounts"]}
    assert by_amount["102亿元"] is not by_amount["25亿元"]
    assert texts(by_amount["25亿元"]["companies"]) == ["天合光能"]


def test_where_a_text_opens_with_prose_its_first_sentence_names_the_company_it_is_about():
    text = ("亿纬锂能8月4日晚间公告，与当地高新区管委会签订了《战略投资协议》。受益于储能产业的蓬勃发展，公司及子公司拟在荆门"
            "投资新建年产30GWh动力储能电池项目，具体为15GWh磷酸铁锂电池项目和15GWh三元电池项目。\n(文章来源:e公司)")
    recs = build_records(text, spans(text, ("COMPANY", "亿纬锂能"), ("REGION", "荆门"), ("CAPACITY", "30GWh"),
                                     ("CAPACITY", "15GWh"), ("CAPACITY", "15GWh")))
    [rec] = [r for r in recs if r["capacities"]]
    assert texts(rec["companies"]) == ["亿纬锂能"] and "荆门" in texts(rec["regions"])


def test_a_project_started_at_a_place_names_its_site():
    """项目”在宜昌市夷陵区正式开工: the article states the site, and a record whose sentences name no place takes it."""
    text = ("本报讯 近日，某地质局参建的“楚能新能源(宜昌)锂电池产业园项目”在宜昌市夷陵区正式开工。这是双方的第二次合作，地质局主要"
            "负责地块回填区域的强夯施工。\n据悉，项目总规划用地超过4500亩，投产后年产能达到150GWh。")
    recs = build_records(text, spans(text, ("COMPANY", "楚能新能源"), ("REGION", "宜昌市夷陵区"), ("CAPACITY", "150GWh")))
    [rec] = [r for r in recs if r["capacities"]]
    assert texts(rec["regions"]) == ["宜昌市夷陵区"]
    text = "公司在宜昌市夷陵区拥有一座工厂。\n据悉，项目投产后年产能达到150GWh。"  # no step taken there: no site stated
    recs = build_records(text, spans(text, ("REGION", "宜昌市夷陵区"), ("CAPACITY", "150GWh")))
    assert all(not r["regions"] for r in recs if r["capacities"])


@pytest.mark.parametrize("text, name", [
    ("国轩高科（唐山）新能源产业基地项目开工", "国轩高科（唐山）新能源产业基地项目"),
    ("楚能新能源(宜昌)锂电池产业园项目在宜昌开工", "楚能新能源(宜昌)锂电池产业园项目"),
    ("公司（简称“国轩”）新能源产业基地项目开工", None),  # a long bracket is an aside, not part of the name
])
def test_a_bracketed_place_stays_inside_a_project_name(text, name):
    from ner.records.text import find_project_names

    firm = text[:text.index("（") if "（" in text else text.index("(")]
    got = [n.text for n in find_project_names(text, [Span(0, len(firm), "COMPANY", firm)])]
    assert (name in got) if name else not any("（" in n for n in got)


def test_headlines_listed_after_the_article_with_no_heading_make_no_records():
    """After the article's last paragraph, two or more lines that read as other articles' headlines are a link
    list even with no heading over them; a footer's notice does not end the article; a list of fields
    (项目名称：…, 中标费用:…) before a long last line is the article's."""
    from ner.records.evaluate import record_tuples
    from ner.records.page import furniture_ranges

    links = "\n· 总投资50亿元！比亚迪新能源汽车零部件项目落户常德\n· 上海新阳拟投资8亿元建设集成电路材料项目\n本网转载此文出于传递更多信息之目的，不代表本网观点。\n"
    page = HEADLINE + links
    recs = build_records(page, spans(page, *HEADLINE_ENTS, *PAGE_LINK_ENTS[:5]))
    assert record_tuples(recs) == record_tuples(build_records(HEADLINE, spans(HEADLINE, *HEADLINE_ENTS)))
    fields = ("公司发布公告称，联合体为上述项目的预中标单位，具体情况如下：\n项目名称：苏州高铁北站站前广场照明工程设计施工总承包\n"
              "招标人：苏州高铁新城城市建设管理服务中心\n中标费用:10496.07万元（具体以合同签订金额为准）\n"
              "招标内容：本工程包括但不限于设计、物资采购、供货、运输、工程施工直至竣工验收合格及缺陷责任期内的保修等全部工作")
    assert furniture_ranges(fields) == []


@pytest.mark.parametrize("text", [
    # an article's own list after a line that introduces it, a fact box of field labels, short figure lines
    "今年以来重大项目建设提速，全市重大项目完成投资超过预期目标。本次签约的部分重点项目如下：\n"
    "楚能新能源(宜昌)锂电池产业园项目，总投资300亿元\n湖北宜化年产20万吨磷酸铁项目，总投资50亿元\n",
    "楚能新能源孝感基地项目今天开工，这是孝感市历史上单体投资规模最大的工业项目，备受各方关注。\n项目名称：楚能新能源孝感基地项目\n"
    "建设地点：孝感市孝南区孝感高新区\n总投资：150亿元人民币\n建设内容：年产60GWh锂电池\n",
    "楚能新能源孝感基地项目今天开工，这是孝感市历史上单体投资规模最大的工业项目，备受各方关注。\n总投资150亿元\n年产能60GWh\n",
    "公司计划继续扩产。\n下一条生产线预计于2025年建成投产，总投资约120亿元。",  # prose, not a link to the next article
    "【相关链接】\n项目总投资：100亿元 建设地点：襄阳高新区\n",
])
def test_an_articles_own_lists_are_no_link_lists(text):
    from ner.records.page import furniture_ranges

    assert furniture_ranges(text) == []


@pytest.mark.parametrize("page, headline", [
    ("记者探访楚能新能源孝感基地：项目进展顺利\n正文", "记者探访楚能新能源孝感基地：项目进展顺利"),
    ("发布！宜昌市2024年重大项目清单出炉\n正文", "发布！宜昌市2024年重大项目清单出炉"),
    ("2024年15个省重点项目在宜昌集中开工\n正文", "2024年15个省重点项目在宜昌集中开工"),
    ("重磅｜总投资100亿元｜楚能新能源孝感基地开工\n正文", "重磅｜总投资100亿元｜楚能新能源孝感基地开工"),
    ("本报讯（记者 张三 通讯员 李四）\n宜昌项目集中开工\n正文", "宜昌项目集中开工"),
    ("首页 | 要闻 | 财经 | 产业\n宜昌项目集中开工\n", "宜昌项目集中开工"),
])
def test_headlines_that_look_like_page_lines(page, headline):
    from ner.records.page import headline_range

    a, b = headline_range(page)
    assert page[a:b] == headline


def test_ji_joins_parts_of_one_project_name_not_two_projects():
    """及 inside a name (综合利用及处置危废项目) is part of it; after a name's end (…项目及…) it joins two projects."""
    from ner.records.text import find_project_names

    text = "一个是总投资10亿元的科宏生物三氯蔗糖产能提升项目，一个是总投资5.2亿元的永安金牛水泥综合利用及处置危废项目(一期)。"
    ents = spans(text, ("AMOUNT", "10亿元"), ("COMPANY", "科宏生物"), ("AMOUNT", "5.2亿元"), ("REGION", "永安"))
    names = [n.text for n in find_project_names(text, ents)]
    assert "永安金牛水泥综合利用及处置危废项目" in names
    by_amount = {m["text"]: r for r in build_records(text, ents) for m in r["amounts"]}
    assert by_amount["10亿元"] is not by_amount["5.2亿元"]
    text = "比亚迪电池项目及宁德时代储能项目同日开工"
    names = [n.text for n in find_project_names(text, spans(text, ("COMPANY", "比亚迪"), ("COMPANY", "宁德时代")))]
    assert names == ["比亚迪电池项目", "宁德时代储能项目"]


def test_a_list_of_sites_with_their_own_figures_is_one_record_per_site():
    """落子惠州（4GWh）、南京（30GWh）…: each site of the list is a plant of the company that leads the list, with
    its own place and figure, even where two sites share a figure; figures listed inside one site's brackets are
    that site's plants; the total after the list is a sum over the list's plants, with every site of the list
    (docs/annotation.md: "a sum over named projects is an aggregate record with the sites of its projects")."""
    text = ("某某电池今年已落子惠州（4GWh）、南京（30GWh）、南昌（30GWh）三大基地，合计总投资超200亿元。\n"
            "某某能源已布局福建宁德（湖西40GWh、福鼎60GWh）、江苏溧阳（75GWh）。")
    ents = spans(text, ("COMPANY", "某某电池"), ("REGION", "惠州"), ("CAPACITY", "4GWh"), ("REGION", "南京"),
                 ("CAPACITY", "30GWh"), ("REGION", "南昌"), ("CAPACITY", "30GWh"), ("AMOUNT", "200亿元"),
                 ("COMPANY", "某某能源"), ("REGION", "福建宁德"), ("CAPACITY", "40GWh"), ("REGION", "福鼎"),
                 ("CAPACITY", "60GWh"), ("REGION", "江苏溧阳"), ("CAPACITY", "75GWh"))
    got = {(tuple(texts(r["regions"])), tuple(texts(r["capacities"])), tuple(texts(r["amounts"])),
            tuple(sorted(set(texts(r["companies"]))))) for r in build_records(text, ents)}
    assert {(("惠州",), ("4GWh",), (), ("某某电池",)), (("南京",), ("30GWh",), (), ("某某电池",)),
            (("南昌",), ("30GWh",), (), ("某某电池",)), (("福建宁德",), ("40GWh",), (), ("某某能源",)),
            (("福建宁德", "福鼎"), ("60GWh",), (), ("某某能源",)), (("江苏溧阳",), ("75GWh",), (), ("某某能源",))} <= got
    # (福鼎 lies in 宁德: the site's larger place joins it)
    total = next(r for r in build_records(text, ents) if texts(r["amounts"]) == ["200亿元"])
    assert total["capacities"] == [] and texts(total["regions"]) == ["惠州", "南京", "南昌"]
    assert set(texts(total["companies"])) == {"某某电池"}  # a sum over one company's own plants keeps that company
    partner = text + "\n此外，某某电池还与长安合资建设10GWh产能的重庆两江新区生产基地。"  # a partner of another deal
    ents2 = ents + spans(partner[len(text):], ("COMPANY", "某某电池"), ("COMPANY", "长安"), ("CAPACITY", "10GWh"),
                         ("REGION", "重庆两江新区"))
    ents2 = ents + [Span(e.start + len(text), e.end + len(text), e.label, e.text) for e in ents2[len(ents):]]
    listed = [r for r in build_records(partner, ents2) if texts(r["capacities"]) == ["4GWh"]]
    assert listed and "长安" not in texts(listed[0]["companies"])
    one = "项目落户惠州（一期），总投资30亿元，年产4GWh。"  # a bracket with no figure, one site: no list
    [record] = build_records(one, spans(one, ("REGION", "惠州"), ("AMOUNT", "30亿元"), ("CAPACITY", "4GWh")))
    assert texts(record["capacities"]) == ["4GWh"] and texts(record["amounts"]) == ["30亿元"]


def test_the_whole_country_is_no_projects_site():
    """中国 opening a history clause (中国在美上市光伏企业大多陷入亏损) is no place for the plant that follows."""
    text = "2011年，中国在美上市光伏企业大多陷入亏损。\n晶科能源将投资41亿元建设年产11GW高效电池项目。"
    ents = spans(text, ("REGION", "中国"), ("COMPANY", "晶科能源"), ("AMOUNT", "41亿元"), ("CAPACITY", "11GW"))
    [record] = build_records(text, ents)
    assert record["regions"] == [] and texts(record["amounts"]) == ["41亿元"]
    text = "晶科能源在海宁投资41亿元建设年产11GW高效电池项目。"
    [record] = build_records(text, spans(text, ("COMPANY", "晶科能源"), ("REGION", "海宁"), ("AMOUNT", "41亿元")))
    assert texts(record["regions"]) == ["海宁"]


def test_a_capacity_as_of_a_date_is_the_companys_stock():
    text = ("晶科能源将投资41亿元建设年产11GW高效电池项目。\n数据显示，截至2021年年末，晶科能源单晶硅片产能约32.5GW，"
            "组件产能约45GW。")
    ents = spans(text, ("COMPANY", "晶科能源"), ("AMOUNT", "41亿元"), ("CAPACITY", "11GW"), ("COMPANY", "晶科能源"),
                 ("CAPACITY", "32.5GW"), ("CAPACITY", "45GW"))
    assert [texts(r["capacities"]) for r in build_records(text, ents)] == [["11GW"]]
    assert is_background_capacity(text, {"start": text.index("32.5GW")})
    plan = "截至目前，项目已开工，建成后将形成年产20GWh产能。"  # 截至 with a plant's capacity: no stock
    assert not is_background_capacity(plan, {"start": plan.index("20GWh")})


def test_a_bid_abroad_that_the_company_wins_is_its_record_and_the_client_is_not_the_company():
    """中天科技 wins two bids: 公司中标金额… is 中天科技's, not the client's named just before (招标单位为…), and a bid
    in a country (蒙古国) is no nation's figure."""
    text = ("13.58亿元！中天科技再中标两个大型储能项目\n\n"
            "7月3日晚间，中天科技发布公告称，公司收到《中标通知书》。\n"
            "中标项目一：中广核储能系统框架采购。该项目的招标单位为中广核风电有限公司，公司中标金额约8.16亿元。\n"
            "中标项目二：蒙古国80MW大型储能项目。该项目的招标单位为蒙古国能源部，公司中标金额为8092.54万美金。")
    ents = spans(text, ("AMOUNT", "13.58亿元"), ("COMPANY", "中天科技"), ("COMPANY", "中天科技"), ("COMPANY", "中广核"),
                 ("COMPANY", "中广核风电有限公司"), ("AMOUNT", "8.16亿元"), ("REGION", "蒙古国"), ("CAPACITY", "80MW"),
                 ("AMOUNT", "8092.54万美金"))
    records = build_records(text, ents)
    bid1 = next(r for r in records if "8.16亿元" in texts(r["amounts"]))
    assert "中天科技" in texts(bid1["companies"])
    bid2 = next(r for r in records if "8092.54万美金" in texts(r["amounts"]))
    assert "中天科技" in texts(bid2["companies"]) and texts(bid2["regions"]) == ["蒙古国"]


def test_a_company_that_holds_shares_is_an_owner_not_a_seller():
    """收购X持有的Z股权: X sells; 自此，通宇通讯持有深圳光为100％股权: 通宇通讯 owns, and stays in its records."""
    text = ("通宇通讯募资8.12亿元，用于收购深圳光为股权。\n自此，通宇通讯持有光为光通信51.08％股权，控股深圳光为58.82％的股权。\n"
            "公司拟以1.39亿元收购陈某所持有的光为光通信41.18％股权，以及华信投资持有的光为光通信0.5%股权。")
    ents = spans(text, ("COMPANY", "通宇通讯"), ("AMOUNT", "8.12亿元"), ("COMPANY", "深圳光为"), ("COMPANY", "通宇通讯"),
                 ("COMPANY", "光为光通信"), ("COMPANY", "深圳光为"), ("AMOUNT", "1.39亿元"), ("COMPANY", "光为光通信"),
                 ("COMPANY", "华信投资"), ("COMPANY", "光为光通信"))
    assert sellers(text, ents) == {"华信投资"}
    raise_ = next(r for r in build_records(text, ents) if "8.12亿元" in texts(r["amounts"]))
    assert "通宇通讯" in texts(raise_["companies"])


def test_a_countrys_or_a_sectors_capacity_is_no_projects():
    text = ("亿纬锂能拟在荆门投建30GWh储能电池项目。\n2021年上半年，国内新增新型储能装机规模超过10GW，同比增长超600%。"
            "10GW的装机规模说明储能产业正快速发展中。")
    ents = spans(text, ("COMPANY", "亿纬锂能"), ("REGION", "荆门"), ("CAPACITY", "30GWh"), ("CAPACITY", "10GW"),
                 ("CAPACITY", "10GW"))
    assert [texts(r["capacities"]) for r in build_records(text, ents)] == [["30GWh"]]
    plant = "该电站装机容量达10GW，是国内最大的光伏电站。"  # a plant's own capacity, even with 国内 in the sentence
    assert not is_background_capacity(plant, {"start": plant.index("10GW"), "end": plant.index("10GW") + 4})


@pytest.mark.parametrize("sentence, figure", [
    ("中金公司测算，到2030年，对应电池Pack市场空间8857亿元。", "8857亿元"),
    ("此前特斯拉称，定价100万美元起，面向企业销售。", "100万美元"),
])
def test_a_market_room_or_a_products_price_is_no_projects_figure(sentence, figure):
    i = sentence.index(figure)
    assert is_background_amount(sentence, {"start": i, "end": i + len(figure), "value": 10 ** 9})


def test_a_headline_without_a_company_takes_the_leads():
    text = ("1121亿！全球第一大汽车集团追加电池投资！\n\n全球第一大汽车集团追加了电池投资额度。\n"
            "12月14日，丰田汽车公司举行了一场电动化战略发布会。\n丰田章男称，计划到2030年斥资8万亿日元推动产品电动化。")
    ents = spans(text, ("AMOUNT", "1121亿"), ("COMPANY", "丰田汽车公司"), ("AMOUNT", "8万亿日元"))
    assert [s.text for s in protagonists(text, ents)] == ["丰田汽车公司"]
    plan = next(r for r in build_records(text, ents) if "8万亿日元" in texts(r["amounts"]))
    assert texts(plan["companies"]) == ["丰田汽车公司"]


def test_a_companys_capacity_target_is_no_plants():
    text = ("宁德时代：至2025年规划产能超过670GWh\n宁德时代在四川宜宾建设100GWh电池项目。\n至2025年，宁德时代合计规划产能有望超过670GWh。")
    ents = spans(text, ("COMPANY", "宁德时代"), ("CAPACITY", "670GWh"), ("COMPANY", "宁德时代"), ("REGION", "四川宜宾"),
                 ("CAPACITY", "100GWh"), ("COMPANY", "宁德时代"), ("CAPACITY", "670GWh"))
    assert [texts(r["capacities"]) for r in build_records(text, ents)] == [["100GWh"]]
    plant = "至2025年，该项目规划产能将达20GWh。"  # a plant's planned capacity stays
    assert not is_background_capacity(plant, {"start": plant.index("20GWh"), "end": plant.index("20GWh") + 5})


def test_clauses_that_each_name_a_place_and_a_figure_are_plants_apart():
    text = ("蜂巢能源将在2023-2025年年均新增100GWh。其中包括西北扩建储能基地20GWh，西南基地（成都、遂宁）扩建87GWh，"
            "长三角区域扩建38GWh。\n项目位于长沙，总投资10亿元，二期在株洲投资5亿元。")
    ents = spans(text, ("COMPANY", "蜂巢能源"), ("CAPACITY", "100GWh"), ("REGION", "西北"), ("CAPACITY", "20GWh"),
                 ("REGION", "西南"), ("REGION", "成都"), ("REGION", "遂宁"), ("CAPACITY", "87GWh"), ("REGION", "长三角"),
                 ("CAPACITY", "38GWh"), ("REGION", "长沙"), ("AMOUNT", "10亿元"), ("REGION", "株洲"), ("AMOUNT", "5亿元"))
    got = {tuple(texts(r["capacities"])): (texts(r["regions"]), texts(r["companies"])) for r in build_records(text, ents)}
    assert got[("87GWh",)] == (["西南"], ["蜂巢能源"]) and got[("38GWh",)] == (["长三角"], ["蜂巢能源"])
    assert "西北" in got[("20GWh",)][0]
    one = next(r for r in build_records(text, ents) if "10亿元" in texts(r["amounts"]))  # one clause with both: no run
    assert texts(one["amounts"]) == ["10亿元", "5亿元"]


def test_a_headline_that_names_the_project_by_its_company_is_the_bodys_project():
    """湖北华昌新材料项目落户… (no figure) and the body's 湖北华昌新材料有限公司年产5万吨…项目 are one row; a figure-less project
    with a name of its own (德赛电池长沙智造产业园) stays apart."""
    text = ("湖北华昌新材料项目落户黄石经济技术开发区\n\n6月8日，湖北华昌新材料有限公司年产5万吨正极材料项目签约仪式在黄石经济技术开发区举行，"
            "项目总投资15亿元。")
    ents = spans(text, ("COMPANY", "湖北华昌新材料"), ("REGION", "黄石经济技术开发区"), ("COMPANY", "湖北华昌新材料有限公司"),
                 ("CAPACITY", "5万吨"), ("REGION", "黄石经济技术开发区"), ("AMOUNT", "15亿元"))
    [record] = build_records(text, ents)
    assert texts(record["amounts"]) == ["15亿元"] and "湖北华昌新材料" in texts(record["companies"])


@pytest.mark.parametrize("text, mentions, n", [
    ("宁德时代宜宾基地总投资300亿元，宜宾基地年产能达75GWh。",                       # one plant's clauses: one place
     (("COMPANY", "宁德时代"), ("REGION", "宜宾"), ("AMOUNT", "300亿元"), ("REGION", "宜宾"), ("CAPACITY", "75GWh")), 1),
    ("宁德时代在四川宜宾投资100亿元，在宜宾市叙州区建设年产30GWh动力电池项目。",   # a place inside the other; two kinds
     (("COMPANY", "宁德时代"), ("REGION", "四川宜宾"), ("AMOUNT", "100亿元"), ("REGION", "宜宾市叙州区"), ("CAPACITY", "30GWh")), 1),
    ("项目位于湖南长沙（一期10GWh）、长沙（二期20GWh），总投资80亿元。",           # phases in brackets, no sites
     (("REGION", "湖南长沙"), ("CAPACITY", "10GWh"), ("REGION", "长沙"), ("CAPACITY", "20GWh"), ("AMOUNT", "80亿元")), 1),
    ("宁德时代在江苏常州（投资50亿元、年产20GWh）、四川宜宾（投资30亿元、年产10GWh）建设基地。",  # a site's amount and capacity
     (("COMPANY", "宁德时代"), ("REGION", "江苏常州"), ("AMOUNT", "50亿元"), ("CAPACITY", "20GWh"), ("REGION", "四川宜宾"),
      ("AMOUNT", "30亿元"), ("CAPACITY", "10GWh")), 2),
])
def test_one_plants_clauses_and_phases_are_no_list_of_sites(text, mentions, n):
    records = build_records(text, spans(text, *mentions))
    assert len(records) == n and all(r["amounts"] or r["capacities"] for r in records)
    if n == 2:
        assert [(texts(r["amounts"]), texts(r["capacities"])) for r in records] == [(["50亿元"], ["20GWh"]), (["30亿元"], ["10GWh"])]


@pytest.mark.parametrize("sentence, figure", [
    ("动力电池项目进展顺利。截至目前，项目已完成投资30亿元，一期年产能10GWh已建成投产。", "10GWh"),
    ("国轩高科在安徽庐江投资建设储能电池，总投资50亿元、年产能20GWh。", "20GWh"),
    ("华能集团在青海海西建设光伏发电，装机容量100万千瓦，助力当地新能源产业发展。", "100万千瓦"),
])
def test_a_plants_capacity_is_no_background(sentence, figure):
    i = sentence.index(figure)
    assert not is_background_capacity(sentence, {"start": i, "end": i + len(figure)})


def test_a_figureless_record_at_another_site_stays_apart():
    text = "宁德时代宜宾基地总投资100亿元，年产能30GWh。\n另据报道，宁德时代项目日前在德国签约落地。"
    ents = spans(text, ("COMPANY", "宁德时代"), ("REGION", "宜宾"), ("AMOUNT", "100亿元"), ("CAPACITY", "30GWh"),
                 ("COMPANY", "宁德时代"), ("REGION", "德国"))
    records = build_records(text, ents)
    assert len(records) == 2 and texts(records[0]["regions"]) == ["宜宾"]


def test_a_background_lead_names_no_protagonist():
    text = ("百亿储能项目落地内蒙古！\n\n据高工产研锂电研究所调研，宁德时代今年出货量居首。\n"
            "内蒙古鄂尔多斯一储能项目日前签约，总投资100亿元。")
    assert protagonists(text, spans(text, ("REGION", "内蒙古"), ("COMPANY", "宁德时代"), ("REGION", "内蒙古鄂尔多斯"),
                                    ("AMOUNT", "100亿元"))) == []


def test_a_client_and_a_consortium_join_only_the_deal_their_paragraph_tells():
    text = ("中天科技再中标两个储能项目\n\n"
            "中标项目一：该项目的招标单位为中广核风电有限公司，中天科技中标金额约8.16亿元。\n"
            "中标项目二：蒙古国储能项目，中天科技中标金额为8092.54万美金。\n"
            "5月6日，中天科技和中国能建江苏电力设计院联合中标的巴基斯坦储能项目正式签约，规模为20MW。")
    ents = spans(text, ("COMPANY", "中天科技"), ("COMPANY", "中广核风电有限公司"), ("COMPANY", "中天科技"),
                 ("AMOUNT", "8.16亿元"), ("REGION", "蒙古国"), ("COMPANY", "中天科技"), ("AMOUNT", "8092.54万美金"),
                 ("COMPANY", "中天科技"), ("COMPANY", "中国能建江苏电力设计院"), ("REGION", "巴基斯坦"), ("CAPACITY", "20MW"))
    recs = build_records(text, ents)
    by_figure = {k: set(v) for k, v in by_first_figure(recs, "companies").items()}
    assert by_figure["8.16亿元"] >= {"中天科技", "中广核风电有限公司"}
    assert "中国能建江苏电力设计院" not in by_figure["8.16亿元"]
    assert not by_figure["8092.54万美金"] & {"中广核风电有限公司", "中国能建江苏电力设计院"}
    assert by_figure["20MW"] >= {"中天科技", "中国能建江苏电力设计院"}
    assert "中广核风电有限公司" not in by_figure["20MW"]


def test_a_background_figure_equal_to_a_project_figure_does_not_merge_the_records():
    text = ("亿纬锂能加码储能\n\n"
            "其伙伴华为数字能源成立于2021年，注册资本30亿元人民币。\n"
            "6月10日，合资公司将投资不超过人民币30亿元建设年产10GWh的储能电池项目。")
    ents = spans(text, ("COMPANY", "亿纬锂能"), ("COMPANY", "华为数字能源"), ("AMOUNT", "30亿元"), ("AMOUNT", "30亿元"),
                 ("CAPACITY", "10GWh"))
    [project] = build_records(text, ents)
    assert texts(project["companies"]) == ["亿纬锂能"]
    assert [m["start"] for m in project["amounts"]] == [text.rfind("30亿元")]


def test_a_site_stated_with_another_company_is_not_the_pages_company_site():
    text = ("晶科能源加码高效电池\n\n"
            "晶科能源拟发行可转债，41亿元用于年产11GW高效电池生产线项目。\n"
            "天合光能位于宿迁的8GW TOPCon电池项目已于今年4月启动。")
    ents = spans(text, ("COMPANY", "晶科能源"), ("COMPANY", "晶科能源"), ("AMOUNT", "41亿元"), ("CAPACITY", "11GW"),
                 ("COMPANY", "天合光能"), ("REGION", "宿迁"), ("CAPACITY", "8GW"))
    by_figure = by_first_figure(build_records(text, ents), "regions")
    assert by_figure == {"41亿元": [], "8GW": ["宿迁"]}


def test_an_announcements_project_name_field_names_its_record_and_site():
    text = ("远大智能关于收到中标通知书的公告\n\n"
            "公司收到南京地铁建设有限责任公司出具的中标通知书。\n"
            "项目名称：南京地铁七号线工程垂直电梯项目。\n"
            "中标金额：人民币11,901.7950万元")
    ents = spans(text, ("COMPANY", "远大智能"), ("COMPANY", "南京地铁建设有限责任公司"), ("REGION", "南京"),
                 ("AMOUNT", "11,901.7950万元"))
    [rec] = build_records(text, ents)
    assert rec["project"] == "南京地铁七号线工程垂直电梯项目"
    assert texts(rec["regions"]) == ["南京"]


def test_a_record_placed_in_its_name_takes_the_names_other_places():
    text = "四川成渝中标高速公路项目\n\n四川成渝组成之联合体成为天府新区至邛崃高速公路项目之中标人，总投资86.85亿元。"
    ents = spans(text, ("COMPANY", "四川成渝"), ("COMPANY", "四川成渝"), ("REGION", "天府新区"), ("REGION", "邛崃"),
                 ("AMOUNT", "86.85亿元"))
    [rec] = build_records(text, ents)
    assert sorted(texts(rec["regions"])) == ["天府新区", "邛崃"]


@pytest.mark.parametrize("text, figure, background", [
    ("蜂巢能源董事长曾透露，围绕600GWh的目标，公司将新增产能。", "600GWh", True),
    ("国轩高科:2025年将突破300GWh", "300GWh", True),
    ("中汽协预测，明年的产能可能会超过500万辆。", "500万辆", True),
    ("据了解，蜂巢能源目前在建产能已经达到287GWh。", "287GWh", True),
    ("该项目预计2023年投产，建成后年产能将达20GWh。", "20GWh", False),  # a plant: the project's capacity
    ("亿纬锂能拟投建30GWh储能及动力电池项目。", "30GWh", False),
    ("公司将于2024年在荆门建设年产20GWh大圆柱电池。", "20GWh", False),  # a plant being built (review)
    ("2023年5月6日亿纬锂能宣布将在荆门投建20GWh储能电池。", "20GWh", False),
    ("宁德时代匈牙利电池工厂正式开工。预计2026年将达到100GWh。", "100GWh", False),  # the sentence before builds it
])
def test_a_capacity_target_forecast_or_stock_without_a_plant_is_background(text, figure, background):
    start = text.find(figure)
    assert is_background_capacity(text, {"start": start, "end": start + len(figure), "text": figure}) is background


def test_review_a_headline_consortium_joins_every_deal_and_a_contractor_owns_no_site():
    text = ("中天科技和中国能建江苏电力设计院联合中标两个储能项目\n\n"
            "中天科技中标巴基斯坦储能EPC，规模为20MW。\n中天科技中标蒙古国储能EPC，金额为8092.54万美金。")
    ents = spans(text, ("COMPANY", "中天科技"), ("COMPANY", "中国能建江苏电力设计院"), ("COMPANY", "中天科技"),
                 ("REGION", "巴基斯坦"), ("CAPACITY", "20MW"), ("COMPANY", "中天科技"), ("REGION", "蒙古国"),
                 ("AMOUNT", "8092.54万美金"))
    recs = build_records(text, ents)
    assert len(recs) == 2 and all("中国能建江苏电力设计院" in texts(r["companies"]) for r in recs)
    text = "晶科能源加码高效电池\n\n晶科能源拟投资41亿元建设年产11GW高效电池生产线项目。\n项目位于宿迁，由中建三局负责施工。"
    ents = spans(text, ("COMPANY", "晶科能源"), ("COMPANY", "晶科能源"), ("AMOUNT", "41亿元"), ("CAPACITY", "11GW"),
                 ("REGION", "宿迁"), ("COMPANY", "中建三局"))
    [rec] = build_records(text, ents)
    assert texts(rec["regions"]) == ["宿迁"]


def test_review_a_text_without_a_headline_apart_inherits_its_earlier_place():
    body = "今年以来，宜昌市新签约的华能一期项目已开工。此外，华能还将投资30亿元建设新工厂。"
    for text in (body, body + "\n责任编辑：张三"):
        ents = spans(text, ("REGION", "宜昌市"), ("COMPANY", "华能"), ("COMPANY", "华能"), ("AMOUNT", "30亿元"))
        [rec] = [r for r in build_records(text, ents, whole_article=False) if r["amounts"]]
        assert texts(rec["regions"]) == ["宜昌市"]
