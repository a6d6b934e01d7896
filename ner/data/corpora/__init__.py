"""Readers of the public Chinese NER corpora in ``../shared/data/``: corpus -> list[Article].

None of them labels exactly our four types, so each reader takes a ``mapping`` from the corpus's labels
to ours (defaults below, as module constants) and sets ``Article.labelled`` to the types the article
is *completely* labelled for. A type that is not claimed is masked in training (an ``O`` there may be
anything); spans of an unclaimed type are still positive evidence. The rules, one per corpus:

CLUENER2020 (``company``, ``address``; offsets with INCLUSIVE ends, converted to half-open)
    ``company`` -> COMPANY, ``address`` -> REGION after ``is_region_mention`` (drops streets,
    buildings, villages, venues, relative locations). COMPANY is claimed. REGION is claimed only when
    (a) no address mention of the sentence was dropped (a dropped "北京市朝阳区和平里东土城路8号" holds a
    real region that would otherwise be taught as O), (b) the sentence has no mention of a type in
    ``CLUENER_PLACE_HOSTS`` (position, scene, book, movie: our guideline tags the place inside
    "重庆市长", "英国泰特美术馆", a title, where CLUENER tags the whole mention as something else) and
    (c) no name of ``default_region_names()`` (provinces, countries, the address corpus's cities and
    districts) occurs outside every CLUENER mention: the annotators left ~7% of such places unlabelled
    ("南京一位大户", "中国人"). Places inside government and organization mentions stay O, as in our
    guideline (望城区委 is a body).
FewFC (event arguments only)
    roles ``money``/``amount`` -> AMOUNT, trimmed to our boundaries (约为9742.92万元 -> 9742.92万元,
    310万元/年 -> 310万元). AMOUNT is claimed only when every money-looking string of the sentence
    (``MONEY_PATTERN``) lies inside an AMOUNT span: money that is no event argument is unlabelled.
    ``FEWFC_COMPANY_ROLES`` (org roles) can be added to the mapping for COMPANY positives; COMPANY is not
    claimed unless the caller says so (persons and funds fill some of those roles; other companies in
    the sentence are not arguments). ``share-org`` holds percentages in the data, not companies.
MSRA (IOB2, one character and a tab and a tag per line)
    LOC -> REGION through ``is_region_mention``; ORG and PER are not mapped, so ``labelled`` holds
    only REGION (the types not mapped are not claimed). REGION is claimed unless a LOC mention was
    dropped (rivers, mountains and streets are O for us, but the filter cannot tell 长江 from 青岛) or
    a region name occurs outside every MSRA entity (rule (c) above).
Address parsing corpus (WordPiece tokens and BMES tags; gazetteer material, not sentences)
    ``prov``, ``city``, ``district``, ``devzone``, ``town`` -> REGION, and adjacent parts merge into ONE
    span (our guideline: a chain of administrative names is one span, 山东省青岛市崂山区北宅街道).
    Roads, POIs, villages and rooms are O, as in our guideline. REGION is claimed unless the address has
    a ``redundant`` part (it splits 中国 into 中/国) or a non-region part containing a province or city
    name of the corpus gazetteer (杭州东站). Addresses whose region parts hold ``[UNK]`` are skipped.

Every reader takes ``path`` (the corpus folder, or one of its files), ``split``, ``mapping``, ``claim``
(the mapped types that may be claimed), ``limit`` and ``seed`` (``limit`` with a seed: a seeded random
sample; without: the first ones). Sentences that claim no type and hold no span teach nothing and are
left out. A corpus that is absent yields ``[]`` and one log line saying where to get it; nothing crashes.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ner.data.corpora.address import (
    ADDRESS_FILES,
    ADDRESS_LABELS,
    ADDRESS_URL,
    GAZETTEER_LEVELS,
    gazetteer_from_address_corpus,
    read_address,
)
from ner.data.corpora.cluener import CLUENER_FILES, CLUENER_LABELS, CLUENER_PLACE_HOSTS, CLUENER_URL, read_cluener
from ner.data.corpora.common import default_data_dir
from ner.data.corpora.fewfc import (
    FEWFC_CLAIMED,
    FEWFC_COMPANY_ROLES,
    FEWFC_FILES,
    FEWFC_LABELS,
    FEWFC_PERSON_ROLES,
    FEWFC_URL,
    MONEY_PATTERN,
    read_fewfc,
    trim_amount,
)
from ner.data.corpora.msra import MSRA_FILES, MSRA_LABELS, MSRA_URL, read_msra
from ner.data.corpora.referenced import (
    TEXT_SOURCES,
    duee_fin_id,
    duee_fin_texts,
    news_article_texts,
    read_referenced,
    read_referenced_corpus,
    referenced_ids,
    text_digest,
)
from ner.data.corpora.regions import BUILTIN_REGION_NAMES, default_region_names, is_region_mention
from ner.errors import InputError
from ner.types import Article

__all__ = [
    "ADDRESS_FILES", "ADDRESS_LABELS", "ADDRESS_URL", "BUILTIN_REGION_NAMES", "CLUENER_FILES", "CLUENER_LABELS",
    "CLUENER_PLACE_HOSTS", "CLUENER_URL", "CORPORA", "FEWFC_CLAIMED", "FEWFC_COMPANY_ROLES", "FEWFC_FILES",
    "FEWFC_LABELS", "FEWFC_PERSON_ROLES", "FEWFC_URL", "GAZETTEER_LEVELS", "MONEY_PATTERN", "MSRA_FILES",
    "MSRA_LABELS", "MSRA_URL", "TEXT_SOURCES", "default_data_dir", "default_region_names", "duee_fin_id",
    "duee_fin_texts", "gazetteer_from_address_corpus", "is_region_mention", "load_corpus", "news_article_texts",
    "read_address", "read_cluener", "read_fewfc", "read_msra", "read_referenced", "read_referenced_corpus",
    "referenced_ids", "text_digest", "trim_amount",
]

CORPORA: dict[str, Callable[..., list[Article]]] = {
    "cluener": read_cluener,
    "fewfc": read_fewfc,
    "msra": read_msra,
    "address": read_address,
    "referenced": read_referenced_corpus,
}


def load_corpus(
    name: str,
    path: str | Path | None = None,
    split: str = "train",
    limit: int | None = None,
    seed: int | None = None,
    mapping: Mapping[str, str] | None = None,
    claim: Sequence[str] | None = None,
) -> list[Article]:
    """Read a public corpus by name (``cluener``, ``fewfc``, ``msra``, ``address``, or ``referenced``: our
    gold annotations of corpus sentences, see ``read_referenced_corpus``). With ``limit`` and
    a ``seed``, a seeded random sample of that many sentences; with ``limit`` alone, the first ones.
    ``mapping``/``claim`` override the corpus's defaults."""
    if name not in CORPORA:
        raise InputError(f"unknown corpus {name!r}; choose one of {', '.join(CORPORA)}")
    kwargs: dict = {}
    if mapping is not None:
        kwargs["mapping"] = mapping
    if claim is not None:
        kwargs["claim"] = claim
    return CORPORA[name](path=path, split=split, limit=limit, seed=seed, **kwargs)
