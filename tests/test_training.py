"""Overfit a tiny random BERT, save, reload with transformers and ner.load, predict; label mismatch."""
import json
import re
from pathlib import Path

import pytest
from conftest import GOLD

import ner
from ner.combine import MODEL_ONLY
from ner.config import load_config
from ner.errors import LabelMismatchError
from ner.model.training import partial_label_loss, train


def overfit_config(base, gold, out, **over):
    items = [f"model.base={base}", f"data.gold={gold}", f"output_dir={out}", "data.dev_fraction=0",
             "train.epochs=60", "train.lr=3e-3", "train.head_lr=3e-3", "train.batch_size=3",
             "train.warmup_ratio=0", "model.max_length=64", "model.overlap=8"]
    return load_config(None, items + [f"{k}={v}" for k, v in over.items()])


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_base):
    tmp = tmp_path_factory.mktemp("trained")
    gold = tmp / "gold.jsonl"
    from conftest import spans_by_find

    with gold.open("w", encoding="utf-8") as f:
        for k, (text, items) in enumerate(GOLD):
            f.write(json.dumps({"id": f"d{k}", "text": text, "entities": spans_by_find(text, items)}, ensure_ascii=False) + "\n")
    cfg = overfit_config(tiny_base, gold, tmp / "model")
    metrics = train(cfg, progress=False)
    return cfg, metrics


def test_overfit_save_reload_predict(trained):
    cfg, metrics = trained
    out = cfg.output_dir
    for name in ("config.json", "model.safetensors", "tokenizer.json", "training_config.yaml", "metrics.json"):
        assert (tmp := __import__("pathlib").Path(out) / name).exists(), tmp
    tagger = ner.load(out)
    expected = [[(s, l) for s, l in items] for _, items in GOLD]
    got = [[(s.text, s.label) for s in spans] for spans in tagger.tag([t for t, _ in GOLD])]
    assert got == expected
    single = [[(s.text, s.label) for s in tagger(t)] for t, _ in GOLD]
    assert single == got  # batched and single predictions agree


def test_transformers_pipeline_loads_saved_model(trained):
    from transformers import pipeline

    cfg, _ = trained
    pipe = pipeline("token-classification", model=cfg.output_dir, aggregation_strategy="simple")
    out = pipe(GOLD[0][0])
    assert {"AMOUNT", "COMPANY"} <= {e["entity_group"] for e in out}


def test_saved_labels_and_metrics(trained):
    cfg, metrics = trained
    from transformers import AutoConfig

    mc = AutoConfig.from_pretrained(cfg.output_dir)
    assert mc.id2label[0] == "O" and mc.label2id["B-CAPACITY"] > 0
    assert metrics["examples"]["gold_train"] == 3 and "train_seconds" in metrics


def test_label_mismatch_is_an_error(trained):
    cfg, _ = trained
    with pytest.raises(LabelMismatchError, match="differ from the configured labels"):
        ner.load(cfg.output_dir, types=["REGION", "COMPANY"])


def test_training_from_a_tagger_with_other_labels_is_an_error(trained, tmp_path):
    cfg, _ = trained
    bad = load_config(None, [f"model.base={cfg.output_dir}", "model.types=[REGION]", f"data.gold={cfg.data.gold}",
                             f"output_dir={tmp_path / 'x'}"])
    with pytest.raises(LabelMismatchError):
        train(bad, progress=False)


def test_partial_label_loss_does_not_push_unlabelled_types_to_o():
    import torch

    logits = torch.tensor([[[0.0, 5.0, 0.0, 0, 0, 0, 0, 0, 0]]])  # confident B-REGION
    labels = torch.tensor([[0]])  # corpus says O ...
    full = torch.zeros(1, 9, dtype=torch.bool)
    full[0, 0] = True
    partial = full.clone()
    partial[0, [1, 2]] = True  # ... but REGION is unlabelled in this corpus
    assert partial_label_loss(logits, labels, partial) < 0.05 < partial_label_loss(logits, labels, full)


def test_partially_labelled_articles_are_scored_on_their_types_only():
    from ner.evaluation.spans import evaluate_predictions
    from ner.types import Article, Span

    art = Article("c", "投资75亿元的比亚迪", [Span(6, 9, "COMPANY", "比亚迪")], labelled=("COMPANY",))
    pred = [[Span(2, 6, "AMOUNT", "75亿元"), Span(6, 9, "COMPANY", "比亚迪")]]
    s = evaluate_predictions([art], pred)["span"]
    assert s["COMPANY"]["f1"] == 1.0 and s["AMOUNT"]["fp"] == 0  # money is not labelled in this corpus


def test_cli_evaluate_and_tag(trained, tmp_path, gold_file):
    from click.testing import CliRunner

    from ner.cli import main

    cfg, _ = trained
    r = CliRunner().invoke(main, ["evaluate", "--model", cfg.output_dir, str(gold_file)])
    assert r.exit_code == 0 and "micro" in r.output and "seqeval strict IOB2" in r.output
    doc = tmp_path / "a.txt"
    doc.write_text(GOLD[0][0], encoding="utf-8")
    out = tmp_path / "o.jsonl"
    r = CliRunner().invoke(main, ["tag", "--model", cfg.output_dir, str(doc), "--output", str(out)])
    assert r.exit_code == 0, r.output
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["id"] == "a" and {"entities", "records"} <= set(row)
    r = CliRunner().invoke(main, ["tag", "--model", cfg.output_dir, str(doc), "--output", str(out),
                                  "--rules-only", "", "--rules-first", "", "--rules-fill", "AMOUNT", "--min-score", "COMPANY=1"])
    assert r.exit_code == 0, r.output  # rules fill amounts the model missed; no model company can pass 1.0
    row = json.loads(out.read_text(encoding="utf-8"))
    assert not [e for e in row["entities"] if e["label"] == "COMPANY"] and any(e["label"] == "AMOUNT" for e in row["entities"])
    r = CliRunner().invoke(main, ["tag", "--model", cfg.output_dir, str(doc), "--output", str(out), "--min-score", "COMPANY"])
    assert r.exit_code == 2 and "expected TYPE=P" in r.output
    r = CliRunner().invoke(main, ["evaluate", "--model", cfg.output_dir, "corpus:nosuch:dev"])
    assert r.exit_code == 2 and "error:" in r.output


def test_silver_never_touches_a_fully_labelled_article():
    from ner.model.examples import add_silver
    from ner.types import Article

    gold = Article("g", "总投资75亿元", [], labelled=None)  # gold says: no entity here
    assert add_silver(gold, ["AMOUNT"]).entities == []
    corpus = Article("c", "总投资75亿元", [], labelled=("COMPANY",))
    silver = add_silver(corpus, ["AMOUNT"])
    assert [s.text for s in silver.entities] == ["75亿元"] and set(silver.labelled) == {"COMPANY", "AMOUNT"}


def test_length_batches_token_budget():
    import random

    from ner.model.examples import Example, length_batches

    examples = [Example([1] * n, [0] * n, [0], "x") for n in [10] * 20 + [100] * 4 + [300]]
    batches = length_batches(examples, 4, random.Random(0), max_tokens=200)
    assert sorted(id(e) for b in batches for e in b) == sorted(id(e) for e in examples)  # each example once
    assert all(len(b) * max(len(e.input_ids) for e in b) <= 200 or len(b) == 1 for b in batches)
    assert max(len(b) for b in batches) > 4  # short examples go many to a batch
    assert [len(b) for b in length_batches(examples, 4, random.Random(0))].count(4) >= 6  # count mode unchanged


def test_two_stage_corpus_only_then_gold(tmp_path, tiny_base, gold_file):
    """Stage one reads public corpora only (data.gold null); stage two starts from its weights and head."""
    from conftest import TEXTS

    cluener = tmp_path / "cluener"
    cluener.mkdir()
    rows = [{"text": TEXTS[0], "label": {"company": {"湖南德赛电池": [[0, 5]]}}}]
    (cluener / "train.json").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    corpus = f"{{name: cluener, path: {cluener}, split: train}}"
    first = overfit_config(tiny_base, "null", tmp_path / "stage1", **{"data.corpora": f"[{corpus}]", "train.epochs": 30})
    m1 = train(first, progress=False)
    assert m1["articles"] == {"gold": [], "corpus": 1} and m1["examples"]["gold_train"] == 0
    stage1 = [(s.text, s.label) for s in ner.load(first.output_dir)(TEXTS[0])]
    assert ("湖南德赛电池", "COMPANY") in stage1
    # A second stage that barely moves the weights predicts as the first: nothing was re-initialised.
    second = overfit_config(first.output_dir, gold_file, tmp_path / "stage2",
                            **{"train.epochs": 1, "train.lr": 1e-12, "train.head_lr": 1e-12})
    assert train(second, progress=False)["articles"]["gold"] == ["doc0", "doc1", "doc2"]
    assert [(s.text, s.label) for s in ner.load(second.output_dir)(TEXTS[0])] == stage1


def test_base_config_trains_the_first_stage_once_and_never_reuses_another(tmp_path, tiny_base, gold_file):
    """model.base_config: `ner train` trains the first stage when model.base is empty, reuses it after, and
    refuses a model there that another config trained, a base that is not the stage's output, and a circle."""
    from ner.config import dump_config
    from ner.errors import ConfigError

    stage_yaml = tmp_path / "stage1.yaml"
    stage = overfit_config(tiny_base, gold_file, tmp_path / "stage1", **{"train.epochs": 2})
    stage_yaml.write_text(dump_config(stage), encoding="utf-8")
    second = overfit_config(tmp_path / "stage1", gold_file, tmp_path / "stage2",
                            **{"train.epochs": 1, "model.base_config": stage_yaml})
    train(second, progress=False)
    weights = tmp_path / "stage1" / "model.safetensors"
    assert weights.exists() and (tmp_path / "stage2" / "model.safetensors").exists()
    assert json.loads((tmp_path / "stage1" / "metrics.json").read_text())["history"][-1]["epoch"] == 2
    before = weights.stat().st_mtime_ns
    train(second, progress=False)  # a rerun (or the next cv fold) reuses the first stage
    assert weights.stat().st_mtime_ns == before

    stage_yaml.write_text(dump_config(overfit_config(tiny_base, gold_file, tmp_path / "stage1", **{"train.epochs": 3})),
                          encoding="utf-8")
    with pytest.raises(ConfigError, match="trained by another config.*delete that folder"):
        train(second, progress=False)
    elsewhere = overfit_config(tmp_path / "other", gold_file, tmp_path / "stage2", **{"model.base_config": stage_yaml})
    with pytest.raises(ConfigError, match="set model.base=.*stage1"):
        train(elsewhere, progress=False)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(dump_config(overfit_config(tmp_path / "b", gold_file, tmp_path / "a", **{"model.base_config": b})), encoding="utf-8")
    b.write_text(dump_config(overfit_config(tmp_path / "a", gold_file, tmp_path / "b", **{"model.base_config": a})), encoding="utf-8")
    with pytest.raises(ConfigError, match="circle"):
        train(overfit_config(tmp_path / "a", gold_file, tmp_path / "c", **{"model.base_config": a}), progress=False)


def test_gold_stored_by_reference_trains_like_gold(tmp_path, tiny_base, monkeypatch):
    """A ``referenced`` corpus (data/heldout) resolves its texts from the public corpus and trains on them."""
    from ner.data.corpora import text_digest

    text = "长沙市投资五亿元建设工厂"
    (tmp_path / "data" / "msra").mkdir(parents=True)
    tags = ["B-LOC", "I-LOC", "I-LOC"] + ["O"] * (len(text) - 3)  # MSRA's own labels; ours come from the refs
    (tmp_path / "data" / "msra" / "msra_train_bio").write_text("".join(f"{c}\t{t}\n" for c, t in zip(text, tags)),
                                                              encoding="utf-8")
    monkeypatch.setenv("NER_SHARED_DATA", str(tmp_path / "data"))
    ents = [{"start": 0, "end": 3, "label": "REGION", "text": "长沙市"}, {"start": 5, "end": 8, "label": "AMOUNT", "text": "五亿元"}]
    refs = tmp_path / "refs.jsonl"
    rows = [{"id": "msra/msra_train_bio/1", "part": p, "corpus": "msra", "split": "train", "sha1": text_digest(text),
             "entities": ents if p == "dev" else []} for p in ("dev", "test")]
    refs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    corpus = f"{{name: referenced, path: {refs}, split: dev}}"
    cfg = overfit_config(tiny_base, "null", tmp_path / "m", **{"data.corpora": f"[{corpus}]", "train.epochs": 30})
    assert train(cfg, progress=False)["articles"] == {"gold": [], "corpus": 1}  # the dev line only
    assert [(s.text, s.label) for s in ner.load(cfg.output_dir, **MODEL_ONLY)(text)] \
        == [("长沙市", "REGION"), ("五亿元", "AMOUNT")]


def test_default_config_never_trains_on_the_heldout_test_part():
    cfg = load_config("configs/default.yaml")
    parts = {c.split for c in cfg.data.corpora if c.name == "referenced" and "heldout" in str(c.path)}
    assert parts == {"dev"}  # "all" or "test" would turn benchmarks/heldout_news.py's test figures into training figures


def test_benchmarks_see_which_parts_a_saved_model_trained_on(tmp_path, monkeypatch):
    """``training_overlap`` reads the saved training config: the default trains on the held-out news' dev part and
    the whole-article gold's news_train part, so the benchmarks mark those figures as training-set figures."""
    import shutil

    from ner.evaluation.compare import training_overlap

    repo = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(repo)  # the config's paths are relative to the repository
    shutil.copy(repo / "configs" / "default.yaml", tmp_path / "training_config.yaml")
    assert training_overlap(str(tmp_path), str(repo / "data/articles/whole_articles.refs.jsonl"), set()) == ({"news_train"}, set())
    assert training_overlap(str(tmp_path), "data/heldout/investment_news.refs.jsonl", {"msra"}) == ({"dev"}, set())
    assert training_overlap(str(tmp_path), "data/pages/rss_pages.refs.jsonl", set()) == (set(), set())


def test_holdout_sentences_never_come_from_a_public_corpus_sample(tmp_path, monkeypatch):
    """``data.holdout`` drops the sentences a reference file names from every public corpus in the mix
    (MSRA train holds held-out news); a ``referenced`` entry still trains on the part it names."""
    from ner.data.corpora import text_digest
    from ner.errors import InputError
    from ner.model.examples import load_training_articles

    texts = ["长沙市投资五亿元建设工厂", "株洲市新建电池项目"]
    (tmp_path / "data" / "msra").mkdir(parents=True)
    tags = ["B-LOC", "I-LOC", "I-LOC"]  # both sentences open with a place, so MSRA's reader keeps them
    (tmp_path / "data" / "msra" / "msra_train_bio").write_text(
        "\n".join("".join(f"{c}\t{tags[i] if i < 3 else 'O'}\n" for i, c in enumerate(t)) for t in texts), encoding="utf-8")
    monkeypatch.setenv("NER_SHARED_DATA", str(tmp_path / "data"))
    refs = tmp_path / "refs.jsonl"
    row = {"id": "msra/msra_train_bio/1", "part": "dev", "corpus": "msra", "split": "train",
           "sha1": text_digest(texts[0]), "entities": [{"start": 0, "end": 3, "label": "REGION", "text": "长沙市"}]}
    refs.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    msra = "{name: msra, split: train}"
    plain = load_config(None, ["data.gold=null", f"data.corpora=[{msra}]"])
    assert sorted(a.text for a in load_training_articles(plain)[1]) == sorted(texts)
    guarded = load_config(None, ["data.gold=null", f"data.corpora=[{msra}]", f"data.holdout=[{refs}]"])
    assert [a.text for a in load_training_articles(guarded)[1]] == [texts[1]]
    both = load_config(None, ["data.gold=null", f"data.corpora=[{msra}, {{name: referenced, path: {refs}, split: dev}}]",
                              f"data.holdout=[{refs}]"])
    extra = load_training_articles(both)[1]
    assert [(a.text, [s.text for s in a.entities]) for a in extra] == [(texts[1], ["株洲市"]), (texts[0], ["长沙市"])]
    with pytest.raises(InputError, match="missing.refs.jsonl"):
        load_training_articles(load_config(None, ["data.gold=null", f"data.corpora=[{msra}]",
                                                  f"data.holdout=[{tmp_path / 'missing.refs.jsonl'}]"]))


@pytest.mark.parametrize("name", ["default", "mix", "pretrain"])
def test_configs_that_sample_corpora_keep_heldout_news_out(name):
    cfg = load_config(f"configs/{name}.yaml")
    assert "data/heldout/investment_news.refs.jsonl" in cfg.data.holdout


def test_dev_selection_scores_as_ner_tag_does(trained):
    """Training picks its epoch on dev passages tagged as ``ner tag`` tags them (same windows, Viterbi,
    edge trimming), scored against the passages' gold character spans."""
    from conftest import spans_by_find

    from ner.evaluation.spans import span_scores
    from ner.model.modeling import load_tokenizer
    from ner.model.training import dev_scores
    from ner.types import Article, Span

    cfg, _ = trained
    tagger = ner.load(cfg.output_dir, **MODEL_ONLY)
    passages_ = [Article(f"p{k}", text, [Span.from_dict(d) for d in spans_by_find(text, items[:-1])])
                 for k, (text, items) in enumerate(GOLD)]  # gold lacks one entity per passage
    expected = span_scores([p.entities for p in passages_], tagger.tag([p.text for p in passages_]), cfg.model.types)
    got = dev_scores(tagger.model, load_tokenizer(cfg.output_dir), cfg, passages_)
    assert got == expected and 0.5 < got["micro"]["f1"] < 1 and got["micro"]["recall"] == 1.0


@pytest.mark.parametrize("f1s, verdict", [
    ([0.16], "only 1 of the 3 epochs"),  # the busy-machine failure: one epoch, then the budget
    ([0.2, 0.5], "only 2 of the 3 epochs"),
    ([0.2, 0.5, 0.7], "still rising in the last epoch (0.500 -> 0.700"),
    ([0.2, 0.7, 0.705], None),  # rose by less than settle_delta: a plateau
    ([0.2, 0.7, 0.6], None),  # fell: the best epoch is behind it
    ([None, None, None], None),  # no dev set: only the epoch count is judged
])
def test_budget_verdict(f1s, verdict):
    from ner.config import TrainConfig
    from ner.model.training import budget_verdict

    history = [{"epoch": k + 1, "loss": 0.1, "dev_f1": f} for k, f in enumerate(f1s)]
    got = budget_verdict(history, TrainConfig(epochs=10))
    assert got is None if verdict is None else verdict in got
    assert budget_verdict(history[:1], TrainConfig(epochs=1)) is None  # a one-epoch plan needs one epoch


def test_budget_verdict_when_the_last_epoch_is_kept():
    from ner.config import TrainConfig
    from ner.model.training import budget_verdict

    history = [{"epoch": k + 1, "loss": 0.1, "dev_f1": f} for k, f in enumerate([0.3, 0.6, 0.8, 0.82, 0.4])]
    assert budget_verdict(history, TrainConfig(epochs=10)) is None  # best: the 0.82 epoch is kept
    assert "well below the best" in budget_verdict(history, TrainConfig(epochs=10, select="last"))
    history[-1]["dev_f1"] = 0.80
    assert budget_verdict(history, TrainConfig(epochs=10, select="last")) is None


def test_epoch_line_eta():
    from ner.model.training import epoch_line

    entry = {"epoch": 2, "loss": 0.41234, "dev_f1": 0.5}
    assert epoch_line(entry, 10, 130, 120, None) == "epoch 2/10  loss 0.4123  dev F1 0.5000  elapsed 2m10s  ETA 8m00s"
    assert epoch_line(entry, 10, 130, 120, 3).endswith("ETA 1m00s")  # the next epoch ends past 3 min: the last
    assert epoch_line({"epoch": 1, "loss": None}, 2, 200, 60, 3).endswith("dev F1 n/a  elapsed 3m20s  ETA 0m00s")


def budget_args(tiny_base, gold_file, out, *extra):
    return ["train", f"model.base={tiny_base}", f"data.gold={gold_file}", f"output_dir={out}", "train.epochs=5",
            "data.dev_fraction=0.34", "model.max_length=64", "model.overlap=8", "train.max_minutes=0.0001", *extra]


def test_budget_stop_before_settling_fails_and_says_what_to_do(tmp_path, tiny_base, gold_file):
    from click.testing import CliRunner

    from ner.cli import EXIT_UNSETTLED, main
    from ner.errors import UnsettledModelWarning
    from ner.model.training import is_trained

    out = tmp_path / "m"
    r = CliRunner().invoke(main, budget_args(tiny_base, gold_file, out))
    assert r.exit_code == EXIT_UNSETTLED == 3, r.output
    lines = r.output.strip().splitlines()
    epoch_lines = [l for l in lines if l.startswith("epoch ")]
    assert len(epoch_lines) == 1 and re.fullmatch(
        r"epoch 1/5  loss \d\.\d{4}  dev F1 \d\.\d{4}  elapsed \dm\d\ds  ETA 0m00s", epoch_lines[0])
    assert lines[-1].startswith("error: training stopped on its time budget (train.max_minutes=0.0001) after 1 of 5 "
                                "epochs, best dev F1 ")
    for fix in ("only 1 of the 3 epochs", "Rerun on a quieter machine", "raise train.max_minutes",
                "--accept-unsettled (train.accept_unsettled=true)"):
        assert fix in lines[-1]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert (metrics["stopped"], metrics["settled"], metrics["accepted_unsettled"]) == ("budget", False, False)
    assert not is_trained(out)  # ner cv and benchmarks retrain it instead of reusing it
    with pytest.warns(UnsettledModelWarning, match="stopped on its time budget before its dev score settled"):
        ner.load(out)
    with pytest.warns(UnsettledModelWarning, match="retrain it on a quieter machine or with a larger train.max_minutes"):
        r = CliRunner().invoke(main, ["tag", "--model", str(out), str(gold_file), "--output", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 0


def test_accepting_an_unsettled_model_exits_0(tmp_path, tiny_base, gold_file):
    from click.testing import CliRunner

    from ner.cli import main
    from ner.model.training import is_trained

    for how in (["--accept-unsettled"], ["train.accept_unsettled=true"]):
        out = tmp_path / how[0].strip("-").replace(".", "_")
        r = CliRunner().invoke(main, budget_args(tiny_base, gold_file, out, *how))
        assert r.exit_code == 0, r.output
        assert "time budget of 0.0001 min reached" in r.output and "UNSETTLED, accepted: only 1 of the 3" in r.output
        metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
        assert (metrics["settled"], metrics["accepted_unsettled"]) == (False, True) and is_trained(out)


def test_budget_passed_in_the_last_epoch_is_no_budget_stop(tmp_path, tiny_base, gold_file):
    cfg = overfit_config(tiny_base, gold_file, tmp_path / "m", **{"train.epochs": 1, "train.max_minutes": 0.0001})
    m = train(cfg, progress=False)
    assert (m["stopped"], m["stop_reason"], m["settled"], len(m["history"])) == ("epochs", "epochs done", True, 1)


def test_main_job_stops_at_an_unsettled_model(tmp_path):
    """scripts/main.sh: `ner train` exiting 3 stops the job before tagging, with the ways on."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    (tmp_path / "scripts").mkdir()
    shutil.copy(repo / "scripts" / "main.sh", tmp_path / "scripts" / "main.sh")
    shutil.copytree(repo / "configs", tmp_path / "configs")
    (tmp_path / "scripts" / "setup.sh").write_text("exit 0\n")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "ner").write_text('#!/bin/sh\necho "ner $*" >> "$NER_CALLS"\n[ "$1" = train ] && exit 3\nexit 0\n')
    (bin_ / "ner").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}", "NER_CALLS": str(tmp_path / "calls"),
           "PYTHONPATH": str(repo)}
    r = subprocess.run(["bash", "scripts/main.sh", "configs/default.yaml", "train.epochs=3"], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 3
    assert (tmp_path / "calls").read_text().splitlines() == ["ner train --config configs/default.yaml train.epochs=3"]
    assert "main job stopped before tagging" in r.stderr
    assert "bash scripts/main.sh configs/default.yaml train.epochs=3 train.accept_unsettled=true" in r.stderr


def test_select_last_runs_every_epoch_and_keeps_the_last(tmp_path, tiny_base, gold_file):
    cfg = overfit_config(tiny_base, gold_file, tmp_path / "m", **{"data.dev_fraction": 0.3, "train.epochs": 4,
                                                                  "train.patience": 1, "train.select": "last"})
    m = train(cfg, progress=False)
    assert m["stopped"] == "epochs" and len(m["history"]) == 4
    assert m["select"] == "last" and m["kept_epoch"] == 4
    assert m["dev_micro_f1"] == m["history"][-1]["dev_f1"]
    saved = json.loads((tmp_path / "m" / "metrics.json").read_text(encoding="utf-8"))
    assert saved["kept_epoch"] == 4
    with pytest.raises(Exception):
        overfit_config(tiny_base, gold_file, tmp_path / "x", **{"train.select": "first"})


def test_isolated_characters_are_trained_on_and_saved_with_the_model(tmp_path, tiny_piece_base, gold_file):
    """model.isolate: the tokenizer saved with the model splits 市 off, so ner.load tags with the split."""
    from conftest import TEXTS

    from ner.model.modeling import load_tokenizer

    cfg = overfit_config(tiny_piece_base, gold_file, tmp_path / "m", **{"train.epochs": 1, "model.isolate": "'[市]'"})
    train(cfg, progress=False)
    pieces = load_tokenizer(str(cfg.output_dir)).tokenize(TEXTS[0])
    assert "市" in pieces and "市望" not in pieces
    assert "市望" in load_tokenizer(str(tiny_piece_base)).tokenize(TEXTS[0])


def test_frozen_embeddings_stay_as_pretrained_while_the_rest_learns(tmp_path, tiny_base, gold_file):
    """train.freeze_embeddings: the saved word embeddings equal the base's; the encoder's other weights moved."""
    from safetensors.torch import load_file

    def weights(folder):
        return {k.split("bert.")[-1]: v for k, v in load_file(Path(folder) / "model.safetensors").items()}

    base = weights(tiny_base)
    for freeze in (True, False):
        out = tmp_path / f"m{freeze}"
        train(overfit_config(tiny_base, gold_file, out, **{"train.epochs": 2, "train.freeze_embeddings": freeze}),
              progress=False)
        after = weights(out)
        word = "embeddings.word_embeddings.weight"
        assert after[word].equal(base[word]) is freeze
        layer = next(k for k in base if "encoder.layer.0" in k and k.endswith("query.weight"))
        assert not after[layer].equal(base[layer])


def test_average_last_keeps_the_mean_of_the_last_epochs_weights(tmp_path, tiny_base, gold_file, monkeypatch):
    """train.average_last (select: last): the saved weights are the mean of the weights at the ends of the last N
    epochs; training itself runs as without it (the last epoch's weights, from a second run, are one of the terms)."""
    import torch
    from safetensors.torch import load_file

    import ner.model.training as training

    made, ends = [], []
    real_new_model, real_batches = training.new_model, training.length_batches
    monkeypatch.setattr(training, "new_model", lambda *a, **k: made.append(real_new_model(*a, **k)) or made[-1])

    def batches(*a, **k):  # called once for the step count, then at the start of each epoch: the weights so far
        if made:
            ends.append({n: v.detach().clone() for n, v in made[-1].state_dict().items()})
        return real_batches(*a, **k)

    monkeypatch.setattr(training, "length_batches", batches)
    over = {"train.epochs": 3, "train.select": "last", "train.lr": "1e-2", "train.head_lr": "1e-2"}
    metrics = train(overfit_config(tiny_base, gold_file, tmp_path / "last", **over), progress=False)
    assert metrics["averaged_epochs"] is None
    last = load_file(tmp_path / "last" / "model.safetensors")
    ends_of_epoch2 = ends[3]  # [0] the step count and [1] epoch 1's start: untrained; [2] after epoch 1, [3] after 2
    metrics = train(overfit_config(tiny_base, gold_file, tmp_path / "avg", **over, **{"train.average_last": 2}),
                    progress=False)
    assert metrics["averaged_epochs"] == [2, 3]
    averaged = load_file(tmp_path / "avg" / "model.safetensors")
    moved = 0
    for name, tensor in averaged.items():
        torch.testing.assert_close(tensor, (last[name] + ends_of_epoch2[name]) / 2)
        moved += not torch.equal(tensor, last[name])
    assert moved  # the mean is not the last epoch's weights


@pytest.mark.parametrize("over, message", [
    ({"train.average_last": 3}, "needs train.select=last"),  # select: best keeps the best epoch alone
    ({"train.select": "last", "train.epochs": 2, "train.average_last": 3}, "more than train.epochs"),
])
def test_average_last_is_refused_where_it_cannot_average(over, message):
    from ner.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        load_config(None, [f"{k}={v}" for k, v in over.items()])


def test_adamw_is_fused_where_torch_fuses_it_and_plain_where_it_cannot(monkeypatch):
    """ner.model.training.adamw: fused on a CPU with this torch; the per-tensor update where fusing is refused."""
    import torch

    from ner.model.training import adamw

    w = torch.nn.Parameter(torch.ones(3))
    try:  # torch fuses on a CPU from 2.4 on
        torch.optim.AdamW([w], fused=True)
        fuses = True
    except RuntimeError:
        fuses = False
    assert bool(adamw([{"params": [w], "lr": 0.1}], 0.01, "cpu").defaults.get("fused")) is fuses
    real = torch.optim.AdamW

    def refuse_fused(*args, fused=None, **kw):
        if fused:
            raise RuntimeError("`fused=True` requires all the params to be floating point Tensors of supported devices")
        return real(*args, **kw)

    monkeypatch.setattr(torch.optim, "AdamW", refuse_fused)
    opt = adamw([{"params": [w], "lr": 0.1}], 0.01, "cpu")
    assert not opt.defaults.get("fused")
    w.grad = torch.ones(3)
    opt.step()
    assert (w.detach() < 1).all()
