"""Fixtures for the UI tests: a temp corpus (seeds, an XSS article, one with a URL), its index, a server, Chromium.

One server subprocess and one browser serve the whole session; each test gets a fresh page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import qa_serve

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

XSS_ARTICLE = """---
title: '<img src=x onerror="window.__xss=1"> Lighthouse plans <script>window.__xss=1</script>'
outlet: Evil Gazette
author: '<b onmouseover="window.__xss=1">Mallory</b>'
published: '2024-03-01'
url: 'javascript:window.__xss=1'
---

Engineers said the orbital lighthouse on Zmiinyi Island will be completed in March 2031, the port \
authority announced. <script>window.__xss=1</script> <img src=x onerror="window.__xss=1"> \
[click](javascript:window.__xss=1)

The port authority did not say who would pay for the lighthouse or how tall it would be.
"""

URL_ARTICLE_URL = "https://harbour-herald.example/odesa-ferry?id=7&lang=en"
URL_ARTICLE = f"""---
title: Odesa ferry line to Batumi reopens
outlet: Harbour Herald
author: Ina Moroz
published: '2024-03-02'
url: '{URL_ARTICLE_URL}'
---

The ferry line between Odesa and Batumi reopened on Monday with two sailings a week, the port operator said.

Tickets for the crossing cost 40 euros, and the first ship carried 120 passengers.
"""


@pytest.fixture(scope="session")
def ui_corpus(seed_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles, one article full of script-injection attempts and one with a URL (to cite and link)."""
    dest = tmp_path_factory.mktemp("ui-corpus")
    shutil.copytree(seed_corpus, dest, dirs_exist_ok=True)
    (dest / "2024-03-01-evil-gazette-lighthouse-xss.md").write_text(XSS_ARTICLE, encoding="utf-8")
    (dest / "2024-03-02-harbour-herald-odesa-ferry.md").write_text(URL_ARTICLE, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def ui_index(ui_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index over :func:`ui_corpus`."""
    import qa

    index = tmp_path_factory.mktemp("ui-index")
    qa.build_index(ui_corpus, index)
    return index


ALLOWED_HOST = "news.example.test"  # the server trusts it (--allow-url-host); both names resolve to 127.0.0.1 there
SNEAKY_HOST = "sneaky.example.test"  # not trusted: a name that resolves to this machine is refused
FAKE_DNS = {ALLOWED_HOST: "127.0.0.1", SNEAKY_HOST: "127.0.0.1"}


@pytest.fixture(scope="session")
def ui_server(ui_index: Path, ui_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The UI served by a real subprocess on a free port (loopback: read-write; pages on public addresses only,
    except the trusted test host); yields its URL."""
    with qa_serve(ui_index, ui_corpus, tmp_path_factory.mktemp("ui-server") / "server.log",
                  "--allow-url-host", ALLOWED_HOST, "--rate-limit", "600", dns=FAKE_DNS) as url:
        yield url


def copies(ui_corpus: Path, ui_index: Path, where: Path) -> tuple[Path, Path]:
    """A private copy of the UI corpus and index under ``where``: ``(corpus, index)``."""
    corpus, index = where / "corpus", where / "index"
    shutil.copytree(ui_corpus, corpus)
    shutil.copytree(ui_index, index)
    return corpus, index


@pytest.fixture(scope="session")
def read_only_server(ui_corpus: Path, ui_index: Path, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[tuple[str, Path]]:
    """`qa serve --host 0.0.0.0` (reached through 127.0.0.1) with no admin token and a limit of 5 questions a
    minute per client: read-only; yields (url, server log)."""
    where = tmp_path_factory.mktemp("read-only")
    corpus, index = copies(ui_corpus, ui_index, where)
    with qa_serve(index, corpus, where / "serve.log", "--rate-limit", "5", host="0.0.0.0",
                  env={"QA_ADMIN_TOKEN": ""}) as url:
        yield url, where / "serve.log"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never skipped: missing Chromium fails)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's Chromium; `make browser` installs it "
                    "(as root) or prints the command")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, ui_server: str):
    """A fresh page (new session, empty chat) on the UI, loaded and ready."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.goto(ui_server, wait_until="domcontentloaded")
    pg.wait_for_selector("#question textarea", state="visible", timeout=60_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots of the main states are saved (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
