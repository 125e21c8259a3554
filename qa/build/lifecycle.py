"""Index lifecycle beyond add and build: removing articles (``qa remove``).

Adding is :func:`qa.build.indexer.add_articles`, updating after edits is :func:`qa.build.indexer.build_index`;
all of them hold the index's writer lock and finish by writing a complete new index version that
becomes live atomically, so paragraphs of removed or edited articles leave FAISS, BM25 and the
passage metadata together.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from pathlib import Path

from qa.build.corpus import CORPUS_SUFFIX, corpus_files, fsync_dir
from qa.build.indexer import Progress, build_lock, build_locked, resolve_dirs
from qa.types import IndexStats


def resolve_articles(ids_or_paths: Sequence[str | Path], corpus: Path) -> list[Path]:
    """The corpus files named by article ids (file stems) or by paths to files of the corpus.

    Raises:
        ValueError: Nothing given, or an item names no article of the corpus (closest ids suggested).
    """
    if not ids_or_paths:
        raise ValueError("no articles given: name them by id (file name in the corpus without .md) or path")
    files = {p.stem: p for p in corpus_files(corpus)}
    home = corpus.resolve()
    found: list[Path] = []
    for item in ids_or_paths:
        text = str(item).strip()
        path = Path(text)
        if path.suffix == CORPUS_SUFFIX and path.is_file() and path.resolve().parent == home:
            aid = path.stem
        else:
            aid = path.name.removesuffix(CORPUS_SUFFIX) if path.suffix == CORPUS_SUFFIX else text
        if aid not in files:
            close = difflib.get_close_matches(aid, list(files), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"{text!r} is not an article of {corpus} (give an article id, i.e. a file "
                             f"name there without {CORPUS_SUFFIX}, or the file's path){hint}")
        if files[aid] not in found:
            found.append(files[aid])
    return found


def remove_articles(ids_or_paths: Sequence[str | Path], *, corpus: str | Path | None = None,
                    index: str | Path | None = None, progress: bool | Progress = False) -> IndexStats:
    """Delete articles from the corpus and update the index so none of their paragraphs remain.

    Every item is resolved before anything is deleted: one unknown item refuses the whole call and
    leaves corpus and index unchanged. The remaining passages reuse their vectors (nothing is embedded).

    Args:
        ids_or_paths: Article ids (corpus file names without ``.md``) or paths to corpus files.
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory (default ``$QA_INDEX`` or ``./index``).
        progress: As for :func:`qa.build.indexer.build_index`.

    Returns:
        The counts of the updated index.

    Raises:
        ValueError: An item names no article of the corpus, or removing would empty the corpus.
    """
    corpus, root = resolve_dirs(corpus, index)
    targets = resolve_articles(ids_or_paths, corpus)
    if len(targets) == len(corpus_files(corpus)):
        raise ValueError(f"that would remove every article of {corpus}, and an index needs at least one; "
                         f"to start over, delete {corpus} and {root}")
    with build_lock(root):
        for path in targets:
            path.unlink(missing_ok=True)
        fsync_dir(corpus)  # the deletions are durable before the index stops mentioning them
        return build_locked(corpus, root, progress=progress)


def _cmd_remove(args: argparse.Namespace) -> int:
    corpus, _ = resolve_dirs(args.corpus, args.index)
    targets = resolve_articles(args.articles, corpus)
    stats = remove_articles(targets, corpus=corpus, index=args.index, progress=not args.quiet)
    for path in targets:
        print(f"removed {path.stem}")
    print(f"index now has {stats.articles} articles, {stats.passages} passages "
          f"(embedded {stats.embedded} new, reused {stats.reused}) in {stats.seconds:.1f} s")
    return 0


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``qa remove`` sub-command to the ``qa`` parser."""
    from qa.cli import _paths

    p = subparsers.add_parser(
        "remove", help="remove articles from the corpus and the index",
        description="Delete articles (by id: the corpus file name without .md, or by path to the corpus "
                    "file) and update the index: their paragraphs leave the dense index, BM25 and the "
                    "metadata together. Nothing is re-embedded.")
    p.add_argument("articles", nargs="+", metavar="ARTICLE_ID|PATH", help="articles to remove")
    _paths(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_remove)
