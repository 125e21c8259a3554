"""Build and update the index from the corpus directory; add articles to the corpus."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from qa.config import Config, default_corpus
from qa.errors import ArticleError, IndexCorrupted
from qa.fsio import check_directory
from qa.index.open import index_target
from qa.index.sentences import SentenceTable
from qa.index.settings import IndexSettings, VectorSettings
from qa.index.store import FORMAT_VERSION, IndexStore, read_manifest
from qa.index.writer import write_index
from qa.ingest.corpus import find_duplicates, write_article
from qa.ingest.readers import given_metadata, read_articles
from qa.ingest.records import Progress, Sentences, corpus_records, embed_records
from qa.settings import Settings
from qa.types import Article, IndexStats

log = logging.getLogger(__name__)
def build_index(corpus: str | Path | None = None, index: str | Path | None = None, *,
                rebuild: bool = False, progress: bool | Progress = False,
                from_index: str | Path | None = None, settings: IndexSettings | Settings | None = None) -> IndexStats:
    """Build or update the index from every article file in ``corpus``.

    Paragraphs whose embedded text is unchanged reuse their stored vectors; only new or edited
    paragraphs are embedded, and paragraphs of removed or edited articles leave the index. The new
    index becomes live atomically when complete. One build runs at a time per index directory.

    Args:
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory or ``postgresql://`` server URL (default ``$QA_BACKEND_URL``, else
            ``$QA_INDEX`` or ``./index``).
        rebuild: Ignore the stored vectors and embed everything again.
        progress: True for a terminal progress bar, or a callback ``f(done, total)``.
        from_index: Into a server only: take vectors from this embedded index of the same model.
        settings: BM25 and vector settings of the new version (:attr:`qa.Settings.index`; default: those the
            index was built with, as its manifest records them, else the defaults with ``$QA_ANN_THRESHOLD``).

    Returns:
        Counts of articles, passages, newly embedded and reused vectors.

    Raises:
        ArticleError: The corpus is empty or a corpus file is malformed (named in the message).
    """
    corpus, root = resolve_dirs(corpus, index)
    with build_lock(root):
        return build_locked(corpus, root, rebuild=rebuild, progress=progress, from_index=from_index,
                            settings=settings)


def index_settings(root: Path, given: IndexSettings | Settings | None = None, config: Config | None = None
                   ) -> IndexSettings:
    """The settings a new version of the index at ``root`` is written with (see :func:`build_index`)."""
    if given is not None:
        return given.index if isinstance(given, Settings) else given
    try:
        old = read_manifest(root)
    except IndexCorrupted:
        old = None
    settings = IndexSettings.from_manifest(old or {})
    threshold = (config or Config.from_env()).ann_threshold
    if threshold is None:
        return settings
    vectors = VectorSettings(**{**settings.vectors.__dict__, "ann_threshold": threshold})
    return IndexSettings(settings.bm25, vectors, settings.server_vectors)


def resolve_dirs(corpus: str | Path | None, index: str | Path | None) -> tuple[Path, Path | str]:
    """``(corpus, index)``, defaults filled in; the index a directory or a server URL (str); a file: ConfigError."""
    root = index_target(index)
    return (check_directory(Path(corpus) if corpus is not None else default_corpus(), "a corpus"),
            root if isinstance(root, str) else check_directory(root, "an index"))


@contextmanager
def build_lock(root: Path | str) -> Iterator[None]:
    """Hold the writer lock of an index directory: builds of one index run one after another.

    The lock is an ``flock`` on ``ROOT/.lock``; the kernel releases it when its holder dies, even by
    ``kill -9``. Readers never take it. A server index (URL) is locked on the server by the build itself.
    """
    if isinstance(root, str):
        yield
        return
    try:
        import fcntl
    except ImportError:  # Windows: no flock; builds are still atomic, just not serialised
        yield
        return
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another build of %s is running: waiting for it to finish", root)
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def build_locked(corpus: Path, root: Path | str, *, rebuild: bool = False, progress: bool | Progress = False,
                 from_index: str | Path | None = None, settings: IndexSettings | Settings | None = None) -> IndexStats:
    """:func:`build_index` for a caller that already holds :func:`build_lock` of ``root``."""
    if isinstance(root, str):  # a search server: qa.ingest.serverbuild
        from qa.ingest.serverbuild import build_into_server
        return build_into_server(corpus, root, rebuild=rebuild, progress=progress, from_index=from_index,
                                 settings=settings)
    started = time.perf_counter()
    chosen = index_settings(root, settings)
    records, meta = corpus_records(corpus)
    cache, sent_cache = ({}, {}) if rebuild else _reusable_vectors(root, meta)
    todo = sorted({r.key: r for r in records if r.key not in sent_cache}.values(), key=lambda r: len(r.text))
    log.info("%d passages from %d articles: embedding %d new, reusing %d", len(records),
             len({r.article_id for r in records}), len(todo), len(records) - len(todo))
    new, new_sents = embed_records(todo, progress)
    cache.update(new)
    sent_cache.update(new_sents)
    vectors = np.stack([cache[r.key] for r in records]).astype(np.float32)
    table = SentenceTable.build([sent_cache[r.key][0] for r in records], [sent_cache[r.key][1] for r in records])
    write_index(root, records, vectors, meta, sentences=table, settings=chosen)
    reused = sum(1 for r in records if r.key not in new)
    return IndexStats(articles=len({r.article_id for r in records}), passages=len(records),
                      embedded=len(new), reused=reused, seconds=time.perf_counter() - started,
                      path=str(root))


def _reusable_vectors(root: Path, meta: dict) -> tuple[dict[str, np.ndarray], dict[str, Sentences]]:
    """Passage vectors and sentence spans + vectors of the live index, by embedding key.

    Nothing is reused from an index of an older format or of another model, dimension or tokenizer.
    """
    try:
        old = read_manifest(root)
    except IndexCorrupted as exc:
        log.warning("previous index unusable (%s): embedding everything", exc)
        return {}, {}
    if old is None:
        return {}, {}
    if old.get("format_version") != FORMAT_VERSION:
        log.warning("index format %s is outdated (now %s): rebuilding from scratch, no vectors reused",
                    old.get("format_version"), FORMAT_VERSION)
        return {}, {}
    if (old.get("model"), old.get("dimension")) != (meta["model"], meta["dimension"]):
        log.warning("model changed (%s, dim %s -> %s, dim %s): full rebuild, no vectors reused",
                    old.get("model"), old.get("dimension"), meta["model"], meta["dimension"])
        return {}, {}
    if old.get("tokenizer") != meta["tokenizer"]:
        log.warning("tokenizer changed (%s -> %s): full rebuild", old.get("tokenizer"), meta["tokenizer"])
        return {}, {}
    try:
        store = IndexStore.open(root)
        with closing(store):
            return store.vectors_by_key(), store.sentences_by_key()
    except IndexCorrupted as exc:
        log.warning("previous index unusable (%s): embedding everything", exc)
        return {}, {}


def add_articles(paths: Sequence[str | Path], *, corpus: str | Path | None = None,
                 index: str | Path | None = None, progress: bool | Progress = False, outlet: str | None = None,
                 title: str | None = None, author: str | None = None, published: str | None = None,
                 url: str | None = None, metadata: Mapping[str, str] | None = None) -> IndexStats:
    """Add article files to the corpus (as front-matter Markdown) and update the index.

    Every file is read and validated before anything is written: one bad file, or an article that
    repeats one already in the corpus (same url or same text), refuses the whole call and leaves
    corpus and index unchanged.

    Args:
        paths: Files to add (``.md``, ``.txt``, ``.json``, ``.jsonl``, ``.html``).
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory (default ``$QA_INDEX`` or ``./index``).
        progress: As for :func:`build_index`.
        outlet: The outlet, for files that lack one (also ``title``, ``author``, ``published``, ``url``).
        metadata: Other front-matter fields (and any of the above), in one dict.

    Raises:
        ArticleError: A file is unreadable or malformed, an article lacks an outlet or body, or it
            duplicates an article of the corpus (the message names that article's id).
    """
    corpus, root = resolve_dirs(corpus, index)
    if not paths:
        raise ArticleError("no files given", hint="name at least one article file")
    articles: list[Article] = []
    given = given_metadata(metadata, outlet=outlet, title=title, author=author, published=published, url=url)
    for p in paths:
        articles.extend(read_articles(p, **given))
    return store_articles(articles, corpus, root, progress=progress)


def store_articles(articles: Sequence[Article], corpus: Path, root: Path, progress: bool | Progress = False
                   ) -> IndexStats:
    """Refuse duplicates (:func:`find_duplicates`), then write ``articles`` to the corpus and update the index."""
    find_duplicates(list(articles), corpus)
    with build_lock(root):
        for article in articles:
            write_article(article, corpus)
        return build_locked(corpus, root, progress=progress)

