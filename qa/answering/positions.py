"""What each outlet says: each outlet's passages read on their own, equal answers grouped into positions.

Every retrieved passage has been read by the reader (one call for all parts of the question,
:mod:`qa.answering.reading`). An outlet takes a position when its most confident reading holds an answer the
reader is sure of (``ReaderSettings.position_margin``; not torn between two spans, not an echo of the question)
and that clears the abstention threshold. Outlets whose answers
state the same value (:mod:`qa.answering.values`: 15 = "Fifteen", "Wednesday" = "Feb. 21" in an article
of the next day, "Zelensky" = "President Volodymyr Zelensky") share one position. Two positions on the
same part of the question are a disagreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering.reading import Reading, question_of, quote_of
from qa.answering.settings import QuoteSettings, ReaderSettings
from qa.answering.shown import never_shown
from qa.answering.values import AnswerValue, answer_value, comparable, same_value
from qa.outlets import outlet_key
from qa.types import Position, Quote

__all__ = ["Stance", "find_positions", "stance_quote"]


@dataclass(frozen=True)
class Stance:
    """One outlet's answer: its reading, confidence, the value it states and the quote that holds it."""

    reading: Reading
    confidence: float
    value: AnswerValue
    quote: Quote

    @property
    def outlet(self) -> str:
        return self.quote.outlet

    @property
    def answer(self) -> str:
        return self.quote.answer_text


def stance_quote(r: Reading, confidence: float, question: str, settings: QuoteSettings) -> Quote:
    """The verbatim quote around the answer of a reading read with ``question``, the answer marked inside it."""
    p = r.scored.evidence.passage
    span = quote_of(r, question, settings)
    assert r.answer is not None
    return Quote(text=p.text[span.start:span.end], start=span.start, end=span.end, score=round(confidence, 4),
                 passage=p, answer_start=r.answer.start, answer_end=r.answer.end)


def stances(readings: Sequence[tuple[Reading, float]], questions: Sequence[str], settings: QuoteSettings,
            reading: ReaderSettings, only: Sequence[str] = ()) -> list[Stance]:
    """Each outlet's most confident sure answer (at most one per outlet), most confident first.

    Sure: the reader's margin reaches ``position_margin``, the confidence is at least ``abstain_below``
    and ``corroborate_within`` of the most confident reading's, and the answer is one a bold answer could be
    (:func:`~qa.answering.shown.never_shown`: no other span within ``show_span_gap`` logits, not an echo of
    the question).

    Args:
        readings: Every read passage with its calibrated confidence.
        questions: The text of each part of the question (index 0: the whole question).
        settings: Quote shapes.
        reading: ``position_margin``, ``abstain_below`` and ``corroborate_within`` decide which answers are sure.
        only: When given, outlets outside it take no position (the question named these).
    """
    allowed = {outlet_key(o) for o in only}
    best: dict[str, Stance] = {}
    ranked = sorted(readings, key=lambda rc: -rc[1])
    floor = max(reading.abstain_below, (ranked[0][1] if ranked else 0.0) * reading.corroborate_within)
    for r, c in ranked:
        p = r.scored.evidence.passage
        key = outlet_key(p.outlet)
        if key in best or r.answer is None or r.margin < reading.position_margin or c < floor:
            continue
        if allowed and key not in allowed:
            continue
        text, question = p.text[r.answer.start:r.answer.end], question_of(r, questions)
        if never_shown(r, text, question, reading):
            continue  # torn between two answers, or only the question's words: the reader does not say
        best[key] = Stance(r, c, answer_value(text, p.published), stance_quote(r, c, question, settings))
    return sorted(best.values(), key=lambda s: -s.confidence)


def find_positions(found: Sequence[Stance]) -> tuple[tuple[Position, ...], bool]:
    """Group outlets' answers that state the same value; ``(positions, disagreement)``.

    Positions come best-supported first (most outlets, then the most confident). ``disagreement`` is
    True when two positions answer the same part of the question with values that contradict each other
    (:func:`~qa.answering.values.comparable`: two numbers, dates or proper names, not a description).
    """
    groups: list[list[Stance]] = []
    for s in found:
        home = next((g for g in groups if same_value(g[0].value, s.value)), None)
        if home is None:
            groups.append([s])
        else:
            home.append(s)
    groups.sort(key=lambda g: (-len(g), -g[0].confidence))
    positions = tuple(Position(answer=g[0].answer, outlets=tuple(s.outlet for s in g),
                               quotes=tuple(s.quote for s in g)) for g in groups)
    parts = [{s.reading.part for s in g} for g in groups]
    disagreement = any(parts[i] & parts[j] and comparable(groups[i][0].value, groups[j][0].value)
                       for i in range(len(groups)) for j in range(i + 1, len(groups)))
    return positions, disagreement
