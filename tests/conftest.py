"""Shared fixtures: the seed corpus and a real index built from it once per test session.

Tests never read or write the repo's corpus/ or index/ (a user's added articles live there): the seed
corpus is made from the raw scrapes in tests/data/seeds, and QA_CORPUS / QA_INDEX point into a temp
directory for the whole session, so a default path cannot reach the repo either.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/engine need the real search server: marked ``engine`` (``-m "not engine"`` skips them)."""
    engine = ROOT / "tests" / "engine"
    for item in items:
        if engine in Path(item.path).parents:
            item.add_marker(pytest.mark.engine)


def write_seed_corpus(dest: Path) -> Path:
    """Write the three seed articles into ``dest`` as `qa add` makes them from tests/data/seeds."""
    from qa.ingest.corpus import write_article
    from qa.ingest.readers import read_articles

    dest.mkdir(parents=True, exist_ok=True)
    for name, meta in SEED_META.items():
        for article in read_articles(SEEDS / name, **meta):
            write_article(article, dest)
    return dest


@pytest.fixture(scope="session", autouse=True)
def _no_default_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """QA_CORPUS / QA_INDEX point into a temp directory: no test can use the repo's corpus/ or index/
    (nor a search server named by QA_BACKEND_URL)."""
    root = tmp_path_factory.mktemp("defaults")
    saved = {k: os.environ.get(k) for k in ("QA_CORPUS", "QA_INDEX", "QA_BACKEND_URL")}
    os.environ.update(QA_CORPUS=str(root / "corpus"), QA_INDEX=str(root / "index"))
    os.environ.pop("QA_BACKEND_URL", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three cleaned seed articles, made from tests/data/seeds (never the repo's corpus/)."""
    return write_seed_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def conflict_indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real indexes of the conflict corpora (tests/data/conflicts: "shelter", "storm"), where outlets print
    different figures, dates and names for the same story."""
    import shutil

    import qa

    out = {}
    for name in ("shelter", "storm"):
        corpus = shutil.copytree(ROOT / "tests" / "data" / "conflicts" / name,
                                 tmp_path_factory.mktemp(f"{name}-corpus"), dirs_exist_ok=True)
        out[name] = tmp_path_factory.mktemp(f"{name}-index")
        qa.build_index(corpus, out[name])
    return out


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
