#!/usr/bin/env bash
# A larger recipe: the default's second stage trained with three seeds and their weights averaged (`ner soup`), one
# model that tags as fast as the default. After the main job (which writes runs/default, seed 13, and the first stage
# runs/silver_pre that every member starts from), about 13 more minutes per added seed on 2 quiet cores.
#   bash scripts/soup.sh                     # runs/soup from runs/default and seeds 14 and 15
#   SEEDS="14 15 16 17" bash scripts/soup.sh runs/soup5
# A member folder that holds a finished model is reused as it is (delete it to retrain); an interrupted one is retrained. Measured: docs/results.md
# (Training: run-to-run spread and the soup).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/soup}
members=(runs/default)
trained() { python -c "import sys; from ner.model.training import is_trained; sys.exit(0 if is_trained(sys.argv[1]) else 1)" "$1"; }
trained runs/default || { echo "no trained runs/default: run the main job first (bash scripts/main.sh)" >&2; exit 2; }
for seed in ${SEEDS:-14 15}; do
    dir=runs/default_seed$seed
    trained "$dir" || ner train --config configs/default.yaml "output_dir=$dir" "train.seed=$seed"
    members+=("$dir")
done
ner soup "$out" "${members[@]}"
if python -c "import onnx, onnxscript, openvino" 2>/dev/null; then ner export "$out" --onnx; fi
echo "tag with it: ner tag --model $out ARTICLES --output records.jsonl"
