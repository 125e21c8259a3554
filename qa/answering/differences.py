"""Where the outlets differ: the same claim printed with different numbers, dates or names.

The sentences of several outlets' articles are aligned by meaning (their stored sentence vectors:
two sentences of different outlets whose cosine reaches ``align_min`` tell the same claim), aligned
sentences are joined into claims, and a claim is a difference when its outlets print different values
of one kind for it: numbers of the same unit ("120 applications" / "140 applications"), dates resolved
against each article's publication date, or proper names ("Norbuild" / "Castell Engineering").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa.answering.evidence import Evidence
from qa.answering.values import AnswerValue, answer_value, same_value
from qa.index.lexical import tokenize
from qa.outlets import outlet_key
from qa.types import Difference, Quote, Span

__all__ = ["DifferenceSettings", "find_differences", "values_in"]

_NUM_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
             r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
             r"hundred|thousand|million|billion)")
_NUMBER = re.compile(rf"(?<![\w.])(?:\d+(?:,\d{{3}})*(?:\.\d+)?|{_NUM_WORD}(?:[\s-]+(?:and\s+)?{_NUM_WORD})*)"
                     r"(?:\s+(?:thousand|million|billion))?(?:\s*%|\s+per\s*cent|\s+percent|\s+[a-z]+)?",
                     re.IGNORECASE)
_DATE = re.compile(r"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
                   r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?|"
                   r"\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*(?:\s+\d{4})?)\b")
_NAME = re.compile(r"(?<![.!?]\s)\b[A-Z][\w'’-]+(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’-]+)*")
_NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the", "a", "an",
              "he", "she", "they", "it", "we", "i", "in", "on", "at", "but", "and", "this", "that", "mr", "ms"}
_KINDS = ("number", "date", "name")


@dataclass(frozen=True)
class DifferenceSettings:
    """How sentences are aligned.

    Attributes:
        align_min: Cosine of two sentences of different outlets from which they tell the same claim.
        min_words: Shorter sentences are not aligned (too little to tell a claim by).
        most: Most differences returned.
        topic_min: With a topic, a difference is about it when one of its sentences holds half the topic's words
            or reaches this cosine with it ("the death toll": the storm's casualty counts 0.37, the shelter's
            applications 0.07; "the governor's emergency declaration": the casualty counts 0.29) ...
        topic_share: ... and at least this share of the best difference's cosine.
    """

    align_min: float = 0.55
    min_words: int = 5
    most: int = 20
    topic_min: float = 0.3
    topic_share: float = 0.5


@dataclass(frozen=True)
class _Sentence:
    evidence: Evidence
    span: Span
    outlet: str

    @property
    def text(self) -> str:
        return self.evidence.passage.text[self.span.start:self.span.end]


def values_in(text: str, kind: str, published: str = "") -> list[tuple[AnswerValue, Span]]:
    """The values of one kind (``"number"``, ``"date"`` or ``"name"``) a text prints, with their spans in it.

    Numbers may be words ("Fifteen people") and keep the word after them as their unit; a year is not a number;
    a date without a year, or a weekday, is resolved against ``published``.
    """
    out = []
    if kind == "number":
        for m in _NUMBER.finditer(text):
            v = answer_value(m.group(0), published)
            if v.kind == "number" and not re.fullmatch(r"(?:1[89]|20)\d\d", m.group(0).split()[0]):
                out.append((v, Span(m.start(), m.end())))
    elif kind == "date":
        for m in _DATE.finditer(text):
            v = answer_value(m.group(0), published)
            if v.kind == "date":
                out.append((v, Span(m.start(), m.end())))
    else:
        for m in _NAME.finditer(text):
            words, start = m.group(0).split(), m.start()
            if m.start() == 0 and len(words) == 1:
                continue  # a capitalised first word is no sign of a name
            while words and words[0].lower() in _NOT_NAMES:  # "The Kessel dam": the name is "Kessel"
                start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
                words = words[1:]
            if words:
                out.append((AnswerValue("name", " ".join(words).lower()), Span(start, m.end())))
    return out


def _values(s: _Sentence, kind: str) -> list[tuple[AnswerValue, Span]]:
    """The values of one kind in a sentence, with their spans in the passage."""
    base = s.span.start
    return [(v, Span(base + span.start, base + span.end))
            for v, span in values_in(s.text, kind, s.evidence.passage.published)]


def _differs(members: list[_Sentence], kind: str) -> list[tuple[_Sentence, AnswerValue, Span]] | None:
    """One value per member for ``kind`` when the members print different ones, else None.

    Values every member prints are shared context ("four counties" in each) and are passed over; a number
    counts only when another member prints a number of the same unit.
    """
    found = [(s, _values(s, kind)) for s in members]
    found = [(s, vs) for s, vs in found if vs]
    if len(found) < 2:
        return None
    picks = []
    for s, vs in found:
        others = [[v for v, _ in ws] for t, ws in found if t is not s]
        for v, span in vs:
            if all(any(same_value(v, o) for o in ws) for ws in others):
                continue  # everybody prints it
            if kind == "number" and v.unit and not any(o.unit in ("", v.unit) for ws in others for o in ws):
                continue
            picks.append((s, v, span))
            break
    if len(picks) < 2:
        return None
    first = picks[0][1]
    return picks if any(not same_value(first, v) for _, v, _ in picks[1:]) else None


def _claims(sentences: list[_Sentence], vectors: np.ndarray, settings: DifferenceSettings
            ) -> list[tuple[list[int], float]]:
    """Groups of aligned sentences (union of aligned pairs across outlets) with their mean similarity."""
    sims = vectors @ vectors.T
    parent = list(range(len(sentences)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ii, jj = np.nonzero(np.triu(sims, 1) >= settings.align_min)
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        if sentences[i].outlet != sentences[j].outlet:
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(sentences)):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        if len({sentences[i].outlet for i in members}) < 2:
            continue
        best: dict[str, int] = {}  # one sentence per outlet: the most central
        for i in sorted(members, key=lambda i: -float(sims[i, members].mean())):
            best.setdefault(sentences[i].outlet, i)
        chosen = list(best.values())
        pair = [float(sims[a, b]) for a in chosen for b in chosen if a < b]
        out.append((chosen, float(np.mean(pair)) if pair else 0.0))
    return out


def find_differences(evidence: Sequence[Evidence], settings: DifferenceSettings = DifferenceSettings(),
                     about: np.ndarray | None = None, about_words: frozenset[str] = frozenset()) -> list[Difference]:
    """The claims several outlets print with different numbers, dates or names, most alike first.

    Args:
        evidence: Passages of several outlets with their sentence spans and vectors.
        settings: Alignment threshold, shortest sentence, most differences, what is about a topic.
        about: The topic's unit vector, if one was asked: then only the differences about it, the closest to it
            first: one of its sentences holds half the topic's words (``about_words``, search tokens) or reaches
            ``topic_min`` cosine with it, and at least ``topic_share`` of the best difference's cosine.
        about_words: The topic's search tokens (:func:`qa.index.lexical.tokenize`).
    """
    sentences, vectors = [], []
    for ev in evidence:
        for span, vec in zip(ev.sentences, ev.sentence_vectors, strict=True):
            s = _Sentence(ev, Span(*span), outlet_key(ev.passage.outlet))
            if len(s.text.split()) >= settings.min_words:
                sentences.append(s)
                vectors.append(vec)
    if len({s.outlet for s in sentences}) < 2:
        return []
    matrix = np.asarray(vectors, dtype=np.float32)
    found: list[tuple[Difference, float, bool]] = []  # a difference, its topic cosine, shares a topic word
    for members, similarity in _claims(sentences, matrix, settings):
        group = [sentences[i] for i in members]
        for kind in _KINDS:
            picks = _differs(group, kind)
            if picks:
                quotes = tuple(Quote(text=s.text, start=s.span.start, end=s.span.end, score=round(similarity, 4),
                                     passage=s.evidence.passage, answer_start=span.start, answer_end=span.end)
                               for s, _, span in picks)
                topic = float((matrix[members] @ about).max()) if about is not None else 0.0
                said = bool(about_words) and any(2 * len(about_words & set(tokenize(s.text))) >= len(about_words)
                                                 for s in group)
                found.append((Difference(kind, tuple(q.answer_text for q in quotes), quotes, round(similarity, 4)),
                              topic, said))
                break
    if about is not None and found:
        share = settings.topic_share * max(t for _, t, _ in found)
        found = sorted(((d, t, w) for d, t, w in found if t >= share and (w or t >= settings.topic_min)),
                       key=lambda dtw: -dtw[1])
    else:
        found.sort(key=lambda dtw: -dtw[0].similarity)
    return [d for d, _, _ in found][:settings.most]
