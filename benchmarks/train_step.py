"""Where a training step's time goes on this machine, for the optimizer and embedding settings of `ner train`.

    python benchmarks/train_step.py [--base ../shared/models/me5-small-zh] [--batch 4] [--tokens 128] [--steps 20]

One process, the same random batch; the settings take turns step by step after warm-up steps, and each figure is
the median over the steps: forward, backward, and the update
(gradient clipping and AdamW, `ner.model.training.adamw` where fused; one parameter group and the model's own
cross-entropy, so read the update's share, not the training loop's exact step). Settings: AdamW unfused (torch's per-tensor
loop), fused (one kernel, what `ner train` uses), and fused with the word embeddings frozen
(`train.freeze_embeddings`). The machine is shared and noisy: read the ratios, measured in one run.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from ner.labels import ENTITY_TYPES
from ner.model.modeling import new_model
from ner.model.training import adamw

SETTINGS = {"unfused": dict(fused=False, freeze=False), "fused": dict(fused=True, freeze=False),
            "fused, frozen embeddings": dict(fused=True, freeze=True)}


def setup(base: str, fused: bool, freeze: bool):
    torch.manual_seed(0)
    model = new_model(base, list(ENTITY_TYPES))
    model.train()
    if freeze:
        model.get_input_embeddings().weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = adamw([{"params": params, "lr": 1e-5}], 0.01, "cpu") if fused else torch.optim.AdamW(params, lr=1e-5)
    return model, params, opt


def one_step(model, params, opt, ids: torch.Tensor, labels: torch.Tensor) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    loss = model(input_ids=ids, labels=labels).loss
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return t1 - t0, t2 - t1, time.perf_counter() - t2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="../shared/models/me5-small-zh", help="any Hugging Face id or local path")
    ap.add_argument("--batch", type=int, default=4, help="windows a step (the default's second stage: about 4)")
    ap.add_argument("--tokens", type=int, default=128, help="tokens a window (model.max_length)")
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    runs = {name: setup(args.base, **how) for name, how in SETTINGS.items()}
    gen = torch.Generator().manual_seed(0)
    vocab = runs["unfused"][0].config.vocab_size
    ids = torch.randint(5, vocab, (args.batch, args.tokens), generator=gen)
    labels = torch.randint(0, 1 + 2 * len(ENTITY_TYPES), (args.batch, args.tokens), generator=gen)
    print(f"{args.base}: {args.batch} x {args.tokens} tokens a step, median of {args.steps} steps, "
          f"{torch.get_num_threads()} threads")
    print(f"{'setting':26}{'forward':>9}{'backward':>10}{'update':>9}{'step':>9}{'vs unfused':>12}{'parameters':>13}")
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in runs}
    for i in range(3 + args.steps):  # the settings take turns, step by step, so that noise falls on all alike
        for name, run in runs.items():
            t = one_step(*run, ids, labels)
            if i >= 3:
                times[name].append(t)
    first = None
    for name, ts in times.items():
        fwd, bwd, upd = (statistics.median(t[k] for t in ts) for k in range(3))
        step = statistics.median(sum(t) for t in ts)
        first = first or step
        n = sum(p.numel() for p in runs[name][1])
        name = name if bool(runs[name][2].defaults.get("fused")) == SETTINGS[name]["fused"] else name + " (not fused here)"
        print(f"{name:26}{fwd:9.3f}{bwd:10.3f}{upd:9.3f}{step:9.3f}{first / step:11.2f}x{n:13,}")


if __name__ == "__main__":
    main()
