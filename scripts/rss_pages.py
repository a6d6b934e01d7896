"""The news items of ``data/pages``: fetch them from GitHub, and write their texts for annotators.

The items are posts of the public RSS archive repositories (Rock-Candy-Tea/RSSHUB-PAGE, hajeekn/RSSHUB-PAGE;
OFweek, 财联社 and 36氪 items, 2021-2022) that ``../shared/data/news_articles`` does not hold. Their outlets own
the texts, so the repository stores references only (repository, commit, path, the SHA-1 of the text as read);
``fetch`` downloads each post at its commit into ``$NER_PAGES_DIR`` (default ``~/.cache/ner/rss_pages``), where
``ner.data.corpora.read_referenced`` reads it and checks the hash.

    python scripts/rss_pages.py fetch                         # the items data/pages/rss_pages.refs.jsonl names
    python scripts/rss_pages.py fetch --manifest M.jsonl      # {"id", "repo", "commit", "path"} per line
    python scripts/rss_pages.py prepare M.jsonl OUT           # the texts (title, blank line, paragraphs) -> OUT/ID.txt
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

REFS = Path(__file__).resolve().parents[1] / "data" / "pages" / "rss_pages.refs.jsonl"
RAW = "https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def items(path: Path) -> list[dict]:
    """``[{"id", "repo", "commit", "path"}]`` of a manifest or a references file (its ``source``)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append({"id": row["id"], **row.get("source", {}), **{k: row[k] for k in ("repo", "commit", "path") if k in row}})
    return out


def fetch(rows: list[dict], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    failed = 0
    for row in rows:
        dest = folder / f"{row['id']}.md"
        if dest.exists():
            continue
        url = RAW.format(repo=row["repo"], commit=row["commit"], path=urllib.parse.quote(row["path"]))
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                data = r.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            print(f"{row['id']}: cannot fetch {url} ({e}); fetch it by hand into {dest}", file=sys.stderr)
            failed += 1
            continue
        tmp = dest.with_suffix(".tmp")
        tmp.write_text(data, encoding="utf-8", newline="")
        tmp.replace(dest)
    print(f"{len(rows) - failed}/{len(rows)} items in {folder}")
    return 1 if failed else 0


def main(argv=None) -> int:
    from ner.data.corpora.referenced import rss_page_texts, rss_pages_dir

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("fetch")
    sp.add_argument("--manifest", type=Path, default=REFS)
    sp.add_argument("--out", type=Path, default=None, help="default: $NER_PAGES_DIR or ~/.cache/ner/rss_pages")
    sp = sub.add_parser("prepare")
    sp.add_argument("manifest", type=Path)
    sp.add_argument("out", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "fetch":
        return fetch(items(args.manifest), args.out or rss_pages_dir())
    texts = rss_page_texts()
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = [r["id"] for r in items(args.manifest)]
    absent = [i for i in wanted if i not in texts]
    if absent:
        print(f"not fetched: {', '.join(absent)}; run python scripts/rss_pages.py fetch --manifest {args.manifest}",
              file=sys.stderr)
        return 1
    for i in wanted:
        (args.out / f"{i}.txt").write_text(texts[i], encoding="utf-8")
    print(f"{len(wanted)} texts, {sum(len(texts[i]) for i in wanted)} characters -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
