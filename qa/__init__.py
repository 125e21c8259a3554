"""Source-attributed question answering over news articles.

Every answer is a verbatim quote from an indexed article, labelled with its outlet::

    import qa
    result = qa.answer("Who signed the decree?")
    for quote in result.quotes:
        print(quote.outlet, quote.text)
"""

from qa.api import answer, open_index, retrieve
from qa.build.indexer import add_articles, build_index
from qa.types import Answer, Article, IndexStats, OutletQuotes, Passage, Quote

__all__ = [
    "Answer",
    "Article",
    "IndexStats",
    "OutletQuotes",
    "Passage",
    "Quote",
    "add_articles",
    "answer",
    "build_index",
    "open_index",
    "retrieve",
]
__version__ = "0.1.0"
