"""The merge rule (ner.store.merge): its targets on the gold pairs (data/merge/), and cases by kind.
Plain Python: runs without the database extra."""
from __future__ import annotations

import pytest


def test_merge_rule_meets_its_targets_on_the_gold_pairs():
    """The issue's targets, precision >= 0.95 and recall >= 0.80, on data/merge/pairs.jsonl."""
    from ner.store.gold import read_pairs
    from ner.store.merge import same_project

    pairs = read_pairs()
    assert len(pairs) >= 40 and 0.4 <= sum(p["same"] for p, _, _ in pairs) / len(pairs) <= 0.6
    said = [(p["same"], same_project(a, b).same) for p, a, b in pairs]
    tp = sum(g and s for g, s in said)
    precision = tp / sum(s for _, s in said)
    recall = tp / sum(g for g, _ in said)
    assert precision >= 0.95 and recall >= 0.80, (precision, recall)


@pytest.mark.parametrize("a, b, same", [
    ({"companies": [{"text": "湖南德赛电池"}], "regions": [{"text": "望城", "code": "430112"}]},
     {"companies": [{"text": "德赛电池有限公司"}], "regions": [{"text": "长沙", "code": "430100"}]}, True),
    ({"companies": [{"text": "德赛电池"}], "regions": [{"text": "望城", "code": "430112"}]},
     {"companies": [{"text": "比亚迪"}], "regions": [{"text": "望城", "code": "430112"}]}, False),
    ({"project": "攸县抽水蓄能电站", "regions": [{"text": "攸县", "code": "430223"}, {"text": "株洲", "code": "430200"}]},
     {"project": "炎陵县抽水蓄能电站", "regions": [{"text": "炎陵县", "code": "430225"}, {"text": "株洲", "code": "430200"}]}, False),
    ({"companies": [{"text": "天能"}], "amounts": [{"text": "49.5亿元", "value": 4950000000, "currency": "CNY", "role": "investment"}]},
     {"companies": [{"text": "天能股份"}], "amounts": [{"text": "50亿元", "value": 5000000000, "currency": "CNY", "role": "investment"}]}, True),
    ({"companies": [{"text": "东方雨虹"}], "amounts": [{"text": "16亿元", "value": 1600000000, "currency": "CNY", "role": "investment"}]},
     {"companies": [{"text": "东方雨虹"}], "amounts": [{"text": "2亿元", "value": 200000000, "currency": "CNY", "role": "investment"}]}, False),
    ({"regions": [{"text": "株洲", "code": "430200"}], "amounts": [{"text": "426亿元", "value": 42600000000, "currency": "CNY"}]},
     {"regions": [{"text": "株洲", "code": "430200"}], "amounts": [{"text": "426亿元", "value": 42600000000, "currency": "CNY"}]}, False),
])
def test_merge_rule_cases(a, b, same):
    from ner.store.merge import same_project

    assert same_project(a, b).same is same
