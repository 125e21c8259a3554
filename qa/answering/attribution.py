"""Which outlet said it: the outlets that print a claim, and those that print another figure for it.

"Which outlet said the shelter received 140 applications?" names no span of an article: the outlet is the
answer, and the sentences that state the claim are its evidence. The answerer searches the claim alone
(:func:`qa.answering.intents.claim_asked`) and quotes the sentence scorer's best sentences; this module then
holds each outlet's quote to the claim's own dates, numbers and names:

- an outlet whose quote prints the claim's date or number (``values.same_value``: "Fifteen people" is "15
  people"), in a clause about the claim, states it, its value marked in its quote;
- an outlet whose quote prints another value of the same kind and unit ("120 applications") does not: it
  takes a position of its own, and the answer says the outlets differ;
- when no outlet prints the claim's value but some print another, no article states the claim: the answer
  abstains, and those quotes are the closest passages;
- of a claim with proper names, only the outlets whose quotes print them all state it ("Norbuild built the Kessel
  dam": not the outlets that name Castell Engineering); when the quotes print some of the claim's names but
  never another ("Russia captured Kyiv"), none does.

A claim without a date, a number or a name, or quotes that print none of them, are left as the sentence scorer
found them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.answering.differences import values_in
from qa.answering.sources import withheld
from qa.answering.values import AnswerValue, comparable, same_value
from qa.index.lexical import tokenize
from qa.types import Answer, Position, Quote

__all__ = ["attribute_claim", "keep_stated"]

_KINDS = ("date", "number")  # "March 1" is a date before it holds a number
_CLAUSE_MARKS = ",;:()—–"


def _clause(text: str, start: int, end: int) -> str:
    """The clause of ``text`` around ``text[start:end]``: between the nearest , ; : ( ) or dash on either side."""
    left = max((text.rfind(c, 0, start) for c in _CLAUSE_MARKS), default=-1)
    right = min((i for i in (text.find(c, end) for c in _CLAUSE_MARKS) if i >= 0), default=len(text))
    return text[left + 1:right]


def _marked(quote: Quote, claim: str, kind: str) -> list[tuple[AnswerValue, Quote]]:
    """Each value of ``kind`` the quote prints about the claim, with the quote marking it (its span inside the
    quote). A value is about the claim when its clause shares a word with the claim beyond the values' own
    ("officials confirmed on Wednesday" tells nothing of when "the storm hit the valley"); a number inside a date
    ("March 3") is the date's, not a figure."""
    found = values_in(quote.text, kind, quote.passage.published)
    if kind == "number":
        dates = [s for _, s in values_in(quote.text, "date", quote.passage.published)]
        found = [(v, s) for v, s in found if not any(d.start < s.end and s.start < d.end for d in dates)]
    asked = set(tokenize(claim)) - {t for _, s in values_in(claim, kind) for t in tokenize(claim[s.start:s.end])}
    found = [(v, s) for v, s in found
             if asked & (set(tokenize(_clause(quote.text, s.start, s.end))) - set(tokenize(quote.text[s.start:s.end])))]
    return [(v, replace(quote, answer_start=quote.start + s.start, answer_end=quote.start + s.end))
            for v, s in found]


def _against(value: AnswerValue, asked: AnswerValue) -> bool:
    """True when ``value`` is another figure for what ``asked`` counts: a date against a date, a number against a
    number of the same unit, or any number when the claim's has none ("300,000 more"); a number without a unit
    is no count of "140 applications"."""
    return comparable(value, asked) and (value.kind != "number" or value.unit == asked.unit or not asked.unit)


def _stance(quote: Quote, claim: str, kind: str) -> tuple[bool, AnswerValue, Quote] | None:
    """``(True, value, marked quote)`` when the quote prints a value of ``kind`` the claim states; ``(False, ...)``
    with the first value it prints against the claim's instead; None when it prints no value that could
    contradict them. The claim's dates are resolved against the quote's publication date."""
    asked = [v for v, _ in values_in(claim, kind, quote.passage.published)]
    marked = _marked(quote, claim, kind)
    for v, q in marked:
        if any(same_value(v, a) for a in asked):
            return True, v, q
    for v, q in marked:
        if any(_against(v, a) for a in asked):
            return False, v, q
    return None


def _outlet_stance(quotes: Sequence[Quote], claim: str, kind: str) -> tuple[bool, AnswerValue, Quote] | None:
    """The :func:`_stance` of an outlet's first quote that takes one."""
    return next((found for q in quotes if (found := _stance(q, claim, kind)) is not None), None)


def _by_figure(answer: Answer, claim: str, kind: str) -> Answer:
    """Positions when outlets print different values of ``kind`` for the claim, an abstention when none prints the
    claim's own but some print another, else ``answer`` itself."""
    if not values_in(claim, kind):
        return answer
    stances = [(g.outlet, found) for g in answer.outlets if (found := _outlet_stance(g.quotes, claim, kind))]
    if not any(not agrees for _, (agrees, _, _) in stances):
        return answer  # nobody prints another value: the sentence scorer's outlets stand
    if not any(agrees for _, (agrees, _, _) in stances):
        return withheld(answer)  # no quoted outlet states the claim
    groups: list[tuple[AnswerValue, list[tuple[str, Quote]]]] = []
    for outlet, (_, value, quote) in sorted(stances, key=lambda s: not s[1][0]):  # the claim's value first
        group = next((g for v, g in groups if same_value(v, value)), None)
        if group is None:
            groups.append((value, group := []))
        group.append((outlet, quote))
    positions = tuple(Position(answer=members[0][1].answer_text, outlets=tuple(o for o, _ in members),
                               quotes=tuple(q for _, q in members)) for _, members in groups)
    return replace(answer, positions=positions, disagreement=True)


def _names(text: str) -> list[AnswerValue]:
    """The proper names a text prints, its first word included, possessives dropped ("Kyiv's" is "Kyiv")."""
    return [AnswerValue("name", re.sub(r"['’]s\b", "", str(v.value))) for v, _ in values_in(f"that {text}", "name")]


def _by_names(answer: Answer, claim: str) -> Answer:
    """Only the outlets whose quotes print every proper name of the claim state it: "Norbuild built the Kessel dam"
    is not stated by a quote that names Castell Engineering, and when the quotes print some of the claim's names
    but never another ("Smith built the Kessel dam", "Russia captured Kyiv"), no outlet states it. When they print
    none of them the claim may name its subject another way ("Ukraine" for "Kyiv's military"): left alone."""
    asked = _names(claim)
    named = [[n for q in g.quotes for n in _names(q.text)] for g in answer.outlets]  # each outlet's, read once
    printed = [[any(same_value(n, a) for n in names) for a in asked] for names in named]
    seen = [any(p[i] for p in printed) for i in range(len(asked))]
    if not any(seen):
        return answer
    states = tuple(g for g, p in zip(answer.outlets, printed, strict=True) if all(p))
    if not all(seen) or not states:
        return withheld(answer)
    return answer if len(states) == len(answer.outlets) else replace(answer, outlets=states)


def attribute_claim(answer: Answer, claim: str) -> Answer:
    """Hold the outlets of an answer to "Which outlet said ``claim``?" to the claim's date, number and names.

    Args:
        answer: The answer built for the claim (each outlet's quotes in :attr:`~qa.types.Answer.outlets`).
        claim: The claim the question asked about, as searched.

    Returns:
        The answer with positions (the claim's value first) when outlets print different dates or numbers for
        it; abstained when none prints the claim's date or number but some print another, or when none prints
        every proper name of the claim; with only the outlets that print them all; else ``answer`` itself.
    """
    if answer.abstained or not answer.outlets:
        return answer
    for kind in _KINDS:
        held = _by_figure(answer, claim, kind)
        if held is not answer:
            return held
    return _by_names(answer, claim)


def keep_stated(answer: Answer) -> Answer:
    """A claim's quotes beyond the passages the answer reports (:attr:`~qa.types.Answer.passages`) only where they
    state it or print another figure for it: the further passages are read so that each outlet that prints the claim
    is heard, not to list more that do not. An abstention keeps them all, as its closest passages."""
    if answer.abstained:
        return answer
    said = {(q.passage.id, q.start, q.end) for q in (*(q for g in answer.outlets for q in g.quotes),
                                                     *(q for p in answer.positions for q in p.quotes))}
    reported = {p.id for p in answer.passages}
    quotes = tuple(q for q in answer.quotes if q.passage.id in reported or (q.passage.id, q.start, q.end) in said)
    return answer if len(quotes) == len(answer.quotes) else replace(answer, quotes=quotes)
