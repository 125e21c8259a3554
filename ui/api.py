"""``POST /api/answer``: the answer as data, for programs, on the same server as the UI.

The body is JSON ``{"question": str, "outlets": [str] | null, "k": int | null, "history": [turn] | null}``;
a turn is an earlier response of this endpoint (``Answer.to_dict()``) or ``{"question", "searched",
"answer", "quote"}`` (:class:`qa.Turn`'s fields). The response is ``Answer.to_dict()`` as JSON. The
endpoint only reads; it shares the UI's limits (questions per minute per client, answers at a time)
and words refusals the same way: bad input is a 4xx with ``{"error": message, "code": ..., "field": ...}``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import qa
from ui.limits import Gate, client_key, rate_message

log = logging.getLogger(__name__)

PATH = "/api/answer"
MAX_K = 20
MAX_TURNS = 20
FIELDS = ("question", "outlets", "k", "history")
# not the caller's fault
SERVER_SIDE = (qa.IndexMissing, qa.IndexCorrupted, qa.IndexOutdated, qa.ConfigError, qa.ModelMismatch)


def parse_request(body: bytes) -> tuple[str, list[str] | None, int, list[qa.Turn]]:
    """``(question, outlets, k, history)`` from a request body.

    Raises:
        QuestionError: Not a JSON object, an unknown field, or a field of the wrong type or range
            (``.field`` names it). The question itself is checked by :func:`qa.answer`.
    """
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise qa.QuestionError("the request body is not JSON", hint='send {"question": "..."}') from None
    if not isinstance(data, dict):
        raise qa.QuestionError("the request body must be a JSON object", hint='send {"question": "..."}')
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise qa.QuestionError(f"unknown field {unknown[0]!r}", field=unknown[0], hint="fields: " + ", ".join(FIELDS))
    question = data.get("question")
    if not isinstance(question, str):
        raise qa.QuestionError("the question must be a string", field="question")
    outlets = data.get("outlets")
    if outlets is not None and (not isinstance(outlets, list) or not all(isinstance(o, str) for o in outlets)):
        raise qa.QuestionError("outlets must be a list of outlet names", field="outlets")
    k = data.get("k")
    k = 5 if k is None else k
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise qa.QuestionError(f"k must be a whole number from 1 to {MAX_K}", field="k")
    return question, [o for o in outlets or [] if o.strip()] or None, k, _turns(data.get("history"))


def _turns(history: Any) -> list[qa.Turn]:
    if history is None:
        return []
    if not isinstance(history, list) or len(history) > MAX_TURNS:
        raise qa.QuestionError(f"history must be a list of at most {MAX_TURNS} earlier turns", field="history")
    turns = []
    for item in history:
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise qa.QuestionError('each turn of the history must be an object with a "question"', field="history")
        quotes = item.get("quotes")
        top = quotes[0].get("text") if isinstance(quotes, list) and quotes and isinstance(quotes[0], dict) else ""
        quote = item.get("quote", "" if item.get("abstained") else top)
        fields = (item.get("searched") or "", item.get("answer", item.get("answer_text")) or "", quote or "")
        if not all(isinstance(f, str) for f in fields):
            raise qa.QuestionError("the searched, answer and quote of a turn must be strings", field="history")
        turns.append(qa.Turn(item["question"], *fields))
    return turns


def error_body(message: str, code: str, field: str = "") -> dict[str, str]:
    """The JSON of a refusal."""
    return {"error": message, "code": code, **({"field": field} if field else {})}


def answer_request(body: bytes, client: str, *, index: Any, gate: Gate) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Answer one request body from ``client``: ``(status, JSON body, extra headers)``; never raises."""
    try:
        question, outlets, k, history = parse_request(body)
    except qa.QAError as exc:
        return 400, error_body(str(exc), exc.code, exc.field), {}
    wait = gate.questions.admit(client)
    if wait is not None:
        return 429, error_body(rate_message(wait, gate.questions.per_minute), "rate_limited"), \
            {"Retry-After": f"{wait:.0f}"}
    with gate.slots.hold(gate.limits.slot_wait) as got:
        if not got:
            return 503, error_body("the server is busy; try again in a minute", "busy"), {"Retry-After": "30"}
        try:
            result = qa.answer(question, k, index=index, outlets=outlets, history=history)
        except SERVER_SIDE as exc:
            log.error("answering failed: %s", exc)
            return 503, error_body(str(exc), exc.code), {}
        except qa.QAError as exc:
            return 400, error_body(str(exc), exc.code, exc.field), {}
        except Exception:  # a program gets a JSON message, never a traceback
            log.exception("answering %r failed", question)
            return 500, error_body("an internal error occurred; the server log has the details", "internal"), {}
    return 200, result.to_dict(), {}


def answer_route(index: Any, gate: Gate) -> Any:
    """The Starlette route of ``POST /api/answer`` (to pass to the app before Gradio adds its own)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.body()
        status, data, headers = await run_in_threadpool(answer_request, body, client_key(request), index=index,
                                                        gate=gate)
        return JSONResponse(data, status_code=status, headers=headers)

    return Route(PATH, endpoint, methods=["POST"])

