"""Leave-one-article-out on a tiny model: folds never see their test article; records are scored."""
import json

from conftest import GOLD, spans_by_find

from ner.config import load_config
from ner.evaluation.crossval import cross_validate


def test_cv_holds_out_each_article_and_scores_records(tmp_path, tiny_base):
    gold = tmp_path / "g.jsonl"
    with gold.open("w", encoding="utf-8") as f:
        for k, (text, items) in enumerate(GOLD):
            f.write(json.dumps({"id": f"d{k}", "text": text, "entities": spans_by_find(text, items)}, ensure_ascii=False) + "\n")
    recs = tmp_path / "g.records.jsonl"
    recs.write_text("".join(json.dumps({"id": f"d{k}", "records": []}) + "\n" for k in range(3)), encoding="utf-8")
    cfg = load_config(None, [f"model.base={tiny_base}", f"data.gold={gold}", "train.epochs=1", "data.dev_fraction=0",
                             "model.max_length=64", "model.overlap=8"])
    r = cross_validate(cfg, tmp_path / "cv", folds=["d0", "d2"], progress=False)
    assert set(r["folds"]) == {"d0", "d2"}
    for fold in ("d0", "d2"):
        m = json.loads((tmp_path / "cv" / fold / "model" / "metrics.json").read_text())
        assert fold not in m["articles"]["gold"] and len(m["articles"]["gold"]) == 2
    assert "micro" in r["records"] and (tmp_path / "cv" / "cv_results.json").exists()


def test_cv_resumes_from_a_finished_fold_model(tmp_path, tiny_base):
    gold = tmp_path / "g.jsonl"
    with gold.open("w", encoding="utf-8") as f:
        for k, (text, items) in enumerate(GOLD):
            f.write(json.dumps({"id": f"d{k}", "text": text, "entities": spans_by_find(text, items)}, ensure_ascii=False) + "\n")
    cfg = load_config(None, [f"model.base={tiny_base}", f"data.gold={gold}", "train.epochs=1", "data.dev_fraction=0",
                             "model.max_length=64", "model.overlap=8"])
    first = cross_validate(cfg, tmp_path / "cv", folds=["d1"], progress=False)
    fold = tmp_path / "cv" / "d1"
    trained_at = (fold / "model" / "model.safetensors").stat().st_mtime_ns
    (fold / "predictions.jsonl").unlink()  # e.g. to re-score after a change in decoding
    again = cross_validate(cfg, tmp_path / "cv", folds=["d1"], progress=False)
    assert (fold / "model" / "model.safetensors").stat().st_mtime_ns == trained_at  # not retrained
    assert (fold / "predictions.jsonl").exists() and again["pooled"] == first["pooled"]
