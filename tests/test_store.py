"""The project database on real SQLite and PostgreSQL: schema by migration, idempotence, one transaction
per document (kill -9), projects merged across articles, filters and exports."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, spans_by_find

pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

DEZAI = "湖南德赛电池储能电芯项目落户长沙市望城经开区，总投资75亿元，规划产能20GWh。"
DEZAI_AGAIN = "2023年5月19日，德赛电池储能电芯项目在长沙望城经开区投产，项目总投资约75亿元，年产能20GWh。"
JICHENG = "浙江吉成先进陶瓷材料产业基地项目签约落户望城经开区，公司计划投资12亿元。"
USD = "2022年3月1日，美国某某能源公司在得州投资6亿美元建设储能项目。"
GOLD = {  # the entities a tagger finds (conftest.spans_by_find), so that records do not depend on a model
    DEZAI: [("湖南德赛电池", "COMPANY"), ("长沙市望城经开区", "REGION"), ("75亿元", "AMOUNT"), ("20GWh", "CAPACITY")],
    DEZAI_AGAIN: [("德赛电池", "COMPANY"), ("长沙望城经开区", "REGION"), ("75亿元", "AMOUNT"), ("20GWh", "CAPACITY")],
    JICHENG: [("浙江吉成", "COMPANY"), ("望城经开区", "REGION"), ("12亿元", "AMOUNT")],
    USD: [("美国", "REGION"), ("某某能源公司", "COMPANY"), ("6亿美元", "AMOUNT")],
}


def extract(text: str) -> dict:
    """What ``Tagger.extract`` gives for ``text``: the GOLD entities and their records; the rules for others."""
    from ner.records.build import build_records
    from ner.store.ingest import RulesTagger
    from ner.types import Span

    if text not in GOLD:
        return RulesTagger().extract(text)
    entities = [Span.from_dict(e) for e in spans_by_find(text, GOLD[text])]
    return {"entities": [e.to_dict() for e in entities], "records": build_records(text, entities)}


class GoldTagger:
    def extract(self, text):
        return extract(text)


def test_migrations_build_the_models_schema(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    from ner.store import open_store
    from ner.store.migrate import current_revision, head_revision
    from ner.store.models import Base

    open_store(db_url).close()  # an empty database gets the schema at once
    engine = create_engine(db_url)
    assert current_revision(engine) == head_revision() == "0001"
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], diff


def test_older_revision_is_refused_until_upgrade(tmp_path):
    from click.testing import CliRunner
    from sqlalchemy import create_engine, text

    from ner.cli import main
    from ner.errors import NerError
    from ner.store import open_store

    url = f"sqlite:///{tmp_path / 'p.db'}"
    res = CliRunner().invoke(main, ["db", "upgrade", "--db", url])
    assert res.exit_code == 0 and "(none) -> 0001" in res.output
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num='0000'"))
    with pytest.raises(NerError, match="ner db upgrade"):
        open_store(url)


def test_same_text_twice_changes_nothing(db_url):
    from ner.store import open_store

    with open_store(db_url) as store:
        first = store.add_document("a", "a.txt", DEZAI, extract(DEZAI), "rules")
        counts = store.counts()
        again = store.add_document("other-id", "b.txt", DEZAI, extract(DEZAI), "rules")
        assert first[1] is True and again == (first[0], False)
        assert store.counts() == counts
    with open_store(db_url) as store:  # a new process (a rerun) as well
        assert store.add_document("a", "a.txt", DEZAI, extract(DEZAI), "rules")[1] is False
        assert store.counts() == counts


def test_records_of_one_project_merge_across_articles(db_url):
    from ner.store import open_store

    with open_store(db_url) as store:
        for doc, text in (("d1", DEZAI), ("d2", JICHENG), ("d3", DEZAI_AGAIN)):
            store.add_document(doc, f"{doc}.txt", text, extract(text), "rules")
        projects = store.project_rows()
        dezai = [p for p in projects if p["name"] and "储能电芯" in p["name"]]
        assert len(dezai) == 1 and dezai[0]["sources"] == ["d1", "d3"] and dezai[0]["n_documents"] == 2
        assert dezai[0]["stage"] == "投产" and dezai[0]["region_code"] == "430112"
        detail = store.project(dezai[0]["id"])
        assert [t["stage"] for t in detail["timeline"]] == ["落户", "投产"]  # stage order
        assert {s["doc_id"] for s in detail["sources"]} == {"d1", "d3"}
        source = next(s for s in detail["sources"] if s["doc_id"] == "d3")
        amount = source["records"][0]["amounts"][0]
        assert source["text"][amount["start"]:amount["end"]] == amount["text"] == "75亿元"  # provenance
        assert len([p for p in projects if p["name"] and "陶瓷" in p["name"]]) == 1


def test_project_filters(db_url):
    from ner.store import open_store

    with open_store(db_url) as store:
        for doc, text in (("d1", DEZAI), ("d3", DEZAI_AGAIN), ("u", USD)):
            store.add_document(doc, doc, text, extract(text), "rules")
        assert {p["region_code"] for p in store.projects(region="43")} == {"430112"}
        assert store.projects(region="4301") and not store.projects(region="44")
        assert [p["stage"] for p in store.projects(stage="投产")] == ["投产"]
        assert store.projects(since="2023-05") and not store.projects(since="2023-06")
        assert store.projects(until="2022-03") and all(p["first_date"] <= "2022-03~" for p in store.projects(until="2022-03"))
        assert store.projects(query="德赛")


KILL_CHILD = r"""
import sys, time
from ner.store import open_store
from ner.store.ingest import RulesTagger
import ner.store.db as db

slow = db.Store._summarise
def summarise(self, session, project):  # keep each document's transaction open for a while
    slow(self, session, project)
    time.sleep(0.02)
db.Store._summarise = summarise
texts = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
tagger = RulesTagger()
tagged = [tagger.extract(t) for t in texts]
with open_store(sys.argv[1]) as store:
    for k in range(10000):
        text = texts[k % len(texts)] + f"（第{k}稿）"
        store.add_document(f"doc{k}", "kill", text, tagged[k % len(texts)], "rules")
        print(k, flush=True)
"""


def test_kill_9_leaves_whole_documents_only(db_url, tmp_path):
    """A writer killed with SIGKILL in the middle of its work leaves every stored document complete
    (its entities, records and mentions all there), and a rerun goes on from there."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from ner.data.io import read_jsonl
    from ner.store import open_store
    from ner.store.models import Document, Entity, Mention, Record

    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(row["text"].replace("\n", " ") for _, row in read_jsonl(REPO / "data/merge/articles.jsonl")),
                     encoding="utf-8")
    open_store(db_url).close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, "-c", KILL_CHILD, db_url, str(texts)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    done = 0
    deadline = time.time() + 120
    while done < 5 and time.time() < deadline:
        line = child.stdout.readline()
        if not line:
            pytest.fail(f"the writer died: {child.stderr.read()[-2000:]}")
        done = int(line.split()[0]) + 1
    time.sleep(0.013)  # somewhere inside the next document's transaction
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    with open_store(db_url) as store:
        with Session(store.engine) as s:
            docs = s.execute(select(Document.id, Document.n_entities, Document.n_records)).all()
            assert len(docs) >= done
            for doc_id, n_entities, n_records in docs:
                assert s.scalar(select(func.count()).where(Entity.document_id == doc_id)) == n_entities
                assert s.scalar(select(func.count()).where(Record.document_id == doc_id)) == n_records
            orphans = s.scalar(select(func.count()).select_from(Record).where(~Record.document_id.in_(select(Document.id))))
            assert orphans == 0
            records_without_mentions = s.scalar(select(func.count()).select_from(Record).where(
                ~Record.id.in_(select(Mention.record_id))))
            assert records_without_mentions == 0
        n = len(docs)
        text = texts.read_text(encoding="utf-8").split("\n")[n % 30] + f"（第{n}稿）"
        assert store.add_document(f"doc{n}", "kill", text, extract(text), "rules")[1] is True


@pytest.fixture()
def cli_gold(monkeypatch):
    """``ner tag --model X`` with GOLD standing in for a saved tagger (no model to train)."""
    import ner.pipeline

    monkeypatch.setattr(ner.pipeline, "load", lambda model_dir, **kw: GoldTagger())


def test_ner_tag_db_twice_then_projects_export(db_url, tmp_path, cli_gold):
    from click.testing import CliRunner

    load_workbook = pytest.importorskip("openpyxl").load_workbook

    from ner.cli import main

    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                           for i, t in (("d1", DEZAI), ("d2", JICHENG), ("d3", DEZAI_AGAIN), ("u", USD))), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["tag", "--model", "m", str(src), "--db", db_url])
    assert res.exit_code == 0 and "4 document(s) added, 0 already there" in res.output, res.output
    res = runner.invoke(main, ["tag", "--model", "m", str(src), "--db", db_url, "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 0 and "0 document(s) added, 4 already there" in res.output, res.output

    res = runner.invoke(main, ["projects", "--db", db_url, "--region", "4301"])
    assert res.exit_code == 0 and "d1, d3" in res.output and "美国" not in res.output
    xlsx = tmp_path / "p.xlsx"
    res = runner.invoke(main, ["projects", "--db", db_url, "-o", str(xlsx), "--fx", "USD=7.1"])
    assert res.exit_code == 0, res.output
    wb = load_workbook(xlsx)
    projects = list(wb["projects"].values)
    assert projects[0][:3] == ("project_id", "name", "company")
    records = list(wb["records"].values)
    header = records[0]
    usd = next(r for r in records[1:] if r[header.index("amount_1")] == "6亿美元")
    assert usd[header.index("amount_1_value")] == 600000000 and usd[header.index("amount_1_currency")] == "USD"
    assert usd[header.index("amount_1_cny")] == 4260000000
    assert usd[header.index("project_id")] is not None
    csv_out = tmp_path / "p.csv"
    assert runner.invoke(main, ["projects", "--db", db_url, "-o", str(csv_out), "--stage", "投产"]).exit_code == 0
    lines = csv_out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "储能电芯" in lines[1] and "d1；d3" in lines[1]
    pytest.importorskip("pyarrow")
    import pandas as pd

    pq = tmp_path / "r.parquet"
    assert runner.invoke(main, ["projects", "--db", db_url, "-o", str(pq), "--records"]).exit_code == 0
    frame = pd.read_parquet(pq)
    assert set(frame["id"]) == {"d1", "d2", "d3", "u"} and "region_1_code" in frame


WRITER_CHILD = r"""
import sys
sys.path.insert(0, sys.argv[3])
from test_store import GOLD, extract
from ner.store import open_store

import os, time
texts = list(GOLD)
order = texts if sys.argv[2] == "forward" else texts[::-1]
tagged = {t: extract(t) for t in texts}
extract = tagged.__getitem__
with open_store(sys.argv[1]) as store:
    open(os.path.join(sys.argv[4], "ready-" + sys.argv[2]), "w").close()
    while not os.path.exists(os.path.join(sys.argv[4], "go")):  # both start writing at once
        time.sleep(0.001)
    for k in range(3):
        for t in order:
            store.add_document(f"d{texts.index(t)}", sys.argv[2], t, extract(t), "gold")
"""


def test_two_writers_at_once_store_each_text_once_and_merge(db_url, tmp_path):
    """Two runs writing the same documents into one database at the same time: each text is stored
    once, and the two reports of one project end in one project whichever run stored which."""
    from ner.store import open_store

    open_store(db_url).close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    runs = [subprocess.Popen([sys.executable, "-c", WRITER_CHILD, db_url, way, str(REPO / "tests"), str(tmp_path)],
                             env=env, stderr=subprocess.PIPE, text=True) for way in ("forward", "backward")]
    deadline = time.time() + 120
    while not all((tmp_path / f"ready-{way}").exists() for way in ("forward", "backward")):
        assert time.time() < deadline and all(run.poll() is None for run in runs), "a writer did not start"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()[-3000:]
    with open_store(db_url) as store:
        assert store.counts()["documents"] == len(GOLD)
        dezai = [p for p in store.project_rows() if p["name"] and "储能电芯" in p["name"]]
        assert len(dezai) == 1 and dezai[0]["n_documents"] == 2
