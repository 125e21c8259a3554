"""An RSS or Atom feed's bytes → its items (link, title, date), with feedparser.

feedparser reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0, in any encoding the XML declares, and
tolerates the small errors real feeds have. This module never fetches: :mod:`qa.ingest.fetch` does.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from qa.errors import FetchError
from qa.ingest.webpage import absolute_url


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed.

    Attributes:
        link: The absolute http(s) address of the story ("" when the entry has none).
        title: The entry's title (may be "").
        published: ``YYYY-MM-DD`` of its publication or update date, or "".
    """

    link: str
    title: str = ""
    published: str = ""


@dataclass(frozen=True)
class Feed:
    """A parsed feed.

    Attributes:
        title: The feed's title (may be "").
        items: Its entries, in feed order.
    """

    title: str
    items: tuple[FeedItem, ...]


def parse_feed(data: bytes, url: str, source: str = "", content_type: str = "application/xml") -> Feed:
    """Parse an RSS or Atom document.

    Args:
        data: The feed's bytes.
        url: The address it was fetched from: relative links are resolved against it.
        source: The address the user gave, for error messages (default ``url``).
        content_type: The media type it was served as.

    Raises:
        FetchError: ``reason="not_a_feed"``: the document is no RSS or Atom feed.
    """
    import feedparser  # only feeds need it

    headers = {"content-location": url, "content-type": content_type}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        error = parsed.get("bozo_exception")
        why = f" ({str(error).strip()})" if error and str(error).strip() else ""
        raise FetchError(f"not an RSS or Atom feed{why}", source=source or url, reason="not_a_feed",
                         hint="give the address of the feed itself (often /feed, /rss or /atom.xml)")
    items = tuple(FeedItem(link=absolute_url(str(entry.get("link") or ""), url),
                           title=" ".join(str(entry.get("title") or "").split()),
                           published=_day(entry.get("published_parsed") or entry.get("updated_parsed")))
                  for entry in parsed.entries)
    return Feed(title=" ".join(str(parsed.feed.get("title") or "").split()), items=items)


def _day(stamp: time.struct_time | None) -> str:
    return time.strftime("%Y-%m-%d", stamp) if stamp else ""
