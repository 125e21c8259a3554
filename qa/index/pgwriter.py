"""Writing an index into a PostgreSQL + pgvector server: batched upserts and deletes by passage id.

Every :meth:`PgWriter.upsert` and :meth:`PgWriter.delete` is one transaction that keeps passages,
postings and the BM25 statistics (document frequencies, collection size and length) consistent:
a build killed at any point leaves whole batches, and running it again skips what is stored
(idempotent by passage id). Statistics rows are updated in term order, so concurrent writers
queue instead of deadlocking. The tables are described in :mod:`qa.index.pgschema`.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence

import numpy as np

from qa.index import pgschema
from qa.index.lexical import tokenize
from qa.index.record import PassageRecord
from qa.index.rowtable import publication_day
from qa.index.settings import IndexSettings
from qa.outlets import outlet_key
from qa.types import Span

__all__ = ["EMPTY_TOKEN", "PgWriter"]

log = logging.getLogger(__name__)
EMPTY_TOKEN = "\u2205"  # a passage without search words is indexed as this one token (as the embedded BM25)
_COLUMNS = ('id', 'article_id', 'paragraph', '"offset"', 'text', 'key', 'outlet_key', 'day', 'doc_len',
            'embedding', 'sent_spans', 'sent_vecs')


class PgWriter:
    """Writes passages into the index of one database (the schema is created on first use)."""

    def __init__(self, url: str, conn, dimension: int) -> None:
        self.url, self._conn, self.dimension = url, conn, dimension

    @classmethod
    def open(cls, url: str, dimension: int) -> PgWriter:
        """Connect and create the tables if missing.

        Raises:
            ConfigError: Unreachable server, or an index of vectors of another dimension is stored there.
        """
        conn = pgschema.connect(url)
        pgschema.create_schema(conn, dimension)
        stored = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'passages'::regclass "
                              "AND attname = 'embedding'").fetchone()[0]
        if stored != dimension:
            conn.close()
            from qa.errors import ConfigError

            raise ConfigError(f"the server holds {stored}-dimensional vectors, the model makes {dimension}",
                              source=pgschema.redact(url), hint="use another database, or drop its qa tables")
        return cls(url, conn, dimension)

    def lock(self, lock_id: int) -> None:
        """Hold a server-side lock until this writer closes (or its process dies): one build at a time."""
        if not self._conn.execute("SELECT pg_try_advisory_lock(%s)", [lock_id]).fetchone()[0]:
            log.warning("another build of %s is running: waiting for it to finish", pgschema.redact(self.url))
            self._conn.execute("SELECT pg_advisory_lock(%s)", [lock_id])

    def manifest(self) -> dict:
        """The manifest recorded by the last finished build (empty when none finished)."""
        row = self._conn.execute("SELECT value FROM qa_meta WHERE key = 'manifest'").fetchone()
        return row[0] if row else {}

    def stored_keys(self) -> dict[int, str]:
        """Embedding key of every stored passage, by passage id."""
        return dict(self._conn.execute("SELECT id, key FROM passages").fetchall())

    def count(self) -> int:
        """Passages stored."""
        return int(self._conn.execute("SELECT n_docs FROM qa_stats").fetchone()[0])

    def upsert(self, records: Sequence[PassageRecord], vectors: np.ndarray,
               sentences: Sequence[tuple[Sequence[Span], np.ndarray]]) -> None:
        """Insert or replace ``records`` (with their unit vectors and sentences) in one transaction."""
        if not records:
            return
        if not len(records) == len(vectors) == len(sentences):
            raise ValueError(f"{len(records)} passages, {len(vectors)} vectors, {len(sentences)} sentence sets")
        tokens = [tokenize(r.text) or [EMPTY_TOKEN] for r in records]
        ids = [int(r.id) for r in records]
        articles = {r.article_id: (r.article_id, r.outlet, outlet_key(r.outlet), r.title, r.url, r.published,
                                   r.author) for r in records}
        with self._conn.transaction():
            delta, docs, length = self._forget(ids)
            self._conn.cursor().executemany(
                "INSERT INTO articles VALUES (%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (article_id) DO UPDATE SET "
                "outlet = excluded.outlet, outlet_key = excluded.outlet_key, title = excluded.title, "
                "url = excluded.url, published = excluded.published, author = excluded.author",
                sorted(articles.values()))
            self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS stage_passages (LIKE passages) ON COMMIT DELETE ROWS")
            with self._conn.cursor().copy(f"COPY stage_passages ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for r, v, tok, (spans, svecs) in zip(records, vectors, tokens, sentences, strict=True):
                    flat = [int(x) for s in spans for x in (s[0], s[1])]
                    blob = np.ascontiguousarray(svecs, dtype=np.float16).tobytes()
                    copy.write_row((r.id, r.article_id, r.paragraph, r.offset, r.text, r.key, outlet_key(r.outlet),
                                    publication_day(r.published), len(tok), np.asarray(v, dtype=np.float32),
                                    flat, blob))
            updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
            self._conn.execute(f"INSERT INTO passages SELECT * FROM stage_passages ORDER BY id "
                               f"ON CONFLICT (id) DO UPDATE SET {updates}")
            with self._conn.cursor().copy("COPY postings (term, passage_id, tf, doc_len, outlet_key, day) "
                                          "FROM STDIN") as copy:
                for r, tok in zip(records, tokens, strict=True):
                    where = (outlet_key(r.outlet), publication_day(r.published))
                    for term, tf in Counter(tok).items():
                        copy.write_row((term, r.id, tf, len(tok), *where))
                        delta[term] += 1
            self._apply(delta, len(records) - docs, sum(map(len, tokens)) - length)

    def delete(self, ids: Sequence[int]) -> int:
        """Remove passages by id, and the articles left without passages; returns how many were removed."""
        ids = [int(i) for i in ids]
        if not ids:
            return 0
        with self._conn.transaction():
            delta, docs, length = self._forget(ids)
            gone = self._conn.execute("DELETE FROM passages WHERE id = ANY(%s) RETURNING article_id", [ids]).fetchall()
            self._conn.execute("DELETE FROM articles a WHERE a.article_id = ANY(%s) AND NOT EXISTS "
                               "(SELECT 1 FROM passages p WHERE p.article_id = a.article_id)",
                               [sorted({g[0] for g in gone})])
            self._apply(delta, -docs, -length)
        return len(gone)

    def _forget(self, ids: list[int]) -> tuple[Counter, int, int]:
        """Drop the postings of ``ids``: ``(df change per term, passages, total length)`` they had."""
        docs, length = self._conn.execute("SELECT count(*), coalesce(sum(doc_len), 0) FROM passages "
                                          "WHERE id = ANY(%s)", [ids]).fetchone()
        old = self._conn.execute("DELETE FROM postings WHERE passage_id = ANY(%s) RETURNING term", [ids]).fetchall()
        delta: Counter = Counter()
        for (term,) in old:
            delta[term] -= 1
        return delta, int(docs), int(length)

    def _apply(self, delta: Counter, docs: int, length: int) -> None:
        """Add the changes to the statistics, in term order, then the collection row."""
        terms = sorted(t for t, n in delta.items() if n)
        if terms:
            self._conn.execute(
                "INSERT INTO term_stats SELECT u.term, u.n FROM unnest(%s::text[], %s::bigint[]) AS u(term, n) "
                "ORDER BY u.term ON CONFLICT (term) DO UPDATE SET df = term_stats.df + excluded.df",
                [terms, [delta[t] for t in terms]])
        self._conn.execute("UPDATE qa_stats SET n_docs = n_docs + %s, total_len = total_len + %s", [docs, length])

    def finish(self, meta: dict) -> None:
        """Record the manifest (``meta`` plus counts), build the HNSW index if missing, vacuum and analyse.

        ``meta["server_vectors"]`` (:class:`~qa.index.settings.IndexSettings`) sets the HNSW graph's M and ef.
        """
        counts = self._conn.execute("SELECT (SELECT n_docs FROM qa_stats), (SELECT count(*) FROM articles)").fetchone()
        manifest = {**meta, "count": int(counts[0]), "articles": int(counts[1])}
        self._conn.execute("INSERT INTO qa_meta VALUES ('manifest', %s::jsonb) ON CONFLICT (key) DO UPDATE "
                           "SET value = excluded.value", [json.dumps(manifest)])
        pgschema.build_hnsw(self._conn, IndexSettings.from_manifest(meta).server_vectors)
        self._conn.execute("DELETE FROM term_stats WHERE df <= 0")
        for table in ("passages", "postings", "term_stats", "articles", "qa_stats"):  # index-only scans, true counts
            self._conn.execute(f"VACUUM ANALYZE {table}")

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
