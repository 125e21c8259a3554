"""The UI words library errors from their fields (QAError.source/field), never by editing the message."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa
from ui.actions import FIELD_HINTS, error_text

pytestmark = pytest.mark.fast


def test_the_staged_copy_is_named_as_the_user_knows_it_and_the_fix_is_the_form_field() -> None:
    staged = Path("/tmp/newsqa-add-x/upload-0123.md")
    exc = qa.ArticleError("the article has no outlet", source=staged, field="outlet",
                          hint="give one with --outlet NAME (or an 'outlet:' field)")
    assert str(exc) == f"{staged}: the article has no outlet; give one with --outlet NAME (or an 'outlet:' field)"
    assert error_text(exc, staged, "story.md") == f"story.md: the article has no outlet; {FIELD_HINTS['outlet']}"


def test_other_sources_and_hints_are_kept() -> None:
    exc = qa.ArticleError("'T' (O) has the same text as article a1 already in corpus; nothing added",
                          hint="to replace it, run `qa remove a1` first")
    assert error_text(exc, Path("/tmp/x/upload-1.md"), "story.md") == str(exc)
    other = qa.ArticleError("no body text", source="corpus/a.md", field="body")
    assert error_text(other, Path("/tmp/x/upload-1.md"), "story.md") == "corpus/a.md: no body text"


def test_plain_value_errors_are_shown_as_they_are() -> None:
    assert error_text(ValueError("Nothing to add.")) == "Nothing to add."
