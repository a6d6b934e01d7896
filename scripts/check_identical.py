"""Prove that a refactor changed no prediction: snapshot the outputs of a tree, then compare two snapshots.

    PYTHONPATH=. python scripts/check_identical.py snapshot /tmp/before.json --model runs/default
    ... change the code ...
    PYTHONPATH=. python scripts/check_identical.py snapshot /tmp/after.json --model runs/default
    python scripts/check_identical.py compare /tmp/before.json /tmp/after.json   # exit 1 on any difference

A snapshot is JSON in one fixed layout, keys in the order the package emits them (a record whose keys
come out in another order is a difference too), of, for every text of four sets:

* ``rules``: the rule pre-annotator's spans;
* ``model``: the model's spans alone (``ner.load(DIR, rules_only=(), ...)``, no rules, no score floor);
* ``saved``: the saved tagger's spans (``ner.load(DIR)``: the policy of the model's training config);
* ``records``: the project records of the saved tagger's entities (``Tagger.extract``: whole-article);
  ``sentence_records``: the sentence-level records (``whole_article=False``) of the same entities;
  ``gold_records``: the whole-article records of the gold entities, where the set has gold.

With ``--corpora N``, also N sentences of each public corpus as its reader maps them (the training side).

The sets: the seeds (``data/annotated/seeds.jsonl``), the held-out news
(``data/heldout/investment_news.refs.jsonl``, texts from ``../shared/data``), a public split (the first
``--public`` sentences of CLUENER2020 dev, read straight from its file) and the whole-article documents
(``data/articles/whole_articles.refs.jsonl``). A set whose texts are absent is recorded as absent.

The script reaches the package only through names that exist before and after the layout change of
issue 16 (``ner.load``), or by trying the new module path, then the old one: the same file snapshots
both trees. Without ``--model`` only the rules and the gold records are written.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODEL_ONLY = {"rules_only": (), "rules_first": (), "rules_fill": (), "min_score": {}}


def _attr(name: str, *modules: str):
    """``name`` from the first of ``modules`` that can be imported and has it (new layout first)."""
    for module in modules:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        found = getattr(mod, name, None)
        if found is not None and not isinstance(found, types.ModuleType):
            return found
    raise ImportError(f"none of {modules} has {name}")


def _spans(spans) -> list[list]:
    return [[s.start, s.end, s.label, s.text, None if s.score is None else float(s.score)] for s in spans]


def _articles(path: Path) -> list:
    """(id, text, gold entities) of a standoff JSONL or a .refs.jsonl file."""
    if path.name.endswith(".refs.jsonl"):
        read = _attr("read_referenced", "ner.data.corpora", "ner.data.referenced", "ner.corpora")
        return [(a.id, a.text, a.entities) for a in read(path)]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    span_cls = _attr("Span", "ner.types")
    return [(r["id"], r["text"], [span_cls.from_dict(e) for e in r.get("entities", [])]) for r in rows]


def _public(limit: int) -> list:
    data = _attr("default_data_dir", "ner.data.corpora", "ner.data.sources", "ner.corpora")()
    path = Path(data) / "cluener2020" / "dev.json"
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[:limit]
    return [(f"cluener/dev/{i}", json.loads(line)["text"], None) for i, line in enumerate(lines)]


def sets(public: int, limit: int | None = None) -> dict[str, list]:
    """The four sets of texts; ``limit``: at most that many of each (a quick check, as in the tests)."""
    found = {
        "seeds": _articles(REPO / "data" / "annotated" / "seeds.jsonl"),
        "heldout": _articles(REPO / "data" / "heldout" / "investment_news.refs.jsonl"),
        "public": _public(public),
        "whole_articles": _articles(REPO / "data" / "articles" / "whole_articles.refs.jsonl"),
    }
    return {k: v[:limit] for k, v in found.items()}


CORPUS_SPLITS = (("cluener", "train"), ("cluener", "dev"), ("fewfc", "train"), ("fewfc", "test"), ("msra", "train"),
                 ("msra", "test"), ("address", "train"))


def corpora(n: int) -> dict:
    """The training side: a seeded sample of ``n`` sentences of each public corpus as the readers map them
    (spans and claimed types), absent corpora as empty lists."""
    load_corpus = _attr("load_corpus", "ner.data.corpora", "ner.corpora")
    out = {}
    for name, split in CORPUS_SPLITS:
        out[f"{name}/{split}"] = [[a.id, a.text, _spans(a.entities), None if a.labelled is None else list(a.labelled)]
                                  for a in load_corpus(name, split=split, limit=n, seed=0)]
    return out


def snapshot(model: str | None, public: int = 300, backend: str = "torch", limit: int | None = None,
             corpus_sample: int = 0) -> dict:
    import ner

    preannotate = _attr("preannotate", "ner.rules", "ner.rules.preannotate", "ner.preannotate")
    build_records = _attr("build_records", "ner.records.build", "ner.records")
    saved = only = None
    if model:
        saved = ner.load(model, backend=backend, device="cpu")
        only = ner.load(model, backend=backend, device="cpu", **MODEL_ONLY)
    out: dict = {"model": str(model) if model else None, "sets": {}}
    for name, items in sets(public, limit).items():
        texts = [t for _, t, _ in items]
        rows = {}
        for (aid, text, gold) in items:
            rows[aid] = {"rules": _spans(preannotate(text))}
            if gold is not None:
                rows[aid]["gold_records"] = build_records(text, gold)
        if model and texts:
            for (aid, text, _), spans in zip(items, only.tag(texts)):
                rows[aid]["model"] = _spans(spans)
            for (aid, text, _), got in zip(items, saved.extract(texts)):
                rows[aid]["saved"] = [[e["start"], e["end"], e["label"], e["text"], e.get("score")]
                                      for e in got["entities"]]
                rows[aid]["records"] = got["records"]
                entities = [{"start": e["start"], "end": e["end"], "label": e["label"]} for e in got["entities"]]
                rows[aid]["sentence_records"] = build_records(text, entities, whole_article=False)
        out["sets"][name] = {"n": len(items), "texts": rows}
    if corpus_sample:
        out["corpora"] = corpora(corpus_sample)
    return json.loads(json.dumps(out, ensure_ascii=False, default=str))


def write(obj: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def differences(a, b, where: str = "", limit: int = 20) -> list[str]:
    """The first ``limit`` places where ``a`` and ``b`` differ, as ``path: a != b`` lines."""
    out: list[str] = []

    def walk(x, y, at: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            if set(x) == set(y) and list(x) != list(y):
                out.append(f"{at}: keys in another order: {list(x)} != {list(y)}")
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    out.append(f"{at}/{k}: only in {'B' if k not in x else 'A'}")
                else:
                    walk(x[k], y[k], f"{at}/{k}")
                if len(out) >= limit:
                    return
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y)):
                walk(p, q, f"{at}[{i}]")
        elif x != y or type(x) is not type(y):
            out.append(f"{at}: {json.dumps(x, ensure_ascii=False)[:300]} != {json.dumps(y, ensure_ascii=False)[:300]}")

    walk(a, b, where)
    return out


def compare(path_a: str | Path, path_b: str | Path) -> int:
    raw_a, raw_b = Path(path_a).read_bytes(), Path(path_b).read_bytes()
    if raw_a == raw_b:
        a = json.loads(raw_a)
        counts = ", ".join(f"{k} {v['n']}" for k, v in a["sets"].items())
        if "corpora" in a:
            counts += "; corpora " + ", ".join(f"{k} {len(v)}" for k, v in a["corpora"].items())
        print(f"identical: {path_a} == {path_b} ({counts} texts; model {a['model']})")
        return 0
    diffs = differences(json.loads(raw_a), json.loads(raw_b))
    print(f"DIFFERENT: {path_a} != {path_b}")
    for line in diffs or ["(same content, different bytes)"]:
        print("  " + line)
    return 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot", help="write the predictions of this tree as canonical JSON")
    s.add_argument("out")
    s.add_argument("--model", help="a trained model folder (ner train); without it, rules and gold records only")
    s.add_argument("--public", type=int, default=300, help="sentences of CLUENER2020 dev (default 300)")
    s.add_argument("--backend", default="torch", help="ner.load backend (default torch: fp32)")
    s.add_argument("--limit", type=int, help="at most this many texts of each set (a quick check)")
    s.add_argument("--corpora", type=int, default=0, metavar="N",
                   help="also N sentences of each public corpus as its reader maps them (default 0: none)")
    c = sub.add_parser("compare", help="exit 1 if two snapshots differ, printing the first differences")
    c.add_argument("a")
    c.add_argument("b")
    args = ap.parse_args(argv)
    if args.cmd == "snapshot":
        write(snapshot(args.model, args.public, args.backend, args.limit, args.corpora), args.out)
        print(f"wrote {args.out}")
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
