"""A model soup: the uniform average of the weights of taggers fine-tuned from one base (`ner soup OUT DIR DIR...`).

Taggers trained by one recipe with different seeds (``train.seed``) from the same starting weights (the default's
second stage starts from ``runs/silver_pre``) end near each other, and the mean of their weights tags as one model at
the cost of one: no ensemble at inference. The members must agree on everything but their weights: labels, shapes,
tokenizer and the saved tag policy (``training_config.yaml``, whose ``model`` and ``tag`` sections the soup keeps).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ner.errors import InputError
from ner.model.export import BESIDE

WEIGHTS = "model.safetensors"
# the tokenizer files every member must have alike, taken from the first (with config.json and training_config.yaml)
SAME_FILES = tuple(n for n in BESIDE if n not in ("config.json", "training_config.yaml", "metrics.json"))


def _digest(path: Path) -> str | None:
    return hashlib.sha1(path.read_bytes()).hexdigest() if path.exists() else None


def _saved_settings(folder: Path) -> dict[str, Any]:
    """The window settings and tag policy a tagger was saved with (training_config.yaml's model and tag)."""
    import yaml

    path = folder / "training_config.yaml"
    try:
        saved = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    except yaml.YAMLError as e:
        raise InputError(f"{path}: not YAML ({_first_line(e)}); give a folder written by `ner train`") from None
    model = saved.get("model", {}) if isinstance(saved, dict) else None
    if not isinstance(model, dict):
        raise InputError(f"{path}: not a training config (no model section); give a folder written by `ner train`")
    return {"window": {k: model.get(k) for k in ("max_length", "overlap")}, "tag": saved.get("tag", {})}


def _first_line(e: BaseException) -> str:
    return (str(e).splitlines() or [e.__class__.__name__])[0]


def _labels(folder: Path) -> Any:
    path = folder / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot be read ({e.__class__.__name__}); give a folder written by `ner train`") from None
    if not isinstance(config, dict):
        raise InputError(f"{path}: not a model config; give a folder written by `ner train`")
    return config.get("id2label")


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    try:
        return load_file(str(folder / WEIGHTS))
    except Exception as e:  # safetensors raises its own error type for a torn or foreign file
        raise InputError(f"{folder / WEIGHTS}: cannot be read ({_first_line(e)}); retrain or copy it again") from None


def make_soup(out_dir: str | Path, model_dirs: Sequence[str | Path]) -> dict[str, Any]:
    """Write the uniform weight average of ``model_dirs`` to ``out_dir`` (replaced atomically) and return its summary.

    Raises ``InputError`` naming the member and what differs where the members are not one recipe's taggers."""
    import torch
    from safetensors.torch import save_file

    folders = [Path(m) for m in model_dirs]
    out = Path(out_dir)
    if len(folders) < 2:
        raise InputError("a soup needs two taggers or more: ner soup OUT DIR DIR ...")
    for f in folders:
        if not (f / WEIGHTS).exists():
            raise InputError(f"{f}: no {WEIGHTS}; give folders written by `ner train`")
        if f.resolve() == out.resolve() or out.resolve() in f.resolve().parents:
            raise InputError(f"{out}: is or holds one of the members ({f}); write the soup to a folder of its own")
    if out.exists() and (not (out / "metrics.json").exists()
                         or "soup" not in json.loads((out / "metrics.json").read_text(encoding="utf-8") or "{}")):
        raise InputError(f"{out}: exists and holds no soup; give a new folder (or delete it)")
    first = folders[0]
    labels = _labels(first)
    settings = _saved_settings(first)
    for f in folders[1:]:
        if _labels(f) != labels:
            raise InputError(f"{f}: its labels differ from {first}'s; a soup averages taggers of the same labels")
        for name in SAME_FILES:
            if _digest(f / name) != _digest(first / name):
                raise InputError(f"{f}: {name} differs from {first}'s; a soup needs one tokenizer")
        if _saved_settings(f) != settings:
            raise InputError(f"{f}: its windows or tag policy (training_config.yaml) differ from {first}'s")
    states = [_weights(f) for f in folders]
    averaged = {}
    for key, tensor in states[0].items():
        for f, state in zip(folders[1:], states[1:]):
            if key not in state or state[key].shape != tensor.shape:
                raise InputError(f"{f}: weight {key} is missing or has another shape than {first}'s; "
                                 "a soup averages taggers of one architecture")
        if tensor.is_floating_point():
            averaged[key] = (sum(s[key].to(torch.float64) for s in states) / len(states)).to(tensor.dtype)
        else:
            averaged[key] = tensor
    for f, state in zip(folders[1:], states[1:]):
        if extra := sorted(state.keys() - states[0].keys()):
            raise InputError(f"{f}: weights {extra[:3]} are not in {first}; a soup averages taggers of one architecture")

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        save_file(averaged, str(tmp / WEIGHTS), metadata={"format": "pt"})
        for name in ("config.json", "training_config.yaml", *SAME_FILES):
            if (first / name).exists():
                shutil.copy2(first / name, tmp / name)
        summary = {"soup": [str(f) for f in folders], "members": len(folders), "weights": len(averaged)}
        (tmp / "metrics.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            try:
                os.replace(tmp, out)
            except BaseException:
                os.replace(old, out)  # the old soup back where it was
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary
