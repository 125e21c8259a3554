"""Adding articles from the web: ``qa add URL`` (:func:`add_urls`) and ``qa add --feed URL`` (:func:`add_feed`).

A page is fetched (:mod:`qa.ingest.fetch`), its story and metadata extracted (:mod:`qa.ingest.webpage`),
checked as any article (:func:`qa.ingest.readers.article_from_fields`) and then stored like an article
file (:func:`qa.ingest.indexer.store_articles`). The outlet is the page's site name, else its host;
the ``url`` is its canonical address, else the address it was served from. Nothing is written
unless every page is good and new.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.errors import ArticleError, QAError
from qa.ingest.corpus import duplicate_keys, known_keys, url_key
from qa.ingest.feed import FeedItem, parse_feed
from qa.ingest.fetch import FEED_TYPES, PAGE_TYPES, FetchSettings, check_url, fetch
from qa.ingest.indexer import resolve_dirs, store_articles
from qa.ingest.readers import article_from_fields, check_metadata, given_metadata
from qa.ingest.records import Progress
from qa.ingest.webpage import host_outlet, page_fields
from qa.types import Article, IndexStats

log = logging.getLogger(__name__)
MAX_FEED_ITEMS = 100


@dataclass(frozen=True)
class SkippedItem:
    """A feed entry that was not added, and why.

    Attributes:
        link: The entry's address ("" when it has none).
        title: The entry's title.
        reason: Why: already in the corpus, or what went wrong fetching or reading it.
    """

    link: str
    title: str
    reason: str


@dataclass(frozen=True)
class FeedResult:
    """What :func:`add_feed` did.

    Attributes:
        feed: The feed's address (after redirects).
        title: The feed's title.
        added: The articles added, in feed order.
        skipped: The entries not added (known already, or unusable), with the reason.
        stats: The updated index's counts; None when nothing was added (corpus and index untouched).
    """

    feed: str
    title: str
    added: tuple[Article, ...]
    skipped: tuple[SkippedItem, ...]
    stats: IndexStats | None


def fetch_article(url: str, *, settings: FetchSettings | None = None, allow_private: bool = True,
                  outlet: str | None = None, title: str | None = None, author: str | None = None,
                  published: str | None = None, metadata: Mapping[str, str] | None = None) -> Article:
    """Fetch one web page and read the news article on it; writes nothing.

    Args:
        url: The page's ``http://`` or ``https://`` address.
        settings: Timeouts and size limits of the fetch (default :class:`~qa.ingest.fetch.FetchSettings`).
        allow_private: False: refuse pages on loopback, private, link-local, multicast, reserved or
            unspecified addresses (IPv4 and IPv6), checked again on every redirect, before connecting;
            the connection goes to the address checked. True (the default): any address.
        outlet: Replaces the outlet the page names (e.g. ``"Reuters"``); ``title``, ``author``, ``published``
            likewise.
        metadata: Other fields (and ``url``) that replace what the page says, in one dict.

    Returns:
        The article: outlet from the site name (else the host), date as ``YYYY-MM-DD``, canonical url.

    Raises:
        FetchError: The page could not be fetched or is not HTML (``reason`` says which;
            ``private_address`` for an address refused by ``allow_private=False``).
        ArticleError: No article text on the page.
    """
    given = given_metadata(metadata, outlet=outlet, title=title, author=author, published=published)
    return _page_article(url, settings, given, {}, allow_private)


def _page_article(url: str, settings: FetchSettings | None, override: Mapping[str, str],
                  fill: Mapping[str, str], allow_private: bool) -> Article:
    page = fetch(url, PAGE_TYPES, settings, what="web page", allow_private=allow_private)
    fields = page_fields(_text(page.body, page.charset), url, base_url=page.url)
    fields["outlet"] = fields["outlet"] or host_outlet(fields["url"])
    given = {k: v for k, v in override.items() if v not in (None, "")}
    return article_from_fields({**fields, **given}, fill, url)


def _text(body: bytes, charset: str) -> str | bytes:
    """The page decoded by the charset its server declared; the bytes (trafilatura detects) when none is usable."""
    try:
        return body.decode(charset, "replace") if charset else body
    except LookupError:  # an unknown charset name
        return body


def add_urls(urls: str | Sequence[str], *, corpus: str | Path | None = None, index: str | Path | None = None,
             progress: bool | Progress = False, settings: FetchSettings | None = None,
             allow_private: bool = True, outlet: str | None = None, title: str | None = None,
             author: str | None = None, published: str | None = None, metadata: Mapping[str, str] | None = None
             ) -> IndexStats:
    """Fetch web pages, add their articles to the corpus and update the index.

    Every page is fetched and checked before anything is written: one that fails, or repeats an
    article of the corpus (same canonical url or same text), refuses the whole call and leaves
    corpus and index unchanged.

    Args:
        urls: One address or several.
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory (default ``$QA_INDEX`` or ``./index``).
        progress: As for :func:`qa.build_index`.
        settings: Timeouts and size limits of each fetch.
        allow_private: False (what the UI passes): refuse pages whose host is or resolves to a
            loopback, private, link-local, multicast, reserved or unspecified address, redirects
            included, as for :func:`fetch_article`. True (the default): the caller owns the machine.
        outlet: Replaces what the pages say, as for :func:`fetch_article` (also ``title``, ``author``,
            ``published``, and other fields in one ``metadata`` dict).

    Raises:
        FetchError: A page could not be fetched (bad address, unreachable, timeout, HTTP error,
            not HTML, too big, too many redirects, a refused private address).
        ArticleError: No article text on a page, or a duplicate (the message names the article it repeats).
    """
    corpus, root = resolve_dirs(corpus, index)
    metadata = given_metadata(metadata, outlet=outlet, title=title, author=author, published=published)
    check_metadata(metadata)
    urls = [urls] if isinstance(urls, str) else list(urls)
    if not urls:
        raise ArticleError("no addresses given", hint="name at least one http:// or https:// address")
    for url in urls:
        check_url(url)  # every address is checked before the first is fetched
    articles = [fetch_article(url, settings=settings, allow_private=allow_private, metadata=metadata) for url in urls]
    return store_articles(articles, corpus, root, progress=progress)


def add_feed(url: str, *, corpus: str | Path | None = None, index: str | Path | None = None,
             progress: bool | Progress = False, settings: FetchSettings | None = None,
             max_items: int = MAX_FEED_ITEMS, allow_private: bool = True, outlet: str | None = None,
             title: str | None = None, author: str | None = None, published: str | None = None,
             metadata: Mapping[str, str] | None = None) -> FeedResult:
    """Read an RSS or Atom feed and add the articles of its entries that the corpus does not have yet.

    An entry is skipped when its link or its page's canonical url is in the corpus, when its text
    is (or repeats an earlier entry's), or when its page cannot be fetched or holds no article.
    The new articles are written and indexed together, in one index update; with none, nothing is
    written at all.

    Args:
        url: The feed's ``http://`` or ``https://`` address.
        corpus: Corpus directory (default ``$QA_CORPUS`` or ``./corpus``).
        index: Index directory (default ``$QA_INDEX`` or ``./index``).
        progress: True for progress bars (fetching the entries, then embedding), or a callback
            ``f(done, total)`` for the embedding.
        settings: Timeouts and size limits of each fetch (the feed's and each page's).
        max_items: Read at most this many entries, the first ones of the feed.
        allow_private: False: the feed and every page must be on public addresses, as for :func:`add_urls`.
        outlet: Replaces what the pages say, as for :func:`fetch_article` (also ``title``, ``author``,
            ``published``, and other fields in one ``metadata`` dict).

    Raises:
        FetchError: The feed could not be fetched, is not XML (``wrong_type``) or not a feed
            (``not_a_feed``).
    """
    corpus, root = resolve_dirs(corpus, index)
    metadata = given_metadata(metadata, outlet=outlet, title=title, author=author, published=published)
    check_metadata(metadata)
    got = fetch(url, FEED_TYPES, settings, what="feed", allow_private=allow_private)
    feed = parse_feed(got.body, got.url, source=url, content_type=got.content_type)
    known = known_keys(corpus)
    added: list[Article] = []
    skipped: list[SkippedItem] = []
    for item in _progress(feed.items[:max_items], progress is True):
        reason = _skip_reason(item, known)
        if reason is None:
            try:
                article = _page_article(item.link, settings, metadata,
                                        {"published": item.published, "title": item.title}, allow_private)
            except QAError as exc:
                reason = exc.describe(source="", hint="")
            else:
                reason = _repeat(duplicate_keys(article), known)
                if reason is None:
                    added.append(article)
                    known.update(dict.fromkeys([*duplicate_keys(article), url_key(item.link)], "this feed"))
        if reason is not None:
            log.info("skipped %s: %s", item.link or item.title, reason)
            skipped.append(SkippedItem(item.link, item.title, reason))
    stats = store_articles(added, corpus, root, progress=progress) if added else None
    return FeedResult(feed=got.url, title=feed.title, added=tuple(added), skipped=tuple(skipped), stats=stats)


def _skip_reason(item: FeedItem, known: Mapping[str, str]) -> str | None:
    """Why an entry need not be fetched (no link, or a link already known), or None."""
    if not item.link:
        return "the entry has no http(s) link"
    return _repeat([url_key(item.link)], known)


def _repeat(keys: Iterable[str], known: Mapping[str, str]) -> str | None:
    for key in sorted(keys, key=lambda k: not k.startswith("url:")):  # the address first: it says more
        if key in known:
            what = "address" if key.startswith("url:") else "text"
            aid = known[key]
            return (f"same {what} as an earlier entry" if aid == "this feed"
                    else f"already in the corpus (same {what} as article {aid})")
    return None


def _progress(items: Sequence[FeedItem], show: bool) -> Iterable[FeedItem]:
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="fetching feed entries", unit="page", file=sys.stderr, dynamic_ncols=True)
