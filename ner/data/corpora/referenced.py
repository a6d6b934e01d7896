"""Texts that live outside the repository: whole documents without labels (news pages, DuEE-fin), and
our gold annotations of public-corpus sentences stored by reference (``data/heldout``, ``data/articles``)."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ner.data import io
from ner.data.corpora.common import _finish, _missing, default_data_dir
from ner.errors import AnnotationError, InputError
from ner.types import Article, check_article

NEWS_ARTICLES_URL = "../shared/data/news_articles (Rock-Candy-Tea/RSSHUB-PAGE, hajeekn/RSSHUB-PAGE)"
DUEE_FIN_URL = "https://github.com/HuipengXu/DuEE-fin-ChatGLM-6B (DuEE_fin/)"
RSS_PAGES_URL = "python scripts/rss_pages.py fetch (the news items data/pages names, from GitHub)"


def news_article_texts(path: str | Path | None = None) -> dict[str, str]:
    """``{id: text}`` of the whole news pages in ``news_articles/articles.jsonl`` (title, blank line,
    one paragraph per line, as stored). Absent: ``{}`` with the usual notice."""
    f = Path(path) if path is not None else default_data_dir() / "news_articles" / "articles.jsonl"
    if not f.is_file():
        _missing("news_articles", f, NEWS_ARTICLES_URL)
        return {}
    return {str(obj["id"]): obj["text"] for _, obj in io.read_jsonl(f)}


def duee_fin_id(source_id: str) -> str:
    """Our id of a DuEE-fin document: ``duee_`` and the first 12 hex digits of its id."""
    return "duee_" + source_id[:12]


def duee_fin_texts(path: str | Path | None = None) -> dict[str, str]:
    """``{duee_fin_id(id): title + "\\n\\n" + text}`` of DuEE-fin's dev documents: the page as a reader sees
    it, headline first, as news_articles store it. DuEE-fin is for non-commercial research only: it is
    read for evaluation and never by the default training config."""
    f = Path(path) if path is not None else default_data_dir() / "duee_fin" / "duee_fin_dev.json"
    if not f.is_file():
        _missing("duee_fin", f, DUEE_FIN_URL)
        return {}
    return {duee_fin_id(str(obj["id"])): f"{obj.get('title', '')}\n\n{obj['text']}" for _, obj in io.read_jsonl(f)}


def rss_pages_dir() -> Path:
    """Where the news items of ``data/pages`` are kept once fetched: ``$NER_PAGES_DIR``, else
    ``~/.cache/ner/rss_pages``. They are never copied into the repository (their outlets own them)."""
    env = os.environ.get("NER_PAGES_DIR")
    return Path(env) if env else Path.home() / ".cache" / "ner" / "rss_pages"


def rss_page_texts(path: str | Path | None = None) -> dict[str, str]:
    """``{id: text}`` of the fetched news items (``ID.md``, a blog post as the RSS archive repositories keep it),
    each as a reader sees it: title, blank line, one paragraph per line (``ner.data.html.hexo_post_text``).
    Absent: ``{}`` with the usual notice."""
    from ner.data.html import hexo_post_text

    folder = Path(path) if path is not None else rss_pages_dir()
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not files:
        _missing("rss_pages", folder, RSS_PAGES_URL)
        return {}
    return {f.stem: hexo_post_text(f.read_text(encoding="utf-8")) for f in files}


#: Unlabelled whole-document sources a reference may point at: name -> ``{id: text}`` reader.
TEXT_SOURCES: dict[str, Callable[..., dict[str, str]]] = {
    "news_articles": news_article_texts,
    "duee_fin": duee_fin_texts,
    "rss_pages": rss_page_texts,
}


def text_digest(text: str) -> str:
    """The fingerprint a reference stores to prove it points at the text that was annotated."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def referenced_ids(paths: Sequence[str | Path]) -> set[str]:
    """The sentence ids that reference files (``data/heldout/*.refs.jsonl``) name, all parts; the corpus
    texts are not read. A missing file is an ``InputError``."""
    ids: set[str] = set()
    for path in paths:
        if not Path(path).is_file():
            raise InputError(f"{path}: no such reference file (data.holdout); give the path of a .refs.jsonl "
                             "file such as data/heldout/investment_news.refs.jsonl, or remove the entry")
        for line, row in io.read_jsonl(path):
            if "id" not in row:
                raise AnnotationError(f"{path}:{line}: missing key 'id'")
            ids.add(row["id"])
    return ids


def read_referenced(path: str | Path, part: str | None = None) -> list[Article]:
    """Gold articles whose text lives in a public corpus (``data/heldout/``): each line of ``path`` is
    ``{"id": "msra/msra_train_bio/21077", "corpus": "msra", "split": "train", "sha1": ..., "entities": [...]}``
    with entities in our guideline (all four types labelled; a silver line, ``ner.data.weak``, says which it
    labels in ``"labelled"``). The corpus texts are not copied into the
    repository; they are read from ``default_data_dir()`` and must hash to ``sha1``. Lines whose corpus
    is absent are skipped with the usual one-line notice. ``part``: only the lines with that ``"part"``
    (``dev``, ``test``)."""
    rows = [(line, row) for line, row in io.read_jsonl(path) if part is None or row.get("part") == part]
    wanted: dict[tuple[str, str], set[str]] = {}
    for line, row in rows:
        missing = [k for k in ("id", "corpus", "split", "sha1") if k not in row]
        if missing:
            raise AnnotationError(f"{path}:{line}: missing key(s) {missing}")
        wanted.setdefault((row["corpus"], row["split"]), set()).add(row["id"])
    from ner.data.corpora import load_corpus

    texts: dict[str, str] = {}
    present = set()
    for (corpus, split), ids in wanted.items():
        if corpus in TEXT_SOURCES:
            found = TEXT_SOURCES[corpus]()
        else:
            found = {a.id: a.text for a in load_corpus(corpus, split=split)}
        if found:
            present.add((corpus, split))
        texts.update((i, t) for i, t in found.items() if i in ids)
    out = []
    for line, row in rows:
        where = f"{path}:{line}"
        if (row["corpus"], row["split"]) not in present:
            continue
        if row["id"] not in texts:
            raise AnnotationError(f"{where}: {row['id']} is not in corpus {row['corpus']}:{row['split']}; "
                                  "the corpus copy in ../shared/data differs from the one annotated (data/heldout/README.md)")
        text = texts[row["id"]]
        if text_digest(text) != row["sha1"]:
            raise AnnotationError(f"{where}: the text of {row['id']} does not match its sha1; the corpus copy in "
                                  "../shared/data differs from the one annotated (data/heldout/README.md)")
        article = Article.from_dict({"id": row["id"], "text": text, "entities": row.get("entities", [])}, where)
        if row.get("labelled") is not None:  # silver (ner.data.weak): the types the line claims to label
            article = Article(article.id, article.text, article.entities, tuple(row["labelled"]))
        problems = check_article(article)
        if problems:
            raise AnnotationError(f"{where}: " + "; ".join(problems[:3]))
        out.append(article)
    return out


def read_referenced_corpus(path: str | Path | None = None, split: str = "all", limit: int | None = None,
                           seed: int | None = None) -> list[Article]:
    """``read_referenced`` as a training corpus: ``path`` is the ``.refs.jsonl`` file, ``split`` the part
    to read (``dev``; ``all`` for every line). Its articles are fully labelled, like the seeds."""
    if path is None:
        raise InputError("corpus referenced: give path, the .refs.jsonl file (e.g. data/heldout/investment_news.refs.jsonl)")
    if not Path(path).is_file():
        raise InputError(f"corpus referenced: {path} is not a file; give the .refs.jsonl file")
    articles = read_referenced(path, part=None if split == "all" else split)
    if not articles and split != "all" and not any(row.get("part") == split for _, row in io.read_jsonl(path)):
        raise InputError(f"corpus referenced: {path} has no line with part {split!r}")
    return _finish(articles, limit, seed, f"referenced {path}")
