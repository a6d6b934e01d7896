"""Load once, tag many: ``tagger = ner.load(MODEL_DIR)``; ``tagger(text)``; ``tagger.extract(text)``.

Inference only; it never imports the training code. The model's part (``ner.model.inference``): the
forward pass is a backend of ``ner.model.backends`` (torch under ``inference_mode``, ONNX Runtime or OpenVINO); any
length of text: articles are tokenised once and cut into overlapping windows (``ner.model.windows``);
windows from all texts in a call are sorted by length and batched together; each token's prediction
comes from the window that owns it, so an entity across a window edge is decoded once, from the window
that sees it whole. Here: decoding, the rules (``ner.combine``) and records of a text, run on a second
thread once its last window is through the model, beside the next batches.
"""
from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, NoReturn, overload

import numpy as np

from ner.combine import MIN_LENGTH, MODEL_ONLY, finalize
from ner.config import MAX_LENGTH, OVERLAP, TagConfig, tag_policy
from ner.errors import NerError, UnsettledModelWarning
from ner.model.backends import TorchEncoder
from ner.model.decode import decode_tokens
from ner.model.inference import run_texts
from ner.model.modeling import load_config_tokenizer, load_trained
from ner.script import map_back, reading_view
from ner.types import Span

log = logging.getLogger(__name__)

DEFAULT_MAX_LENGTH = MAX_LENGTH  # a model saved without its window (training_config.yaml) tags with these
DEFAULT_OVERLAP = OVERLAP
DEFAULT_BATCH_SIZE = 32  # windows per forward pass


# What ``Tagger.extract`` gives for one text: {"entities": [Span.to_dict()], "records": [record]} (ner.records.build)
Extracted = dict[str, list[dict[str, Any]]]


class Tagger:
    """The model (any backend of ``ner.model.backends``) and the rule policy, loaded once, tagging many texts.

    ``model``: a torch token classifier (run on ``device``: ``auto`` is CUDA when present) or a backend
    encoder (``ner.model.backends.OnnxEncoder``, ``OpenVinoEncoder``). ``batch_size``: windows per forward pass. With
    ``background_rules`` (the default) each text's decoding, rules and records run on a second thread
    as soon as the model has read all its windows, while the model goes on with the next batch."""

    def __init__(self, model, tokenizer, types: list[str], max_length: int = DEFAULT_MAX_LENGTH,
                 overlap: int = DEFAULT_OVERLAP, batch_size: int = DEFAULT_BATCH_SIZE, device: str | None = "auto",
                 rules_only: Sequence[str] = (), rules_first: Sequence[str] = (), rules_fill: Sequence[str] = (),
                 min_length: int = MIN_LENGTH, constrained: bool = True, min_score: Mapping[str, float] | None = None,
                 background_rules: bool = True, shapes: bool = True):
        import torch

        self.encoder = TorchEncoder(model, device) if isinstance(model, torch.nn.Module) else model
        self.model = getattr(self.encoder, "model", model)  # the torch module, where there is one
        self.backend = getattr(self.encoder, "name", "torch")
        self.device = getattr(self.encoder, "device", "cpu")
        config = self.encoder.config
        self.tokenizer = tokenizer
        self.types = list(types)
        self.max_length = min(max_length, getattr(config, "max_position_embeddings", max_length))
        self.overlap = overlap
        self.batch_size = batch_size
        self.id2label = {int(k): v for k, v in config.id2label.items()}
        # The rule policy, typed and checked (ner.config.TagConfig): an unknown type is an error, not a no-op.
        self.policy = tag_policy({"rules_only": rules_only, "rules_first": rules_first, "rules_fill": rules_fill,
                                  "min_score": dict(min_score or {}), "shapes": shapes}, "Tagger")
        self.min_length = min_length
        self.constrained = constrained  # valid-IOB2 Viterbi decoding; False: per-token argmax (as pipeline)
        self.background_rules = background_rules

    @property
    def rules_only(self) -> tuple[str, ...]:
        """Types decided by the rules alone (``policy.rules_only``)."""
        return tuple(self.policy.rules_only)

    @property
    def rules_first(self) -> tuple[str, ...]:
        """Types where a rule span wins an overlap with a model span (``policy.rules_first``)."""
        return tuple(self.policy.rules_first)

    @property
    def rules_fill(self) -> tuple[str, ...]:
        """Types that rules may add where the model is silent (``policy.rules_fill``)."""
        return tuple(self.policy.rules_fill)

    @property
    def min_score(self) -> dict[str, float]:
        """Per type, model spans scoring below this are dropped (``policy.min_score``)."""
        return self.policy.min_score

    @overload
    def __call__(self, text: str) -> list[Span]: ...
    @overload
    def __call__(self, text: Sequence[str]) -> list[list[Span]]: ...

    def __call__(self, text: str | Sequence[str]) -> list[Span] | list[list[Span]]:
        """One text -> its entities; a sequence of texts -> one entity list per text (batched)."""
        return self.tag([text])[0] if isinstance(text, str) else self.tag(text)

    @overload
    def tag(self, texts: str) -> NoReturn: ...
    @overload
    def tag(self, texts: Sequence[str]) -> list[list[Span]]: ...

    def tag(self, texts: Sequence[str]) -> list[list[Span]]:
        """Entities for each of several texts, with character offsets into that exact text.

        ``texts`` is a sequence of texts, never one string: ``tag("总投资75亿元")`` raises ``TypeError``
        (a string is a sequence of characters, and would give one result per character). For one text,
        use ``tagger(text)`` or ``tagger.tag([text])[0]``."""
        return self._run(_check_texts(texts), self._entities)

    def _entities(self, text: str, tokens, probs: np.ndarray) -> list[Span]:
        """Model probabilities of one text -> its final entities (decoding, then ``finalize``)."""
        spans = decode_tokens(text, tokens, probs, self.id2label, self.constrained) if len(tokens.input_ids) else []
        return finalize(text, spans, self.min_length, policy=self.policy)

    def _extracted(self, text: str, tokens, probs: np.ndarray) -> Extracted:
        from ner.records.build import build_records

        entities = self._entities(text, tokens, probs)
        return {"entities": [e.to_dict() for e in entities], "records": build_records(text, entities)}

    def _run(self, texts: list[str], finish: Callable[[str, Any, np.ndarray], Any], wait: bool = True) -> list:
        """``finish(text, tokens, probs)`` of every text, in input order (``ner.model.inference.run_texts``), on
        the text as the tagger reads it (``ner.script.reading_view``: traditional script as simplified), with
        offsets and mention texts mapped back to the text as given."""
        views = [reading_view(t) for t in texts]
        if all(v.text is t for v, t in zip(views, texts)):
            return run_texts(self.encoder, self.tokenizer, texts, self.max_length, self.overlap, self.batch_size,
                             finish, self.background_rules, wait)
        given = {id(v.text): (v, t) for v, t in zip(views, texts)}

        def finish_given(text: str, tokens, probs: np.ndarray) -> Any:
            view, original = given[id(text)]
            return map_back(view, original, finish(text, tokens, probs))

        return run_texts(self.encoder, self.tokenizer, [v.text for v in views], self.max_length, self.overlap,
                         self.batch_size, finish_given, self.background_rules, wait)

    def submit(self, texts: Sequence[str]) -> list[Future]:
        """``extract`` of several texts that returns once the model has read them all: a future of each
        text's ``{"entities", "records"}``, in input order, built on the background thread while the caller
        goes on, e.g. with the model on the next texts (``ner tag`` does so). A text that cannot be
        finished raises from its future's ``result()``."""
        return self._run(_check_texts(texts), self._extracted, wait=False)

    @overload
    def extract(self, text: str) -> Extracted: ...
    @overload
    def extract(self, text: Sequence[str]) -> list[Extracted]: ...

    def extract(self, text: str | Sequence[str]) -> Extracted | list[Extracted]:
        """Entities and project records (with normalised values): ``{"entities": [Span.to_dict()],
        "records": [record]}`` for one text, a list of them for a sequence of texts (tagged in one batch,
        the records of each text built beside the model). JSON-safe, in the shape ``ner tag`` writes
        (less the document id)."""
        if isinstance(text, str):
            return self._run([text], self._extracted)[0]
        return self._run(_check_texts(text), self._extracted)


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("Tagger.tag takes a list of texts, got one string (it would give one result per "
                        "character); for one text use tagger(text) or tagger.tag([text])[0]")
    texts = list(texts)
    for k, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"Tagger.tag takes texts as str, got {type(t).__name__} at position {k}: {t!r:.60}")
    return texts


def load(model_dir: str | Path, types: list[str] | None = None, backend: str = "auto", device: str | None = "auto",
         threads: int | None = None, **kwargs) -> Tagger:
    """Load a model written by ``ner train``. With ``types``, a model trained on other labels is an error.

    ``backend``: ``torch``, ``torch-bf16`` (bf16 autocast on the CPU), ``onnx``, ``onnx-int8``, ``openvino``,
    ``openvino-bf16`` (files written by ``ner export DIR --onnx [--int8]``) or ``auto``
    (``ner.model.backends.choose_backend``: the fastest within the quality limits that the machine has: torch on
    CUDA; on a CPU, where exported, OpenVINO (bf16 where the CPU has it); else torch-bf16 on a CPU with bf16,
    else ONNX fp32 where exported, else torch; int8 by name only).
    ``device``: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:1`` (torch only). ``threads``: the CPU
    threads of an exported backend's forward pass (default: its runtime's, every core); torch ignores it (use
    ``torch.set_num_threads``, as ``ner tag --ray``'s actors do).
    The window and the rule policy (``tag.*`` of its training config) are the saved ones unless given:
    ``load(dir, **MODEL_ONLY)`` is the model alone."""
    from ner.model.backends import RUNS_FILE, OnnxEncoder, OpenVinoEncoder, choose_backend, has_torch_weights

    chosen, model, passed_over = choose_backend(model_dir, backend, device), None, ()
    if chosen not in ("torch", "torch-bf16"):  # an exported backend: the config and tokenizer beside its file
        config, tokenizer, found_types = load_config_tokenizer(model_dir, types)
    while model is None and chosen not in ("torch", "torch-bf16"):
        encoder = OpenVinoEncoder if chosen.startswith("openvino") else OnnxEncoder
        try:
            model = encoder(Path(model_dir) / RUNS_FILE[chosen], config, chosen, threads)
        except NerError as e:
            if backend != "auto":
                raise
            log.warning("%s; using another backend", e)  # auto: an export its runtime cannot run is passed over
            passed_over += (chosen,)
            chosen = choose_backend(model_dir, backend, device, passed_over)
            if chosen in ("torch", "torch-bf16") and not has_torch_weights(model_dir):
                raise  # an export folder: nothing else to run, and this says why
    if model is None:
        model, tokenizer, found_types = load_trained(model_dir, types)
        model = TorchEncoder(model, device, bf16=chosen == "torch-bf16")
    _warn_if_unsettled(Path(model_dir))
    log.info("%s: backend %s (asked: %s), device %s", model_dir, chosen, backend, getattr(model, "device", "cpu"))
    window = _saved_window(Path(model_dir))
    kwargs = {**window, **kwargs}
    return Tagger(model, tokenizer, found_types, device=device, **kwargs)


def _warn_if_unsettled(model_dir: Path) -> None:
    """Warn (``UnsettledModelWarning``) if the model's training stopped on its time budget before it
    settled (``"settled": false`` in metrics.json, written by ``ner train``)."""
    path = model_dir / "metrics.json"
    if not path.exists():
        return
    metrics = json.loads(path.read_text(encoding="utf-8"))
    if metrics.get("settled", True) is False:
        warnings.warn(f"{model_dir}: this model stopped on its time budget before its dev score settled "
                      f"({metrics.get('unsettled_reason')}; dev F1 of the kept weights {metrics.get('dev_micro_f1')}); its tags "
                      "may be poor: retrain it on a quieter machine or with a larger train.max_minutes",
                      UnsettledModelWarning, stacklevel=3)


def _saved_window(model_dir: Path) -> dict:
    """Window settings and rule policy the model was trained and evaluated with (training_config.yaml)."""
    path = model_dir / "training_config.yaml"
    if not path.exists():
        return {}
    import yaml

    saved = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    model_cfg, tag_cfg = saved.get("model", {}), saved.get("tag", {})
    out = {k: model_cfg[k] for k in ("max_length", "overlap") if k in model_cfg}
    policy = {key: tag_cfg[key] for key in MODEL_ONLY if key in tag_cfg}
    tag_policy(policy, str(path))  # a saved policy is checked where it is read
    out.update(policy)
    return out


def saved_policy(model_dir: str | Path) -> dict:
    """The rule policy a model was saved with, as ``finalize`` arguments (``TagConfig``'s defaults for keys
    not saved): ``finalize(text, model_only_spans, **saved_policy(dir))`` is what ``load(dir)`` returns."""
    saved = {k: v for k, v in _saved_window(Path(model_dir)).items() if k in MODEL_ONLY}
    return {"shapes": TagConfig().shapes, **saved}
