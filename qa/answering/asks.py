"""What a question asks for, and whether a short answer has that shape: inputs of the bold answer's gate.

A reader that marks "Zelensky" for "How many soldiers…?" or "last year's decree" for "Who signed…?" is more
often wrong than its scores say. :func:`answer_shape` describes the span (a number? a date? a name? how many
words?) and whether it is the kind of thing the question's wh-phrase asks for; ``qa calibrate-reader`` weighs
these beside the reader's scores (:func:`qa.answering.shown.span_inputs`). Plain patterns on the words: no model.
"""

from __future__ import annotations

import re

from qa.answering.subjects import is_name

__all__ = ["SHAPE_INPUTS", "answer_shape", "names_another"]

SHAPE_INPUTS = ("number", "capitalised", "date", "words", "number_asked_given", "time_asked_given",
                "person_asked_named")
"""The names of :func:`answer_shape`'s values, in order (the model card prints its weights with them)."""

_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
                 "thousand thousands million millions billion billions trillion dozen dozens half")
_NUMBER = re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS.split()) + r")\b", re.IGNORECASE)
_DATE_WORDS = ("january february march april may june july august september october november december monday "
               "tuesday wednesday thursday friday saturday sunday spring summer autumn winter century centuries "
               "yesterday today tomorrow")
_DATE = re.compile(r"\b(?:1\d{3}|20\d\d)s?\b|\b(?:" + "|".join(_DATE_WORDS.split()) + r")\b", re.IGNORECASE)
_ASKS_NUMBER = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:percentage|percent|number|amount|share)\b",
                          re.IGNORECASE)
_ASKS_TIME = re.compile(r"^\W*when (?:did|does|do|is|was|were|are|will|would|could|can|has|have|had|should|might)\b"
                        r"|\b(?:what|which) (?:year|date|day|month|century|decade|time)\b", re.IGNORECASE)
_ASKS_PERSON = re.compile(r"\bwho(?:m|se)?\b", re.IGNORECASE)
MAX_WORDS = 10
"""Longer answers count as this many words."""
_WHO_IS = re.compile(r"^\W*(?i:who)(?:'s|’s|\s+(?i:is|was|are|were))\s+"  # "Who is Oleksandr Pivnenko?"
                     r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\s*\?*\s*$")


def answer_shape(question: str, answer: str) -> tuple[float, ...]:
    """The shape of ``answer`` and whether it fits what ``question`` asks, as numbers (:data:`SHAPE_INPUTS`).

    Returns:
        1.0 or 0.0 for: the answer holds a number (digits or a number word); it opens with a capital; it holds
        a date (a year, a month or weekday, a season, a century); then its word count (at most ten); then, for
        the question: it asks "how many / how much" and the answer holds a number; it asks "when / what year"
        and the answer holds a date or a number; it asks "who" and the answer is capitalised. (Whether a
        "how many" question got no number is not an input: 6 of SQuAD's 1,555 eval questions, too few to weigh;
        5 of them right, "only a few", "fourteen".)

    Example:
        >>> answer_shape("How many recruits joined?", "about 1,000 foreigners")
        (1.0, 0.0, 0.0, 3.0, 1.0, 0.0, 0.0)
    """
    number = _NUMBER.search(answer) is not None
    capitalised = answer[:1].isupper()
    date = _DATE.search(answer) is not None
    asks_number = _ASKS_NUMBER.search(question) is not None
    asks_time = _ASKS_TIME.search(question) is not None
    asks_person = _ASKS_PERSON.search(question) is not None
    flags = (number, capitalised, date)
    fits = (asks_number and number, asks_time and (date or number), asks_person and capitalised)
    return (*map(float, flags), float(min(len(answer.split()), MAX_WORDS)), *map(float, fits))


def names_another(question: str, answer: str) -> bool:
    """True when ``question`` asks who a named one is ("Who is Oleksandr Pivnenko?") and ``answer`` is just a name.

    Such a question asks what the named one is ("commander of the National Guard"); another bare name ("Zelensky")
    cannot say it (the same name would be an echo). 4 of the 35,751 training questions have this form, none
    answered by a name, and no calibration question: neither the reader nor the gate learnt them.

    Example:
        >>> names_another("Who is Oleksandr Pivnenko?", "Zelensky"), names_another("Who is Pivnenko?", "commander")
        (True, False)
    """
    return bool(_WHO_IS.match(question.strip())) and is_name(answer.strip())
