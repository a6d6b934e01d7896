"""F1 as a function of training data: leave-one-article-out CV for each mix (seeds only, seeds + each corpus).

    python benchmarks/data_mix.py [--out runs/mix] [--folds ID,ID] [key.sub=value ...]

Each mix is the default config with data.corpora replaced ("seeds-noaug" also turns mention replacement
off; "corpora>seeds" is the two-stage recipe: configs/pretrain.yaml is trained once on the public
corpora alone, then every fold starts from it); results go to OUT/<mix>/cv_results.json and a table of
the model's pooled F1 (and the hybrid's, the saved tagger's) is printed. Expensive on CPU (5 trainings
per mix): restrict with --folds.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ner.config import CorpusConfig, load_config
from ner.evaluation.crossval import cross_validate
from ner.model.training import is_trained, train

TWO_STAGE = "corpora>seeds"

MIXES = {
    "seeds-noaug": [],
    "seeds": [],
    "seeds+cluener": [CorpusConfig(name="cluener", limit=400, silver=["AMOUNT", "CAPACITY"])],
    "seeds+fewfc": [CorpusConfig(name="fewfc", limit=400, silver=["REGION", "COMPANY", "CAPACITY"], require=["AMOUNT", "CAPACITY"])],
    "seeds+msra": [CorpusConfig(name="msra", limit=400, silver=["AMOUNT", "CAPACITY"])],
    "seeds+cluener+msra": [
        CorpusConfig(name="cluener", limit=600, silver=["AMOUNT", "CAPACITY"], require=["COMPANY", "REGION"]),
        CorpusConfig(name="msra", limit=500, silver=["AMOUNT", "CAPACITY"], require=["REGION"]),
    ],
    TWO_STAGE: [],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("--out", default="runs/mix")
    ap.add_argument("--folds", default=None)
    ap.add_argument("--mixes", default=",".join(MIXES))
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    rows = {}
    for name in args.mixes.split(","):
        cfg = load_config(args.config, args.overrides)
        cfg.data.corpora = MIXES[name]
        if name == "seeds-noaug":
            cfg.data.augment.copies = 0
        if name == TWO_STAGE:  # stage one holds no gold article, so it is shared by the folds
            stage1 = load_config("configs/pretrain.yaml", [f"output_dir={Path(args.out) / name / 'stage1'}"])
            if not is_trained(stage1.output_dir):
                train(stage1, progress=False)
            cfg.model.base = stage1.output_dir
        r = cross_validate(cfg, Path(args.out) / name, folds=args.folds.split(",") if args.folds else None, progress=False)
        rows[name] = {t: round(m["f1"], 3) for t, m in r["pooled"]["span"].items()}
        rows[name + " hybrid"] = {t: round(m["f1"], 3) for t, m in r["hybrid"]["span"].items()}
        print(name, json.dumps(rows[name]), flush=True)
    print(f"{'mix':26}" + "".join(f"{t:>10}" for t in next(iter(rows.values()))))
    for name, r in rows.items():
        print(f"{name:26}" + "".join(f"{v:10.3f}" for v in r.values()))


if __name__ == "__main__":
    main()
