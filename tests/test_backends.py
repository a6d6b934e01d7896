"""Backends (ner.model.backends): ONNX export of the tiny random tagger gives torch's spans; int8 runs; a stale
export is refused; batching across documents and the background rules thread change no result."""
import numpy as np
import pytest
from click.testing import CliRunner
from conftest import TEXTS

import ner
from ner.cli import main
from ner.combine import MODEL_ONLY
from ner.errors import NerError

TYPES = ["REGION", "COMPANY", "AMOUNT", "CAPACITY"]


def seed_texts(seeds_path, n=12):
    import json

    texts = [json.loads(line)["text"] for line in seeds_path.read_text(encoding="utf-8").splitlines()]
    return [p for t in texts for p in t.split("\n") if p.strip()][:n]


@pytest.fixture(scope="module")
def tagger_dir(tiny_tagger):
    return tiny_tagger


def spans(tagger, texts):
    return [[(s.start, s.end, s.label) for s in doc] for doc in tagger.tag(texts)]


def test_batched_across_documents_equals_one_by_one(tagger_dir, seeds_path):
    texts = seed_texts(seeds_path) + TEXTS + ["", "   "]
    together = ner.load(tagger_dir, backend="torch", batch_size=5)
    alone = ner.load(tagger_dir, backend="torch", batch_size=1, background_rules=False)
    assert spans(together, texts) == [spans(alone, [t])[0] for t in texts]
    assert together.extract(texts) == [alone.extract(t) for t in texts]  # input order kept


def test_failure_on_the_background_thread_reaches_the_caller(tagger_dir, monkeypatch):
    import ner.pipeline

    tagger = ner.load(tagger_dir, backend="torch")
    monkeypatch.setattr(ner.pipeline, "finalize", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tagger.tag(TEXTS)


@pytest.fixture(scope="module")
def exported(tagger_dir, tmp_path_factory):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    from ner.model.export import export_onnx

    out = tmp_path_factory.mktemp("exported")
    export_onnx(tagger_dir, out, int8=True)
    return out


def test_onnx_fp32_gives_the_torch_spans(tagger_dir, exported, seeds_path):
    texts = seed_texts(seeds_path, 40) + TEXTS
    torch_tagger = ner.load(tagger_dir, backend="torch", **MODEL_ONLY)
    onnx_tagger = ner.load(exported, backend="onnx", **MODEL_ONLY)
    assert onnx_tagger.backend == "onnx" and torch_tagger.backend == "torch"
    got, want = spans(onnx_tagger, texts), spans(torch_tagger, texts)
    assert got == want and sum(map(len, want)) > 0
    ids = np.array([[2, 7, 8, 9, 3]], dtype=np.int64)
    att = np.ones_like(ids)
    np.testing.assert_allclose(onnx_tagger.encoder(ids, att), torch_tagger.encoder(ids, att), atol=1e-4)


def test_export_fuses_attention_and_falls_back_to_the_plain_graph(tagger_dir, exported, tmp_path, seeds_path,
                                                                   monkeypatch):
    import onnx

    import ner.model.export
    from ner.model.export import EXPORT_KEY, export_onnx

    for name, quantised in (("model.onnx", "Attention"), ("model.int8.onnx", "QAttention")):
        proto = onnx.load(str(exported / name))
        ops = [n.op_type for n in proto.graph.node]
        meta = {p.key: p.value for p in proto.metadata_props}
        assert meta[EXPORT_KEY] == "fused" and ops.count(quantised) == 2, (name, sorted(set(ops)))  # 2 layers
    monkeypatch.setattr(ner.model.export, "fused_export", lambda *a: None)  # e.g. no optimizer for this model
    export_onnx(tagger_dir, tmp_path, int8=True)
    plain = onnx.load(str(tmp_path / "model.onnx"))
    assert {p.key: p.value for p in plain.metadata_props}[EXPORT_KEY] == "plain"
    assert "Attention" not in {n.op_type for n in plain.graph.node}
    texts = seed_texts(seeds_path, 20) + TEXTS
    fused_tagger, plain_tagger = (ner.load(d, backend="onnx", **MODEL_ONLY) for d in (exported, tmp_path))
    assert spans(fused_tagger, texts) == spans(plain_tagger, texts)


@pytest.mark.parametrize("bf16", [True, False])
@pytest.mark.parametrize("openvino", [True, False])
def test_onnx_int8_runs_and_auto_takes_the_fastest_within_the_limits(tagger_dir, exported, bf16, openvino, tmp_path,
                                                                    monkeypatch):
    import shutil
    import sys

    import ner.model.backends

    int8 = ner.load(exported, backend="onnx-int8")
    assert len(int8.tag(TEXTS)) == len(TEXTS) and int8.backend == "onnx-int8"
    monkeypatch.setattr(ner.model.backends, "cpu_has_bf16", lambda: bf16)
    if openvino:
        pytest.importorskip("openvino")
    else:
        monkeypatch.setitem(sys.modules, "openvino", None)
    # int8's spans depend on the batch (its activations are scaled per batch) and moved F1 too much: by name only;
    # OpenVINO runs the export fastest (in bf16 where the CPU has it); else bf16 is faster than fp32 where the CPU
    # has it; an export folder has no torch weights to run torch on
    fastest = ("openvino-bf16" if bf16 else "openvino") if openvino else None
    assert ner.load(exported).backend == (fastest or "onnx")
    both = tmp_path / "both"
    shutil.copytree(tagger_dir, both)
    for name in ("model.onnx", "model.int8.onnx"):
        shutil.copy(exported / name, both)
    assert ner.load(both).backend == (fastest or ("torch-bf16" if bf16 else "onnx"))
    assert ner.load(both, backend="onnx-int8").backend == "onnx-int8"
    assert ner.load(tagger_dir).backend == ("torch-bf16" if bf16 else "torch")  # not exported


def test_a_damaged_onnx_file_is_passed_over_by_auto_and_refused_by_name(tagger_dir, exported, tmp_path, caplog,
                                                                      monkeypatch):
    import shutil

    import ner.model.backends

    folder = tmp_path / "damaged"
    shutil.copytree(tagger_dir, folder)
    (folder / "model.onnx").write_bytes((exported / "model.onnx").read_bytes()[:5000])
    monkeypatch.setattr(ner.model.backends, "cpu_has_bf16", lambda: False)
    assert ner.load(folder).backend == "torch" and any("not a readable ONNX file" in m for m in caplog.messages)
    with pytest.raises(NerError, match=r"model.onnx: not a readable ONNX file .*ner export .* --onnx"):
        ner.load(folder, backend="onnx")


def test_the_plain_export_when_the_fused_graph_cannot_be_run(tagger_dir, tmp_path, monkeypatch, caplog):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    import logging

    import onnx
    import onnxruntime

    from ner.model.export import EXPORT_KEY, export_onnx

    real = onnxruntime.InferenceSession

    def refuses_bytes(model, *a, **k):  # the fused graph is checked from bytes; the plain one is never loaded here
        if isinstance(model, bytes):
            raise RuntimeError("cannot run this graph")
        return real(model, *a, **k)

    monkeypatch.setattr(onnxruntime, "InferenceSession", refuses_bytes)
    with caplog.at_level(logging.INFO, logger="ner.model.export"):
        export_onnx(tagger_dir, tmp_path)
    meta = {p.key: p.value for p in onnx.load(str(tmp_path / "model.onnx")).metadata_props}
    assert meta[EXPORT_KEY] == "plain" and any("cannot run this graph" in m for m in caplog.messages)


def test_bf16_on_the_cpu(tagger_dir):
    fp32 = ner.load(tagger_dir, backend="torch", **MODEL_ONLY)
    bf16 = ner.load(tagger_dir, backend="torch-bf16", **MODEL_ONLY)
    assert (bf16.backend, fp32.backend) == ("torch-bf16", "torch")
    ids = np.array([[2, 7, 8, 9, 3]], dtype=np.int64)
    np.testing.assert_allclose(bf16.encoder(ids, np.ones_like(ids)), fp32.encoder(ids, np.ones_like(ids)), atol=0.1)


def test_stale_export_is_refused_by_name_and_passed_over_by_auto(tagger_dir, exported, tmp_path, caplog, monkeypatch):
    import shutil

    import ner.model.backends

    import torch
    from transformers import AutoModelForTokenClassification

    folder = tmp_path / "retrained"
    shutil.copytree(tagger_dir, folder)
    shutil.copy(exported / "model.onnx", folder / "model.onnx")  # exported from tagger_dir's weights: not these
    model = AutoModelForTokenClassification.from_pretrained(folder)
    with torch.no_grad():
        model.classifier.bias += 1.0
    model.save_pretrained(folder)
    with pytest.raises(NerError, match=r"model.onnx was exported from other weights .*ner export .* --onnx"):
        ner.load(folder, backend="onnx")
    monkeypatch.setattr(ner.model.backends, "cpu_has_bf16", lambda: False)  # else auto runs torch-bf16 unasked
    assert ner.load(folder).backend == "torch" and any("export it again" in m for m in caplog.messages)


def test_cli_export_and_tag_with_a_backend(tagger_dir, tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    runner = CliRunner()
    out = tmp_path / "onnx"
    r = runner.invoke(main, ["export", str(tagger_dir), "--onnx", "--out", str(out)])
    assert r.exit_code == 0 and "model.onnx" in r.output, r.output
    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    for backend in ("onnx", "torch"):
        model = out if backend == "onnx" else tagger_dir
        r = runner.invoke(main, ["tag", "--model", str(model), "--backend", backend, str(tmp_path / "a.txt"),
                                 "-o", str(tmp_path / f"{backend}.jsonl")])
        assert r.exit_code == 0, r.output
    assert (tmp_path / "onnx.jsonl").read_text(encoding="utf-8").count("\n") == 1
    r = runner.invoke(main, ["tag", "--model", str(tagger_dir), "--backend", "onnx-int8", str(tmp_path / "a.txt"),
                             "-o", str(tmp_path / "x.jsonl")])
    assert r.exit_code == 2 and "model.int8.onnx: no such file" in r.output and "--int8" in r.output
    assert r.output.count("\n") == 1


def test_the_chosen_backend_is_logged(tagger_dir, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="ner.pipeline"):
        ner.load(tagger_dir, backend="torch")
    assert any("backend torch (asked: torch), device cpu" in m for m in caplog.messages), caplog.messages


def test_backend_without_onnxruntime_says_how_to_install(tagger_dir, monkeypatch):
    import sys

    import ner.model.backends

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(ner.model.backends, "cpu_has_bf16", lambda: False)
    with pytest.raises(NerError, match=r"needs ONNX Runtime: pip install -e '.\[onnx\]'"):
        ner.load(tagger_dir, backend="onnx")
    assert ner.load(tagger_dir).backend == "torch"  # auto: torch when ONNX Runtime is absent


def test_openvino_fp32_gives_the_torch_spans_and_bf16_runs(tagger_dir, exported, seeds_path):
    pytest.importorskip("openvino")
    texts = seed_texts(seeds_path, 40) + TEXTS
    torch_tagger = ner.load(tagger_dir, backend="torch", **MODEL_ONLY)
    fp32 = ner.load(exported, backend="openvino", **MODEL_ONLY)
    bf16 = ner.load(exported, backend="openvino-bf16", **MODEL_ONLY)
    assert (fp32.backend, bf16.backend) == ("openvino", "openvino-bf16")
    want = spans(torch_tagger, texts)
    assert spans(fp32, texts) == want and sum(map(len, want)) > 0
    ids = np.array([[2, 7, 8, 9, 3], [2, 10, 11, 3, 0]], dtype=np.int64)
    att = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]], dtype=np.int64)
    reference = torch_tagger.encoder(ids, att)
    first = fp32.encoder(ids, att)
    np.testing.assert_allclose(first, reference, atol=1e-4)
    fp32.encoder(ids[:1], att[:1])  # the request's buffer is reused: an earlier result must not change
    np.testing.assert_allclose(first, reference, atol=1e-4)
    np.testing.assert_allclose(bf16.encoder(ids, att), reference, atol=0.1)
    assert len(ner.load(exported, backend="openvino-bf16").tag(TEXTS)) == len(TEXTS)  # the saved tagger too


def test_openvino_says_what_it_needs(tagger_dir, exported, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openvino", None)  # also where OpenVINO is installed
    with pytest.raises(NerError, match=r"needs OpenVINO: pip install -e '.\[openvino\]' \(or pip install openvino onnx\)"):
        ner.load(exported, backend="openvino-bf16")
    monkeypatch.undo()
    pytest.importorskip("openvino")
    with pytest.raises(NerError, match=r"model.onnx: no such file; write it with `ner export .* --onnx`$"):
        ner.load(tagger_dir, backend="openvino")  # not exported


def test_an_export_openvino_cannot_compile_is_refused_by_name_and_passed_over_by_auto(tagger_dir, exported, tmp_path,
                                                                                     caplog, monkeypatch):
    import shutil

    import onnx

    import ner.model.backends

    pytest.importorskip("openvino")
    folder = tmp_path / "broken"
    shutil.copytree(tagger_dir, folder)
    proto = onnx.load(str(exported / "model.onnx"))
    del proto.graph.node[len(proto.graph.node) // 2]  # a readable file with the weights' fingerprint, not a graph
    onnx.save(proto, str(folder / "model.onnx"))
    with pytest.raises(NerError, match=r"model.onnx: OpenVINO cannot compile it \((?!Exception from).+\); export it "
                       r"again \(ner export .*broken --onnx\)"):
        ner.load(folder, backend="openvino")
    monkeypatch.setattr(ner.model.backends, "cpu_has_bf16", lambda: False)
    tagger = ner.load(folder)  # auto: OpenVINO, then ONNX Runtime, cannot run it: torch
    assert tagger.backend == "torch" and len(tagger.tag(TEXTS)) == len(TEXTS)
    assert sum("cannot" in m and "using another backend" in m for m in caplog.messages) == 2, caplog.messages


def test_a_missing_onnx_package_is_named(exported, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(NerError, match=r"backend 'onnx' needs onnx: pip install -e '.\[onnx\]'"):
        ner.load(exported, backend="onnx")


def test_an_export_folder_whose_file_cannot_run_says_why(exported, tmp_path, monkeypatch):
    import shutil

    import onnx

    import ner.model.backends

    pytest.importorskip("openvino")
    folder = tmp_path / "export_only"
    shutil.copytree(exported, folder)  # config and tokenizer, no torch weights
    proto = onnx.load(str(exported / "model.onnx"))
    del proto.graph.node[len(proto.graph.node) // 2]
    onnx.save(proto, str(folder / "model.onnx"))
    monkeypatch.setattr(ner.model.backends, "cpu_has_bf16", lambda: False)
    with pytest.raises(NerError, match=r"model.onnx: ONNX Runtime cannot load it") as e:  # the last runtime's reason
        ner.load(folder)
    assert f"ner export {folder} --onnx" in str(e.value) and "[ONNXRuntimeError]" not in str(e.value)


def test_threads_reach_the_exported_backends(exported):
    pytest.importorskip("openvino")
    tagger = ner.load(exported, backend="openvino", threads=1)
    assert tagger.encoder.request.get_compiled_model().get_property("INFERENCE_NUM_THREADS") == 1
    assert ner.load(exported, backend="onnx", threads=1).encoder.session.get_session_options().intra_op_num_threads == 1
