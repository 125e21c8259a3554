"""``POST /api/answer`` on the real read-only server: the answer as data, 4xx JSON refusals, the per-client limit.

Clients are told apart by their address; these requests come from 127.0.0.1 with an ``X-Forwarded-For``
header, as through a reverse proxy on the same machine (uvicorn trusts it from 127.0.0.1 only).
"""

from __future__ import annotations

import httpx
import pytest

ASKED = "Who signed the decree allowing foreigners into the National Guard?"
KEYS = {"question", "searched", "abstained", "n_articles", "answer_text", "answer_outlet", "answer_passage_id",
        "answer_start", "answer_end", "quotes", "outlets"}


def _post(url: str, client: str, body: object = None, **kwargs) -> httpx.Response:
    headers = {"X-Forwarded-For": client, **kwargs.pop("headers", {})}
    return httpx.post(f"{url}api/answer", json=body, headers=headers, timeout=120, **kwargs)


def test_the_answer_comes_back_as_data_and_follow_ups_use_the_history(read_only_server) -> None:
    url = read_only_server[0]
    first = _post(url, "198.51.100.1", {"question": ASKED, "k": 3})
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    data = first.json()
    assert set(data) >= KEYS and data["question"] == ASKED and not data["abstained"]  # Answer.to_dict()
    top = data["quotes"][0]
    assert top["passage"]["text"][top["start"]:top["end"]] == top["text"]  # verbatim, with offsets
    assert "Zelensky" in top["text"] and data["outlets"][0]["outlet"] == top["outlet"]
    follow = _post(url, "198.51.100.1", {"question": "When did he sign it?", "history": [data]}).json()
    assert follow["searched"] != follow["question"] and "Zelensky" in follow["searched"], follow["searched"]
    only = _post(url, "198.51.100.1", {"question": ASKED, "outlets": ["Newsweek"]}).json()
    assert {q["outlet"] for q in only["quotes"]} == {"Newsweek"}


@pytest.mark.parametrize("body, status, code, said", [
    (b"{not json", 400, "bad_question", "the request body is not JSON"),
    ({"q": ASKED}, 400, "bad_question", "unknown field 'q'"),
    ({"question": ASKED, "k": 0}, 400, "bad_question", "k must be a whole number from 1 to 20"),
    ({"question": ASKED, "history": "yes"}, 400, "bad_question", "history must be a list"),
    ({"question": "   "}, 400, "bad_question", "the question is empty"),
    ({"question": "Why? " * 401}, 400, "bad_question", "2,000"),
    ({"question": ASKED, "outlets": ["BBC"]}, 400, "bad_question", "no articles from BBC in the index"),
])
def test_bad_input_is_a_4xx_with_a_json_message(read_only_server, body, status: int, code: str, said: str) -> None:
    url = read_only_server[0]
    kwargs = {"content": body, "headers": {"Content-Type": "application/json"}} if isinstance(body, bytes) else {}
    response = _post(url, f"198.51.100.{10 + len(str(body)) % 200}", None if kwargs else body, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["code"] == code and said in error["error"] and "Traceback" not in response.text, error


def test_wrong_method_huge_and_chunked_bodies_are_refused_without_an_error_page(read_only_server) -> None:
    url = read_only_server[0]
    assert httpx.get(f"{url}api/answer", timeout=30).status_code == 405
    huge = httpx.post(f"{url}api/answer", content=b"x" * (9 * 2**20), timeout=60)
    assert huge.status_code == 413 and "the request body is over the 8 MB limit" in huge.json()["error"]
    chunked = httpx.post(f"{url}api/answer", content=iter([b'{"question": ', b'"x"}']), timeout=30)
    assert chunked.status_code == 411 and "Content-Length" in chunked.json()["error"]


def test_a_client_over_its_questions_per_minute_gets_the_message_in_json_and_in_the_chat(read_only_server) -> None:
    from gradio_client import Client

    url, abuser = read_only_server[0], "203.0.113.77"
    codes = [_post(url, abuser, {"question": ASKED, "k": 1}).status_code for _ in range(5)]
    assert codes == [200] * 5
    over = _post(url, abuser, {"question": ASKED})
    assert over.status_code == 429 and int(over.headers["retry-after"]) > 0
    message = over.json()["error"]
    assert over.json()["code"] == "rate_limited"
    assert message.startswith("too many questions: this server answers at most 5 a minute from one address; "
                              "try again in "), message
    chat = Client(url, verbose=False, headers={"X-Forwarded-For": abuser}, httpx_kwargs={"timeout": 300})
    history = chat.predict(ASKED, [], [], 5, api_name="/ask")[0]
    reply = str(history[-1]["content"])
    assert "Could not answer:** too many questions: this server answers at most 5 a minute" in reply, reply
    assert _post(url, "203.0.113.78", {"question": ASKED, "k": 1}).status_code == 200  # others are not limited
