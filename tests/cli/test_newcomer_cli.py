"""What a newcomer hit on the command line (issue 20): one-line errors with exit 2, ``qa chat``'s
``/help``, echo and outlet check, a sub-command's own usage, and no stray bm25s debug line."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from qa.cli import main
from qa.index.lexical import BM25Index

DECREE = "Who signed the decree allowing foreigners into the National Guard?"


@pytest.mark.fast
def test_serve_on_a_busy_port_is_one_line_and_exit_2_in_a_real_process() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0, proc.stderr  # one line, no traceback
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr and "--port" in proc.stderr


@pytest.mark.fast
@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_port_out_of_range_is_one_line_and_exit_2(port: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and f"port {port} is out of range" in err and "1 to 65535" in err


def test_chat_with_an_unknown_outlet_exits_2_before_any_question(seed_index: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(DECREE + "\n"))
    assert main(["chat", "--index", str(seed_index), "--outlet", "BBCX"]) == 2
    captured = capsys.readouterr()
    assert "no articles from BBCX" in captured.err and "Newsweek" in captured.err
    assert captured.out == ""  # the question was never answered


def test_chat_help_is_not_searched_and_piped_questions_are_echoed(seed_index: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"/help\n{DECREE}\n"))
    assert main(["chat", "--index", str(seed_index), "--outlet", "Kyiv Independent"]) == 0
    out = capsys.readouterr().out
    assert "/reset" in out and "/quit" in out  # the help text
    assert "> /help" not in out and out.count("\n> ") + out.startswith("> ") == 1  # only the question echoed
    assert f"> {DECREE}" in out
    assert out.index("/reset") < out.index(f"> {DECREE}") < out.index("Zelensky")


@pytest.mark.fast
def test_unknown_flag_prints_the_sub_commands_usage(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["add", "--bogus-flag", "story.txt"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: qa add ") and "--outlet" in err
    assert "qa add: error: unrecognized arguments: --bogus-flag" in err


@pytest.mark.fast
def test_building_bm25_logs_no_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger("bm25s").setLevel(logging.DEBUG)  # what importing bm25s does
    with caplog.at_level(logging.DEBUG):
        BM25Index.build(["Zelensky signed the decree.", "The contract is for three years."])
    assert not [r for r in caplog.records if r.name.startswith("bm25s")], caplog.text


@pytest.mark.fast
def test_building_the_package_warns_nothing_about_its_license(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path), str(root)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = proc.stdout + proc.stderr
    assert "project.license" not in log and "License classifiers are deprecated" not in log
    import zipfile

    (wheel,) = tmp_path.glob("newsqa-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
