"""Sentence-level records -> one record per project for a whole article (ner.records.article).

Offsets are computed with ``str.find`` from the texts below, never typed by hand.
"""
from __future__ import annotations

from ner.records.article import company_alias, is_background_amount
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
                assert c.get("split") == "train", (cfg.name, c)


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
