"""A web page's HTML → the fields of an article, with trafilatura.

trafilatura finds the story among menus, teasers and footers and reads the page's metadata: the
site name (``og:site_name``), the publication date (``article:published_time``, ``<time>``, …) and
the canonical address (``<link rel=canonical>``, ``og:url``). This module only extracts; turning the
fields into a checked :class:`~qa.types.Article` is :mod:`qa.ingest.readers`'s job.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from qa.errors import ArticleError
from qa.ingest.clean import clean_paragraphs, normalize_space
from qa.ingest.pagemeta import read_page_meta, strip_title_suffix, title_brand
from qa.ingest.wire import IMAGE_CREDIT

THIN_WORDS = 120  # trafilatura's text shorter than this gives way to a longer JSON-LD articleBody
MIN_ARTICLE_WORDS = 15  # fewer words of prose than this: menus, link lists, a paywall or an app shell
SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", "'", ")", "…", ":")


def page_fields(html: str | bytes, source: str | Path, base_url: str = "") -> dict[str, Any]:
    """The article fields of one HTML page.

    The story is trafilatura's text, or the page's JSON-LD ``articleBody`` when that text is thin
    (pages that render the story by script); wire furniture is dropped (:mod:`qa.ingest.wire`) and
    lines ending in an image credit become captions. The date is the *published* one (JSON-LD
    ``datePublished``, ``article:published_time``; never the modified date), the title loses a site
    suffix (" | DW | 19.01.2020"), the author is a person: JSON-LD's, else the page's byline element,
    else trafilatura's unless it names the site itself (an organisation named as author is not a byline).

    Args:
        html: The page, as text or as the bytes served (trafilatura then finds the encoding).
        source: The file or address, for error messages.
        base_url: The address the page was served from: a relative canonical link is resolved
            against it, and it is the ``url`` when the page names no valid canonical address.

    Returns:
        ``title``, ``outlet`` (the site name, "" if the page has none), ``author``, ``published``
        (as the page gives it), ``url`` (canonical address, or ``base_url``, or ""), ``body``
        (clean paragraphs, without a first one that only repeats the title) and ``captions``.

    Raises:
        ArticleError: The page holds no article: no story text, or only link lists and teasers.
    """
    import trafilatura  # heavy; only needed for HTML

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    meta = read_page_meta(html)
    lines = [p for p in (getattr(doc, "text", None) or "").split("\n") if p.strip()]
    captions = [normalize_space(p) for p in lines if IMAGE_CREDIT.search(p)]
    body = clean_paragraphs([p for p in lines if not IMAGE_CREDIT.search(p)])
    from_ld = clean_paragraphs(re.split(r"\n+", meta.body))
    if _words(from_ld) > _words(body) and (_words(body) < THIN_WORDS or 2 * _words(body) < _words(from_ld)):
        body = from_ld
    found = {k: getattr(doc, k, None) or "" for k in ("title", "sitename", "author", "date", "url")}
    site = found["sitename"]
    outlet = (title_brand(meta.page_title or found["title"], site) or site) if _is_domain(site) else site  # DW.COM→DW
    names = (site, outlet, meta.publisher, meta.site_name, host_outlet(base_url))
    title = strip_title_suffix(normalize_space(meta.headline or found["title"]), names)
    if body and title and normalize_space(body[0]).casefold() == title.casefold():
        body = body[1:]
    if meta.listing or not _is_article(body):
        what = "a list of stories, not one article" if meta.listing and body else "only menus, links or teasers"
        raise ArticleError(f"no article text found in the HTML page ({what})", source=source, field="body",
                           hint="is this the address of an article (not a front page, paywall or app shell)?")
    author = ", ".join(meta.authors) or meta.byline or _person(found["author"], names)
    return {"title": title, "outlet": outlet, "author": author, "published": meta.published or found["date"],
            "url": canonical_url(found["url"], base_url), "body": body, "captions": captions}


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _is_article(body: list[str]) -> bool:
    """Story text: at least :data:`MIN_ARTICLE_WORDS` words in paragraphs that read as sentences."""
    prose = [p for p in body if len(p.split()) >= 8 and p.rstrip().endswith(SENTENCE_ENDS)]
    return _words(prose) >= MIN_ARTICLE_WORDS


def _is_domain(name: str) -> bool:
    return "." in name and " " not in name.strip()


def _person(author: str, names: tuple[str, ...]) -> str:
    """``author`` unless it is the site or publisher itself (an organisation is not a byline)."""
    key = author.strip().casefold()
    return "" if not key or any(key == n.strip().casefold() for n in names if n) else author.strip()


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
