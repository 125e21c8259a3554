"""Load under abuse: 50 concurrent clients for 60 s against `qa serve`, one of them over its questions per minute.

Loopback only: every request goes to 127.0.0.1; clients are told apart by ``X-Forwarded-For`` (as behind
a reverse proxy on the same machine). Half the polite clients use the JSON API, half the chat
endpoint (`/ask`, with gradio_client); each asks, reads the answer and thinks 4-7 s, so it stays under
the limit. The abusive client fires from two connections without pause. Prints p50/p95 latency and
the error count (run with ``-s``): the abusive client must get the limit's message, no other client
any error.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from pathlib import Path

import pytest

from tests.server import qa_serve
from tests.synth import seeds_and_synth_index

N_CLIENTS, SECONDS, PER_MINUTE = 50, 60.0, 20
ABUSER = "127.0.0.250"
QUESTIONS = ["Who signed the decree allowing foreigners into the National Guard?",
             "Which ministry does the National Guard belong to?",
             "Can foreign women be recruited?",
             "For how many years can foreigners sign up?"]
LIMITED = f"too many questions: this server answers at most {PER_MINUTE} a minute from one address"


@pytest.fixture
def server(seed_corpus: Path, tmp_path: Path):
    """`qa serve --read-only --rate-limit 20` over the seeds + 6 synthetic articles; yields its URL."""
    corpus, index = seeds_and_synth_index(seed_corpus, tmp_path)
    with qa_serve(index, corpus, tmp_path / "serve.log", "--read-only", "--rate-limit", str(PER_MINUTE)) as url:
        yield url


def _json_asker(url: str, address: str):
    import httpx

    client = httpx.Client(base_url=url, headers={"X-Forwarded-For": address}, timeout=300)

    def ask(question: str) -> tuple[int, str]:
        response = client.post("api/answer", json={"question": question})
        data = response.json()
        if response.status_code == 200:
            return 200, "" if data.get("quotes") and "question" in data else f"incomplete answer: {data}"
        return response.status_code, data.get("error", response.text)

    return ask


def _chat_asker(url: str, address: str):
    from gradio_client import Client

    client = Client(url, verbose=False, headers={"X-Forwarded-For": address},
                    httpx_kwargs={"timeout": 300})  # its default 5 s is too short for a loaded 2-core server

    def ask(question: str) -> tuple[int, str]:
        reply = str(client.predict(question, [], [], 5, api_name="/ask")[0][-1]["content"])
        return (429 if LIMITED in reply else 200), ("" if "Could not answer" not in reply else reply)

    return ask


@pytest.mark.slow
def test_50_clients_for_60_seconds_with_one_over_the_limit(server: str) -> None:
    url = server
    lock = threading.Lock()
    results: list[dict] = []
    abuse: dict[str, list] = {"json": [], "chat": []}
    start: dict[str, float] = {}
    # every client connected (49 polite threads, 2 abusive, and this one): the 60 s start together
    ready = threading.Barrier(N_CLIENTS + 2, action=lambda: start.update(began=time.monotonic(),
                                                                        end=time.monotonic() + SECONDS))

    def polite(i: int) -> None:
        rng = random.Random(i)
        try:
            ask = (_json_asker if i % 2 else _chat_asker)(url, f"127.0.0.{10 + i}")
        except Exception as exc:  # a client that cannot even connect is an error too
            results.append({"client": i, "latency": 0.0, "status": 0, "error": f"connecting: {exc!r}"})
            ready.wait(timeout=600)
            return
        ready.wait(timeout=600)
        time.sleep(rng.uniform(0, 3))  # clients arrive over the first seconds
        while time.monotonic() < start["end"]:
            question = rng.choice(QUESTIONS)
            began = time.monotonic()
            try:
                status, error = ask(question)
            except Exception as exc:  # recorded, then asserted on
                status, error = 0, repr(exc)
            with lock:
                results.append({"client": i, "latency": time.monotonic() - began, "status": status, "error": error})
            time.sleep(rng.uniform(4, 7))

    def abusive() -> None:
        ask = _json_asker(url, ABUSER)
        ready.wait(timeout=600)
        while time.monotonic() < start["end"]:
            status, message = ask(QUESTIONS[0])
            with lock:
                abuse["json"].append((status, message))
            if status == 429 and not abuse["chat"]:
                abuse["chat"].append(_chat_asker(url, ABUSER)(QUESTIONS[1]))
            time.sleep(0.05 if status == 200 else 0.5)

    threads = [threading.Thread(target=polite, args=(i,)) for i in range(N_CLIENTS - 1)]
    threads += [threading.Thread(target=abusive) for _ in range(2)]  # one client, two connections
    for t in threads:
        t.start()
    ready.wait(timeout=300)
    for t in threads:
        t.join(timeout=SECONDS + 600)
    wall = time.monotonic() - start["began"]

    errors = [r for r in results if r["status"] != 200 or r["error"]]
    latencies = sorted(r["latency"] for r in results)
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[18]
    refused = [m for s, m in abuse["json"] if s == 429]
    print(f"\nload: {N_CLIENTS} clients ({N_CLIENTS - 1} polite + 1 over the limit) for {SECONDS:.0f} s "
          f"(wall {wall:.1f} s): {len(results)} polite questions, latency p50 {p50:.2f} s, p95 {p95:.2f} s, "
          f"max {latencies[-1]:.2f} s, errors {len(errors)}; the limited client: "
          f"{sum(s == 200 for s, _ in abuse['json'])} answered, {len(refused)} refused (429)")
    assert not errors, errors[:3]
    assert len({r["client"] for r in results}) == N_CLIENTS - 1  # every polite client was answered
    assert refused and all(m.startswith(LIMITED) for m in refused), abuse["json"][-3:]
    assert sum(s == 200 for s, _ in abuse["json"]) <= PER_MINUTE * 2  # at most two windows' worth in ~60 s
    assert abuse["chat"] and abuse["chat"][0][0] == 429, abuse["chat"]  # the chat says so too
    assert {s for s, _ in abuse["json"]} <= {200, 429}
