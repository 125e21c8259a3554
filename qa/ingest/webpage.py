"""A web page's HTML → the fields of an article, with trafilatura.

trafilatura finds the story among menus, teasers and footers and reads the page's metadata: the
site name (``og:site_name``), the publication date (``article:published_time``, ``<time>``, …) and
the canonical address (``<link rel=canonical>``, ``og:url``). This module only extracts; turning the
fields into a checked :class:`~qa.types.Article` is :mod:`qa.ingest.readers`'s job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from qa.errors import ArticleError
from qa.ingest.clean import clean_paragraphs, normalize_space


def page_fields(html: str | bytes, source: str | Path, base_url: str = "") -> dict[str, Any]:
    """The article fields of one HTML page.

    Args:
        html: The page, as text or as the bytes served (trafilatura then finds the encoding).
        source: The file or address, for error messages.
        base_url: The address the page was served from: a relative canonical link is resolved
            against it, and it is the ``url`` when the page names no valid canonical address.

    Returns:
        ``title``, ``outlet`` (the site name, "" if the page has none), ``author``, ``published``
        (as the page gives it), ``url`` (canonical address, or ``base_url``, or "") and ``body``
        (clean paragraphs, without a first one that only repeats the title).

    Raises:
        ArticleError: No article text was found in the page.
    """
    import trafilatura  # heavy; only needed for HTML

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    body = clean_paragraphs([p for p in (getattr(doc, "text", None) or "").split("\n") if p.strip()])
    title = normalize_space(doc.title or "") if doc is not None else ""
    if body and title and normalize_space(body[0]).casefold() == title.casefold():
        body = body[1:]
    if doc is None or not body:
        raise ArticleError("no article text found in the HTML page", source=source, field="body",
                           hint="is this the address of an article (not a front page, paywall or app shell)?")
    return {"title": title, "outlet": doc.sitename or "", "author": doc.author or "",
            "published": doc.date or "", "url": canonical_url(doc.url or "", base_url), "body": body}


def canonical_url(found: str, base_url: str = "") -> str:
    """``found`` made absolute against ``base_url`` if it is an http(s) address; else ``base_url``."""
    return absolute_url(found, base_url) or base_url


def absolute_url(link: str, base_url: str = "") -> str:
    """``link`` made absolute against ``base_url``, if that gives an http(s) address with a host; else ""."""
    absolute = urljoin(base_url, link.strip()) if link.strip() else ""
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.hostname else ""


def host_outlet(url: str) -> str:
    """The outlet name a page's address gives when the page names none: its host, without ``www.``."""
    host = urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")
