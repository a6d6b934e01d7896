"""Training data: gold articles and public corpora -> passages -> labelled token windows (``Example``),
with silver labels, mention replacement and partial labels (the ``O`` tokens of a type an article does
not label are masked), and the length-sorted batches of them."""
from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass

import torch

from ner.config import Config
from ner.data.validate import read_gold
from ner.model.features import IGNORE, featurize
from ner.types import Article, Span

log = logging.getLogger("ner.model.training")


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]
    o_allowed: list[int]  # tag ids an "O" label stands for in this example
    source: str


def _o_allowed(article: Article, types: list[str], label2id: dict[str, int]) -> list[int]:
    unlabelled = [] if article.labelled is None else [t for t in types if t not in article.labelled]
    return [label2id["O"]] + [label2id[f"{p}-{t}"] for t in unlabelled for p in ("B", "I")]


def build_examples(articles, tokenizer, cfg: Config, label2id, source: str):
    """Windows of every article as training examples; also returns the misaligned gold spans."""
    types = cfg.model.types
    examples, misaligned = [], []
    for art in articles:
        spans = [s for s in art.entities if s.label in types]
        feats = featurize(art.text, tokenizer, cfg.model.max_length, cfg.model.overlap, spans, label2id)
        misaligned += [(art.id, s) for s in feats.misaligned]
        o_allowed = _o_allowed(art, types, label2id)
        for ids, labels in zip(feats.input_ids, feats.labels):
            if any(l != IGNORE for l in labels):
                examples.append(Example(ids, labels, o_allowed, source))
    return examples, misaligned


def passages(article: Article, max_chars: int) -> list[Article]:
    """Cut an article at line ends into passages of at most ``max_chars`` characters, spans re-based.

    A longer line stays whole (it is windowed like any text); a line end inside a span is no cut.
    Ids are ``<article id>#<k>``, so the passages of one article can be grouped again.
    """
    line_ends = [m.end() for m in re.finditer(r"\n+", article.text)
                 if not any(s.start < m.start() < s.end for s in article.entities)] + [len(article.text)]
    cuts = [0]
    for here, after in zip(line_ends, line_ends[1:]):
        if after - cuts[-1] > max_chars and here > cuts[-1]:
            cuts.append(here)  # the next line would make the passage too long: cut before it
    if cuts[-1] != len(article.text):
        cuts.append(len(article.text))
    out = []
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        spans = [Span(s.start - a, s.end - a, s.label, s.text) for s in article.entities if a <= s.start and s.end <= b]
        out.append(Article(f"{article.id}#{k}", article.text[a:b], spans, article.labelled))
    return out


def augmented_examples(passages_: list[Article], tokenizer, cfg: Config, label2id, rng: random.Random) -> list[Example]:
    """``cfg.data.augment.copies`` mention-replaced copies of the gold passages (ner.data.augment), drawn afresh."""
    from ner.data.augment import Memo, augment_article, default_lexicon

    aug = cfg.data.augment
    lexicon = default_lexicon(aug.cluener)
    copies = []
    for _ in range(aug.copies):
        memos: dict[str, Memo] = {}  # one per source article: 株洲 is replaced the same way in all its passages
        copies += [augment_article(p, lexicon, rng, aug.p, memos.setdefault(p.id.rsplit("#", 1)[0], Memo()),
                                   aug.real_companies)
                   for p in passages_ if p.labelled is None]
    return build_examples(copies, tokenizer, cfg, label2id, "augmented")[0]


def load_training_articles(cfg: Config) -> tuple[list[Article], list[Article]]:
    """Gold articles (minus excluded ids) and public-corpus articles named by the config."""
    gold = [a for a in read_gold(cfg.data.gold) if a.id not in set(cfg.data.exclude)] if cfg.data.gold else []
    extra: list[Article] = []
    if cfg.data.corpora:
        from ner.data.corpora import load_corpus, referenced_ids

        held_out = referenced_ids(cfg.data.holdout)
        for cc in cfg.data.corpora:
            arts = load_corpus(cc.name, path=cc.path, split=cc.split, limit=cc.limit, seed=cfg.train.seed)
            if cc.name != "referenced" and held_out:
                kept = [a for a in arts if a.id not in held_out]
                if len(kept) < len(arts):
                    log.info("corpus %s/%s: %d held-out sentences left out (data.holdout)",
                             cc.name, cc.split, len(arts) - len(kept))
                arts = kept
            if cc.silver:
                arts = [add_silver(a, cc.silver) for a in arts]
            if cc.require:
                arts = [a for a in arts if any(s.label in cc.require for s in a.entities)]
            if cc.types is not None:
                keep = set(cc.types)
                arts = [
                    Article(a.id, a.text, [s for s in a.entities if s.label in keep],
                            tuple(t for t in (cfg.model.types if a.labelled is None else a.labelled) if t in keep))
                    for a in arts
                ]
            log.info("corpus %s/%s: %d articles", cc.name, cc.split, len(arts))
            extra += arts
    return gold, extra


def add_silver(article: Article, types: list[str]) -> Article:
    """Fill the unlabelled ``types`` of a corpus article with rule spans; the article then claims them."""
    from ner.rules import preannotate

    if article.labelled is None:  # fully labelled (gold): nothing to fill
        return article
    claimed = set(article.labelled)
    fill = [t for t in types if t not in claimed]
    if not fill:
        return article
    taken = [(s.start, s.end) for s in article.entities]
    silver = [s for s in preannotate(article.text) if s.label in fill
              and not any(s.start < e and b < s.end for b, e in taken)]
    return Article(article.id, article.text, sorted(article.entities + silver), tuple(claimed | set(fill)))


def collate(batch: list[Example], pad_id: int, n_labels: int):
    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    o_mask = torch.zeros((len(batch), n_labels), dtype=torch.bool)
    for i, e in enumerate(batch):
        n = len(e.input_ids)
        ids[i, :n] = torch.tensor(e.input_ids)
        att[i, :n] = 1
        labels[i, :n] = torch.tensor(e.labels)
        o_mask[i, e.o_allowed] = True
    return ids, att, labels, o_mask


def length_batches(examples: list[Example], batch_size: int, rng: random.Random,
                   max_tokens: int | None = None) -> list[list[Example]]:
    """Shuffled batches of similar length (less padding), in random order. With ``max_tokens``, a batch
    holds as many examples as fit in that many padded tokens (at least one): short corpus sentences then
    go many to a step instead of ``batch_size``."""
    order = examples[:]
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i:i + chunk], key=lambda e: len(e.input_ids))
        if max_tokens is None:
            batches += [part[j:j + batch_size] for j in range(0, len(part), batch_size)]
            continue
        batch: list[Example] = []
        for e in part:  # ascending length: the newest example is the longest of its batch
            if batch and (len(batch) + 1) * len(e.input_ids) > max_tokens:
                batches.append(batch)
                batch = []
            batch.append(e)
        batches += [batch] if batch else []
    rng.shuffle(batches)
    return batches
