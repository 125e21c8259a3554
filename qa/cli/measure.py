"""The measuring sub-commands: ``qa eval`` (answer quality) and ``qa bench`` (speed, memory, disk)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path

import qa
from qa.cli.options import Command
from qa.tools.bench import DEFAULT_MULTIHOP, BenchConfig, run_bench
from qa.tools.bench_report import plot, table
from qa.tools.eval import evaluate, format_table, side_by_side


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", type=Path, metavar="DATASET", help="the question file (JSON)")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index directory (default: $QA_INDEX or ./index; ignored for SQuAD)")
    p.add_argument("-k", "--k", type=int, default=10, metavar="N", help="passages retrieved per question "
                                                                        "(default 10)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="only N questions, spread evenly over the file (quick check)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--backend", default=None, metavar="URL",
                   help="also evaluate this search server (postgresql://...), side by side with --index")


def _eval(args: argparse.Namespace) -> int:
    if args.k < 1:
        raise qa.QuestionError("-k must be at least 1", field="k")
    progress = not args.json and sys.stderr.isatty()
    if args.backend:
        runs = [evaluate(args.dataset, target, k=args.k, limit=args.limit, progress=progress)
                for target in (args.index, args.backend)]
        print(json.dumps(runs, ensure_ascii=False, indent=1) if args.json else side_by_side(runs))
        return 0
    figures = evaluate(args.dataset, args.index, k=args.k, limit=args.limit, progress=progress)
    print(json.dumps(figures, ensure_ascii=False, indent=1) if args.json else format_table(figures))
    return 0


def _bench_arguments(p: argparse.ArgumentParser) -> None:
    defaults = BenchConfig()
    p.add_argument("--sizes", default=defaults.sizes, help="comma-separated: seed, multihop, 1m, engine (default: "
                                                           "seed, multihop, 1m)")
    p.add_argument("--corpus", type=Path, default=None, help="seed corpus directory (default: the repo's corpus/)")
    p.add_argument("--multihop", type=Path, default=DEFAULT_MULTIHOP,
                   help="MultiHop-RAG corpus.json (default ../shared/bench/multihop_rag/corpus.json)")
    p.add_argument("--work", type=Path, default=defaults.work,
                   help="where bench indexes are built and kept between runs (default $QA_BENCH_WORK "
                        "or /tmp/qa-bench)")
    p.add_argument("--out", type=Path, default=Path("bench.json"), help="JSON result (default bench.json)")
    p.add_argument("--plot", default="bench.png", help="PNG plot (default bench.png; '' for none)")
    p.add_argument("--repeat", type=int, default=defaults.repeat,
                   help="repetitions; medians are reported (default 3)")
    p.add_argument("--queries", type=int, default=defaults.queries,
                   help="MultiHop dev questions used as queries (default 50)")
    p.add_argument("--throughput-articles", type=int, default=defaults.throughput_articles,
                   help="MultiHop articles in the throughput set (default 25, ~1,000 paragraphs)")
    p.add_argument("--synthetic-n", type=int, default=defaults.synthetic_n, help="paragraphs of the '1m' size")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.add_argument("--reader", dest="readers", action="append", default=[], metavar="NAME=DIR",
                   help="also measure warm serving with the reader in DIR (repeatable)")
    p.add_argument("--backend", default=None, metavar="URL", help="search server of the 'engine' size (default "
                   "$QA_BACKEND_URL, else a throw-away PostgreSQL started for the run)")


def _bench(args: argparse.Namespace) -> int:
    config = BenchConfig(**{f.name: getattr(args, f.name) for f in fields(BenchConfig)})
    result = run_bench(config)
    args.out.write_text(json.dumps(result, indent=1))
    print(table(result))
    if args.plot:
        plot(result, Path(args.plot))
    print(f"\nwrote {args.out}" + (f" and {args.plot}" if args.plot else ""))
    return 0


EVAL = Command("eval", "measure answer quality on a question set",
               "Evaluate retrieval and quotes on DATASET, a JSON file in one of three formats (detected): seed "
               "questions [{question, answerable, gold: [{outlet, span}]}] (hit@1/@3, abstention); MultiHop-RAG "
               "queries (hit@1/@4/@10, recall@10, MRR@10, top-quote outlet, null-query abstention; run against "
               "an index built from its corpus.json); SQuAD v1.1 (indexed into a temporary index; paragraph "
               "hit@1/@5, gold answer inside the top quote, quote length).", _eval_arguments, _eval)
BENCH = Command("bench", "measure build throughput, latency, recall, memory and disk",
                "Benchmark this machine: raw encoder vs full build throughput, cold start, warm answer()/"
                "retrieve() latency, dense recall@10 vs exact, peak RSS and disk per paragraph, at several "
                "corpus sizes. Writes JSON, a table and a PNG.", _bench_arguments, _bench)
