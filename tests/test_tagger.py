"""Tagger offsets: full-width digits, whitespace, a 20,000-character article, an entity across a window edge."""
import re

import pytest
import torch

from ner.labels import label_maps
from ner.pipeline import Tagger
from ner.types import Span

ID2LABEL, LABEL2ID = label_maps()


class OracleModel(torch.nn.Module):
    """A stand-in encoder that tags by token id: ids in ``amount_ids`` are AMOUNT (B for the first of a run).

    It only sees the window it is given, like a real model, so windowing and merging are what is tested.
    """

    def __init__(self, amount_ids, n_labels=len(ID2LABEL)):
        super().__init__()
        from transformers import BertConfig

        self.config = BertConfig(id2label=ID2LABEL, label2id=LABEL2ID, max_position_embeddings=512)
        self.amount_ids = set(amount_ids)
        self.n = n_labels

    def forward(self, input_ids, attention_mask):
        b, t = input_ids.shape
        logits = torch.zeros(b, t, self.n)
        logits[..., 0] = 1.0
        for i in range(b):
            prev = False
            for j in range(t):
                hit = int(input_ids[i, j]) in self.amount_ids
                if hit:
                    logits[i, j, LABEL2ID["I-AMOUNT" if prev else "B-AMOUNT"]] = 5.0
                prev = hit
        return type("Out", (), {"logits": logits})()


@pytest.fixture()
def oracle(char_tokenizer):
    ids = char_tokenizer.convert_tokens_to_ids(char_tokenizer.tokenize("75亿元"))
    return lambda **kw: Tagger(OracleModel(ids), char_tokenizer, ["REGION", "COMPANY", "AMOUNT", "CAPACITY"], device="cpu", **kw)


@pytest.mark.parametrize("prefix", ["", "　　", "  \n\t", "２０２３年", "ABC 公司 "])
def test_offsets_index_the_original_text(oracle, prefix):
    text = prefix + "总投资75亿元，"
    [span] = oracle()(text)
    assert text[span.start:span.end] == span.text == "75亿元"


def test_long_article_and_window_edges(oracle, char_tokenizer):
    unit = "湖南德赛电池项目落户长沙市望城经开区，总投资75亿元。"
    text = unit * (20000 // len(unit) + 1)
    assert len(text) >= 20000
    tagger = oracle(max_length=40, overlap=12)  # many windows; entities land across window edges
    spans = tagger(text)
    expected = [i for i in range(len(text)) if text.startswith("75亿元", i)]
    assert [s.start for s in spans] == expected  # each found once: no duplicates, none lost
    assert all(s.text == "75亿元" and s.end - s.start == 4 for s in spans)


def test_entity_straddling_a_window_edge_is_found_once(oracle, char_tokenizer):
    from ner.model.features import featurize

    text = "项目" * 14 + "75亿元" + "项目" * 14
    start = text.index("75亿元")
    f = featurize(text, char_tokenizer, 32, 10)
    w0 = f.windows[0]
    amount_tokens = [k for k, (a, b) in enumerate(f.tokens.offsets) if start <= a < start + 4]
    assert any(k >= w0.end for k in amount_tokens) and any(k < w0.end for k in amount_tokens)  # straddles
    spans = oracle(max_length=32, overlap=10)(text)
    assert [(s.start, s.end) for s in spans] == [(start, start + 4)]


def test_empty_and_blank_texts(oracle):
    assert oracle().tag(["", "   "]) == [[], []]


def test_rules_fill_only_where_the_model_is_silent(oracle):
    from ner.combine import fill_with_rules
    from ner.types import Span

    text = "年产智能手机4000万台，总投资75亿元"
    model_spans = [Span(text.index("75亿元"), text.index("75亿元") + 4, "AMOUNT", "75亿元", 0.9)]
    out = fill_with_rules(text, model_spans, ["CAPACITY"])
    assert [(s.text, s.label, s.score) for s in out] == [("4000万台", "CAPACITY", None), ("75亿元", "AMOUNT", 0.9)]
    conflicting = [Span(2, 8, "COMPANY", text[2:8], 0.5)]  # overlaps the rule's CAPACITY: the model wins
    assert [s.label for s in fill_with_rules(text, conflicting, ["CAPACITY"])] == ["COMPANY"]
    tagger = oracle(rules_fill=["CAPACITY"])
    assert {s.label for s in tagger(text)} == {"AMOUNT", "CAPACITY"}


def test_rules_decide_money_versus_capacity_and_short_spans_go():
    from ner.combine import finalize
    from ner.types import Span

    text = "规划产能20GWh，造价5亿元"
    i = text.index("20GWh")
    model = [Span(i, i + 5, "AMOUNT", "20GWh", 0.6), Span(text.index("造"), text.index("造") + 1, "COMPANY", "造", 0.4)]
    assert [(s.text, s.label) for s in finalize(text, model)] == [("20GWh", "AMOUNT")]  # one-char span dropped
    assert finalize(text, model, shapes=True) == []  # and an "amount" with no currency and no 万/亿 is none
    out = finalize(text, model, rules_fill=["AMOUNT", "CAPACITY"])  # the rules relabel money as capacity
    assert [(s.text, s.label) for s in out] == [("20GWh", "CAPACITY"), ("5亿元", "AMOUNT")]


def test_rules_only_and_rules_first(oracle):
    from ner.combine import prefer_rules
    from ner.types import Span

    text = "德赛电池在长沙市投资75亿元，持股2000万股"
    i, j, k = text.index("长沙市"), text.index("75亿元"), text.index("2000万股")
    model = [Span(0, 4, "COMPANY", "德赛电池", 0.9),
             Span(i, i + 3, "COMPANY", "长沙市", 0.6),  # overlaps the rule REGION: the rule wins
             Span(j, j + 3, "AMOUNT", "75亿", 0.7),  # a rule type: replaced by the rule's 75亿元
             Span(k, k + 5, "AMOUNT", "2000万股", 0.5)]  # a rule type the rules do not find: dropped
    out = prefer_rules(text, model, ["REGION", "AMOUNT", "CAPACITY"], exclusive=True)
    assert [(s.text, s.label) for s in out] == [("德赛电池", "COMPANY"), ("长沙市", "REGION"), ("75亿元", "AMOUNT")]
    both = prefer_rules(text, model, ["REGION", "AMOUNT", "CAPACITY"])  # not exclusive: 2000万股 stays
    assert [(s.text, s.label) for s in both][-1] == ("2000万股", "AMOUNT") and len(both) == 4
    spans = oracle(rules_only=["REGION", "AMOUNT", "CAPACITY"])(text)
    assert [(s.text, s.score) for s in spans if s.label == "AMOUNT"] == [("75亿元", None)]  # the rule's, not the model's


def test_rules_veto_model_non_companies():
    from ner.combine import finalize
    from ner.types import Span

    text = "文登区政府与大唐山东发电有限公司签约，湖南工业大学、欧科亿参与"
    model = [Span(0, 5, "COMPANY", "文登区政府", 0.9), Span(19, 25, "COMPANY", "湖南工业大学", 0.8),
             Span(26, 29, "COMPANY", "欧科亿", 0.7)]
    assert len(finalize(text, model)) == 3  # the model alone keeps what it found
    out = finalize(text, model, rules_first=["COMPANY"])  # with the rules in COMPANY: bodies and schools go
    assert [s.text for s in out if s.label == "COMPANY"] == ["大唐山东发电有限公司", "欧科亿"]
    assert [s.text for s in finalize(text, model, rules_fill=["COMPANY"]) if s.score] == ["欧科亿"]
    # the saved policy (rules for places and capacities only) vetoes them too; state-owned units stay
    text = "财联社记者获悉，广东阳西县人民政府与中铁电气化局、赣西供电局、招商局签约"
    names = ["财联社", "广东阳西县人民政府", "中铁电气化局", "赣西供电局", "招商局"]
    model = [Span(text.index(n), text.index(n) + len(n), "COMPANY", n, 0.95) for n in names]
    assert [s.text for s in finalize(text, model, **SAVED_POLICY) if s.label == "COMPANY"] == names[2:]
    # a news outlet, by its name or by its reporter or dateline after it; a company's own words stay
    text = "【亿邦动力讯】6月3日消息，格隆汇记者获悉，找钢网向猎聘网记录的数据显示，中兴通讯息"
    names = ["亿邦动力", "格隆汇", "找钢网", "猎聘网", "中兴通"]
    model = [Span(text.index(n), text.index(n) + len(n), "COMPANY", n, 0.95) for n in names]
    assert [s.text for s in finalize(text, model, **SAVED_POLICY) if s.label == "COMPANY"] == ["找钢网", "猎聘网", "中兴通"]
    # a page's source line names an outlet, and a place inside it is none; a broker's research there is a company's
    text = "来源 :电车汇2023-11-06\n来源：中国医采网\n来源：申万宏源\n资金来源：国网江苏省电力有限公司\n找钢网在湖南投资"
    names = ["电车汇", "中国医采网", "申万宏源", "国网江苏省电力有限公司", "找钢网"]
    model = [Span(text.index(n), text.index(n) + len(n), "COMPANY", n, 0.95) for n in names]
    out = finalize(text, model, **SAVED_POLICY)
    assert [s.text for s in out if s.label == "COMPANY"] == ["申万宏源", "国网江苏省电力有限公司", "找钢网"]
    assert [s.text for s in out if s.label == "REGION"] == ["湖南"]  # not 中国 inside 中国医采网
    # the items of a list of sectors are none; firms listed as a sector's are
    text = ("涉及康养、农林牧渔、制造业等行业；引进比亚迪、宁德时代等新能源产业链企业，华为、小米等行业龙头，"
            "三一重工、中联重科等工程机械行业知名企业，中国华能、国家电投等能源领域央企")
    names = ["康养", "农林牧渔", "制造业", "比亚迪", "宁德时代", "华为", "小米", "三一重工", "中联重科", "中国华能", "国家电投"]
    model = [Span(text.index(n), text.index(n) + len(n), "COMPANY", n, 0.95) for n in names]
    assert [s.text for s in finalize(text, model, **SAVED_POLICY) if s.label == "COMPANY"] == names[3:]


def test_model_company_takes_the_rule_place_it_starts_with():
    from ner.combine import finalize
    from ner.types import Span

    text = "北京银行向杭州投资"
    policy = {"rules_only": ["REGION", "AMOUNT", "CAPACITY"], "rules_first": ["COMPANY"], "min_score": {"COMPANY": 0.9}}
    sure = [Span(0, 4, "COMPANY", "北京银行", 0.95)]
    assert [(s.text, s.label) for s in finalize(text, sure, **policy)] == [("北京银行", "COMPANY"), ("杭州", "REGION")]
    unsure = [Span(0, 4, "COMPANY", "北京银行", 0.6)]  # below the floor: it takes nothing, the rule place stays
    assert [(s.text, s.label) for s in finalize(text, unsure, **policy)] == [("北京", "REGION"), ("杭州", "REGION")]
    only_rules = {**policy, "rules_only": ["REGION", "AMOUNT", "CAPACITY", "COMPANY"], "rules_first": []}
    assert [s.text for s in finalize(text, sure, **only_rules)] == ["北京", "杭州"]  # companies from rules alone


SAVED_POLICY = {"rules_only": ["REGION", "CAPACITY"], "min_score": {"COMPANY": 0.9}, "shapes": True}


@pytest.mark.parametrize("text, model, kept", [
    # a stock code after an unsure model company: it is a company, here and where the article names it again
    ("赶工。上海新阳（300236.SZ）相关人士称，上海新阳一定会跟着扩", [("上海新阳", 0.5)],
     [("上海新阳", "COMPANY"), ("上海新阳", "COMPANY")]),
    # a quote after a name: the name starts at the place inside the model's span, or at the place chain
    ("原标题：重回并购重组战场西南证券(4.510,-0.04,-0.88%)首单", [("战场西南证券", 0.95)], [("西南证券", "COMPANY")]),
    ("原标题：四川成渝(3.810,-0.03,-0.78%)中标\n四川成渝高速公路(00107.HK)公布", [],
     [("四川成渝", "COMPANY"), ("四川成渝高速公路", "COMPANY")]),
    ("2016年9月，中国洲际油气(3.250,-0.05,-1.52%)收购", [("中国洲际", 0.95)], [("中国洲际油气", "COMPANY")]),
    # no listed name: a place alone before digits, a bracket without a code, a sure company left as it is
    ("项目落户上海(600000)，总投资", [], [("上海", "REGION")]),
    ("公司在合肥投资建设（2022年）", [], [("合肥", "REGION")]),
    ("百亿级基金鹏华新兴产业（206009）今年以来", [("鹏华新兴产业", 0.5)], []),  # a fund's code: no listed company
    ("北京银行(601169.SH)向杭州投资", [("北京银行", 0.95)], [("北京银行", "COMPANY"), ("杭州", "REGION")]),
    # a name standing alone before the code, with no model span; not a generic word, not a name's tail after a quote
    ("格隆汇7月31日丨*ST猛狮(002684.SZ)公告", [], [("*ST猛狮", "COMPANY")]),
    # from the review: no security that is no company, no verb or link word in a name, no name inside another word
    ("上证指数（000001.SH）与沪深300ETF（510300.SH）、南航转债（110075.SH）", [], []),
    ("中欧医疗健康（003095）", [("中欧医疗健康", 0.5)], []),
    ("其次是兴业银行(16.740,-0.05,-0.30%)", [], []),
    ("保定市副市长与数知科技(8.380,0.12,1.45%)", [], [("保定市", "REGION")]),
    ("北京市金融街(6.690,0.02,0.30%)", [], [("北京市", "REGION"), ("金融街", "COMPANY")]),
    ("港股异动丨力世纪(00860.HK)", [], [("力世纪", "COMPANY")]),
    ("西藏旅游(600749.SH)称西藏旅游市场回暖", [], [("西藏旅游", "COMPANY"), ("西藏", "REGION")]),
    ("中国银行（601988.SH）与中国银行业协会", [("中国银行", 0.95)], [("中国银行", "COMPANY")]),
    ("项目位于（113.264, 23.129）", [], []),
    ("丨*ST猛狮(002684.SZ)公告，*ST猛狮称", [("ST猛狮", 0.95)], [("*ST猛狮", "COMPANY"), ("*ST猛狮", "COMPANY")]),
    ("丨*ST康美(600518.SH)公告，ST康美称", [], [("*ST康美", "COMPANY"), ("ST康美", "COMPANY")]),
    ("挖贝网8月25日，科创信息（300730）2019年上半年亏损", [], [("科创信息", "COMPANY")]),
    ("公司（300236.SZ）称", [], []),
    ("原标题：四川成渝(3.810,-0.03,-0.78%)高速公路(00107.HK)有望中标新高速公路项目", [], [("四川成渝", "COMPANY")]),
])
def test_a_stock_code_marks_a_listed_company(text, model, kept):
    from ner.combine import finalize
    from ner.types import Span

    spans = [Span(text.index(n), text.index(n) + len(n), "COMPANY", n, p) for n, p in model]
    assert [(s.text, s.label) for s in finalize(text, spans, **SAVED_POLICY)] == kept
    if not model:  # the model alone (no rules) is left as it is
        assert finalize(text, spans) == []


@pytest.mark.parametrize("text, firm, kept", [
    ("同意公司认购香港 DRA COMPANY LIMITED 股权", "香港 DRA COMPANY LIMITED",  # a space after the place: no name of it
     [("香港", "REGION"), ("DRA COMPANY LIMITED", "COMPANY")]),  # the firm starts after the space
    ("天水新厂房预计今年动工", "天水新厂房", [("天水", "REGION")]),          # a building, an event: no company
    ("异地项目还有哈尔滨极地馆", "哈尔滨极地馆", [("哈尔滨", "REGION")]),
    ("第13届中国投资年会将召开", "中国投资年会", [("中国", "REGION")]),
    ("上海新昇的产能", "上海新昇", [("上海新昇", "COMPANY")]),              # a firm's name keeps its place
])
def test_what_a_model_company_takes_from_the_places(text, firm, kept):
    from ner.combine import finalize
    from ner.types import Span

    start = text.index(firm)
    spans = [Span(start, start + len(firm), "COMPANY", firm, 0.95)]
    assert [(s.text, s.label) for s in finalize(text, spans, **SAVED_POLICY)] == kept


def test_min_score_drops_unsure_model_spans_only():
    from ner.combine import finalize
    from ner.types import Span

    text = "欧科亿与德智新材料在株洲"
    model = [Span(0, 3, "COMPANY", "欧科亿", 0.95), Span(4, 9, "COMPANY", "德智新材料", 0.6),
             Span(10, 12, "REGION", "株洲", 0.5)]
    kept = finalize(text, model, min_score={"COMPANY": 0.9})
    assert [s.text for s in kept] == ["欧科亿", "株洲"]  # a floor only for the type it names
    rule = Span(4, 9, "COMPANY", "德智新材料", None)  # a rule span has no score and is never dropped
    assert finalize(text, [rule], min_score={"COMPANY": 0.9}) == [rule]


def test_saved_policy_is_loaded_and_can_be_overridden(tmp_path, tiny_base, char_tokenizer):
    import ner
    from ner.model.modeling import new_model
    from ner.combine import MODEL_ONLY
    from ner.pipeline import saved_policy

    model_dir = tmp_path / "m"
    new_model(str(tiny_base), ["REGION", "COMPANY", "AMOUNT", "CAPACITY"]).save_pretrained(model_dir)
    char_tokenizer.save_pretrained(model_dir)
    (model_dir / "training_config.yaml").write_text(
        "model: {max_length: 64, overlap: 8}\n"
        "tag: {rules_only: [AMOUNT], rules_first: [COMPANY], rules_fill: [REGION], min_score: {COMPANY: 0.9}}\n",
        encoding="utf-8")
    tagger = ner.load(model_dir)
    assert (tagger.rules_only, tagger.rules_first, tagger.rules_fill) == (("AMOUNT",), ("COMPANY",), ("REGION",))
    assert tagger.max_length == 64
    bare = ner.load(model_dir, **MODEL_ONLY)
    assert tagger.min_score == {"COMPANY": 0.9}
    assert bare.rules_only == bare.rules_first == bare.rules_fill == () and bare.min_score == {}
    assert saved_policy(model_dir) == {"rules_only": ["AMOUNT"], "rules_first": ["COMPANY"], "rules_fill": ["REGION"],
                                       "min_score": {"COMPANY": 0.9}, "shapes": True}  # a key not saved: its default
    assert tagger.policy.shapes and not bare.policy.shapes
    assert tagger.policy.rules_only == ["AMOUNT"] and tagger.policy.min_score == {"COMPANY": 0.9}


def test_the_policy_is_checked_where_it_is_built_and_loaded(tmp_path, tiny_tagger):
    """One typed policy (ner.config.TagConfig): an unknown type or a floor outside [0, 1] is an error when a
    tagger is built with it and when a saved config is read, as when a config file is loaded."""
    import shutil

    import ner
    from ner.errors import ConfigError

    with pytest.raises(ConfigError, match=r"Tagger: tag.rules_first has unknown type\(s\) \['MONEY'\]"):
        ner.load(tiny_tagger, rules_first=["MONEY"])
    with pytest.raises(ConfigError, match="between 0 and 1"):
        ner.load(tiny_tagger, min_score={"COMPANY": 2})
    saved = tmp_path / "saved"
    shutil.copytree(tiny_tagger, saved)
    (saved / "training_config.yaml").write_text("tag: {rules_fill: [PERSON]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"training_config.yaml: tag.rules_fill has unknown type"):
        ner.load(saved)


# --- issue 18: a model that cannot serve is a one-line error, at once ----------------------------------

@pytest.fixture()
def model_dir(tmp_path, tiny_base, char_tokenizer):
    """A saved tagger for the four types (random head), as `ner train` would leave it."""
    from ner.model.modeling import new_model

    def make(types=("REGION", "COMPANY", "AMOUNT", "CAPACITY"), name="m"):
        folder = tmp_path / name
        new_model(str(tiny_base), list(types)).save_pretrained(folder)
        char_tokenizer.save_pretrained(folder)
        return folder

    return make


@pytest.fixture()
def no_hub(monkeypatch):
    """The Hugging Face hub unreachable (as offline), and counted: a local path must never ask it."""
    import huggingface_hub

    asked = []

    def unreachable(self, repo_id, **kw):
        asked.append(repo_id)
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", unreachable)
    return asked


def test_truncated_weights(model_dir):
    import ner
    from ner.errors import NerError

    folder = model_dir()
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(NerError, match=r"model.safetensors cannot be read .*truncated or corrupt"):
        ner.load(folder)


def test_base_encoder_is_not_a_tagger(tiny_base):
    import ner
    from ner.errors import NerError

    with pytest.raises(NerError, match=r"a base encoder \(BertModel\), not a tagger.*ner train"):
        ner.load(tiny_base)


def test_pickled_checkpoint_refused_by_weights_only(model_dir):
    import argparse

    from safetensors.torch import load_file

    import ner
    from ner.errors import NerError

    folder = model_dir()
    state = load_file(folder / "model.safetensors")
    (folder / "model.safetensors").unlink()
    torch.save({**state, "extra": argparse.Namespace()}, folder / "pytorch_model.bin")  # an object, not a tensor
    with pytest.raises(NerError, match=r"pytorch_model.bin: a pickled checkpoint that torch refuses .*weights_only"):
        ner.load(folder)


@pytest.mark.parametrize("name", ["runs/nosuch-model", "./nosuch", "a/b/c", "nosuch"])
def test_missing_model_path_fails_fast(name, no_hub, tmp_path, monkeypatch):
    import time

    import ner
    from ner.errors import NerError

    monkeypatch.chdir(tmp_path)
    t0 = time.time()
    with pytest.raises(NerError, match=rf"{name}: no such folder"):
        ner.load(name)
    assert time.time() - t0 < 5
    assert no_hub == (["runs/nosuch-model"] if name == "runs/nosuch-model" else [])  # only an org/name asks


def test_local_parent_folder_makes_a_path_not_a_hub_id(no_hub, tmp_path, monkeypatch):
    import ner
    from ner.errors import NerError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    with pytest.raises(NerError, match="runs/default: no such folder; check the path"):
        ner.load("runs/default")
    assert no_hub == []


def test_model_with_other_labels_is_an_error(model_dir):
    import ner
    from ner.errors import LabelMismatchError

    with pytest.raises(LabelMismatchError, match="differ from the configured labels"):
        ner.load(model_dir(types=("REGION", "COMPANY")))
    assert ner.load(model_dir(name="ok")).types == ["REGION", "COMPANY", "AMOUNT", "CAPACITY"]


def test_cli_model_errors_are_one_line(tiny_base, tmp_path):
    from click.testing import CliRunner

    from ner.cli import main

    doc = tmp_path / "a.txt"
    doc.write_text("总投资75亿元", encoding="utf-8")
    r = CliRunner().invoke(main, ["tag", "--model", str(tiny_base), str(doc), "-o", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "not a tagger" in r.output, r.output


def test_tag_refuses_a_bare_string(oracle):
    with pytest.raises(TypeError, match=r"a list of texts.*tagger\(text\)"):
        oracle().tag("总投资75亿元")


def test_one_text_or_many(oracle):
    """``tagger(text)`` and ``extract(text)`` give one result; a list gives one per text; ``tag`` wants a list."""
    tagger = oracle()
    texts = ["总投资75亿元", "项目总投资75亿元，"]
    assert tagger(texts[0]) == tagger.tag(texts[:1])[0] == [Span(3, 7, "AMOUNT", "75亿元")]
    assert tagger(texts) == tagger.tag(iter(texts)) == tagger.tag(tuple(texts))
    with pytest.raises(TypeError, match=r"takes a list of texts, got one string.*tagger\(text\) or tagger.tag\(\[text\]\)"):
        tagger.tag(texts[0])
    with pytest.raises(TypeError, match="takes texts as str, got NoneType"):
        tagger.tag([texts[0], None])
    one = tagger.extract(texts[0])
    assert set(one) == {"entities", "records"}
    assert one["entities"] == [{"start": 3, "end": 7, "label": "AMOUNT", "text": "75亿元", "score": one["entities"][0]["score"]}]
    assert tagger.extract(texts) == [one, tagger.extract(texts[1])]


def test_results_are_json_safe_in_one_shape(oracle):
    """Entities are ``Span.to_dict()`` everywhere, with plain JSON numbers even from numpy values."""
    import json

    import numpy as np

    s = Span(np.int64(3), np.int64(7), "AMOUNT", "75亿元", np.float32(0.987654))
    d = s.to_dict()
    assert d == {"start": 3, "end": 7, "label": "AMOUNT", "text": "75亿元", "score": 0.9877}
    assert [type(d[k]) for k in ("start", "end", "score")] == [int, int, float]
    assert Span.from_dict(json.loads(json.dumps(d))) == s
    out = oracle().extract(["总投资75亿元，在长沙市建设。", ""])
    assert json.loads(json.dumps(out, allow_nan=False)) == out
    assert out[0]["records"][0]["amounts"][0]["value"] is not None  # normalised values come along


def test_readme_first_example_offsets(tmp_path, tiny_base, char_tokenizer):
    """README: ``tagger("总投资75亿元")`` gives [3, 7) (checked with the rules deciding AMOUNT: a random model decides nothing reliably)."""
    import ner
    from ner.model.modeling import new_model

    model_dir = tmp_path / "m"
    new_model(str(tiny_base), ["REGION", "COMPANY", "AMOUNT", "CAPACITY"]).save_pretrained(model_dir)
    char_tokenizer.save_pretrained(model_dir)
    (model_dir / "training_config.yaml").write_text(
        "tag: {rules_only: [REGION, AMOUNT, CAPACITY], rules_fill: [COMPANY], min_score: {COMPANY: 1.0}}\n",
        encoding="utf-8")
    assert ner.load(model_dir)("总投资75亿元") == [Span(3, 7, "AMOUNT", "75亿元", None)]


@pytest.mark.parametrize("found, kept", [
    ("60亿元大", "60亿元"), ("110亿后", "110亿"), ("60亿元人民币", "60亿元"), ("75亿元", "75亿元"), ("85亿", "85亿"),
    ("两千多万元", "两千多万元"), ("8-10亿元", "8-10亿元"), ("51,080,000.00元", "51,080,000.00元"),
    ("10.77元", None), ("666元", None), ("133港元", None), ("2305", None), ("(3.800,0.00", None), ("几百万元", None),
    ("数千万人民币", None), ("6.2%", None), ("2000万股", None), ("1.5万吨", None), ("3000万元人民币投资", "3000万元"),
    ("5250亿比索", "5250亿比索"), ("250亿埃镑", "250亿埃镑"),  # currencies the list lacks keep their name
])
def test_model_amounts_take_the_form_the_guidelines_give(found, kept):
    """Cut back to the currency or magnitude; no number, no unit, or a price without 万/亿: no AMOUNT."""
    from ner.model_spans import model_shapes
    from ner.types import Span

    text = f"据悉{found}。"
    out = model_shapes([Span(2, 2 + len(found), "AMOUNT", found, 0.9), Span(0, 2, "AMOUNT", "据悉")])
    assert [s.text for s in out if s.score is not None] == ([kept] if kept else [])
    assert [s.text for s in out if s.score is None] == ["据悉"]  # rule spans are not the model's to cut
    assert all(text[s.start:s.end] == s.text for s in out)


@pytest.mark.parametrize("found, kept", [("泛海控股股东", "泛海控股"), ("百亚股份董事", "百亚股份"), ("晨兴资本（领投）", "晨兴资本"), ("沙特阿美旗下", "沙特阿美"), ("雷克萨斯品牌", "雷克萨斯"), ("特斯拉官网", "特斯拉"),
                                         ("ST云投", "ST云投"), ("高瓴创投", "高瓴创投"), ("大股东", None), ("中小股东", None),
                                         ("投资方大明光福集团有限公司", "大明光福集团有限公司"), ("乙方", None),
                                         ("招银国际领投", "招银国际"), ("鼎晖投资美元", "鼎晖投资"),
                                         # what the firm issues, owes or lists on, a time, what follows 的
                                         ("鼎龙股份发行股份", "鼎龙股份"), ("康跃科技股份有限公司股份", "康跃科技股份有限公司"),
                                         ("康跃投资借款", "康跃投资"), ("胜通长期借款", "胜通"), ("锦州银行股票", "锦州银行"),
                                         ("中广核电力深交所", "中广核电力"), ("老虎证券投行", "老虎证券"), ("港交所", None),
                                         ("德展健康今日", "德展健康"), ("胜通光科前", "胜通光科"), ("北网未来的有限合伙人", "北网未来"),
                                         ("宁德时代目前", "宁德时代"), ("德展健康日前", "德展健康"),
                                         # names that end so stay: 股份 after no 公司, 前 after one character, 的 after one
                                         ("鼎龙股份", "鼎龙股份"), ("目前", None), ("美的集团", "美的集团"), ("美的置业", "美的置业"),
                                         ("广东美的集团股份有限公司", "广东美的集团股份有限公司")])
def test_a_role_after_a_model_company_is_cut_off(found, kept):
    from ner.combine import finalize
    from ner.model_spans import model_shapes
    from ner.types import Span

    spans = [Span(0, len(found), "COMPANY", found, 0.95)]
    out = model_shapes(spans)
    assert [s.text for s in out] == ([kept] if kept else [])
    assert all(found[s.start:s.end] == s.text for s in out)
    assert [s.text for s in finalize(found, spans)] == [found]  # only with the policy's shapes


@pytest.mark.parametrize("found, kept", [("华为数字能源”）", "华为数字能源"), ("建投集团)", "建投集团"), ("《国家电网有限公司", "国家电网有限公司"),
                                         ("上海岳野股权投资管理合伙企业（有限合伙）", "上海岳野股权投资管理合伙企业（有限合伙）"),
                                         ("淡明（Truelight Capital）", "淡明（Truelight Capital）"), ("“）", None),
                                         ("华为数字能源（", "华为数字能源"), ("”华为数字能源", "华为数字能源"), ("鼎晖投资（美元", "鼎晖投资")])
def test_quotes_and_brackets_a_model_company_does_not_close_are_cut_off(found, kept):
    from ner.model_spans import model_shapes
    from ner.types import Span

    text = "据悉，" + found + "表示"
    out = model_shapes([Span(3, 3 + len(found), "COMPANY", found, 0.95)])
    assert [s.text for s in out] == ([kept] if kept else [])
    assert all(text[s.start:s.end] == s.text for s in out)


def test_a_company_name_found_once_is_one_wherever_it_occurs():
    from ner.company_names import consistent_companies
    from ner.types import Span

    text = "节卡机器人完成D轮融资。亿纬锂能与节卡机器人合作，亿纬锂能投资10亿元。中国银行与中国银行业协会。"
    spans = [Span(0, 5, "COMPANY", "节卡机器人", 0.97), Span(text.index("亿纬锂能"), text.index("亿纬锂能") + 3, "COMPANY", "亿纬锂", 0.95),
             Span(text.rindex("亿纬锂能"), text.rindex("亿纬锂能") + 4, "COMPANY", "亿纬锂能", 0.96),
             Span(text.index("中国银行"), text.index("中国银行") + 4, "COMPANY", "中国银行", 0.99)]
    got = [(s.start, s.text) for s in consistent_companies(text, spans)]
    assert got == [(0, "节卡机器人"), (text.index("亿纬锂能"), "亿纬锂能"), (text.index("与节卡") + 1, "节卡机器人"),
                   (text.rindex("亿纬锂能"), "亿纬锂能"), (text.index("中国银行"), "中国银行")]  # not 中国银行业协会


def test_a_short_firm_name_found_again_takes_the_place_it_starts_with():
    from ner.company_names import consistent_companies
    from ner.types import Span

    # whole-article dev gold: 中国铁塔 is a firm wherever it stands, not 中国 + 铁塔; a longer name (中国半导体) leaves the place
    text = "中国铁塔招标储能。与中国铁塔不同，中国半导体企业。中国半导体"
    spans = [Span(0, 4, "COMPANY", "中国铁塔", 0.99), Span(10, 12, "REGION", "中国", None),
             Span(17, 19, "REGION", "中国", None), Span(25, 30, "COMPANY", "中国半导体", 0.95)]
    got = [(s.start, s.text, s.label) for s in consistent_companies(text, spans)]
    assert got == [(0, "中国铁塔", "COMPANY"), (10, "中国铁塔", "COMPANY"), (17, "中国", "REGION"), (25, "中国半导体", "COMPANY")]
    oil = [Span(0, 4, "COMPANY", "中国石油", 0.99), Span(7, 9, "REGION", "中国", None)]  # an industry's name: 中国's oil imports
    assert [s.label for s in consistent_companies("中国石油投资。中国石油进口量", oil)] == ["COMPANY", "REGION"]


def test_a_registered_names_stem_is_the_company_and_takes_the_place_it_starts_with():
    from ner.company_names import consistent_companies
    from ner.types import Span

    text = "湖北华昌新材料项目落户黄石。湖北华昌新材料有限公司总投资15亿元。"
    spans = [Span(0, 2, "REGION", "湖北", None), Span(11, 13, "REGION", "黄石", None),
             Span(text.index("湖北华昌新材料有限公司"), text.index("湖北华昌新材料有限公司") + 11, "COMPANY", "湖北华昌新材料有限公司", 0.99)]
    got = [(s.text, s.label) for s in consistent_companies(text, spans)]
    assert got == [("湖北华昌新材料", "COMPANY"), ("黄石", "REGION"), ("湖北华昌新材料有限公司", "COMPANY")]
    short = [Span(0, 6, "COMPANY", "华为有限公司", 0.99)]  # a stem under four characters is left to the model
    assert consistent_companies("华为有限公司与华为合作", short) == short


@pytest.mark.parametrize("name, split", [
    ("德国迪索公司", [("德国迪索公司", "COMPANY")]),  # a Chinese name: left to the model
    ("美国Fisker", [("美国", "REGION"), ("Fisker", "COMPANY")]),
    ("沙特阿美", [("沙特阿美", "COMPANY")]),        # a name that holds its country stays whole
    ("中国能建江苏电力设计院有限公司", [("中国能建江苏电力设计院有限公司", "COMPANY")]),
])
def test_a_country_before_a_foreign_firm_is_a_place(name, split):
    from ner.company_names import foreign_firms
    from ner.types import Span

    assert [(s.text, s.label) for s in foreign_firms(name, [Span(0, len(name), "COMPANY", name, 0.99)])] == split


@pytest.mark.parametrize("text, name, kept", [
    ("委任钟国斌为独立非执行董事。钟国斌获委任", "钟国斌", False),  # a person, in every mention
    ("控股股东为万科，万科持有公司57%股份", "万科", True),  # a firm stands after 控股股东 as often
    ("王传福先生表示", "王传福", False),
    ("控股股东为华策集团", "华策集团", True),  # a firm after the same title
    ("李宁公司在厦门投资", "李宁", True),  # no title, no honorific
])
def test_a_persons_name_is_no_company(text, name, kept):
    from ner.model_spans import veto_non_companies
    from ner.types import Span

    spans = [Span(m.start(), m.end(), "COMPANY", name, 0.99) for m in re.finditer(name, text)]
    assert bool(veto_non_companies(spans, text)) is kept


@pytest.mark.parametrize("text, name, kept", [
    ("晶科推出N型Tiger Neo系列组件。Tiger Neo出货量大增", "Tiger Neo", False),
    ("比亚迪携全新储能产品BYD Cube亮相。", "BYD Cube", False),
    ("主要有Powerwall（家用储能电池）等产品", "Powerwall", False),
    ("宁德时代与BMW签署协议", "BMW", True),
    ("宁德时代为BMW车型提供动力电池", "BMW", True),  # a product word after a firm it supplies
])
def test_a_latin_product_name_is_no_company(text, name, kept):
    from ner.model_spans import veto_non_companies
    from ner.types import Span

    spans = [Span(m.start(), m.end(), "COMPANY", name, 0.99) for m in re.finditer(re.escape(name), text)]
    assert bool(veto_non_companies(spans, text)) is kept


@pytest.mark.parametrize("text, kept", [
    ("维科网锂电注意到，欣旺达在宜昌投资。维科网锂电认为", ["欣旺达"]),   # an outlet: every mention of its name
    ("央视财经此前报道称，特斯拉将扩产。", ["特斯拉"]),
    ("记者从宁德时代获悉，该项目投资100亿元。", ["宁德时代"]),           # a firm as the source stays
    ("记者从市发改委、宁德时代获悉，宁德时代洛阳基地", ["宁德时代"]),
    ("通威股份近日获悉，公司成为中标候选人。", ["通威股份"]),  # 获悉 after a firm's name: the firm learnt it
])
def test_the_subject_of_a_reporters_verb_is_no_company(text, kept):
    from ner.model_spans import veto_non_companies
    from ner.types import Span

    names = ("维科网锂电", "欣旺达", "央视财经", "特斯拉", "宁德时代", "通威股份")
    spans = [Span(m.start(), m.end(), "COMPANY", n, 0.99) for n in names for m in re.finditer(n, text)]
    assert sorted({s.text for s in veto_non_companies(spans, text)}) == sorted(kept)


@pytest.mark.parametrize("text, company, want", [
    ("法国可再生能源公司Neoen在澳洲建储能电站", "法国可再生能源公司", [("法国", "REGION"), ("Neoen", "COMPANY")]),
    ("马来西亚大型制造集团公司EP Manufacturing Bhd参与合作", "马来西亚大型制造集团公司",
     [("马来西亚", "REGION"), ("EP Manufacturing Bhd", "COMPANY")]),
    ("日本电力公司等企业在内", "日本电力公司", [("日本电力公司", "COMPANY")]),  # no Latin name: may be a name (韩国电力公司)
    ("美国电动汽车巨头特斯拉宣布", "美国电动汽车巨头", [("美国", "REGION")]),  # a description that names no one firm
    ("美国太阳能公司First Solar 2023年营收", "美国太阳能公司", [("美国", "REGION"), ("First Solar", "COMPANY")]),
    ("印尼国有矿业公司MIND ID与", "印尼国有矿业公司", [("印尼", "REGION"), ("MIND ID", "COMPANY")]),
    ("荷兰飞利浦公司在苏州投资", "荷兰飞利浦公司", [("荷兰飞利浦公司", "COMPANY")]),  # a name: stays whole
    ("德国大众汽车集团在合肥投资", "德国大众汽车集团", [("德国大众汽车集团", "COMPANY")]),
])
def test_a_country_before_what_a_firm_is_is_a_place(text, company, want):
    from ner.company_names import foreign_firms
    from ner.types import Span

    spans = [Span(0, len(company), "COMPANY", company, 0.99)]
    assert [(s.text, s.label) for s in foreign_firms(text, spans)] == want


@pytest.mark.parametrize("text, found, name, again", [
    ("ABB在厦门投资。瑞典乐队ABBA的歌曲。", (0, 3), "ABB", []),           # not inside a Latin word
    ("远景在江苏投资。2035年远景目标。", (0, 2), "远景", []),               # two Chinese characters inside a word
    ("有赞完成融资。有赞表示，与有赞合作。", (0, 2), "有赞", [(7, 9), (13, 15)]),  # where they start a word
    ("节卡机器人完成融资。节卡机器人将扩产。", (0, 5), "节卡机器人", [(10, 15)]),
])
def test_a_name_is_found_again_only_where_it_stands_as_a_word(text, found, name, again):
    from ner.company_names import consistent_companies
    from ner.types import Span

    got = consistent_companies(text, [Span(*found, "COMPANY", name, 0.99)])
    assert [(s.start, s.end) for s in got if s.score is None] == again


def test_a_citys_firm_does_not_take_its_city_elsewhere():
    from ner.company_names import consistent_companies
    from ner.types import Span

    text = "宜宾市新能源有限公司与宁德时代签约。宜宾市新能源汽车零部件产业园项目总投资50亿元。"
    i = text.index("宜宾市新能源汽车")
    spans = [Span(0, 10, "COMPANY", "宜宾市新能源有限公司", 0.99), Span(i, i + 3, "REGION", "宜宾市", None)]
    assert [(s.text, s.label) for s in consistent_companies(text, spans)] == [("宜宾市新能源有限公司", "COMPANY"), ("宜宾市", "REGION")]


def test_a_person_named_with_a_title_once_is_no_company_in_any_mention():
    from ner.model_spans import veto_non_companies
    from ner.types import Span

    text = "公司控股股东、实际控制人傅梅城（现持有30%）。一个月内，大策投资、傅梅城拟通过大宗交易减持。" \
           "公司以1.39亿元购买陈享郭、彭德军等5位自然人所持股权；比亚迪、长城等车企合作。"
    later = text.rindex("傅梅城")
    spans = [Span(later, later + 3, "COMPANY", "傅梅城", 0.96)]
    spans += [Span(text.index(n), text.index(n) + len(n), "COMPANY", n, 0.95) for n in ("大策投资", "陈享郭", "彭德军", "比亚迪", "长城")]
    assert [s.text for s in veto_non_companies(spans, text)] == ["大策投资", "比亚迪", "长城"]


def test_review_a_company_inside_a_persons_name_or_in_a_list_without_a_count_stays():
    from ner.model_spans import veto_non_companies
    from ner.types import Span

    for text, name in (("总经理金龙华表示，金龙将投资10亿元建设新工厂。", "金龙"), ("本轮融资由高瓴、李明等自然人投资者参与。", "高瓴")):
        at = text.rindex(name)
        assert [s.text for s in veto_non_companies([Span(at, at + len(name), "COMPANY", name, 0.95)], text)] == [name]


@pytest.mark.parametrize("text, found, kept", [
    ("营业收入4.2亿元、5.84亿元、5.91亿元，分别", ["4.2亿元、5.84亿元、5.91亿元"], ["4.2亿元", "5.84亿元", "5.91亿元"]),
    ("增持金额1亿元至2亿元。", ["1亿元", "2亿元"], ["1亿元至2亿元"]),  # a range is one span
    ("估值达18至20亿元人民币", ["20亿元"], ["18至20亿元"]),
    ("注册资本有13亿多元。", ["13亿"], ["13亿多元"]),  # 多/余 inside stay in
    ("贡献近50亿港币机构订单", ["50亿"], ["50亿港币"]),
    ("从300万人民币到3000万美元不等", ["300万人民币", "3000万美元"], ["300万人民币", "3000万美元"]),  # two currencies
    ("合计约 135,836.66 万元人民币", ["135,836.66 万元"], ["135,836.66 万元"]),  # a thousands comma is no list
    ("2019年至2020年投资10亿元", ["10亿元"], ["10亿元"]),
    ("投资50亿多元化发展", ["50亿"], ["50亿"]),  # 多元化 is no currency
    ("编号2021-10亿元", ["10亿元"], ["10亿元"]),  # a code's end is no range
    ("营收由10亿元到20亿元", ["10亿元", "20亿元"], ["10亿元", "20亿元"]),  # a change, not a range
    ("项目总投资2000至3000万元", ["3000万元"], ["2000至3000万元"]),  # a number like a year, before 至: a range
    ("单笔投资从1000万元到5000万元不等", ["1000万元", "5000万元"], ["1000万元到5000万元"]),
])
def test_model_amounts_take_the_guidelines_form_from_the_text_around_them(text, found, kept):
    from ner.combine import finalize
    from ner.model_spans import amount_forms
    from ner.types import Span

    spans = []
    for f in found:
        i = text.index(f, spans[-1].end if spans else 0)
        spans.append(Span(i, i + len(f), "AMOUNT", f, 0.95))
    out = amount_forms(text, spans)
    assert [s.text for s in out] == kept
    assert all(text[s.start:s.end] == s.text for s in out)
    assert [s.text for s in finalize(text, spans)] == found  # only with the policy's shapes
    assert [s.text for s in finalize(text, spans, shapes=True)] == kept
