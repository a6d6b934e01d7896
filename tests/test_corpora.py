"""Public-corpus readers on inline fixtures (offsets, mappings, the `labelled` rules) and on the real data."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from ner.data import corpora
from ner.data.formats import to_hf_dataset
from ner.errors import AnnotationError, InputError
from ner.types import Span, check_article

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NAMES = frozenset({"北京", "长沙", "中国", "湖南"})  # a tiny gazetteer, so fixtures never read the real corpus


def spans(article) -> list[tuple[str, str]]:
    return [(s.text, s.label) for s in article.entities]


def write_lines(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# --- CLUENER2020 ------------------------------------------------------------------------------------

def test_cluener_inclusive_end_offsets_become_half_open(tmp_path):
    text = "浙商银行在杭州市西湖区开设分行。"
    f = write_lines(tmp_path / "train.json", [{"text": text, "label": {
        "company": {"浙商银行": [[0, 3]]}, "address": {"杭州市西湖区": [[5, 10]]}, "government": {"x": []}}}])
    (a,) = corpora.read_cluener(tmp_path, region_names=NAMES)
    assert a.entities == [Span(0, 4, "COMPANY", "浙商银行"), Span(5, 11, "REGION", "杭州市西湖区")]
    assert a.labelled == ("COMPANY", "REGION") and a.id == "cluener/train/1"
    assert corpora.read_cluener(f, region_names=NAMES)[0].entities == a.entities  # a file path works too


@pytest.mark.parametrize("label, expected_labelled, why", [
    ({"address": {"北京市朝阳区东土城路8号": [[0, 11]]}}, ("COMPANY",), "dropped address holds a region"),
    ({"address": {"北京市朝阳区": [[0, 5]]}, "position": {"东土城路8号": [[6, 11]]}}, ("COMPANY",), "place host"),
    ({"address": {"东土城路": [[6, 9]]}}, ("COMPANY",), "北京 left unlabelled (and a dropped street)"),
    ({"address": {"北京市朝阳区": [[0, 5]]}}, ("COMPANY", "REGION"), "everything labelled"),
])
def test_cluener_region_claim_rules(tmp_path, label, expected_labelled, why):
    write_lines(tmp_path / "train.json", [{"text": "北京市朝阳区东土城路8号开业", "label": label}])
    (a,) = corpora.read_cluener(tmp_path, region_names=NAMES)
    assert a.labelled == expected_labelled, why
    assert all(s.label != "REGION" or corpora.is_region_mention(s.text) for s in a.entities)


def test_cluener_unlabelled_region_name_stops_the_claim(tmp_path):
    write_lines(tmp_path / "dev.json", [{"text": "比亚迪在长沙建厂", "label": {"company": {"比亚迪": [[0, 2]]}}},
                                         {"text": "比亚迪建厂", "label": {"company": {"比亚迪": [[0, 2]]}}}])
    a, b = corpora.read_cluener(tmp_path, split="dev", region_names=NAMES)
    assert a.labelled == ("COMPANY",) and b.labelled == ("COMPANY", "REGION")
    assert corpora.read_cluener(tmp_path, split="dev", region_names=())[0].labelled == ("COMPANY", "REGION")


def test_cluener_misaligned_offsets(tmp_path):
    write_lines(tmp_path / "train.json", [{"text": "浙商银行开业", "label": {"company": {"浙商银行": [[0, 4]]}}}])
    with pytest.raises(AnnotationError, match=r"train\.json:1: company \[0, 4\] \(inclusive end\): text found "
                                              r"'浙商银行开', text expected '浙商银行'"):
        corpora.read_cluener(tmp_path, region_names=NAMES)


@pytest.mark.parametrize("mention, expected", [
    ("长沙市望城区", True), ("望城经开区", True), ("粤港澳大湾区", True), ("长三角", True), ("湖南", True),
    ("美国", True), ("海淀区学院路街道", True), ("上海", True), ("青岛", True), ("广东佛山", True), ("路北区", True),
    ("北京市朝阳区和平里东土城路8号", False), ("学院路", False), ("中关村", False), ("帝国大厦", False),
    ("安苑小区", False), ("长江", False), ("泰山", False), ("杭州市建委", False), ("鸿恩寺位于江北区", False),
    ("亚运村西边", False), ("美廉美超市", False), ("世博园", False), ("cbd", False),
])
def test_is_region_mention(mention, expected):
    assert corpora.is_region_mention(mention) is expected


# --- FewFC ------------------------------------------------------------------------------------------

def fewfc_row(text, mentions):
    return {"id": "h1", "content": text, "events": [{"type": "投资", "mentions": [
        {"word": text[s:e], "span": [s, e], "role": r} for s, e, r in mentions]}]}


def test_fewfc_amount_span_trimmed_and_claimed(tmp_path):
    text = "世纪华通作价约为298.03亿元收购盛跃网络"
    write_lines(tmp_path / "train_base.json", [fewfc_row(text, [(0, 4, "sub"), (6, 16, "money"), (18, 22, "obj")])])
    (a,) = corpora.read_fewfc(tmp_path / "train_base.json")
    assert spans(a) == [("298.03亿元", "AMOUNT")] and a.labelled == ("AMOUNT",) and a.id == "fewfc/train_base/h1"
    orgs = {**corpora.FEWFC_LABELS, **corpora.FEWFC_COMPANY_ROLES}
    with_company = corpora.read_fewfc(tmp_path / "train_base.json", mapping=orgs)
    assert spans(with_company[0]) == [("世纪华通", "COMPANY"), ("298.03亿元", "AMOUNT"), ("盛跃网络", "COMPANY")]
    assert with_company[0].labelled == ("AMOUNT",)  # COMPANY gives positives, never a claim by default


def test_fewfc_unlabelled_money_and_persons(tmp_path):
    text = "王亚伟以每股10元增持，共3亿元"
    write_lines(tmp_path / "x.json", [fewfc_row(text, [(0, 3, "sub"), (0, 3, "sub-per"), (13, 16, "money")])])
    (a,) = corpora.read_fewfc(tmp_path / "x.json", mapping={**corpora.FEWFC_LABELS, **corpora.FEWFC_COMPANY_ROLES})
    assert spans(a) == [("3亿元", "AMOUNT")]  # 王亚伟 is a person
    assert a.labelled == ()  # 10元 is money that no event argument labels


@pytest.mark.parametrize("mention, expected", [
    ("约为9742.92万元", "9742.92万元"), ("310万元/年", "310万元"), ("不超过1800万元", "1800万元"),
    ("5亿元人民币", "5亿元"), ("21亿元-26亿元", "21亿元-26亿元"), ("两千多万元", "两千多万元"), ("格为3.18", "3.18"),
])
def test_trim_amount(mention, expected):
    text = f"前{mention}后"
    s, e = corpora.trim_amount(text, 1, 1 + len(mention))
    assert text[s:e] == expected


# --- MSRA -------------------------------------------------------------------------------------------

def test_msra_iob2_loc_to_region(tmp_path):
    (tmp_path / "msra_train_bio").write_text(
        "中\tB-LOC\n国\tI-LOC\n银\tB-ORG\n行\tI-ORG\n在\tO\n长\tB-LOC\n沙\tI-LOC\n\n"
        "长\tB-LOC\n江\tI-LOC\n流\tO\n经\tO\n长\tB-LOC\n沙\tI-LOC\n\n李\tB-PER\n\n长\tB-LOC\n江\tI-LOC\n", encoding="utf-8")
    a, b, c = corpora.read_msra(tmp_path, region_names=NAMES)  # the 4th (only 长江) teaches nothing: left out
    assert spans(a) == [("中国", "REGION"), ("长沙", "REGION")] and a.labelled == ("REGION",)
    assert spans(b) == [("长沙", "REGION")] and b.labelled == ()  # 长江 dropped: REGION no longer claimed
    assert spans(c) == [] and c.labelled == ("REGION",) and c.id == "msra/msra_train_bio/3"


def test_msra_bad_tag(tmp_path):
    (tmp_path / "msra_test_bio").write_text("中\tB-LOC\n国\tX-LOC\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"msra_test_bio: sentence at line 1: tag 'X-LOC' is not IOB2"):
        corpora.read_msra(tmp_path, split="test", region_names=NAMES)


# --- address corpus ---------------------------------------------------------------------------------

ADDRESS = """山 B-prov
东 M-prov
省 E-prov
青 B-city
岛 M-city
市 E-city
崂 B-district
山 M-district
区 E-district
北 B-town
宅 M-town
街 M-town
道 E-town
新 B-poi
康 M-poi
苑 E-poi
170 B-roomno
##3 E-roomno

中 S-redundant
国 S-redundant
湖 B-prov
南 E-prov
长 B-road
沙 M-road
路 E-road
8 B-houseno
号 E-houseno

[UNK] B-district
区 E-district
"""


def test_address_chain_is_one_region_span(tmp_path):
    (tmp_path / "train.txt").write_text(ADDRESS, encoding="utf-8")
    a, b = corpora.read_address(tmp_path)
    assert a.text == "山东省青岛市崂山区北宅街道新康苑1703"
    assert spans(a) == [("山东省青岛市崂山区北宅街道", "REGION")] and a.labelled == ("REGION",)
    assert spans(b) == [("湖南", "REGION")] and b.labelled == ()  # a redundant part: 中国 left as O
    gaz = corpora.gazetteer_from_address_corpus(tmp_path, splits=("train",))
    assert gaz == {"prov": {"山东省", "湖南"}, "city": {"青岛市"}, "district": {"崂山区"}, "devzone": set(),
                   "town": {"北宅街道"}}


def test_address_bad_tag(tmp_path):
    (tmp_path / "dev.txt").write_text("山 B-prov\n东 X-prov\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"dev\.txt:1: tag 'X-prov' is not BMES"):
        corpora.read_address(tmp_path, split="dev")


# --- shared behaviour -------------------------------------------------------------------------------

# referenced: its file is ours (a wrong path is an error); its texts' corpora being absent is tested below
@pytest.mark.parametrize("name", [n for n in corpora.CORPORA if n != "referenced"])
def test_absent_corpus_logs_one_line_and_returns_nothing(name, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="ner.data.corpora"):
        assert corpora.load_corpus(name, path=tmp_path / "nowhere") == []
    (record,) = caplog.records
    assert f"corpus {name} not found at" in record.getMessage() and "get it from https://" in record.getMessage()


def test_limit_seed_split_and_mapping_errors(tmp_path):
    write_lines(tmp_path / "train.json", [{"text": f"公司{i}", "label": {"company": {f"公司{i}": [[0, 2]]}}}
                                           for i in range(10)])
    first = corpora.load_corpus("cluener", path=tmp_path, limit=3)
    assert [a.text for a in first] == ["公司0", "公司1", "公司2"]
    s1 = corpora.read_cluener(tmp_path, limit=4, seed=7, region_names=NAMES)
    s2 = corpora.read_cluener(tmp_path, limit=4, seed=7, region_names=NAMES)
    assert [a.id for a in s1] == [a.id for a in s2] and len(s1) == 4
    with pytest.raises(InputError, match="unknown split 'validation'; choose one of train, dev"):
        corpora.read_cluener(tmp_path, split="validation")
    with pytest.raises(InputError, match="targets unknown type"):
        corpora.read_cluener(tmp_path, mapping={"company": "ORG"})
    with pytest.raises(InputError, match="unknown corpus 'ontonotes'"):
        corpora.load_corpus("ontonotes")


def test_corpus_articles_to_hf_dataset(tmp_path):
    (tmp_path / "train.txt").write_text(ADDRESS, encoding="utf-8")
    ds = to_hf_dataset(corpora.read_address(tmp_path))
    assert ds["labelled"] == [["REGION"], []]
    assert ds[0]["entities"] == [{"start": 0, "end": 13, "label": "REGION", "text": "山东省青岛市崂山区北宅街道"}]


# --- the real corpora -------------------------------------------------------------------------------

@pytest.mark.skipif(not SHARED_DATA.exists(), reason=f"{SHARED_DATA} absent")
@pytest.mark.parametrize("name, folder, split", [
    ("cluener", "cluener2020", "dev"), ("fewfc", "fewfc", "train"), ("msra", "msra", "test"),
    ("address", "address_parsing", "dev"),
])
def test_real_corpus(name, folder, split):
    if not (SHARED_DATA / folder).exists():
        pytest.skip(f"{SHARED_DATA / folder} absent")
    kwargs = {"region_names": NAMES} if name in ("cluener", "msra") else {}
    arts = corpora.CORPORA[name](SHARED_DATA / folder, split=split, limit=300, **kwargs)
    assert len(arts) == 300
    assert sum(len(a.entities) for a in arts) > 50
    for a in arts:
        assert check_article(a) == []
        assert a.labelled is not None and set(a.labelled) <= {"COMPANY", "REGION", "AMOUNT"}


@pytest.mark.skipif(not (SHARED_DATA / "address_parsing").exists(), reason="address corpus absent")
def test_real_gazetteer():
    gaz = corpora.gazetteer_from_address_corpus(SHARED_DATA / "address_parsing", splits=("dev",))
    assert {"山东省", "广东省"} <= gaz["prov"] and "青岛市" in gaz["city"] and len(gaz["devzone"]) > 50
    assert not any("[UNK]" in n for names in gaz.values() for n in names)


# --- gold annotations stored by reference -----------------------------------------------------------

def _refs(tmp_path, monkeypatch, sha1=None):
    data = tmp_path / "data"
    (data / "msra").mkdir(parents=True)
    (data / "msra" / "msra_test_bio").write_text("长\tB-LOC\n沙\tI-LOC\n投\tO\n资\tO\n", encoding="utf-8")
    monkeypatch.setenv("NER_SHARED_DATA", str(data))
    row = {"id": "msra/msra_test_bio/1", "part": "test", "corpus": "msra", "split": "test",
           "sha1": sha1 or corpora.text_digest("长沙投资"),
           "entities": [{"start": 0, "end": 2, "label": "REGION", "text": "长沙"}]}
    return write_lines(tmp_path / "refs.jsonl", [row])


def test_referenced_gold_reads_the_corpus_text(tmp_path, monkeypatch):
    (a,) = corpora.read_referenced(_refs(tmp_path, monkeypatch))
    assert a.text == "长沙投资" and spans(a) == [("长沙", "REGION")] and a.labelled is None  # all types gold
    assert corpora.read_referenced(tmp_path / "refs.jsonl", part="dev") == []


def test_referenced_gold_with_other_text_is_an_error(tmp_path, monkeypatch):
    path = _refs(tmp_path, monkeypatch, sha1="0" * 40)
    with pytest.raises(AnnotationError, match=r"refs.jsonl:1: the text of msra/msra_test_bio/1 does not match its sha1"):
        corpora.read_referenced(path)


def test_referenced_gold_of_an_absent_corpus_is_skipped(tmp_path, monkeypatch):
    path = _refs(tmp_path, monkeypatch)
    monkeypatch.setenv("NER_SHARED_DATA", str(tmp_path / "nowhere"))
    assert corpora.read_referenced(path) == []


def test_referenced_gold_as_a_training_corpus(tmp_path, monkeypatch):
    path = _refs(tmp_path, monkeypatch)
    (a,) = corpora.load_corpus("referenced", path=str(path), split="test")
    assert a.text == "长沙投资" and spans(a) == [("长沙", "REGION")]
    assert len(corpora.load_corpus("referenced", path=str(path), split="all")) == 1
    with pytest.raises(InputError, match=r"refs.jsonl has no line with part 'dev'"):
        corpora.load_corpus("referenced", path=str(path), split="dev")  # a typo in the part is no silent empty mix
    with pytest.raises(InputError, match="give path, the .refs.jsonl file"):
        corpora.load_corpus("referenced", split="test")
    with pytest.raises(InputError, match="is not a file"):
        corpora.load_corpus("referenced", path=str(tmp_path), split="test")
    monkeypatch.setenv("NER_SHARED_DATA", str(tmp_path / "nowhere"))  # a user without ../shared/data
    assert corpora.load_corpus("referenced", path=str(path), split="test") == []


@pytest.mark.skipif(not (SHARED_DATA / "msra").exists() or not (SHARED_DATA / "fewfc").exists(),
                    reason="MSRA or FewFC absent")
def test_heldout_investment_news_resolves():
    path = Path(__file__).resolve().parents[1] / "data" / "heldout" / "investment_news.refs.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    part_of = {row["id"]: row["part"] for row in rows}
    articles = corpora.read_referenced(path)  # one read: resolving the texts reads whole corpora
    dev = [a for a in articles if part_of[a.id] == "dev"]
    test = [a for a in articles if part_of[a.id] == "test"]
    assert len(dev) + len(test) == len(rows) and len(dev) == 160 and len(test) == 130
    assert not {a.id for a in dev} & {a.id for a in test}
