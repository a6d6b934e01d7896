"""Honest outputs: the record table (CSV, xlsx) says what each figure is; the HTML page shows labels and
records; both rendered pages (ner tag --format html, ner serve) checked in real headless Chromium."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO, free_port, save_artefact, spans_by_find

TEXT = "2022年3月1日，浙江某某储能有限公司在湖南长沙望城经开区投资6亿美元建设储能电芯项目，规划产能20GWh，另获贷款3亿元。"
ITEMS = [("浙江某某储能有限公司", "COMPANY"), ("湖南长沙望城经开区", "REGION"), ("6亿美元", "AMOUNT"), ("20GWh", "CAPACITY"),
         ("3亿元", "AMOUNT")]


def tagged_row(doc_id="=cmd|' /C calc'!A0", text=TEXT, items=ITEMS) -> dict:
    from ner.records.build import build_records
    from ner.types import Span

    entities = [Span.from_dict(e) for e in spans_by_find(text, items)]
    return {"id": doc_id, "source": "a.txt", "text": text, "entities": [e.to_dict() for e in entities],
            "records": build_records(text, entities)}


def test_every_amount_has_its_value_currency_and_place_code():
    from ner.batch.export import record_table

    columns, table = record_table([tagged_row()])
    row = dict(zip(columns, table[0]))
    assert "amount_1_cny" not in columns  # no rates given: no converted column, nothing silently in CNY
    assert (row["amount_1"], row["amount_1_value"], row["amount_1_currency"], row["amount_1_role"]) == \
        ("6亿美元", 600000000, "USD", "investment")
    assert (row["amount_2"], row["amount_2_value"], row["amount_2_currency"]) == ("3亿元", 300000000, "CNY")
    assert (row["capacity_1"], row["capacity_1_value"], row["capacity_1_unit"]) == ("20GWh", 20000000, "kWh")
    assert row["region_1_code"] == "430112" and row["region_1_canonical"] == "长沙市望城经济技术开发区"
    start, end = map(int, row["amount_1_offsets"].split("-"))
    assert TEXT[start:end] == "6亿美元" and row["source"] == "a.txt" and row["date"] == "2022年3月1日"
    assert row["stage"] is None or isinstance(row["stage"], str)

    columns, table = record_table([tagged_row()], fx={"USD": 7.1, "CNY": 1.0})
    row = dict(zip(columns, table[0]))
    assert row["amount_1_cny"] == 4260000000 and row["amount_2_cny"] == 300000000


def test_csv_and_xlsx_escape_formulas_and_keep_numbers(tmp_path):
    load_workbook = pytest.importorskip("openpyxl").load_workbook

    from ner.batch.export import write_record_csv, write_record_xlsx

    rows = [tagged_row(), tagged_row("+1", "@SUM(A1)项目", []), tagged_row("-2", "x", [])]
    write_record_csv(tmp_path / "r.csv", rows)
    table = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r[0] for r in table[1:]] == ["'=cmd|' /C calc'!A0", "'+1", "'-2"]
    write_record_xlsx(tmp_path / "r.xlsx", rows)
    ws = load_workbook(tmp_path / "r.xlsx")["records"]
    cells = {c.value: c for c in ws["A"][1:]}
    assert set(cells) == {"'=cmd|' /C calc'!A0", "'+1", "'-2"} and all(c.data_type == "s" for c in cells.values())
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("amount_1_value") + 1).value == 600000000  # a number, not text


def test_ner_tag_csv_with_fx(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import ner.pipeline
    from ner.cli import main

    class Fake:
        def extract(self, text):
            row = tagged_row(text=text)
            return {"entities": row["entities"], "records": row["records"]}

    monkeypatch.setattr(ner.pipeline, "load", lambda model_dir, **kw: Fake())
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "o.csv"
    res = CliRunner().invoke(main, ["tag", "-m", "m", str(tmp_path / "a.txt"), "-o", str(out), "--format", "csv",
                                    "--fx", "USD=7.1"])
    assert res.exit_code == 0, res.output
    header, row = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert dict(zip(header, row))["amount_1_cny"] == "4260000000"
    res = CliRunner().invoke(main, ["tag", "-m", "m", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.html"),
                                    "--format", "html", "--fx", "USD=7.1"])
    assert res.exit_code == 2 and "--fx applies to" in res.output


def test_html_shows_labels_and_records_linked_to_mentions(tmp_path):
    from ner.batch.export import write_html

    out = tmp_path / "p.html"
    write_html(out, [tagged_row("doc<1>")])
    page = out.read_text(encoding="utf-8")
    assert "<span class='lab'>REGION</span>" in page and "title=" not in page  # labels shown, not on hover
    assert "doc&lt;1&gt;" in page and "1 record</h3>" in page
    assert "<a href='#d0-" in page and "600,000,000 USD" in page and "(430112)" in page


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.stderr.read()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def test_html_view_in_headless_chromium(browser, tmp_path):
    """The page as a browser shows it: labels visible without hovering, records beside the text, a
    record's figure linking to its highlighted mention, a record's heading marking all its mentions."""
    from selenium.webdriver.common.by import By

    from ner.batch.export import write_html

    out = tmp_path / "tagged.html"
    write_html(out, [tagged_row("a1")])
    browser.get(out.as_uri())
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "section.doc mark.ent .lab") if e.is_displayed()]
    assert labels == ["COMPANY", "REGION", "AMOUNT", "CAPACITY", "AMOUNT"]
    text = browser.find_element(By.CSS_SELECTOR, "section.doc .text")
    panel = browser.find_element(By.CSS_SELECTOR, "section.doc aside.records")
    assert panel.is_displayed() and panel.location["x"] >= text.location["x"] + text.size["width"]  # beside
    assert panel.location["y"] < text.location["y"] + text.size["height"]
    assert "6亿美元 = 600,000,000 USD [investment]" in panel.text and "430112" in panel.text
    link = panel.find_element(By.LINK_TEXT, "6亿美元")
    link.click()
    target = browser.execute_script("return document.querySelector(':target')")
    assert target is not None and target.get_attribute("data-label") == "AMOUNT" and target.text.startswith("6亿美元")
    panel.find_element(By.CSS_SELECTOR, ".record h4").click()
    marked = browser.find_elements(By.CSS_SELECTOR, "mark.on")
    assert len(marked) == 5
    shot = tmp_path / "ner_tag_html.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10000
    save_artefact(shot)


@pytest.fixture()
def served(tmp_path):
    """``ner serve`` on a free port of 127.0.0.1 over a SQLite database holding two reports of one
    project and an unrelated one; the rules tag pasted articles (no --model)."""
    for extra in ("sqlalchemy", "alembic", "starlette", "uvicorn", "jinja2", "multipart", "openpyxl"):
        pytest.importorskip(extra)
    from ner.store import open_store

    from test_store import DEZAI, DEZAI_AGAIN, JICHENG, extract

    url = f"sqlite:///{tmp_path / 'served.db'}"
    with open_store(url) as store:
        for doc, text in (("红网0617", DEZAI), ("长沙晚报0519", DEZAI_AGAIN), ("望城发布", JICHENG)):
            store.add_document(doc, f"{doc}.txt", text, extract(text), "gold")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "ner.cli", "serve", "--db", url, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def navigate(browser, element) -> None:
    """Click ``element`` and wait until the page it leads to has replaced the current one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 30).until(expected_conditions.staleness_of(old))


def test_serve_end_to_end_in_headless_chromium(browser, served, tmp_path):
    load_workbook = pytest.importorskip("openpyxl").load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(served + "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#projects tr.project")
    assert len(rows) == 2
    # search and filter
    box = browser.find_element(By.NAME, "q")
    box.clear()
    box.send_keys("德赛")
    Select(browser.find_element(By.NAME, "stage")).select_by_value("投产")
    navigate(browser, browser.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#projects tr.project")
    assert len(rows) == 1 and "储能电芯" in rows[0].text and "430112" in rows[0].text
    assert "红网0617" in rows[0].text and "长沙晚报0519" in rows[0].text
    # the filtered table as xlsx
    href = browser.find_element(By.ID, "download").get_attribute("href")
    assert "q=%E5%BE%B7%E8%B5%9B" in href and "stage=" in href
    xlsx = tmp_path / "projects.xlsx"
    xlsx.write_bytes(urllib.request.urlopen(href, timeout=30).read())
    wb = load_workbook(xlsx)
    projects = list(wb["projects"].values)
    assert len(projects) == 2 and "储能电芯" in projects[1][1]
    records = list(wb["records"].values)
    assert {r[0] for r in records[1:]} == {"红网0617", "长沙晚报0519"}
    # the project page: timeline and sources with highlighted mentions
    navigate(browser, rows[0].find_element(By.TAG_NAME, "a"))
    timeline = browser.find_elements(By.CSS_SELECTOR, "#timeline tbody tr")
    assert [r.text.split()[1] for r in timeline] == ["落户", "投产"]
    sources = browser.find_elements(By.CSS_SELECTOR, "section.source")
    assert len(sources) == 2
    assert all(s.find_elements(By.CSS_SELECTOR, "mark.ent.AMOUNT") for s in sources)
    assert [e.text for e in sources[0].find_elements(By.CSS_SELECTOR, "mark.ent .lab")][:2] == ["COMPANY", "REGION"]
    shot = tmp_path / "ner_serve_project.png"
    browser.save_screenshot(str(shot))
    save_artefact(shot)
    # paste a new article; it is tagged (by the rules) into the database
    navigate(browser, browser.find_element(By.LINK_TEXT, "Tag an article"))
    browser.find_element(By.NAME, "doc_id").send_keys("新稿")
    browser.find_element(By.NAME, "text").send_keys("攸县广寒坪抽水蓄能电站项目11月17日在株洲市攸县开工，总投资119.75亿元。")
    navigate(browser, browser.find_element(By.CSS_SELECTOR, "#tag-form button"))
    status = browser.find_element(By.ID, "status").text
    assert status.startswith("Tagged and stored") and "1 record(s)" in status
    assert browser.find_elements(By.CSS_SELECTOR, "mark.ent.AMOUNT")
    navigate(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "project"))
    assert "广寒坪" in browser.find_element(By.ID, "project-name").text
    browser.get(served + "/?region=430223")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#projects tr.project")) == 1
    # pasting the same text again changes nothing
    browser.get(served + "/tag")
    browser.find_element(By.NAME, "text").send_keys("攸县广寒坪抽水蓄能电站项目11月17日在株洲市攸县开工，总投资119.75亿元。")
    navigate(browser, browser.find_element(By.CSS_SELECTOR, "#tag-form button"))
    assert browser.find_element(By.ID, "status").text.startswith("Already in the database")
    browser.get(served + "/")
    assert "4 document(s)" in browser.find_element(By.ID, "count").text
