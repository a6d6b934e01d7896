"""``ner serve``: a local web app over the project database (Starlette, Jinja2 pages rendered on the
server, no JavaScript build; install with ``pip install -e .[serve]``).

    /                  search and filter projects (name/company/place, region code, stage, dates)
    /projects/ID       a project: its timeline and its sources, mentions highlighted, records beside
    /tag               paste an article: tagged (the --model tagger, else the rules) into the database
    /export.xlsx?...   the filtered projects and their records as a workbook
"""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from ner.errors import NerError

TEMPLATES = Path(__file__).with_name("templates")
STAGES = ("规划", "签约", "落户", "开工", "建成", "竣工", "投产")
FILTERS = ("q", "region", "stage", "since", "until")


def create_app(db_url: str, model_dir: str | None = None):
    """The Starlette application over ``db_url``; articles pasted in are tagged by the saved tagger in
    ``model_dir`` (loaded once, at start) or, without one, by the rules alone."""
    try:
        from jinja2 import Environment, FileSystemLoader, select_autoescape
        from starlette.applications import Starlette
        from starlette.concurrency import run_in_threadpool
        from starlette.requests import Request
        from starlette.responses import HTMLResponse, RedirectResponse, Response
        from starlette.routing import Route
    except ImportError as e:
        raise NerError(f"ner serve needs Starlette and Jinja2 ({e.name} is missing): pip install -e '.[serve]'") from None
    from ner.batch.export import highlight, project_table, record_table, records_html, xlsx_bytes, LABEL_STYLE, PAGE_STYLE
    from ner.store import open_store
    from ner.store.ingest import RulesTagger, model_version

    store = open_store(db_url)
    if model_dir is None:
        tagger = RulesTagger()
    else:
        from ner.pipeline import load

        tagger = load(model_dir)
    version = model_version(model_dir)
    write_lock = threading.Lock()  # one writer: the store's merge index is not shared between threads
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.globals.update(style=PAGE_STYLE, labels=list(LABEL_STYLE), stages=STAGES, model=version)

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def filters(request: Request) -> dict[str, str]:
        return {k: request.query_params.get(k, "").strip() for k in FILTERS}

    def query(f: dict[str, str]) -> dict[str, Any]:
        return {"query": f["q"] or None, "region": f["region"] or None, "stage": f["stage"] or None,
                "since": f["since"] or None, "until": f["until"] or None}

    async def index(request: Request) -> HTMLResponse:
        f = filters(request)
        rows = await run_in_threadpool(store.project_rows, **query(f))
        from urllib.parse import urlencode

        return page("index.html", projects=rows, f=f, export=f"/export.xlsx?{urlencode(f)}",
                    counts=await run_in_threadpool(store.counts))

    async def project(request: Request) -> HTMLResponse:
        pid = request.path_params["pid"]
        p = await run_in_threadpool(store.project, pid)
        if p is None:
            return page("missing.html", status=404, what=f"project {pid}")
        sources = []
        for i, s in enumerate(p["sources"]):
            doc = f"s{i}"
            titles = [f"Record {r['position'] + 1}" for r in s["records"]]
            sources.append({**s, "html": highlight(s["text"], s["entities"], doc),
                            "records_html": records_html(s["records"], s["entities"], doc, titles), "anchor": doc})
        anchors = {s["document"]: s["anchor"] for s in sources}
        for t in p["timeline"]:
            t["anchor"] = anchors[t["document"]]
        return page("project.html", p=p, sources=sources)

    async def tag_form(request: Request) -> HTMLResponse:
        return page("tag.html", text="", doc_id="", error=None)

    async def tag_post(request: Request) -> Response:
        form = await request.form()
        text, doc_id = str(form.get("text", "")).strip(), str(form.get("doc_id", "")).strip()
        if not text:
            return page("tag.html", status=400, text=text, doc_id=doc_id, error="paste an article's text first")
        extracted = await run_in_threadpool(tagger.extract, text)

        def add():
            with write_lock:
                return store.add_document(doc_id or "pasted", "form", text, extracted, version)

        document, added = await run_in_threadpool(add)
        return RedirectResponse(f"/documents/{document}?added={int(added)}", status_code=303)

    async def document_page(request: Request) -> HTMLResponse:
        did = request.path_params["did"]
        d = await run_in_threadpool(store.document, did)
        if d is None:
            return page("missing.html", status=404, what=f"document {did}")
        titles = [f"Record {k + 1} → project {pid}" for k, pid in enumerate(d["project_ids"])]
        return page("document.html", d=d, added=request.query_params.get("added") == "1",
                    html=highlight(d["text"], d["entities"], "doc"),
                    records_html=records_html(d["records"], d["entities"], "doc", titles))

    async def export(request: Request) -> Response:
        f = filters(request)

        def build() -> bytes:
            rows = store.project_rows(**query(f))
            records = store.record_rows([p["id"] for p in rows])
            return xlsx_bytes({"projects": project_table(rows), "records": record_table(records)})

        return Response(await run_in_threadpool(build), headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'},
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    routes = [Route("/", index), Route("/projects/{pid:int}", project), Route("/tag", tag_form, methods=["GET"]),
              Route("/tag", tag_post, methods=["POST"]), Route("/documents/{did:int}", document_page),
              Route("/export.xlsx", export)]
    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        store.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.store = store
    return app


def run(db_url: str, model_dir: str | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    try:
        import uvicorn
    except ImportError:
        raise NerError("ner serve needs uvicorn: pip install -e '.[serve]'") from None
    app = create_app(db_url, model_dir)
    print(f"serving {db_url} on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
