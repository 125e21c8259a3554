"""The PostgreSQL + pgvector layout of an index, connections and their errors.

Tables (plain SQL that runs unchanged on a Citus cluster; :data:`CITUS_DISTRIBUTE` shards them)::

    qa_meta       (key, value jsonb)             the manifest: model, dimension, tokenizer, corpus files
    qa_stats      (one row: n_docs, total_len)   BM25 collection statistics, kept by every write
    articles      (article_id, outlet, outlet_key, title, url, published, author)
    passages      (id, article_id, paragraph, offset, text, key, outlet_key, day, doc_len,
                   embedding vector(D), sent_spans int4[], sent_vecs bytea)   one row per passage
    postings      (term, passage_id, tf, doc_len, outlet_key, day)
                                                 the BM25 inverted index of the project's tokenizer
    term_stats    (term, df)                     document frequency of every term

``embedding`` is the unit passage vector (inner product = cosine), searched through an HNSW index
built after the first bulk load; ``sent_spans`` holds ``start, end`` pairs of the sentences and
``sent_vecs`` their float16 unit vectors. ``postings`` are keyed by ``(term, passage_id)`` and
distributed by ``passage_id``, colocated with ``passages``; they repeat the passage's outlet and day so
that a search within an outlet reads only that outlet's postings. Both posting indexes cover what BM25
reads (index-only scans once vacuumed: BM25 p50 at 28k 27 → 15 ms).
"""

from __future__ import annotations

import re

from qa.config import Config
from qa.errors import ConfigError, IndexMissing
from qa.index.settings import ServerVectorSettings

__all__ = ["CITUS_DISTRIBUTE", "SCHEMA_VERSION", "URL_SCHEMES",
           "build_hnsw", "connect", "create_schema", "has_schema", "is_url", "redact", "require_schema",
           "search_settings"]

SCHEMA_VERSION = 3
URL_SCHEMES = ("postgresql://", "postgres://")

TABLES = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS qa_meta (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS qa_stats (one int PRIMARY KEY CHECK (one = 1), n_docs bigint NOT NULL,
                                     total_len bigint NOT NULL);
INSERT INTO qa_stats VALUES (1, 0, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS articles (article_id text PRIMARY KEY, outlet text NOT NULL, outlet_key text NOT NULL,
                                     title text, url text, published text, author text);
CREATE TABLE IF NOT EXISTS passages (id bigint PRIMARY KEY, article_id text NOT NULL, paragraph int NOT NULL,
                                     "offset" int NOT NULL, text text NOT NULL, key text NOT NULL,
                                     outlet_key text NOT NULL, day int NOT NULL, doc_len int NOT NULL,
                                     embedding vector({dim}) NOT NULL, sent_spans int4[] NOT NULL,
                                     sent_vecs bytea NOT NULL);
CREATE INDEX IF NOT EXISTS passages_outlet_day ON passages (outlet_key, day);
CREATE INDEX IF NOT EXISTS passages_day ON passages (day);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id);
CREATE TABLE IF NOT EXISTS postings (term text NOT NULL, passage_id bigint NOT NULL, tf int NOT NULL,
                                     doc_len int NOT NULL, outlet_key text NOT NULL, day int NOT NULL,
                                     PRIMARY KEY (term, passage_id) INCLUDE (tf, doc_len));
CREATE INDEX IF NOT EXISTS postings_passage ON postings (passage_id);
CREATE INDEX IF NOT EXISTS postings_outlet_term ON postings (outlet_key, term) INCLUDE (passage_id, tf, doc_len, day);
CREATE TABLE IF NOT EXISTS term_stats (term text PRIMARY KEY, df bigint NOT NULL);
"""

HNSW_INDEX = ("CREATE INDEX IF NOT EXISTS passages_embedding ON passages USING hnsw (embedding vector_ip_ops) "
              "WITH (m = {m}, ef_construction = {ef_construction})")

# Run once on a Citus coordinator on the empty tables (create_schema does it when $QA_CITUS_SHARDS is set):
CITUS_DISTRIBUTE = (
    "SELECT create_reference_table('qa_meta')", "SELECT create_reference_table('qa_stats')",
    "SELECT create_reference_table('articles')", "SELECT create_reference_table('term_stats')",
    "SELECT create_distributed_table('passages', 'id', shard_count => %(shards)s)",
    "SELECT create_distributed_table('postings', 'passage_id', colocate_with => 'passages')",
)


def is_url(target: object) -> bool:
    """True when ``target`` is a PostgreSQL connection URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", url)


def connect(url: str):
    """An autocommit connection with pgvector's types registered.

    Raises:
        ConfigError: The driver is not installed or the server is unreachable (the URL, without
            its password, is named).
    """
    try:
        import psycopg
        from pgvector.psycopg import register_vector
    except ImportError:
        raise ConfigError("the PostgreSQL backend needs psycopg and pgvector", source=redact(url),
                          hint="pip install -e '.[postgres]'") from None
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"cannot reach the search server ({reason})", source=redact(url),
                          hint="start the server or fix QA_BACKEND_URL / --backend") from None
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except psycopg.Error as exc:
        conn.close()
        raise ConfigError(f"pgvector is not available on the server ({exc})", source=redact(url),
                          hint="install the pgvector extension (CREATE EXTENSION vector)") from None
    register_vector(conn)
    return conn


def has_schema(conn) -> bool:
    """True when the database holds a qa index (its tables exist)."""
    return conn.execute("SELECT to_regclass('qa_meta') IS NOT NULL AND to_regclass('passages') IS NOT NULL"
                        ).fetchone()[0]


def require_schema(conn, url: str) -> None:
    """Raise :class:`IndexMissing` when nothing was built into this database yet."""
    if not has_schema(conn):
        raise IndexMissing("no index in this database yet", source=redact(url),
                           hint=f"run `qa index --backend {redact(url)}` to build it")


def create_schema(conn, dimension: int, shards: int | None = None) -> None:
    """Create the tables (idempotent) for vectors of ``dimension``; on a Citus coordinator with ``shards``
    (default ``$QA_CITUS_SHARDS``, :class:`qa.config.Config`), distribute them (:data:`CITUS_DISTRIBUTE`) before
    the first load."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7342001)")  # concurrent first builds create it once
        conn.execute(TABLES.replace("{dim}", str(int(dimension))))
        conn.execute("INSERT INTO qa_meta VALUES ('schema_version', %s::jsonb) ON CONFLICT DO NOTHING",
                     (str(SCHEMA_VERSION),))
    shards = Config.from_env().citus_shards if shards is None else shards
    if shards and _has_citus(conn) and not conn.execute(
            "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'passages'::regclass").fetchone()[0]:
        for statement in CITUS_DISTRIBUTE:  # once, while the tables are empty
            conn.execute(statement, {"shards": int(shards)} if "%(shards)s" in statement else None)


def search_settings(conn, ef_search: int = ServerVectorSettings.ef_search) -> None:
    """Per-transaction search settings (inside a transaction; a Citus coordinator passes them on)."""
    conn.execute("SET LOCAL citus.propagate_set_commands = 'local'") if _has_citus(conn) else None
    conn.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
    conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")


def _has_citus(conn) -> bool:
    cached = getattr(conn, "_qa_citus", None)
    if cached is None:
        cached = bool(conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'citus'").fetchone()[0])
        conn._qa_citus = cached
    return cached


def build_hnsw(conn, settings: ServerVectorSettings | None = None) -> None:
    """Build the HNSW index over the passage vectors if missing (after a bulk load: much faster than row by row)."""
    settings = settings or ServerVectorSettings()
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute(HNSW_INDEX.format(m=int(settings.hnsw_m), ef_construction=int(settings.ef_construction)))
