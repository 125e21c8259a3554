"""Shared fixtures: the repo's corpus, and a real index built from it once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"
SEED_META = {
    "000_f7b22849e1d550b6.txt": {"outlet": "Kyiv Independent", "author": "Abbey Fenbert",
                                 "published": "2024-02-21"},
    "002_e21ce03ddf27ffa6.txt": {"outlet": "Newsweek", "author": "Ellie Cook", "published": "2024-02-21",
                                 "updated": "2024-02-22"},
    "003_e84124bbd18ba557.txt": {"outlet": "ZeroHedge", "author": "Tyler Durden", "published": "2024-02-22"},
}


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repo's corpus/ (the three cleaned seed articles)."""
    dest = tmp_path_factory.mktemp("corpus")
    for p in (ROOT / "corpus").glob("*.md"):
        shutil.copy(p, dest / p.name)
    return dest


@pytest.fixture(scope="session")
def seed_index(seed_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real FAISS + BM25 index on disk, built from the seed corpus with the real embedder."""
    import qa

    index = tmp_path_factory.mktemp("index")
    qa.build_index(seed_corpus, index)
    return index


@pytest.fixture
def fake_encoder():
    """:class:`tests.fakes.FakeEncoder` as the process encoder inside the test: no model is loaded."""
    from qa.model import use_encoder
    from tests.fakes import FakeEncoder

    with use_encoder(FakeEncoder()) as encoder:
        yield encoder


@pytest.fixture
def fake_index(seed_corpus: Path, tmp_path: Path, fake_encoder) -> Path:
    """A small real index of the seed corpus, built (and queried) with the fake encoder: model-free."""
    from tests.fakes import build_fake_index

    return build_fake_index(seed_corpus, tmp_path / "fake-index")


@pytest.fixture(scope="session")
def site():
    """A local news site on 127.0.0.1 (:mod:`tests.website`): pages and feeds for `qa add URL` and `--feed`."""
    from tests.website import serve_site

    with serve_site() as served:
        yield served
