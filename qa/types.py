"""Typed data passed between the stages: articles, passages, quotes, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, NamedTuple


class Span(NamedTuple):
    """A half-open character range ``[start, end)`` of a text."""

    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """One news article: metadata plus its body paragraphs (already cleaned).

    Attributes:
        title: Headline.
        outlet: Publication that printed it (required).
        body: Paragraphs of the article body, in order.
        author: Byline, may be empty.
        published: ISO date (``YYYY-MM-DD``) or datetime string, may be empty.
        url: Canonical address, may be empty.
        captions: Photo captions kept apart from the body (never indexed as body text).
        extra: Any further front-matter fields, kept verbatim.
    """

    title: str
    outlet: str
    body: tuple[str, ...]
    author: str = ""
    published: str = ""
    url: str = ""
    captions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Passage:
    """A paragraph of an indexed article, as returned by retrieval.

    Attributes:
        id: Stable 64-bit id derived from article id and paragraph content.
        article_id: Id of the article (its corpus file stem).
        outlet: Publication name.
        title: Article headline.
        url: Article address, may be empty.
        published: Publication date string, may be empty.
        paragraph: Index of the paragraph within the article, 0-based (the first paragraph is 0);
            the faces show it 1-based ("paragraph 1").
        text: The paragraph text, verbatim.
        score: Retrieval score (higher is better; comparable within one query only).
        author: The article's byline, may be empty.
    """

    id: int
    article_id: str
    outlet: str
    title: str
    url: str
    published: str
    paragraph: int
    text: str
    score: float = 0.0
    author: str = ""


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a passage that answers the question.

    ``quote.passage.text[quote.start:quote.end] == quote.text`` always holds.

    Attributes:
        text: The quoted words, verbatim.
        start: Character offset of the quote in ``passage.text``.
        end: End offset (exclusive) in ``passage.text``.
        score: Confidence that this quote answers the question (0..1, higher is better).
        passage: The passage the quote comes from.
        answer_start: Offset in ``passage.text`` of a short answer inside the quote, or -1.
        answer_end: End of that short answer, or -1.
    """

    text: str
    start: int
    end: int
    score: float
    passage: Passage
    answer_start: int = -1
    answer_end: int = -1

    def __post_init__(self) -> None:
        if self.passage.text[self.start : self.end] != self.text:
            raise ValueError("quote is not a verbatim slice of its passage")
        if self.answer_start >= 0 and not (self.start <= self.answer_start < self.answer_end <= self.end):
            raise ValueError("answer span must lie inside the quote")

    @property
    def outlet(self) -> str:
        """The outlet that printed the quote."""
        return self.passage.outlet

    @property
    def answer_text(self) -> str:
        """The short answer inside the quote, or an empty string."""
        if self.answer_start < 0:
            return ""
        return self.passage.text[self.answer_start : self.answer_end]

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict (JSON) form: the quote, its offsets and short answer, outlet and passage."""
        return {"text": self.text, "start": self.start, "end": self.end, "score": self.score,
                "outlet": self.outlet, "answer_text": self.answer_text or None, "answer_start": self.answer_start,
                "answer_end": self.answer_end, "passage": asdict(self.passage)}


@dataclass(frozen=True)
class OutletQuotes:
    """The quotes one outlet contributes to an answer (for corroboration)."""

    outlet: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Position:
    """One distinct answer to the question and the outlets that give it, each in its own words.

    Attributes:
        answer: The short answer as shown (the most confident outlet's wording).
        outlets: The outlets that give this answer, most confident first.
        quotes: Each outlet's own verbatim quote(s); every quote marks the answer inside it
            (``answer_start``/``answer_end``).
    """

    answer: str
    outlets: tuple[str, ...]
    quotes: tuple[Quote, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict (JSON) form."""
        return {"answer": self.answer, "outlets": list(self.outlets), "quotes": [q.to_dict() for q in self.quotes]}


@dataclass(frozen=True)
class Difference:
    """A claim several outlets print about the same story with different numbers, dates or names.

    Attributes:
        kind: What differs: ``"number"``, ``"date"`` or ``"name"``.
        values: The differing values, one per quote, as printed.
        quotes: One verbatim quote per outlet (a whole sentence), aligned on the same claim.
        similarity: How alike the aligned sentences are apart from the values (cosine, 0..1).
    """

    kind: str
    values: tuple[str, ...]
    quotes: tuple[Quote, ...]
    similarity: float

    @property
    def outlets(self) -> tuple[str, ...]:
        """The outlets of the quotes, in order."""
        return tuple(q.outlet for q in self.quotes)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict (JSON) form."""
        return {"kind": self.kind, "values": list(self.values), "outlets": list(self.outlets),
                "similarity": self.similarity, "quotes": [q.to_dict() for q in self.quotes]}


@dataclass(frozen=True)
class ArticleFact:
    """A fact about an article taken from its metadata, not from its text (never a quote).

    Attributes:
        field: Which field: ``"author"``, ``"published"`` or ``"outlet"``.
        value: The field's value, e.g. ``"Ellie Cook"``.
        passage: A passage of the article (its outlet, title, url, date and author).
    """

    field: str
    value: str
    passage: Passage

    LABELS: ClassVar[dict[str, str]] = {"author": "Author", "published": "Published", "outlet": "Outlet"}

    @property
    def label(self) -> str:
        """The field's name for people: "Author", "Published", "Outlet"."""
        return self.LABELS.get(self.field, self.field.capitalize())

    def describe(self) -> str:
        """One line for a terminal: ``Author (article metadata): Ellie Cook — Newsweek, “Title”, 2024-02-21``."""
        p = self.passage
        return (f"{self.label} (article metadata, not a quote): {self.value} — {p.outlet}, “{p.title}”"
                + (f", {p.published}" if p.published else ""))

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict (JSON) form, labelled ``"source": "metadata"``."""
        p = self.passage
        return {"field": self.field, "value": self.value, "source": "metadata", "article_id": p.article_id,
                "outlet": p.outlet, "title": p.title, "url": p.url, "published": p.published, "author": p.author}


@dataclass(frozen=True)
class Answer:
    """The result of :func:`qa.answer`.

    Attributes:
        question: The question as asked.
        quotes: Supporting quotes, the best first, then each outlet's best before any outlet's second (and so
            on). When ``abstained`` they are only the
            closest passages ("see also"), not an answer.
        abstained: True when nothing in the index answers the question.
        outlets: The answering quotes grouped by outlet, best outlet first (empty when abstained).
        n_articles: Number of articles in the index that was searched.
        passages: The retrieved passages the quotes were drawn from, in retrieval order.
        searched: What was searched: the question itself, or its stand-alone form when it was a
            follow-up resolved from the conversation (``qa.answer(..., history=...)``), misspelled
            words corrected against the index's vocabulary.
        positions: One :class:`Position` per distinct answer, the best-supported first: what each
            outlet says, each outlet's passages read on their own.
        disagreement: True when two positions give different answers to the same question.
        silent: Outlets asked about (named in the question, or ``outlets=``) that say nothing on it.
        differences: For "What do the outlets disagree about?": the claims outlets print differently.
        recalled: True when the answer restates the previous one ("Which outlet said that?"), with no
            new search.
        facts: For a question about an article's author, date or outlet ("Who wrote the Newsweek
            article?"), the answer from the article's metadata (:class:`ArticleFact`); empty otherwise.
        unindexed: Publications the question asks about ("a report by Reuters") that no indexed article is
            from and no quoted passage cites: what they printed cannot be quoted, so the answer abstains.
        verdict: True for a yes/no question ("Did A report X?", "Between A's report on X and B's on Y, was
            there a change ...?"): no span answers it, so the quotes are each outlet's own words on it and no
            retrieved outlet is said to lack the answer.
        tentative: True when the answer stands but its best quote's confidence is low (under the reader's
            ``hedge_below``): the closest the index comes, which may not answer the question (:func:`qa.hedge`).
        compared: True for "Do the outlets agree on X?" or "Where do they differ?": :attr:`differences` holds
            what they print differently, maybe nothing (then it abstains, saying so: :data:`qa.NO_DIFFERENCE`).
    """

    question: str
    quotes: tuple[Quote, ...]
    abstained: bool
    outlets: tuple[OutletQuotes, ...] = ()
    n_articles: int = 0
    passages: tuple[Passage, ...] = ()
    searched: str = ""
    positions: tuple[Position, ...] = ()
    disagreement: bool = False
    silent: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()
    recalled: bool = False
    facts: tuple[ArticleFact, ...] = ()
    unindexed: tuple[str, ...] = ()
    verdict: bool = False
    tentative: bool = False
    compared: bool = False

    @property
    def rewritten(self) -> bool:
        """True when something other than the question was searched: its stand-alone form, spelling or claim."""
        return bool(self.searched) and self.searched != self.question

    @property
    def short_answer(self) -> Quote | None:
        """The best quote when it marks a short answer (``quote.answer_text``) and the answer stands."""
        top = self.quotes[0] if self.quotes and not self.abstained else None
        return top if top is not None and top.answer_start >= 0 else None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict (JSON) form, as ``qa ask --json`` prints it: question, abstention, the short answer
        (text, outlet, offsets in its passage; null when none is marked), quotes, outlets."""
        short = self.short_answer
        return {"question": self.question, "searched": self.searched or self.question,
                "abstained": self.abstained, "n_articles": self.n_articles,
                "answer_text": short.answer_text if short else None, "answer_outlet": short.outlet if short else None,
                "answer_passage_id": short.passage.id if short else None,
                "answer_start": short.answer_start if short else -1, "answer_end": short.answer_end if short else -1,
                "quotes": [q.to_dict() for q in self.quotes],
                "outlets": [{"outlet": g.outlet, "quotes": [q.text for q in g.quotes]} for g in self.outlets],
                "positions": [p.to_dict() for p in self.positions], "disagreement": self.disagreement,
                "silent": list(self.silent), "differences": [d.to_dict() for d in self.differences],
                "recalled": self.recalled, "unindexed": list(self.unindexed), "verdict": self.verdict,
                "tentative": self.tentative, "compared": self.compared, "metadata": [f.to_dict() for f in self.facts]}


@dataclass(frozen=True)
class IndexStats:
    """What a build or update did."""

    articles: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    path: str
