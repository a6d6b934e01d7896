"""Training in two processes (torch DDP over gloo, as torchrun starts them) gives a model as good as one
process's: the tiny random BERT overfits the three gold sentences either way."""
import json
import os
import subprocess
import sys

import pytest
from conftest import GOLD, REPO, spans_by_find

import ner
from ner.combine import MODEL_ONLY
from ner.evaluation.spans import span_scores
from ner.types import Span


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    path = tmp_path_factory.mktemp("ddp") / "gold.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for k, (text, items) in enumerate(GOLD):
            f.write(json.dumps({"id": f"d{k}", "text": text, "entities": spans_by_find(text, items)},
                               ensure_ascii=False) + "\n")
    return path


def overrides(base, gold, out):
    return [f"model.base={base}", f"data.gold={gold}", f"output_dir={out}", "data.dev_fraction=0",
            "train.epochs=40", "train.lr=3e-3", "train.head_lr=3e-3", "train.batch_size=1", "train.warmup_ratio=0",
            "model.max_length=64", "model.overlap=8", "train.threads=1", "data.augment.copies=0"]


def train(launcher, args, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    r = subprocess.run([sys.executable, *launcher, "-m", "ner.cli", "train", "--device", "cpu", *args], env=env,
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def f1_on_gold(model_dir):
    tagger = ner.load(model_dir, backend="torch", **MODEL_ONLY)
    gold = [[Span(**e) for e in spans_by_find(text, items)] for text, items in GOLD]
    return span_scores(gold, tagger.tag([text for text, _ in GOLD]))["micro"]["f1"]


@pytest.fixture(scope="module")
def one_process(tiny_base, gold, tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "model"
    train([], overrides(tiny_base, gold, out), out.parent)
    assert json.loads((out / "metrics.json").read_text())["processes"] == 1
    return f1_on_gold(out)


LAUNCHERS = {
    "torchrun": ["-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"],
    # as on several GPUs; on a machine without one the processes train on the CPU over gloo
    "accelerate": ["-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
                   "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", "0"],
}


@pytest.mark.parametrize("launcher", LAUNCHERS)
def test_two_processes_train_as_well_as_one(launcher, one_process, tiny_base, gold, tmp_path):
    if launcher == "accelerate":
        pytest.importorskip("accelerate", reason="the accelerate extra: pip install -e '.[accelerate]'")
    two = tmp_path / "two"
    r = train(LAUNCHERS[launcher], overrides(tiny_base, gold, two), tmp_path)
    assert r.stdout.count("model written to") == 1  # the first process reports; the second is silent
    assert json.loads((two / "metrics.json").read_text())["processes"] == 2
    f1_two = f1_on_gold(two)
    assert one_process >= 0.9 and f1_two >= 0.9 and abs(one_process - f1_two) <= 0.1, (one_process, f1_two)


def test_two_processes_train_with_frozen_embeddings(tiny_base, gold, tmp_path):
    """train.freeze_embeddings under torchrun: the frozen weights are frozen before DistributedDataParallel reads
    which weights learn (frozen after, the second step waits for a gradient that never comes)."""
    out = tmp_path / "frozen"
    r = train(LAUNCHERS["torchrun"], overrides(tiny_base, gold, out) + ["train.freeze_embeddings=true", "train.epochs=3"],
              tmp_path)
    assert r.stdout.count("model written to") == 1
    assert json.loads((out / "metrics.json").read_text())["processes"] == 2
