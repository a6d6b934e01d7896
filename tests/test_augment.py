"""Mention replacement (ner.data.augment) and gold passages (ner.model.examples.passages)."""
import random
import re

import pytest
from conftest import REPO, spans_by_find

from ner.data.augment import (
    CAPACITY_UNITS,
    LEGAL_ENDINGS,
    Memo,
    _parse_chain,
    augment_article,
    default_lexicon,
)
from ner.model.examples import passages
from ner.types import Article, Span, check_article

TEXT = ("湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元，规划产能20GWh。株洲市发改委表示，"
        "株洲新能源汽车产业与长沙联动，比亚迪投资两千多万元，湖南立方新能源科技有限责任公司年产4000万台。")
ITEMS = [("湖南德赛电池", "COMPANY"), ("长沙市望城经开区", "REGION"), ("75亿元", "AMOUNT"), ("20GWh", "CAPACITY"),
         ("株洲", "REGION"), ("长沙", "REGION"), ("比亚迪", "COMPANY"), ("两千多万元", "AMOUNT"),
         ("湖南立方新能源科技有限责任公司", "COMPANY"), ("4000万台", "CAPACITY")]


def _article():
    spans = [Span.from_dict(d) for d in spans_by_find(TEXT, ITEMS)]
    return Article("a1", TEXT, spans)


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory):
    return default_lexicon(str(tmp_path_factory.mktemp("no_cluener")))  # composed company names only


@pytest.mark.parametrize("seed", range(20))
def test_offsets_valid_and_text_outside_spans_untouched(lexicon, seed):
    art = _article()
    aug = augment_article(art, lexicon, random.Random(seed), p=1.0)
    assert check_article(aug) == []
    assert [s.label for s in aug.entities] == [s.label for s in art.entities]

    def outside(a):
        cuts = [0] + [x for s in sorted(a.entities) for x in (s.start, s.end)] + [len(a.text)]
        return [a.text[b:e] for b, e in zip(cuts[::2], cuts[1::2])]

    assert outside(aug) == outside(art)  # 株洲市发改委 (untagged) stays as it was


def test_p_zero_is_identity(lexicon):
    art = _article()
    aug = augment_article(art, lexicon, random.Random(0), p=0.0)
    assert aug.text == art.text and [(s.start, s.end) for s in aug.entities] == [(s.start, s.end) for s in art.entities]


def test_shapes_are_kept(lexicon):
    seen_change = 0
    for seed in range(30):
        aug = augment_article(_article(), lexicon, random.Random(seed), p=1.0)
        by_old = dict(zip([t for t, _ in ITEMS], [s.text for s in aug.entities]))
        zone = by_old["长沙市望城经开区"]
        assert zone.endswith("经开区") and len(_parse_chain(zone[:-3])) == 2, zone  # a city and a district + zone
        amount = by_old["75亿元"]
        assert re.fullmatch(r"[0-9.]+[亿万]元", amount), amount
        assert by_old["两千多万元"].endswith("多万元") or by_old["两千多万元"].endswith("多亿元")
        assert by_old["湖南立方新能源科技有限责任公司"].endswith(LEGAL_ENDINGS)
        assert any(by_old["20GWh"].endswith(u) for u in CAPACITY_UNITS)
        seen_change += by_old["株洲"] != "株洲"
    assert seen_change >= 25  # regions really are replaced (a unit may be drawn again only by chance)


def test_one_surface_one_replacement_and_chain_consistency(lexicon):
    text = "长沙市望城区签约，长沙市望城区开工，随后长沙再次签约。"
    art = Article("c", text, [Span.from_dict(d) for d in spans_by_find(text, [("长沙市望城区", "REGION"),
                                                                              ("长沙市望城区", "REGION"),
                                                                              ("长沙", "REGION")])])
    for seed in range(10):
        aug = augment_article(art, lexicon, random.Random(seed), p=1.0)
        first, second, city = (s.text for s in aug.entities)
        assert first == second
        assert first.startswith(city)  # 长沙 became the city of the replacement of 长沙市望城区


def test_memo_shared_across_passages(lexicon):
    a = Article("x#0", "株洲报道", [Span(0, 2, "REGION", "株洲")])
    b = Article("x#1", "落户株洲", [Span(2, 4, "REGION", "株洲")])
    memo, rng = Memo(), random.Random(3)
    ra, rb = (augment_article(p, lexicon, rng, 1.0, memo) for p in (a, b))
    assert ra.entities[0].text == rb.entities[0].text


@pytest.mark.parametrize("real", [0.0, 1.0])
def test_real_companies_share(real, lexicon):
    from ner.data.augment import Lexicon

    lex = Lexicon(lexicon.units_by_level, ("甲乙丙丁有限公司",), ("甲乙丙",))  # two "real" names
    rng = random.Random(0)
    names = set()
    for _ in range(30):
        aug = augment_article(_article(), lex, rng, 1.0, real_companies=real)
        names |= {s.text for s in aug.entities if s.label == "COMPANY"}
    real_names = {"甲乙丙丁有限公司", "甲乙丙"}
    assert (names <= real_names) if real == 1.0 else not (names & real_names)


def test_cluener_company_names_used_when_present():
    shared = REPO.parent / "shared" / "data" / "cluener2020"
    if not shared.exists():
        pytest.skip("CLUENER2020 not present")
    lex = default_lexicon(str(shared))
    assert len(lex.legal_companies) > 50 and len(lex.short_companies) > 50
    assert all(n.endswith(LEGAL_ENDINGS) for n in lex.legal_companies)


def test_seed_articles_augment_to_valid_articles():
    from ner.data.io import read_articles

    lex = default_lexicon()
    rng = random.Random(0)
    for art in read_articles(REPO / "data" / "annotated" / "seeds.jsonl"):
        aug = augment_article(art, lex, rng)
        assert check_article(aug) == [] and len(aug.entities) == len(art.entities)


# -- passages --------------------------------------------------------------------------------

def test_passages_cover_the_article_and_keep_every_span():
    lines = ["第一段" * 10, "长沙市望城区" * 5, "第三段" * 40, "投资75亿元"]
    text = "\n".join(lines)
    items = [("长沙市望城区", "REGION"), ("75亿元", "AMOUNT")]
    art = Article("p", text, [Span.from_dict(d) for d in spans_by_find(text, items)])
    ps = passages(art, 70)
    assert "".join(p.text for p in ps) == text
    assert [p.id for p in ps] == [f"p#{k}" for k in range(len(ps))]
    assert len(ps) == 3  # lines 1+2 fit in 70 chars; line 3 (120 chars) stands alone; line 4 alone
    assert all(check_article(p) == [] for p in ps)
    assert sum(len(p.entities) for p in ps) == len(art.entities)


def test_passages_never_cut_inside_a_span():
    text = "甲" * 50 + "\n" + "乙" * 50
    art = Article("q", text, [Span(48, 53, "COMPANY", text[48:53])])
    ps = passages(art, 40)
    assert len(ps) == 1 and ps[0].entities == art.entities
