"""Fine-tuning: articles -> windows with token labels -> encoder + linear head, early stopping on dev.

Partially labelled corpora: an article says which types it labels (``Article.labelled``). Where a type
is unlabelled, an ``O`` token may really be any tag of that type, so its loss is the negative log of the
total probability of the allowed tags (O and the unlabelled types' tags), never a push towards ``O``.
"""
from __future__ import annotations

import json
import logging
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from ner.config import Config, TrainConfig, dump_config, load_config
from ner.errors import ConfigError, UnsettledTrainingError
from ner.evaluation.spans import span_scores
from ner.labels import label_maps
from ner.model.features import IGNORE
from ner.model.modeling import isolate_characters, load_tokenizer, new_model, save_tokenizer
from ner.types import Article
from ner.model.examples import (
    Example,
    augmented_examples,
    build_examples,
    collate,
    length_batches,
    load_training_articles,
    passages,
)

log = logging.getLogger(__name__)


def partial_label_loss(logits: torch.Tensor, labels: torch.Tensor, o_mask: torch.Tensor) -> torch.Tensor:
    """Mean over scored tokens of -log P(allowed tags). ``o_mask`` (batch x n_labels) says what O allows."""
    scored = labels != IGNORE
    safe = labels.clamp(min=0)
    allowed = torch.nn.functional.one_hot(safe, logits.shape[-1]).bool()
    is_o = (safe == 0) & scored
    allowed = torch.where(is_o.unsqueeze(-1), o_mask.unsqueeze(1).expand_as(allowed), allowed)
    log_z = torch.logsumexp(logits, dim=-1)
    log_allowed = torch.logsumexp(logits.masked_fill(~allowed, float("-inf")), dim=-1)
    loss = (log_z - log_allowed)[scored]
    return loss.mean() if loss.numel() else logits.sum() * 0.0


@torch.inference_mode()
def dev_loss(model, examples: list[Example], n_labels: int, pad_id: int, batch_size: int = 32) -> float:
    """Mean partial-label loss over dev windows (breaks ties between epochs of equal dev F1)."""
    model.eval()
    losses = []
    for i in range(0, len(examples), batch_size):
        device = next(model.parameters()).device
        ids, att, labels, o_mask = (t.to(device) for t in collate(examples[i:i + batch_size], pad_id, n_labels))
        logits = model(input_ids=ids, attention_mask=att).logits.float()
        losses.append(partial_label_loss(logits, labels, o_mask).item())
    return float(np.mean(losses)) if losses else 0.0


def dev_scores(model, tokenizer, cfg: Config, passages_: list[Article]) -> dict:
    """Span scores of the model alone on whole dev passages, tagged exactly as ``ner tag`` does: the same
    windows (``model.max_length``, ``model.overlap``), constrained Viterbi decoding, edge trimming and the
    one-character floor (``ner.pipeline.Tagger`` with ``MODEL_ONLY``), against the passages' gold spans."""
    from ner.combine import MODEL_ONLY
    from ner.pipeline import Tagger

    types = cfg.model.types
    device = str(next(model.parameters()).device)
    tagger = Tagger(model, tokenizer, types, cfg.model.max_length, cfg.model.overlap, device=device, **MODEL_ONLY)
    pred = tagger.tag([p.text for p in passages_])
    gold = [[s for s in p.entities if s.label in types] for p in passages_]
    return span_scores(gold, pred, types)


@dataclass
class Processes:
    """This process's place among the training processes, and its device.

    One process unless started by a launcher that sets ``WORLD_SIZE`` (``torchrun --nproc-per-node N``,
    ``accelerate launch --num_processes N``): then the processes form a torch.distributed group (gloo
    on CPU, NCCL on GPUs, one GPU per process by ``LOCAL_RANK``), the model is wrapped in
    DistributedDataParallel (gradients averaged at each step), and each process takes every N-th batch
    of the same shuffled list (``share``). Every process scores dev on the same weights and so takes the
    same early-stopping decisions; the first writes the model. On a GPU the forward pass runs under
    bf16 autocast (fp16 with gradient scaling where bf16 is unsupported), untested on a GPU here."""

    world: int = 1
    rank: int = 0
    device: str = "cpu"
    dtype: torch.dtype | None = None

    @classmethod
    def from_env(cls, device: str = "auto") -> "Processes":
        import os

        from ner.model.backends import autocast_dtype, resolve_device

        world, rank = int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("RANK", 0))
        device = resolve_device(device)
        if device == "cuda" and world > 1:
            device = f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}"
        if device.startswith("cuda:"):
            torch.cuda.set_device(torch.device(device))
        if world > 1 and not torch.distributed.is_initialized():
            torch.distributed.init_process_group("nccl" if device.startswith("cuda") else "gloo")
        return cls(world, rank, device, autocast_dtype(device))

    def wrap(self, model):
        if self.world == 1:
            return model
        from torch.nn.parallel import DistributedDataParallel

        return DistributedDataParallel(model, device_ids=[self.device] if self.device.startswith("cuda") else None)

    def share(self, batches: list) -> list:
        """This process's batches: every ``world``-th, from its rank; all processes get as many (the
        list is cycled), since each step waits for every process's gradients."""
        if self.world == 1 or not batches:
            return batches
        steps = -(-len(batches) // self.world)
        return [batches[(i * self.world + self.rank) % len(batches)] for i in range(steps)]

    def autocast(self):
        import contextlib

        return torch.autocast("cuda", dtype=self.dtype) if self.dtype is not None else contextlib.nullcontext()

    def close(self) -> None:
        if self.world > 1:
            torch.distributed.barrier()
            torch.distributed.destroy_process_group()


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def budget_verdict(history: list[dict], train_cfg: TrainConfig) -> str | None:
    """Why a run stopped by its time budget after ``history`` has not settled; None if it has.

    Settled means: at least ``train_cfg.settle_epochs`` epochs completed (at most ``train_cfg.epochs``),
    and the last epoch did not raise the best dev F1 of the earlier ones by more than ``settle_delta``
    (dev F1 still rising: the model was cut off while it was learning); with ``select: last``, also that the
    kept last epoch is not far below the best (more than 5 × ``settle_delta``). Without a dev set only the
    first test applies."""
    need = min(train_cfg.settle_epochs, train_cfg.epochs)
    if len(history) < need:
        return f"only {len(history)} of the {need} epochs needed to judge it completed (train.settle_epochs)"
    f1 = [h["dev_f1"] for h in history if h.get("dev_f1") is not None]
    if len(f1) >= 2 and f1[-1] - max(f1[:-1]) > train_cfg.settle_delta:
        return (f"dev F1 was still rising in the last epoch ({max(f1[:-1]):.3f} -> {f1[-1]:.3f}, "
                f"more than train.settle_delta={train_cfg.settle_delta:g})")
    if train_cfg.select == "last" and len(f1) >= 2 and max(f1) - f1[-1] > 5 * train_cfg.settle_delta:
        # the kept weights are the last epoch's, cut off before the learning rate decayed
        return (f"the last epoch, whose weights are kept (train.select=last), is well below the best "
                f"({f1[-1]:.3f} against {max(f1):.3f}, more than 5 x train.settle_delta)")
    return None


def _duration(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}m{s:02d}s"


def epoch_line(entry: dict, epochs: int, elapsed: float, in_epochs: float, max_minutes: float | None) -> str:
    """One plain progress line: epoch, loss, dev F1, time since the start and the time left (ETA).

    ``elapsed``: seconds since training started, set-up included (what the budget counts); ``in_epochs``:
    seconds spent in the epochs so far. The ETA assumes later epochs take the mean of these and no early
    stop; with a budget, training stops at the end of the first epoch that ends past it."""
    per_epoch = in_epochs / entry["epoch"]
    left = epochs - entry["epoch"]
    if max_minutes:
        budget_left = max_minutes * 60 - elapsed
        left = 0 if budget_left < 0 else min(left, int(budget_left // per_epoch) + 1)
    loss = "n/a" if entry["loss"] is None else f"{entry['loss']:.4f}"
    dev = "n/a" if entry.get("dev_f1") is None else f"{entry['dev_f1']:.4f}"
    return (f"epoch {entry['epoch']}/{epochs}  loss {loss}  dev F1 {dev}  elapsed {_duration(elapsed)}  "
            f"ETA {_duration(left * per_epoch)}")


def adamw(groups: list[dict], weight_decay: float, device) -> torch.optim.AdamW:
    """AdamW, fused (one kernel for the whole update, the same rule) where this torch fuses it on ``device``.

    On 2 CPU cores the unfused update was about a quarter of a training step with the default's small batches
    (benchmarks/train_step.py); torch before 2.4 fuses on GPUs only, and there the per-tensor update runs."""
    if torch.device(device).type in ("cpu", "cuda"):
        try:
            return torch.optim.AdamW(groups, weight_decay=weight_decay, fused=True)
        except RuntimeError as e:  # e.g. torch < 2.4 on a CPU
            log.info("AdamW unfused: %s", e)
    return torch.optim.AdamW(groups, weight_decay=weight_decay)


def train(cfg: Config, progress: bool = True) -> dict:
    """Train a tagger as ``cfg`` says; write it to ``cfg.output_dir``; return the metrics written.

    ``progress``: a progress bar; otherwise one plain line per epoch on stderr (``epoch_line``).

    A run stopped by ``train.max_minutes`` before it settled (``budget_verdict``) still writes its model,
    marked ``"settled": false`` in metrics.json, then raises ``UnsettledTrainingError`` unless
    ``train.accept_unsettled``. A first stage named by ``model.base_config`` is trained first (``first_stage``)."""
    first_stage(cfg, progress)
    return _train_stage(cfg, progress)


def _train_stage(cfg: Config, progress: bool) -> dict:
    """``train`` of ``cfg`` alone, its first stage (if any) already in place."""
    t0 = time.time()
    set_seed(cfg.train.seed)
    if cfg.train.threads:
        torch.set_num_threads(cfg.train.threads)
    ctx = Processes.from_env(cfg.train.device)
    types = cfg.model.types
    id2label, label2id = label_maps(types)
    gold, extra = load_training_articles(cfg)  # bad gold fails before a model is loaded
    tokenizer = isolate_characters(load_tokenizer(cfg.model.base), cfg.model.isolate)
    if not gold and not extra:
        raise ValueError(f"no training articles: data.gold ({cfg.data.gold}) is empty or every article is "
                         "excluded, and data.corpora gave none")

    misaligned = build_examples(gold, tokenizer, cfg, label2id, "gold")[1]  # reported in article offsets
    for art_id, s in misaligned:
        log.warning("gold span inside a token, label ignored: %s [%d, %d) %s %r", art_id, s.start, s.end, s.label, s.text)

    # Dev is whole passages of the gold, so no text of it is trained on (augmented copies included).
    rng = random.Random(cfg.train.seed)
    gold_passages = [p for a in gold for p in passages(a, cfg.data.passage_chars)]
    rng.shuffle(gold_passages)
    n_dev = int(round(len(gold_passages) * cfg.data.dev_fraction))
    train_passages = gold_passages[n_dev:]
    dev_passages = gold_passages[:n_dev]
    dev = build_examples(dev_passages, tokenizer, cfg, label2id, "dev")[0]
    gold_train = build_examples(train_passages, tokenizer, cfg, label2id, "gold")[0]
    extra_ex, extra_mis = build_examples(extra, tokenizer, cfg, label2id, "corpus")
    train_ex = gold_train * cfg.train.gold_repeat + extra_ex
    n_augmented = len(gold_train) * cfg.data.augment.copies  # about: the copies are windowed afresh

    model = new_model(cfg.model.base, types).to(ctx.device)
    if cfg.train.freeze_embeddings:  # before the wrapper: DistributedDataParallel reads which weights learn
        model.get_input_embeddings().weight.requires_grad_(False)
    trainee = ctx.wrap(model)  # the model itself, or its DistributedDataParallel wrapper
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    head = [p for n, p in trained if n.startswith("classifier")]
    body = [p for n, p in trained if not n.startswith("classifier")]
    opt = adamw([{"params": body, "lr": cfg.train.lr}, {"params": head, "lr": cfg.train.head_lr}],
                cfg.train.weight_decay, ctx.device)
    estimate = train_ex + gold_train * cfg.data.augment.copies  # the copies have about the gold's lengths
    steps_per_epoch = len(ctx.share(length_batches(estimate, cfg.train.batch_size, random.Random(0), cfg.train.batch_tokens)))
    total = steps_per_epoch * cfg.train.epochs
    warmup = int(total * cfg.train.warmup_ratio)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, warmup)) * max(0.0, (total - s) / max(1, total - warmup))
    )

    best = {"key": None, "f1": None, "epoch": 0, "state": None}
    history, bad_epochs, step, stopped, stop_reason = [], 0, 0, "epochs", "epochs done"
    progress = progress and ctx.rank == 0
    bar = tqdm(total=total, desc="train", disable=not progress, unit="step")
    scaler = torch.amp.GradScaler("cuda") if ctx.dtype == torch.float16 else None
    t_loop = time.time()
    # checkpoint averaging (train.average_last; the config allows it with select: last only): the sum of the weights at
    # the ends of the last epochs
    average_from = cfg.train.epochs - cfg.train.average_last + 1
    weight_sum: dict[str, torch.Tensor] = {}
    averaged: list[int] = []
    for epoch in range(1, cfg.train.epochs + 1):
        trainee.train()
        losses = []
        epoch_ex = train_ex
        if cfg.data.augment.copies:
            epoch_ex = train_ex + augmented_examples(train_passages, tokenizer, cfg, label2id, rng)
        for batch in ctx.share(length_batches(epoch_ex, cfg.train.batch_size, rng, cfg.train.batch_tokens)):
            ids, att, labels, o_mask = (t.to(ctx.device) for t in collate(batch, pad_id, len(id2label)))
            with ctx.autocast():
                logits = trainee(input_ids=ids, attention_mask=att).logits
            loss = partial_label_loss(logits.float(), labels, o_mask)
            if scaler is not None:  # fp16 on a GPU without bf16: scaled gradients
                scaler.scale(loss).backward()
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            losses.append(loss.item())
            step += 1
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{np.mean(losses[-20:]):.3f}")
        entry = {"epoch": epoch, "loss": float(np.mean(losses)) if losses else None}
        if dev:
            entry["dev_f1"] = dev_scores(model, tokenizer, cfg, dev_passages)["micro"]["f1"]
            entry["dev_loss"] = dev_loss(model, dev, len(id2label), pad_id)
            key = (round(entry["dev_f1"], 4), -entry["dev_loss"])  # F1 first; loss breaks ties (e.g. all 0)
            if best["key"] is None or key > best["key"]:
                best = {"key": key, "f1": entry["dev_f1"], "epoch": epoch,
                        "state": {k: v.detach().clone() for k, v in model.state_dict().items()}
                        if cfg.train.select == "best" else None}
                bad_epochs = 0
            else:
                bad_epochs += 1
        history.append(entry)
        if cfg.train.average_last > 1 and epoch >= average_from:
            for k, v in model.state_dict().items():
                if v.is_floating_point():
                    weight_sum[k] = weight_sum[k].add_(v.detach().float()) if k in weight_sum else v.detach().float().clone()
            averaged.append(epoch)
        log.info("epoch %d: %s", epoch, entry)
        if not progress and ctx.rank == 0:
            print(epoch_line(entry, cfg.train.epochs, time.time() - t0, time.time() - t_loop, cfg.train.max_minutes),
                  file=sys.stderr, flush=True)
        if dev and bad_epochs >= cfg.train.patience and cfg.train.select == "best":
            stopped, stop_reason = "patience", f"early stop: no dev improvement for {bad_epochs} epochs"
            break
        if epoch < cfg.train.epochs and cfg.train.max_minutes and (time.time() - t0) / 60 > cfg.train.max_minutes:
            stopped, stop_reason = "budget", f"time budget of {cfg.train.max_minutes:g} min reached"
            break
    bar.close()
    if best["state"] is not None and cfg.train.select == "best":
        model.load_state_dict(best["state"])
    averaged_f1 = None
    if cfg.train.average_last > 1 and len(averaged) < 2:
        log.warning("train.average_last=%d: the run stopped after epoch %d, before two of its last %d epochs: the last "
                    "epoch's weights are kept alone", cfg.train.average_last, len(history), cfg.train.average_last)
    if len(averaged) > 1:
        state = model.state_dict()
        model.load_state_dict({k: (weight_sum[k] / len(averaged)).to(v.dtype) if k in weight_sum else v
                               for k, v in state.items()})
        if dev:
            averaged_f1 = dev_scores(model, tokenizer, cfg, dev_passages)["micro"]["f1"]

    unsettled = budget_verdict(history, cfg.train) if stopped == "budget" else None
    metrics = {
        "train_seconds": round(time.time() - t0, 1),
        "stopped": stopped,  # epochs | patience | budget
        "stop_reason": stop_reason,
        "settled": unsettled is None,  # false only for a budget stop that budget_verdict rejects
        "unsettled_reason": unsettled,
        "accepted_unsettled": unsettled is not None and cfg.train.accept_unsettled,
        "select": cfg.train.select,
        "best_epoch": best["epoch"] if dev else len(history),  # the kept weights: "kept_epoch"
        "kept_epoch": best["epoch"] if dev and cfg.train.select == "best" else len(history),
        "dev_micro_f1": (best["f1"] if cfg.train.select == "best" else averaged_f1 if len(averaged) > 1
                         else history[-1]["dev_f1"]) if dev else None,
        "averaged_epochs": averaged if len(averaged) > 1 else None,  # train.average_last: the kept weights' mean
        "history": history,
        "examples": {"gold_train": len(gold_train), "dev": len(dev), "corpus": len(extra_ex),
                     "augmented_per_epoch": n_augmented},
        "articles": {"gold": [a.id for a in gold], "corpus": len(extra)},
        "misaligned_gold_spans": [
            {"id": i, **s.to_dict()} for i, s in misaligned
        ],
        "misaligned_corpus_spans": len(extra_mis),
    }
    metrics["processes"] = ctx.world
    if ctx.rank:
        metrics["rank"] = ctx.rank  # not saved: the first process writes its own
    if ctx.rank == 0:
        save(model.to("cpu"), tokenizer, cfg, metrics)
    ctx.close()  # the other processes wait here until the model is written
    if unsettled is not None and not cfg.train.accept_unsettled:
        raise UnsettledTrainingError(unsettled_message(cfg, metrics), metrics)
    return metrics


def unsettled_message(cfg: Config, metrics: dict) -> str:
    """The one line that says a budget stop left the model unsettled, and the three ways on."""
    h = metrics["history"]
    kept = "best" if metrics.get("select", "best") == "best" else "kept (last) epoch's"
    dev = "" if metrics["dev_micro_f1"] is None else f", {kept} dev F1 {metrics['dev_micro_f1']:.3f}"
    return (f"training stopped on its time budget (train.max_minutes={cfg.train.max_minutes:g}) after "
            f"{len(h)} of {cfg.train.epochs} epochs{dev}, before it settled: {metrics['unsettled_reason']}. "
            f"The model in {cfg.output_dir} is marked unsettled. Rerun on a quieter machine, raise "
            f"train.max_minutes, or keep this model with --accept-unsettled (train.accept_unsettled=true)")


def save(model, tokenizer, cfg: Config, metrics: dict) -> None:
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("model.onnx", "model.int8.onnx"):  # exported from the weights this run replaces
        (out / stale).unlink(missing_ok=True)
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out, cfg.model.isolate)
    (out / "training_config.yaml").write_text(dump_config(cfg), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")  # last


def first_stage(cfg: Config, progress: bool = True, _chain: tuple[str, ...] = ()) -> None:
    """Train ``cfg.model.base_config`` into ``cfg.model.base`` unless a finished model trained by that same
    config is there already; a model there from another config is an error, never silently reused."""
    where = cfg.model.base_config
    if not where:
        return
    if Path(where).resolve() in {Path(c).resolve() for c in _chain}:
        raise ConfigError(f"{where}: model.base_config goes round in a circle ({' -> '.join([*_chain, where])})")
    stage = load_config(where)
    if Path(stage.output_dir).resolve() != Path(cfg.model.base).resolve():
        raise ConfigError(f"model.base_config {where} trains into {stage.output_dir}, but model.base is "
                          f"{cfg.model.base}: set model.base={stage.output_dir}, or model.base_config=null for one stage")
    if is_trained(stage.output_dir):
        saved = Path(stage.output_dir) / "training_config.yaml"
        if saved.exists() and load_config(saved) == stage:
            log.info("first stage %s: reusing %s", where, stage.output_dir)
            return
        raise ConfigError(f"{stage.output_dir}: trained by another config than {where} (compare its "
                          "training_config.yaml); delete that folder to retrain the first stage")
    print(f"first stage: training {where} into {stage.output_dir}", file=sys.stderr, flush=True)
    first_stage(stage, progress, (*_chain, where))
    _train_stage(stage, progress)


def is_trained(output_dir: str | Path) -> bool:
    """Whether ``train`` finished writing a model there that may be reused (``save`` writes metrics.json
    last): an unsettled budget stop that was not accepted counts as not trained, so a rerun retrains it."""
    path = Path(output_dir) / "metrics.json"
    if not path.exists():
        return False
    metrics = json.loads(path.read_text(encoding="utf-8"))
    return metrics.get("settled", True) or metrics.get("accepted_unsettled", False)
