"""qa.index_status: what the faces show about an index (articles, outlets, staleness, errors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qa


def test_status_of_a_current_index(seed_corpus: Path, seed_index: Path) -> None:
    status = qa.index_status(seed_corpus, seed_index)
    assert status.path == seed_index and status.n_articles == 3
    assert dict(status.outlets) == {"Kyiv Independent": 1, "Newsweek": 1, "ZeroHedge": 1}
    assert status.stale is None and status.error is None and status.current


def test_status_names_what_changed(seed_corpus: Path, seed_index: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seed_corpus, corpus)
    edited = sorted(corpus.glob("*.md"))[0]
    edited.write_text(edited.read_text().replace("National Guard", "national guard", 1))
    status = qa.index_status(corpus, seed_index)
    assert status.stale == f"{corpus} changed since the index was built (1 edited: {edited.name})"
    assert status.error is None and not status.current and status.n_articles == 3
    assert qa.index_status(corpus, seed_index, compare=False).stale is None


@pytest.mark.fast
def test_status_of_a_missing_index_reports_instead_of_raising(tmp_path: Path) -> None:
    status = qa.index_status(None, tmp_path / "nothing")
    assert status.n_articles == 0 and status.outlets == () and not status.current
    assert isinstance(status.error, ValueError) and "no index here yet" in str(status.error)
    assert status.stale == f"{tmp_path / 'nothing'}: no index yet"
