"""Chat Markdown for what each outlet says: positions when outlets differ, silences, differences.

:mod:`ui.render` hands in its escaping and its per-article quote block, so the two stay one style and
this module needs nothing else of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qa import Answer, Quote

__all__ = ["also_retrieved_lines", "differences_lines", "outlets_differ_line", "position_lines", "silent_lines"]

Escape = Callable[[object], str]
QuoteBlock = Callable[[str, Sequence[Quote]], list[str]]


def outlets_differ_line(answer: Answer, md: Escape) -> str:
    """"Outlets differ: 120 (Daily Ledger, Metro Post) · 140 (City Wire)" ("" when they do not)."""
    if not answer.disagreement or not answer.positions:
        return ""
    listed = " · ".join(f"**{md(p.answer)}** ({', '.join(md(o) for o in p.outlets)})" for p in answer.positions)
    return f"**Outlets differ:** {listed}"


def position_lines(answer: Answer, md: Escape, block: QuoteBlock) -> list[str]:
    """Each position under its answer, each outlet's own quote(s) beneath it."""
    lines: list[str] = []
    for p in answer.positions:
        lines += ["", f"#### {md(p.answer)} — {', '.join(md(o) for o in p.outlets)}"]
        for outlet in p.outlets:
            lines += block(outlet, [q for q in p.quotes if q.outlet == outlet])
    return lines


def silent_lines(answer: Answer, md: Escape) -> list[str]:
    """The outlets asked about that say nothing on it."""
    if not answer.silent:
        return []
    return ["", "*Says nothing on this:* " + ", ".join(md(o) for o in answer.silent)]


def differences_lines(answer: Answer, md: Escape, block: QuoteBlock) -> list[str]:
    """"Where outlets differ": each claim with its differing values and every outlet's quote."""
    n = len(answer.differences)
    lines = [f"**Where outlets differ: {n} claim{'s' * (n != 1)}**"]
    for d in answer.differences:
        values = " · ".join(f"**{md(v)}** ({md(q.outlet)})" for v, q in zip(d.values, d.quotes, strict=True))
        lines += ["", f"#### Different {md(d.kind)}s: {values}"]
        for q in d.quotes:
            lines += block(q.outlet, [q])
    return lines


def also_retrieved_lines(related: Sequence[tuple[str, int]], supporting: set[str], md: Escape,
                         verdict: bool = False) -> list[str]:
    """"Also retrieved, without a passage that states this": outlets read whose passages hold no answer.

    Args:
        related: ``(outlet, card number)`` of the passages read but not quoted as an answer.
        supporting: Outlets quoted as answering (they are not listed).
        md: The chat's escaping.
        verdict: A yes/no question (:attr:`qa.Answer.verdict`): no span answers it, so the other outlets are
            only "Also retrieved", never said to lack the answer.
    """
    others: dict[str, list[int]] = {}
    for outlet, number in related:
        if outlet not in supporting:
            others.setdefault(outlet, []).append(number)
    if not others:
        return []
    listed = "; ".join(f"{md(o)} " + " ".join(f"\\[{n}\\]" for n in ns) for o, ns in others.items())
    label = "Also retrieved" if verdict else "Also retrieved, without a passage that states this"
    return ["", f"*{label}:* {listed}"]
