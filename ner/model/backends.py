"""The encoder's forward pass at inference: padded token ids -> logits, on torch, ONNX Runtime or OpenVINO.

Every backend is a callable ``encoder(input_ids, attention_mask) -> logits`` on numpy arrays (batch x
tokens, int64 in; batch x tokens x labels, float32 out) with the model's ``config`` (labels, window
limit), so ``ner.pipeline.Tagger`` never knows which one it runs:

* ``torch``: the saved weights (``model.safetensors``), on CPU or CUDA (``resolve_device``); on a GPU
  under bf16 autocast (fp16 where bf16 is unsupported). The CUDA path is untested on a GPU.
* ``torch-bf16``: the same on the CPU under bf16 autocast: about 1.7x faster where the CPU has bf16
  instructions (``cpu_has_bf16``); the saved tagger's spans equal fp32's on the held-out news, the model
  alone's F1 moves by +0.0023 on its test part (one entity more).
* ``onnx`` / ``onnx-int8``: ``model.onnx`` / ``model.int8.onnx`` written by ``ner.model.export`` (``ner export
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
import logging
import re
import threading
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
            raise NerError(f"{path}: ONNX Runtime cannot load it ({_ort_reason(e)}); export it again "
                           f"(ner export {Path(path).parent} --onnx)") from None
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


def _ort_reason(e: Exception) -> str:
    """What ONNX Runtime says is wrong, without its bracketed status prefix ([ONNXRuntimeError] : 7 : INVALID_PROTOBUF :)."""
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()] or [type(e).__name__]
    return re.sub(r"^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*", "", lines[0])[:160]


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
    if not installed("onnx"):  # it reads the export's fingerprint
        return "torch-bf16" if bf16 and has_torch else "torch"
    exported = _can_serve(folder, "onnx")  # model.onnx: what onnx and openvino run
    openvino = "openvino-bf16" if bf16 else "openvino"
    if exported and openvino not in passed_over and installed("openvino"):
        return openvino
    if bf16 and has_torch:  # (an export --out folder has no torch weights)
        return "torch-bf16"
    return "onnx" if exported and "onnx" not in passed_over and installed("onnxruntime") else "torch"


def has_torch_weights(model_dir: str | Path) -> bool:
    """Whether ``model_dir`` holds torch weights (an ``ner export --out`` folder has none); a hub id counts as yes."""
    folder = Path(model_dir)
    return not folder.is_dir() or any((folder / w).exists() for w in (WEIGHTS, "pytorch_model.bin"))


def installed(module: str) -> bool:
    """Whether ``module`` imports (an optional runtime or package)."""
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
