"""Training wall time and peak memory for a config (default: configs/default.yaml) on this machine.

    python benchmarks/train_time_memory.py [--config configs/default.yaml] [key.sub=value ...]

Runs `ner train` in-process and prints wall time, peak RSS, steps and the dev score it stopped at.
"""
from __future__ import annotations

import argparse
import json
import resource
import time

from ner.config import load_config
from ner.model.training import train


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    cfg = load_config(args.config, args.overrides)
    t = time.perf_counter()
    m = train(cfg, progress=False)
    wall = time.perf_counter() - t
    print(json.dumps({
        "config": args.config, "overrides": args.overrides, "wall_seconds": round(wall, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "epochs_run": len(m["history"]), "best_epoch": m["best_epoch"], "select": m.get("select", "best"),
        "kept_epoch": m.get("kept_epoch", m["best_epoch"]), "stopped": m["stopped"],
        "dev_micro_f1": m["dev_micro_f1"], "examples": m["examples"],
    }, indent=2))


if __name__ == "__main__":
    main()
