"""The encoder's forward pass at inference: padded token ids -> logits, on torch or ONNX Runtime.

Every backend is a callable ``encoder(input_ids, attention_mask) -> logits`` on numpy arrays (batch x
tokens, int64 in; batch x tokens x labels, float32 out) with the model's ``config`` (labels, window
limit), so ``ner.pipeline.Tagger`` never knows which one it runs:

* ``torch``: the saved weights (``model.safetensors``), on CPU or CUDA (``resolve_device``); on a GPU
  under bf16 autocast (fp16 where bf16 is unsupported). The CUDA path is untested on a GPU.
* ``torch-bf16``: the same on the CPU under bf16 autocast: about 1.7x faster where the CPU has bf16
  instructions (``cpu_has_bf16``), F1 within 0.002 of fp32 on the held-out news.
* ``onnx`` / ``onnx-int8``: ``model.onnx`` / ``model.int8.onnx`` written by ``export_onnx`` (``ner export
  DIR --onnx [--int8]``) and run by ONNX Runtime (``pip install -e .[onnx]``). fp32 gives the torch spans;
  int8 is dynamic quantisation of the linear layers' weights.
* ``auto``: the fastest within the quality limits (docs/results.md, "Tagging speed"): on CUDA torch;
  on a CPU with bf16 instructions torch-bf16; otherwise fp32 ONNX where exported (fresh and runnable),
  else torch. int8 is about as fast as bf16 but moves F1 by more than the 0.002 allowed: by name only.

An exported file records a fingerprint of the weights it came from; a file whose weights have since
changed (the folder retrained) is stale: refused when asked for by name, passed over by ``auto``.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import shutil
import warnings
from pathlib import Path

import numpy as np

from ner.errors import NerError

log = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "torch-bf16", "onnx", "onnx-int8")
ONNX_FILES = {"onnx": "model.onnx", "onnx-int8": "model.int8.onnx"}
AUTO_ORDER = ("onnx",)  # exported backends auto may run on a CPU without bf16, fastest first
WEIGHTS = "model.safetensors"
FINGERPRINT_KEY = "ner.weights_sha256"
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
        ort = _onnxruntime(name)
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


def _onnxruntime(backend: str):
    try:
        import onnxruntime
    except ImportError:
        raise NerError(f"backend {backend!r} needs ONNX Runtime: pip install -e '.[onnx]' (or pip install onnxruntime), "
                       "or use --backend torch") from None
    return onnxruntime


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


def onnx_problem(model_dir: str | Path, backend: str) -> str | None:
    """Why ``backend``'s file in ``model_dir`` cannot serve (missing, stale), or None when it can."""
    path = Path(model_dir) / ONNX_FILES[backend]
    if not path.is_file():
        flag = " --int8" if backend == "onnx-int8" else ""
        return f"{path}: no such file; write it with `ner export {model_dir} --onnx{flag}`"
    current = weights_fingerprint(model_dir)
    if current is None:
        return None  # an exported copy without torch weights: nothing to compare with
    import onnx

    meta = {p.key: p.value for p in onnx.load(str(path), load_external_data=False).metadata_props}
    if meta.get(FINGERPRINT_KEY) != current:
        return (f"{path} was exported from other weights than {Path(model_dir) / WEIGHTS} (the model was trained "
                f"again since); export it again: `ner export {model_dir} --onnx{' --int8' * (backend == 'onnx-int8')}`")
    return None


def choose_backend(model_dir: str | Path, backend: str = "auto", device: str | None = "auto") -> str:
    """The backend ``ner.load`` runs: ``backend`` itself when named (NerError when it cannot serve),
    else (``auto``) torch on CUDA, torch-bf16 on a CPU with bf16, else the first of ``AUTO_ORDER`` that
    can serve, else torch."""
    if backend not in BACKENDS:
        raise NerError(f"backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    if backend in ("torch", "torch-bf16"):
        return backend
    if backend != "auto":
        if resolve_device(device) != "cpu":
            raise NerError(f"backend {backend!r} runs on the CPU; give --device cpu or --backend torch")
        _onnxruntime(backend)
        problem = onnx_problem(model_dir, backend)
        if problem:
            raise NerError(problem)
        return backend
    folder = Path(model_dir)
    has_torch = not folder.is_dir() or any((folder / w).exists() for w in (WEIGHTS, "pytorch_model.bin"))
    if resolve_device(device) != "cpu":
        return "torch"
    if cpu_has_bf16() and has_torch:  # (an export --out folder has no torch weights)
        return "torch-bf16"
    try:
        import onnx  # noqa: F401 - reads the fingerprint
        import onnxruntime  # noqa: F401
    except ImportError:
        return "torch"
    for name in AUTO_ORDER:
        problem = onnx_problem(model_dir, name)
        if problem is None:
            return name
        if (Path(model_dir) / ONNX_FILES[name]).exists():
            log.warning("%s; using another backend", problem)
    return "torch"


def export_onnx(model_dir: str | Path, out_dir: str | Path | None = None, int8: bool = False,
                opset: int = 18) -> list[Path]:
    """Write ``model.onnx`` (and with ``int8`` ``model.int8.onnx``, dynamic int8 quantisation of the
    weights) for the tagger in ``model_dir``, into ``out_dir`` (default: ``model_dir`` itself; another
    folder gets the config, tokenizer and training config too, so it loads on its own). Returns the paths.

    Batch and sequence length are dynamic; inputs ``input_ids`` and ``attention_mask`` (int64), output
    ``logits``. Needs ``pip install -e '.[onnx]'`` (onnx, onnxscript, onnxruntime)."""
    try:
        import onnx
        import onnxscript  # noqa: F401 - torch's exporter needs it
        import torch
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
    fingerprint = weights_fingerprint(model_dir)

    class Logits(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).logits

    sample = tokenizer(["总投资75亿元", "湖南长沙"], padding=True, return_tensors="pt")
    args = (sample["input_ids"], sample["attention_mask"])
    dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("tokens", min=2, max=model.config.max_position_embeddings)}
    fp32 = out / ONNX_FILES["onnx"]
    quiet = logging.getLogger("torch.onnx")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # notices about torchvision and axis names, none about this model
    try:
        with torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            program = torch.onnx.export(Logits(model).eval(), args, input_names=["input_ids", "attention_mask"],
                                        output_names=["logits"], dynamo=True, opset_version=opset, verbose=False,
                                        dynamic_shapes={"input_ids": dims, "attention_mask": dims})
    finally:
        quiet.setLevel(level)
    proto = program.model_proto
    _set_meta(proto, fingerprint)
    onnx.save_model(proto, str(fp32))
    written = [fp32]
    if int8:
        written.append(quantize_int8(fp32, out / ONNX_FILES["onnx-int8"], fingerprint))
    return written


def _set_meta(proto, fingerprint: str | None) -> None:
    if fingerprint is None:
        return
    del proto.metadata_props[:]
    entry = proto.metadata_props.add()
    entry.key, entry.value = FINGERPRINT_KEY, fingerprint


def quantize_int8(fp32: Path, int8: Path, fingerprint: str | None) -> Path:
    """Dynamic int8 quantisation (weights int8 per channel, activations quantised at run time) of the
    MatMul layers of ``fp32``, written to ``int8``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its advice to pre-process is for static quantisation of vision models
    try:
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])
    finally:
        root.setLevel(level)
    proto = onnx.load(str(int8))
    _set_meta(proto, fingerprint)
    onnx.save_model(proto, str(int8))
    return int8
