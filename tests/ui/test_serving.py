"""Serving to others, on real `qa serve` subprocesses: read-only beyond loopback, the admin token, labelled endpoints.

The read-only server binds 0.0.0.0 (as a shared instance would) and is reached through 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.server import qa_serve
from tests.synth import snapshot
from tests.ui.conftest import copies

pytestmark = pytest.mark.browser
TOKEN = "newsroom-admin-7f3a9c2e"
ARTICLE = ("Vesterby opens a seaweed farm\n\nThe Vesterby seaweed farm will harvest 300 tonnes of kelp a year "
           "from the strait, the fisheries office said on Friday.\n")


@pytest.fixture(scope="module")
def token_server(ui_corpus: Path, ui_index: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[str, Path, Path, Path]]:
    """`qa serve` on loopback with $QA_ADMIN_TOKEN set; yields (url, corpus, index, log)."""
    where = tmp_path_factory.mktemp("token")
    corpus, index = copies(ui_corpus, ui_index, where)
    with qa_serve(index, corpus, where / "serve.log", env={"QA_ADMIN_TOKEN": TOKEN}) as url:
        yield url, corpus, index, where / "serve.log"


def _open(browser, url: str) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#question textarea", state="visible", timeout=60_000)
    return page


def _endpoints(url: str) -> dict:
    info = httpx.get(f"{url}gradio_api/info", timeout=30).json()
    return {**info["named_endpoints"], **info.get("unnamed_endpoints", {})}


def test_beyond_loopback_without_a_token_there_is_no_add_tab_and_nothing_writes(read_only_server, browser) -> None:
    url, log = read_only_server
    assert "mode: read-only: serving on 0.0.0.0 (beyond this machine) without an admin token" in log.read_text()
    page = _open(browser, url)
    try:
        expect(page.get_by_role("tab", name="Chat")).to_be_visible()
        expect(page.get_by_role("tab", name="Add article")).to_have_count(0)
        expect(page.locator("#add-btn, #add-url, #add-file, #add-text")).to_have_count(0)
    finally:
        page.context.close()
    endpoints = _endpoints(url)
    assert set(endpoints) == {"/ask", "/differences"}, list(endpoints)  # questions only: nothing adds or removes
    assert not [name for name in endpoints if re.search(r"add|remove|upload|delete", name)]
    upload = httpx.post(f"{url}gradio_api/upload", files={"files": ("a.md", b"---\ntitle: x\n---\n\nx\n")}, timeout=30)
    assert upload.status_code == 403 and upload.json()["error"] == "this server is read-only: uploads are not accepted"


def test_every_endpoint_output_is_labelled(token_server) -> None:
    endpoints = _endpoints(token_server[0])
    assert set(endpoints) == {"/ask", "/differences", "/add_article"}
    for name, spec in endpoints.items():
        labels = [p["label"] for p in spec["parameters"]] + [r["label"] for r in spec["returns"]]
        assert all(label and not re.fullmatch(r"(value|parameter)_\d+", label) for label in labels), (name, labels)
    assert [r["label"] for r in endpoints["/ask"]["returns"]] == ["Conversation", "Sources", "Question"]
    assert endpoints["/add_article"]["parameters"][-1]["label"] == "Admin token"


def test_the_admin_token_unlocks_adding_and_a_wrong_one_is_refused(token_server, browser) -> None:
    from gradio_client import Client

    url, corpus, index, log = token_server
    assert "mode: admin token: adding articles asks for the admin token" in log.read_text()
    before = snapshot(corpus, index)
    client = Client(url, verbose=False, httpx_kwargs={"timeout": 300})
    for token, said in (("", "adding articles on this server needs the admin token"),
                        ("newsroom-admin-guess", "wrong admin token")):
        status = client.predict(None, ARTICLE, "Strait Post", "", "", "", "", token, api_name="/add_article")[0]
        assert f"Not added: {said}" in status, status
    assert snapshot(corpus, index) == before  # refused before anything was read or written

    page = _open(browser, url)
    try:
        page.get_by_role("tab", name="Add article").click()
        page.locator("#add-text textarea").fill(ARTICLE)
        page.locator("#add-outlet textarea").fill("Strait Post")
        page.locator("#add-token input").fill("not-the-token-at-all")
        page.click("#add-btn")
        expect(page.locator(".add-status.error")).to_contain_text("Not added: wrong admin token", timeout=30_000)
        assert snapshot(corpus, index) == before
        page.locator("#add-token input").fill(TOKEN)
        page.click("#add-btn")
        expect(page.locator(".add-status.ok")).to_contain_text("Added 1 article from Strait Post", timeout=150_000)
    finally:
        page.context.close()
    assert snapshot(corpus, index) != before
