"""The model sub-commands: ``qa train-reader`` and ``qa calibrate-reader`` (training needs torch).

Their options are the training package's own (``qa train-reader --help``); these entries only hand
the arguments over, importing :mod:`qa.train` when the command runs, never at ``qa`` start-up.
"""

from __future__ import annotations

import argparse

from qa.cli.options import Command


def _pass_through(p: argparse.ArgumentParser) -> None:
    """No arguments here: all of them go, in order, to the command's own parser (``args.options``)."""


def _train(args: argparse.Namespace) -> int:
    from qa.train.__main__ import main

    return main(args.options)


def _calibrate(args: argparse.Namespace) -> int:
    from qa.train.calibrate import main

    return main(args.options)


TRAIN = Command(
    "train-reader", "fine-tune the extractive reader and export it (int8 ONNX + model card)",
    "Fine-tune all-MiniLM-L6-v2 with a span head on SQuAD-format files (fixed seed, resumable checkpoints, "
    "early stopping), export int8 ONNX and write the model card with data hashes, hyper-parameters and "
    "figures. Example: qa train-reader --data ../shared/train/*.json --eval "
    "../shared/bench/squad/dev_half_eval_split.json --out models/reader. All options: qa train-reader -h.",
    _pass_through, _train, passthrough=True)
CALIBRATE = Command(
    "calibrate-reader", "fit the reader's confidence and thresholds on dev data (stored beside the model)",
    "Run the answer path over SQuAD and MultiHop-RAG dev questions, fit the logistic confidence over the "
    "reader's and the sentence scorer's scores, choose the abstention and short-answer thresholds, and "
    "write them into the reader's reader.json and model card. All options: qa calibrate-reader -h.",
    _pass_through, _calibrate, passthrough=True)
