"""The corpus as a library: list (and search) its articles, read one by id.

What the UI's Library tab shows; removing is :func:`qa.remove_articles`. Reads only the corpus files
(never the index), in the format ``qa add`` writes.
"""

from __future__ import annotations

from pathlib import Path

from qa.config import default_corpus
from qa.ingest.corpus import iter_corpus, read_article
from qa.ingest.lifecycle import resolve_articles
from qa.types import Article

__all__ = ["get_article", "list_articles"]


def list_articles(corpus: str | Path | None = None, search: str = "") -> list[tuple[str, Article]]:
    """``(article_id, Article)`` for every article of the corpus, newest first, then by title.

    Args:
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        search: Keep only articles whose title, outlet, author, date or id contain every word of it
            (ignoring case); "" keeps all.

    Raises:
        ArticleError: A corpus file is malformed (the message names it).
    """
    root = Path(corpus) if corpus is not None else default_corpus()
    if not root.is_dir():
        return []
    words = search.casefold().split()
    found = []
    for aid, article in iter_corpus(root):
        haystack = " ".join((aid, article.title, article.outlet, article.author, article.published)).casefold()
        if all(w in haystack for w in words):
            found.append((aid, article))
    found.sort(key=lambda item: item[1].title.casefold())
    found.sort(key=lambda item: item[1].published, reverse=True)
    return found


def get_article(article_id: str, corpus: str | Path | None = None) -> Article:
    """The article of the corpus with this id (its file name without ``.md``).

    Raises:
        ArticleError: No article has that id (the closest ids are suggested).
    """
    (path,) = resolve_articles([article_id], corpus)
    return read_article(path)
