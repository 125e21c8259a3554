"""Who "he"/"she" means in a conversation: its subject, the person its questions are about.

A name in the user's own questions outranks the short answer: after "Who did Zelensky appoint as
commander?" (answer: Oleksandr Pivnenko), "he" is still Zelensky. The answer is the subject when the
question named nobody ("Who commands the National Guard?" → "When was he appointed?" is about the
commander). A name counts as a person only with some evidence in the conversation: a title before it
("President Volodymyr Zelensky"), a speech or action verb after it ("Zelensky said"), two or more
capitalised words that are not an organisation or a place ("Oleksandr Pivnenko"), or being the answer to
a "who" question. "Ukraine's military", "the National Guard" and "July" are never "he".

Pure text rules; nothing here reads the index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.answering.intents import asks_source
from qa.answering.routing import outlet_spans
from qa.conversation import Turn

__all__ = ["is_name", "is_person", "names", "real_turns", "subject", "words"]

_WORD = re.compile(r"[A-Za-z][\w'’-]*|\d[\d.,]*")
_NAME_SKIP = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how", "did", "does", "do", "is",
              "was", "are", "were", "can", "could", "will", "would", "should", "has", "have", "had", "the", "a", "an",
              "in", "on", "and", "but", "according", "president", "mr", "ms", "mrs", "dr", "i", "he", "she", "they",
              "it", "his", "her", "their", "its", "this", "that"}
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
             "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# The last word of an organisation, a place or a thing, and the first word of a two-word place.
_NOT_PERSON_LAST = {"guard", "ministry", "legion", "times", "forces", "force", "office", "council", "parliament",
                    "army", "union", "independent", "news", "post", "journal", "agency", "committee", "department",
                    "party", "government", "court", "bank", "fund", "group", "street", "city", "region", "oblast",
                    "republic", "states", "kingdom", "nations", "centre", "center", "university", "institute",
                    "company", "corp", "inc", "ltd", "media", "network", "service", "services", "brigade",
                    "battalion", "division", "command", "defense", "defence", "press", "line", "sea", "ocean",
                    "river", "forest", "war", "house", "senate", "congress", "assembly", "airport", "station",
                    "square", "county", "province", "state", "police", "navy", "academy", "club", "league"}
_PLACE_FIRST = {"new", "south", "north", "east", "west", "western", "eastern", "northern", "southern", "central",
                "saudi", "hong", "los", "san", "sri", "great", "united", "las", "buenos", "costa", "el", "st"}
TITLES = ("president", "prime minister", "minister", "mr", "mrs", "ms", "dr", "gen", "general", "senator", "sen",
          "rep", "governor", "gov", "mayor", "chancellor", "king", "queen", "pope", "judge", "commander", "chief",
          "secretary", "spokesman", "spokeswoman", "spokesperson", "ceo", "chairman", "chairwoman", "leader",
          "analyst", "ambassador", "professor", "prof", "sir", "lord", "lady", "colonel", "col", "lt", "captain",
          "capt", "sgt", "sergeant", "editor", "reporter", "director", "founder")
ACTS = ("said", "says", "told", "tells", "signed", "signs", "made", "makes", "proposed", "proposes", "announced",
        "announces", "appointed", "appoints", "called", "calls", "described", "describes", "wrote", "writes",
        "added", "argued", "warned", "warns", "claimed", "claims", "denied", "denies", "noted", "insisted", "urged",
        "stated", "explained", "vowed", "pledged", "ordered", "orders", "decided", "resigned", "replied", "asked")
_ACT_BASE = ("say", "tell", "sign", "make", "propose", "announce", "appoint", "call", "describe", "write", "argue",
             "warn", "claim", "deny", "insist", "urge", "state", "explain", "vow", "pledge", "order", "decide",
             "resign", "reply", "ask", "promise", "threaten", "fire", "nominate", "endorse", "visit", "meet")
_WHO = re.compile(r"^\s*(?:and\s+|so\s+)?(?:who|whom)\b", re.IGNORECASE)


def words(text: str) -> list[re.Match[str]]:
    """The words (and numbers) of ``text``, as regex matches."""
    return list(_WORD.finditer(text))


def is_name(text: str) -> bool:
    """True for a short run of capitalised words ("Volodymyr Zelensky", "Interior Ministry")."""
    parts = text.split()
    return 0 < len(parts) <= 4 and all((w[:1].isupper() and not any(c.isdigit() for c in w)) or
                                       w in ("of", "de", "van", "von", "al", "bin") for w in parts)


def names(text: str, outlets: Sequence[str] = ()) -> list[str]:
    """Runs of capitalised words not at the question's start, outlets and dates left out, longest run each."""
    taken = outlet_spans(text, outlets)
    found: list[str] = []
    run: list[str] = []
    for m in words(text):
        inside_outlet = any(a <= m.start() < b for a, b, _ in taken)
        word = m.group().strip("'’")
        base = word.removesuffix("'s").removesuffix("’s")
        if word[:1].isupper() and base.lower() not in _NAME_SKIP | _CALENDAR and not inside_outlet:
            run.append(base)
            if base != word:  # "Ukraine's National Guard": the possessive ends the name
                found.append(" ".join(run))
                run = []
            continue
        if run:
            found.append(" ".join(run))
        run = []
    if run:
        found.append(" ".join(run))
    return [n for n in found if is_name(n)]


def _evidence(name: str, texts: Sequence[str]) -> bool:
    """A title before the name or a speech/action verb right after it, in one of ``texts``."""
    last = re.escape(name.split()[-1])
    titled = re.compile(rf"\b(?:{'|'.join(TITLES)})\.?\s+(?:[A-Z][\w'’-]*\s+){{0,2}}{last}\b", re.IGNORECASE)
    acting = re.compile(rf"\b{last},?\s+(?:(?:also|then|later|has|had|once)\s+)?(?:{'|'.join(ACTS)})\b")
    asked = re.compile(rf"\b(?:did|does|do|has|had|will|would|can|could)\s+{last}\s+(?:{'|'.join(_ACT_BASE)})\b",
                       re.IGNORECASE)  # "Whom did Zelensky appoint …?"
    return any(titled.search(t) or acting.search(t) or asked.search(t) for t in texts)


def is_person(name: str, texts: Sequence[str] = ()) -> bool:
    """Whether a name looks like a person's, given the conversation's texts (see the module docstring)."""
    parts = name.split()
    if not parts or parts[-1].lower() in _NOT_PERSON_LAST or parts[-1].lower() in _CALENDAR:
        return False
    if _evidence(name, texts):
        return True
    return len(parts) >= 2 and parts[0].lower() not in _PLACE_FIRST and parts[0].lower() not in TITLES


def real_turns(history: Sequence[Turn]) -> list[Turn]:
    """The turns that asked something of the articles: "Which outlet said that?" and the like left out."""
    return [t for t in history if not asks_source(t.question)]


def _mentions(name: str, asked: Sequence[str]) -> int:
    last = name.split()[-1]
    return sum(bool(re.search(rf"\b{re.escape(last)}\b", q)) for q in asked)


def subject(history: Sequence[Turn], outlets: Sequence[str] = ()) -> str:
    """The person "he"/"she" points at: the latest turn's named person, the user's questions first.

    Newest turn first: a person its question names (the one the conversation's questions name most
    often); else its short answer when that is a person's name; else a person its quote names. ``""``
    when the conversation has named nobody.
    """
    turns = real_turns(history)
    texts = [x for t in turns for x in (t.searched or t.question, t.quote)]
    asked = [t.searched or t.question for t in turns]
    for turn in reversed(turns):
        question = turn.searched or turn.question
        people = [n for n in names(question, outlets) if is_person(n, texts)]
        if people:
            return max(people, key=lambda n: _mentions(n, asked))  # max keeps the first of equals
        answer = turn.answer.strip()
        if is_name(answer) and (is_person(answer, texts) or (_WHO.match(turn.question) and
                                                              answer.split()[-1].lower() not in _NOT_PERSON_LAST)):
            return answer
        quoted = [n for n in names(turn.quote, outlets) if is_person(n, texts) and _evidence(n, [turn.quote])]
        if quoted:
            return quoted[0]
    return ""
