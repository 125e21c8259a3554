"""Question -> routes: the outlets and publication dates it names, and what it asks of each.

"Between the TechCrunch report on Google's search deal published on October 31, 2023, and The
Verge's piece on ... " names two articles. Each *mention* of an outlet (or, when no outlet is
named, of a date) owns its *clause*: the words from it up to the next mention, or, when it is
named after its claim ("... was considered shocking according to Fortune, and is also ... as
reported by TechCrunch"), the claim before it. A date inside a clause narrows that mention to
articles published then; a clause that joins several claims ("..., and is also accused of ...")
becomes one mention per claim. Retrieval searches each mention within its outlet and dates, with the
whole question and with its clause, so every named source and claim is represented
(:mod:`qa.answering.retrieve`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from qa.answering.settings import DEFAULT_RETRIEVAL, RetrievalSettings
from qa.outlets import outlet_key

__all__ = ["Mention", "Route", "date_mentions", "outlet_aliases", "route"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_MONTH = "|".join(_MONTHS)
_DATE = re.compile(
    r"\b(?:(?P<rel>on|before|after|since|by|from|in|during|until)\s+)?(?:the\s+)?(?:"
    rf"(?P<mon>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MONTH}),?\s+(?P<year2>\d{{4}})"
    r"|(?P<iso>\d{4}-\d\d-\d\d)"
    rf"|(?P<mon3>{_MONTH}),?\s+(?P<year3>\d{{4}}))\b",
    re.IGNORECASE)
_CLAIM = re.compile(r",?\s+(?:while|whereas|but|in contrast to|compared to|and (?:also|is|has|was|are|were)"
                    r"|and (?:the|a|an)\s)\b|,\s+and\b|;\s*", re.IGNORECASE)
# An outlet named after its claim: "... according to", "... as reported by", "... as further noted by", "... in a"
_TRAILING = re.compile(r"(?:\baccording\s+to|\bas\s+per|(?:\bas\s+(?:\w+\s+)?)?\b(?:reported|noted|covered|mentioned"
                       r"|stated|highlighted"
                       r"|discussed|described|detailed|suggested|claimed|indicated|explained|revealed|announced"
                       r"|cited|observed|argued|posted|featured|outlined|emphasi[sz]ed|pointed\s+out|asserted"
                       r"|implied|alleged|documented|confirmed)(?:\s+\w+){0,3}?\s+(?:by|in|from)|\bsuch\s+as)"
                       r"(?:\s+(?:both|either|the|a|an))*\s*['\"“‘]?\s*$", re.IGNORECASE)
_JOINED = re.compile(r"['\"”’]?[\s,]*(?:and|or|as\s+well\s+as)?(?:\s+(?:by|in|the|both|either))*\s*['\"“‘]?\s*",
                     re.IGNORECASE)
_CLAIM_WORDS = re.compile(r"[^\W_]+")
_TRAILING_MIN_WORDS = 4  # "Which company, reported by X, ...": too short to be X's claim (X's claim follows)
_CONNECTIVES = re.compile(r"(?:[\s,;:'\"“”‘’]+(?:and|or|both|either|as|by|in|to|per|a|an|the|from|such|sources"
                          r"|article|articles|report|reports|piece|'s))*[\s,;:'\"“”‘’]*(?=[?.!]?$)", re.IGNORECASE)
_ROUTING_WORDS = re.compile(r"\b(?:as\s+)?(?:reported|published|written|posted)\s+(?:by|in|on)?\b"
                            r"|\baccording\s+to\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """One source the question points at.

    Attributes:
        outlet: The outlet named, or ``None`` for a date without an outlet.
        clause: The question's words about this source, outlet names and dates removed.
        window: Inclusive range of publication days (``date.toordinal()``) or ``None``.
    """

    outlet: str | None
    clause: str
    window: tuple[int, int] | None


@dataclass(frozen=True)
class Route:
    """What a question names: outlets in order, the question without them, and its mentions."""

    outlets: tuple[str, ...]
    text: str
    mentions: tuple[Mention, ...]


def outlet_aliases(outlet: str) -> set[str]:
    """Ways a question may name an outlet: its full name and the part before ' | ' or ' - '."""
    names = {outlet, re.split(r"\s+[|:–-]\s+", outlet)[0]}
    return {k for k in (outlet_key(n) for n in names) if len(k) >= 3}


def _alias_pattern(alias: str) -> re.Pattern[str]:
    words = alias.split()
    return re.compile(r"(?<![^\W_])(?:the\W+)?(" + r"\W+".join(map(re.escape, words)) + r")(?![^\W_])",
                      re.IGNORECASE)


def outlet_spans(question: str, outlets: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, outlet)`` of every outlet name in the question, in order.

    A name must be written as a name (its first letter capitalised, as outlets are), so "age group"
    does not name "The Age". When one outlet's match lies inside a longer match of another
    ("The Independent" inside "The Independent - Sports"), only the longer one counts.
    """
    norm_q = " " + outlet_key(question) + " "
    found: list[tuple[int, int, str]] = []
    for outlet in outlets:
        for alias in sorted(outlet_aliases(outlet), key=len, reverse=True):
            if " " + alias + " " not in norm_q:
                continue
            spans = [(m.start(), m.end()) for m in _alias_pattern(alias).finditer(question)
                     if not m.group(1)[0].isalpha() or m.group(1)[0].isupper()]
            if spans:
                found.extend((a, b, outlet) for a, b in spans)
                break
    return sorted(f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g[1] - g[0] > f[1] - f[0]
                                              for g in found))


def date_mentions(question: str, slack: int = DEFAULT_RETRIEVAL.date_slack_days
                  ) -> list[tuple[int, int, tuple[int, int]]]:
    """``(start, end, (first_day, last_day))`` of every calendar date the question names.

    "on October 31, 2023" is that day (give or take ``slack`` days), "before"/"until"/"by" a
    date is everything up to it, "after"/"since"/"from" everything from it, "in October 2023" that
    month. Days are ``date.toordinal()`` numbers.
    """
    found = []
    for m in _DATE.finditer(question):
        try:
            if m["iso"]:
                day = dt.date.fromisoformat(m["iso"])
            elif m["mon3"]:
                month, year = _MONTHS.index(m["mon3"].lower()) + 1, int(m["year3"])
                first = dt.date(year, month, 1)
                last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
                found.append((m.start(), m.end(), _relative(m["rel"], first.toordinal(), last.toordinal())))
                continue
            else:
                mon, d, y = (m["mon"], m["day"], m["year"]) if m["mon"] else (m["mon2"], m["day2"], m["year2"])
                day = dt.date(int(y), _MONTHS.index(mon.lower()) + 1, int(d))
        except ValueError:  # "February 30, 2023"
            continue
        o = day.toordinal()
        found.append((m.start(), m.end(), _relative(m["rel"], o - slack, o + slack)))
    return found


def _relative(rel: str | None, first: int, last: int) -> tuple[int, int]:
    rel = (rel or "").lower()
    if rel in ("before", "until", "by"):
        return 1, last
    if rel in ("after", "since", "from"):
        return first, dt.date.max.toordinal()
    return first, last


def _strip(text: str, spans: Sequence[tuple[int, int]]) -> str:
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    text = _ROUTING_WORDS.sub(" ", text)
    text = re.sub(r"'\s*'|\"\s*\"|\(\s*\)", " ", text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return re.sub(r"^[\W_]+|[\s,;:]+$", "", text) if any(ch.isalnum() for ch in text) else ""


def _owned(question: str, o_spans: Sequence[tuple[int, int, str]]
           ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """``(start, end, outlet)``: the words each outlet mention owns, and the spans of the attributions
    ("according to") that are part of no claim.

    An outlet named before its claim owns the words after it, up to the next mention's own words; one
    named after its claim ("... according to X", "... as reported by X") owns that claim: the words since
    the last claim boundary ("..., and is also ..."), or since the previous mention's when that one was
    also named after its claim. Outlets named together ("by both X and Y") own the same words; words after
    the last mention stay with it.
    """
    regions: list[list] = []  # [start, end, outlets, named after its claim]
    markers: list[tuple[int, int]] = []
    free = 0  # where the words no mention owns yet start (the last region always ends there)
    for a, b, outlet in o_spans:
        before = question[free:a]
        marker = _TRAILING.search(before)
        cut = max((m.start() for m in _CLAIM.finditer(question, free, free + marker.start())),
                  default=free) if marker else free
        if regions and _JOINED.fullmatch(before):  # "reported by both X and Y": the same words
            regions[-1][2].append(outlet)
        elif marker and len(_CLAIM_WORDS.findall(question[cut:free + marker.start()])) >= _TRAILING_MIN_WORDS:
            if regions and not regions[-1][3]:
                regions[-1][1] = cut  # earlier claims: the previous outlet's, named before them
            else:
                cut = free  # no earlier outlet claims them: this one's (as separate claims)
            regions.append([cut, b, [outlet], True])
            markers.append((free + marker.start(), a))
        elif regions and not regions[-1][3]:
            regions[-1][1] = a  # the previous outlet, named before its claim, owns the words up to this one
            regions.append([a, b, [outlet], False])
        else:
            regions.append([free, b, [outlet], False])
        free = regions[-1][1] = b
    if regions:
        regions[-1][1] = len(question)
    return [(start, end, outlet) for start, end, outlets, _ in regions for outlet in outlets], markers


def _claims(question: str, lo: int, hi: int, min_words: int) -> list[tuple[int, int]]:
    """Split ``question[lo:hi]`` before each joined claim (", and", "while", "and is also" ...).

    A piece under ``min_words`` words stays with the piece before it (the last one joins the
    previous), so "X and Y" in one noun phrase is not split.
    """
    cuts = [lo] + [m.start() for m in _CLAIM.finditer(question, lo, hi) if m.start() > lo] + [hi]
    pieces: list[list[int]] = []
    for a, b in pairwise(cuts):
        if pieces and len(question[pieces[-1][0]:pieces[-1][1]].split()) < min_words:
            pieces[-1][1] = b
        else:
            pieces.append([a, b])
    if len(pieces) > 1 and len(question[pieces[-1][0]:pieces[-1][1]].split()) < min_words:
        last = pieces.pop()
        pieces[-1][1] = last[1]
    return [(a, b) for a, b in pieces]


def route(question: str, outlets: Sequence[str], settings: RetrievalSettings = DEFAULT_RETRIEVAL) -> Route:
    """Analyse a question against the outlets of an index (see the module docstring).

    ``settings``: ``claim_min_words`` (joined claims) and ``date_slack_days`` (dates named).
    """
    o_spans = outlet_spans(question, outlets)
    d_spans = date_mentions(question, settings.date_slack_days)
    names = tuple(dict.fromkeys(o for _, _, o in o_spans))
    removed = [(a, b) for a, b, _ in o_spans] + [(a, b) for a, b, _ in d_spans]
    text = _strip(question, removed) if removed else question
    # Each outlet named owns its words (:func:`_owned`); a part naming several dates is split after each
    # date ("the report on X published on D1 and the warning on Y of D2"), and a part joining several
    # claims before each claim.
    regions, markers = _owned(question, o_spans)
    regions = regions or ([(0, len(question), None)] if d_spans else [])
    removed += markers  # "as reported by": not part of the claim
    mentions: list[Mention] = []
    for start, end, outlet in regions:
        dates = [(e, w) for s, e, w in d_spans if start <= s < end] or [(end, None)]
        cuts = [start] + [e for e, _ in dates[:-1]] + [end]
        pieces = [(lo, hi, window) for (a, b), (_, window) in zip(pairwise(cuts), dates, strict=True)
                  for lo, hi in _claims(question, a, b, settings.claim_min_words)]
        for lo, hi, window in pieces:
            inside = [(max(s, lo) - lo, min(e, hi) - lo) for s, e in removed if s < hi and e > lo]
            clause = _CONNECTIVES.sub("", _strip(question[lo:hi], inside))
            mention = Mention(outlet, clause, window)
            if mention not in mentions:
                mentions.append(mention)
    return Route(names, text or question, tuple(mentions))
