"""``qa bench --sizes engine``: the MultiHop index (~28k paragraphs) served by a PostgreSQL + pgvector server.

Figures, in the same shape as the other sizes of :mod:`qa.tools.bench` plus the server's own:

- build: migrating the embedded MultiHop index into a fresh database (``qa index --backend URL
  --from-index DIR``: vectors reused, written in batches, HNSW built) and, for throughput, embedding
  a subset of MultiHop articles straight into another fresh database (``qa add`` into the server),
  then into an index directory (the embedded build of the same articles, same run);
- serve: warm ``answer()`` / ``retrieve()`` p50/p95 through the server (and through the embedded index,
  one after the other in the same run), dense and BM25 search p50;
- recall: the server's HNSW dense top-10 against exact search (the embedded flat index), and how
  many of ``retrieve()``'s top 10 are the embedded index's;
- server: resident memory of the server's processes (RSS summed, and PSS: shared buffers counted once),
  database and HNSW index size.

The server is ``--backend URL`` / ``$QA_BACKEND_URL`` (databases ``qa_bench_*`` are created there),
or a throw-away one from :mod:`qa.tools.pgserver`.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import qa
from qa.tools.bench_tasks import index_built, pct

__all__ = ["bench_engine"]


def _database(url: str, name: str) -> str:
    """URL of a fresh, empty database ``name`` on the server of ``url``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def server_memory(url: str) -> dict:
    """RSS and PSS of the server's processes (postmaster and children) and sizes on disk, MiB."""
    import psutil
    import psycopg

    with psycopg.connect(url) as conn:
        data = conn.execute("SHOW data_directory").fetchone()[0]
        db_bytes = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        hnsw = conn.execute("SELECT coalesce(pg_relation_size(to_regclass('passages_embedding')), 0)").fetchone()[0]
        n = conn.execute("SELECT n_docs FROM qa_stats").fetchone()[0]
    pid = int(Path(data, "postmaster.pid").read_text().split()[0])
    rss = pss = processes = 0
    for proc in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        try:
            rss, pss, processes = rss + proc.memory_info().rss, pss + proc.memory_full_info().pss, processes + 1
        except psutil.NoSuchProcess:  # a backend that just exited
            continue
    return {"processes": processes, "rss_sum_mb": rss / 2**20, "pss_mb": pss / 2**20,
            "database_mb": db_bytes / 2**20, "hnsw_index_mb": hnsw / 2**20,
            "disk_bytes_per_paragraph": db_bytes / max(n, 1), "hnsw_bytes_per_vector": hnsw / max(n, 1)}


def _serve(url: str, embedded: Path, queries: list[str], repeat: int) -> tuple[dict, dict]:
    from qa.answering.query import make_query
    from qa.model import get_encoder

    store, exact = qa.open_index(url), qa.open_index(embedded)
    qa.answer(queries[0], index=store)  # loads the models, warms the connection
    timings: dict[str, list[float]] = {"answer": [], "retrieve": [], "dense": [], "lexical": []}
    for _ in range(repeat):
        for q in queries:
            query = make_query(q, store.outlet_names(), get_encoder())
            t0 = time.perf_counter()
            store.dense_rows(query.vector, 100)
            timings["dense"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.lexical_rows(query.search_tokens, 100)
            timings["lexical"].append(time.perf_counter() - t0)
    same_run: dict[str, list[float]] = {"answer": [], "retrieve": []}  # the embedded index, after the server's
    for target, into in ((store, timings), (exact, same_run)):  # not interleaved: FAISS's idle threads spin
        qa.answer(queries[0], index=target)
        for _ in range(repeat):
            for q in queries:
                for name, call in (("answer", qa.answer), ("retrieve", qa.retrieve)):
                    t0 = time.perf_counter()
                    call(q, index=target)
                    into[name].append(time.perf_counter() - t0)
    serve = {"paragraphs": len(store), "vector_index": "pgvector HNSW", "queries": len(queries) * repeat}
    for name, values in timings.items():
        serve[f"{name}_p50_ms"] = pct(values, 50) * 1000
        serve[f"{name}_p95_ms"] = pct(values, 95) * 1000
    for name, values in same_run.items():
        serve[f"embedded_{name}_p50_ms"] = pct(values, 50) * 1000
        serve[f"embedded_{name}_p95_ms"] = pct(values, 95) * 1000
    dense_hits, agree = [], []
    for q in queries:
        vector = make_query(q, store.outlet_names(), get_encoder()).vector
        found = {p.id for p in store.passages_at(store.dense_rows(vector, 10)[0])}
        truth = {p.id for p in exact.passages_at(exact.dense_rows(vector, 10)[0])}
        dense_hits.append(len(found & truth) / 10)
        mine = {p.id for p in qa.retrieve(q, 10, index=store)}
        agree.append(len(mine & {p.id for p in qa.retrieve(q, 10, index=exact)}) / 10)
    recall = {"vector_index": "pgvector HNSW", "k": 10, "queries": len(queries),
              "recall_at_10": float(np.mean(dense_hits)), "retrieve_agreement_at_10": float(np.mean(agree))}
    return serve, recall


def bench_engine(backend: str | None, work: Path, subset: Path, queries: list[str], repeat: int,
                 say: Callable[[str], None]) -> dict:
    """Every figure of the ``engine`` size (see the module docstring).

    Args:
        backend: Server URL (its ``qa_bench_*`` databases are replaced); None starts a throw-away server.
        work: The bench work directory, holding ``multihop/index`` and ``multihop/corpus``.
        subset: MultiHop articles (JSON) embedded straight into the server for the throughput figure.
        queries: MultiHop dev questions.
        repeat: Repetitions of the query set.
        say: Progress lines.

    Raises:
        QAError: The embedded MultiHop index is missing (``qa bench --sizes multihop`` builds it).
    """
    mh_index, mh_corpus = work / "multihop" / "index", work / "multihop" / "corpus"
    if not index_built(mh_index) or not mh_corpus.is_dir():
        raise qa.QAError("the engine size needs the embedded MultiHop index", source=mh_index,
                         hint="run `qa bench --sizes multihop,engine`")
    server = None
    url = backend or qa.Config.from_env().backend_url or None
    if not url:
        from qa.tools.pgserver import start

        server = start(max_seconds=6 * 3600)
        url = server.url
    try:
        out: dict = {"size": "engine", "server": "PostgreSQL + pgvector (" + ("given" if backend else
                                                                           "throw-away, qa.tools.pgserver") + ")"}
        with tempfile.TemporaryDirectory(prefix="qa-bench-engine-") as tmp:
            say("engine: throughput (MultiHop subset embedded into a fresh database, then into an index directory)")
            warm = Path(tmp) / "warm.json"  # one article first: the model loads outside the timings
            warm.write_text(json.dumps(json.loads(Path(subset).read_text())[:1]))
            qa.add_articles([warm], corpus=Path(tmp) / "corpus-warm", index=Path(tmp) / "index-warm")
            seconds = []
            for name, target in (("server", _database(url, "qa_bench_subset")), ("embedded", Path(tmp) / "index")):
                t0 = time.perf_counter()
                stats = qa.add_articles([subset], corpus=Path(tmp) / f"corpus-{name}", index=target)
                seconds.append(time.perf_counter() - t0)
        n = stats.passages
        out["throughput"] = {"paragraphs": n, "build_s": seconds[0], "build_pps": n / seconds[0],
                             "embedded_build_pps": n / seconds[1]}
        say("engine: the MultiHop index migrated into a fresh database (vectors reused)")
        db = _database(url, "qa_bench_multihop")
        t0 = time.perf_counter()
        stats = qa.build_index(mh_corpus, db, from_index=mh_index)
        seconds = time.perf_counter() - t0
        out["build"] = {"build_s": seconds, "paragraphs": stats.passages, "write_pps": stats.passages / seconds}
        say("engine: warm serving, recall of HNSW vs exact, server memory")
        out["serve"], out["recall"] = _serve(db, mh_index, queries, repeat)
        out["server_memory"] = server_memory(db)
        out["serve"]["peak_rss_mb"] = out["server_memory"]["pss_mb"]
        out["serve"]["disk_bytes_per_paragraph"] = out["server_memory"]["disk_bytes_per_paragraph"]
        return json.loads(json.dumps(out))
    finally:
        if server is not None:
            server.stop()
