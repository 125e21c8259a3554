"""HTML and Markdown rendering of answers for the browser UI.

Every piece of article or question text goes through :func:`esc` (HTML) or :func:`md_text`
(chat Markdown: HTML-escaped, then Markdown punctuation backslash-escaped) before it is placed in
markup, so article text can never add elements, attributes or links. Links are only made from
``http``/``https`` addresses (:func:`safe_url`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from qa import NO_DIFFERENCE, Answer, Passage, Quote, hedge
from ui.cite import cite_html, quoted
from ui.facts import byline, facts_markdown, facts_note
from ui.palette import badge_hues
from ui.safe import esc, safe_url
from ui.stances import also_retrieved_lines, differences_lines, outlets_differ_line, position_lines, silent_lines

__all__ = ["answer_markdown", "empty_sources_html", "error_markdown", "esc", "highlight", "index_summary",
           "md_text", "plan_cards", "question_markdown", "safe_url", "sources_html", "status_html"]

# Markdown punctuation that can start emphasis, code, links, images, tables, math or escapes.
# '#', '&' and ';' are left alone: html.escape produces entities such as '&#x27;' that must survive
# (and '#' is harmless because rendered text never starts a line).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|~$])")
_SPACE = re.compile(r"\s+")
CHAT_EXCERPT = 180
CHAT_CLOSEST = 3  # closest passages listed in the chat on abstention (the panel shows them all)


def md_text(text: object) -> str:
    """Escape text for the chat's Markdown renderer: inert as HTML and as Markdown.

    Whitespace runs (newlines included) become one space, so text can never start a Markdown
    block (heading, list, quote, table) of its own.
    """
    flat = _SPACE.sub(" ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=True))


def outlet_hue(outlet: str) -> int:
    """The badge hue an outlet has on its own (its palette slot, :mod:`ui.palette`)."""
    return badge_hues([outlet])[outlet]


def highlight(text: str, quotes: Sequence[Quote], mark_class: str = "quote") -> str:
    """Escape ``text`` and wrap each quote's span ``text[start:end]`` in ``<mark>``.

    A quote's short answer (``answer_start >= 0``) is wrapped in ``<mark class="answer">`` inside
    its mark. Overlapping spans are skipped (the first, best quote wins).
    """
    spans = sorted(
        ((q.start, q.end, q.answer_start, q.answer_end, i) for i, q in enumerate(quotes)),
        key=lambda s: (s[0], s[4]),
    )
    out: list[str] = []
    pos = 0
    for start, end, a_start, a_end, _ in spans:
        if start < pos or not (0 <= start < end <= len(text)):
            continue
        out.append(esc(text[pos:start]))
        inner = esc(text[start:end])
        if 0 <= start <= a_start < a_end <= end:
            inner = (esc(text[start:a_start]) + '<mark class="answer"><b>' + esc(text[a_start:a_end])
                     + "</b></mark>" + esc(text[a_end:end]))
        out.append(f'<mark class="{esc(mark_class)}">{inner}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


@dataclass
class Card:
    """One source card: a passage with the quotes taken from it."""

    number: int
    passage: Passage
    kind: str  # "supporting" (answers), "related" (retrieved, weaker) or "closest" (abstained)
    quotes: list[Quote] = field(default_factory=list)


def _key(q: Quote) -> tuple[int, int, int]:
    return (q.passage.id, q.start, q.end)


def plan_cards(answer: Answer) -> list[Card]:
    """The cards of an answer, numbered: supporting passages first, then the other quotes."""
    supporting = [] if answer.abstained else [
        *(q for oq in answer.outlets for q in oq.quotes), *(q for p in answer.positions for q in p.quotes),
        *(q for d in answer.differences for q in d.quotes)]
    sup_keys = {_key(q) for q in supporting}
    ordered = supporting + [q for q in answer.quotes if _key(q) not in sup_keys]
    cards: dict[int, Card] = {}
    for q in ordered:
        kind = "closest" if answer.abstained else ("supporting" if _key(q) in sup_keys else "related")
        card = cards.get(q.passage.id)
        if card is None:
            card = cards[q.passage.id] = Card(len(cards) + 1, q.passage, kind)
        if _key(q) not in {_key(c) for c in card.quotes}:
            card.quotes.append(q)
    return list(cards.values())


def _md_quote(q: Quote) -> str:
    """A quote for the chat: escaped, its short answer (if any) in bold inside a mark."""
    text = q.passage.text
    if q.answer_start >= 0:
        return (md_text(text[q.start:q.answer_start]) + '<mark class="answer"><b>' + md_text(q.answer_text)
                + "</b></mark>" + md_text(text[q.answer_end:q.end]))
    return md_text(q.text)


def _article_lines(outlet: str, quotes: Sequence[Quote], numbers: dict[tuple[int, int, int], int]) -> list[str]:
    """One header (outlet · title · date) for an article, then each of its quotes as a block quote."""
    p = quotes[0].passage
    date = f" · {md_text(p.published)}" if p.published else ""
    by = f" · {byline(p.author, md_text)}" if p.author else ""
    lines = ["", f"**{md_text(outlet)}** · *{md_text(p.title)}*{by}{date}"]
    for n, q in enumerate(quotes):
        lines += [">"] * (n > 0) + [f"> {_md_quote(q)} \\[{numbers[_key(q)]}\\]"]
    return lines


def _by_article(quotes: Sequence[Quote]) -> list[list[Quote]]:
    """Quotes grouped by article, in order of first appearance."""
    groups: dict[str, list[Quote]] = {}
    for q in quotes:
        groups.setdefault(q.passage.article_id, []).append(q)
    return list(groups.values())


def _excerpt(text: str, limit: int = CHAT_EXCERPT) -> str:
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def answer_markdown(answer: Answer, outlets: Sequence[str] | None = None) -> str:
    """The assistant's chat message for an answer (Markdown with escaped text).

    Answers list each outlet with its own verbatim quotes, one header per article; abstentions say
    so plainly and show the nearest passages only under "Closest passages".
    """
    cards = plan_cards(answer)
    scope = " (searched only " + ", ".join(md_text(o) for o in outlets) + ")" if outlets else ""
    lines = _abstention_lines(answer, cards, scope) if answer.abstained else _answer_lines(answer, cards, scope)
    if answer.facts:  # a question about the article's author, date or outlet: its metadata first
        lines = facts_markdown(answer, md_text) + ([facts_note(answer)] if answer.abstained else lines)
    return "\n".join(lines)


def _abstention_lines(answer: Answer, cards: Sequence[Card], scope: str) -> list[str]:
    lines = [f"**{NO_DIFFERENCE}**{scope}" if answer.compared else  # "Do the outlets agree on X?": they print alike
             f"**None of the {answer.n_articles:,} indexed articles answers this.**{scope}"]
    if answer.unindexed:  # the question asks what a publication printed that the index has no article from
        lines = [f"**No indexed article is from {md_text(' or '.join(answer.unindexed))}**, and none of the closest "
                 f"passages cites it: what it printed cannot be quoted.{scope}"]
    if answer.quotes:
        lines += ["", "#### Closest passages",
                  "*Nearest matches, shown for reference — they do not answer the question. "
                  "All of them are in the sources panel.*", ""]
        for card in cards[:CHAT_CLOSEST]:
            p = card.passage
            lines.append(f"- **{md_text(p.outlet)}** · *{md_text(p.title)}*: "
                         f"{md_text(quoted(_excerpt(p.text)))} \\[{card.number}\\]")
    return lines


def _answer_lines(answer: Answer, cards: Sequence[Card], scope: str) -> list[str]:
    numbers = {_key(q): c.number for c in cards for q in c.quotes}  # each quote's card number

    def block(outlet: str, quotes: Sequence[Quote]) -> list[str]:
        return [line for qs in _by_article(quotes) for line in _article_lines(outlet, qs, numbers)]

    if answer.differences:
        return differences_lines(answer, md_text, block)
    shown = [oq for oq in answer.outlets if oq.quotes]  # the count is the outlets shown with a quote
    lines = ["*From the previous answer:*", ""] if answer.recalled else []
    if answer.tentative:  # the answer stands, but its best quote is a weak match: say so before the quotes
        lines += [f'<span class="tentative">{md_text(hedge(answer))}</span>', ""]
    differ = outlets_differ_line(answer, md_text)
    if differ:  # outlets give different answers: say so first, each position with its outlets' own words
        lines += [differ, *position_lines(answer, md_text, block), *silent_lines(answer, md_text)]
        return lines + _also_retrieved(cards, {o for p in answer.positions for o in p.outlets})
    short = answer.short_answer
    if short is not None:
        lines += [f'<b class="short-answer">{md_text(short.answer_text)}</b> — *{md_text(short.outlet)}*', ""]
    lead = "Closest match from" if answer.tentative else "Reported by"  # a weak match is not said to report it
    lines.append(f"**{lead} {_plural(len(shown), 'outlet')}**{scope}")
    for oq in shown:
        lines += block(oq.outlet, oq.quotes)
    return lines + silent_lines(answer, md_text) + _also_retrieved(cards, {q.outlet for q in shown}, answer.verdict)


def _also_retrieved(cards: Sequence[Card], supporting: set[str], verdict: bool = False) -> list[str]:
    return also_retrieved_lines([(c.passage.outlet, c.number) for c in cards if c.kind == "related"], supporting,
                                md_text, verdict)


def searched_markdown(answer: Answer) -> str:
    """The line that says what was searched when a follow-up was resolved from the conversation ("" if not)."""
    return f"*Searched: {md_text(answer.searched)}*\n\n" if answer.rewritten else ""


def question_markdown(question: str, limit: int = 2000) -> str:
    """The user's chat message: the question, escaped (and shortened when huge)."""
    text = str(question)
    if len(text) > limit:
        text = text[:limit] + "…"
    return md_text(text) if text.strip() else "*(empty question)*"


def error_markdown(message: str) -> str:
    """A readable error for the chat (no traceback)."""
    return f"⚠️ **Could not answer:** {md_text(message)}"


def _card_html(card: Card, hues: dict[str, int] | None = None) -> str:
    p = card.passage
    outlet = esc(p.outlet)
    url = safe_url(p.url)
    title = esc(p.title or "(untitled)")
    if url:
        title = f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    date = f'<time class="published">{esc(p.published)}</time>' if p.published else ""
    if card.kind == "closest":
        body = esc(p.text)
        tag = '<span class="kind-tag">closest passage</span>'
    else:
        body = highlight(p.text, card.quotes, "quote" if card.kind == "supporting" else "quote related")
        tag = '<span class="kind-tag">also retrieved</span>' if card.kind == "related" else ""
    conf = max(q.score for q in card.quotes)
    hue = (hues or {}).get(p.outlet, outlet_hue(p.outlet))
    by = f'<span class="byline">by {esc(p.author)}</span>' if p.author.strip() else ""
    return (
        f'<article class="source-card {card.kind}" data-outlet="{outlet}" data-kind="{card.kind}" '
        f'data-number="{card.number}" data-passage-id="{int(p.id)}">'
        f'<header class="card-head"><span class="card-num">{card.number}</span>'
        f'<span class="outlet-badge" style="--badge-hue:{hue}">{outlet}</span>{by}'
        f"{date}{tag}</header>"
        f'<h4 class="card-title">{title}</h4>'
        f'<p class="passage">{body}</p>'
        + ("" if card.kind == "closest" else "".join(cite_html(q) for q in card.quotes)) +
        f'<footer class="card-foot"><span class="score" data-score="{conf:.4f}">'
        f"confidence {conf:.0%}</span> · <span class=\"retrieval\">retrieval {p.score:.3f}</span>"
        f" · paragraph {int(p.paragraph) + 1}</footer></article>"
    )


def sources_html(answer: Answer) -> str:
    """The sources panel for an answer: one card per passage a quote comes from."""
    cards = plan_cards(answer)
    hues = badge_hues(c.passage.outlet for c in cards)  # distinct colours for the outlets of one panel
    if answer.abstained:
        if not cards:
            return empty_sources_html("No passage matched this question.")
        return ('<div class="sources" data-state="abstained">'
                '<h3 class="sources-heading">Closest passages</h3>'
                '<p class="sources-note">Nothing in the index answers the question. These are the '
                "nearest passages, not an answer.</p>"
                + "".join(_card_html(c, hues) for c in cards) + "</div>")
    parts = ['<div class="sources" data-state="answered">',
             f'<h3 class="sources-heading">Sources ({sum(c.kind == "supporting" for c in cards)})</h3>']
    related = False
    for card in cards:
        if card.kind == "related" and not related:
            related = True
            parts.append('<h4 class="sources-subheading">Also retrieved (weaker matches)</h4>')
        parts.append(_card_html(card, hues))
    parts.append("</div>")
    return "".join(parts)


def empty_sources_html(message: str = "Sources for the latest answer appear here.") -> str:
    """The sources panel before any answer (or after an error)."""
    return f'<div class="sources" data-state="empty"><p class="sources-empty">{esc(message)}</p></div>'


def status_html(ok: bool, message: str) -> str:
    """The Add-article result line: escaped, classed ``add-status ok`` or ``add-status error``."""
    kind, icon = ("ok", "✓") if ok else ("error", "⚠")
    return f'<div class="add-status {kind}" role="status">{icon} {esc(message)}</div>'


def index_summary(n_articles: int, outlets: Sequence[tuple[str, int]]) -> str:
    """One Markdown line describing the index."""
    names = ", ".join(f"{md_text(o)} ({n})" for o, n in outlets[:12])
    more = f" and {len(outlets) - 12} more" if len(outlets) > 12 else ""
    return (f"**{_plural(n_articles, 'article')}** from {_plural(len(outlets), 'outlet')} indexed"
            + (f": {names}{more}" if names else ""))
