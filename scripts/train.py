"""Train a tagger: python scripts/train.py --config configs/default.yaml [key.sub=value ...] (same as `ner train`)."""
import sys

from ner.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
