"""The HTTP client of ``qa add URL`` and ``qa add --feed URL``: one careful GET.

Only ``http``/``https`` addresses are fetched, redirect targets included; connecting and each read
have their own timeouts and the whole fetch a deadline; the body is read in chunks and refused past
a size limit (before reading, when the server announces its length); redirects are followed by hand
up to a limit, loops named as such; the content type must be one the caller accepts. Every failure
is a :class:`~qa.errors.FetchError` naming the address, with a ``reason`` code.

With ``allow_private=False`` (the UI) every request, redirects included, first goes through
:func:`qa.ingest.addresses.pin`: the host is resolved, refused when it is not a public address, and
the connection goes to the address that was checked.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from qa.errors import FetchError
from qa.ingest.addresses import Pinned, pin

PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml")
SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)
CHECK_HINT = "check the address"


@dataclass(frozen=True)
class FetchSettings:
    """Limits of one fetch; the defaults suit news pages and feeds.

    Attributes:
        connect_timeout: Seconds to wait for the connection.
        read_timeout: Seconds to wait for each piece of the answer.
        total_timeout: Seconds for the whole fetch, redirects and body included.
        max_bytes: Largest body accepted (after decompression).
        max_redirects: Redirects followed before giving up.
        user_agent: The ``User-Agent`` header sent.
        allowed_hosts: Host names fetched even when ``allow_private=False`` and they resolve to a
            private address (e.g. an intranet news site); their requests are still pinned.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5 * 2**20
    max_redirects: int = 5
    user_agent: str = "newsqa/0.1 (news question answering; article import)"
    allowed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fetched:
    """What a fetch brought back.

    Attributes:
        url: The address the body came from, after redirects.
        content_type: The media type, lower-case, without parameters (e.g. ``"text/html"``).
        charset: The charset the server declared, or "" (then the body says, or UTF-8 is assumed).
        body: The raw bytes, decompressed.
    """

    url: str
    content_type: str
    charset: str
    body: bytes


def check_url(url: str, source: str = "") -> str:
    """``url`` without surrounding blanks, if it is an absolute ``http``/``https`` address with a host.

    Args:
        url: The address.
        source: The address the user gave, when ``url`` is a redirect target of it (for the message).

    Raises:
        FetchError: ``reason="bad_url"``: another scheme, no host, or not an address at all.
    """
    url = url.strip() if isinstance(url, str) else ""
    where = source or url or "the address"
    parts = urlsplit(url)
    redirected = f" (redirected to {url})" if source else ""
    if parts.scheme.lower() not in SCHEMES:
        what = f"{parts.scheme}://" if parts.scheme else "an address without http:// or https://"
        raise FetchError(f"only http:// and https:// addresses can be fetched, not {what}{redirected}",
                         source=where, field="" if source else "url", reason="bad_url",
                         hint="" if source else "give the page's web address, e.g. https://example.com/story")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        host = None
    if not host:
        raise FetchError(f"not a valid address: bad host name or port{redirected}", source=where, reason="bad_url",
                         field="" if source else "url", hint="" if source else CHECK_HINT)
    return url


def fetch(url: str, accept: Collection[str] = PAGE_TYPES, settings: FetchSettings | None = None,
          what: str = "web page", *, allow_private: bool = True) -> Fetched:
    """GET ``url`` within the limits of ``settings``.

    Args:
        url: An ``http://`` or ``https://`` address.
        accept: The media types accepted (default: HTML pages; :data:`FEED_TYPES` for feeds).
        settings: Timeouts and limits (default :class:`FetchSettings`).
        what: What is expected, for messages (``"web page"``, ``"feed"``).
        allow_private: False: refuse hosts that are or resolve to loopback, private, link-local,
            multicast, reserved or unspecified addresses, before connecting, on every redirect too,
            and connect to the address checked (:mod:`qa.ingest.addresses`).

    Returns:
        The final address, content type and body.

    Raises:
        FetchError: Bad address or redirect target, unreachable host, timeout, an HTTP error status,
            too many redirects or a loop, another content type than ``accept``, a body over
            ``settings.max_bytes``, or (``allow_private=False``) a non-public address (``private_address``).
    """
    import httpx  # only adding from the web needs it

    settings = settings or FetchSettings()
    source = check_url(url)
    deadline = time.monotonic() + settings.total_timeout
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    headers = {"User-Agent": settings.user_agent, "Accept": ", ".join(accept) + ", */*;q=0.1"}
    seen = [source]
    current = source
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers) as client:
            while True:
                if time.monotonic() > deadline:
                    raise _too_slow(f"no {what} within {settings.total_timeout:g} s", source)
                hop = Pinned(current) if allow_private else pin(current, source, settings.allowed_hosts)
                with client.stream("GET", hop.url, headers=hop.headers, extensions=hop.extensions) as response:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECTS and location:
                        current = _next_hop(current, location, seen, source, settings)
                        continue
                    return _read(response, str(httpx.URL(current)), source, accept, settings, deadline, what)
    except httpx.TimeoutException as exc:
        waited = settings.connect_timeout if isinstance(exc, httpx.ConnectTimeout) else settings.read_timeout
        raise _too_slow(f"no answer within {waited:g} s", source) from None
    except httpx.HTTPError as exc:  # connection refused, unknown host, TLS or protocol errors
        reason = str(exc) or exc.__class__.__name__
        raise FetchError(f"could not fetch the {what} ({reason})", source=source, reason="unreachable",
                         hint=f"{CHECK_HINT} and the network connection") from None


def _next_hop(current: str, location: str, seen: list[str], source: str, settings: FetchSettings) -> str:
    """The checked target of a redirect from ``current``."""
    target = check_url(urljoin(current, location.strip()), source=source)
    if target in seen:
        raise FetchError(f"the server redirects in a loop ({' -> '.join([*seen[seen.index(target):], target])})",
                         source=source, reason="too_many_redirects", hint="the address is broken on the server")
    if len(seen) > settings.max_redirects:
        raise FetchError(f"more than {settings.max_redirects} redirects", source=source,
                         reason="too_many_redirects", hint="the address is broken on the server")
    seen.append(target)
    return target


def _read(response, url: str, source: str, accept: Collection[str], settings: FetchSettings, deadline: float,
          what: str) -> Fetched:
    """Check the status, type and size of ``response`` (an ``httpx.Response`` being streamed) and read it."""
    status = response.status_code
    if status >= 400 or status < 200:
        hint = CHECK_HINT if status in (404, 410) else "try again later, or check the address"
        raise FetchError(f"the server answered {status} {response.reason_phrase}".rstrip(), source=source,
                         reason="http_status", hint=hint)
    if 300 <= status < 400:
        raise FetchError(f"the server answered {status} without a usable Location", source=source,
                         reason="http_status", hint=CHECK_HINT)
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in accept:
        shown = media or "no content type"
        raise FetchError(f"the server sent {shown}, not a {what} ({' or '.join(list(accept)[:2])})", source=source,
                         reason="wrong_type", hint=f"give the address of the {what} itself")
    limit = settings.max_bytes
    announced = response.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > limit:
        raise _too_big(source, what, limit, int(announced))
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_big(source, what, limit)
        if time.monotonic() > deadline:
            raise _too_slow(f"the {what} did not arrive within {settings.total_timeout:g} s", source)
        chunks.append(chunk)
    return Fetched(url=url, content_type=media, charset=response.charset_encoding or "",
                   body=b"".join(chunks))


def _too_big(source: str, what: str, limit: int, size: int | None = None) -> FetchError:
    said = f"{_size(size)} is" if size is not None else "it is"
    return FetchError(f"the {what} is too big: {said} over the {_size(limit)} limit", source=source,
                      reason="too_big", hint="is this the address of a single article?")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB".replace(".0 MiB", " MiB") if n >= 2**20 else f"{n / 1024:.0f} KiB"


def _too_slow(problem: str, source: str) -> FetchError:
    return FetchError(problem, source=source, reason="timeout", hint="the server is slow or down; try again later")
