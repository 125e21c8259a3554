"""Load: 200 questions from 8 concurrent clients to the running UI server while `qa add` updates the index.

Loopback only (127.0.0.1), bounded (200 requests). Prints p50/p95 latency; run with ``-s`` to see it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.server import qa_serve
from tests.synth import article_text, seeds_and_synth_index

N_REQUESTS, N_CLIENTS, AFTER_UPDATE = 200, 8, 40  # at least AFTER_UPDATE requests start after the update
NEW_QUESTION = "Who relit the Kessel Point lighthouse?"
NEW_OUTLET = "Harbour Herald"
QUESTIONS = ["Who signed the decree allowing foreigners into the National Guard?",
             "Which ministry does the National Guard belong to?",
             "Can foreign women be recruited?",
             NEW_QUESTION]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


@pytest.fixture
def server(seed_corpus: Path, tmp_path: Path):
    """`qa serve` as a subprocess over seeds + 6 synthetic articles; yields (url, corpus, index)."""
    corpus, index = seeds_and_synth_index(seed_corpus, tmp_path)
    # one address, 200 questions: throughput, not the per-client limit (tests/test_load_clients.py has that)
    with qa_serve(index, corpus, tmp_path / "serve.log", "--rate-limit", "0") as url:
        yield url, corpus, index


@pytest.mark.slow
def test_200_questions_from_8_clients_during_an_index_update(server, tmp_path):
    from gradio_client import Client

    url, corpus, index = server
    warm = Client(url, verbose=False)
    api = warm.view_api(print_info=False, return_format="dict")
    assert "/ask" in api["named_endpoints"], list(api["named_endpoints"])
    assert NEW_OUTLET not in str(warm.predict(NEW_QUESTION, [], [], 5, api_name="/ask"))  # also loads the model
    new_article = tmp_path / "lighthouse.md"
    new_article.write_text(article_text(
        "Kessel Point lighthouse shines again", NEW_OUTLET,
        ["The volunteer keeper Mirela Vostok relit the Kessel Point lighthouse on Sunday after forty years "
         "of darkness, the harbour office said.",
         "The lamp, restored by local glaziers, can be seen from twenty nautical miles away."]))

    lock = threading.Lock()
    update_done = threading.Event()
    state = {"next": 0, "done_at": None}
    results: list[dict] = []

    def take() -> int | None:
        while True:
            with lock:
                i = state["next"]
                if i >= N_REQUESTS:
                    return None
                if update_done.is_set() or N_REQUESTS - i > AFTER_UPDATE:
                    state["next"] = i + 1
                    return i
            update_done.wait(timeout=1)

    def client_loop() -> None:
        client = Client(url, verbose=False)
        while (i := take()) is not None:
            question = QUESTIONS[i % len(QUESTIONS)]
            started = time.monotonic()
            try:
                out = client.predict(question, [], [], 5, api_name="/ask")
                error = None
            except Exception as exc:  # recorded, then asserted on
                out, error = None, repr(exc)
            ended = time.monotonic()
            with lock:
                results.append({"question": question, "start": started, "latency": ended - started,
                                "out": str(out), "error": error})

    threads = [threading.Thread(target=client_loop) for _ in range(N_CLIENTS)]
    load_started = time.monotonic()
    for t in threads:
        t.start()
    update = subprocess.run([sys.executable, "-m", "qa.cli", "add", str(new_article), "-q", "--corpus",
                             str(corpus), "--index", str(index)], cwd=ROOT, env=ENV, capture_output=True,
                            text=True, timeout=600)
    state["done_at"] = time.monotonic()
    update_done.set()
    for t in threads:
        t.join(timeout=900)
    wall = time.monotonic() - load_started
    assert update.returncode == 0, update.stderr
    assert "embedded 2 new" in update.stdout

    assert len(results) == N_REQUESTS
    errors = [r for r in results if r["error"] or "Could not answer" in r["out"] or "internal error" in r["out"]]
    assert not errors, errors[:3]
    during = [r for r in results if r["start"] < state["done_at"]]
    after = [r for r in results if r["start"] > state["done_at"]]
    assert len(after) >= AFTER_UPDATE and during
    new_after = [r for r in after if r["question"] == NEW_QUESTION]
    assert new_after and all(NEW_OUTLET in r["out"] and "Mirela Vostok" in r["out"] for r in new_after)
    old_after = [r for r in after if r["question"] == QUESTIONS[2]]
    assert all("Foreign women can also be recruited" in r["out"] for r in old_after)

    latencies = sorted(r["latency"] for r in results)
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[18]
    print(f"\nload: {N_REQUESTS} questions, {N_CLIENTS} clients, {len(during)} sent during the update "
          f"({state['done_at'] - load_started:.1f} s; their p50 "
          f"{statistics.median(r['latency'] for r in during):.2f} s), {len(after)} after; wall {wall:.1f} s, "
          f"{N_REQUESTS / wall:.1f} req/s; latency p50 {p50:.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")
