"""Where each gold fact's paragraph ranks among its own outlet's retrieved passages (issue 17's fact coverage).

For every answerable MultiHop-RAG question, ``qa.retrieve(question, DEPTH)`` is grouped by outlet, and each gold
(outlet, fact) pair is placed by the rank of the first passage of that outlet holding the fact. Quotes drawn
from an outlet's first few passages can cover a fact only when it ranks there; the shares bound fact coverage.

    python scripts/fact_ranks.py ../shared/bench/multihop_rag/queries_dev.json --index DIR [--depth 40]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import qa
from qa.outlets import outlet_key
from qa.tools.eval_data import _norm


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("queries")
    p.add_argument("--index", required=True)
    p.add_argument("--depth", type=int, default=40)
    args = p.parse_args()
    items = [it for it in json.loads(Path(args.queries).read_text(encoding="utf-8"))
             if it.get("question_type") != "null_query" and it.get("evidence_list")]
    ranks: list[int | None] = []
    for it in items:
        passages = qa.retrieve(it["query"], args.depth, index=args.index)
        texts = [(outlet_key(p.outlet), _norm(p.text)) for p in passages]
        for e in it["evidence_list"]:
            own = [t for o, t in texts if o == outlet_key(e.get("source", ""))]
            fact = _norm(e["fact"])
            ranks.append(next((i for i, t in enumerate(own) if fact in t), None))
    n = len(ranks)
    print(json.dumps({"questions": len(items), "pairs": n,
                      **{f"outlet's first {k}": round(sum(r is not None and r < k for r in ranks) / n, 3)
                         for k in (1, 2, 3, 4)},
                      f"in the first {args.depth}": round(sum(r is not None for r in ranks) / n, 3)}, indent=1))


if __name__ == "__main__":
    main()
