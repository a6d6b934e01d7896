"""Decoding: per-token tag probabilities -> character spans. Pure functions, arrays in, spans out.

Two ways to pick the tags, both ending in the same span reader:

* ``constrained`` (the default): the most probable tag sequence that is valid IOB2 (Viterbi over the
  log-probabilities, with ``I-X`` allowed only after ``B-X`` or ``I-X``). A figure whose number piece
  leans AMOUNT and whose unit piece leans CAPACITY comes out as one entity of one type, not two
  fragments (``20`` AMOUNT + ``GWh`` CAPACITY).
* ``argmax``: each token's most probable tag, as ``transformers.pipeline`` does. Repair is explicit: a
  token tagged ``I-X`` that does not continue an ``X`` entity opens a new ``X`` entity, as if ``B-X``.

The span score is the mean, over its tokens, of the probability of the tag each token was given.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ner.model.features import TokenizedArticle
from ner.types import Span


def decode_tokens(
    text: str,
    tokens: TokenizedArticle,
    probs: np.ndarray,
    id2label: dict[int, str],
    constrained: bool = True,
) -> list[Span]:
    """Spans from ``probs`` (n_tokens x n_labels, one row per article token). Unscored tokens are skipped."""
    if probs.shape[0] != len(tokens.offsets):
        raise ValueError(f"{probs.shape[0]} probability rows for {len(tokens.offsets)} tokens")
    best = probs.argmax(axis=-1)
    if constrained:
        rows = [i for i, scored in enumerate(tokens.scored) if scored]
        best[rows] = viterbi_iob2(probs[rows], id2label)
    spans: list[Span] = []
    cur: list | None = None  # [label, start, end, [scores]]

    def close():
        if cur is not None:
            label, s, e, scores = cur
            spans.append(Span(s, e, label, text[s:e], float(np.mean(scores))))

    for i, ((a, b), scored) in enumerate(zip(tokens.offsets, tokens.scored)):
        if not scored:
            continue
        tag = id2label[int(best[i])]
        prefix, _, typ = tag.partition("-")
        p = float(probs[i, best[i]])
        if prefix == "I" and cur is not None and cur[0] == typ:
            cur[2] = b
            cur[3].append(p)
            continue
        close()
        cur = [typ, a, b, [p]] if prefix in ("B", "I") else None
    close()
    return _legal_form(_join_brackets([t for t in (_trim(s, text) for s in spans) if t.end > t.start], text), text)


def allowed_transitions(id2label: dict[int, str]) -> tuple[np.ndarray, np.ndarray]:
    """IOB2 constraints as boolean arrays: ``start[j]`` (tag j may open a sequence) and
    ``step[i, j]`` (tag j may follow tag i). Only ``I-X`` is constrained: it must follow ``B-X`` or ``I-X``."""
    n = len(id2label)
    tags = [id2label[k].partition("-") for k in range(n)]
    start = np.array([p != "I" for p, _, _ in tags])
    step = np.ones((n, n), dtype=bool)
    for j, (pj, _, tj) in enumerate(tags):
        if pj == "I":
            step[:, j] = [pi in ("B", "I") and ti == tj for pi, _, ti in tags]
    return start, step


def viterbi_iob2(probs: np.ndarray, id2label: dict[int, str]) -> np.ndarray:
    """Tag ids of the most probable valid IOB2 sequence (independent per-token probabilities)."""
    n_tok = probs.shape[0]
    if n_tok == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.isfinite(probs).all():
        raise ValueError("the model's probabilities hold NaN or infinity: the model or its export is broken")
    start, step = allowed_transitions(id2label)
    logp = np.log(np.clip(probs, 1e-12, None))
    best = logp.argmax(axis=-1)  # (on the log, as below: float32 logs can tie where the probabilities do not)
    if start[best[0]] and step[best[:-1], best[1:]].all():
        return best  # each token's most probable tag is already a valid sequence: nothing beats it
    penalty = np.where(step, 0.0, -np.inf)
    score = np.where(start, logp[0], -np.inf)
    back = np.zeros((n_tok, probs.shape[1]), dtype=np.int64)
    for t in range(1, n_tok):
        cand = score[:, None] + penalty  # previous tag x next tag
        back[t] = cand.argmax(axis=0)
        score = cand[back[t], np.arange(probs.shape[1])] + logp[t]
    path = np.zeros(n_tok, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(n_tok - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


# Characters that never begin or end a mention. SentencePiece pieces often join one to a name
# (在中国, 与中国移动, 地区的, 公司在, 、１), so a span read off whole pieces carries it in.
_NEVER_FIRST = frozenset("、，,。.．：:；;！!？?）)》】」』”’/·～~-—的在与")
_NEVER_LAST = frozenset("、，,。.．：:；;！!？?（(《【「『“‘/·～~-—的在是将已等与及也就还并而则被把")
# Characters that begin some names (和田, 同江, 从化, 于都, 将乐, 是德科技) but usually join a name as a word
# (和中国, 同上海, 从北京, 是中国移动): trimmed only where a place name follows.
_FUNCTION_FIRST = frozenset("和同向从对于跟由把将为据被给让到至及是")
# Opening quotes with their closers (round brackets: ASCII and full-width close each other, ``_unclosed``): one that opens
# a span and is not closed inside it came with its piece
_OPEN_CLOSE = {"《": "》", "【": "】", "「": "」", "『": "』", "“": "”", "‘": "’", "[": "]"}


def _opens_unclosed(c: str, span_text: str) -> bool:
    """Whether ``c``, the first character of ``span_text``, opens a bracket or quote that the span does not close."""
    if c in "(（":  # closed where the depth comes back to 0 (either width closes either)
        depth = 0
        for ch in span_text:
            depth += (ch in "(（") - (ch in ")）")
            if depth == 0:
                return False
        return True
    return c in _OPEN_CLOSE and _OPEN_CLOSE[c] not in span_text[1:]


def _trim(span: Span, text: str) -> Span:
    """Drop what a piece carried in at either edge: whitespace, punctuation and function characters
    (``_NEVER_FIRST``, ``_NEVER_LAST``; ``_FUNCTION_FIRST`` only before a place name), and an opening bracket or
    quote that the span does not close (``（4GWh`` -> ``4GWh``). Empty if nothing is left."""
    s, e = span.start, span.end
    while s < e:
        c = text[s]
        if c.isspace() or c in _NEVER_FIRST or (c in _FUNCTION_FIRST and _starts_with_place(text[s + 1:e])) \
                or _opens_unclosed(c, text[s:e]):  # a bracket it does not close: （4GWh
            s += 1
        else:
            break
    while e > s and (text[e - 1].isspace() or text[e - 1] in _NEVER_LAST):
        e -= 1
    return Span(s, e, span.label, text[s:e], span.score) if (s, e) != (span.start, span.end) else span


def _starts_with_place(text: str) -> bool:
    """Whether ``text`` begins with a country, world region, province or city name of the rules' gazetteer."""
    from ner.lexicon.places import Gazetteer

    return any(level in ("macro", "province", "city") for level in Gazetteer.default().prefix_levels(text))


def _join_brackets(spans: list[Span], text: str) -> list[Span]:
    """Join a company span that closes a bracket it did not open to the company span that ends right
    before that bracket: 中国水电四局 + (阳江)海工装备有限公司 -> one legal name (the model often leaves
    the bracket piece untagged). Places are left apart: 粤港澳大湾区(肇庆) is two. The joined score is
    the length-weighted mean of the two."""
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (prev is not None and prev.label == span.label == "COMPANY" and prev.end == span.start - 1
                and text[prev.end] in "(（" and _unclosed(span.text) < 0):
            n1, n2 = prev.end - prev.start, span.end - span.start
            score = None if prev.score is None or span.score is None else (prev.score * n1 + span.score * n2) / (n1 + n2)
            out[-1] = Span(prev.start, span.end, span.label, text[prev.start:span.end], score)
        else:
            out.append(span)
    return out


# A partnership's legal form in brackets after its name is part of the name (…股权投资合伙企业（有限合伙）)
_LEGAL_FORM = re.compile(r"[(（](?:有限合伙|普通合伙|特殊普通合伙)[)）]")


def _legal_form(spans: list[Span], text: str) -> list[Span]:
    """A company span that ends in 合伙企业 takes the legal form in brackets right after it (（有限合伙）), and a
    company span inside those brackets goes (the model often tags 有限合伙 as a name of its own)."""
    out: list[Span] = []
    for span in spans:
        m = _LEGAL_FORM.match(text, span.end) if span.label == "COMPANY" and span.text.endswith("合伙企业") else None
        if m:
            span = Span(span.start, m.end(), span.label, text[span.start:m.end()], span.score)
        if out and out[-1].label == span.label == "COMPANY" and out[-1].start <= span.start and span.end <= out[-1].end:
            continue  # inside the brackets the span before took
        out.append(span)
    return out


def _unclosed(s: str) -> int:
    """Opening minus closing brackets (ASCII and full-width)."""
    return sum(s.count(c) for c in "(（") - sum(s.count(c) for c in ")）")


def merge_window_probs(n_tokens: int, windows: Sequence, window_probs: Sequence[np.ndarray]) -> np.ndarray:
    """Article-level token probabilities: each token takes the row from the window that owns it.

    ``window_probs[k]`` holds rows for the content tokens of window k (special tokens removed).
    """
    if not window_probs:
        return np.zeros((0, 0), dtype=np.float32)
    out = np.zeros((n_tokens, window_probs[0].shape[-1]), dtype=np.float32)
    for w, p in zip(windows, window_probs):
        out[w.own_start:w.own_end] = p[w.own_start - w.start:w.own_end - w.start]
    return out
