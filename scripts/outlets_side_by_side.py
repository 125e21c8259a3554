"""MultiHop-RAG figures of two versions of the code, side by side in one run (issue: what each outlet says).

Each version answers every query in its own process (``PYTHONPATH=<checkout>``), on the same index, and
writes what it showed (ranked passages, quotes, outlet groups, positions when it has them); the figures of
both are then computed here by one function, :func:`qa.tools.eval_data.multihop_figures`.

    python scripts/outlets_side_by_side.py QUERIES.json --index DIR --old OLD_CHECKOUT [--new .] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

WORKER = r"""
import json, sys, time
from dataclasses import asdict
import qa
items, index, out = json.load(open(sys.argv[1])), sys.argv[2], open(sys.argv[3], "w")
for item in items:
    t = time.perf_counter()
    r = qa.answer(item["query"], 5, index=index, depth=10)
    ms = 1000 * (time.perf_counter() - t)
    q = lambda x: x.to_dict()
    out.write(json.dumps({"ms": ms, "abstained": r.abstained, "passages": [asdict(p) for p in r.passages[:10]],
        "quotes": [q(x) for x in r.quotes], "outlets": [[g.outlet, [q(x) for x in g.quotes]] for g in r.outlets],
        "positions": [[p.answer, list(p.outlets), [q(x) for x in p.quotes]] for p in getattr(r, "positions", ())],
        "disagreement": bool(getattr(r, "disagreement", False))}) + "\n")
"""


def _quote(d: dict):
    from qa import Passage, Quote

    return Quote(d["text"], d["start"], d["end"], d["score"], Passage(**d["passage"]), d["answer_start"],
                 d["answer_end"])


def _answer(d: dict):
    from qa import Answer, OutletQuotes, Passage, Position

    return (
        [Passage(**p) for p in d["passages"]],
        Answer("", tuple(_quote(q) for q in d["quotes"]), d["abstained"],
               tuple(OutletQuotes(o, tuple(_quote(q) for q in qs)) for o, qs in d["outlets"]),
               positions=tuple(Position(a, tuple(os_), tuple(_quote(q) for q in qs)) for a, os_, qs in d["positions"]),
               disagreement=d["disagreement"]))


def run(checkout: Path, items_file: Path, index: str, out: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve()), "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", WORKER, str(items_file), index, str(out)], env=env, check=True)
    return [json.loads(line) for line in out.read_text().splitlines()]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("queries")
    p.add_argument("--index", required=True)
    p.add_argument("--old", required=True, help="checkout of the version to compare against")
    p.add_argument("--new", default=".", help="checkout of the new version (default: here)")
    p.add_argument("--limit", type=int)
    p.add_argument("--out", help="write the figures as JSON here")
    args = p.parse_args()
    sys.path.insert(0, str(Path(args.new).resolve()))
    from qa.tools.eval import LABELS
    from qa.tools.eval_data import multihop_figures, subsample

    items = subsample(json.loads(Path(args.queries).read_text()), args.limit)
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        items_file = Path(tmp) / "items.json"
        items_file.write_text(json.dumps(items))
        for name, checkout in (("old", Path(args.old)), ("new", Path(args.new))):
            rows = run(checkout, items_file, args.index, Path(tmp) / f"{name}.jsonl")
            figures[name] = multihop_figures(items, [_answer(r) for r in rows])
            ms = sorted(r["ms"] for r in rows)
            figures[name]["median_ms"] = ms[len(ms) // 2]
    print(f"| figure ({len(items)} queries) | old ({args.old}) | new ({args.new}) |\n|---|---|---|")
    for key, value in figures["new"].items():
        old = figures["old"][key]
        fmt = (lambda v: f"{v:.3f}") if isinstance(value, float) else str
        print(f"| {LABELS.get(key, key)} | {fmt(old)} | {fmt(value)} |")
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
