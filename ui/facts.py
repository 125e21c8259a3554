"""Answers from an article's metadata ("Who wrote the Newsweek article?"), rendered for the chat.

A fact (:class:`qa.ArticleFact`) is never a quote: it is shown in its own block, labelled
"From the article's metadata", with the article it describes. Every text goes through the chat's
Markdown escape, which :mod:`ui.render` passes in (``md``).
"""

from __future__ import annotations

from collections.abc import Callable

from qa import Answer

__all__ = ["byline", "facts_markdown", "facts_note"]


def byline(author: str, md: Callable[[object], str]) -> str:
    """``"by NAME"`` escaped with ``md``, or "" when there is no author."""
    return f"by {md(author.strip())}" if author and author.strip() else ""


def facts_markdown(answer: Answer, md: Callable[[object], str]) -> list[str]:
    """The chat lines of an answer's metadata facts (none when the question is not about metadata)."""
    lines: list[str] = []
    for fact in answer.facts:
        p = fact.passage
        date = f" · {md(p.published)}" if p.published else ""
        lines += ['<span class="metadata-label">From the article\'s metadata (not a quote)</span>', "",
                  f'**{md(fact.label)}:** <b class="metadata-value">{md(fact.value)}</b>', "",
                  f"*{md(p.title)}* · {md(p.outlet)}{date}", ""]
    return lines


def facts_note(answer: Answer) -> str:
    """The line that replaces "None of the … articles answers this" when metadata answered the question."""
    return (f'<span class="metadata-note">No sentence of the {int(answer.n_articles):,} indexed articles states '
            "this; the answer above comes from the article's metadata.</span>")
