"""What each outlet says, for a terminal: positions when outlets differ, silences, and ``qa differences``."""

from __future__ import annotations

import argparse
import json
import textwrap

import qa
from qa.cli.options import Command, add_dirs

__all__ = ["DIFFERENCES", "print_differences", "print_stances"]


def _quote(q: qa.Quote) -> None:
    p = q.passage
    opens = q.text[:1] in "\"“‘'"  # a quote that opens with the article's own quotation mark is not re-quoted
    print(f"\n  {q.text}" if opens else f"\n  “{q.text}”")
    print(textwrap.indent(f"— {p.outlet}, “{p.title}”" + (f", {p.published}" if p.published else "")
                          + (f"\n  {p.url}" if p.url else ""), "    "))


def print_stances(result: qa.Answer) -> bool:
    """When outlets differ, print "Outlets differ: …" and each position's quotes; True when it printed."""
    if result.differences or result.compared:
        print_differences(result.differences)
        return True
    if not result.disagreement:
        return False
    print("Outlets differ: " + " · ".join(f"{p.answer} ({', '.join(p.outlets)})" for p in result.positions))
    for p in result.positions:
        print(f"\n{p.answer} — {', '.join(p.outlets)}:")
        for q in p.quotes:
            _quote(q)
    return True


def print_differences(found: tuple[qa.Difference, ...] | list[qa.Difference]) -> None:
    """Each claim the outlets print differently, with every outlet's quote."""
    if not found:
        print(qa.NO_DIFFERENCE)
        return
    print(f"Where outlets differ: {len(found)} claim{'s' * (len(found) != 1)}")
    for d in found:
        print("\nDifferent " + d.kind + "s: " + " · ".join(f"{v} ({q.outlet})"
                                                       for v, q in zip(d.values, d.quotes, strict=True)))
        for q in d.quotes:
            _quote(q)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("topic", nargs="?", help="only passages about this (default: the whole index, if small)")
    add_dirs(p, corpus=False)
    p.add_argument("--outlet", action="append", metavar="NAME", help="only these outlets (repeatable)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _run(args: argparse.Namespace) -> int:
    found = qa.differences(args.topic, args.outlet or None, index=args.index)
    if args.json:
        print(json.dumps([d.to_dict() for d in found], ensure_ascii=False, indent=1))
    else:
        print_differences(found)
    return 0


DIFFERENCES = Command("differences", "where the outlets differ: claims printed with different numbers, dates, names",
                      "Align the sentences several outlets print about the same story and list the claims whose "
                      "numbers, dates or names differ, with every outlet's verbatim quote.", _arguments, _run)
