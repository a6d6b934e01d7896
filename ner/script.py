"""The text as the tagger reads it: traditional script as simplified, and a converter's pinyin glosses
dropped, with every offset mapped back to the text as given.

News about mainland investment projects is also published, or re-posted by aggregator sites, in
traditional script (275億元 開州39個專案集中籤約), sometimes with a converter's pinyin after each
character it found ambiguous (項(xiàng)目, 年產(chǎn)3萬噸). The model, the place names and the rules know
simplified text, so the tagger reads a view of each text (``reading_view``):

* a text whose Chinese characters are mostly traditional (at least ``TRADITIONAL_SHARE`` of them, and
  ``MIN_DISTINCT`` different ones, change under OpenCC's ``t2s``) is read converted to simplified, line by line, with Taiwan's words too where
  the line keeps its length (``tw2sp``: 專案 -> 项目; 軟體 -> 软件), else character for character; a
  simplified text with a few characters OpenCC would change (华昇, 覆盖) is read as it is;
* a pinyin gloss with a tone mark right after a Chinese character (``(xiàng)``) is skipped, where a text
  holds at least ``MIN_GLOSSES`` of them;
* in a text so converted or glossed, a full stop written for a decimal point inside a figure (總投資57。6億元,
  another converter's mark) is read as the point (not after 第3, nor before 10亿元以上);
* full-width digits and Latin letters (投资１２０亿元, 年产２０ＧＷｈ: common in older news and on government
  pages) are read as their ASCII forms, and a full-width point between digits (１．５亿元) as a point; Chinese
  punctuation (，：（）) stays as it is.

Entities and records are found on the view and given back with offsets into the text as given, and with
its own characters as their text (``View.span``); normalised values (canonical place names, amounts) are
the view's, in simplified script. Where the view is the text itself (every simplified text without
glosses), nothing changes. Needs ``opencc`` (a dependency of the default install); without it a
traditional text is read as it is, with a warning.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

TRADITIONAL_SHARE = 0.05  # of the Chinese characters: above it, a text is traditional (a simplified one: under 0.01)
MIN_DISTINCT = 2  # different characters that change: one name's (华昇) is no traditional text
MIN_GLOSSES = 3
_FULL_STOP_POINT = re.compile(r"(?<!第\d)(?<!第\d\d)(?<=\d)。(?!\d+\s*[万亿億萬千百]*元?以[上下])(?=\d+(?:\.\d+)?\s*[万亿億萬千百]*(?:元|美元|吨|噸|GW|MW|kW|千瓦|万千瓦|%|％|億|亿|万|萬))")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Full-width digits and Latin letters -> ASCII, one character for one (offsets unchanged)
_WIDE = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
         **{0xFF41 + i: 0x61 + i for i in range(26)}}
_WIDE_CHARS = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_WIDE_POINT = re.compile(r"(?<=[0-9\uff10-\uff19])\uff0e(?=[0-9\uff10-\uff19])")
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


@dataclass(frozen=True)
class View:
    """``text`` as read; ``index[i]``: the offset in the given text of the view's character ``i`` (one more
    entry for the end), or None where the offsets are the same."""

    text: str
    index: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` in the view -> the same characters in the given text (a gloss after the last
        one stays out)."""
        if self.index is None:
            return start, end
        return self.index[start], (self.index[end - 1] + 1 if end > start else self.index[start])


@lru_cache(maxsize=4)
def _converter(config: str):
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC(config)


def _simplified(text: str) -> str | None:
    """``text`` in simplified script, offset for offset, or None where it is not mostly traditional."""
    t2s = _converter("t2s")
    if t2s is None:
        if _CJK.search(text):
            log.debug("opencc is not installed: traditional script is read as it is")
        return None
    converted = t2s.convert(text)
    if len(converted) != len(text):  # not expected of t2s; read character for character
        converted = "".join(c if len(d := t2s.convert(c)) != 1 else d for c in text)
    changed = [a for a, b in zip(text, converted) if a != b]
    if len(set(changed)) < MIN_DISTINCT or len(changed) < TRADITIONAL_SHARE * len(_CJK.findall(text)):
        return None
    tw = _converter("tw2sp")
    lines = []
    for line, plain in zip(text.splitlines(keepends=True), converted.splitlines(keepends=True)):
        words = tw.convert(line) if tw is not None else plain
        lines.append(words if _aligned(plain, words) else plain)
    return "".join(lines)


def _aligned(plain: str, words: str) -> bool:
    """Whether ``words`` (Taiwan's words converted) differs from ``plain`` (character for character) only by
    words of the same length (專案 -> 项目), so every offset still names the same character: not where one word
    grows and another shrinks (沙烏地阿拉伯 -> 沙特阿拉伯 and 肯亞 -> 肯尼亚 keep the line's length, not its offsets)."""
    if len(plain) != len(words):
        return False
    from difflib import SequenceMatcher

    return all(tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1)
               for tag, i1, i2, j1, j2 in SequenceMatcher(None, plain, words, autojunk=False).get_opcodes())


def reading_view(text: str) -> View:
    """What the tagger reads of ``text`` (module docstring)."""
    glosses = list(_GLOSS.finditer(text)) if "(" in text else []
    index = None
    if len(glosses) >= MIN_GLOSSES:
        keep, parts, pos = [], [], 0
        for m in glosses:
            parts.append(text[pos:m.start()])
            keep.extend(range(pos, m.start()))
            pos = m.end()
        parts.append(text[pos:])
        keep.extend(range(pos, len(text)))
        index = (*keep, len(text))
        text_read = "".join(parts)
    else:
        text_read = text
    simple = _simplified(text_read)
    if simple is not None:
        text_read = simple
    if simple is not None or index is not None:  # only where a converter went over the text
        text_read = _FULL_STOP_POINT.sub(".", text_read)
    if _WIDE_CHARS.search(text_read):
        text_read = _WIDE_POINT.sub(".", text_read).translate(_WIDE)
    return View(text_read, index)


def map_back(view: View, original: str, result: Any) -> Any:
    """Entities (``Span`` objects or their dicts) and records found on ``view.text``, with offsets and
    mention texts (and each record's project name) of ``original``."""
    from ner.types import Span

    if view.text is original or view.text == original and view.index is None:
        return result
    if isinstance(result, Span):
        s, e = view.span(result.start, result.end)
        return Span(s, e, result.label, original[s:e], result.score)
    if isinstance(result, list):
        return [map_back(view, original, x) for x in result]
    if isinstance(result, dict):
        out = {k: map_back(view, original, v) for k, v in result.items()}
        if isinstance(out.get("start"), int) and isinstance(out.get("end"), int) and "text" in out:
            out["start"], out["end"] = view.span(result["start"], result["end"])
            out["text"] = original[out["start"]:out["end"]]
        span = result.get("project_span")
        if isinstance(span, (list, tuple)) and len(span) == 2:
            s, e = view.span(*span)
            out["project_span"], out["project"] = [s, e], original[s:e]
        return out
    return result
