"""Reader runs on a lent GPU machine (the `device` tool), side by side, and the best brought back (issue 19, v7).

On the GPU machine, from the repository root, with the training files copied to an ignored, carried folder
(``.gpu/data``: the five files of ``../shared/train`` and the eval split) and ``.gpu/base`` holding the
embedder's ``config.json`` and tokenizer files only (its weights come from ``--init-from``)::

    DEADLINE_MIN=6.8 TRAIN_MIN=4.8 python3 scripts/train_on_device.py

starts one ``python -m qa.train --device cuda`` per entry of ``CONFIGS`` at once, stops them at the deadline,
reads each run's best on the whole eval split (fp32) and writes under ``$OUT`` the runs' logs and states
(``runs.tar.gz``), ``scores.json`` and the weights of the best run of each size (layer count) in fp16, cut
into files under 16 MB (what a device call can return). ``SKIP=1`` only reads and packs runs already there;
``ONLY=g1,g3`` picks runs; ``SET=students`` runs the smaller readers of ``STUDENTS`` (``--keep-layers``,
``--distill``) instead. Back here::

    python scripts/train_on_device.py join OUT_DIR g3 /work/reader-runs/v7/best.pt

joins them into one fp32 state dict for ``python -m qa.train --export-only --checkpoint``.
"""
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

# what one device call brings back from $OUT: 64 MiB and 8 files in all (a margin kept)
BACK_BYTES, BACK_FILES = 60 * 2**20, 8
SMOKE = os.environ.get("SMOKE") == "1"
OUT = Path(os.environ.get("OUT", "/tmp/out"))
RUNS = Path(os.environ.get("RUNS", "/tmp/runs"))
DEVICE = os.environ.get("DEVICE", "cuda")
DEADLINE_MIN = float(os.environ.get("DEADLINE_MIN", "7.0"))
TRAIN_MIN = os.environ.get("TRAIN_MIN", "5.0")
D = os.environ.get("DATA_DIR", ".gpu/data") + "/"
DATA = [D + f for f in ("squad_dev_half_train_split.json", "squad_v2_train_subset.json",
                        "squadshifts_amazon_reviews.json", "squadshifts_new_wiki.json", "squadshifts_reddit.json")]
EVAL = D + "dev_half_eval_split.json"
BASE = ".gpu/base"  # config.json and the tokenizer only
COMMON = ["--data", *DATA, "--eval", EVAL, "--base", BASE, "--init-from", "models/reader/model.onnx",
          "--seed", "21", "--batch-size", "32", "--max-len", "192", "--eval-limit", "400", "--patience", "4",
          "--max-minutes", TRAIN_MIN, "--threads", "4", "--device", DEVICE, "--no-export"]
CONFIGS = {
    "g1": ["--lr", "3e-5", "--epochs", "2", "--para-rate", "0.5", "--para-null-rate", "0.5", "--eval-every", "500",
           "--ckpt-every", "500"],
    "g2": ["--lr", "2e-5", "--epochs", "3", "--para-rate", "0.5", "--para-null-rate", "0.5", "--eval-every", "500",
           "--ckpt-every", "500"],
    "g3": ["--lr", "4e-5", "--epochs", "3", "--para-rate", "1.0", "--para-null-rate", "1.0", "--eval-every", "500",
           "--ckpt-every", "500"],
}


def _student(layers: str, distill: str, lr: str) -> list[str]:
    """A smaller reader's arguments: these layers of v7, taught by the whole of it (the rest as every student)."""
    return ["--keep-layers", layers, "--distill", distill, "--lr", lr, "--epochs", "3", "--para-rate", "1.0",
            "--para-null-rate", "1.0", "--eval-every", "500", "--ckpt-every", "500"]


# smaller readers (session 14): some of v7's layers, taught by the whole of it; about 1.5x / 2x faster to run
STUDENTS = {
    "s3": _student("0,2,5", "0.5", "1e-4"), "s3d": _student("0,2,5", "0.8", "1e-4"),
    "s4": _student("0,2,4,5", "0.5", "8e-5"), "s4d": _student("0,2,4,5", "0.8", "8e-5"),
    # 5 layers (session 15): read untrained, v7 without layer 1 gives F1 0.520, without layer 4 0.454 (150 questions)
    "s5": _student("0,2,3,4,5", "0.8", "5e-5"), "s5b": _student("0,1,2,3,5", "0.8", "5e-5"),
}
if os.environ.get("SET") == "students":
    CONFIGS = STUDENTS
if SMOKE:
    COMMON += ["--limit", "24", "--eval-limit", "6"]
    CONFIGS = {k: [*v[:-4], "--eval-every", "2", "--ckpt-every", "2"] for k, v in list(CONFIGS.items())[:2]}


def _best(name: str, full: list, tok) -> dict:
    import torch

    from qa.train.distill import load_weights
    from qa.train.evaluate import squad_scores
    from qa.train.loop import TorchPredictor, TrainConfig, build_model

    model = build_model(BASE)
    load_weights(model, torch.load(RUNS / name / "best.pt", map_location="cpu"))  # a student keeps fewer layers
    model.to(DEVICE).eval()
    cfg = TrainConfig(data=DATA, eval=EVAL, work=str(RUNS / name), base=BASE)
    return squad_scores(TorchPredictor(model, tok, cfg), full)


def drive() -> None:
    """Train the ``CONFIGS`` side by side, then read, pick and pack the best (module docstring)."""
    sys.path.insert(0, os.getcwd())
    import torch

    from qa.train.data import load_squad
    from qa.train.loop import load_tokenizer

    OUT.mkdir(parents=True, exist_ok=True)
    configs = CONFIGS
    t0 = time.time()
    env = dict(os.environ, PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    procs = {}
    if os.environ.get("ONLY"):
        configs = {k: v for k, v in configs.items() if k in os.environ["ONLY"].split(",")}
    for name, extra in ({} if os.environ.get("SKIP") else configs).items():
        work = RUNS / name
        work.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "qa.train", *COMMON, *extra, "--work", str(work), "--out", str(work / "out")]
        (work / "command.txt").write_text(" ".join(cmd[1:]) + "\n")
        with open(work / "log.txt", "w") as log:  # the child keeps its own copy of the descriptor
            procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        print("started", name, flush=True)
    while any(p.poll() is None for p in procs.values()) and time.time() - t0 < DEADLINE_MIN * 60:
        time.sleep(5)
    for name, p in procs.items():
        if p.poll() is None:
            print("deadline: killing", name, flush=True)
            p.kill()
        print(name, "rc", p.wait(), "after %.1f min" % ((time.time() - t0) / 60), flush=True)

    # logs and states first: they come back even if the rest fails
    with tarfile.open(OUT / "runs.tar.gz", "w:gz") as tar:
        for name in configs:
            for f in ("log.txt", "state.json", "lineage.md", "command.txt"):
                if (RUNS / name / f).exists():
                    tar.add(RUNS / name / f, arcname=f"{name}/{f}")
    full = [ex for ex in load_squad([EVAL])[0] if ex.answers]
    if SMOKE:
        full = full[:8]
    tok = load_tokenizer(BASE)
    scores = {}
    best_name, best_f1 = None, -1.0
    for name in configs:
        pt = RUNS / name / "best.pt"
        if not pt.exists():
            continue
        s = _best(name, full, tok)
        state = json.loads((RUNS / name / "state.json").read_text())
        scores[name] = {"full_fp32": s, "best_subset_f1": state["best_f1"], "best_step": state["best_step"],
                        "steps": state["step"], "minutes": state["seconds"] / 60, "stopped": state["stopped"]}
        print(name, scores[name], flush=True)
        if s["f1"] > best_f1:
            best_name, best_f1 = name, s["f1"]
    (OUT / "scores.json").write_text(json.dumps({"best": best_name, "runs": scores}, indent=1))
    saved = set()
    for name in sorted(scores, key=lambda n: -scores[n]["full_fp32"]["f1"]):  # the best of each size comes back
        size = _layer_count(configs[name])
        if size not in saved and _save_fp16(torch.load(RUNS / name / "best.pt", map_location="cpu"), name):
            saved.add(size)
    print("done after %.1f min" % ((time.time() - t0) / 60), flush=True)


def _layer_count(extra: list) -> int:
    """How many encoder layers a run's reader has (``--keep-layers``; 0: all of them)."""
    return len(extra[extra.index("--keep-layers") + 1].split(",")) if "--keep-layers" in extra else 0


def _save_fp16(sd: dict, best_name: str) -> bool:
    """``sd`` in fp16 under ``$OUT``, in files under 16 MB (the word embeddings split by rows), when they fit
    beside what is there in what a device call brings back (:data:`BACK_BYTES`, :data:`BACK_FILES`)."""
    import torch

    chunks: list[dict] = []
    cur: dict = {}
    size = 0
    parts = []
    for k in sd:
        t = sd[k].half() if sd[k].is_floating_point() else sd[k]
        if t.numel() * t.element_size() > 12 * 2**20:  # the word embeddings: split by rows
            half = t.shape[0] // 2
            parts += [(k + "#0", t[:half]), (k + "#1", t[half:])]
        else:
            parts.append((k, t))
    for k, t in parts:
        nbytes = t.numel() * t.element_size()
        if cur and size + nbytes > 15 * 2**20:
            chunks.append(cur)
            cur, size = {}, 0
        cur[k] = t.clone()
        size += nbytes
    chunks.append(cur)
    there = [f for f in OUT.iterdir() if f.is_file()]
    need = sum(t.numel() * t.element_size() + 2**16 for c in chunks for t in c.values())
    if len(there) + len(chunks) > BACK_FILES or sum(f.stat().st_size for f in there) + need > BACK_BYTES:
        print("not saved (would not all come back):", best_name, flush=True)
        return False
    for i, c in enumerate(chunks):
        torch.save(c, OUT / f"best_{best_name}_{i}.pt")
    print("saved", best_name, len(chunks), "chunks", flush=True)
    return True


def join(out: Path, name: str, dest: Path) -> None:
    """Join the fp16 files of run ``name`` under ``out`` into one fp32 state dict at ``dest``."""
    import torch

    sd: dict = {}
    for f in sorted(out.glob(f"best_{name}_*.pt"), key=lambda q: int(q.stem.rsplit("_", 1)[1])):
        sd.update(torch.load(f))
    for k in [k for k in sd if k.endswith("#0")]:
        sd[k[:-2]] = torch.cat([sd.pop(k), sd.pop(k[:-2] + "#1")])
    torch.save({k: v.float() if v.is_floating_point() else v for k, v in sd.items()}, dest)
    print(len(sd), "tensors ->", dest)


if __name__ == "__main__":
    if sys.argv[1:2] == ["join"]:
        join(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
    else:
        drive()
