"""Featurisation shared by training and inference: article text -> encoder inputs, per window.

The raw text is tokenised once with ``return_offsets_mapping=True`` (never as a list of characters:
that drops spaces and U+3000 and splits digit runs into pieces the model never saw). Character IOB2
tags, when given, become token labels through the offsets:

* a token takes the tag of its first character (``B-X`` where an entity starts, ``I-X`` inside);
* a token whose offsets start where the next token starts (SentencePiece's bare ``▁``) and tokens
  with empty offsets are not scored (label -100) and not decoded;
* a gold entity boundary that falls strictly inside a token cannot be represented: that token gets
  label -100 (ignored) and the span is reported in ``Features.misaligned``, never silently shifted.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ner.labels import OUTSIDE
from ner.model.windows import Window, token_windows
from ner.types import Span

IGNORE = -100


@dataclass
class TokenizedArticle:
    """One tokenisation of a whole article: content token ids and their character offsets."""

    input_ids: list[int]
    offsets: list[tuple[int, int]]
    scored: list[bool]  # tokens whose prediction is decoded into character tags


@dataclass(frozen=True)
class Template:
    """The special tokens a tokenizer puts around one sequence, e.g. [CLS] ... [SEP] or <s> ... </s>."""

    prefix: list[int]
    suffix: list[int]

    def wrap(self, ids: list[int]) -> list[int]:
        return self.prefix + ids + self.suffix

    def content(self, n_wrapped: int) -> slice:
        return slice(len(self.prefix), n_wrapped - len(self.suffix))


def special_template(tokenizer) -> Template:
    """Read the template off the tokenizer itself (works for any family, no per-model code)."""
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a", add_special_tokens=True)["input_ids"]
    for i in range(len(full) - len(plain) + 1):
        if full[i:i + len(plain)] == plain:
            return Template(full[:i], full[i + len(plain):])
    raise ValueError(f"cannot find the special-token template of {type(tokenizer).__name__}")


@dataclass
class Features:
    windows: list[Window]
    input_ids: list[list[int]]  # per window, with special tokens
    labels: list[list[int]] | None  # per window, aligned with input_ids; None at inference
    tokens: TokenizedArticle
    misaligned: list[Span] = field(default_factory=list)
    template: Template | None = None


def tokenize_article(text: str, tokenizer) -> TokenizedArticle:
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    ids = list(enc["input_ids"])
    offsets = [_trim_offsets(text, a, b) for a, b in enc["offset_mapping"]]
    scored = []
    for i, (a, b) in enumerate(offsets):
        shadowed = i + 1 < len(offsets) and offsets[i + 1][0] == a and offsets[i + 1][1] > a
        scored.append(b > a and not shadowed)
    return TokenizedArticle(ids, offsets, scored)


def _trim_offsets(text: str, a: int, b: int) -> tuple[int, int]:
    """Offsets without the whitespace some tokenizers count into a piece (``▁P30`` -> ``P30``)."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b)


def token_labels(
    tokens: TokenizedArticle, text: str, spans: Sequence[Span], label2id: dict[str, int]
) -> tuple[list[int], list[Span]]:
    """Token label ids from character spans, plus the spans whose boundary falls inside a token."""
    char_tag = [OUTSIDE] * len(text)
    for s in spans:
        char_tag[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            char_tag[i] = f"I-{s.label}"
    # Characters where a boundary may not fall strictly inside a token.
    boundaries = {s.start for s in spans} | {s.end for s in spans}
    labels, bad_tokens = [], set()
    for i, ((a, b), scored) in enumerate(zip(tokens.offsets, tokens.scored)):
        if not scored:
            labels.append(IGNORE)
            continue
        if any(a < k < b for k in boundaries):
            labels.append(IGNORE)
            bad_tokens.add((a, b))
            continue
        labels.append(label2id[char_tag[a]])
    misaligned = [s for s in spans if any(a < s.start < b or a < s.end < b for a, b in bad_tokens)]
    return labels, misaligned


def featurize(
    text: str,
    tokenizer,
    max_length: int,
    overlap: int,
    spans: Sequence[Span] | None = None,
    label2id: dict[str, int] | None = None,
) -> Features:
    """Windows of encoder inputs for one article; with ``spans`` and ``label2id``, also token labels."""
    tokens = tokenize_article(text, tokenizer)
    template = special_template(tokenizer)
    windows = token_windows(len(tokens.input_ids), max_length - len(template.prefix) - len(template.suffix), overlap)
    labels_all, misaligned = (None, [])
    if spans is not None:
        labels_all, misaligned = token_labels(tokens, text, spans, label2id)
    input_ids, labels = [], ([] if labels_all is not None else None)
    for w in windows:
        input_ids.append(template.wrap(tokens.input_ids[w.start:w.end]))
        if labels is not None:
            labels.append([IGNORE] * len(template.prefix) + labels_all[w.start:w.end] + [IGNORE] * len(template.suffix))
    return Features(windows, input_ids, labels, tokens, misaligned, template)
