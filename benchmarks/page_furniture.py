"""Project records on whole pages: the annotated articles wrapped in the furniture of a news page.

    python benchmarks/page_furniture.py [--model runs/default] [--part dev --part train ...]

The whole-article gold (``data/articles/``) holds article texts without the page around them, while the
pages users tag (and the seeds) carry a channel menu, a byline, a list of links to other articles
(相关新闻, 推荐阅读 …), previous/next links and a footer. Those links are other articles' headlines, with
their own companies, places and money. This benchmark wraps each article of the chosen parts in such a
page, built from fixed templates and the headlines (first lines) of the other articles of the same
parts, with their gold entities, and scores the records (record-tuple F1, ``ner.records.evaluate``)
against the article's own gold records: built from gold entities, and with ``--model`` from the saved
tagger's entities, on

- ``article``: the article as annotated;
- ``page``: nav line, article, a links heading with four headlines, previous/next links, footer;
- ``page, no heading``: the same links as bare lines, with no heading over them.

The furniture is synthetic (templates written for this benchmark, cycled); only its headlines are real.
"""
from __future__ import annotations

import argparse
import random

from ner.records.build import build_records
from ner.records.evaluate import evaluate_records, read_referenced_parts
from ner.types import Span

GOLD = "data/articles/whole_articles.refs.jsonl"
DEVELOPMENT = ("dev", "train", "fresh", "fresh2", "fresh3", "fresh4")
NAV = ("首页 | 要闻 | 财经 | 产业 | 招商 | 视频 | 专题", "当前位置：首页 > 产经 > 正文", "网站首页 > 新闻中心 > 行业动态")
BYLINE = ("2023-06-17 09:12 来源：本网 作者：记者 编辑：王芳", "发布时间：2021年08月03日 字号：大 中 小 【打印】【关闭】")
HEADINGS = ("相关新闻：", "【推荐阅读】", "相关阅读", "更多>为您推荐", "热点新闻 更多>>", "延伸阅读")
BULLETS = ("· ", "", "• ", "")
FOOTER = ("【纠错】 【打印】 【关闭】", "版权所有 © 2023 本网 ICP备05012345号-1 联系电话：010-88888888",
          "本网转载此文出于传递更多信息之目的，不代表本网观点。")


def headline(article) -> tuple[str, list[Span]]:
    """An article's first line and its gold entities."""
    end = article.text.find("\n")
    end = len(article.text) if end < 0 else end
    return article.text[:end].strip(), [s for s in article.entities if s.end <= end]


def wrap(article, others: list, k: int, heading: bool) -> tuple[str, list[Span]]:
    """The page around ``article``: its text and entities, shifted, with the headlines' entities."""
    parts: list[tuple[str, list[Span]]] = [(NAV[k % len(NAV)], []), ("", [])]
    parts.append((article.text, list(article.entities)))
    parts.append((BYLINE[k % len(BYLINE)], []))
    if heading:
        parts.append((HEADINGS[k % len(HEADINGS)], []))
    for j, other in enumerate(others[:4]):
        title, ents = headline(other)
        bullet = BULLETS[(k + j) % len(BULLETS)]
        parts.append((bullet + title, [Span(s.start + len(bullet), s.end + len(bullet), s.label, s.text) for s in ents]))
    for j, (word, other) in enumerate(zip(("上一篇：", "下一篇："), others[4:6])):
        title, ents = headline(other)
        parts.append((word + title, [Span(s.start + len(word), s.end + len(word), s.label, s.text) for s in ents]))
    parts += [("", []), (FOOTER[k % len(FOOTER)], [])]
    text, spans, pos = "", [], 0
    for line, ents in parts:
        spans += [Span(s.start + pos, s.end + pos, s.label, line[s.start:s.end]) for s in ents]
        text += line + "\n"
        pos = len(text)
    return text, spans


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="a saved model directory (without: gold entities only)")
    ap.add_argument("--part", action="append", help=f"parts of {GOLD} (default: the development parts)")
    ap.add_argument("--seed", type=int, default=13, help="which other articles' headlines each page links to")
    args = ap.parse_args()
    articles, gold_records = read_referenced_parts(GOLD, args.part or DEVELOPMENT)
    rng = random.Random(args.seed)
    pages = {}
    for k, a in enumerate(articles):
        others = rng.sample([o for o in articles if o.id != a.id and headline(o)[0]], 6)
        pages[a.id] = {"article": (a.text, list(a.entities)), "page": wrap(a, others, k, True),
                       "page, no heading": wrap(a, others, k, False)}
    tagger = policy = None
    if args.model:
        from ner.combine import MODEL_ONLY
        from ner.evaluation.compare import compare_systems
        from ner.pipeline import load, saved_policy

        tagger, policy = load(args.model, **MODEL_ONLY), saved_policy(args.model)
    print(f"{len(articles)} articles ({', '.join(args.part or DEVELOPMENT)}), "
          f"{sum(map(len, gold_records.values()))} gold records")
    print(f"{'entities':10}{'text':20}{'P':>7}{'R':>7}{'F1':>7}{'records':>9}")
    for variant in ("article", "page", "page, no heading"):
        texts = [pages[a.id][variant][0] for a in articles]
        systems = {"gold": [pages[a.id][variant][1] for a in articles]}
        if tagger is not None:
            systems["saved"] = compare_systems(texts, tagger.tag(texts), policy, hybrid="saved")["saved"]
        for name, spans in systems.items():
            pred = {a.id: build_records(t, s) for a, t, s in zip(articles, texts, spans)}
            m = evaluate_records(gold_records, pred)["micro"]
            print(f"{name:10}{variant:20}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}"
                  f"{sum(map(len, pred.values())):9d}", flush=True)


if __name__ == "__main__":
    main()
