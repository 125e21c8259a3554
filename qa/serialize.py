"""Plain-dict (JSON) forms of answers and passages, for ``qa ask --json`` and other tools."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qa.types import Answer, Passage, Quote


def passage_to_dict(passage: Passage) -> dict[str, Any]:
    """All fields of a passage."""
    return asdict(passage)


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    """A quote with its offsets, outlet and passage."""
    return {
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "score": quote.score,
        "outlet": quote.outlet,
        "answer": quote.answer_text or None,
        "answer_start": quote.answer_start,
        "answer_end": quote.answer_end,
        "passage": passage_to_dict(quote.passage),
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """An answer: question, abstention, quotes and the quotes grouped by outlet."""
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "n_articles": answer.n_articles,
        "quotes": [quote_to_dict(q) for q in answer.quotes],
        "outlets": [{"outlet": g.outlet, "quotes": [q.text for q in g.quotes]} for g in answer.outlets],
    }
