"""Searching an index held by a PostgreSQL + pgvector server (the same SQL runs on Citus).

:class:`PgBackend` implements :class:`qa.index.backend.SearchBackend` over the tables of
:mod:`qa.index.pgschema`. Rows are passage ids. Dense search is pgvector's HNSW (inner product on
unit vectors) with iterative scans under outlet/date filters; lexical search is BM25 computed in
SQL from the postings of the project's own tokenizer with the same formula as bm25s (Lucene idf,
k1 1.2, b 0.75), so rankings match the embedded index.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.errors import IndexMissing
from qa.index import pgschema
from qa.index.backend import Window
from qa.index.settings import IndexSettings, bm25_idf
from qa.outlets import outlet_key
from qa.types import Passage, Span

__all__ = ["PgBackend", "PgRestriction"]

_PASSAGE = ("SELECT p.id, p.article_id, a.outlet, a.title, a.url, a.published, p.paragraph, p.text, "
            "a.author FROM passages p JOIN articles a USING (article_id) WHERE p.id = ANY(%s)")


@dataclass(frozen=True)
class PgRestriction:
    """Outlet keys (all outlets when empty) and an inclusive window of publication days."""

    outlet_keys: tuple[str, ...]
    window: Window

    def where(self, alias: str) -> tuple[str, list]:
        """SQL conditions on a ``passages`` or ``postings`` alias (both have outlet_key and day), and parameters."""
        sql, args = [], []
        if self.outlet_keys:
            sql.append(f"{alias}.outlet_key = ANY(%s)")
            args.append(list(self.outlet_keys))
        if self.window is not None:
            sql.append(f"{alias}.day BETWEEN %s AND %s")
            args.extend(self.window)
        return " AND ".join(sql) or "TRUE", args


def _array(value) -> np.ndarray:
    """A pgvector value (``Vector`` or array) as float32."""
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


class PgBackend:
    """An index on a PostgreSQL server, opened by URL. Thread-safe (one connection, serialised)."""

    def __init__(self, url: str, conn) -> None:
        self.url, self._conn = url, conn
        self._lock = threading.Lock()
        self.manifest = self._meta()
        self.settings = IndexSettings.from_manifest(self.manifest)  # k1, b, IDF, ef: as recorded by the build

    @classmethod
    def open(cls, url: str) -> PgBackend:
        """Connect to the server at ``url`` and check that an index was built there.

        Raises:
            ConfigError: The server is unreachable or lacks pgvector.
            IndexMissing: Nothing was built into this database yet.
        """
        conn = pgschema.connect(url)
        try:
            pgschema.require_schema(conn, url)
            backend = cls(url, conn)
        except Exception:
            conn.close()
            raise
        if "model" not in backend.manifest:
            backend.close()
            raise IndexMissing("no build into this database has finished yet", source=backend.location,
                               hint=f"run `qa index --backend {backend.location}` (it resumes where it stopped)")
        return backend

    def _run(self, work):
        """``work(connection)`` under the lock; a connection the server dropped is opened again once."""
        import psycopg

        with self._lock:
            try:
                return work(self._conn)
            except psycopg.OperationalError:
                if not self._conn.closed and not self._conn.broken:
                    raise
                self._conn = pgschema.connect(self.url)  # ConfigError, naming the URL, when still down
                return work(self._conn)

    def _rows(self, sql: str, args: Sequence = ()) -> list[tuple]:
        return self._run(lambda conn: conn.execute(sql, args).fetchall())

    def _meta(self) -> dict:
        found = dict(self._rows("SELECT key, value FROM qa_meta"))
        return {**found.get("manifest", {}), "schema_version": found.get("schema_version")}

    @property
    def location(self) -> str:
        """The server URL without its password."""
        return pgschema.redact(self.url)

    @property
    def n_articles(self) -> int:
        """Articles on the server."""
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def __len__(self) -> int:
        return int(self._rows("SELECT n_docs FROM qa_stats")[0][0])

    def outlets(self) -> list[tuple[str, int]]:
        """``(outlet, number of articles)``, most articles first."""
        rows = self._rows("SELECT outlet, count(*) FROM articles GROUP BY outlet ORDER BY 2 DESC, 1")
        return [(o, int(n)) for o, n in rows]

    def outlet_names(self) -> list[str]:
        """Outlet names, most articles first."""
        return [o for o, _ in self.outlets()]

    def restrict(self, outlets: Sequence[str], window: Window) -> PgRestriction | None:
        """A filter on outlets (matched by :func:`outlet_key`) and dates; None when it filters nothing."""
        if not outlets and window is None:
            return None
        return PgRestriction(tuple(sorted({outlet_key(o) for o in outlets})), window)

    def is_empty(self, restriction: PgRestriction | None) -> bool:
        """True when no passage matches (asked again each time: the server's contents change)."""
        if restriction is None:
            return len(self) == 0
        where, args = restriction.where("p")
        return not self._rows(f"SELECT EXISTS (SELECT 1 FROM passages p WHERE {where})", args)[0][0]

    def dense_rows(self, vector: np.ndarray, k: int, restriction: PgRestriction | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passage ids by inner product (HNSW): ``(ids, scores)``, best first."""
        where, args = (restriction or PgRestriction((), None)).where("p")
        query = np.asarray(vector, dtype=np.float32)

        def search(conn) -> list[tuple]:
            with conn.transaction():
                pgschema.search_settings(conn, self.settings.server_vectors.ef_search)
                return conn.execute(f"SELECT p.id, -(p.embedding <#> %s) FROM passages p WHERE {where} "
                                    f"ORDER BY p.embedding <#> %s LIMIT %s", [query, *args, query, int(k)]).fetchall()

        found = self._run(search)
        found.sort(key=lambda r: -r[1])  # an iterative scan may return rows slightly out of order
        return (np.array([r[0] for r in found], dtype=np.int64),
                np.array([r[1] for r in found], dtype=np.float32))

    def lexical_rows(self, tokens: list[str], k: int, restriction: PgRestriction | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` passage ids by BM25 computed in SQL: ``(ids, scores)``, best first, zero scores dropped."""
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if not tokens:
            return empty
        terms, counts = np.unique(np.asarray(tokens, dtype=object), return_counts=True)
        cond, args = (restriction or PgRestriction((), None)).where("po")  # postings carry outlet and day
        n_docs, total, known, dfs = self._rows(
            "SELECT (SELECT n_docs FROM qa_stats), (SELECT total_len FROM qa_stats), array_agg(term), array_agg(df) "
            "FROM term_stats WHERE term = ANY(%s) AND df > 0", [list(map(str, terms))])[0]
        if not known:
            return empty
        bm25 = self.settings.bm25
        df_of = dict(zip(known, dfs, strict=True))
        found_terms = [(str(t), int(c)) for t, c in zip(terms, counts, strict=True) if str(t) in df_of]
        idf = bm25_idf(np.array([df_of[t] for t, _ in found_terms], dtype=np.int64), n_docs, bm25.idf)
        weights = [float(w) * c for w, (_, c) in zip(idf, found_terms, strict=True)]  # one weight per query term
        c0, c1 = bm25.k1 * (1 - bm25.b), bm25.k1 * bm25.b * max(n_docs, 1) / max(total, 1)  # tf/(tf + c0 + c1 * len)
        found = self._rows(  # constants as parameters: the plan never depends on qa_stats's statistics
            "WITH q AS (SELECT u.term, u.w FROM unnest(%s::text[], %s::float8[]) AS u(term, w)), "
            "top AS (SELECT po.passage_id, sum(q.w * po.tf / (po.tf + %s + %s * po.doc_len)) AS score "
            f"       FROM postings po JOIN q USING (term) WHERE {cond} "
            "       GROUP BY po.passage_id ORDER BY score DESC, po.passage_id LIMIT %s) "
            "SELECT top.passage_id, top.score, p.article_id, p.paragraph, p.\"offset\" "
            "FROM top JOIN passages p ON p.id = top.passage_id",
            [[t for t, _ in found_terms], weights, c0, c1, *args, int(k) + self.settings.server_vectors.tie_margin])
        # Equal float32 scores in corpus order (article, paragraph, offset), as the embedded index ranks them.
        found = sorted((r for r in found if r[1] > 0), key=lambda r: (-np.float32(r[1]), r[2], r[3], r[4]))[:k]
        if not found:
            return empty
        return (np.array([r[0] for r in found], dtype=np.int64),
                np.array([r[1] for r in found], dtype=np.float32))

    def idf(self, tokens: list[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token (:func:`~qa.index.settings.bm25_idf`); unknown as df 0."""
        df = dict(self._rows("SELECT term, df FROM term_stats WHERE term = ANY(%s)", [list(tokens)]))
        found = np.array([max(int(df.get(tok, 0)), 0) for tok in tokens], dtype=np.int64)
        return bm25_idf(found, len(self), self.settings.bm25.idf).astype(np.float32)

    def passages_at(self, rows: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Passages of these ids in the order given (ids not stored are left out)."""
        if not len(rows):
            return []
        ids = [int(r) for r in rows]
        by_id = {r[0]: r for r in self._rows(_PASSAGE, [ids])}
        scores = list(scores) if scores is not None else [0.0] * len(ids)
        return [Passage(*by_id[i][:-1], score=float(s), author=by_id[i][-1] or "")
                for i, s in zip(ids, scores, strict=True) if i in by_id]

    def passages(self, ids: Sequence[int], scores: Sequence[float] | None = None) -> list[Passage]:
        """Passages by passage id (the rows of this backend)."""
        return self.passages_at(ids, scores)

    def texts(self, limit: int | None = None) -> list[str]:
        """Passage texts (at most ``limit``), then article titles and outlets."""
        found = self._rows("SELECT text FROM passages" + (" LIMIT %s" if limit else ""), [limit] if limit else [])
        return [t for (t,) in found] + [t for r in self._rows("SELECT title, outlet FROM articles") for t in r if t]

    def vectors_at(self, rows: Sequence[int]) -> np.ndarray:
        """Passage vectors of these ids (float32)."""
        ids = [int(r) for r in rows]
        found = dict(self._rows("SELECT id, embedding FROM passages WHERE id = ANY(%s)", [ids]))
        if not ids:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([_array(found[i]) for i in ids])

    def sentences_at(self, row: int) -> tuple[list[Span], np.ndarray]:
        """Sentence spans and float32 vectors of one passage."""
        return self.sentences_many([row])[0]

    def sentences_many(self, rows: Sequence[int]) -> list[tuple[list[Span], np.ndarray]]:
        """Sentence spans and vectors of several passages, one query."""
        ids = [int(r) for r in rows]
        dim = int(self.manifest.get("dimension") or 0)
        found = {i: (spans, vecs) for i, spans, vecs in self._rows(
            "SELECT id, sent_spans, sent_vecs FROM passages WHERE id = ANY(%s)", [ids])}
        out = []
        for i in ids:
            spans, blob = found[i]
            vecs = np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, dim)
            out.append(([Span(int(spans[j]), int(spans[j + 1])) for j in range(0, len(spans), 2)], vecs))
        return out

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
