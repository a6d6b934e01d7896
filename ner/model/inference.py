"""Model inference over whole texts, model spans only: texts -> overlapping token windows
(``ner.model.features``) -> batches sorted by length -> the encoder (``ner.model.backends``) -> per-token tag
probabilities of each text, each token from the window that owns it (``ner.model.decode.merge_window_probs``).
Each text is handed on (decoding, rules, records: the caller's ``finish``) once its last window is through,
on a second thread with ``background``, beside the next batches."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from ner.model.decode import merge_window_probs
from ner.model.features import featurize


def run_texts(encoder: Callable[[np.ndarray, np.ndarray], Any], tokenizer, texts: Sequence[str], max_length: int,
              overlap: int, batch_size: int, finish: Callable[[str, Any, np.ndarray], Any],
              background: bool = True, wait: bool = True) -> list:
    """``finish(text, tokens, probs)`` of every text, in input order. The windows of all texts are
    sorted by length and batched (``batch_size`` windows); a text is finished (on the background thread
    with ``background``) once its last window has been through the model. ``wait=False`` returns as soon
    as the model has read every window: a future of each text's ``finish``, finished in the background
    while the caller goes on (``Tagger.submit``)."""
    feats = [featurize(t, tokenizer, max_length, overlap) for t in texts]
    jobs = [(d, w) for d, f in enumerate(feats) for w in range(len(f.windows))]
    jobs.sort(key=lambda j: len(feats[j[0]].input_ids[j[1]]))
    left = [len(f.windows) for f in feats]
    window_probs: list[list] = [[None] * n for n in left]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    pool = ThreadPoolExecutor(1, thread_name_prefix="ner-rules") if background else None
    futures: list[Future | None] = [None] * len(texts)

    def done(d: int) -> None:
        probs = merge_window_probs(len(feats[d].tokens.input_ids), feats[d].windows, window_probs[d])
        if pool is None:  # finished here; a failure is this text's, raised by its future
            futures[d] = Future()
            try:
                futures[d].set_result(finish(texts[d], feats[d].tokens, probs))
            except Exception as e:  # noqa: BLE001 - raised again from result()
                futures[d].set_exception(e)
        else:
            futures[d] = pool.submit(finish, texts[d], feats[d].tokens, probs)
        window_probs[d] = []

    finished = False
    try:
        for d, n in enumerate(left):
            if n == 0:
                done(d)
        for i in range(0, len(jobs), batch_size):
            batch = jobs[i:i + batch_size]
            seqs = [feats[d].input_ids[w] for d, w in batch]
            width = max(len(s) for s in seqs)
            ids = np.full((len(seqs), width), pad, dtype=np.int64)
            att = np.zeros((len(seqs), width), dtype=np.int64)
            for k, s in enumerate(seqs):
                ids[k, :len(s)] = s
                att[k, :len(s)] = 1
            probs = softmax(encoder(ids, att))
            for k, (d, w) in enumerate(batch):
                window_probs[d][w] = probs[k, feats[d].template.content(len(seqs[k]))]
                left[d] -= 1
                if left[d] == 0:
                    done(d)
        results = [f.result() for f in futures] if wait else futures
        finished = True  # an interrupt while waiting above still cancels the queued texts
        return results
    finally:
        if pool is not None:  # a failed run cancels its queued texts; a submitted one lets them finish
            pool.shutdown(wait=wait or not finished, cancel_futures=not finished)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Per-token tag probabilities (float32) from logits (batch x tokens x labels)."""
    z = np.asarray(logits, dtype=np.float32)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)
