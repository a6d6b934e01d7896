#!/usr/bin/env bash
# The main job: install, train in two stages (silver public sentences, configs/silver_pre.yaml, trained
# once and reused; then the annotated seeds, the dev part of the held-out news and a sample of MSRA for
# places), then tag the seed articles into project records.
#   bash scripts/main.sh                      # default config
#   bash scripts/main.sh configs/tiny.yaml    # a one-minute smoke run
#   bash scripts/main.sh configs/default.yaml train.epochs=3   # dotted overrides
# Exits 3 without tagging when training stops on its time budget before its dev score settled.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/default.yaml}
shift || true
bash scripts/setup.sh
model_dir=$(python -c "import sys; from ner.config import load_config; print(load_config(sys.argv[1], sys.argv[2:]).output_dir)" "$config" "$@")
out=outputs/$(basename "$model_dir")
# A model that stopped on its time budget before it settled makes `ner train` exit 3: the job stops here.
ner train --config "$config" "$@" || {
    status=$?
    if [ "$status" -eq 3 ]; then
        again="bash scripts/main.sh $config${*:+ $*}"
        echo "main job stopped before tagging: the model did not settle within train.max_minutes (see above)." \
             "Rerun on a quieter machine, raise the budget ($again train.max_minutes=45)," \
             "or keep this model ($again train.accept_unsettled=true)" >&2
    fi
    exit "$status"
}
# Where the onnx and openvino extras are installed (pip install -e '.[onnx,openvino]'), export the model so that
# `ner tag --backend auto` runs it on OpenVINO (about 1.3x torch-bf16 on a CPU with bf16; docs/results.md).
if python -c "import onnx, onnxscript, openvino" 2>/dev/null; then ner export "$model_dir" --onnx
else echo "no ONNX export: the onnx and openvino extras are not installed (ner tag runs torch)" >&2; fi
ner tag --model "$model_dir" data/raw --output "$out/seeds.records.jsonl"
ner tag --model "$model_dir" data/raw --output "$out/seeds.records.csv" --format csv
ner tag --model "$model_dir" data/raw --output "$out/seeds.html" --format html
echo "records: $out/seeds.records.jsonl (also .csv and .html)"
# The seeds are training data here, so these figures show fit, not generalisation: see `ner cv`.
ner evaluate-records data/annotated/seeds.records.jsonl "$out/seeds.records.jsonl"
