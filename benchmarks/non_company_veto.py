"""What the rules' non-company veto (``ner.rules.companies.is_non_company``) removes, on text it was not built from.

    python benchmarks/non_company_veto.py [--gold data/annotated/seeds.jsonl]

For each raw CLUENER2020 label (train and dev), the share of its mentions the veto calls a non-company:
high for ``government``, low for ``company`` is what the guidelines ask for. Then the gold companies of
``--gold`` that the veto would wrongly drop (should be none).
"""
from __future__ import annotations

import argparse
from collections import Counter

from ner.data.corpora import CLUENER_FILES, default_data_dir
from ner.data.io import read_articles, read_jsonl
from ner.rules import is_non_company


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default="data/annotated/seeds.jsonl")
    args = ap.parse_args()
    folder = default_data_dir() / "cluener2020"
    print(f"{'split':7}{'label':14}{'vetoed':>8}{'of':>7}{'share':>8}  examples")
    for split, files in CLUENER_FILES.items():
        paths = [folder / f for f in files]
        if not all(p.exists() for p in paths):
            print(f"cluener:{split}: absent at {folder}, skipped")
            continue
        total, vetoed, examples = Counter(), Counter(), {}
        for path in paths:
            for _, obj in read_jsonl(path):
                for label, mentions in obj.get("label", {}).items():
                    for mention, offsets in mentions.items():
                        total[label] += len(offsets)
                        if is_non_company(mention):
                            vetoed[label] += len(offsets)
                            examples.setdefault(label, []).append(mention)
        for label in sorted(total, key=lambda x: -vetoed[x] / total[x]):
            shown = "、".join(list(dict.fromkeys(examples.get(label, [])))[:6])  # distinct, first six
            print(f"{split:7}{label:14}{vetoed[label]:8d}{total[label]:7d}{vetoed[label] / total[label]:8.3f}  {shown}")
    companies = [s.text for a in read_articles(args.gold) for s in a.entities if s.label == "COMPANY"]
    wrong = [c for c in companies if is_non_company(c)]
    print(f"{args.gold}: {len(wrong)} of {len(companies)} gold companies vetoed {wrong}")


if __name__ == "__main__":
    main()
