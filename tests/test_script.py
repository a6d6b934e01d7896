"""The text as the tagger reads it (ner.script): traditional script as simplified, pinyin glosses skipped,
offsets and mention texts mapped back to the text as given."""
from __future__ import annotations

import pytest

from ner.script import View, map_back, reading_view
from ner.types import Span

pytest.importorskip("opencc")

TRAD = "開州區舉行招商引資重點專案集中簽約儀式，39個專案投資金額275億元。"


def test_a_simplified_text_is_read_as_it_is():
    for text in ("湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元", "华昇新材料项目覆盖全省", "", "abc (xiàng)"):
        view = reading_view(text)
        assert view.text is text and view.index is None  # the same object: nothing changes for simplified text


def test_traditional_script_is_read_as_simplified_offset_for_offset():
    view = reading_view(TRAD)
    assert view.index is None and len(view.text) == len(TRAD)
    assert view.text.startswith("开州区举行招商引资重点项目集中签约")  # Taiwan's 專案 is 项目
    assert "275亿元" in view.text


def test_pinyin_glosses_are_skipped_and_offsets_map_back():
    text = "年產(chǎn)120萬(wàn)噸項(xiàng)目在黑龍江省大慶市高新區(qū)開工。"
    view = reading_view(text)
    assert view.text == "年产120万吨项目在黑龙江省大庆市高新区开工。"
    i = view.text.index("黑龙江省大庆市高新区")
    s, e = view.span(i, i + len("黑龙江省大庆市高新区"))
    assert text[s:e] == "黑龍江省大慶市高新區"  # the gloss after the last character stays out
    s, e = view.span(view.text.index("万吨") - 3, view.text.index("万吨") + 2)
    assert text[s:e] == "120萬(wàn)噸"  # a gloss inside the span stays in: it is the text as given
    assert reading_view("a(xiàng)b(xiàng)").text == "a(xiàng)b(xiàng)"  # after Latin letters: no gloss


def test_map_back_rewrites_offsets_texts_and_project_names():
    text = "項(xiàng)目在開州區(qū)，產(chǎn)能1萬(wàn)噸。"
    view = reading_view(text)
    i = view.text.index("开州区")
    record = {"project": "项目", "project_span": [0, 2], "regions": [{"text": "开州区", "start": i, "end": i + 3,
                                                                      "canonical": "开州区"}], "stage": None}
    [back] = map_back(view, text, [record])
    assert back["project"] == "項(xiàng)目" and back["project_span"] == [0, len("項(xiàng)目")]
    region = back["regions"][0]
    assert text[region["start"]:region["end"]] == region["text"] == "開州區" and region["canonical"] == "开州区"
    span = map_back(view, text, Span(i, i + 3, "REGION", "开州区", 0.5))
    assert (span.text, span.score) == ("開州區", 0.5)
    plain = View("总投资75亿元")
    assert map_back(plain, plain.text, [record]) == [record]


def test_the_tagger_reads_traditional_pages(char_tokenizer):
    """The model and the rules see simplified text; the spans index the page as given, in its own script."""
    from tests.test_tagger import OracleModel
    from ner.pipeline import Tagger

    ids = char_tokenizer.convert_tokens_to_ids(char_tokenizer.tokenize("75亿元"))
    tagger = Tagger(OracleModel(ids), char_tokenizer, ["REGION", "COMPANY", "AMOUNT", "CAPACITY"], device="cpu",
                    rules_only=["REGION"])
    text = "湖南長沙市望城經開區專案總投資75億元。"
    got = {(s.text, s.label) for s in tagger(text)}
    assert got == {("75億元", "AMOUNT"), ("湖南長沙市望城經開區", "REGION")}
    for s in tagger(text):
        assert text[s.start:s.end] == s.text
    out = tagger.extract(text)
    [record] = out["records"]
    assert [m["text"] for m in record["amounts"]] == ["75億元"] and record["amounts"][0]["value"] == 7_500_000_000
    assert all(text[m["start"]:m["end"]] == m["text"] for m in record["regions"])


def test_a_full_stop_written_for_a_decimal_point_is_read_as_the_point():
    view = reading_view("23個專案集中開工,總投資57。6億元;增長5。6%")
    assert "57.6亿元" in view.text and "5.6%" in view.text and view.index is None
    for text in ("签约项目12。3个项目已开工", "全年完成2023。2024年计划", "总投资57.6亿元。3月开工"):
        assert reading_view(text).text is text  # a sentence's end before a count, a year, a month


def test_taiwan_words_that_change_length_keep_every_offset():
    """沙烏地阿拉伯 (6) and 肯亞 (2) become 沙特阿拉伯 (5) and 肯尼亚 (3) in Taiwan's words: the line keeps its length
    but not its offsets, so it is read character for character."""
    text = "中國電建在沙烏地阿拉伯紅海新城投資的光伏電站項目由中國能建承建，總投資80億元，裝機容量150萬千瓦，並在肯亞建設配套工廠。"
    view = reading_view(text)
    assert len(view.text) == len(text)
    i = view.text.index("80亿元")
    assert text[i:i + 4] == "80億元"
    assert "项目" in reading_view("開州區39個專案集中簽約，總投資275億元").text  # a same-length word still converts


def test_a_sentence_end_before_a_figure_stays_in_simplified_text():
    for text in ("增速居全省第3。10亿元以上项目完成投资285亿元", "居全国第2。5亿元以上新开工项目12个", "占比3。21%"):
        assert reading_view(text).text is text
    assert "第3。10亿元以上" in reading_view("增速居全省第3。10億元以上項目完成投資285億元，總計實現").text  # converted, point kept


def test_full_width_digits_and_letters_are_read_as_ascii():
    """Older news and government pages write figures in full-width forms (投资１２０亿元, 年产２０ＧＷｈ): the rules and
    the model read them as ASCII, the spans give the page's own characters back, and the values are numbers."""
    text = "某某新能源有限公司在合肥投资１．５亿元，建设年产２０ＧＷｈ电池项目（一期）。"
    view = reading_view(text)
    assert view.text == "某某新能源有限公司在合肥投资1.5亿元，建设年产20GWh电池项目（一期）。"  # Chinese punctuation stays
    assert view.index is None and len(view.text) == len(text)
    assert reading_view("总投资75亿元，年产20GWh").text == "总投资75亿元，年产20GWh"
    assert reading_view("占地１００亩．其中").text == "占地100亩．其中"  # a full-width point after a figure, not in one


def test_the_tagger_reads_full_width_figures(char_tokenizer):
    from tests.test_tagger import OracleModel
    from ner.pipeline import Tagger

    ids = char_tokenizer.convert_tokens_to_ids(char_tokenizer.tokenize("合肥"))
    tagger = Tagger(OracleModel(ids), char_tokenizer, ["REGION", "COMPANY", "AMOUNT", "CAPACITY"], device="cpu",
                    rules_only=["AMOUNT", "CAPACITY"])
    text = "项目落户合肥，总投资１２０亿元，年产２０ＧＷｈ。"
    got = {(s.text, s.label) for s in tagger(text)}
    assert {("１２０亿元", "AMOUNT"), ("２０ＧＷｈ", "CAPACITY")} <= got
    [record] = tagger.extract(text)["records"]
    assert record["amounts"][0]["text"] == "１２０亿元" and record["amounts"][0]["value"] == 12_000_000_000
    assert record["capacities"][0]["text"] == "２０ＧＷｈ" and record["capacities"][0]["value"] == 20_000_000
