"""Follow-up questions -> stand-alone questions, from the conversation so far (no language model).

A question that leans on an earlier turn is rewritten with what the conversation established:

- a pronoun ("When did **he** sign **it**?"): "he"/"she" becomes the conversation's subject, the
  person the user's questions name (the short answer only when the question named nobody:
  :mod:`qa.answering.subjects`); "it"/"its"/a bare "this"/"that" becomes the earlier question's topic,
  its first noun phrase ("the decree");
- a leading "and"/"but"/"also" ("And how long is the contract?"): the earlier topic is added;
- "what about X?" / "and X?": X replaces the outlet the earlier question named (or is added as its
  outlet) when X is an outlet, else the earlier topic;
- a bare question word ("Why?", "How?", "When?"): a well-formed question about the claim the earlier
  question and its answer make ("Why will Ukraine probably have to cede more ground?":
  :mod:`qa.answering.claims`);
- "Does Newsweek say so too?": the earlier question, within that outlet. Any other question stands
  alone and is returned unchanged, whatever the history.

Questions about the conversation itself ("Which outlet said that?") are not questions about the
articles: the turns they make are passed over, so a follow-up after one looks back to the last real
question, and one asked without a stored answer to restate searches that question again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering.claims import claim_question
from qa.answering.intents import asks_source, says_so_too
from qa.answering.routing import outlet_spans
from qa.answering.subjects import is_name as _is_name
from qa.answering.subjects import names as _names
from qa.answering.subjects import real_turns, subject
from qa.answering.subjects import words as _words
from qa.conversation import Turn

__all__ = ["Referents", "needs_context", "referents", "resolve_followup"]

PERSON = {"he": "", "him": "", "she": "", "her": "", "his": "'s", "hers": "'s"}
GROUP = {"they": "", "them": "", "their": "'s", "theirs": "'s"}
THING = {"it": "", "its": "'s"}
DEMONSTRATIVE = ("this", "that", "these", "those")
WH = ("who", "whom", "whose", "what", "which", "when", "where", "why", "how")
_LEAD = re.compile(r"^\s*(?:and|but|also|so|then|plus)\b[\s,]*", re.IGNORECASE)
_ABOUT = re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?(?:what|how)\s+about\s+(?P<x>.+?)\s*[?.!]*\s*$", re.IGNORECASE)
_AND_X = re.compile(r"^\s*(?:and|but|also)\s+(?P<x>(?!(?:" + "|".join(WH) + r")\b)[^?]{1,40}?)\s*[?.!]*\s*$",
                    re.IGNORECASE)
_BARE = re.compile(r"^\s*(?:and\s+)?(?P<wh>(?:" + "|".join(WH) + r")(?:\s+(?:many|much|long|old|far|often|"
                   r"exactly|so))?)\s*[?.!]*\s*$", re.IGNORECASE)
_DUMMY_IT = re.compile(r"\b(?:is|was|isn't|wasn't)\s+it\s+(?:true|possible|likely|clear|known|legal|\w+\s+(?:that|to|"
                       r"whether|if))\b|\bit\s+(?:is|was)\s+(?:true|possible|likely|clear|known|\w+\s+(?:that|to))\b"
                       r"|\b(?:is|was)\s+it\s+(?:that|when|called|\w+er)\b|\bit\s+(?:is|was)\s+(?:now|also)\s"
                       r"|\bit\s+(?:cost|costs|take|takes|took|mean|means)\b", re.IGNORECASE)
_NP_STOP = {"of", "to", "for", "into", "in", "on", "at", "by", "with", "from", "about", "as", "that", "which",
            "who", "whom", "whose", "did", "does", "do", "is", "was", "are", "were", "be", "been", "has", "have",
            "had", "can", "could", "will", "would", "should", "may", "might", "must", "and", "or", "but", "than",
            "after", "before", "since", "during", "under", "over", "if", "when", "while", "where", "why", "how"}
NP_MAX_WORDS, HISTORY_TURNS = 3, 6  # longest topic phrase; the latest turns a follow-up is resolved from
_PLURAL = re.compile(r"^[a-z]{3,}[^su'’]s$")


@dataclass(frozen=True)
class Referents:
    """What pronouns of a follow-up can point at, taken from the latest turns that have them.

    Attributes:
        person: A name ("Volodymyr Zelensky"), or "".
        group: A plural noun of the earlier question ("foreigners"), or "".
        topic: The earlier question's first noun phrase ("the decree"), or "".
        answer: The earlier short answer, or "".
        previous: The earlier question as it was searched.
    """

    person: str
    group: str
    topic: str
    answer: str
    previous: str


def _noun_phrase(text: str, outlets: Sequence[str], skip: str = "") -> str:
    """The first "the/a/an ..." phrase of a question: the determiner and up to ``NP_MAX_WORDS`` words."""
    taken = outlet_spans(text, outlets)
    words = _words(text)
    for i, m in enumerate(words):
        if m.group().lower() not in ("the", "a", "an") or any(a <= m.start() < b for a, b, _ in taken):
            continue
        phrase = [m.group()]
        capital = False
        for w in words[i + 1 : i + 1 + NP_MAX_WORDS]:
            low = w.group().lower()
            verb = low.endswith(("ing", "ed")) and len(phrase) > 1
            if low in _NP_STOP or verb or (capital and w.group()[:1].islower()):
                break
            capital = capital or w.group()[:1].isupper()
            phrase.append(w.group())
        np_text = " ".join(phrase)
        if len(phrase) > 1 and np_text.lower() not in skip.lower():
            return np_text
    return ""


def _plurals(text: str) -> list[str]:
    return [w.group() for w in _words(text) if _PLURAL.match(w.group()) and w.group() not in _NOT_CONTENT]


def _group(turn: Turn) -> str:
    """The plural a turn is about: one it substituted, else one it asked about, else its answer's lead."""
    asked = turn.searched or turn.question
    own = set(_plurals(turn.question))
    added = [w for w in _plurals(asked) if w not in own]
    if added or own:
        return (added or _plurals(turn.question))[0]
    words = turn.answer.split()
    for i, w in enumerate(words[:4]):
        if _PLURAL.match(w):
            return " ".join(words[: i + 1])
    return ""


def referents(history: Sequence[Turn], outlets: Sequence[str] = ()) -> Referents:
    """What the conversation so far offers a follow-up: person, topic, answer, previous question.

    Turns that asked about the conversation itself ("Which outlet said that?") are passed over.
    """
    turns = real_turns(history)
    group = topic = ""
    for turn in reversed(turns):
        if not topic:
            topic = _noun_phrase(turn.searched or turn.question, outlets, skip=turn.answer if turn.answer else "\0")
        group = group or _group(turn)
        if topic and group:
            break
    last = turns[-1] if turns else Turn("")
    return Referents(subject(turns, outlets), group, topic, last.answer, last.searched or last.question)


def needs_context(question: str) -> bool:
    """True when the question leans on an earlier turn (pronoun, leading "and", "what about", bare wh-word)."""
    if _LEAD.match(question) or _ABOUT.match(question) or _BARE.match(question):
        return True
    return bool(_pronouns(question))


_AUX = ("did", "does", "do", "is", "was", "are", "were", "can", "could", "will", "would", "should", "must", "has",
        "have", "had", "may", "might")
_NP_BEFORE = re.compile(r"\b(?:the|a|an|most|many|some|all|both|each|every)\s+\w|\w['’]s\s+\w"
                        r"|\b(?:who|someone|somebody|anyone|everyone|people)\b"
                        r"|\b(?:which|what|whose)\s+(?!(?:" + "|".join(_AUX) + r")\b)[a-z]\w+", re.IGNORECASE)
_NOT_CONTENT = {*WH, *_AUX, *_NP_STOP, *PERSON, *GROUP, *THING, *DEMONSTRATIVE, "not", "also", "so", "many", "much",
                "long", "far", "often", "old", "ago", "the", "a", "an"}
SUBJECTS = ("he", "she", "it", "they")
SUBJECT_WITHIN = 5  # a pronoun right after an auxiliary this early is the subject of the question


def _antecedent(question: str, m: re.Match[str], position: int) -> bool:
    """True when the words before a pronoun hold what it points at ("Kyiv's military say **it**").

    A pronoun right after an early auxiliary ("When did **he** sign…", "What must **they** meet?")
    is the subject of the question and points outside it, and so does an object pronoun right after
    "Who <verb>" ("Who appointed **him**?": that would be "himself"); otherwise a noun phrase, a name,
    "who", or two content words before it are taken to hold its antecedent.
    """
    before = question[:m.start()]
    prev = _words(before)
    low = m.group().lower()
    if low in SUBJECTS and prev and prev[-1].group().lower() in _AUX and position <= SUBJECT_WITHIN:
        return False
    if low in ("him", "them") and re.fullmatch(r"(?i)\s*(?:and\s+)?who\s+\w+\s*", before):
        return False
    content = [w for w in prev if w.group().lower() not in _NOT_CONTENT]
    return len(content) >= 2 or bool(_NP_BEFORE.search(before)) or bool(_names(before, ()))


def _pronouns(question: str) -> list[re.Match[str]]:
    """The pronouns of a question that point outside it (to an earlier turn)."""
    dummy = [m.span() for m in _DUMMY_IT.finditer(question)]
    found = []
    words = _words(question)
    for i, m in enumerate(words):
        low = m.group().lower()
        if any(a <= m.start() < b for a, b in dummy):
            continue
        if low in PERSON or low in GROUP or low in THING:
            if not _antecedent(question, m, i):
                found.append(m)
        elif low in DEMONSTRATIVE:
            after = question[m.end():].lstrip()
            nxt = words[i + 1].group().lower() if i + 1 < len(words) else ""
            if not after or after[0] in "?.!" or (i == 0 and nxt in _AUX):
                found.append(m)
    return found


def _substitute(question: str, ref: Referents) -> str:
    out, last = [], 0
    pronouns = _pronouns(question)
    has_person = any(p.group().lower() in PERSON for p in pronouns)
    for m in pronouns:
        low = m.group().lower()
        if low in PERSON:
            target, suffix = ref.person or (ref.answer if _is_name(ref.answer) else ""), PERSON[low]
        elif low in GROUP:
            last_word = ref.answer.split()[-1] if ref.answer else ""
            plural = ref.answer if _PLURAL.match(last_word) and not _is_name(ref.answer) else ref.group
            target, suffix = plural or ref.topic or ref.person, GROUP[low]
        else:
            target, suffix = ref.topic or ref.answer, THING.get(low, "")
            if target == ref.person and has_person:
                target = ""  # "When did he say it?": "it" is not the person "he" is
        if not target:
            continue
        if low == "her" and not re.match(r"\s*[?.!,]|\s*$", question[m.end():]):
            suffix = "'s" if re.match(r"\s+[a-z]", question[m.end():]) and not re.match(
                r"\s+(?:to|in|on|at|for|with|by|about|from|as)\b", question[m.end():]) else ""
        out.append(question[last:m.start()])
        out.append(target + suffix if not (m.start() == 0 or question[:m.start()].rstrip().endswith(("?", ".")))
                   else (target[:1].upper() + target[1:]) + suffix)
        last = m.end()
    out.append(question[last:])
    return "".join(out)


def _ask(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().rstrip("?.! ")
    return (text[:1].upper() + text[1:] + "?") if text else text


def _with_outlet(previous: str, outlet_text: str, outlets: Sequence[str]) -> str:
    """The previous question about ``outlet_text`` instead of the outlets it named (or with it added)."""
    spans = outlet_spans(previous, outlets)
    if not spans:
        return _ask(f"{previous.rstrip('?.! ')}, according to {outlet_text}")
    parts, last = [], 0
    for n, (a, b, _) in enumerate(spans):  # the first outlet named becomes the new one, the others go
        parts += [previous[last:a], outlet_text if n == 0 else ""]
        last = b
    return _ask("".join(parts) + previous[last:])


def resolve_followup(question: str, history: Sequence[Turn], outlets: Sequence[str] = ()) -> str:
    """The question to search: the question itself, or its stand-alone form given the conversation.

    Args:
        question: The new question (already validated).
        history: Earlier turns, oldest first (the latest ``HISTORY_TURNS`` are used).
        outlets: Outlet names of the index ("what about Newsweek?" switches outlet).

    Returns:
        ``question`` unchanged when it stands alone or there is no history, else the rewritten question
        ("Does Newsweek say so too?": the previous question, within Newsweek).
    """
    who = says_so_too(question) if history else None  # "Does Newsweek say so too?"
    if not history or not (needs_context(question) or asks_source(question) or (who and outlet_spans(who, outlets))):
        return question
    ref = referents(list(history)[-HISTORY_TURNS:], outlets)
    if asks_source(question):  # "Which outlet said that?" with no stored answer to restate: search it again
        return ref.previous or question
    if who and outlet_spans(who, outlets):
        return _with_outlet(ref.previous, who, outlets)
    about = _ABOUT.match(question) or _AND_X.match(question)
    if about and not _pronouns(about["x"]):
        x = about["x"].strip()
        if outlet_spans(x, outlets):
            return _with_outlet(ref.previous, x, outlets)
        if ref.topic and ref.topic in ref.previous and re.match(r"(?i)(?:the|a|an)\s", x):
            return _ask(ref.previous.replace(ref.topic, x, 1))  # "what about the law?": same question, new topic
        return _ask(f"{ref.previous.rstrip('?.! ')}, and what about {x}")
    bare = _BARE.match(question)
    if bare:  # "Why?": about the claim the previous question and its answer make
        return claim_question(bare["wh"], ref.previous, ref.answer) if ref.previous else question
    lead = _LEAD.match(question)
    body = question[lead.end():] if lead else question
    resolved = _substitute(body, ref)
    if resolved == body and lead:  # "And how long is the contract?": for whom the conversation is about
        link, context = ("for", ref.group) if ref.group else ("about", ref.topic or ref.person)
        if context and context.lower() not in body.lower():
            return _ask(f"{body.rstrip('?.! ')} {link} {context}")
    return _ask(resolved) if resolved != question else question
