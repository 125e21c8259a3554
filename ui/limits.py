"""Limits of a served UI that hold under abuse: questions per minute per client, answers at a time, body sizes.

A client is its address as the server sees it (``request.client.host``): behind a reverse proxy on
this machine, uvicorn takes it from ``X-Forwarded-For`` (it trusts that header from 127.0.0.1 only,
so a remote client cannot choose its own address). :class:`RequestLimits` is an ASGI middleware in
front of the whole app: request bodies are bounded (``Content-Length`` required), uploads are refused
in read-only mode and limited per client otherwise.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

MAX_CLIENTS = 100_000  # clients remembered by a limiter; the least recently seen are forgotten first


@dataclass(frozen=True)
class Limits:
    """The limits of one server.

    Attributes:
        questions_per_minute: Questions answered per client per minute (chat and JSON API together); 0: no limit.
        answer_slots: Questions answered at the same time (chat and JSON API together).
        slot_wait: Seconds a JSON API request waits for a free slot before "busy" (503).
        max_body_bytes: Largest request body other than an upload (a pasted article fits).
        max_upload_bytes: Largest uploaded file.
        uploads_per_minute: Uploads per client per minute.
        max_paste_chars: Longest pasted article text.
    """

    questions_per_minute: int = 30
    answer_slots: int = 4
    slot_wait: float = 120.0
    max_body_bytes: int = 8 * 2**20
    max_upload_bytes: int = 10 * 2**20
    uploads_per_minute: int = 10
    max_paste_chars: int = 1_000_000

    def describe(self) -> str:
        """One line for the server log."""
        rate = f"{self.questions_per_minute} questions a minute per client" if self.questions_per_minute else \
            "no limit on questions per client"
        return (f"limits: {rate}, {self.answer_slots} answered at a time, questions up to 2,000 characters, "
                f"uploads up to {self.max_upload_bytes // 2**20} MB ({self.uploads_per_minute} a minute per client), "
                f"pasted text up to {self.max_paste_chars:,} characters")


class RateLimiter:
    """At most ``per_minute`` events per key in any 60 s (a sliding window); ``per_minute=0``: no limit."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_time(self, key: str) -> float | None:
        """Seconds until ``key`` may act again, or None when it may act now (nothing is recorded)."""
        with self._lock:
            return self._wait(key, self._clock())

    def record(self, key: str) -> None:
        """Count one event of ``key`` now."""
        with self._lock:
            self._remember(key).append(self._clock())

    def admit(self, key: str) -> float | None:
        """Count one event of ``key`` if it is under the limit (returns None), else the seconds to wait."""
        with self._lock:
            now = self._clock()
            wait = self._wait(key, now)
            if wait is None:
                self._remember(key).append(now)
            return wait

    def _wait(self, key: str, now: float) -> float | None:
        if self.per_minute <= 0:
            return None
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] <= now - 60.0:
            events.popleft()
        return None if len(events) < self.per_minute else max(1.0, events[0] + 60.0 - now)

    def _remember(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        self._events.move_to_end(key)
        while len(self._events) > MAX_CLIENTS:
            self._events.popitem(last=False)
        return events


def rate_message(wait: float, per_minute: int) -> str:
    """The one line a client over the question limit is shown."""
    return (f"too many questions: this server answers at most {per_minute} a minute from one address; "
            f"try again in {wait:.0f} s")


def client_key(request: Any) -> str:
    """The client's address from a Starlette/Gradio request (``"unknown"`` when there is none)."""
    client = getattr(request, "client", None)
    host = getattr(client, "host", None)
    return str(host) if host else "unknown"


class AnswerSlots:
    """A bounded number of questions answered at once, shared by the chat and the JSON API."""

    def __init__(self, n: int) -> None:
        self._slots = threading.BoundedSemaphore(max(1, n))

    @contextmanager
    def hold(self, timeout: float | None = None) -> Iterator[bool]:
        """Hold a slot while the block runs; yields False (holding nothing) when none freed within ``timeout``."""
        got = self._slots.acquire(timeout=timeout) if timeout is not None else self._slots.acquire()
        try:
            yield got
        finally:
            if got:
                self._slots.release()


class RequestLimits:
    """ASGI middleware: bounded request bodies; uploads refused when read-only, else limited per client."""

    def __init__(self, app: Any, *, limits: Limits, uploads: bool) -> None:
        self.app, self.limits, self.uploads = app, limits, uploads
        self._uploads = RateLimiter(limits.uploads_per_minute)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        upload = scope.get("path", "").rstrip("/").endswith("/upload") and scope.get("method") == "POST"
        refusal = self._refusal(scope, headers, upload)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message, extra = refusal
        body = json.dumps({"error": message, "code": "refused"}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *extra]})
        await send({"type": "http.response.body", "body": body})

    def _refusal(self, scope: dict, headers: dict[str, str], upload: bool) -> tuple[int, str, list] | None:
        if upload and not self.uploads:
            return 403, "this server is read-only: uploads are not accepted", []
        if "transfer-encoding" in headers:
            return 411, "send the request body with a Content-Length", []
        limit = self.limits.max_upload_bytes + 2**16 if upload else self.limits.max_body_bytes
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > limit:
            return 413, f"the request body is over the {limit // 2**20} MB limit", []
        if upload:
            client = scope.get("client") or ("unknown", 0)
            wait = self._uploads.admit(str(client[0]))
            if wait is not None:
                return (429, f"too many uploads: at most {self.limits.uploads_per_minute} a minute from one "
                             f"address; try again in {wait:.0f} s", [(b"retry-after", str(round(wait)).encode())])
        return None


class Gate:
    """The question limits one server shares between its chat and its JSON API."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.questions = RateLimiter(self.limits.questions_per_minute)
        self.slots = AnswerSlots(self.limits.answer_slots)

    def refusal(self, request: Any) -> str | None:
        """None when the client of ``request`` may ask now (the question is counted), else the message."""
        wait = self.questions.admit(client_key(request))
        return None if wait is None else rate_message(wait, self.questions.per_minute)
