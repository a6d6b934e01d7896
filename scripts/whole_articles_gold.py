"""Whole-article gold: select the documents, annotate them inline, check, compare passes, build references.

The annotators write each document's text with its entities marked inline, ``{{LABEL|mention}}``
(LABEL one of REGION, COMPANY, AMOUNT, CAPACITY), in ``PASS/<doc>.ann.txt``, and its project records in
``PASS/<doc>.records.json``::

    {"records": [{"project": "…项目" | null, "companies": ["湖北屯仓管业", "屯仓管业"],
                  "regions": ["麻城市"], "amounts": [{"text": "10亿元", "role": "investment"}],
                  "capacities": ["20GWh"], "stage": "开工" | null, "date": "5月19日" | null}]}

Companies and regions name surface forms: the record gets every mention of that surface tagged with
that type. An amount or capacity names its surface too; where the same figure string belongs to two
records, ``"text": "10亿元#2"`` picks the second tagged occurrence.

    python scripts/whole_articles_gold.py prepare OUT              # texts of the selected documents
    python scripts/whole_articles_gold.py check PASS               # markup and records, with hints
    python scripts/whole_articles_gold.py compare PASS_A PASS_B    # agreement and disagreements
    python scripts/whole_articles_gold.py build PASS --out data/articles/whole_articles.refs.jsonl

``--pages MANIFEST`` (before the command) works on the news items a manifest names instead (``data/pages``,
``scripts/rss_pages.py``: fetched into ``$NER_PAGES_DIR``), and ``build`` stores their repository, commit and path.

Texts are never written into the repository: ``prepare`` writes them to a working folder, ``build``
stores references (corpus, id, SHA-1) and offsets only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LABELS = ("REGION", "COMPANY", "AMOUNT", "CAPACITY")
ROLES = ("investment", "output_value", "other")
STAGES = ("签约", "落户", "开工", "建成", "投产", "竣工", "规划")
MARK = re.compile(r"\{\{(REGION|COMPANY|AMOUNT|CAPACITY)\|([^{}|]+)\}\}")

# DuEE-fin documents: investment-rich ones (>= 3 investment words, a 万/亿…元 figure, <= 1500 chars),
# most investment words first, ties by id; the first N_DUEE of them.
N_DUEE = 118
_INV = re.compile("投资|项目|建设|基地|产能|生产线")
_MONEY = re.compile(r"[0-9０-９.]+\s*(万|亿)[^股]{0,3}元")


def _jsonl(path: Path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def selected_documents(data: Path = SHARED) -> list[dict]:
    """``[{"doc", "corpus", "id", "text"}]``: all news articles, then the selected DuEE-fin documents, with
    the texts as ``ner.data.corpora`` reads them (a DuEE-fin page is its title, a blank line and its text)."""
    from ner.data.corpora import duee_fin_id, duee_fin_texts, news_article_texts

    docs = [{"doc": i, "corpus": "news_articles", "id": i, "text": t}
            for i, t in news_article_texts(data / "news_articles" / "articles.jsonl").items()]
    duee_file = data / "duee_fin" / "duee_fin_dev.json"
    pages = duee_fin_texts(duee_file)
    cands = []
    for d in _jsonl(duee_file):
        t = d["text"]
        n = len(_INV.findall(t))
        if n >= 3 and _MONEY.search(t) and len(t) <= 1500:
            cands.append((-n, d["id"]))
    for _, source_id in sorted(cands)[:N_DUEE]:
        doc = duee_fin_id(source_id)
        docs.append({"doc": doc, "corpus": "duee_fin", "id": source_id, "text": pages[doc]})
    return docs


def page_documents(manifest: Path) -> list[dict]:
    """``[{"doc", "corpus", "id", "text", "source"}]`` of the news items a manifest names (``scripts/rss_pages.py``)."""
    from ner.data.corpora.referenced import rss_page_texts

    texts = rss_page_texts()
    docs = []
    for line, row in enumerate(_jsonl(manifest), 1):
        where = {**row.get("source", {}), **{k: row[k] for k in ("repo", "commit", "path") if k in row}}
        missing = [k for k in ("id", "repo", "commit", "path") if k not in where and k not in row]
        if missing:
            sys.exit(f"{manifest}:{line}: missing {', '.join(missing)}; give id, repo, commit and path (or a source)")
        if row["id"] not in texts:
            sys.exit(f"{manifest}:{line}: {row['id']} is not fetched; run python scripts/rss_pages.py fetch --manifest {manifest}")
        source = {k: where[k] for k in ("repo", "commit", "path")}
        docs.append({"doc": row["id"], "corpus": "rss_pages", "id": row["id"], "text": texts[row["id"]], "source": source})
    return docs


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def parse_markup(marked: str) -> tuple[str, list[dict]]:
    """The plain text and its entities (``start``, ``end``, ``label``, ``text``)."""
    out, ents, pos, last = [], [], 0, 0
    for m in MARK.finditer(marked):
        out.append(marked[last:m.start()])
        pos += m.start() - last
        ents.append({"start": pos, "end": pos + len(m.group(2)), "label": m.group(1), "text": m.group(2)})
        out.append(m.group(2))
        pos += len(m.group(2))
        last = m.end()
    out.append(marked[last:])
    return "".join(out), ents


def align(marked: str, original: str) -> tuple[str, list[dict], list[str]]:
    """Entities of ``marked`` in the offsets of ``original``. The annotator's copy of the text may
    differ slightly (an invisible character dropped, a space changed): the two are aligned character
    by character and each mention must land on exactly its own text. A stretch of the original longer
    than 3 characters that the copy lacks (or adds) is an error, so no part goes unannotated."""
    from difflib import SequenceMatcher

    copy, ents = parse_markup(marked)
    if copy == original:
        return original, ents, []
    sm = SequenceMatcher(None, copy, original, autojunk=False)
    errs, where = [], {}
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1 + 1):
                where[i1 + k] = j1 + k
        elif max(i2 - i1, j2 - j1) > 3 and (original[j1:j2].strip() or copy[i1:i2].strip()):
            errs.append(f"the copy differs from the original at char {j1}: copy {copy[i1:i2][:40]!r}, "
                        f"original {original[j1:j2][:40]!r}; copy the text exactly")
    out = []
    for e in ents:
        s, t = where.get(e["start"]), where.get(e["end"])
        if s is None or t is None or original[s:t] != e["text"]:
            errs.append(f"mention {e['text']!r} at copy char {e['start']} does not align with the original text")
            continue
        out.append({**e, "start": s, "end": t})
    return original, out, errs


def load_pass(folder: Path, docs: list[dict]) -> tuple[dict, list[str]]:
    """``{doc: {"entities", "records"}}`` resolved to offsets, and the problems found."""
    out, problems = {}, []
    for d in docs:
        ann, rec = folder / f"{d['doc']}.ann.txt", folder / f"{d['doc']}.records.json"
        if not ann.exists():
            problems.append(f"{ann}: missing")
            continue
        marked = ann.read_text(encoding="utf-8")
        if "{{" in marked.replace("{{REGION|", "").replace("{{COMPANY|", "").replace("{{AMOUNT|", "").replace("{{CAPACITY|", ""):
            i = marked.find("{{")
            problems.append(f"{ann}: malformed markup near {marked[i:i + 30]!r}; write {{{{LABEL|mention}}}}")
        text, ents, errs = align(marked, d["text"])
        problems += [f"{ann}: {e}" for e in errs]
        for e in ents:
            if e["text"] != e["text"].strip():
                problems.append(f"{ann}: mention {e['text']!r} has whitespace at an edge")
        records = []
        if not rec.exists():
            problems.append(f"{rec}: missing (write {{\"records\": []}} when the document has none)")
        else:
            try:
                records = resolve_records(json.loads(rec.read_text(encoding="utf-8"))["records"], ents, text)
            except (ValueError, KeyError, TypeError) as err:
                problems.append(f"{rec}: {err}")
        out[d["doc"]] = {"entities": ents, "records": records}
    return out, problems


def _occurrences(ents, label, surface):
    return [e for e in ents if e["label"] == label and e["text"] == surface]


def resolve_records(raw: list[dict], ents: list[dict], text: str) -> list[dict]:
    records = []
    for k, r in enumerate(raw):
        where = f"record #{k}"
        unknown = set(r) - {"project", "companies", "regions", "amounts", "capacities", "stage", "date", "note"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        rec = {"project": r.get("project"), "project_span": None, "companies": [], "regions": [], "amounts": [],
               "capacities": [], "stage": r.get("stage"), "date": r.get("date")}
        if rec["project"]:
            i = text.find(rec["project"])
            if i < 0:
                raise ValueError(f"{where}: project name {rec['project']!r} is not in the text")
            rec["project_span"] = [i, i + len(rec["project"])]
        if rec["stage"] is not None and rec["stage"] not in STAGES:
            raise ValueError(f"{where}: stage {rec['stage']!r} is not one of {STAGES} or null")
        for key, label in (("companies", "COMPANY"), ("regions", "REGION")):
            for surface in r.get(key, []):
                occ = _occurrences(ents, label, surface)
                if not occ:
                    raise ValueError(f"{where}: {key[:-1] if key != 'companies' else 'company'} {surface!r} is not a tagged {label}")
                rec[key] += [{"text": e["text"], "start": e["start"], "end": e["end"]} for e in occ]
        for key, label in (("amounts", "AMOUNT"), ("capacities", "CAPACITY")):
            for item in r.get(key, []):
                if isinstance(item, str):
                    item = {"text": item}
                surface, _, nth = item["text"].partition("#")
                occ = _occurrences(ents, label, surface)
                if not occ:
                    raise ValueError(f"{where}: {label} {surface!r} is not tagged in the text")
                if nth:
                    if not nth.isdigit() or not 1 <= int(nth) <= len(occ):
                        raise ValueError(f"{where}: {item['text']!r}: there are {len(occ)} tagged occurrences")
                    occ = [occ[int(nth) - 1]]
                for e in occ:
                    m = {"text": e["text"], "start": e["start"], "end": e["end"]}
                    if label == "AMOUNT":
                        role = item.get("role", "investment")
                        if role not in ROLES:
                            raise ValueError(f"{where}: role {role!r} is not one of {ROLES}")
                        m["role"] = role
                    rec[key].append(m)
        records.append(rec)
    return records


def hints(doc: dict, ents: list[dict]) -> list[str]:
    """Untagged occurrences of surfaces the annotator tagged elsewhere (consistency)."""
    text, covered = doc["text"], [False] * len(doc["text"])
    for e in ents:
        for i in range(e["start"], e["end"]):
            covered[i] = True
    out = []
    for (label, surface), _ in Counter((e["label"], e["text"]) for e in ents).items():
        for m in re.finditer(re.escape(surface), text):
            if not any(covered[m.start():m.end()]):
                out.append(f"{doc['doc']}: {label} {surface!r} untagged at {m.start()}: …{text[max(0, m.start() - 8):m.end() + 8]}…")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pages", type=Path, default=None, help="a manifest of news items (scripts/rss_pages.py)")
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("prepare"); sp.add_argument("out", type=Path)
    sp = sub.add_parser("check"); sp.add_argument("folder", type=Path); sp.add_argument("--docs", nargs="*")
    sp = sub.add_parser("compare"); sp.add_argument("a", type=Path); sp.add_argument("b", type=Path)
    sp = sub.add_parser("build"); sp.add_argument("folder", type=Path); sp.add_argument("--out", type=Path, required=True)
    sp.add_argument("--split", type=Path, required=True, help="JSON {doc: part}")
    args = p.parse_args(argv)
    from ner.records.evaluate import record_tuples

    docs = page_documents(args.pages) if args.pages else selected_documents()
    if args.cmd == "prepare":
        args.out.mkdir(parents=True, exist_ok=True)
        for d in docs:
            (args.out / f"{d['doc']}.txt").write_text(d["text"], encoding="utf-8")
        print(f"{len(docs)} documents, {sum(len(d['text']) for d in docs)} characters -> {args.out}")
        return 0
    if args.cmd == "check":
        if args.docs:
            docs = [d for d in docs if d["doc"] in set(args.docs)]
        got, problems = load_pass(args.folder, docs)
        for line in problems:
            print("ERROR", line)
        for d in docs:
            if d["doc"] in got:
                for h in hints(d, got[d["doc"]]["entities"]):
                    print("HINT ", h)
        n = Counter(e["label"] for g in got.values() for e in g["entities"])
        print(f"{len(got)}/{len(docs)} documents read, {len(problems)} errors; entities {dict(n)}; "
              f"records {sum(len(g['records']) for g in got.values())}")
        return 1 if problems else 0
    if args.cmd == "compare":
        a, pa = load_pass(args.a, docs)
        b, pb = load_pass(args.b, docs)
        for line in pa + pb:
            print("ERROR", line)
        ea = eb = inter = ta = tb = tinter = 0
        for d in docs:
            if d["doc"] not in a or d["doc"] not in b:
                continue
            sa = {(e["start"], e["end"], e["label"]) for e in a[d["doc"]]["entities"]}
            sb = {(e["start"], e["end"], e["label"]) for e in b[d["doc"]]["entities"]}
            ea, eb, inter = ea + len(sa), eb + len(sb), inter + len(sa & sb)
            for s, e, lab in sorted(sa ^ sb):
                who = "A" if (s, e, lab) in sa else "B"
                print(f"ENT  {d['doc']} {who}-only {lab} [{s},{e}) {d['text'][s:e]!r}  …{d['text'][max(0, s - 10):e + 10]}…")
            ra, rb = record_tuples(a[d["doc"]]["records"]), record_tuples(b[d["doc"]]["records"])
            ta, tb, tinter = ta + len(ra), tb + len(rb), tinter + len(ra & rb)
            for t in sorted(ra ^ rb):
                print(f"REC  {d['doc']} {'A' if t in ra else 'B'}-only {t}")
        print(f"entity agreement F1 {2 * inter / max(1, ea + eb):.3f} ({inter} shared, A {ea}, B {eb}); "
              f"record-tuple agreement F1 {2 * tinter / max(1, ta + tb):.3f} ({tinter} shared, A {ta}, B {tb})")
        return 0
    if args.cmd == "build":
        split = json.loads(args.split.read_text(encoding="utf-8"))
        got, problems = load_pass(args.folder, docs)
        if problems:
            for line in problems:
                print("ERROR", line)
            return 1
        rows = []
        for d in docs:
            g = got[d["doc"]]
            rows.append({"id": d["doc"], "corpus": d["corpus"], "split": "dev" if d["corpus"] == "duee_fin" else "all",
                         "source_id": d["id"], "part": split[d["doc"]], **({"source": d["source"]} if "source" in d else {}),
                         "sha1": sha1(d["text"]), "entities": g["entities"], "records": g["records"]})
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        tmp.replace(args.out)
        print(f"{len(rows)} documents -> {args.out}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
