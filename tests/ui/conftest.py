"""Fixtures for the UI tests: a temp corpus (seeds + an XSS article), its index, a real server, Chromium.

One server subprocess and one browser serve the whole session; each test gets a fresh page.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[2]

# tests/ has no __init__.py, so pytest imports this directory as a top-level package named "ui",
# shadowing the real ui/ package. Let that package also find the real modules (ui.app, ui.render),
# whether or not the project is installed in editable mode.
_shadow = sys.modules.get("ui")
if _shadow is not None and Path(getattr(_shadow, "__file__", None) or "/").resolve().parent == ROOT / "tests" / "ui":
    _shadow.__path__.append(str(ROOT / "ui"))
SEED_CORPUS = Path(__file__).parents[2] / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SERVER_START_TIMEOUT = 120.0

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

# `qa serve` if qa.cli offers it with these flags; else ui.app.launch directly.
CLI_STUB = "import sys; sys.argv[0] = 'qa'; from qa.cli import main; sys.exit(main())"


@pytest.fixture(scope="session")
def ui_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles plus one article full of script-injection attempts."""
    dest = tmp_path_factory.mktemp("ui-corpus")
    seeds = sorted(SEED_CORPUS.glob("*.md"))
    assert seeds, f"no seed articles in {SEED_CORPUS}"
    for p in seeds:
        shutil.copy(p, dest / p.name)
    (dest / "2024-03-01-evil-gazette-lighthouse-xss.md").write_text(XSS_ARTICLE, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def ui_index(ui_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index over :func:`ui_corpus`."""
    import qa

    index = tmp_path_factory.mktemp("ui-index")
    qa.build_index(ui_corpus, index)
    return index


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_command(index: Path, corpus: Path, port: int, env: dict[str, str]) -> list[str]:
    try:
        probe = subprocess.run([sys.executable, "-c", CLI_STUB, "serve", "--help"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=60)
        usable = probe.returncode == 0 and all(f in probe.stdout for f in ("--index", "--corpus", "--port"))
    except subprocess.TimeoutExpired:
        usable = False
    if usable:
        return [sys.executable, "-c", CLI_STUB, "serve", "--index", str(index), "--corpus", str(corpus),
                "--port", str(port)]
    return [sys.executable, "-c",
            f"import ui.app; ui.app.launch({str(index)!r}, {str(corpus)!r}, '127.0.0.1', {port})"]


@pytest.fixture(scope="session")
def ui_server(ui_index: Path, ui_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The UI served by a real subprocess on a free port; yields its URL."""
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    log_path = tmp_path_factory.mktemp("ui-server") / "server.log"
    url = f"http://127.0.0.1:{port}/"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(_server_command(ui_index, ui_corpus, port, env), cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"UI server exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"UI server did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
                            f"{log_path.read_text()[-4000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never skipped: missing Chromium fails)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's Chromium; install it with "
                    "`apt-get install -y chromium chromium-driver`")
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
