"""The two guards of all markup the UI makes: escaping text, and allowing only http(s) links."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

__all__ = ["esc", "safe_url"]


def esc(text: object) -> str:
    """HTML-escape any value for element content or a quoted attribute value."""
    return html.escape(str(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """The address if it is an absolute ``http(s)`` URL (safe for ``href``), else None."""
    url = (url or "").strip()
    if not url or len(url) > 2048 or any(ord(c) < 33 or c in "\"'<>`\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
