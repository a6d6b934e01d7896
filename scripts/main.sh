#!/usr/bin/env bash
# The main job: install, train on the annotated seeds, the dev part of the held-out news and a
# sample of MSRA for places (configs/mix.yaml adds more public corpora),
# then tag the seed articles into project records.
#   bash scripts/main.sh                      # default config
#   bash scripts/main.sh configs/tiny.yaml    # a one-minute smoke run
#   bash scripts/main.sh configs/default.yaml train.epochs=3   # dotted overrides
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/default.yaml}
shift || true
bash scripts/setup.sh
model_dir=$(python -c "import sys; from ner.config import load_config; print(load_config(sys.argv[1], sys.argv[2:]).output_dir)" "$config" "$@")
out=outputs/$(basename "$model_dir")
ner train --config "$config" "$@"
ner tag --model "$model_dir" data/raw --output "$out/seeds.records.jsonl"
ner tag --model "$model_dir" data/raw --output "$out/seeds.records.csv" --format csv
ner tag --model "$model_dir" data/raw --output "$out/seeds.html" --format html
echo "records: $out/seeds.records.jsonl (also .csv and .html)"
# The seeds are training data here, so these figures show fit, not generalisation: see `ner cv`.
ner evaluate-records data/annotated/seeds.records.jsonl "$out/seeds.records.jsonl"
