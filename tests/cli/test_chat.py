"""``qa chat``: a conversation on stdin, follow-ups resolved from it, one JSON object per turn."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qa.cli import main

DECREE = "Who signed the decree allowing foreigners into the National Guard?"


def _chat(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, index: Path, lines: list[str],
          *flags: str) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code = main(["chat", "--index", str(index), *flags])
    return code, capsys.readouterr().out


def test_json_turns_remember_the_conversation_until_reset(seed_index: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture) -> None:
    code, out = _chat(monkeypatch, capsys, seed_index,
                      [DECREE, "When did he sign it?", "", "bad \x00 question", "/reset", "When did he sign it?"],
                      "--json")
    assert code == 0
    turns = [json.loads(line) for line in out.splitlines()]
    assert [("error" in t, "reset" in t) for t in turns] == [(False, False), (False, False), (True, False),
                                                             (False, True), (False, False)]
    first, follow, error, _, alone = turns
    assert "Zelensky" in first["answer_text"] and first["searched"] == DECREE
    assert follow["question"] == "When did he sign it?" and "Zelensky" in follow["searched"]
    assert "decree" in follow["searched"] and not follow["abstained"]
    assert any(w in follow["quotes"][0]["text"] for w in ("Feb. 21", "Wednesday"))
    assert error["code"] == "bad_question"
    assert alone["searched"] == "When did he sign it?"  # the conversation was forgotten


def test_text_turns_say_what_was_searched(seed_index: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture) -> None:
    code, out = _chat(monkeypatch, capsys, seed_index, [DECREE, "Where was it published?", "/quit", DECREE])
    assert code == 0
    assert out.count("Answer:") + out.count("Quoted from:") >= 2
    assert "Searched: Where was the decree published?" in out
    assert out.count("Searched:") == 1  # the question after /quit was never asked


def test_missing_index_is_an_error_before_any_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(DECREE + "\n"))
    assert main(["chat", "--index", str(tmp_path / "none")]) == 2
    assert "no index here yet" in capsys.readouterr().err
