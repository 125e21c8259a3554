"""The bold short answer: shown only when it is very likely right, with its unit, never a question echo.

The reader marks a span in every passage it reads; a user reads that span first, in bold. It is shown when

* its calibrated probability of being right reaches ``show_span_above``: a logistic, fitted by
  ``qa calibrate-reader`` on dev data (token F1 >= 0.5 with a gold answer), over the reading's features and
  what the question's other readings say (:class:`Support`: how many found the same answer, how far this
  reading's confidence leads theirs), the probability of every span overlapping it and whether it has the shape
  the question asks for (:func:`qa.answering.asks.answer_shape`); without fitted weights, the span's own
  probability,
* and it says something the question does not: a span whose words all occur in the question is an echo,
  and another bare name is no answer to "Who is <name>?",
* and the reader saw no other answer nearly as likely in the same window (:func:`is_ambiguous`).

A bare number keeps the unit the sentence gives it: "20,000" becomes "20,000 hryvnias a month".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering.asks import answer_shape, names_another
from qa.answering.reading import Reading, answer_text, features, weighted
from qa.answering.settings import ReaderSettings
from qa.textmatch import normalize_answer, same_answer
from qa.types import Span

__all__ = ["Support", "is_ambiguous", "is_echo", "never_shown", "show_answer", "span_confidence", "span_features",
           "span_inputs", "support", "with_unit"]

_NUMBER = re.compile(r"(?:[$€£¥₴]\s?)?\d[\d,.\s]*(?:\s?(?:%|percent|per\s?cent))?|"
                     r"(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                     r"thirty|forty|fifty|hundred|thousand|dozens?|hundreds|thousands)"
                     r"(?:[\s-](?i:one|two|three|four|five|six|seven|eight|nine|hundred|thousand|million|billion))*")
_STOP_WORDS = """a an the and or but of in on at by for to from with as than that which who whom whose this these
those it its is are was were be been being has have had do does did will would can could should may might must
not no nor so if then there their they them he she his her we our you your i me my after before since until while
about into over under per via against between during among through up down out off more most less least"""
_STOP = frozenset(_STOP_WORDS.split())
_TIME = frozenset(("second", "minute", "hour", "day", "week", "month", "year", "decade", "century"))
_WORD = re.compile(r"\s+([A-Za-z][A-Za-z'-]*)")


@dataclass(frozen=True)
class Support:
    """What the question's other readings say about one reading's span.

    Attributes:
        agree: Other readings whose span is the same answer (:func:`qa.textmatch.same_answer`).
        lead: This reading's confidence minus the best of the others' (its own confidence when there are none).
    """

    agree: int = 0
    lead: float = 0.0


def support(i: int, answers: Sequence[str], confidences: Sequence[float]) -> Support:
    """The :class:`Support` of reading ``i`` among the readings whose spans are ``answers`` ("" for none)."""
    others = [k for k in range(len(answers)) if k != i]
    agree = sum(1 for k in others if same_answer(answers[i], answers[k]))
    return Support(agree, confidences[i] - max((confidences[k] for k in others), default=0.0))


def span_inputs(feats: Sequence[float], backing: Support, mass: float, shape: Sequence[float] = ()
                ) -> tuple[float, ...]:
    """The bold answer's calibration inputs from a reading's :func:`~qa.answering.reading.features`, its
    :class:`Support`, its span's ``mass`` and ``shape``: the features, the other readings that agree with its
    span, how far its confidence leads theirs, the log-odds of the probability of every span overlapping it,
    then the span's :func:`~qa.answering.asks.answer_shape` against the question."""
    p = min(max(mass, 1e-6), 1 - 1e-6)
    return *feats, float(backing.agree), backing.lead, math.log(p / (1 - p)), *shape


def span_features(reading: Reading, question: str, backing: Support) -> tuple[float, ...]:
    """The bold answer's calibration inputs of a reading read with ``question`` (:func:`span_inputs`)."""
    return span_inputs(features(reading), backing, reading.mass, answer_shape(question, answer_text(reading)))


def span_confidence(reading: Reading, question: str, settings: ReaderSettings, backing: Support = Support()
                    ) -> float:
    """Probability (0..1) that the reading's span is right: the fitted span calibration, else its probability.

    Weights fitted before the later inputs existed (four: the reading's features alone; six: with its support;
    seven: with the overlap) read the inputs they were fitted on.
    """
    w = settings.span_calibration
    return reading.prob if w is None else weighted(w, span_features(reading, question, backing)[:len(w)])


def is_ambiguous(reading: Reading, settings: ReaderSettings) -> bool:
    """True when a span sharing no word with the reading's is within ``show_span_gap`` logits of it."""
    return reading.rival_gap < settings.show_span_gap


def is_echo(answer: str, question: str) -> bool:
    """True when every word of ``answer`` occurs in ``question`` (or it has none): nothing it tells."""
    words = normalize_answer(answer).split()
    asked = set(normalize_answer(question).split())
    return not words or all(w in asked for w in words)


def never_shown(reading: Reading, answer: str, question: str, settings: ReaderSettings) -> bool:
    """True when the reading's span ``answer`` is not marked whatever its confidence: another answer was nearly
    as likely (:func:`is_ambiguous`), it only repeats the question (:func:`is_echo`) or it names someone else
    for "Who is <name>?" (:func:`~qa.answering.asks.names_another`)."""
    return is_ambiguous(reading, settings) or is_echo(answer, question) or names_another(question, answer)


def with_unit(text: str, span: Span, limit: int) -> Span:
    """``span`` grown over the unit that follows a bare number in ``text`` (not past ``limit``).

    The unit is the words up to the next punctuation or function word ("20,000 hryvnias"), plus a rate
    ("a month", "per year"); a word ending in "-ed" is taken for a verb and stops it ("12 died").
    """
    if not _NUMBER.fullmatch(text[span.start:span.end].strip()):
        return span
    end, pos, taken = span.end, span.end, 0
    while taken < 3:
        m = _WORD.match(text, pos)
        if m is None or m.end() > limit:
            break
        word = m[1].lower()
        if word in ("a", "per") and taken:
            rate = _WORD.match(text, m.end())
            if rate is not None and rate.end() <= limit and rate[1].lower().rstrip("s") in _TIME:
                end = rate.end()
            break
        if word in _STOP or (word.endswith("ed") and word != "hundred") or m[1][0].isupper():
            break
        end, pos, taken = m.end(), m.end(), taken + 1
    return Span(span.start, end)


def show_answer(reading: Reading, question: str, settings: ReaderSettings, quote: Span,
                backing: Support = Support()) -> Span | None:
    """The short answer to mark in bold inside ``quote``, or None when it should not be shown.

    Args:
        reading: The reader's reading of the passage.
        question: The question the passage was read with.
        settings: The calibration and ``show_span_above``.
        quote: The quote shown (passage coordinates): the answer is grown within it only.
        backing: What the question's other readings say about its span (:func:`support`).
    """
    span = reading.answer
    if span is None or not (quote.start <= span.start < span.end <= quote.end):
        return None
    text = reading.scored.evidence.passage.text
    if (span_confidence(reading, question, settings, backing) < settings.show_span_above
            or never_shown(reading, text[span.start:span.end], question, settings)):
        return None
    return with_unit(text, span, quote.end)
