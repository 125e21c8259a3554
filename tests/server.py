"""Run the real UI server (`qa serve`) as a subprocess on a free loopback port, for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 240.0
ANNOUNCED = "News QA UI running at http"  # printed by ui.serving.launch once it is set up


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def qa_serve(index: Path, corpus: Path, log: Path, *options: str, host: str = "127.0.0.1",
             env: Mapping[str, str] | None = None, dns: Mapping[str, str] | None = None) -> Iterator[str]:
    """Start `qa serve` on a free port, wait until it announces its URL and answers HTTP 200, yield the URL, stop it.

    Args:
        index: The index served.
        corpus: Its corpus.
        log: Where the server's output goes.
        *options: More `qa serve` options (e.g. ``"--read-only"``).
        host: The address bound (the URL yielded is always http://127.0.0.1:PORT/).
        env: More environment variables for the server.
        dns: Made-up host names and the loopback address each resolves to in the server
            (:mod:`tests.fakedns`; no other name resolves there then).

    The test fails (with the end of the server's log) if the server exits or does not answer in time.
    """
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1", **(env or {})}
    url = f"http://127.0.0.1:{port}/"
    program: Sequence[str] = ["-m", "qa.cli"]
    if dns:
        from tests.fakedns import ENV, SERVE_WITH_FAKE_DNS

        env[ENV] = ",".join(f"{name}={address}" for name, address in dns.items())
        program = ["-c", SERVE_WITH_FAKE_DNS]
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, *program, "serve", "--corpus", str(corpus), "--index",
                                 str(index), "--host", host, "--port", str(port), *options],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"qa serve exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                # Ready once it announces its URL (settings made after Gradio starts, such as the keep-alive,
                # are in place by then) and answers.
                if ANNOUNCED in log.read_text(errors="replace"):
                    with urllib.request.urlopen(url, timeout=5) as r:
                        if r.status == 200:
                            break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"qa serve not ready after {START_TIMEOUT:.0f} s:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
