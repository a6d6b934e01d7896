#!/usr/bin/env bash
# Install and run the test suite (fast tests; add -m slow for the ones using the real encoder).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python -m pytest -q "$@"
