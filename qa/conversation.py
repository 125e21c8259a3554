"""One earlier exchange of a conversation, as follow-up questions need it."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.types import Answer

__all__ = ["Turn"]


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, as follow-up questions need it.

    Attributes:
        question: The question as the user asked it.
        searched: What was searched for it (its stand-alone form; empty: the question).
        answer: The short answer given (the reader's span), or "".
        quote: The best quote given, or "" when the answer abstained.
        outlets: The outlets the answer quoted (its outlet groups), best first.
        source: The :class:`Answer` itself when the turn was made from one ("Which outlet said that?" is
            answered from it without a new search).
    """

    question: str
    searched: str = ""
    answer: str = ""
    quote: str = ""
    outlets: tuple[str, ...] = ()
    source: Answer | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, answer: Answer) -> Turn:
        """The turn an :class:`Answer` makes (what the user was shown)."""
        short = answer.short_answer
        top = answer.quotes[0].text if answer.quotes and not answer.abstained else ""
        outlets = tuple(g.outlet for g in answer.outlets) if not answer.abstained else ()
        return cls(answer.question, answer.searched, short.answer_text if short else "", top, outlets, answer)
