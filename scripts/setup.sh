#!/usr/bin/env bash
# Install the toolkit into the current Python. torch first: torch==2.13.0 is the CPU wheel; a plain
# "torch" requirement resolved from scratch would pull several GB of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test]"
