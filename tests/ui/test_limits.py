"""The serving rules without a server: modes, the admin token, the rate limiter, request parsing, body limits."""

from __future__ import annotations

import json

import pytest

import qa
from ui.access import Access, TokenCheck, is_loopback
from ui.api import parse_request
from ui.limits import Limits, RateLimiter, RequestLimits

pytestmark = pytest.mark.fast
TOKEN = "s3cret-admin-token-42"


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True),
                                            ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False),
                                            ("192.168.1.5", False), ("example.org", False), ("", False)])
def test_only_loopback_binds_count_as_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_mode_follows_host_token_and_read_only() -> None:
    assert Access().can_add and not Access().needs_token and "read-write" in Access().mode_line()
    beyond = Access(host="0.0.0.0")
    assert not beyond.can_add and beyond.mode_line().startswith("mode: read-only: serving on 0.0.0.0")
    with_token = Access(host="0.0.0.0", admin_token=TOKEN)
    assert with_token.can_add and with_token.needs_token and with_token.mode_line().startswith("mode: admin token")
    forced = Access(read_only=True, admin_token=TOKEN)
    assert not forced.can_add and forced.mode_line().startswith("mode: read-only (--read-only)")
    assert "private addresses allowed" in Access(allow_private_urls=True).mode_line()
    with pytest.raises(qa.ConfigError, match="the admin token is too short"):
        Access(admin_token="short")


def test_the_token_is_checked_and_guessing_is_stopped() -> None:
    check = TokenCheck(TOKEN, tries_per_minute=3)
    assert check.refusal(TOKEN, "a") is None and check.refusal(f" {TOKEN}\n", "a") is None
    assert check.refusal("", "a") == "adding articles on this server needs the admin token: fill in the Admin " \
                                     "token field"
    assert check.refusal(None, "a").startswith("adding articles on this server needs the admin token")
    for _ in range(2):
        assert check.refusal("guess", "b").startswith("wrong admin token")
    assert check.refusal(TOKEN[:-1], "b").startswith("wrong admin token")
    assert check.refusal(TOKEN, "b").startswith("too many wrong admin tokens from this address; try again in")
    assert check.refusal(TOKEN, "c") is None  # another address is not affected


def test_the_rate_limiter_is_a_sliding_minute_per_key() -> None:
    now = [1000.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.admit("a") for _ in range(3)] == [None, None, None]
    assert limiter.admit("a") == pytest.approx(60.0) and limiter.admit("b") is None
    now[0] += 30
    assert limiter.admit("a") == pytest.approx(30.0)
    now[0] += 30.5
    assert [limiter.admit("a") for _ in range(3)] == [None, None, None]  # the first three have left the window
    assert limiter.wait_time("a") == pytest.approx(60.0)
    assert all(RateLimiter(0).admit("x") is None for _ in range(1000))  # 0: no limit


@pytest.mark.parametrize("body, field, problem", [
    (b"not json", "", "the request body is not JSON"),
    (b"[1, 2]", "", "the request body must be a JSON object"),
    (b'{"q": "x"}', "q", "unknown field 'q'"),
    (b'{}', "question", "the question must be a string"),
    (b'{"question": 3}', "question", "the question must be a string"),
    (b'{"question": "x", "outlets": "BBC"}', "outlets", "outlets must be a list of outlet names"),
    (b'{"question": "x", "k": 0}', "k", "k must be a whole number from 1 to 20"),
    (b'{"question": "x", "k": "5"}', "k", "k must be a whole number"),
    (b'{"question": "x", "k": true}', "k", "k must be a whole number"),
    (b'{"question": "x", "history": {"question": "y"}}', "history", "history must be a list"),
    (b'{"question": "x", "history": [{"answer": "y"}]}', "history", 'must be an object with a "question"'),
    (b'{"question": "x", "history": [{"question": "y", "answer": 5}]}', "history", "must be strings"),
])
def test_bad_requests_are_question_errors_naming_the_field(body: bytes, field: str, problem: str) -> None:
    with pytest.raises(qa.QuestionError) as exc:
        parse_request(body)
    assert problem in str(exc.value) and exc.value.field == field and "\n" not in str(exc.value)


def test_history_takes_earlier_responses_or_turns() -> None:
    earlier = {"question": "Who signed the decree?", "searched": "Who signed the decree?", "abstained": False,
               "answer_text": "Zelensky", "quotes": [{"text": "Zelensky signed the decree."}]}
    body = json.dumps({"question": "When did he sign it?", "outlets": ["Newsweek", " "], "k": 3,
                       "history": [earlier, {"question": "Is it law?", "answer": "yes"}]}).encode()
    question, outlets, k, history = parse_request(body)
    assert (question, outlets, k) == ("When did he sign it?", ["Newsweek"], 3)
    assert history == [qa.Turn("Who signed the decree?", "Who signed the decree?", "Zelensky",
                               "Zelensky signed the decree."), qa.Turn("Is it law?", "", "yes", "")]
    assert parse_request(b'{"question": "x"}') == ("x", None, 5, [])


def _call(middleware: RequestLimits, path: str, headers: dict[str, str], client: str = "10.9.8.7") -> tuple[int, str]:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    sent: list[dict] = []
    reached: list[str] = []

    async def app(scope, receive, send) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    middleware.app = app
    scope = {"type": "http", "method": "POST", "path": path, "client": (client, 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    with ThreadPoolExecutor(1) as pool:  # its own thread: Playwright may hold an event loop in this one
        pool.submit(asyncio.run, middleware(scope, receive, send)).result()
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
    return sent[0]["status"], body if not reached else "reached"


def test_bodies_are_bounded_and_uploads_refused_when_read_only_or_too_many() -> None:
    limits = Limits(max_body_bytes=1000, max_upload_bytes=2**20, uploads_per_minute=2)
    read_only = RequestLimits(None, limits=limits, uploads=False)
    status, body = _call(read_only, "/gradio_api/upload", {"content-length": "10"})
    assert status == 403 and json.loads(body)["error"] == "this server is read-only: uploads are not accepted"
    assert _call(read_only, "/gradio_api/queue/join", {"content-length": "1000"}) == (200, "reached")
    status, body = _call(read_only, "/api/answer", {"content-length": "1001"})
    assert status == 413 and "the request body is over" in json.loads(body)["error"]
    assert _call(read_only, "/api/answer", {"transfer-encoding": "chunked"})[0] == 411
    writable = RequestLimits(None, limits=limits, uploads=True)
    assert _call(writable, "/gradio_api/upload", {"content-length": str(2**20)}) == (200, "reached")
    assert _call(writable, "/gradio_api/upload", {"content-length": str(2**21)})[0] == 413
    assert _call(writable, "/gradio_api/upload", {"content-length": "10"}) == (200, "reached")
    status, body = _call(writable, "/gradio_api/upload", {"content-length": "10"})
    assert status == 429 and json.loads(body)["error"].startswith("too many uploads: at most 2 a minute")
    assert _call(writable, "/gradio_api/upload", {"content-length": "10"}, client="10.9.8.6") == (200, "reached")
