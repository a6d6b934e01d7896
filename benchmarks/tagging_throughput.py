"""Tagging throughput (characters/second) of ner.load(...) (the model alone, and the saved hybrid) vs
transformers.pipeline on the same model and texts.

    python benchmarks/tagging_throughput.py --model runs/default [--texts data/raw] [--repeat 3]

The pipeline cannot take a whole article (512-token limit), so both taggers get the same input: the
articles split into paragraphs (lines) short enough for one window. Entities are compared after
mapping the pipeline's output to (start, end, label); any difference is printed and the script exits 1.
Peak memory (max RSS) is printed too.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def paragraphs(folder: Path, max_chars: int) -> list[str]:
    out = []
    for p in sorted(folder.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").split("\n"):
            line = line.strip()
            if line:
                out += [line[i:i + max_chars] for i in range(0, len(line), max_chars)]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--texts", default="data/raw")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args()

    import torch
    from transformers import pipeline

    import ner
    from ner.combine import MODEL_ONLY

    torch.manual_seed(0)
    # the model alone, decoded per token as the pipeline does (the default constrained decoding can differ)
    tagger = ner.load(args.model, backend="torch", batch_size=args.batch_size, constrained=False, **MODEL_ONLY)
    hybrid = ner.load(args.model, backend="torch", batch_size=args.batch_size)  # the saved tagger: model + its rule policy
    texts = paragraphs(Path(args.texts), max_chars=100)  # 100 chars stay under the 128-token window
    n_chars = sum(map(len, texts)) * args.repeat
    pipe = pipeline("token-classification", model=tagger.model, tokenizer=tagger.tokenizer,
                    aggregation_strategy="simple", device=-1)

    t = time.perf_counter()
    for _ in range(args.repeat):
        ours = tagger.tag(texts)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(args.repeat):
        theirs = pipe(texts, batch_size=args.batch_size)
    t_pipe = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(args.repeat):
        hybrid.tag(texts)
    t_hybrid = time.perf_counter() - t

    diff = 0
    for text, a, b in zip(texts, ours, theirs):
        sa = {(s.start, s.end, s.label) for s in a}
        sb = set()
        for e in b:
            s, en = e["start"], e["end"]
            while s < en and text[s].isspace():
                s += 1
            if en - s >= tagger.min_length:  # the tagger drops one-character spans (ner.combine.finalize)
                sb.add((s, en, e["entity_group"]))
        if sa != sb:
            diff += 1
            if diff <= 5:
                print(f"differs: {text[:40]!r}\n  ner:      {sorted(sa)}\n  pipeline: {sorted(sb)}")
    print(f"texts: {len(texts)} paragraphs, {n_chars // args.repeat} characters, x{args.repeat}")
    print(f"ner.load:             {n_chars / t_ours:10.0f} chars/s ({t_ours:.2f}s)")
    print(f"transformers.pipeline:{n_chars / t_pipe:10.0f} chars/s ({t_pipe:.2f}s)")
    print(f"saved tagger (hybrid):{n_chars / t_hybrid:10.0f} chars/s ({t_hybrid:.2f}s)")
    print(f"identical entities: {len(texts) - diff}/{len(texts)} paragraphs")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
