"""The inline annotation format of scripts/whole_articles_gold.py: markup -> offsets, records -> mentions."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import whole_articles_gold as gold  # noqa: E402

ORIGINAL = "据\u200b北京市消息，湖南德赛电池投资75亿元。德赛电池在北京市"
MARKED = "据{{REGION|北京市}}消息，{{COMPANY|湖南德赛电池}}投资{{AMOUNT|75亿元}}。{{COMPANY|德赛电池}}在{{REGION|北京市}}"


def test_markup_aligns_to_the_original_despite_a_dropped_invisible_character():
    text, ents, errors = gold.align(MARKED, ORIGINAL)
    assert errors == [] and text == ORIGINAL
    assert [(ORIGINAL[e["start"]:e["end"]], e["label"]) for e in ents] == [
        ("北京市", "REGION"), ("湖南德赛电池", "COMPANY"), ("75亿元", "AMOUNT"), ("德赛电池", "COMPANY"), ("北京市", "REGION")]


def test_a_missing_stretch_is_an_error():
    _, _, errors = gold.align(MARKED.replace("消息，", ""), ORIGINAL + "一段没有抄下来的文字")
    assert any("copy the text exactly" in e for e in errors)


def test_records_name_surfaces_and_get_every_tagged_occurrence():
    _, ents, _ = gold.align(MARKED, ORIGINAL)
    [rec] = gold.resolve_records([{"companies": ["德赛电池"], "regions": ["北京市"],
                                   "amounts": [{"text": "75亿元", "role": "investment"}], "stage": "签约"}], ents, ORIGINAL)
    assert [m["text"] for m in rec["regions"]] == ["北京市", "北京市"]
    assert rec["amounts"][0]["role"] == "investment"
    with pytest.raises(ValueError, match="'深圳' is not a tagged REGION"):
        gold.resolve_records([{"regions": ["深圳"]}], ents, ORIGINAL)
    with pytest.raises(ValueError, match="stage '中标'"):
        gold.resolve_records([{"stage": "中标"}], ents, ORIGINAL)
