"""Saved web pages and archived news posts -> the text a reader sees (ner.data.html), and the news items of
data/pages read by reference (ner.data.corpora.referenced.rss_page_texts)."""
from __future__ import annotations

import json

import pytest

from ner.data.html import hexo_post_text, page_text

POST = ("\n---\ntitle: '14亿！东阳光投建年产5万吨磷酸铁锂产线'\ncategories: \n - 新闻\nauthor: 高科技行业门户\n---\n\n<div>   \n"
        "<p style=\"text-indent: 2em;\">9月9日，东阳光（600673.SH）发布公告，乳源新能源计划在<span class=\"hrefStyle\">"
        "<a href=\"https://x\" title=\"t\">广东省</a></span>韶关市投资扩建年产5万吨磷酸铁锂项目，总投资额不超过14亿元。</p>"
        "<p style=\"text-align:center\"><img src=\"a.jpg\" alt=\"x\"></p><p>该项目分两期建设&nbsp;。</p> \n  \n</div>\n            ")


def test_an_archived_post_is_its_title_and_paragraphs():
    assert hexo_post_text(POST) == ("14亿！东阳光投建年产5万吨磷酸铁锂产线\n\n9月9日，东阳光（600673.SH）发布公告，乳源新能源计划在广东省"
                                    "韶关市投资扩建年产5万吨磷酸铁锂项目，总投资额不超过14亿元。\n该项目分两期建设 。")


def test_a_page_without_a_title_or_text():
    assert page_text("<p>总投资75亿元</p><p> </p>") == "总投资75亿元"
    assert page_text("<html><head><title>标题</title></head><body><script>x()</script></body></html>") == "标题"
    assert page_text("") == ""
    assert hexo_post_text("<p>无前言</p>") == "无前言"  # no front matter: the HTML alone


def test_fetched_items_are_read_by_reference_and_checked_by_hash(tmp_path, monkeypatch):
    from ner.data.corpora import read_referenced
    from ner.data.corpora.referenced import rss_page_texts, text_digest
    from ner.errors import AnnotationError

    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p01.md").write_text(POST, encoding="utf-8")
    monkeypatch.setenv("NER_PAGES_DIR", str(tmp_path / "pages"))
    text = rss_page_texts()["p01"]
    i = text.index("14亿元")
    row = {"id": "p01", "corpus": "rss_pages", "split": "all", "part": "dev", "sha1": text_digest(text),
           "source": {"repo": "r/r", "commit": "0" * 40, "path": "a.md"},
           "entities": [{"start": i, "end": i + 4, "label": "AMOUNT", "text": "14亿元"}]}
    refs = tmp_path / "p.refs.jsonl"
    refs.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    [article] = read_referenced(refs)
    assert [(e.text, e.label) for e in article.entities] == [("14亿元", "AMOUNT")]
    (tmp_path / "pages" / "p01.md").write_text(POST.replace("14亿元", "15亿元"), encoding="utf-8")
    with pytest.raises(AnnotationError, match="does not match its sha1"):
        read_referenced(refs)
    monkeypatch.setenv("NER_PAGES_DIR", str(tmp_path / "absent"))
    assert read_referenced(refs) == []  # not fetched: skipped with a notice


def test_rss_pages_fetch_downloads_each_post_once(tmp_path, monkeypatch):
    """scripts/rss_pages.py fetch: each post at its commit, written atomically, skipped when present; a post that
    cannot be fetched is named with the fix and the run exits 1."""
    import functools
    import http.server
    import importlib.util
    import threading
    from pathlib import Path

    served = tmp_path / "served" / "o" / "r" / "c0ffee" / "a dir"
    served.mkdir(parents=True)
    (served / "新闻.md").write_text(POST, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "served"))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        spec = importlib.util.spec_from_file_location("rss_pages", Path(__file__).resolve().parents[1] / "scripts" / "rss_pages.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        monkeypatch.setattr(mod, "RAW", f"http://127.0.0.1:{server.server_port}/{{repo}}/{{commit}}/{{path}}")
        manifest = tmp_path / "m.jsonl"
        rows = [{"id": "p01", "repo": "o/r", "commit": "c0ffee", "path": "a dir/新闻.md"},
                {"id": "p02", "repo": "o/r", "commit": "c0ffee", "path": "missing.md"}]
        manifest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        out = tmp_path / "pages"
        assert mod.fetch(mod.items(manifest), out) == 1  # p02 is not there
        assert (out / "p01.md").read_text(encoding="utf-8") == POST and not (out / "p02.md").exists()
        assert not list(out.glob("*.tmp"))
    finally:
        server.shutdown()


def test_a_table_row_is_one_line_and_a_source_break_inside_chinese_is_none():
    html = ("<p>由宁德\n时代控股子公司四川时代负责实施。</p><table><tr><td>宁德时代</td><td>四川宜宾</td></tr>"
            "<tr><td>比亚迪</td><td>安徽合肥</td></tr></table><svg><title>分享到微信</title></svg>")
    assert page_text(html) == "由宁德时代控股子公司四川时代负责实施。\n宁德时代 四川宜宾\n比亚迪 安徽合肥"
    assert page_text("<html><head><title>标题</title></head><body><svg><title>图标</title></svg><p>正文</p></body></html>") \
        == "标题\n\n正文"


def test_a_post_with_front_matter_yaml_cannot_read():
    assert hexo_post_text("---\ntitle: 宁德时代: 投资100亿元\n---\n<p>正文</p>") == "宁德时代: 投资100亿元\n\n正文"
    assert hexo_post_text("---\r\ntitle: '标题'\r\n---\r\n<h1>标题</h1><p>正文</p>") == "标题\n\n正文"
    assert hexo_post_text("---\ntitle: 标题\n---\n第一段\n\n第二段\n") == "标题\n\n第一段\n第二段"


def test_a_big5_page_is_read_as_it_declares(tmp_path):
    from ner.batch.inputs import iter_documents

    page = "<html><head><meta charset=\"big5\"><title>台積電投資</title></head><body><p>台積電在高雄投資建廠。</p></body></html>"
    (tmp_path / "a.html").write_bytes(page.encode("big5"))
    [doc] = list(iter_documents([str(tmp_path / "a.html")]))
    assert doc.text == "台積電投資\n\n台積電在高雄投資建廠。" and doc.extracted
