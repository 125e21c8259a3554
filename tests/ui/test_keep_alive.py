"""An idle keep-alive connection outlives a client's pause between questions (`qa serve`, ui/serving.py).

With uvicorn's default of 5 s, a client asking again after about 5 s on the same connection raced the
server closing it and got "connection reset by peer" (seen once in the 50-client load test).
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.server import qa_serve
from ui.serving import KEEP_ALIVE_S


def _ask(sock: socket.socket, host: str, question: str) -> bytes:
    body = json.dumps({"question": question}).encode()
    sock.sendall(b"POST /api/answer HTTP/1.1\r\nHost: " + host.encode() + b"\r\nContent-Type: application/json\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data  # the server closed the connection
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break  # closed mid-body: the caller's status check still sees what came
        rest += chunk
    return head


def test_an_idle_connection_is_kept_longer_than_a_pause_between_questions(seed_index: Path, seed_corpus: Path,
                                                                           tmp_path: Path) -> None:
    assert KEEP_ALIVE_S > 10
    with qa_serve(seed_index, seed_corpus, tmp_path / "serve.log", "--read-only") as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=120) as sock:
            first = _ask(sock, parts.netloc, "Who signed the decree?")
            assert first.startswith(b"HTTP/1.1 200"), first[:200]
            time.sleep(7)  # longer than uvicorn's default keep-alive (5 s)
            again = _ask(sock, parts.netloc, "Which ministry does the National Guard belong to?")
            assert again.startswith(b"HTTP/1.1 200"), again[:200]  # same connection, still open
