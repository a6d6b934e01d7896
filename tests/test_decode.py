"""Decoding with planted probabilities."""
import itertools

import numpy as np
import pytest

from ner.model.decode import (
    allowed_transitions,
    decode_tokens,
    merge_window_probs,
    viterbi_iob2,
)
from ner.labels import label_maps
from ner.model.features import TokenizedArticle
from ner.model.windows import token_windows

ID2LABEL, LABEL2ID = label_maps()


def planted(tags, p=0.9):
    probs = np.full((len(tags), len(ID2LABEL)), (1 - p) / (len(ID2LABEL) - 1), dtype=np.float32)
    for i, t in enumerate(tags):
        probs[i, LABEL2ID[t]] = p
    return probs


def toks_for(text, n):
    return TokenizedArticle(list(range(n)), [(i, i + 1) for i in range(n)], [True] * n)


@pytest.mark.parametrize(
    "tags, expected",
    [
        (["B-REGION", "I-REGION", "O", "B-AMOUNT"], [("长沙", "REGION"), ("亿", "AMOUNT")]),
        (["O", "I-COMPANY", "I-COMPANY", "O"], [("沙投", "COMPANY")]),  # I after O repaired into a new entity
        (["B-REGION", "I-AMOUNT", "O", "O"], [("长", "REGION"), ("沙", "AMOUNT")]),
    ],
)
def test_decode_planted_argmax(tags, expected):
    text = "长沙投亿"
    spans = decode_tokens(text, toks_for(text, 4), planted(tags), ID2LABEL, constrained=False)
    assert [(s.text, s.label) for s in spans] == expected
    assert all(abs(s.score - 0.9) < 1e-5 for s in spans)


def mixed(rows):
    """Probabilities from {tag: p} rows; the rest of each row spread evenly."""
    probs = np.zeros((len(rows), len(ID2LABEL)), dtype=np.float32)
    for i, row in enumerate(rows):
        probs[i] = (1 - sum(row.values())) / (len(ID2LABEL) - len(row))
        for tag, p in row.items():
            probs[i, LABEL2ID[tag]] = p
    return probs


def test_constrained_keeps_a_figure_in_one_piece():
    text = "产能20GWh。"
    toks = TokenizedArticle([0, 1, 2, 3], [(0, 2), (2, 4), (4, 7), (7, 8)], [True] * 4)
    probs = mixed([{"O": 0.9}, {"B-AMOUNT": 0.55, "B-CAPACITY": 0.4}, {"I-CAPACITY": 0.9}, {"O": 0.9}])
    assert [(s.text, s.label) for s in decode_tokens(text, toks, probs, ID2LABEL, constrained=False)] == [
        ("20", "AMOUNT"), ("GWh", "CAPACITY")]
    spans = decode_tokens(text, toks, probs, ID2LABEL)
    assert [(s.text, s.label) for s in spans] == [("20GWh", "CAPACITY")]
    assert abs(spans[0].score - (0.4 + 0.9) / 2) < 1e-5


def test_constrained_opens_an_entity_the_argmax_starts_with_i():
    text = "博众精工"
    probs = mixed([{"O": 0.5, "B-COMPANY": 0.4}, {"I-COMPANY": 0.9}, {"I-COMPANY": 0.9}, {"I-COMPANY": 0.9}])
    assert [s.text for s in decode_tokens(text, toks_for(text, 4), probs, ID2LABEL, constrained=False)] == ["众精工"]
    assert [s.text for s in decode_tokens(text, toks_for(text, 4), probs, ID2LABEL)] == ["博众精工"]


def _valid(path):
    start, step = allowed_transitions(ID2LABEL)
    return bool(start[path[0]]) and all(step[a, b] for a, b in itertools.pairwise(path))


def test_viterbi_is_the_best_valid_sequence():
    rng = np.random.default_rng(0)
    n_labels = len(ID2LABEL)
    for _ in range(20):
        probs = rng.dirichlet(np.full(n_labels, 0.3), size=4)
        best = max((p for p in itertools.product(range(n_labels), repeat=4) if _valid(p)),
                   key=lambda p: sum(np.log(probs[i, t]) for i, t in enumerate(p)))
        assert tuple(viterbi_iob2(probs, ID2LABEL)) == best


@pytest.mark.parametrize("tags", [["O", "B-REGION", "I-REGION", "B-AMOUNT", "I-AMOUNT"], ["B-COMPANY", "B-COMPANY", "O"]])
def test_viterbi_leaves_a_valid_argmax_alone(tags):
    assert [ID2LABEL[int(k)] for k in viterbi_iob2(planted(tags), ID2LABEL)] == tags


def test_the_valid_argmax_shortcut_reads_ties_as_the_full_search_does():
    # float32 logs of two probabilities one ulp apart are equal: the lower label wins, as in the full search
    row = np.array([[0.3000001609325409, 0.3000001907348633] + [0.4 / (len(ID2LABEL) - 2)] * (len(ID2LABEL) - 2)],
                   dtype=np.float32)
    assert np.log(row[0, 0]) == np.log(row[0, 1]) and row[0, 0] < row[0, 1]
    assert viterbi_iob2(row, ID2LABEL).tolist() == [0]  # O, not B-REGION


def test_broken_probabilities_are_an_error():
    probs = planted(["O", "B-REGION"])
    probs[0, :] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        viterbi_iob2(probs, ID2LABEL)


def test_constrained_skips_unscored_tokens():
    text = "　长沙 "
    toks = TokenizedArticle([0, 1, 2], [(0, 1), (0, 3), (3, 4)], [False, True, False])
    # the unscored rows are not part of the sequence: B-REGION follows nothing, I-REGION is never read
    probs = planted(["I-REGION", "B-REGION", "I-COMPANY"])
    assert [(s.start, s.end, s.text, s.label) for s in decode_tokens(text, toks, probs, ID2LABEL)] == [
        (1, 3, "长沙", "REGION")]


def test_unscored_tokens_are_skipped_and_whitespace_trimmed():
    text = "　长沙 "
    toks = TokenizedArticle([0, 1, 2], [(0, 1), (0, 3), (3, 4)], [False, True, False])
    spans = decode_tokens(text, toks, planted(["B-REGION", "B-REGION", "I-REGION"]), ID2LABEL)
    assert [(s.start, s.end, s.text) for s in spans] == [(0, 3, "长沙")][:0] + [(1, 3, "长沙")]


def test_merge_takes_each_token_from_its_owner():
    ws = token_windows(10, 6, 2)
    window_probs = [np.full((w.end - w.start, 3), k, dtype=np.float32) for k, w in enumerate(ws)]
    merged = merge_window_probs(10, ws, window_probs)
    for k, w in enumerate(ws):
        assert (merged[w.own_start:w.own_end] == k).all()


def pieces(*parts):
    """A TokenizedArticle of whole pieces (SentencePiece-like, several characters each) and their text."""
    offsets, at = [], 0
    for p in parts:
        offsets.append((at, at + len(p)))
        at += len(p)
    return "".join(parts), TokenizedArticle(list(range(len(parts))), offsets, [True] * len(parts))


@pytest.mark.parametrize(
    "parts, tags, expected",
    [
        # a function character inside the name's first piece: 在上海, 与中国 (before a place name)
        (("今天", "在上海", "签约"), ["O", "B-REGION", "O"], [("上海", "REGION")]),
        (("宣布", "与中国", "移动", "合作"), ["O", "B-COMPANY", "I-COMPANY", "O"], [("中国移动", "COMPANY")]),
        (("集团", "和中国", "银行"), ["O", "B-COMPANY", "I-COMPANY"], [("中国银行", "COMPANY")]),
        (("采购方", "是中国", "移动"), ["O", "B-COMPANY", "I-COMPANY"], [("中国移动", "COMPANY")]),
        # ... and after it: 公司在, 地区的; punctuation: 、１, 73元/
        (("新", "丽", "投资", "公司在", "涉案"), ["B-COMPANY", "I-COMPANY", "I-COMPANY", "I-COMPANY", "O"],
         [("新丽投资公司", "COMPANY")]),
        (("铝", "、１", "万吨", "铜"), ["O", "B-CAPACITY", "I-CAPACITY", "O"], [("１万吨", "CAPACITY")]),
        (("售价", "73元/", "吨"), ["O", "B-AMOUNT", "O"], [("73元", "AMOUNT")]),
        # names that begin with such a character stay whole: no place name follows 和 in 和田市 or 同 in 同仁堂
        (("和田", "市"), ["B-REGION", "I-REGION"], [("和田市", "REGION")]),
        (("同仁", "堂"), ["B-COMPANY", "I-COMPANY"], [("同仁堂", "COMPANY")]),
        (("是德", "科技"), ["B-COMPANY", "I-COMPANY"], [("是德科技", "COMPANY")]),
        # a span of punctuation alone is no span
        (("投资", "、", "建设"), ["O", "B-AMOUNT", "O"], []),
        # an opening bracket or quote the span does not close came with its piece: 惠州（4GWh）, “长沙
        (("惠州", "（4", "GWh", "）"), ["B-REGION", "B-CAPACITY", "I-CAPACITY", "O"],
         [("惠州", "REGION"), ("4GWh", "CAPACITY")]),
        (("打造", "“长沙", "速度”"), ["O", "B-REGION", "O"], [("长沙", "REGION")]),
        # one it closes stays, a full-width closer closing an ASCII opener too: (阳江)海工, (阳江）海工
        (("(阳江)", "海工", "有限公司"), ["B-COMPANY", "I-COMPANY", "I-COMPANY"], [("(阳江)海工有限公司", "COMPANY")]),
        (("(阳江）", "海工", "有限公司"), ["B-COMPANY", "I-COMPANY", "I-COMPANY"], [("(阳江）海工有限公司", "COMPANY")]),
        (("(阳江)", "海工（"), ["B-COMPANY", "I-COMPANY"], [("(阳江)海工", "COMPANY")]),  # closed first, opened again
    ],
)
def test_pieces_lose_what_they_carry_in_at_the_edges(parts, tags, expected):
    text, toks = pieces(*parts)
    assert [(s.text, s.label) for s in decode_tokens(text, toks, planted(tags), ID2LABEL)] == expected


@pytest.mark.parametrize(
    "parts, tags, expected",
    [
        # the model leaves the bracket piece out of a legal name: the part that closes it joins the first part
        (("中国水电四局", "(", "阳江)", "海工", "有限公司"), ["B-COMPANY", "O", "B-COMPANY", "I-COMPANY", "I-COMPANY"],
         [("中国水电四局(阳江)海工有限公司", "COMPANY")]),
        # a bracket that the second span does not close, or places, stay apart
        (("中国水电", "(", "阳江", "公司"), ["B-COMPANY", "O", "B-COMPANY", "I-COMPANY"],
         [("中国水电", "COMPANY"), ("阳江公司", "COMPANY")]),
        (("粤港澳大湾区", "(", "肇庆)"), ["B-REGION", "O", "B-REGION"], [("粤港澳大湾区", "REGION"), ("肇庆)", "REGION")]),
        # a partnership's legal form in brackets after its name is part of it, whether the model tagged it apart or not
        (("北网未来企业管理合伙企业", "(", "有限合伙", ")"), ["B-COMPANY", "O", "B-COMPANY", "O"],
         [("北网未来企业管理合伙企业(有限合伙)", "COMPANY")]),
        (("基石股权投资合伙企业", "（", "有限合伙", "）"), ["B-COMPANY", "O", "O", "O"],
         [("基石股权投资合伙企业（有限合伙）", "COMPANY")]),
    ],
)
def test_a_company_that_closes_a_bracket_joins_the_company_before_it(parts, tags, expected):
    text, toks = pieces(*parts)
    spans = decode_tokens(text, toks, planted(tags), ID2LABEL)
    assert [(s.text, s.label) for s in spans] == expected
    assert all(s.score == pytest.approx(0.9) for s in spans)
