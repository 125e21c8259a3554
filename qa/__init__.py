"""Source-attributed question answering over news articles.

Every answer is a verbatim quote from an indexed article, labelled with its outlet::

    import qa
    result = qa.answer("Who signed the decree?")
    for quote in result.quotes:
        print(quote.outlet, quote.text)

:class:`Answerer` is the same answer path built once, over one index with one :class:`Settings` (every
tuning number) and its own encoder and reader; :class:`Config` is the environment, read in one place.

This module is the public API: the command line (:mod:`qa.cli`), the UI (``ui/``) and the
measurement tools (:mod:`qa.tools`) use only the names listed in ``__all__``. Importing it loads
no model and no UI toolkit.
"""

from qa.answerer import Answerer
from qa.api import answer, differences, open_index, read_answers, reader_configured, retrieve
from qa.config import Config, default_corpus, default_index
from qa.conversation import Turn
from qa.errors import (
    ArticleError,
    ConfigError,
    FetchError,
    IndexCorrupted,
    IndexMissing,
    IndexOutdated,
    ModelMismatch,
    QAError,
    QuestionError,
)
from qa.hedging import NO_DIFFERENCE, hedge
from qa.index.store import IndexStore, outlet_key
from qa.ingest.corpus import write_article
from qa.ingest.fetch import FetchSettings
from qa.ingest.indexer import add_articles, build_index
from qa.ingest.lifecycle import remove_articles, resolve_articles
from qa.ingest.readers import check_published
from qa.ingest.webadd import FeedResult, SkippedItem, add_feed, add_urls, fetch_article
from qa.library import get_article, list_articles
from qa.settings import Settings
from qa.status import IndexStatus, index_status
from qa.textmatch import answer_f1, exact_match, normalize_answer, same_answer
from qa.types import (
    Answer,
    Article,
    ArticleFact,
    Difference,
    IndexStats,
    OutletQuotes,
    Passage,
    Position,
    Quote,
    Span,
)

__all__ = [
    "NO_DIFFERENCE",
    "Answer",
    "Answerer",
    "Article",
    "ArticleError",
    "ArticleFact",
    "Config",
    "ConfigError",
    "Difference",
    "FeedResult",
    "FetchError",
    "FetchSettings",
    "IndexCorrupted",
    "IndexMissing",
    "IndexOutdated",
    "IndexStats",
    "IndexStatus",
    "IndexStore",
    "ModelMismatch",
    "OutletQuotes",
    "Passage",
    "Position",
    "QAError",
    "QuestionError",
    "Quote",
    "Settings",
    "SkippedItem",
    "Span",
    "Turn",
    "add_articles",
    "add_feed",
    "add_urls",
    "answer",
    "answer_f1",
    "build_index",
    "check_published",
    "default_corpus",
    "default_index",
    "differences",
    "exact_match",
    "fetch_article",
    "get_article",
    "hedge",
    "index_status",
    "list_articles",
    "normalize_answer",
    "open_index",
    "outlet_key",
    "read_answers",
    "reader_configured",
    "remove_articles",
    "resolve_articles",
    "retrieve",
    "same_answer",
    "write_article",
]
__version__ = "0.1.0"
