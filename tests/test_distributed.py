"""Ray Data sharded tagging (ner.batch.distributed) on a local two-worker cluster started here: the same rows as
`ner tag`, error rows for unreadable documents, finished shards skipped on a rerun. Needs the ray extra."""
import json

import pytest
from click.testing import CliRunner
from conftest import TEXTS

from ner.cli import main

ray = pytest.importorskip("ray", reason="the ray extra: pip install -e '.[ray]'")
pytest.importorskip("ray.data")


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=150 * 2**20)
    yield
    ray.shutdown()


@pytest.fixture()
def inputs(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    for k, text in enumerate(TEXTS):
        (d / f"t{k}.txt").write_text(text, encoding="utf-8")
    (d / "sub" / "docs.jsonl").write_text("".join(json.dumps({"id": f"j{k}", "text": t}, ensure_ascii=False) + "\n"
                                                  for k, t in enumerate(TEXTS * 3)) + "{bad\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["p1", "p2"], "text": [TEXTS[0], TEXTS[2]]}), d / "more.parquet")
    return d


def by_source(rows):
    return {r["source"]: r for r in rows}


def test_ray_gives_the_rows_of_ner_tag_and_skips_finished_shards(cluster, tiny_tagger, inputs, tmp_path):
    from ner.batch.distributed import read_output, tag_dataset

    runner = CliRunner()
    r = runner.invoke(main, ["tag", "--model", str(tiny_tagger), "--backend", "torch", str(inputs),
                             "-o", str(tmp_path / "plain.jsonl")])
    assert r.exit_code == 3, r.output  # the empty file and the bad line
    plain = [json.loads(line) for line in (tmp_path / "plain.jsonl").read_text(encoding="utf-8").splitlines()]

    out = tmp_path / "shards"
    counts = tag_dataset(tiny_tagger, [str(inputs)], out, workers=2, backend="torch", batch_size=4)
    assert counts == {"tagged": 18, "failed": 2, "skipped": 0, "shards": 7}
    got = read_output(out)
    assert by_source(got) == by_source(plain) and len(got) == len(plain) == 20
    assert "empty" in by_source(got)[str(inputs / "empty.txt")]["error"]
    assert "bad line" in by_source(got)[f"{inputs / 'sub' / 'docs.jsonl'}:13"]["error"]
    assert len(list(out.glob("*.jsonl"))) == 7

    again = tag_dataset(tiny_tagger, [str(inputs)], out, workers=2, backend="torch")
    assert again == {"tagged": 0, "failed": 0, "skipped": 7, "shards": 7}
    victim = next(out.glob("docs-*.jsonl"))
    victim.unlink()  # as if the run had stopped before this shard
    again = tag_dataset(tiny_tagger, [str(inputs)], out, workers=2, backend="torch")
    assert again == {"tagged": 12, "failed": 1, "skipped": 6, "shards": 7}
    assert by_source(read_output(out)) == by_source(plain)


def test_ray_parquet_output_through_the_cli(cluster, tiny_tagger, inputs, tmp_path):
    from ner.batch.distributed import read_output

    r = CliRunner().invoke(main, ["tag", "--model", str(tiny_tagger), "--ray", "local", "--workers", "2",
                                  str(inputs / "more.parquet"), str(inputs / "t0.txt"), "-o", str(tmp_path / "o"),
                                  "--format", "parquet"])
    assert r.exit_code == 0, r.output
    assert "3 tagged, 0 failed, 0 shard(s) skipped" in r.output
    rows = read_output(tmp_path / "o")
    assert sorted(x["id"] for x in rows) == ["p1", "p2", "t0"] and all("entities" in x for x in rows)
