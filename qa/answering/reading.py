"""Reading: the trained extractive reader finds the exact answer inside the quoted sentences.

For each passage the sentence scorer quoted (:mod:`qa.answering.scoring`), the reader reads a short
window of whole sentences around that quote, all in one reader call (every part of the question with its
passages; the reader runs each window alone, several at once). Its best
span becomes the short answer; the quote becomes the sentence(s) holding it, still a verbatim
slice; the confidence is a logistic calibration of the reader's scores and the sentence score
(coefficients fitted on the dev data and stored beside the model, :mod:`qa.tools.calibrate`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering.scoring import Scored
from qa.answering.settings import DEFAULT_QUOTES, QuoteSettings, ReaderSettings
from qa.answering.shaping import carry_on, quote_span, stand_alone, trim
from qa.index.lexical import tokenize
from qa.model.reader import Reader
from qa.types import Span

__all__ = ["Reading", "answer_quote", "answer_text", "confidence", "features", "logistic", "question_of", "quote_of",
           "read", "weighted", "window_around"]


@dataclass(frozen=True)
class Reading:
    """What the reader made of one passage.

    Attributes:
        scored: The sentence scorer's quote (its window was read).
        part: The part of the question that chose the passage (0: the whole question).
        window: The sentences read, in passage coordinates.
        answer: The best span in passage coordinates, or None when the window had no tokens.
        margin: Span score minus "no answer" score (logits): how sure the reader is that it answers.
        prob: Probability of the span against every other span and "no answer".
        rival_gap: Span score minus that of the best span sharing no word piece with it (logits; ``inf``: none).
        mass: Probability of every span sharing a word piece with the answer (:attr:`qa.model.reader.Span.mass`).
    """

    scored: Scored
    part: int
    window: Span
    answer: Span | None
    margin: float
    prob: float
    rival_gap: float = math.inf
    mass: float = 0.0


def _words(text: str, span: Span) -> int:
    return len(text[span.start:span.end].split())


def window_around(text: str, sentences: Sequence[Span], span: Span, max_words: int) -> Span:
    """Whole sentences covering ``span``, grown by neighbours (after first) while within ``max_words``."""
    inside = [k for k, s in enumerate(sentences) if s.end > span.start and s.start < span.end] or [0]
    i, j = inside[0], inside[-1]
    grew = True
    while grew:
        grew = False
        for a, b in ((i, j + 1), (i - 1, j)):
            if a >= 0 and b < len(sentences) and (a, b) != (i, j) and \
                    _words(text, Span(sentences[a].start, sentences[b].end)) <= max_words:
                i, j, grew = a, b, True
                break
    return Span(sentences[i].start, sentences[j].end)


def answer_quote(text: str, sentences: Sequence[Span], answer: Span, settings: QuoteSettings = DEFAULT_QUOTES
                 ) -> Span:
    """The quote for a short answer: the sentence(s) holding it, made to stand alone, cut to whole
    clauses around the answer when over-long, opening with who a leading pronoun means. Always
    contains ``answer``."""
    holding = [k for k, s in enumerate(sentences) if s.end > answer.start and s.start < answer.end]
    if not holding:
        return answer
    i, j = holding[0], holding[-1]
    alone = quote_span(text, sentences, i, settings)
    span = Span(min(alone.start, answer.start), max(alone.end, sentences[j].end, answer.end))
    cut = trim(text, span, lambda a, b: (a <= answer.start and answer.end <= b,), settings)
    return stand_alone(text, sentences, cut if cut.start <= answer.start and answer.end <= cut.end else span, settings)


def question_of(r: Reading, questions: Sequence[str]) -> str:
    """The question a reading was read with: its part's (``questions[0]``, the whole question, for none)."""
    return questions[r.part] if r.part < len(questions) else questions[0]


def quote_of(r: Reading, question: str, settings: QuoteSettings = DEFAULT_QUOTES) -> Span:
    """The quote a reading read with ``question`` stands for: around its answer (:func:`answer_quote`), going on
    into a next sentence that opens with a pronoun for it and brings words of the question the quote lacks
    (:func:`~qa.answering.shaping.carry_on`); the scorer's quote when the reader found no answer."""
    ev = r.scored.evidence
    if r.answer is None:
        return r.scored.span
    text, asked = ev.passage.text, set(tokenize(question))

    def brings(quote: Span, sentence: Span) -> bool:  # words of the question the quote lacks
        lacking = asked - set(tokenize(text[quote.start:quote.end]))
        return bool(lacking & set(tokenize(text[sentence.start:sentence.end])))

    return carry_on(text, ev.sentences, answer_quote(text, ev.sentences, r.answer, settings), brings, settings)


def read(questions: Sequence[str], ranked: Sequence[tuple[Scored, int]], reader: Reader,
         settings: ReaderSettings) -> list[Reading]:
    """Read each ranked passage's window with the question of the part that chose it.

    Args:
        questions: The text of each part (index 0: the whole question).
        ranked: The sentence scorer's best quote per passage, with its part.
        reader: The extractive reader.
        settings: Window lengths (the first ranked passage's, the others') and longest answer.
    """
    windows = [window_around(s.evidence.passage.text, s.evidence.sentences, s.span,
                             settings.lead_window_words if k == 0 else settings.window_words)
               for k, (s, _) in enumerate(ranked)]
    out: list[Reading | None] = [None] * len(ranked)
    asked = list(dict.fromkeys(questions[n] for n in sorted({n for _, n in ranked})))
    idxs = [[k for k, (_, n) in enumerate(ranked) if questions[n] == q] for q in asked]  # parts in the same words
    asks = [(q, [ranked[k][0].evidence.passage.text[windows[k].start:windows[k].end] for k in idx])
            for q, idx in zip(asked, idxs, strict=True)]
    for idx, spans in zip(idxs, reader.read_many(asks, settings.max_answer_tokens), strict=True):
        for k, span in zip(idx, spans, strict=True):
            w = windows[k]
            found = span.end > span.start and math.isfinite(span.score)
            answer = Span(w.start + span.start, w.start + span.end) if found else None
            clip = settings.margin_clip
            margin = max(-clip, min(clip, span.score - span.null_score)) if found else -clip
            out[k] = Reading(ranked[k][0], ranked[k][1], w, answer, margin, span.prob if found else 0.0,
                             span.score - span.rival if found else math.inf, span.mass if found else 0.0)
    return [r for r in out if r is not None]


def features(reading: Reading) -> tuple[float, ...]:
    """The calibration inputs of a reading: (1, margin, span probability, sentence score)."""
    return 1.0, reading.margin, reading.prob, reading.scored.score


def answer_text(reading: Reading) -> str:
    """The reading's short answer as its passage prints it ("" when it found none)."""
    a = reading.answer
    return reading.scored.evidence.passage.text[a.start:a.end] if a is not None else ""


def weighted(weights: Sequence[float], x: Sequence[float]) -> float:
    """The logistic of ``weights · x`` (0..1)."""
    z = sum(w * v for w, v in zip(weights, x, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def logistic(weights: Sequence[float], reading: Reading) -> float:
    """A logistic calibration over the reading's :func:`features` (weights fitted by ``qa calibrate-reader``)."""
    return weighted(weights, features(reading))


def confidence(reading: Reading, settings: ReaderSettings) -> float:
    """Calibrated probability (0..1) that the reading's quote answers the question."""
    return logistic(settings.calibration, reading)
