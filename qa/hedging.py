"""What the faces (the CLI and the browser UI) say in one wording: before a tentative answer's quotes, and when the
outlets were compared and print nothing differently."""

from __future__ import annotations

from qa.types import Answer

__all__ = ["NO_DIFFERENCE", "hedge"]

NO_DIFFERENCE = "No claim found that the outlets print differently."
"""Said when outlets were compared (:attr:`Answer.compared`, ``qa differences``) and none prints a claim differently."""


def hedge(answer: Answer) -> str:
    """The sentence said before the quotes of a tentative answer (:attr:`Answer.tentative`), "" for any other.

    Example: "Not sure: the closest passages may not answer this (best confidence 7%)."
    """
    if not answer.tentative or answer.abstained or not answer.quotes:
        return ""
    return f"Not sure: the closest passages may not answer this (best confidence {answer.quotes[0].score:.0%})."
