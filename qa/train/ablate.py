"""What each training choice of reader v2 is worth: short runs that change one choice at a time.

``python -m qa.train.ablate --train-dir ../shared/train --eval EVAL.json --work DIR`` trains one run per arm
from the same base model on a seeded random sample of the same size (``--sample``), one epoch, and scores
each on the same answerable questions of ``EVAL`` with the fp32 model: F1 on the gold paragraph and on the
sentence(s) holding the answer (what the answer path reads). An arm whose result is in ``DIR`` is not run again
(a run interrupted mid-way starts over). The table is written to ``DIR/ablations.md`` and ``.json``.

Arms: the v2 recipe (all five files, mostly sentence windows, two frozen layers); SQuAD's two files only (same
size: the SQuADShifts domains' worth); v1's windows (every whole-paragraph window); no frozen layers; and the
v2 recipe on half the questions (what more data is worth). Epochs are read off the model card's learning curve.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.train.loop import TrainConfig

__all__ = ["ARMS", "main"]

RECIPE = {"para_rate": 0.15, "para_null_rate": 0.3, "freeze_layers": 2}
ARMS: dict[str, tuple[str, dict[str, object]]] = {
    "v2 recipe": ("all 5 files; mostly sentence windows; 2 frozen layers", {}),
    "SQuAD only": ("the 2 SQuAD files only (no SQuADShifts), same number of questions", {"squad_only": True}),
    "v1 windows": ("every whole-paragraph window kept (v1's mix)", {"para_rate": 1.0, "para_null_rate": 1.0}),
    "no frozen layers": ("all 6 layers and the embeddings trained", {"freeze_layers": 0}),
    "half the questions": ("the v2 recipe on half as many questions", {"half": True}),
}


def _score(cfg: TrainConfig, eval_file: str, n: int) -> dict[str, float]:
    """F1 of the arm's best weights (fp32) on ``n`` answerable questions: the gold paragraph, the answer's sentences."""
    from qa.train import data
    from qa.train.evaluate import sentence_windows, squad_scores
    from qa.train.export import load_best
    from qa.train.loop import TorchPredictor, eval_subset, load_tokenizer

    predict = TorchPredictor(load_best(cfg), load_tokenizer(cfg.base), cfg)
    questions = eval_subset(data.load_squad([eval_file])[0], n, 0)
    windows, _ = sentence_windows(questions, 0)
    return {"paragraph_f1": squad_scores(predict, questions)["f1"], "sentence_f1": squad_scores(predict, windows)["f1"],
            "eval_questions": len(questions)}


def run_arm(name: str, args: argparse.Namespace, base: str) -> dict[str, object]:
    """Train and score one arm (or read its saved result)."""
    from qa.train.loop import TrainConfig, train

    out = Path(args.work) / name.replace(" ", "-")
    result_file = out / "result.json"
    if result_file.exists():
        return json.loads(result_file.read_text())
    files = sorted(str(p) for p in Path(args.train_dir).glob("*.json"))
    what, change = ARMS[name]
    settings = {**RECIPE, **{k: v for k, v in change.items() if k in RECIPE}}
    if change.get("squad_only"):
        files = [f for f in files if Path(f).name.startswith("squad_")]
    cfg = TrainConfig(data=files, eval=args.eval, work=str(out), base=base, epochs=1, lr=args.lr, seed=args.seed,
                      sample=args.sample // 2 if change.get("half") else args.sample, eval_limit=args.eval_limit,
                      eval_every=10**9, ckpt_every=50, patience=1, threads=args.threads, **settings)
    state = train(cfg, resume=(out / "checkpoint" / "last.pt").exists())
    result = {"arm": name, "what": what, "questions": cfg.sample, "files": [Path(f).name for f in files],
              "steps": state["step"], "train_minutes": round(float(state["seconds"]) / 60, 1),
              **settings, **_score(cfg, args.eval, args.score_limit)}
    result_file.write_text(json.dumps(result, indent=1))
    return result


def table(results: list[dict[str, object]]) -> str:
    """The ablations as a markdown table, each arm against the v2 recipe."""
    base = next((r for r in results if r["arm"] == "v2 recipe"), None)
    lines = ["| arm | what changes | questions | steps | train min | F1 gold paragraph | F1 answer's sentences |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        d = ("", "")
        if base is not None and r is not base:
            d = tuple(f" ({r[f] - base[f]:+.3f})" for f in ("paragraph_f1", "sentence_f1"))
        lines.append(f"| {r['arm']} | {r['what']} | {r['questions']:,} | {r['steps']} | {r['train_minutes']} | "
                     f"{r['paragraph_f1']:.3f}{d[0]} | {r['sentence_f1']:.3f}{d[1]} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the arms not yet run, one after the other, rewriting the table after each; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m qa.train.ablate", description=__doc__.split("\n")[0])
    p.add_argument("--train-dir", required=True, help="the training files (../shared/train)")
    p.add_argument("--eval", required=True, help="SQuAD JSON scored on (the dev-half eval split)")
    p.add_argument("--work", required=True, help="one directory per arm, and the table")
    p.add_argument("--arms", nargs="+", default=list(ARMS), choices=list(ARMS))
    p.add_argument("--sample", type=int, default=4000, help="questions per arm (a seeded random sample)")
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--eval-limit", type=int, default=400, help="questions of the end-of-run evaluation")
    p.add_argument("--score-limit", type=int, default=800, help="answerable questions the table is scored on")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    from qa.train.__main__ import prepare_process

    base = prepare_process()
    results = []
    for name in args.arms:
        results.append(run_arm(name, args, base))
        text = table(results)
        Path(args.work, "ablations.md").write_text(text)
        Path(args.work, "ablations.json").write_text(json.dumps(results, indent=1))
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
