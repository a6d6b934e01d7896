"""``ner export DIR --onnx [--int8]``: the trained tagger as an ONNX graph for the exported backends of
``ner.model.backends`` (ONNX Runtime, OpenVINO), fused where ONNX Runtime's BERT optimizer can fuse it, with the
weights' fingerprint that ``ner.model.backends.onnx_problem`` checks; int8 as dynamic quantisation."""
from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from ner.errors import NerError
from ner.model.backends import FINGERPRINT_KEY, ONNX_FILES, weights_fingerprint

log = logging.getLogger(__name__)

EXPORT_KEY = "ner.export"  # how the file was made: "fused" (attention fused by ONNX Runtime's optimizer) or "plain"
# what a folder needs beside the ONNX file to load as a tagger (export --out copies them)
BESIDE = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
          "sentencepiece.bpe.model", "training_config.yaml", "metrics.json")


def export_onnx(model_dir: str | Path, out_dir: str | Path | None = None, int8: bool = False,
                opset: int = 18) -> list[Path]:
    """Write ``model.onnx`` (and with ``int8`` ``model.int8.onnx``, dynamic int8 quantisation of the
    weights) for the tagger in ``model_dir``, into ``out_dir`` (default: ``model_dir`` itself; another
    folder gets the config, tokenizer and training config too, so it loads on its own). Returns the paths.

    The graph is fused where it can be (``fused_export``: TorchScript export, then ONNX Runtime's BERT
    optimizer), else torch's exporter writes it as it is (``opset``). Batch and sequence length are
    dynamic; inputs ``input_ids`` and ``attention_mask`` (int64), output ``logits``. Needs ``pip install
    -e '.[onnx]'`` (onnx, onnxscript, onnxruntime)."""
    try:
        import onnx
        import onnxscript  # noqa: F401 - torch's exporter needs it
        import torch  # noqa: F401
    except ImportError as e:
        raise NerError(f"ner export --onnx needs {e.name}: pip install -e '.[onnx]'") from None
    from ner.model.modeling import load_trained

    model_dir = Path(model_dir)
    out = Path(out_dir) if out_dir is not None else model_dir
    model, tokenizer, _ = load_trained(model_dir)
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() != model_dir.resolve():
        for name in BESIDE:
            if (model_dir / name).is_file():
                shutil.copy2(model_dir / name, out / name)
    proto, how = fused_export(model, tokenizer), "fused"
    if proto is None:
        proto, how = _plain_export(model, tokenizer, opset), "plain"
    fingerprint = weights_fingerprint(model_dir)
    fp32 = out / ONNX_FILES["onnx"]
    _save(proto, fp32, fingerprint, how)
    written = [fp32]
    if int8:
        written.append(quantize_int8(fp32, out / ONNX_FILES["onnx-int8"], fingerprint, how))
    return written


def _logits_module(model):
    """``model`` as a module from (input_ids, attention_mask) to logits, as the exporters want it."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).logits

    return Logits(model).eval()


@contextlib.contextmanager
def _quiet(logger: str = ""):
    """``logger`` (default: the root logger) at ERROR for the block, its level restored after."""
    log_ = logging.getLogger(logger)
    level = log_.level
    log_.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log_.setLevel(level)


def _plain_export(model, tokenizer, opset: int):
    """torch's exporter (torch.export), the graph as it is."""
    import torch

    sample = tokenizer(["总投资75亿元", "湖南长沙"], padding=True, return_tensors="pt")
    dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("tokens", min=2, max=model.config.max_position_embeddings)}
    # (torch.onnx's notices are about torchvision and axis names, none about this model)
    with _quiet("torch.onnx"), torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(_logits_module(model), (sample["input_ids"], sample["attention_mask"]),
                                    input_names=["input_ids", "attention_mask"], output_names=["logits"],
                                    dynamo=True, opset_version=opset, verbose=False,
                                    dynamic_shapes={"input_ids": dims, "attention_mask": dims})
    return program.model_proto


CHECK_TEXTS = ["湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元，规划产能20GWh", "总投资75亿元", "湖南长沙"]


def fused_export(model, tokenizer, opset: int = 17):
    """The model as one fused ONNX graph, or None (the reason logged) where that fails.

    The TorchScript exporter traces the model with eager attention, whose pattern ONNX Runtime's BERT
    optimizer (``onnxruntime.transformers.optimizer``) fuses into one Attention node per layer, with skip
    layer norms and bias GELU: fp32 about 1.1x faster than the plain export, and int8 quantises the fused
    attention's weights too (about 1.3x torch-bf16 on 2 cores; docs/results.md). torch's newer exporter
    writes a graph whose attention the optimizer does not fuse. None where the optimizer is absent, the
    export fails, no attention is fused, or the fused graph's logits on ``CHECK_TEXTS`` (padded in one
    batch) differ from torch's by more than 1e-3."""
    import torch

    try:
        import onnxruntime as ort
        from onnxruntime.transformers import optimizer
    except ImportError as e:
        log.info("no fused ONNX graph (%s); exporting it unfused", e)
        return None
    config = model.config
    heads, hidden = getattr(config, "num_attention_heads", 0), getattr(config, "hidden_size", 0)
    if not heads or not hidden:
        log.info("no fused ONNX graph (the config gives no num_attention_heads or hidden_size); exporting it unfused")
        return None
    sample = tokenizer(CHECK_TEXTS, padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "logits")}
    before = getattr(config, "_attn_implementation", None) or "sdpa"
    try:
        # (the optimizer logs each fusion through its modules' loggers: the root logger is quieted)
        with tempfile.TemporaryDirectory() as tmp, torch.no_grad(), warnings.catch_warnings(), \
                contextlib.redirect_stdout(io.StringIO()), _quiet():
            warnings.simplefilter("ignore")
            want = model(input_ids=sample["input_ids"], attention_mask=sample["attention_mask"]).logits.numpy()
            _set_attention(model, "eager")
            raw = Path(tmp) / "traced.onnx"
            torch.onnx.export(_logits_module(model), (sample["input_ids"], sample["attention_mask"]), str(raw),
                              dynamo=False, opset_version=opset, input_names=["input_ids", "attention_mask"],
                              output_names=["logits"], dynamic_axes=axes)
            fused = optimizer.optimize_model(str(raw), model_type="bert", num_heads=heads, hidden_size=hidden,
                                             opt_level=1)
            attention = fused.get_fused_operator_statistics().get("Attention")
            proto = fused.model
            if not any(o.domain == "com.microsoft" for o in proto.opset_import):  # its fused nodes' domain
                proto.opset_import.add(domain="com.microsoft", version=1)
            got = None
            if attention:
                session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
                got = session.run(["logits"], {"input_ids": sample["input_ids"].numpy(),
                                               "attention_mask": sample["attention_mask"].numpy()})[0]
    except Exception as e:  # noqa: BLE001 - the legacy exporter, the optimizer and the session raise many kinds
        log.info("no fused ONNX graph (%s); exporting it unfused", str(e).splitlines()[0][:200] if str(e) else repr(e))
        return None
    finally:
        _set_attention(model, before)
    if not attention:
        log.info("ONNX Runtime's optimizer fused no attention in this model; exporting it unfused")
        return None
    if got.shape != want.shape or not np.allclose(got, want, atol=1e-3):
        log.info("the fused ONNX graph's logits differ from torch's; exporting it unfused")
        return None
    return proto


def _set_attention(model, kind: str) -> None:
    try:
        model.set_attn_implementation(kind)
    except (AttributeError, ValueError):  # older transformers
        model.config._attn_implementation = kind


def _save(proto, path: Path, fingerprint: str | None, how: str) -> None:
    """Write ``proto`` with its metadata (weights' fingerprint, how it was exported), whole or not at all."""
    import onnx

    del proto.metadata_props[:]
    meta = {EXPORT_KEY: how, **({FINGERPRINT_KEY: fingerprint} if fingerprint else {})}
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    part = path.with_name(path.name + ".part")
    onnx.save_model(proto, str(part))
    part.replace(path)


def quantize_int8(fp32: Path, int8: Path, fingerprint: str | None, how: str = "plain") -> Path:
    """Dynamic int8 quantisation (weights int8 per channel, activations quantised at run time) of the
    MatMul layers and fused Attention nodes of ``fp32``, written to ``int8``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # (its advice to pre-process, on the root logger, is for static quantisation of vision models)
    with _quiet(), tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "model.int8.onnx"
        quantize_dynamic(str(fp32), str(part), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Attention"],
                         # a fused graph's contrib ops have no inferred output types
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        proto = onnx.load(str(part))
    _save(proto, int8, fingerprint, how)
    return int8
