"""Decoding with planted probabilities."""
import numpy as np
import pytest

from ner.decode import decode_tokens, merge_window_probs
from ner.features import TokenizedArticle
from ner.labels import label_maps
from ner.windows import token_windows

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
def test_decode_planted(tags, expected):
    text = "长沙投亿"
    spans = decode_tokens(text, toks_for(text, 4), planted(tags), ID2LABEL)
    assert [(s.text, s.label) for s in spans] == expected
    assert all(abs(s.score - 0.9) < 1e-5 for s in spans)


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
