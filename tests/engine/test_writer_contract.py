"""One write contract, two backends: upsert/delete by passage id, counts, then the same reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.index.backend import BackendWriter, SearchBackend
from qa.index.open import open_backend
from qa.index.pgwriter import PgWriter
from qa.ingest.corpus import read_corpus
from qa.ingest.records import passage_records
from qa.types import Span
from tests.engine.conftest import new_database
from tests.engine.embedded_writer import EmbeddedWriter

DIM = 8
META = {"model": "contract-test", "dimension": DIM, "tokenizer": {"file": "none"}}


@pytest.fixture(params=["embedded", "postgres"])
def target(request, tmp_path: Path) -> tuple[object, str | Path]:
    if request.param == "embedded":
        root = tmp_path / "index"
        return EmbeddedWriter(root), root
    url = new_database(request.getfixturevalue("pg_server"), "contract")
    return PgWriter.open(url, DIM), url


def test_upsert_delete_count_then_read(target, seed_corpus):
    writer, where = target
    assert isinstance(writer, BackendWriter)
    articles, _ = read_corpus(seed_corpus)
    records = [r for aid, a in articles for r in passage_records(aid, a)]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(records), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sentences = [([Span(0, len(r.text))], v[None, :]) for r, v in zip(records, vectors, strict=True)]
    writer.upsert(records[:20], vectors[:20], sentences[:20])
    writer.upsert(records[10:], vectors[10:], sentences[10:])  # overlapping: replaced, not duplicated
    assert writer.count() == len(records)
    assert writer.stored_keys() == {r.id: r.key for r in records}
    victim = records[0].article_id
    gone = [r.id for r in records if r.article_id == victim]
    assert writer.delete([*gone, 12345]) == len(gone)
    assert writer.count() == len(records) - len(gone)
    writer.finish(META)
    if isinstance(writer, PgWriter):
        writer.close()
    kept = [r for r in records if r.article_id != victim]
    backend = open_backend(where)
    try:
        assert isinstance(backend, SearchBackend)
        assert len(backend) == len(kept) and backend.n_articles == len({r.article_id for r in kept})
        assert records[0].outlet not in backend.outlet_names()
        assert backend.passages(gone) == []
        assert [p.text for p in backend.passages([r.id for r in kept[:5]])] == [r.text for r in kept[:5]]
        for i in (len(records) - 1, 15):
            rows, scores = backend.dense_rows(vectors[i], 3)
            assert backend.passages_at(rows[:1])[0].id == records[i].id and scores[0] == pytest.approx(1, abs=1e-5)
            spans, svecs = backend.sentences_at(int(rows[0]))
            assert spans == [Span(0, len(records[i].text))] and np.allclose(svecs[0], vectors[i], atol=1e-3)
        rows, _ = backend.lexical_rows(["guard"], 100)
        found = {p.article_id for p in backend.passages_at(rows)}
        assert found and victim not in found
    finally:
        backend.close()
