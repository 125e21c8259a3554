"""The HTTP client of `qa add URL`: limits, redirects and content types, against a real local server."""

from __future__ import annotations

import time

import pytest

import qa
from qa.ingest.feed import parse_feed
from qa.ingest.fetch import FEED_TYPES, PAGE_TYPES, check_url, fetch
from tests.server import free_port
from tests.website import CANONICAL, STORY, Site

pytestmark = pytest.mark.fast



def _refused(url: str, reason: str, *, accept=PAGE_TYPES, what: str = "web page", **limits) -> qa.FetchError:
    with pytest.raises(qa.FetchError) as exc:
        fetch(url, accept, qa.FetchSettings(**limits) if limits else None, what=what)
    err = exc.value
    assert err.reason == reason, str(err)
    assert err.code == "fetch_failed" and isinstance(err, ValueError) and "\n" not in str(err)
    return err


def test_a_page_comes_back_with_its_type_and_final_address(site: Site) -> None:
    got = fetch(site.url("moved"))
    assert got.url == site.url("story.html") and got.content_type == "text/html" and got.charset == "utf-8"
    assert STORY[0].encode() in got.body and CANONICAL.encode() in got.body
    assert fetch(site.url("plain-story.html")).content_type == "application/xhtml+xml"


def test_http_errors_and_other_types_are_refused(site: Site) -> None:
    err = _refused(site.url("nowhere.html"), "http_status")
    assert err.problem == "the server answered 404 Not Found" and err.source == site.url("nowhere.html")
    err = _refused(site.url("data.json"), "wrong_type")
    assert "application/json, not a web page" in err.problem
    assert "text/html, not a feed" in _refused(site.url("story.html"), "wrong_type", accept=FEED_TYPES,
                                                       what="feed").problem


def test_the_size_limit_holds_with_and_without_content_length(site: Site) -> None:
    err = _refused(site.url("huge.html"), "too_big")
    assert "6.9 MiB is over the 5 MiB limit" in err.problem
    err = _refused(site.url("chunked-huge.html"), "too_big", max_bytes=102_400)  # streamed, counted
    assert err.problem == "the web page is too big: it is over the 100 KiB limit"
    assert fetch(site.url("story.html"), settings=qa.FetchSettings(max_bytes=100_000)).body


def test_redirects_are_checked_and_limited(site: Site) -> None:
    err = _refused(site.url("loop"), "too_many_redirects")
    assert "redirects in a loop" in err.problem and site.url("loop2") in err.problem
    err = _refused(site.url("to-ftp"), "bad_url")
    assert "not ftp://" in err.problem and "redirected to ftp://127.0.0.1/story.html" in err.problem
    err = _refused(site.url("moved"), "too_many_redirects", max_redirects=0)
    assert err.problem == "more than 0 redirects"


@pytest.mark.parametrize("url, problem", [
    ("ftp://127.0.0.1/story.html", "only http:// and https:// addresses can be fetched, not ftp://"),
    ("file:///etc/passwd", "not file://"),
    ("www.example.com/story", "not an address without http:// or https://"),
    ("http:///story", "bad host name or port"),
    ("http://127.0.0.1:99999/", "bad host name or port"),
    ("", "not an address without http:// or https://"),
])
def test_only_http_and_https_addresses_are_fetched(url: str, problem: str) -> None:
    with pytest.raises(qa.FetchError) as exc:
        check_url(url)
    assert problem in exc.value.problem and exc.value.reason == "bad_url" and exc.value.field == "url"


def test_unreachable_and_slow_servers_fail_in_time(site: Site) -> None:
    err = _refused(f"http://127.0.0.1:{free_port()}/story.html", "unreachable")
    assert "could not fetch the web page" in err.problem and "refused" in err.problem.lower()
    started = time.monotonic()
    err = _refused(site.url("slow.html"), "timeout", read_timeout=0.5)
    assert time.monotonic() - started < 2.5 and err.problem == "no answer within 0.5 s"


def test_feeds_parse_to_absolute_links_and_days(site: Site) -> None:
    got = fetch(site.url("feed.xml"), FEED_TYPES)
    feed = parse_feed(got.body, got.url, content_type=got.content_type)
    assert feed.title == "The Harbour Courier - Latest"
    assert [i.link for i in feed.items] == [site.url("feed/ferry.html"), site.url("feed/school.html")]
    assert {i.published for i in feed.items} == {"2024-03-07"}
    atom = fetch(site.url("atom.xml"), FEED_TYPES)
    items = parse_feed(atom.body, atom.url).items
    assert [i.link for i in items] == [site.url("story.html"), site.url("feed/ferry.html")]
    with pytest.raises(qa.FetchError, match="not an RSS or Atom feed") as exc:
        parse_feed(b"<?xml version='1.0'?><config><a/></config>", site.url("x.xml"))
    assert exc.value.reason == "not_a_feed"
