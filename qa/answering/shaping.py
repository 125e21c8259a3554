"""Quote shaping: the verbatim span around a passage's best sentence.

A sentence opening with a pronoun takes in the one before it (and a quote, the pronoun sentence after it that
says what was asked), a very short one the ones after it;
a neighbour scoring nearly as well joins the quote; an over-long quote is cut to its best run of
whole clauses. Every function returns a :class:`~qa.types.Span` of the passage text, so the quote
is always a verbatim slice. Pure text functions: no index, no model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.answering.settings import DEFAULT_QUOTES, QuoteSettings
from qa.types import Span

__all__ = ["carry_on", "clauses", "quote_span", "shape", "stand_alone", "trim"]

_ANAPHORA = ("he ", "she ", "they ", "it ", "this ", "that ", "these ", "those ", "his ", "her ", "their ")
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+(?:--|[—–])\s+")
_LEADING_CONJUNCTION = re.compile(r"(?:and|but|or)\s+(?=\S)")


def _words(text: str, span: Span) -> int:
    return len(text[span.start:span.end].split())


def quote_span(text: str, spans: Sequence[Span], i: int, settings: QuoteSettings = DEFAULT_QUOTES) -> Span:
    """Sentence ``i`` extended so that it can stand alone.

    A sentence opening with a pronoun takes in the sentence before it (who "he" is), and one
    shorter than ``min_quote_words`` words takes in the sentences after it.
    """
    start, end = spans[i]
    if i > 0 and text[start:end].lower().startswith(_ANAPHORA) and \
            len(text[spans[i - 1].start:end].split()) <= settings.max_joined_words:
        start = spans[i - 1].start
    j = i
    while len(text[start:end].split()) < settings.min_quote_words and j + 1 < len(spans):
        j += 1
        end = spans[j].end
    return Span(start, end)


def stand_alone(text: str, spans: Sequence[Span], span: Span, settings: QuoteSettings = DEFAULT_QUOTES) -> Span:
    """A quote opening with a pronoun ("He on Wednesday signed…") extended back to say who it is.

    A quote that starts inside a sentence takes in that sentence's start; one that starts a sentence
    takes in the sentence before it (of a previous sentence over ``join_max_words`` words, its last
    whole clauses up to ``max_joined_words`` words). Twice at most; the result is still a verbatim slice.
    """
    start = span.start
    for _ in range(2):
        if not text[start:span.end].lower().startswith(_ANAPHORA):
            break
        k = max((n for n, s in enumerate(spans) if s.start <= start), default=-1)
        if k >= 0 and spans[k].start < start and start < spans[k].end:
            start = spans[k].start
        elif k > 0:
            prev = spans[k - 1]
            start = prev.start
            if _words(text, prev) > settings.join_max_words:
                tail = [c for c in clauses(text, prev.start, prev.end)
                        if len(text[c.start:prev.end].split()) <= settings.max_joined_words]
                start = tail[0].start if tail else start
        else:
            break
    return Span(start, span.end)


def carry_on(text: str, spans: Sequence[Span], span: Span, brings: Callable[[Span, Span], bool],
             settings: QuoteSettings = DEFAULT_QUOTES) -> Span:
    """A quote taking in the next sentence when that one opens with a pronoun for it and ``brings`` what was
    asked: "… President Zelensky is going a different route. He on Wednesday signed a decree …".

    Args:
        text: The passage text.
        spans: Its sentences.
        span: The quote; it must end where a sentence ends.
        brings: ``brings(quote, sentence)``: does the sentence say something asked that the quote does not?
        settings: ``max_joined_words``, the longest sentence taken in.
    """
    nxt = next((s for s in spans if s.start >= span.end), None)
    if (nxt is None or text[span.end:nxt.start].strip() or not text[nxt.start:nxt.end].lower().startswith(_ANAPHORA)
            or _words(text, nxt) > settings.max_joined_words or not brings(span, nxt)):
        return span
    return Span(span.start, nxt.end)


def clauses(text: str, start: int, end: int) -> list[Span]:
    """Whole clauses of ``text[start:end]``: split after , ; : and dashes, never inside brackets or quotes."""
    out: list[Span] = []
    at = start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        before = text[start:m.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]") \
                or before.count('"') % 2 or (before.count("“") > before.count("”")):
            continue
        if m.start() > at:
            out.append(Span(at, m.start()))
        at = m.end()
    if end > at:
        out.append(Span(at, end))
    return out


def trim(text: str, span: Span, run_score: Callable[[int, int], tuple], settings: QuoteSettings = DEFAULT_QUOTES
         ) -> Span:
    """A quote of more than ``trim_above`` words cut to a run of its whole clauses.

    The run is the one of at most ``trim_to`` words that ``run_score(start, end)`` rates best
    (ties: the shortest); it is then padded with the clauses around it up to ``trim_to`` words,
    since the answer usually sits next to the words the question repeats. A leading
    "and"/"but"/"or" is dropped. The result is still a verbatim slice.
    """
    if _words(text, span) <= settings.trim_above:
        return span
    parts = clauses(text, span.start, span.end)
    if len(parts) < 2:
        return span
    words = [_words(text, p) for p in parts]
    best: tuple[tuple, int, int] | None = None
    for i in range(len(parts)):
        n = 0
        for j in range(i, len(parts)):
            n += words[j]
            if n > settings.trim_to and j > i:
                break
            key = (*run_score(parts[i].start, parts[j].end), -n)
            if best is None or key > best[0]:
                best = (key, i, j)
    assert best is not None
    key, i, j = best
    n, grew = -key[-1], True
    while grew:
        grew = False
        if j + 1 < len(parts) and n + words[j + 1] <= settings.trim_to:
            j, n, grew = j + 1, n + words[j + 1], True
        if i > 0 and n + words[i - 1] <= settings.trim_to:
            i, n, grew = i - 1, n + words[i - 1], True
    start = parts[i].start
    lead = _LEADING_CONJUNCTION.match(text, start, parts[j].end)
    return Span(lead.end() if lead else start, parts[j].end)


def shape(text: str, spans: Sequence[Span], quotes: Sequence[Span], scores: Sequence[float], i: int,
          run_score: Callable[[int, int], tuple], settings: QuoteSettings = DEFAULT_QUOTES) -> Span:
    """The final quote around the best sentence ``i``.

    Args:
        text: The passage text.
        spans: Its sentences.
        quotes: Each sentence's stand-alone span (:func:`quote_span`).
        scores: Each sentence's score.
        i: The best sentence.
        run_score: Rates a run of clauses for :func:`trim`.
        settings: Join and trim lengths.

    A neighbouring sentence scoring within ``join_within`` of it is taken in (the better of the
    two) when both together stay within ``join_max_words`` words; otherwise an over-long sentence
    is trimmed to whole clauses (:func:`trim`). A quote opening with a pronoun then takes in who it
    is (:func:`stand_alone`).
    """
    span = quotes[i]
    near = [j for j in (i - 1, i + 1) if 0 <= j < len(spans) and scores[j] >= scores[i] - settings.join_within]
    if near:
        j = max(near, key=lambda k: scores[k])
        joined = Span(min(span.start, quotes[j].start), max(span.end, quotes[j].end))
        if _words(text, joined) <= settings.join_max_words:
            return stand_alone(text, spans, joined, settings)
    return stand_alone(text, spans, trim(text, span, run_score, settings), settings)
