"""Measurements of ``qa bench``, each run in its own process so that peak RSS belongs to one task.

``python -m qa.tools.bench_tasks TASK 'JSON-ARGS'`` prints one JSON object on its last line.

Unlike the rest of :mod:`qa.tools`, these tasks time the parts behind the public API (the raw
encoder, the dense and BM25 searches, the index writer), so they import those parts' public names.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident memory, MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def index_built(index: Path) -> bool:
    """True when ``index`` holds a live index version with a readable manifest."""
    from qa.index.store import read_manifest

    try:
        return (index / "CURRENT").exists() and read_manifest(index) is not None
    except ValueError:  # a damaged manifest
        return False


def disk_bytes(index: Path) -> int:
    from qa.index.store import current_version

    return sum(p.stat().st_size for p in current_version(Path(index)).rglob("*") if p.is_file())


def task_throughput(paths: list[str], repeat: int, batch_size: int = 64) -> dict:
    """Raw encoder passes vs the full ``qa add`` pipeline (ingest, clean, embed, index, write).

    The raw figure is the process encoder's bulk pass (``encode_passages`` without sentences), the
    one a build runs.
    """
    import qa
    from qa.model import get_encoder

    encoder = get_encoder()
    encoder.encode_passages(["warm up the model"] * 8, [[]] * 8, [0] * 8)
    raw_s, build_s, texts = [], [], None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="qa-bench-tp-") as tmp:
            t0 = time.perf_counter()
            stats = qa.add_articles(paths, corpus=Path(tmp) / "corpus", index=Path(tmp) / "index")
            build_s.append(time.perf_counter() - t0)
            if texts is None:
                store = qa.IndexStore.open(Path(tmp) / "index")
                texts = [f"{r.title}\n{r.text}" if r.title else r.text for r in store.records()]
                store.close()
        t0 = time.perf_counter()
        for start in range(0, len(texts), batch_size):
            batch = texts[start:start + batch_size]
            encoder.encode_passages(batch, [[]] * len(batch), [0] * len(batch))
        raw_s.append(time.perf_counter() - t0)
    n = stats.passages
    raw, build = n / statistics.median(raw_s), n / statistics.median(build_s)
    return {"paragraphs": n, "articles": stats.articles, "raw_encode_pps": raw, "build_pps": build,
            "ratio": build / raw, "raw_s": raw_s, "build_s": build_s, "threads": max(1, os.cpu_count() or 1),
            "peak_rss_mb": peak_rss_mb()}


def task_build(paths: list[str], corpus: str, index: str) -> dict:
    """One full build of a real corpus (``qa add`` into a fresh corpus and index)."""
    import qa

    for p in (corpus, index):
        shutil.rmtree(p, ignore_errors=True)
    t0 = time.perf_counter()
    stats = qa.add_articles(paths, corpus=corpus, index=index)
    seconds = time.perf_counter() - t0
    return {"paragraphs": stats.passages, "articles": stats.articles, "build_s": seconds,
            "build_pps": stats.passages / seconds, "peak_rss_mb": peak_rss_mb()}


def task_synth(real_index: str, index: str, n: int, seed: int = 0) -> dict:
    """Write an ``n``-paragraph index: the real index's rows, then synthetic ones (see qa.tools.bench_synth)."""
    import qa
    from qa.index.store import IndexStore
    from qa.index.writer import write_index
    from qa.tools.bench_synth import synth_records, synth_sentences, synth_vectors

    t0 = time.perf_counter()
    store = IndexStore.open(real_index)
    real_vecs = store.dense.reconstruct()
    records = store.records()
    real_sentences = store.sentences
    meta = {k: store.manifest[k] for k in ("model", "model_path", "dimension", "tokenizer", "backend")
            if k in store.manifest}
    store.close()
    extra = n - len(records)
    records.extend(synth_records(records, extra, seed))
    vectors = np.concatenate([real_vecs, synth_vectors(real_vecs, extra, seed)])
    sentences = synth_sentences(real_sentences, records, vectors, seed)
    made = time.perf_counter() - t0
    shutil.rmtree(index, ignore_errors=True)
    t0 = time.perf_counter()
    write_index(Path(index), records, vectors, {**meta, "synthetic": {"n": n, "seed": seed, "real": real_index}},
                sentences=sentences, settings=qa.Settings.from_env().index)  # $QA_ANN_THRESHOLD as qa index
    return {"paragraphs": n, "generate_s": made, "index_write_s": time.perf_counter() - t0,
            "peak_rss_mb": peak_rss_mb()}


def task_serve(index: str, queries: list[str], repeat: int, with_recall: bool = True) -> dict:
    """Warm latency of answer() and retrieve() (and the dense search alone), and serving memory; with
    ``with_recall``, the dense index's recall against exact search too."""
    import qa
    from qa.answering.query import make_query
    from qa.model import get_encoder

    t0 = time.perf_counter()
    store = qa.open_index(index)
    open_s = time.perf_counter() - t0
    qa.answer(queries[0], index=store)  # loads the model, warms caches
    timings: dict[str, list[float]] = {"answer": [], "retrieve": [], "dense": [], "lexical": []}
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            qa.answer(q, index=store)
            timings["answer"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            qa.retrieve(q, index=store)
            timings["retrieve"].append(time.perf_counter() - t0)
            query = make_query(q, store.outlet_names(), get_encoder())
            t0 = time.perf_counter()
            store.search_dense(query.vector, 100)
            timings["dense"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.search_lexical(query.tokens, 100)
            timings["lexical"].append(time.perf_counter() - t0)
    out = {"paragraphs": len(store), "vector_index": type(store.dense).__name__, "open_s": open_s,
           "queries": len(queries) * repeat, "rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb(),
           "disk_bytes": disk_bytes(Path(index))}
    for name, values in timings.items():
        out[f"{name}_p50_ms"] = pct(values, 50) * 1000
        out[f"{name}_p95_ms"] = pct(values, 95) * 1000
    out["disk_bytes_per_paragraph"] = out["disk_bytes"] / max(len(store), 1)
    if with_recall:
        out["recall"] = recall(store, queries)  # after the RSS figures: exact search holds all vectors
    return out


def recall(store, queries: list[str], k: int = 10) -> dict:
    """Recall@k of the index's dense search against exact search over the same stored vectors."""
    from qa.model import get_encoder

    qv = get_encoder().encode(queries)
    n = len(store)
    best_s = np.full((len(qv), k), -np.inf, dtype=np.float32)
    best_r = np.zeros((len(qv), k), dtype=np.int64)
    for start in range(0, n, 100_000):
        rows = np.arange(start, min(n, start + 100_000))
        scores = qv @ store.dense.reconstruct(rows).T
        all_s = np.concatenate([best_s, scores], axis=1)
        all_r = np.concatenate([best_r, np.broadcast_to(rows, scores.shape)], axis=1)
        top = np.argsort(-all_s, axis=1)[:, :k]
        best_s, best_r = np.take_along_axis(all_s, top, 1), np.take_along_axis(all_r, top, 1)
    hits, hits100 = 0, []
    t0 = time.perf_counter()
    for q, exact in zip(qv, best_r, strict=True):
        found, _ = store.dense.search(q, k)
        hits += len(set(found.tolist()) & set(exact.tolist()))
    search_ms = (time.perf_counter() - t0) / len(qv) * 1000
    for q, exact in zip(qv, best_r, strict=True):
        found, _ = store.dense.search(q, 100)
        hits100.append(len(set(found.tolist()) & set(exact.tolist())) / k)
    return {"vector_index": type(store.dense).__name__, "k": k, "queries": len(qv),
            f"recall_at_{k}": hits / (k * len(qv)), f"recall_at_{k}_in_pool100": float(np.mean(hits100)),
            "search_ms": search_ms}


TASKS = {"throughput": task_throughput, "build": task_build, "synth": task_synth, "serve": task_serve}


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import logging

    logging.basicConfig(level=logging.WARNING)
    result = TASKS[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
