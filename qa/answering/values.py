"""What a short answer says, as a value two outlets can be compared on: a number, a date or a name.

Two outlets agree when their answers normalise to the same value, not when they print the same words:
- numbers, with number words ("Fifteen" = 15, text2num) and a unit when one follows ("20,000 hryvnias");
- dates, with a weekday or a date without a year resolved against the article's publication date
  (dateparser with ``RELATIVE_BASE``: "Wednesday" in an article of 2024-02-22 is 2024-02-21);
- names and other words, where one answer's words all occur in the other's, allowing spelling variants
  (rapidfuzz: "Zelensky" is "President Volodymyr Zelenskyy").
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from qa.textmatch import normalize_answer

__all__ = ["AnswerValue", "answer_value", "comparable", "same_value"]

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|percent|per cent))?")
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DATE_WORDS = re.compile(r"\b(" + "|".join(_DAYS) + r"|today|yesterday|tomorrow|"
                         r"(?:" + "|".join(_MONTHS) + r")[a-z]*\.?)\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"^(?:in\s+)?(1[89]\d\d|20\d\d)$")
_UNIT_SKIP = {"a", "an", "the", "of", "per", "and", "or", "to", "more", "than", "about", "some", "over", "nearly"}
_JOINERS = {"of", "the", "and", "de", "van", "von", "for", "la", "al", "bin", "du", "da"}
_FUZZ = 85  # rapidfuzz ratio at which two words are one name spelled two ways (Zelensky / Zelenskyy)


@dataclass(frozen=True)
class AnswerValue:
    """A short answer reduced to what it asserts.

    Attributes:
        kind: ``"number"``, ``"date"``, ``"year"``, ``"name"`` (a proper name) or ``"text"`` (other words).
        value: The number, the ISO date (``YYYY-MM-DD``), or the normalised words.
        unit: For a number, the word after it (singular, lower case), or "".
    """

    kind: str
    value: float | str
    unit: str = ""


def _digits(text: str) -> str:
    """Number words as digits ("Fifteen" -> "15", "twenty-five thousand" -> "25000")."""
    from text_to_num import alpha2digit

    try:
        return alpha2digit(text, "en", threshold=0)
    except Exception:  # a text it cannot parse keeps its words
        return text


def _unit(rest: str) -> str:
    words = [w for w in re.findall(r"[a-z]+", rest.lower()) if w not in _UNIT_SKIP]
    if not words:
        return ""
    word = words[0]
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _number(text: str) -> AnswerValue | None:
    scaled = re.search(r"\d\s+(?:thousand|million|billion|trillion|bn)\b", text, re.IGNORECASE)
    digits = text if scaled else _digits(text)  # "2.5 million" stays as printed (text2num makes "2.5 1000000")
    found = list(_NUMBER.finditer(digits))
    if len(found) != 1:  # "between 10 and 20", or no number: not one number
        return None
    m = found[0]
    value = float(m.group(1).replace(",", ""))
    rest = digits[m.end():]
    scale = re.match(r"\s*(thousand|million|billion|trillion|bn|k|m)\b", rest, re.IGNORECASE)
    if scale:
        value *= _SCALE[scale.group(1).lower()]
        rest = rest[scale.end():]
    unit = "%" if m.group(2) else _unit(rest)
    return AnswerValue("number", value, unit)


@lru_cache(maxsize=2048)
def _parse_date(text: str, base: str) -> str | None:
    import dateparser

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base:
        with suppress(ValueError):
            settings["RELATIVE_BASE"] = datetime.fromisoformat(base[:10])
    words = re.sub(r"\b(?:on|in|at|last|this|night|morning|evening|afternoon)\b", " ", text, flags=re.IGNORECASE)
    parsed = dateparser.parse(" ".join(words.split()), languages=["en"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    base_day = settings.get("RELATIVE_BASE")
    if isinstance(base_day, datetime) and (base_day.date() - day).days == 7 and \
            re.search(r"\b" + _DAYS[base_day.weekday()] + r"\b", text, re.IGNORECASE):
        day = base_day.date()  # "Tuesday" in an article of a Tuesday is that day, not a week before
    return day.isoformat()


def answer_value(text: str, published: str = "") -> AnswerValue:
    """The value a short answer states.

    Args:
        text: The short answer, as printed.
        published: The publication date of the article it comes from (``YYYY-MM-DD...``), the base
            against which a weekday or a date without a year is resolved.
    """
    plain = " ".join(text.split())
    year = _YEAR_ONLY.match(plain.lower())
    if year:
        return AnswerValue("year", year.group(1))
    if _DATE_WORDS.search(plain) or re.search(r"\b\d{4}-\d\d-\d\d\b", plain):
        iso = _parse_date(plain, published[:10])
        if iso:
            return AnswerValue("date", iso)
    number = _number(plain)
    if number is not None:
        return number
    return AnswerValue("name" if _is_name(plain) else "text", normalize_answer(plain))


def _is_name(text: str) -> bool:
    """A proper name: every word capitalised but joining words ("Ministry of Internal Affairs", "Zelensky")."""
    words = re.findall(r"[^\W\d_][\w'’.-]*", text)
    content = [w for w in words if w.lower() not in _JOINERS]
    return bool(content) and all(w[0].isupper() for w in content)


def _words_within(small: list[str], large: list[str]) -> bool:
    from rapidfuzz import fuzz

    return all(any(w == x or (len(w) > 3 and fuzz.ratio(w, x) >= _FUZZ) for x in large) for w in small)


_WORDS = ("name", "text")


def comparable(a: AnswerValue, b: AnswerValue) -> bool:
    """True when two answers of different values contradict each other: two numbers (of the same unit,
    when both have one), two dates or years, two proper names. A description ("the Ukrainian leader") or
    other words contradict nothing: they may say the same thing another way."""
    kinds = {a.kind, b.kind}
    if kinds <= {"date", "year"}:
        return True
    if kinds == {"number"}:
        return not a.unit or not b.unit or a.unit == b.unit
    return kinds == {"name"}


def same_value(a: AnswerValue, b: AnswerValue) -> bool:
    """True when two answers state the same thing.

    Numbers are equal when their values are and their units agree (a missing unit agrees with any);
    dates when they fall on the same day; words when one answer's words all occur in the other's
    (allowing spelling variants). A number never equals a name.
    """
    if a.kind in _WORDS and b.kind in _WORDS:
        x, y = str(a.value).split(), str(b.value).split()
        if not x or not y:
            return False
        small, large = (x, y) if len(x) <= len(y) else (y, x)
        return _words_within(small, large)
    if a.kind != b.kind:
        if {a.kind, b.kind} == {"date", "year"}:
            return str(a.value)[:4] == str(b.value)[:4]
        return False
    if a.kind == "number":
        close = abs(float(a.value) - float(b.value)) <= 1e-9 * max(1.0, abs(float(a.value)))
        return close and (not a.unit or not b.unit or a.unit == b.unit)
    return a.value == b.value
