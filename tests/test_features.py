"""Alignment of character tags to tokens, for both tokenizer kinds."""
import pytest

from ner.labels import label_maps
from ner.model.features import IGNORE, featurize, tokenize_article
from ner.types import Span

from conftest import ME5, TEXTS

ID2LABEL, LABEL2ID = label_maps()


def labelled_tokens(text, tok, spans):
    f = featurize(text, tok, 512, 16, spans, LABEL2ID)
    ids, labels = f.input_ids[0], f.labels[0]
    content = f.template.content(len(ids))
    toks = f.tokens
    out = [(text[a:b], ID2LABEL[l]) for (a, b), l in zip(toks.offsets, labels[content]) if l != IGNORE]
    return out, f


def find(text, surface, label):
    i = text.index(surface)
    return Span(i, i + len(surface), label, surface)


@pytest.fixture(params=["char", "piece"])
def tokenizer(request, char_tokenizer, piece_tokenizer):
    return char_tokenizer if request.param == "char" else piece_tokenizer


def test_offsets_point_into_original_text(tokenizer):
    text = TEXTS[3]  # full-width digits, U+3000, ASCII spaces, Latin
    toks = tokenize_article(text, tokenizer)
    for (a, b), scored in zip(toks.offsets, toks.scored):
        if scored:
            assert 0 <= a < b <= len(text) and not text[a].isspace() and not text[b - 1].isspace()
    covered = {i for (a, b), s in zip(toks.offsets, toks.scored) if s for i in range(a, b)}
    assert all(text[i].isspace() or i in covered for i in range(len(text)))  # no visible char lost


@pytest.mark.parametrize("surface, label", [("２０２３", "CAPACITY"), ("4000万台", "CAPACITY"), ("华为", "COMPANY"),
                                            ("ABC公司", "COMPANY"), ("P30", "COMPANY")])
def test_digits_latin_fullwidth_spans_align(tokenizer, surface, label):
    text = TEXTS[3]
    span = find(text, surface, label)
    pairs, f = labelled_tokens(text, tokenizer, [span])
    assert f.misaligned == []
    tagged = "".join(t for t, lab in pairs if lab != "O")
    assert tagged == surface.replace(" ", "")
    assert [lab for t, lab in pairs if lab != "O"][0] == f"B-{label}"


def test_boundary_inside_a_piece_is_reported_not_shifted(piece_tokenizer):
    # The piece tokenizer has "市望": an entity starting at 望 begins inside that piece.
    text = TEXTS[0]
    span = find(text, "望城经开区", "REGION")
    toks = tokenize_article(text, piece_tokenizer)
    assert any(text[a:b] == "市望" for a, b in toks.offsets)
    pairs, f = labelled_tokens(text, piece_tokenizer, [span])
    assert f.misaligned == [span]
    assert ("市望", "B-REGION") not in pairs and ("市望", "O") not in pairs  # ignored, not guessed


def test_isolated_characters_bring_an_edge_inside_a_piece_within_reach(piece_tokenizer):
    """model.isolate: 市 split off, 望城经开区 aligns; the split applies once."""
    import copy

    from ner.model.modeling import isolate_characters

    text = TEXTS[0]
    span = find(text, "望城经开区", "REGION")
    tok = isolate_characters(copy.deepcopy(piece_tokenizer), "[市]")
    assert not any(text[a:b] == "市望" for a, b in tokenize_article(text, tok).offsets)
    assert labelled_tokens(text, tok, [span])[1].misaligned == []
    assert labelled_tokens(text, piece_tokenizer, [span])[1].misaligned == [span]  # the fixture is untouched
    assert isolate_characters(copy.deepcopy(piece_tokenizer), None).tokenize(text) == piece_tokenizer.tokenize(text)
    before = tok.backend_tokenizer.to_str()
    assert isolate_characters(tok, "[市]").backend_tokenizer.to_str() == before  # applied once only


def test_isolated_characters_survive_save_and_load_of_the_encoders_own_tokenizer(tmp_path):
    """XLMRobertaTokenizer rebuilds its pre-tokenizer on load; save_tokenizer makes every loader read the split."""
    from transformers import AutoTokenizer

    from ner.model.modeling import isolate_characters, load_tokenizer, save_tokenizer

    if not ME5.is_dir():
        pytest.skip(f"{ME5} not present")
    pattern = "[^\\p{L}\\p{N}\\s▁]|[在是与]"
    text = "硅产业是中国大陆最大，惠州（4GWh）"
    plain = load_tokenizer(str(ME5))
    assert "是中国" in plain.tokenize(text)
    tok = isolate_characters(load_tokenizer(str(ME5)), pattern)
    assert "是中国" not in tok.tokenize(text) and "中国" in tok.tokenize(text)
    save_tokenizer(tok, tmp_path, pattern)
    for loaded in (load_tokenizer(str(tmp_path)), AutoTokenizer.from_pretrained(tmp_path)):
        assert loaded.tokenize(text) == tok.tokenize(text)
        assert loaded(text, return_offsets_mapping=True)["offset_mapping"] == tok(text, return_offsets_mapping=True)["offset_mapping"]
    resaved = tmp_path / "again"  # a later stage saves the generic tokenizer it loaded, without the option
    save_tokenizer(load_tokenizer(str(tmp_path)), resaved)
    assert '"PreTrainedTokenizerFast"' in (resaved / "tokenizer_config.json").read_text(encoding="utf-8")
    assert load_tokenizer(str(resaved)).tokenize(text) == tok.tokenize(text)
    other = "湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元。Tiger Neo ABC公司"
    assert load_tokenizer(str(tmp_path))(other)["input_ids"] == isolate_characters(plain, pattern)(other)["input_ids"]


def test_bare_metaspace_piece_is_not_scored(piece_tokenizer):
    toks = tokenize_article(TEXTS[3], piece_tokenizer)
    for (a, b), s, i in zip(toks.offsets, toks.scored, toks.input_ids):
        if piece_tokenizer.convert_ids_to_tokens(i) == "▁":
            assert not s


def test_windows_share_one_featurisation(char_tokenizer):
    text = "".join(TEXTS) * 5
    spans = [find(text, "75亿元", "AMOUNT")]
    f = featurize(text, char_tokenizer, 32, 8, spans, LABEL2ID)
    assert len(f.windows) > 3
    for w, ids, labels in zip(f.windows, f.input_ids, f.labels):
        assert len(ids) <= 32 and len(ids) == len(labels)
        assert ids[f.template.content(len(ids))] == f.tokens.input_ids[w.start:w.end]


@pytest.mark.skipif(not ME5.exists(), reason="../shared/models/me5-small-zh absent")
def test_real_sentencepiece_tokenizer_alignment():
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(ME5)
    text = "湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元，规划产能20GWh　２０２３年"
    spans = [find(text, "湖南德赛电池", "COMPANY"), find(text, "75亿元", "AMOUNT"), find(text, "20GWh", "CAPACITY")]
    pairs, f = labelled_tokens(text, tok, spans)
    assert f.misaligned == []
    assert "".join(t for t, lab in pairs if lab.endswith("AMOUNT")) == "75亿元"
