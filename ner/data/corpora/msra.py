"""MSRA (SIGHAN 2006, LOC -> REGION): see ``ner.data.corpora``."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from ner.data.bio import char_tags_to_spans
from ner.data.corpora.common import _corpus_files, _add_trimmed, _claimed, _finish, _sentence, _token_blocks
from ner.data.corpora.regions import _names, is_region_mention
from ner.errors import AnnotationError
from ner.types import Article

MSRA_URL = "https://github.com/OYE93/Chinese-NLP-Corpus/tree/master/NER/MSRA (SIGHAN 2006 bakeoff 3)"
#: MSRA tag type -> our type. ORG (companies mixed with government) and PER are unmapped.
MSRA_LABELS: dict[str, str] = {"LOC": "REGION"}

MSRA_FILES = {"train": ("msra_train_bio",), "test": ("msra_test_bio",)}


def read_msra(path: str | Path | None = None, split: str = "train", mapping: Mapping[str, str] = MSRA_LABELS,
              limit: int | None = None, seed: int | None = None, claim: Sequence[str] | None = None,
              region_names: Collection[str] | None = None) -> list[Article]:
    """MSRA (SIGHAN 2006): one character, a tab and an IOB2 tag (B-LOC, I-ORG, ...) per line. ``labelled``
    holds the mapped types only (default: REGION); ``region_names`` as in ``read_cluener``."""
    files = _corpus_files("msra", path, "msra", MSRA_FILES, split, mapping, MSRA_URL)
    if files is None:
        return []
    claimed = _claimed(mapping, claim)
    names, max_len = _names(region_names) if "REGION" in claimed else ((), 0)
    return _finish(_iter_msra(files, mapping, claimed, names, max_len), limit, seed, "msra")


def _iter_msra(files, mapping, claimed, names, max_len) -> Iterable[Article]:
    for f in files:
        for k, (first, block) in enumerate(_token_blocks(f, "\t"), 1):
            where = f"{f}: sentence at line {first}"
            bad = next((tok for tok, _ in block if len(tok) != 1), None)
            if bad is not None:
                raise AnnotationError(f"{where}: token {bad!r} is not one character")
            text = "".join(tok for tok, _ in block)
            tags = [tag for _, tag in block]
            for tag in tags:
                prefix, _, typ = tag.partition("-")
                if tag != "O" and (prefix not in ("B", "I") or not typ):
                    raise AnnotationError(f"{where}: tag {tag!r} is not IOB2 (O, B-TYPE, I-TYPE)")
            spans, unclaim = [], set()
            covered = [t != "O" for t in tags]
            for sp in char_tags_to_spans(text, tags):
                ours = mapping.get(sp.label)
                if ours is None:
                    continue
                if ours == "REGION" and not is_region_mention(sp.text):
                    unclaim.add("REGION")
                    continue
                _add_trimmed(spans, text, sp.start, sp.end, ours)
            yield _sentence(f"msra/{f.stem}/{k}", text, spans, claimed, unclaim, covered, names, max_len)
