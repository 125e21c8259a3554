"""``qa bench``: build throughput vs the raw encoder, cold start, warm latency, recall, memory, disk.

Sizes: ``seed`` (the repo's corpus/), ``multihop`` (MultiHop-RAG, ~28k paragraphs) and ``1m`` (the MultiHop
index plus synthetic rows up to 1,000,000; see :mod:`qa.tools.bench_synth`). Every measurement runs in its own
process (:mod:`qa.tools.bench_tasks`) so that its peak RSS is its own. Large indexes are kept under ``--work``
and reused by later runs (their build figures are the ones recorded when they were built, marked ``reused``).
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import qa
from qa.tools.bench_engine import bench_engine
from qa.tools.bench_tasks import index_built

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MULTIHOP = ROOT.parent / "shared" / "bench" / "multihop_rag" / "corpus.json"
SEED_QUESTIONS = [
    "Who signed the decree allowing foreigners into the National Guard?",
    "Can Americans join Ukraine's National Guard?",
    "What did Zelensky say about foreign volunteers?",
    "When was the decree signed?",
    "Which countries' citizens can serve in the National Guard of Ukraine?",
]
# answer() p50 at 28k paragraphs: 60 ms with the reader (issues 17, 19), 30 ms without it (the earlier target)
TARGETS = {"build_ratio": 0.85, "cold_start_s": 5.0, "answer_p50_ms_multihop": 60.0,
           "answer_p50_ms_multihop_no_reader": 30.0, "answer_p50_ms_1m": 50.0, "recall_at_10": 0.98,
           "serve_rss_mb_1m": 3072.0}
# Warm serving measured again with one thing changed (result key, environment, what changed): what each costs.
VARIANTS = (("serve_no_reader", {"QA_READER": "none"}, "without the reader"),
            ("serve_fp32_query", {"QA_QUERY_GRAPH": "fp32"}, "fp32 question graph"))


def variants(readers: Sequence[str] = ()) -> tuple[tuple[str, dict[str, str], str], ...]:
    """:data:`VARIANTS`, plus warm serving with each ``NAME=DIR`` of ``readers`` as the reader."""
    return VARIANTS + tuple((f"serve_reader_{name}", {"QA_READER": where}, f"reader {name}")
                            for name, _, where in (r.partition("=") for r in readers))


@dataclass
class BenchConfig:
    """What ``qa bench`` measures and where (the command's options).

    Attributes:
        sizes: Comma-separated sizes: ``seed``, ``multihop``, ``1m``.
        corpus: Seed corpus directory (None: the repo's corpus/).
        multihop: MultiHop-RAG ``corpus.json``.
        work: Where bench indexes are built and kept between runs.
        repeat: Repetitions (medians are reported).
        queries: MultiHop dev questions used as queries.
        throughput_articles: MultiHop articles in the throughput set.
        synthetic_n: Paragraphs of the ``1m`` size.
        quiet: No progress lines.
        backend: Search server of the ``engine`` size (:mod:`qa.tools.bench_engine`).
        readers: ``NAME=DIR``: warm serving measured again with the reader in ``DIR`` (another reader side by
            side with the configured one, in the same run).
    """

    sizes: str = "seed,multihop,1m"
    corpus: Path | None = None
    multihop: Path = DEFAULT_MULTIHOP
    work: Path = field(default_factory=lambda: qa.Config.from_env().bench_work)
    repeat: int = 3
    queries: int = 50
    throughput_articles: int = 25
    synthetic_n: int = 1_000_000
    quiet: bool = False
    backend: str | None = None
    readers: Sequence[str] = ()

    def size_list(self) -> list[str]:
        """The sizes, in order."""
        return [s.strip() for s in self.sizes.split(",") if s.strip()]


def run_task(task: str, env_extra: dict[str, str] | None = None, **kwargs) -> dict:
    """Run one measurement of :mod:`qa.tools.bench_tasks` in a fresh process and return its JSON."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **(env_extra or {})}
    proc = subprocess.run([sys.executable, "-m", "qa.tools.bench_tasks", task, json.dumps(kwargs)], cwd=ROOT,
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"bench task {task} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_start(index: Path, question: str, repeat: int) -> dict:
    """Wall time of ``python -m qa.cli ask`` from process start to exit (first answer printed)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, "-m", "qa.cli", "ask", question, "--index", str(index)]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(f"cold start failed: {proc.stderr[-2000:]}")
    proc = subprocess.run([sys.executable, "-X", "importtime", *cmd[1:]], cwd=ROOT, capture_output=True,
                          text=True, env=env)
    top = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
        if m and not m.group(3):  # top-level imports only
            top.append((int(m.group(2)) / 1e6, m.group(4)))
    top.sort(reverse=True)
    return {"cold_start_s": statistics.median(times), "cold_start_runs_s": times,
            "top_imports_s": {name: round(s, 3) for s, name in top[:6]}}


def _multihop_subset(multihop: Path, work: Path, articles: int) -> Path:
    out = work / "multihop" / f"subset-{articles}.json"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(json.loads(multihop.read_text())[:articles]))
    return out


def _multihop_queries(multihop: Path, n: int) -> list[str]:
    path = multihop.with_name("queries_dev.json")
    if not path.exists():
        return SEED_QUESTIONS
    return [q["query"] for q in json.loads(path.read_text())[:n]]


def _cached_build(index: Path, record: Path, build: Callable[[], dict]) -> dict:
    if index_built(index) and record.exists():
        return {**json.loads(record.read_text()), "reused": True}
    result = build()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(result))
    return {**result, "reused": False}


def bench_size(size: str, args: BenchConfig, say: Callable[[str], None]) -> dict:
    """Every figure for one corpus size."""
    work: Path = args.work
    repeat = args.repeat
    out: dict = {"size": size}
    if size == "engine":
        subset = _multihop_subset(args.multihop, work, args.throughput_articles)
        return bench_engine(args.backend, work, subset, _multihop_queries(args.multihop, args.queries), repeat, say)
    if size == "seed":
        corpus = args.corpus or ROOT / "corpus"
        paths = sorted(str(p) for p in Path(corpus).glob("*.md"))
        index = work / "seed" / "index"
        queries = SEED_QUESTIONS
        say("seed: build")
        out["build"] = run_task("build", paths=paths, corpus=str(work / "seed" / "corpus"), index=str(index))
        say("seed: throughput (raw encoder vs full build)")
        out["throughput"] = run_task("throughput", paths=paths, repeat=repeat)
    elif size == "multihop":
        index = work / "multihop" / "index"
        queries = _multihop_queries(args.multihop, args.queries)
        say("multihop: throughput (raw encoder vs full build)")
        subset = _multihop_subset(args.multihop, work, args.throughput_articles)
        out["throughput"] = run_task("throughput", paths=[str(subset)], repeat=repeat)
        say("multihop: full build (reused when present)")
        out["build"] = _cached_build(index, work / "multihop" / "build.json", lambda: run_task(
            "build", paths=[str(args.multihop)], corpus=str(work / "multihop" / "corpus"), index=str(index)))
    elif size == "1m":
        mh_index = work / "multihop" / "index"
        if not (mh_index / "CURRENT").exists():
            say("1m: needs the multihop index first")
            bench_size("multihop", args, say)
        index = work / "1m" / "index"
        queries = _multihop_queries(args.multihop, args.queries)
        say(f"1m: synthetic index of {args.synthetic_n:,} paragraphs (reused when present)")
        out["build"] = _cached_build(index, work / "1m" / "build.json", lambda: run_task(
            "synth", real_index=str(mh_index), index=str(index), n=args.synthetic_n))
    else:
        raise qa.QAError(f"unknown size {size!r}", hint="choose from seed, multihop, 1m, engine")
    say(f"{size}: warm serving, then recall of the dense index vs exact search")
    out["serve"] = run_task("serve", index=str(index), queries=queries, repeat=repeat)
    out["recall"] = out["serve"].pop("recall")
    # the same warm serving, one thing changed
    for key, env, what in variants(args.readers) if size != "engine" else ():
        say(f"{size}: warm serving {what} ({', '.join(f'{k}={v}' for k, v in env.items())})")
        out[key] = run_task("serve", env, index=str(index), queries=queries, repeat=repeat, with_recall=False)
    say(f"{size}: cold start")
    out["cold"] = cold_start(index, queries[0], repeat)
    return out


def check_targets(sizes: dict) -> dict:
    """Which issue targets are met, with the measured figure."""
    met = {}
    for name, s in sizes.items():
        if "throughput" in s and name not in ("seed", "engine"):
            ratio = s["throughput"]["ratio"]
            met[f"build_ratio_{name}"] = (round(ratio, 3), ratio >= TARGETS["build_ratio"])
        if name != "engine":
            recall = s["recall"]["recall_at_10"]
            met[f"recall_at_10_{name}"] = (round(recall, 4), recall >= TARGETS["recall_at_10"])
    if "seed" in sizes:
        v = sizes["seed"]["cold"]["cold_start_s"]
        met["cold_start_seed_s"] = (round(v, 2), v <= TARGETS["cold_start_s"])
    for name, key, suffix in (("multihop", "serve", ""), ("multihop", "serve_no_reader", "_no_reader"),
                              ("1m", "serve", "")):
        if key in sizes.get(name, {}):
            v, limit = sizes[name][key]["answer_p50_ms"], TARGETS[f"answer_p50_ms_{name}{suffix}"]
            met[f"answer_p50_ms_{name}{suffix}"] = (round(v, 1), v <= limit)
    if "1m" in sizes:
        v = sizes["1m"]["serve"]["peak_rss_mb"]
        met["serve_peak_rss_mb_1m"] = (round(v), v <= TARGETS["serve_rss_mb_1m"])
    return {k: {"value": v, "met": ok} for k, (v, ok) in met.items()}


def run_bench(args: BenchConfig) -> dict:
    """Measure every size of ``args`` and check the targets; the result as a JSON-ready dict.

    Raises:
        QAError: An unknown size, or the MultiHop-RAG corpus is missing for a size that needs it.
    """
    if {"multihop", "1m", "engine"} & set(args.size_list()) and not args.multihop.is_file():
        raise qa.QAError("MultiHop-RAG corpus.json not found", source=args.multihop, hint="pass --multihop PATH")
    say = (lambda m: None) if args.quiet else (lambda m: print(f"[bench] {m}", file=sys.stderr, flush=True))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    sizes = {}
    for size in args.size_list():
        sizes[size] = bench_size(size, args, say)
    result = {"command": "qa bench " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["bench"] else "qa bench",
              "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                          "python": platform.python_version(), "load_avg_at_start": os.getloadavg()},
              "repeat": args.repeat, "seconds": time.time() - started, "sizes": sizes, "readers": list(args.readers),
              "synthetic": "see qa/tools/bench_synth.py: real MultiHop rows + 75% perturbed copies of real vectors "
                           "(noise 0.4-0.9 relative norm) + 25% random unit vectors; texts from the real unigram model"}
    result["targets"] = check_targets(sizes)
    return result
