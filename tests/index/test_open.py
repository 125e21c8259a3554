"""Which backend a target names: directories, URLs (also after pathlib folded them), the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.index.open import as_url, index_target
from qa.index.pgschema import redact

pytestmark = pytest.mark.fast

URL = "postgresql://qa:pw@db.example:5432/news"


def test_urls_and_directories(monkeypatch):
    assert as_url(URL) == URL and as_url("postgres://h/db") == "postgres://h/db"
    assert as_url(Path(URL)) == URL  # argparse type=Path folds // to /
    assert as_url("index") is None and as_url(Path("/tmp/x")) is None and as_url(None) is None
    assert index_target(Path(URL)) == URL and index_target("idx") == Path("idx")
    monkeypatch.delenv("QA_BACKEND_URL", raising=False)
    monkeypatch.setenv("QA_INDEX", "/data/idx")
    assert index_target(None) == Path("/data/idx")
    monkeypatch.setenv("QA_BACKEND_URL", URL)
    assert index_target(None) == URL and index_target("other") == Path("other")


def test_passwords_never_shown():
    assert redact(URL) == "postgresql://qa:***@db.example:5432/news"
    assert redact("postgresql://qa@127.0.0.1:5/qa") == "postgresql://qa@127.0.0.1:5/qa"
