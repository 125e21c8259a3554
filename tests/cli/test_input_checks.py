"""Issue 12's new-user trial: a file given as the index, a date like "yesterday", an outlet the index lacks.

Each is refused with one clear line (CLI exit 2), the same error from the Python API, and the UI's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import qa
from qa.cli import main
from tests.conftest import SEEDS
from ui.actions import add_article, chat_turn, validate_metadata

SEED = SEEDS / "003_e84124bbd18ba557.txt"
OUTLETS = "outlets: Kyiv Independent, Newsweek, ZeroHedge"


def _one_line_error(capsys: pytest.CaptureFixture, command: str) -> str:
    err = capsys.readouterr().err
    assert err.startswith(f"qa {command}: error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.mark.fast
@pytest.mark.parametrize("command", ["index", "ask", "add"])
def test_a_file_given_as_the_index_is_a_clear_error(tmp_path: Path, capsys, command: str) -> None:
    file = tmp_path / "index.txt"
    file.write_text("not an index")
    args = {"index": ["index", "--corpus", str(tmp_path / "c")], "ask": ["ask", "Who signed the decree?"],
            "add": ["add", str(SEED), "--outlet", "ZeroHedge", "--corpus", str(tmp_path / "c")]}[command]
    assert main([*args, "--index", str(file), "-q"] if command != "ask" else [*args, "--index", str(file)]) == 2
    assert f"{file}: is a file, not an index directory" in _one_line_error(capsys, command)
    assert file.read_text() == "not an index" and not (tmp_path / "c").exists()


@pytest.mark.fast
def test_a_file_given_as_the_corpus_is_a_clear_error(tmp_path: Path, capsys) -> None:
    file = tmp_path / "corpus.md"
    file.write_text("x")
    assert main(["index", "--corpus", str(file), "--index", str(tmp_path / "i"), "-q"]) == 2
    assert f"{file}: is a file, not a corpus directory" in _one_line_error(capsys, "index")


BAD_DATES = ["yesterday", "21/02/2024", "2024-02-31", "2024-2-1", "Feb 21, 2024"]
GOOD_DATES = ["2024-02-21", "2024-02-21T10:00:00Z", " 2024-02-21 "]


@pytest.mark.fast
@pytest.mark.parametrize("value", BAD_DATES)
def test_qa_add_refuses_a_published_date_that_is_not_iso(tmp_path: Path, capsys, value: str) -> None:
    corpus, index = tmp_path / "c", tmp_path / "i"
    assert main(["add", str(SEED), "--outlet", "ZeroHedge", "--published", value, "--corpus", str(corpus),
                 "--index", str(index), "-q"]) == 2
    err = _one_line_error(capsys, "add")
    assert f"publication date {value.strip()!r} is not a real date written YYYY-MM-DD" in err
    assert not corpus.exists() and not index.exists()  # nothing written


@pytest.mark.fast
@pytest.mark.parametrize("source", [["https://news.invalid/story.html"], ["--feed", "https://news.invalid/feed.xml"]])
def test_qa_add_by_url_or_feed_refuses_the_date_before_fetching(tmp_path: Path, capsys, source: list[str]) -> None:
    corpus, index = tmp_path / "c", tmp_path / "i"
    assert main(["add", *source, "--published", "yesterday", "--corpus", str(corpus), "--index", str(index),
                 "-q"]) == 2
    assert "publication date 'yesterday' is not a real date written YYYY-MM-DD" in _one_line_error(capsys, "add")
    assert not corpus.exists() and not index.exists()


@pytest.mark.fast
@pytest.mark.parametrize("value", BAD_DATES + GOOD_DATES)
def test_the_ui_and_the_cli_share_one_date_rule(value: str) -> None:
    fields = {"outlet": "X", "title": "", "author": "", "published": value, "url": ""}
    try:
        qa.check_published(value)
    except qa.ArticleError as exc:
        assert exc.field == "published"
        with pytest.raises(qa.ArticleError) as ui_exc:
            validate_metadata(fields)
        assert ui_exc.value.problem == exc.problem
    else:
        assert value in GOOD_DATES
        assert validate_metadata(fields)["published"] == value.strip()


@pytest.mark.fast
def test_the_ui_words_a_bad_date_with_its_form_field(tmp_path: Path) -> None:
    ok, message = add_article(None, "Headline\n\nBody text.", outlet="X", published="yesterday",
                              index=tmp_path / "i", corpus=tmp_path / "c")
    assert not ok
    assert message == ("Not added: publication date 'yesterday' is not a real date written YYYY-MM-DD "
                       "(e.g. 2024-02-21); fill in the Published field as YYYY-MM-DD")


def test_an_outlet_the_index_lacks_is_named_not_abstained(seed_index: Path, capsys) -> None:
    assert main(["ask", "Who signed the decree?", "--index", str(seed_index), "--outlet", "BBC"]) == 2
    assert f"no articles from BBC in the index; {OUTLETS}" in _one_line_error(capsys, "ask")
    for call in (qa.answer, qa.retrieve):
        with pytest.raises(qa.QuestionError, match=f"no articles from BBC in the index; {OUTLETS}") as exc:
            call("Who signed the decree?", index=seed_index, outlets=["Newsweek", "BBC"])
        assert exc.value.field == "outlets"
    reply, _panel, _ = chat_turn("Who signed the decree?", ["BBC"], 5, index=seed_index)
    assert "no articles from BBC in the index; outlets: Kyiv Independent, Newsweek, ZeroHedge" in reply
    assert main(["ask", "Who signed the decree?", "--index", str(seed_index), "--outlet", "the newsweek"]) == 0


@pytest.mark.parametrize("flags, said", [
    (["--admin-token", "short"], "the admin token is too short (5 characters; at least 12)"),
    (["--rate-limit", "-1"], "--rate-limit -1: give a number of questions a minute, 0 for no limit"),
])
def test_serve_refuses_a_short_admin_token_and_a_negative_limit_before_serving(seed_corpus: Path, seed_index: Path,
                                                                              capsys, flags: list[str],
                                                                              said: str) -> None:
    assert main(["serve", "--corpus", str(seed_corpus), "--index", str(seed_index), "--port", "1", *flags]) == 2
    assert said in _one_line_error(capsys, "serve")
