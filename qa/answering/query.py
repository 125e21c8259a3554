"""Question -> :class:`Query`: validated text, search tokens, vectors and the sources it names.

The query is made once per question and handed to retrieval and quote building; it needs only the
index's outlet names and an encoder, never the index itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answering.routing import Mention, route
from qa.answering.settings import DEFAULT_RETRIEVAL, RetrievalSettings
from qa.errors import QuestionError
from qa.index.lexical import tokenize
from qa.model.encoder import Encoder

__all__ = ["MAX_QUESTION_CHARS", "Probe", "Query", "analyse", "check_question", "make_query"]

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Probe:
    """One source the question names, to be searched within its outlet and dates.

    ``clause`` is the query made of the question's words about this source alone; ``None`` when
    the question names a single source or the clause has too few words to search with.
    """

    mention: Mention
    clause: Query | None


@dataclass(frozen=True)
class Query:
    """A validated question with what retrieval derived from it.

    Attributes:
        text: The question as asked (stripped).
        tokens: Search tokens of ``text`` (quote scoring).
        vector: Unit vector of the question (the mean of its parts' when it has parts).
        named_outlets: Outlets the question names, in order.
        search_tokens: Tokens of the question without the outlet names and dates it routes by (BM25).
        probes: One per source or claim the question names (empty for a plain question).
    """

    text: str
    tokens: list[str]
    vector: np.ndarray
    named_outlets: tuple[str, ...]
    search_tokens: list[str]
    probes: tuple[Probe, ...] = ()


def check_question(question: object) -> str:
    """Return the stripped question.

    Raises:
        QuestionError: Not text, control characters, empty, over ``MAX_QUESTION_CHARS``, no words.
    """
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError:
            raise QuestionError("the question is not UTF-8 text") from None
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, not {type(question).__name__}")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in question):
        raise QuestionError("the question contains control characters (binary data?)",
                            hint="type it as plain text")
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty", hint="type a question about the news articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(text):,} characters long",
                            hint=f"keep it under {MAX_QUESTION_CHARS:,} (one question, not an article)")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("the question has no words in it")
    return text


def make_query(question: object, outlets: Sequence[str], encoder: Encoder,
               settings: RetrievalSettings = DEFAULT_RETRIEVAL) -> Query:
    """Validate (:func:`check_question`) and analyse a question (:func:`analyse`).

    Raises:
        QuestionError: As :func:`check_question`.
    """
    return analyse(check_question(question), outlets, encoder, settings)


def analyse(text: str, outlets: Sequence[str], encoder: Encoder, settings: RetrievalSettings = DEFAULT_RETRIEVAL
            ) -> Query:
    """Analyse a validated question: its vector, tokens and the sources it names.

    Args:
        text: The question, already checked by :func:`check_question` (or built from one).
        outlets: The outlet names of the index (for routing by mention).
        encoder: The model that embeds the question.
        settings: ``clause_min_tokens`` decides which parts are searched on their own; routing settings.
    """
    plan = route(text, outlets, settings)
    tokens = [tokenize(m.clause) if len(plan.mentions) > 1 else [] for m in plan.mentions]
    searched = [len(t) >= settings.clause_min_tokens for t in tokens]
    parts = list(dict.fromkeys(m.clause for m, ok in zip(plan.mentions, searched, strict=True) if ok))
    if parts:  # the question's vector is its parts' mean: one encoder pass fewer (half the query time)
        vectors = encoder.encode(parts)  # a claim several outlets share ("by both X and Y") once
        whole = vectors.mean(axis=0)
        whole = whole / max(float(np.linalg.norm(whole)), 1e-12)
    else:
        whole = encoder.encode([plan.text])[0]
    vector = {c: v for c, v in zip(parts, vectors, strict=True)} if parts else {}
    probes = tuple(Probe(m, Query(m.clause, t, vector[m.clause], (), t) if ok else None)
                   for m, t, ok in zip(plan.mentions, tokens, searched, strict=True))
    return Query(text, tokenize(text), whole, plan.outlets, tokenize(plan.text), probes)
