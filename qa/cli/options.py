"""Pieces shared by the sub-commands of ``qa``: the command record and the common options."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import qa
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


def check_port(host: str, port: int) -> None:
    """Refuse a port out of range or already taken on ``host``, before anything slow runs.

    Raises:
        qa.ConfigError: ``port`` is not 1-65535, or another program listens on it.
    """
    if not 1 <= port <= 65535:
        raise qa.ConfigError(f"port {port} is out of range", field="port", hint="give a port from 1 to 65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is free
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise qa.ConfigError(f"cannot listen on {host}:{port} ({exc.strerror or exc})", field="port",
                                 hint="another program uses it: pick another with --port") from None
