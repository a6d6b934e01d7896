"""Load once, tag many: ``tagger = ner.load(MODEL_DIR)``; ``tagger(text)``; ``tagger.extract(text)``.

Inference only (``eval()``, ``torch.inference_mode``); it never imports the training code. Any length
of text: articles are tokenised once and cut into overlapping windows (``ner.windows``); windows from
all texts in a call are batched together by length; each token's prediction comes from the window that
owns it, so an entity across a window edge is decoded once, from the window that sees it whole.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from ner.decode import decode_tokens, merge_window_probs
from ner.features import featurize
from ner.model import load_trained
from ner.types import Span

DEFAULT_MAX_LENGTH = 256
DEFAULT_OVERLAP = 64


def fill_with_rules(text: str, spans: list[Span], rule_types: Sequence[str]) -> list[Span]:
    """Model spans plus rule spans (``ner.preannotate``) of ``rule_types`` where the model found nothing.

    A rule span is added only if it overlaps no model span, so the model always wins a conflict.
    Rule spans carry score None, which tells them apart downstream.
    """
    from ner.preannotate import preannotate

    taken = [(s.start, s.end) for s in spans]
    extra = [r for r in preannotate(text) if r.label in rule_types
             and not any(r.start < e and b < r.end for b, e in taken)]
    return sorted(spans + extra)


class Tagger:
    def __init__(self, model, tokenizer, types: list[str], max_length: int = DEFAULT_MAX_LENGTH,
                 overlap: int = DEFAULT_OVERLAP, batch_size: int = 16, device: str | None = None,
                 rule_types: Sequence[str] = ()):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.types = list(types)
        self.max_length = min(max_length, getattr(model.config, "max_position_embeddings", max_length))
        self.overlap = overlap
        self.batch_size = batch_size
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model.to(self.device)
        self.id2label = {int(k): v for k, v in model.config.id2label.items()}
        self.rule_types = tuple(rule_types)  # types that rules may add where the model is silent

    def __call__(self, text: str | Sequence[str]):
        return self.tag([text])[0] if isinstance(text, str) else self.tag(text)

    @torch.inference_mode()
    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entities for each text, with character offsets into that exact text."""
        feats = [featurize(t, self.tokenizer, self.max_length, self.overlap) for t in texts]
        jobs = [(d, w) for d, f in enumerate(feats) for w in range(len(f.windows))]
        jobs.sort(key=lambda j: len(feats[j[0]].input_ids[j[1]]))
        window_probs: dict[tuple[int, int], np.ndarray] = {}
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        for i in range(0, len(jobs), self.batch_size):
            batch = jobs[i:i + self.batch_size]
            seqs = [feats[d].input_ids[w] for d, w in batch]
            width = max(len(s) for s in seqs)
            ids = torch.full((len(seqs), width), pad, dtype=torch.long)
            att = torch.zeros((len(seqs), width), dtype=torch.long)
            for k, s in enumerate(seqs):
                ids[k, :len(s)] = torch.tensor(s)
                att[k, :len(s)] = 1
            logits = self.model(input_ids=ids.to(self.device), attention_mask=att.to(self.device)).logits
            probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            for k, (d, w) in enumerate(batch):
                window_probs[(d, w)] = probs[k, feats[d].template.content(len(seqs[k]))]
        out = []
        for d, (text, f) in enumerate(zip(texts, feats)):
            probs = merge_window_probs(len(f.tokens.input_ids), f.windows,
                                       [window_probs[(d, w)] for w in range(len(f.windows))])
            spans = decode_tokens(text, f.tokens, probs, self.id2label) if len(f.tokens.input_ids) else []
            out.append(fill_with_rules(text, spans, self.rule_types) if self.rule_types else spans)
        return out

    def extract(self, text: str) -> dict:
        """Entities and project records (with normalised values) for one text."""
        from ner.records import build_records

        entities = self.tag([text])[0]
        return {"entities": [e.to_dict() for e in entities], "records": build_records(text, entities)}


def load(model_dir: str | Path, types: list[str] | None = None, **kwargs) -> Tagger:
    """Load a model written by ``ner train``. With ``types``, a model trained on other labels is an error."""
    model, tokenizer, found_types = load_trained(model_dir, types)
    window = _saved_window(Path(model_dir))
    kwargs = {**window, **kwargs}
    return Tagger(model, tokenizer, found_types, **kwargs)


def _saved_window(model_dir: Path) -> dict:
    """Window settings the model was trained with (training_config.yaml), when present."""
    path = model_dir / "training_config.yaml"
    if not path.exists():
        return {}
    import yaml

    model_cfg = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("model", {})
    return {k: model_cfg[k] for k in ("max_length", "overlap") if k in model_cfg}
