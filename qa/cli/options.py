"""Pieces shared by the sub-commands of ``qa``: the command record and the common options."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa import IndexStats


@dataclass(frozen=True)
class Command:
    """One ``qa`` sub-command: what ``qa --help`` lists and what runs it.

    Attributes:
        name: The sub-command, e.g. ``"ask"``.
        help: One line for ``qa --help``.
        description: The paragraph of ``qa NAME --help``.
        arguments: Adds the sub-command's arguments to its parser.
        run: Runs it; returns the exit code. Raises ``ValueError`` (usually a ``qa.QAError``) for
            bad input, which ``main`` prints as ``qa NAME: error: ...`` with exit code 2.
        raw_description: Keep the description's line breaks.
        passthrough: Hand every argument after the name to ``run`` as ``args.options`` (its own parser).
    """

    name: str
    help: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    raw_description: bool = False
    passthrough: bool = False


def add_dirs(p: argparse.ArgumentParser, corpus: bool = True) -> None:
    """The ``--corpus`` and ``--index``/``--backend`` options (None when not given: the library's defaults apply)."""
    if corpus:
        p.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                       help="corpus directory of article files (default: $QA_CORPUS or ./corpus)")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index directory (default: $QA_BACKEND_URL, else $QA_INDEX or ./index)")
    p.add_argument("--backend", dest="index", default=None, metavar="URL",
                   help="a search server instead of an index directory, e.g. postgresql://qa@127.0.0.1:5432/qa "
                        "(default: $QA_BACKEND_URL)")


def add_quiet(p: argparse.ArgumentParser) -> None:
    """The ``-q/--quiet`` option: no progress bar."""
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def work_done(stats: IndexStats) -> str:
    """``"(embedded E new, reused R) in S s"``: what an index update did."""
    return f"(embedded {stats.embedded} new, reused {stats.reused}) in {stats.seconds:.1f} s"
