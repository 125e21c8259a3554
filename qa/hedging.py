"""What the faces (the CLI and the browser UI) say before a tentative answer's quotes, in one wording."""

from __future__ import annotations

from qa.types import Answer

__all__ = ["hedge"]


def hedge(answer: Answer) -> str:
    """The sentence said before the quotes of a tentative answer (:attr:`Answer.tentative`), "" for any other.

    Example: "Not sure: the closest passages may not answer this (best confidence 7%)."
    """
    if not answer.tentative or answer.abstained or not answer.quotes:
        return ""
    return f"Not sure: the closest passages may not answer this (best confidence {answer.quotes[0].score:.0%})."
