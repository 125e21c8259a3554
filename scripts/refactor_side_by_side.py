"""``qa eval`` figures of two versions of the code, side by side in one run (issue 18: Answerer and Settings).

The old version is a ``git worktree`` of ``--old`` (default ``174aedc``, main before the refactor) in a
temporary directory; the new one is this checkout. Each runs ``qa eval DATASET --json`` (``qa.cli.main``) in its
own process with its own checkout as the working directory (``python -c`` puts it first on the path),
on the same index and with the same reader (``QA_READER`` = this checkout's ``models/reader``). The seed
questions are asked of an index of the repository's ``corpus/`` built once, by the old version, into a
temporary directory; SQuAD builds its own temporary index in each run.

    python scripts/refactor_side_by_side.py [--old 174aedc] [--multihop-index /work/evalrun/mh-index]
        [--new COMMIT] [--multihop-limit N] [--squad-limit N] [--cache FILE] [--only old|new] [--out FILE]

``--cache FILE`` keeps each version's figures by (commit, dataset, limit), so a rerun of the new tree
does not recompute the old one (the old commit does not change); the table is printed from both.

``--latency ROUNDS`` then times ``qa bench``'s warm-serving task (``qa.tools.bench_tasks.task_serve``: warm
``answer()``/``retrieve()`` over the first 50 MultiHop dev queries on the MultiHop index) in each version, in
turn (old, new, old, new, ...: the machine's drift falls on both), and prints the medians of the rounds' p50s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared")
DATASETS = {
    "seed": SHARED / "eval" / "seed_questions.json",
    "squad": SHARED / "bench" / "squad" / "dev_half_eval_split.json",
    "multihop": SHARED / "bench" / "multihop_rag" / "queries_dev.json",
}
TOLERANCE = 0.002
SERVE = ("import json, sys; from qa.tools.bench_tasks import task_serve; "
         "print(json.dumps(task_serve(sys.argv[1], json.load(open(sys.argv[2])), int(sys.argv[3]))))")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") and k != "PYTHONPATH"}
    return {**env, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
            "QA_READER": str(ROOT / "models" / "reader")}


def _qa(checkout: Path, *args: str) -> str:
    code = "import sys; from qa.cli import main; sys.argv[0] = 'qa'; sys.exit(main())"
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=checkout, env=_env(), capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"qa {' '.join(args)} in {checkout} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def _commit(checkout: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, check=True, capture_output=True,
                          text=True).stdout.strip()


def _eval(checkout: Path, dataset: Path, index: Path | None, limit: int | None) -> dict:
    args = ["eval", str(dataset), "--json"]
    if index is not None:
        args += ["--index", str(index)]
    if limit:
        args += ["--limit", str(limit)]
    figures = json.loads(_qa(checkout, *args))
    # quality only: no timings, and not the paths (the seed index lies in each run's temporary directory)
    return {k: v for k, v in figures.items() if "ms" not in k and "second" not in k and k not in ("index", "dataset")}


def _compare(old: dict, new: dict) -> list[tuple[str, object, object, bool]]:
    rows = []
    for key in sorted((set(old) | set(new)) - {"index", "dataset"}):
        a, b = old.get(key), new.get(key)
        same = a == b or (isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= TOLERANCE)
        rows.append((key, a, b, same))
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--old", default="174aedc", help="commit of the old version (default 174aedc)")
    p.add_argument("--new", default=None, help="commit of the new version (default: this checkout as it is)")
    p.add_argument("--multihop-index", type=Path, default=Path("/work/evalrun/mh-index"))
    p.add_argument("--multihop-limit", type=int, default=None, help="only N MultiHop queries (spread evenly)")
    p.add_argument("--squad-limit", type=int, default=None, help="only N SQuAD questions (spread evenly)")
    p.add_argument("--datasets", default="seed,squad,multihop")
    p.add_argument("--cache", type=Path, default=None, help="JSON file keeping figures per (commit, dataset)")
    p.add_argument("--only", choices=("old", "new"), default=None, help="run one version (fills the cache)")
    p.add_argument("--out", type=Path, default=None, help="write both versions' figures here as JSON")
    p.add_argument("--latency", type=int, default=0, metavar="ROUNDS", help="also time warm answer() (bench task)")
    args = p.parse_args()
    cache = json.loads(args.cache.read_text()) if args.cache and args.cache.is_file() else {}
    chosen = [d.strip() for d in args.datasets.split(",") if d.strip()]
    limits = {"seed": None, "squad": args.squad_limit, "multihop": args.multihop_limit}
    figures: dict[str, dict[str, dict]] = {"old": {}, "new": {}}
    with tempfile.TemporaryDirectory(prefix="qa-side-by-side-") as tmp:
        old_tree, new_tree = Path(tmp) / "old", Path(tmp) / "new"
        for tree, commit in ((old_tree, args.old), (new_tree, args.new)):
            if commit:
                subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, check=True,
                               capture_output=True)
        try:
            versions = {"old": old_tree, "new": new_tree if args.new else ROOT}
            commits = {"old": _commit(old_tree),
                       "new": _commit(new_tree) if args.new else _commit(ROOT) + ("+dirty" if _dirty() else "")}
            seed_index = Path(tmp) / "seed-index"
            for dataset in chosen:
                for name, checkout in versions.items():
                    if args.only and name != args.only:
                        continue
                    key = f"{commits[name]}:{dataset}:{limits[dataset]}"
                    if key in cache and not commits[name].endswith("+dirty"):
                        figures[name][dataset] = cache[key]
                        continue
                    index = None
                    if dataset == "seed":
                        if not seed_index.exists():
                            _qa(old_tree, "index", "--corpus", str(ROOT / "corpus"), "--index", str(seed_index))
                        index = seed_index
                    elif dataset == "multihop":
                        index = args.multihop_index
                    print(f"{name} ({commits[name][:12]}): qa eval {dataset} ...", file=sys.stderr, flush=True)
                    figures[name][dataset] = cache[key] = _eval(checkout, DATASETS[dataset], index, limits[dataset])
                    if args.cache:
                        args.cache.write_text(json.dumps(cache, indent=1))
            if args.latency:
                figures["latency"] = _latency(versions, args.multihop_index, Path(tmp), args.latency)
        finally:
            for tree in (old_tree, new_tree):
                if tree.exists():
                    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1))
    if args.only:
        return 0
    differ = 0
    for dataset in chosen:
        limit = limits[dataset]
        print(f"\n### {dataset}" + (f" ({limit} questions, spread evenly)" if limit else ""))
        print(f"| figure | old ({args.old}) | new ({args.new or 'this tree'}) | same (±{TOLERANCE}) |")
        print("|---|---|---|---|")
        for key, a, b, same in _compare(figures["old"][dataset], figures["new"][dataset]):
            print(f"| {key} | {_fmt(a)} | {_fmt(b)} | {'yes' if same else 'NO'} |")
            differ += not same
    print(f"\n{differ} figure(s) differ by more than {TOLERANCE}")
    if args.latency:
        print(f"\n### warm latency, ms (qa bench serve task; median of {args.latency} rounds' p50/p95)")
        print("| figure | old | new | new / old |\n|---|---|---|---|")
        for key in ("answer_p50_ms", "answer_p95_ms", "retrieve_p50_ms"):
            a, b = (median(r[key] for r in figures["latency"][name]) for name in ("old", "new"))
            print(f"| {key} | {a:.1f} | {b:.1f} | {b / a:.3f} |")
    return 1 if differ else 0


def _latency(versions: dict[str, Path], index: Path, tmp: Path, rounds: int) -> dict[str, list[dict]]:
    queries = tmp / "queries.json"
    queries.write_text(json.dumps([q["query"] for q in json.loads(DATASETS["multihop"].read_text())[:50]]))
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for n in range(rounds):
        for name, checkout in versions.items():
            print(f"{name}: warm serving, round {n + 1}", file=sys.stderr, flush=True)
            out = subprocess.run([sys.executable, "-c", SERVE, str(index), str(queries), "1"], cwd=checkout,
                                 env=_env(), capture_output=True, text=True, check=True)
            runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    return runs


def _fmt(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _dirty() -> bool:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return bool(out.strip())


if __name__ == "__main__":
    sys.exit(main())
