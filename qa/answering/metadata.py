"""Questions about an article rather than its story: who wrote it, when it was published, which outlet.

"Who wrote the Newsweek article?" is not answered by any sentence of the article; the byline is in its
metadata. :func:`with_facts` recognises such questions (:func:`asked_field`), picks the article they are
about (the one of the outlet the question names, else the best retrieved passage's) and adds the
field's value to the answer as an :class:`~qa.types.ArticleFact`, which the faces label as metadata.
Quotes are left as they are: a fact is never a quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.answering.routing import outlet_spans
from qa.types import Answer, ArticleFact, Passage

_PIECE = r"(?:article|story|report|piece|column|op-?ed|coverage)"
_ASKS = {
    "author": re.compile(
        rf"^(?:who\s+(?:wrote|authored|penned|reported|filed)\b.*\b{_PIECE}\b"
        rf"|who(?:'s|\s+is|\s+was)\s+(?:the\s+)?(?:author|writer|reporter|journalist)\b"
        rf"|(?:what|which)\s+(?:journalist|reporter|writer|author)\s+(?:wrote|authored|filed)\b"
        rf"|whose\s+byline\b"
        rf"|(?:what|who)\s+(?:is|was)\s+the\s+(?:author|byline)\b)", re.IGNORECASE),
    "published": re.compile(
        rf"^(?:when\s+(?:was|did)\b.*\b{_PIECE}\b.*\b(?:published|posted|come\s+out|appear|run|released)\b"
        rf"|(?:what|which)\s+(?:is|was)\s+the\s+(?:publication|publishing)\s+date\b"
        rf"|(?:on\s+)?what\s+(?:date|day)\s+(?:was|did)\b.*\b{_PIECE}\b.*\b(?:published|posted|appear)\b)",
        re.IGNORECASE),
    "outlet": re.compile(
        rf"^(?:which|what)\s+(?:outlet|publication|newspaper|paper|site|website|news\s+site)\s+"
        rf"(?:published|ran|carried|printed|posted)\b.*\b{_PIECE}\b", re.IGNORECASE),
}


def asked_field(question: str) -> str:
    """The metadata field a question asks about: ``"author"``, ``"published"``, ``"outlet"``, or ""."""
    text = question.strip()
    return next((name for name, pattern in _ASKS.items() if pattern.search(text)), "")


def article_fact(question: str, passages: Sequence[Passage], outlets: Sequence[str]) -> ArticleFact | None:
    """The answer to a question about an article's metadata, or None (not such a question, or no value).

    Args:
        question: The stand-alone question (a follow-up already resolved).
        passages: The retrieved passages, best first.
        outlets: The index's outlet names, to find the outlet the question names.
    """
    field = asked_field(question)
    if not field or not passages:
        return None
    named = {o for _, _, o in outlet_spans(question, outlets)}
    passage = next((p for p in passages if p.outlet in named), None if named else passages[0])
    if passage is None:
        return None
    value = {"author": passage.author, "published": passage.published, "outlet": passage.outlet}[field]
    return ArticleFact(field, value, passage) if value.strip() else None


def with_facts(answer: Answer, outlets: Sequence[str]) -> Answer:
    """``answer`` with :attr:`~qa.types.Answer.facts` filled when its question asks for an article's metadata."""
    fact = article_fact(answer.searched or answer.question, answer.passages or [q.passage for q in answer.quotes],
                        outlets)
    return replace(answer, facts=(fact,)) if fact is not None else answer
