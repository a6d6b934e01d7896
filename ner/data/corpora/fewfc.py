"""FewFC (event arguments: money -> AMOUNT): see ``ner.data.corpora``."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ner.data import io
from ner.data.corpora.common import _corpus_files, _claimed, _finish, _flat, _trim
from ner.errors import AnnotationError
from ner.lexicon.units import FEWFC_CURRENCIES
from ner.types import Article, Span

FEWFC_URL = "https://github.com/TimeBurningFish/FewFC"
#: FewFC argument role -> our type (default: money only).
FEWFC_LABELS: dict[str, str] = {"money": "AMOUNT", "amount": "AMOUNT"}
#: Organisation roles, to add for COMPANY positives: ``{**FEWFC_LABELS, **FEWFC_COMPANY_ROLES}``.
FEWFC_COMPANY_ROLES: dict[str, str] = {
    "sub-org": "COMPANY", "obj-org": "COMPANY", "target-company": "COMPANY", "sub": "COMPANY", "obj": "COMPANY",
}
#: Roles that mark a span as a person: such a span never becomes COMPANY, whatever other role it has.
FEWFC_PERSON_ROLES: tuple[str, ...] = ("sub-per", "obj-per", "share-per")
#: Types FewFC is claimed to label completely (after the per-sentence money check).
FEWFC_CLAIMED: tuple[str, ...] = ("AMOUNT",)

FEWFC_FILES = {
    "train": ("train_base.json", "train_trans.json"),
    "test": ("test_base.json", "test_trans.json"),
    "train_base": ("train_base.json",), "train_trans": ("train_trans.json",),
    "test_base": ("test_base.json",), "test_trans": ("test_trans.json",),
}
_NUM = "0-9０-９"
_CN_NUM = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_CURRENCY = "(?:" + "|".join(FEWFC_CURRENCIES) + ")"
#: Money-looking strings: digits (or Chinese numerals with a magnitude) + optional magnitude + currency.
MONEY_PATTERN = re.compile(
    rf"[{_NUM}][{_NUM},，.．]*(?:多|余)?(?:万亿|千万|百万|亿|万|千)?{_CURRENCY}"
    rf"|[{_CN_NUM}]*[十百千万亿][{_CN_NUM}]*(?:多|余)?{_CURRENCY}"
)


def trim_amount(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Our AMOUNT boundaries inside ``text[start:end]``: from the first number to the last 元
    (约为9742.92万元 -> 9742.92万元; 5亿元人民币 -> 5亿元; 310万元/年 -> 310万元; 超过3亿元 -> 3亿元).
    Without 元, the span ends at the last number or magnitude. ``None``: the mention holds no number."""
    piece = text[start:end]
    first = re.search(f"[{_NUM}]", piece) or re.search(f"[{_CN_NUM}]", piece)
    if not first:
        return None
    ends = [m.end() for m in re.finditer("元", piece)] or [m.end() for m in re.finditer(f"[{_NUM}{_CN_NUM}]", piece)]
    s, e = start + first.start(), start + ends[-1]
    return (s, e) if s < e else None


def read_fewfc(path: str | Path | None = None, split: str = "train", mapping: Mapping[str, str] = FEWFC_LABELS,
               limit: int | None = None, seed: int | None = None,
               claim: Sequence[str] | None = FEWFC_CLAIMED) -> list[Article]:
    """FewFC JSON lines ``{"id", "content", "events": [{"type", "mentions": [{"word", "span", "role"}]}]}``
    (``span`` is half-open). ``claim``: the mapped types said to be completely labelled (AMOUNT, after
    the per-sentence money check); for COMPANY positives use ``{**FEWFC_LABELS, **FEWFC_COMPANY_ROLES}``."""
    files = _corpus_files("fewfc", path, "fewfc", FEWFC_FILES, split, mapping, FEWFC_URL)
    if files is None:
        return []
    return _finish(_iter_fewfc(files, mapping, _claimed(mapping, claim)), limit, seed, "fewfc")


def _iter_fewfc(files, mapping, claimed) -> Iterable[Article]:
    for f in files:
        for n, obj in io.read_jsonl(f):
            where = f"{f}:{n}"
            text = obj.get("content")
            if not isinstance(text, str):
                raise AnnotationError(f"{where}: expected {{\"id\", \"content\", \"events\"}}")
            roles: dict[tuple[int, int], set[str]] = {}
            for ev in obj.get("events") or []:
                for m in ev.get("mentions") or []:
                    try:
                        s, e = (int(x) for x in m["span"])
                    except (KeyError, TypeError, ValueError):
                        raise AnnotationError(f"{where}: mention {m!r} needs a 'span' [start, end]") from None
                    if text[s:e] != m.get("word"):
                        raise AnnotationError(f"{where}: role {m.get('role')} [{s}, {e}): text found {text[s:e]!r}, "
                                              f"text expected {m.get('word')!r}")
                    roles.setdefault((s, e), set()).add(m.get("role"))
            spans, unclaim = [], set()
            for (s, e), rs in roles.items():
                ours = {mapping[r] for r in rs if r in mapping}
                if rs & set(FEWFC_PERSON_ROLES):
                    ours.discard("COMPANY")
                if len(ours) > 1:  # one span, two of our types: trust neither
                    unclaim |= ours
                    continue
                for label in ours:
                    ts, te = (trim_amount(text, s, e) or (s, s)) if label == "AMOUNT" else _trim(text, s, e)
                    if ts < te:
                        spans.append(Span(ts, te, label, text[ts:te]))
                    else:
                        unclaim.add(label)
            spans, dropped = _flat(spans)
            if "AMOUNT" in claimed:
                covered = [(sp.start, sp.end) for sp in spans if sp.label == "AMOUNT"]
                for m in MONEY_PATTERN.finditer(text):
                    if not any(a < m.end() and m.start() < b for a, b in covered):
                        unclaim.add("AMOUNT")
                        break
            labelled = tuple(t for t in claimed if t not in unclaim | dropped)
            yield Article(f"fewfc/{f.stem}/{obj.get('id') or n}", text, spans, labelled)
