"""Index lifecycle beyond add and build: removing articles (``qa remove``).

Adding is :func:`qa.ingest.indexer.add_articles`, updating after edits is :func:`qa.ingest.indexer.build_index`;
all of them hold the index's writer lock and finish by writing a complete new index version that
becomes live atomically, so paragraphs of removed or edited articles leave FAISS, BM25 and the
passage metadata together.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from qa.config import default_corpus
from qa.errors import ArticleError
from qa.fsio import fsync_dir
from qa.ingest.corpus import CORPUS_SUFFIX, corpus_files
from qa.ingest.indexer import build_lock, build_locked, resolve_dirs
from qa.ingest.records import Progress
from qa.types import IndexStats

ID_HINT = f"give an article id (a file name there without {CORPUS_SUFFIX}) or the file's path"


def resolve_articles(ids_or_paths: Sequence[str | Path], corpus: str | Path | None = None) -> list[Path]:
    """The corpus files named by article ids (file stems) or by paths to files of the corpus.

    Args:
        ids_or_paths: Article ids or paths, as for :func:`remove_articles`.
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).

    Raises:
        ArticleError: Nothing given, or an item names no article of the corpus (closest ids suggested).
    """
    corpus = Path(corpus) if corpus is not None else default_corpus()
    if not ids_or_paths:
        raise ArticleError("no articles given", hint=ID_HINT)
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
            raise ArticleError(f"{text!r} is not an article of {corpus}",
                               hint=ID_HINT + (f"; did you mean {', '.join(close)}?" if close else ""))
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
        progress: As for :func:`qa.ingest.indexer.build_index`.

    Returns:
        The counts of the updated index.

    Raises:
        ArticleError: An item names no article of the corpus, or removing would empty the corpus.
    """
    corpus, root = resolve_dirs(corpus, index)
    targets = resolve_articles(ids_or_paths, corpus)
    if len(targets) == len(corpus_files(corpus)):
        raise ArticleError(f"that would remove every article of {corpus}, and an index needs at least one",
                           hint=f"to start over, delete {corpus} and {root}")
    with build_lock(root):
        for path in targets:
            path.unlink(missing_ok=True)
        fsync_dir(corpus)  # the deletions are durable before the index stops mentioning them
        return build_locked(corpus, root, progress=progress)
