from pathlib import Path

import pytest

from ner.config import load_config
from ner.errors import ConfigError

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_every_config_loads(path):
    cfg = load_config(path)
    assert cfg.output_dir and cfg.model.types


def test_dotted_overrides():
    cfg = load_config(None, ["train.epochs=3", "model.max_length=128", "data.exclude=[a, b]"])
    assert (cfg.train.epochs, cfg.model.max_length, cfg.data.exclude) == (3, 128, ["a", "b"])


@pytest.mark.parametrize("override, match", [
    ("train.epoch=3", "train.epoch"),  # a renamed/misspelt key is rejected, not ignored
    ("train.lr=-1", "train.lr"),
    ("model.types=[REGION, PERSON]", "PERSON"),
    ("train.epochs", "key.sub=value"),
    ("tag.min_score={MONEY: 0.5}", r"tag.min_score has unknown type\(s\) \['MONEY'\]"),
    ("tag.min_score={COMPANY: 1.5}", "between 0 and 1"),
])
def test_bad_configs_are_rejected(override, match):
    with pytest.raises(ConfigError, match=match):
        load_config(None, [override])


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_tag_policy_types_are_checked():
    from ner.config import load_config
    from ner.errors import ConfigError

    assert load_config(None, ["tag.rules_first=[AMOUNT, CAPACITY]"]).tag.rules_first == ["AMOUNT", "CAPACITY"]
    with pytest.raises(ConfigError, match=r"tag.rules_first has unknown type\(s\) \['MONEY'\]"):
        load_config(None, ["tag.rules_first=[MONEY]"])


@pytest.mark.parametrize("pattern, match", [("'('", "is no regex"), ("'x*'", "matches the empty string"),
                                            ("'a|'", "matches the empty string")])
def test_isolate_must_be_a_pattern_of_characters(pattern, match):
    with pytest.raises(ConfigError, match=match):
        load_config(None, [f"model.isolate={pattern}"])
    assert load_config(None, ["model.isolate='[在是与]'"]).model.isolate == "[在是与]"
