"""Request forgery through the UI: page addresses on this machine or private networks are refused, nothing written.

The real server (``ui_server``: loopback, read-write, the default guard) resolves made-up names with
:mod:`tests.fakedns` (``news.example.test`` is trusted with ``--allow-url-host``; ``sneaky.example.test``
is not); the only traffic is to 127.0.0.1, and the refused addresses are refused before connecting.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.synth import snapshot
from tests.ui.conftest import ALLOWED_HOST, SNEAKY_HOST
from tests.website import Site

pytestmark = pytest.mark.browser
REFUSED = "(this server fetches public web pages only); give the address of the article's page on its public site"


def _add_url(url: str, server: str) -> str:
    from gradio_client import Client

    client = Client(server, verbose=False, httpx_kwargs={"timeout": 300})
    out = client.predict(None, "", "", "", "", "", url, api_name="/add_article")
    return html.unescape(str(out[0]))


def test_addresses_on_this_machine_or_private_networks_are_refused_and_nothing_is_written(
        ui_server: str, ui_corpus: Path, ui_index: Path, site: Site) -> None:
    port = site.base.rsplit(":", 1)[1]
    cases = {
        site.url("story.html"): "127.0.0.1 is a loopback address",
        f"http://[::1]:{port}/story.html": "::1 is a loopback address",
        "http://169.254.169.254/": "169.254.169.254 is a link-local address",
        "http://10.0.0.1/": "10.0.0.1 is a private address",
        f"http://{ALLOWED_HOST}:{port}/to-loopback": f"127.0.0.1 is a loopback address (redirected to "
                                                     f"{site.url('story.html')})",
        f"http://{SNEAKY_HOST}:{port}/story.html": f"{SNEAKY_HOST} resolves to 127.0.0.1, a loopback address",
    }
    before, served = snapshot(ui_corpus, ui_index), len(site.requests)
    for url, said in cases.items():
        status = _add_url(url, ui_server)
        assert "add-status error" in status and f"Not added: {url}: refused: {said} {REFUSED}" in status, status
    assert snapshot(ui_corpus, ui_index) == before  # corpus/ and index/ byte-identical
    assert site.requests[served:] == ["/to-loopback"]  # the trusted host's redirect only: never /story.html


def test_the_refusal_is_one_line_in_the_page(page: Page, ui_corpus: Path, ui_index: Path) -> None:
    before = snapshot(ui_corpus, ui_index)
    page.get_by_role("tab", name="Add article").click()
    page.locator("#add-url textarea").fill("http://169.254.169.254/latest/meta-data/")
    page.click("#add-btn")
    status = page.locator(".add-status.error")
    expect(status).to_have_text("⚠ Not added: http://169.254.169.254/latest/meta-data/: refused: 169.254.169.254 "
                                f"is a link-local address {REFUSED}", timeout=60_000)
    expect(page.locator("#add-url textarea")).to_have_value("http://169.254.169.254/latest/meta-data/")
    assert snapshot(ui_corpus, ui_index) == before
