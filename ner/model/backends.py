"""The encoder's forward pass at inference: padded token ids -> logits, on torch, ONNX Runtime or OpenVINO.

Every backend is a callable ``encoder(input_ids, attention_mask) -> logits`` on numpy arrays (batch x
tokens, int64 in; batch x tokens x labels, float32 out) with the model's ``config`` (labels, window
limit), so ``ner.pipeline.Tagger`` never knows which one it runs:

* ``torch``: the saved weights (``model.safetensors``), on CPU or CUDA (``resolve_device``); on a GPU
  under bf16 autocast (fp16 where bf16 is unsupported). The CUDA path is untested on a GPU.
* ``torch-bf16``: the same on the CPU under bf16 autocast: about 1.7x faster where the CPU has bf16
  instructions (``cpu_has_bf16``); the saved tagger's spans equal fp32's on the held-out news, the model
  alone's F1 moves by +0.0023 on its test part (one entity more).
* ``onnx`` / ``onnx-int8``: ``model.onnx`` / ``model.int8.onnx`` written by ``export_onnx`` (``ner export
  DIR --onnx [--int8]``) and run by ONNX Runtime (``pip install -e .[onnx]``). The export is fused where
  ONNX Runtime's BERT optimizer can fuse it (one Attention node per layer, skip layer norms, bias GELU);
  fp32 gives the torch spans; int8 is dynamic quantisation of the fused attention's and the linear layers'
  weights (per channel, activations quantised at run time).
* ``openvino`` / ``openvino-bf16``: the fp32 ``model.onnx`` compiled by OpenVINO (``pip install -e
  .[openvino]``), computing in fp32 or in bf16. fp32 gives the torch spans; bf16, on a CPU with bf16, about
  as fast as int8 with the torch spans' F1 on the held-out news (docs/results.md, "Tagging speed").
* ``auto``: the fastest here (docs/results.md, "Tagging speed"): on CUDA torch; on a
  CPU, where exported (fresh and runnable) and OpenVINO installed, openvino-bf16 (a CPU with bf16) or
  openvino; else torch-bf16 (bf16), else fp32 ONNX where exported, else torch. int8 is about as fast as
  openvino-bf16 but by name only: dynamic quantisation scales each batch's activations together, so a
  text's spans depend on the texts batched with it, and held-out F1 moved by -0.0088 to +0.0014 with the
  batching, outside the 0.002 allowed.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import logging
import shutil
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np

from ner.errors import NerError

log = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-bf16")
ONNX_FILES = {"onnx": "model.onnx", "onnx-int8": "model.int8.onnx"}  # what `ner export --onnx [--int8]` writes
# the file each exported backend runs: OpenVINO compiles the fp32 export
RUNS_FILE = {**ONNX_FILES, "openvino": ONNX_FILES["onnx"], "openvino-bf16": ONNX_FILES["onnx"]}
WEIGHTS = "model.safetensors"
FINGERPRINT_KEY = "ner.weights_sha256"
EXPORT_KEY = "ner.export"  # how the file was made: "fused" (attention fused by ONNX Runtime's optimizer) or "plain"
# what a folder needs beside the ONNX file to load as a tagger (export --out copies them)
BESIDE = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
          "sentencepiece.bpe.model", "training_config.yaml", "metrics.json")


def resolve_device(device: str | None = "auto") -> str:
    """``auto`` (or None): ``cuda`` when torch sees a GPU, else ``cpu``; anything else as given."""
    import torch

    if device in (None, "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        raise NerError(f"--device {device}: torch sees no CUDA GPU (a CPU-only torch, or no driver); use --device cpu")
    return str(device)


def autocast_dtype(device: str):
    """The mixed-precision type on a GPU (bf16 where supported, else fp16); None on CPU (fp32)."""
    import torch

    if not device.startswith("cuda"):
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def cpu_has_bf16() -> bool:
    """Whether the CPU computes in bf16 natively (AVX512-BF16 or AMX), where bf16 autocast pays off."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


class TorchEncoder:
    """A torch token classifier as a backend; ``bf16``: bf16 autocast on the CPU too."""

    def __init__(self, model, device: str | None = "auto", bf16: bool = False):
        import torch

        self.model = model.eval()
        self.config = model.config
        self.device = resolve_device(device)
        self.model.to(self.device)
        self.dtype = autocast_dtype(self.device) or (torch.bfloat16 if bf16 else None)
        self.name = "torch-bf16" if bf16 and not self.device.startswith("cuda") else "torch"

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        import torch

        ids = torch.from_numpy(input_ids).to(self.device)
        att = torch.from_numpy(attention_mask).to(self.device)
        kind = "cuda" if self.device.startswith("cuda") else "cpu"
        cast = torch.autocast(kind, dtype=self.dtype) if self.dtype is not None else contextlib.nullcontext()
        with torch.inference_mode(), cast:
            logits = self.model(input_ids=ids, attention_mask=att).logits
        return logits.float().cpu().numpy()


class OnnxEncoder:
    """An exported model run by ONNX Runtime (CPU)."""

    def __init__(self, path: str | Path, config, name: str = "onnx", threads: int | None = None):
        ort = _runtime(name)
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # noqa: BLE001 - onnxruntime raises its own types for a bad file
            raise NerError(f"{path}: ONNX Runtime cannot load it ({str(e).splitlines()[0][:160]}); "
                           "export it again (ner export DIR --onnx)") from None
        self.config = config
        self.name = name
        self.path = Path(path)

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention_mask})[0]


class OpenVinoEncoder:
    """The fp32 export (``model.onnx``) compiled by OpenVINO for the CPU, computing in fp32 (``openvino``) or
    in bf16 (``openvino-bf16``: its inference precision hint; made for a CPU with bf16 instructions, where
    OpenVINO may emulate bf16 on other AVX-512 CPUs: a warning says so)."""

    def __init__(self, path: str | Path, config, name: str = "openvino", threads: int | None = None):
        ov = _runtime(name)
        core = ov.Core()
        props = {"INFERENCE_PRECISION_HINT": "bf16" if name == "openvino-bf16" else "f32",
                 "PERFORMANCE_HINT": "LATENCY", **({"INFERENCE_NUM_THREADS": threads} if threads else {})}
        try:
            compiled = core.compile_model(core.read_model(str(path)), "CPU", props)
        except Exception as e:  # noqa: BLE001 - OpenVINO raises RuntimeError with its own text for a bad file
            raise NerError(f"{path}: OpenVINO cannot compile it ({_reason(e)}); export it again "
                           f"(ner export {Path(path).parent} --onnx) or use --backend onnx") from None
        if name == "openvino-bf16" and not cpu_has_bf16():
            log.warning("%s: this CPU has no bf16 instructions; OpenVINO may emulate bf16 (slower, bf16 results): "
                        "--backend openvino computes in fp32", path)
        self.request = compiled.create_infer_request()
        self.lock = threading.Lock()  # one request: one forward pass at a time
        self.config = config
        self.name = name
        self.path = Path(path)

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        with self.lock:
            out = self.request.infer({"input_ids": input_ids, "attention_mask": attention_mask})
            return np.array(out[0], dtype=np.float32)  # a copy: the request's buffer is reused


def _reason(e: Exception) -> str:
    """The line of OpenVINO's exception that says what is wrong (its first lines name its own source file)."""
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    said = [ln for ln in lines if not ln.startswith(("Exception from", "Check '"))]
    return (said or lines or [type(e).__name__])[-1][:160]


# the runtime each exported backend needs: module, its name, the extra that installs it
_RUNTIMES = {"onnx": ("onnxruntime", "ONNX Runtime", "onnx"), "openvino": ("openvino", "OpenVINO", "openvino")}


def _runtime(backend: str):
    """The runtime module ``backend`` runs on, or NerError saying how to install it."""
    module, name, extra = _RUNTIMES["openvino" if backend.startswith("openvino") else "onnx"]
    try:
        importlib.import_module("onnx")  # reads the export's fingerprint
        return importlib.import_module(module)
    except ImportError as e:
        missing = "onnx" if e.name == "onnx" else name
        raise NerError(f"backend {backend!r} needs {missing}: pip install -e '.[{extra}]' (or pip install {module} onnx), "
                       "or use --backend torch") from None


def weights_fingerprint(model_dir: str | Path) -> str | None:
    """sha256 of the saved torch weights (None where the folder has none, e.g. an export --out folder)."""
    path = Path(model_dir) / WEIGHTS
    if not path.is_file():
        return None
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _metadata(path: Path) -> dict[str, str]:
    import onnx

    return {p.key: p.value for p in onnx.load(str(path), load_external_data=False).metadata_props}


def onnx_problem(model_dir: str | Path, backend: str) -> str | None:
    """Why ``backend``'s file in ``model_dir`` cannot serve (missing, stale), or None when it can."""
    path = Path(model_dir) / RUNS_FILE[backend]
    if not path.is_file():
        flag = " --int8" if backend == "onnx-int8" else ""
        return f"{path}: no such file; write it with `ner export {model_dir} --onnx{flag}`"
    current = weights_fingerprint(model_dir)
    if current is None:
        return None  # an exported copy without torch weights: nothing to compare with
    try:
        meta = _metadata(path)
    except Exception as e:  # noqa: BLE001 - onnx raises protobuf's and its own errors for a damaged file
        return (f"{path}: not a readable ONNX file ({str(e).splitlines()[0][:120] if str(e) else type(e).__name__}); "
                f"export it again: `ner export {model_dir} --onnx{' --int8' * (backend == 'onnx-int8')}`")
    if meta.get(FINGERPRINT_KEY) != current:
        return (f"{path} was exported from other weights than {Path(model_dir) / WEIGHTS} (the model was trained "
                f"again since); export it again: `ner export {model_dir} --onnx{' --int8' * (backend == 'onnx-int8')}`")
    return None


def choose_backend(model_dir: str | Path, backend: str = "auto", device: str | None = "auto",
                   passed_over: tuple[str, ...] = ()) -> str:
    """The backend ``ner.load`` runs: ``backend`` itself when named (NerError when it cannot serve), else
    (``auto``) torch on CUDA; on a CPU the fastest within the quality limits that is installed and exported:
    openvino-bf16 (a CPU with bf16) or openvino (without), else torch-bf16 (with bf16), else fp32 ONNX, else
    torch. int8 by name only (module docstring). ``passed_over``: exported backends auto must not pick (their
    runtime could not run the file)."""
    if backend not in BACKENDS:
        raise NerError(f"backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    if backend in ("torch", "torch-bf16"):
        return backend
    if backend != "auto":
        if resolve_device(device) != "cpu":
            raise NerError(f"backend {backend!r} runs on the CPU; give --device cpu or --backend torch")
        _runtime(backend)
        problem = onnx_problem(model_dir, backend)
        if problem:
            raise NerError(problem)
        return backend
    folder = Path(model_dir)
    has_torch = has_torch_weights(folder)
    if resolve_device(device) != "cpu":
        return "torch"
    bf16 = cpu_has_bf16()
    try:
        import onnx  # noqa: F401 - reads the fingerprint
    except ImportError:
        return "torch-bf16" if bf16 and has_torch else "torch"
    exported = _can_serve(folder, "onnx")  # model.onnx: what onnx and openvino run
    openvino = "openvino-bf16" if bf16 else "openvino"
    if exported and openvino not in passed_over and _installed("openvino"):
        return openvino
    if bf16 and has_torch:  # (an export --out folder has no torch weights)
        return "torch-bf16"
    return "onnx" if exported and "onnx" not in passed_over and _installed("onnxruntime") else "torch"


def has_torch_weights(model_dir: str | Path) -> bool:
    """Whether ``model_dir`` holds torch weights (an ``ner export --out`` folder has none); a hub id counts as yes."""
    folder = Path(model_dir)
    return not folder.is_dir() or any((folder / w).exists() for w in (WEIGHTS, "pytorch_model.bin"))


def _installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _can_serve(folder: Path, name: str) -> bool:
    """Whether ``name``'s file in ``folder`` can serve; a stale one is passed over with a warning."""
    problem = onnx_problem(folder, name)
    if problem and (folder / RUNS_FILE[name]).exists():
        log.warning("%s; using another backend", problem)
    return problem is None


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
