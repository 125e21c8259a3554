"""Sources a question asks about that the index cannot quote: "an article from CNET", "a Reuters report".

A question that asks what a named publication printed can only be answered from that publication's
own articles, or from a passage that cites it. When the index holds no article from it and none of
the quoted passages names it, no quote can say what it printed: the answer abstains naming it
(:attr:`qa.types.Answer.unindexed`) instead of passing another outlet's words off as its answer.
Only phrasings that name a publication as the author of a text count ("an article by X", "reported
by X", "a Reuters report"); people and topics ("according to Zelensky", "a report on Google",
"Google's report") never do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.outlets import outlet_key
from qa.types import Answer, Passage

__all__ = ["source_mentions", "unindexed_sources", "withheld", "without_unindexed"]

_NAME = r"((?:[A-Z][\w&.'-]*|[0-9]+[A-Za-z][\w.-]*)(?:\s+(?:of\s+|&\s+)?[A-Z][\w&.'-]*)*)"
_TEXT = (r"(?:article|report|piece|story|stories|coverage|analysis|analyses|op-ed|editorial|column|feature|post|review"
         r"|reporting|publication)s?")
_PATTERNS = (
    # "an article by / from / in (the) X", "a piece published in X"
    re.compile(_TEXT + r"\s+(?:by|from|in|published\s+(?:by|in)|appearing\s+in)\s+(?:the\s+)?" + _NAME),
    # "reported by X", "published by X", "covered by X", "featured in X", "and another (one) by X"
    re.compile(r"\b(?:reported|published|covered|featured|presented|written|posted)\s+(?:by|in)\s+(?:the\s+)?" + _NAME),
    re.compile(r"\banother\s+(?:one\s+)?(?:by|from|in)\s+(?:the\s+)?" + _NAME),
    # "What did Reuters report / write / publish ...?"
    re.compile(r"\b(?:did|does|do|has|have|had)\s+(?:the\s+)?" + _NAME + r"\s+(?:report|write|publish)"),
    # "a TechCrunch article", "the Reuters report" (not "Google's report": that one is about Google)
    re.compile(r"\b(?:an?|the|one|another|both)\s+(?:recent\s+|separate\s+|later\s+|earlier\s+)?" + _NAME + r"\s+"
               + _TEXT + r"\b"),
)
_NOT_SOURCES = {"a", "an", "the", "this", "that", "these", "those", "both", "another", "one", "which", "what", "its",
                "his", "her", "their", "our", "my", "january", "february", "march", "april", "may", "june", "july",
                "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday",
                "thursday", "friday", "saturday", "sunday", "i", "it", "he", "she", "they", "we", "you"}
_QUOTED = re.compile(r"(?<!\w)'[^']+'(?!\w)|\"[^\"]+\"|\u201c[^\u201d]+\u201d|\u2018[^\u2019]+\u2019")


def source_mentions(question: str) -> list[str]:
    """The publications a question names as the authors of texts, in order (each once, as written)."""
    found: dict[str, None] = {}
    titles = [m.span() for m in _QUOTED.finditer(question)]  # "the 'Rookie of the Year Odds' article": a title
    for pattern in _PATTERNS:
        for m in pattern.finditer(question):
            if any(a < m.start(1) < b for a, b in titles):
                continue
            name = re.sub(r"^(?:The|THE)\s+", "", m.group(1).strip(" .,'"))
            if not name or name.split()[0].lower() in _NOT_SOURCES or name.endswith(("'s", "'")):
                continue
            found.setdefault(name)
    return list(found)


def _is_outlet(name: str, outlets: Sequence[str]) -> bool:
    key = outlet_key(name)
    return any(key == o or o.startswith(key + " ") or (len(key) >= 4 and (key in o or o in key))
               for o in (outlet_key(x) for x in outlets))


def _printed(name: str, texts: Sequence[str]) -> bool:
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)", re.IGNORECASE)
    return any(pattern.search(t) for t in texts)


def unindexed_sources(question: str, outlets: Sequence[str], quoted: Sequence[Passage]) -> tuple[str, ...]:
    """The publications the question asks about that no indexed article is from, nor any quoted passage cites.

    Args:
        question: The question (as searched).
        outlets: The indexed outlets' names.
        quoted: The passages the answer quotes (a passage that cites the publication may answer for it).
    """
    texts = [t for p in quoted for t in (p.text, p.title or "")]
    return tuple(name for name in source_mentions(question)
                 if not _is_outlet(name, outlets) and not _printed(name, texts))


def withheld(answer: Answer, **also: object) -> Answer:
    """``answer`` abstaining, its quotes kept as the closest passages: no outlet, position or disagreement is
    claimed, nor is it tentative (``also``: further fields to set, such as :attr:`Answer.unindexed`)."""
    return replace(answer, abstained=True, outlets=(), positions=(), disagreement=False, tentative=False, **also)


def without_unindexed(answer: Answer, searched: str, outlets: Sequence[str]) -> Answer:
    """``answer``, abstaining (its quotes kept as the closest passages) when the question asks what a publication
    printed that no indexed article is from and none of its answering quotes cites (:attr:`Answer.unindexed`)."""
    if answer.abstained:
        return answer
    quoted = [q.passage for g in answer.outlets for q in g.quotes] + [q.passage for p in answer.positions
                                                                       for q in p.quotes]
    missing = unindexed_sources(searched, outlets, quoted)
    if not missing:
        return answer
    return withheld(answer, unindexed=missing)
