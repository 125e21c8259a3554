"""Readers side by side (issue 19): the same `qa eval` runs with each reader, and with none, in one script.

Each reader is a model directory (``QA_READER=DIR``) or ``none`` (the sentence scorer alone). For each, this
runs ``qa eval --json`` on the SQuAD eval split (its own temporary index), on the MultiHop-RAG dev queries
(a prebuilt index of its corpus) and on the seed questions (the seed index), one after the other on the same
machine, and prints one table (markdown) of the figures issue 19 sets targets for.

    python scripts/readers_side_by_side.py --reader v1=models/reader --reader v2=/tmp/reader-v2 --reader none \\
        --squad ../shared/bench/squad/dev_half_eval_split.json \\
        --multihop ../shared/bench/multihop_rag/queries_dev.json --multihop-index /tmp/mh-index \\
        --seed ../shared/eval/seed_questions.json --seed-index index [--json OUT.json]

``--env NAME:VAR=VALUE`` sets more of one arm's environment, e.g. two arms with the same reader and another
question graph: ``--reader int8=models/reader --reader fp32=models/reader --env fp32:QA_QUERY_GRAPH=fp32``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ROWS = [  # (label, dataset, figure, target)
    ("SQuAD: reader alone on the gold paragraph, F1", "squad", "reader_gold_f1", ">= 0.72"),
    ("SQuAD: short answer F1 (open setting)", "squad", "short_f1", ">= 0.58"),
    ("SQuAD: gold answer in the top quote", "squad", "answer_in_top_quote", ">= 0.85"),
    ("SQuAD: top quote, mean words", "squad", "mean_quote_words", "<= 30"),
    ("SQuAD: short answer shown", "squad", "shown_span_rate", ">= 0.55"),
    ("SQuAD: shown answers right (token F1 >= 0.5)", "squad", "shown_span_right", ">= 0.90"),
    ("SQuAD: abstained", "squad", "abstain_rate", ""),
    ("Seed: short answers shown / on a gold span when shown", "seed", ("short_answer_shown",
                                                                        "shown_short_answer_precision"), ">= 0.90"),
    ("Seed: hit@1 / hit@3", "seed", ("hit@1", "hit@3"), "no drop"),
    ("MultiHop-RAG dev: null abstained", "multihop", "null_abstain_rate", ">= 0.93"),
    ("MultiHop-RAG dev: answerable abstained", "multihop", "answerable_abstain_rate", "<= 0.03"),
    ("MultiHop-RAG dev: hit@10 / MRR@10", "multihop", ("hit@10", "mrr@10"), "no drop"),
    ("MultiHop-RAG dev, 2+ outlets: outlet / fact coverage, all outlets", "multihop",
     ("outlet_coverage", "fact_coverage", "all_outlets_rate"), ">= 0.95 / 0.55 / 0.85"),
    ("MultiHop-RAG dev: mean ms per answer() (eval run)", "multihop", "mean_ms", ""),
]


def run_eval(reader: str, dataset: Path, index: Path | None, extra: dict[str, str] | None = None) -> dict:
    """``qa eval DATASET --json`` with ``QA_READER=reader`` (and ``extra`` environment)."""
    cmd = [sys.executable, "-m", "qa.cli", "eval", str(dataset), "--json"] + (["--index", str(index)] if index else [])
    env = {**os.environ, "QA_READER": reader, "HF_HUB_OFFLINE": "1", **(extra or {})}
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def cell(figures: dict, dataset: str, key: str | tuple[str, ...]) -> str:
    found = figures.get(dataset, {})
    keys = key if isinstance(key, tuple) else (key,)
    values = [found.get(k) for k in keys]
    if any(v is None for v in values):
        return "–"
    return " / ".join(f"{v:.1f}" if k.endswith("_ms") or k.endswith("words") else f"{v:.3f}"
                      for k, v in zip(keys, values, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", action="append", required=True, help="NAME=DIR, or none")
    parser.add_argument("--squad", type=Path, required=True)
    parser.add_argument("--multihop", type=Path, required=True)
    parser.add_argument("--multihop-index", type=Path, required=True)
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--seed-index", type=Path, required=True)
    parser.add_argument("--env", action="append", default=[], help="NAME:VAR=VALUE, more environment for one arm")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args()
    extra: dict[str, dict[str, str]] = {}
    for spec in args.env:
        name, _, assignment = spec.partition(":")
        var, _, value = assignment.partition("=")
        extra.setdefault(name, {})[var] = value
    results: dict[str, dict] = {}
    for spec in args.reader:
        name, _, where = spec.partition("=")
        reader = "none" if name == "none" else str(Path(where).resolve())
        label = "QA_READER=none" if name == "none" else name
        env = extra.get(name)
        results[label] = {
            "squad": run_eval(reader, args.squad, None, env),
            "multihop": run_eval(reader, args.multihop, args.multihop_index, env),
            "seed": run_eval(reader, args.seed, args.seed_index, env),
        }
        print(f"{label}: done", file=sys.stderr, flush=True)
    names = list(results)
    lines = ["| figure | " + " | ".join(names) + " | target |", "|---" * (len(names) + 2) + "|"]
    for label, dataset, key, target in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(results[n], dataset, key) for n in names) + f" | {target} |")
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
