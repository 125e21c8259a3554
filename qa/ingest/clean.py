"""Remove page furniture from raw article scrapes, keeping the body and marking captions.

A scrape copied from a news page carries navigation ("News Feed", "2 min read"), bylines,
author bios, teasers of other stories and photo captions around the body. :func:`clean_scrape`
keeps the body paragraphs, sets captions apart and returns the first headline it saw.
Rules are generic (shapes of lines), never tied to one outlet's text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from qa.ingest.wire import IMAGE_CREDIT, is_related_marker, is_wire_furniture, strip_dateline

# Lines that are page furniture wherever they appear.
_FURNITURE = re.compile(
    r"""^(?:
        news\ feed | video | avatar | article\ image | read\ more | show\ more | show\ less
      | advertisement | share | share\ this\ article | subscribe | sign\ up | listen
      | \d+\s*min(?:ute)?s?\ read
      | .{1,60}'s\ photo
      | (?:🎙️\s*)?voice\ is\ ai-generated.*
      | update\ .{0,40}:\ this\ article\ was\ updated.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines after which nothing belongs to the article (bios, related stories).
_TAIL_MARKER = re.compile(
    r"^(?:about\ the\ (?:writer|author)|article\ image|avatar|read\ more|show\ more"
    r"|related(?:\ articles|\ stories)?|more\ from\ .{1,40}|recommended(?:\ for\ you)?)$",
    re.IGNORECASE | re.VERBOSE,
)
# "by Tyler Durden", "By A. Writer, BBC News", "By Jane Roe | Reuters": the name, then maybe a role or outlet.
_BYLINE = re.compile(r"^(?i:by)\s+(?P<name>[A-Z][\w.'\- ]{1,60}?)(?:\s*(?:,|\||\s[-–—])\s*[^.!?]{1,60})?$")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATELINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:\s*[-–,]?\s*\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?)?$",
    re.IGNORECASE,
)
# Photo credits that end a caption: "(Scott Peterson/Getty Images)", "AFP via Getty Images/NAME",
# ", via WSJ".
_CREDIT = re.compile(
    r"(?:\([^()]*(?:getty|afp|reuters|ap photo|shutterstock|images|photo)[^()]*\)\s*$"
    r"|(?:getty images|afp|reuters|ap photo|shutterstock)(?:/[^.]*)?\s*$"
    r"|,\s+via\s+[A-Z][\w.&' ]{0,30}$)"
    r"|" + IMAGE_CREDIT.pattern,
    re.IGNORECASE,
)
_TERMINAL = ('.', '!', '?', '"', '”', "'", '’', ':', ';', '…', ')')


class CleanedText(NamedTuple):
    """Result of :func:`clean_scrape`."""

    title: str
    paragraphs: list[str]
    captions: list[str]
    author: str = ""


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (including newlines) into single spaces and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()


def is_furniture(line: str) -> bool:
    """True for a line that is navigation or page chrome (:mod:`qa.ingest.wire` too), never article text."""
    return bool(_FURNITURE.match(line.strip())) or is_wire_furniture(line)


def _is_headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 25 and not line.rstrip().endswith(_TERMINAL)


def _is_caption(line: str) -> bool:
    return bool(_CREDIT.search(line))


def _is_body(line: str) -> bool:
    return len(line.split()) >= 8 and line.rstrip().endswith(_TERMINAL) and not _is_caption(line)


def split_blocks(text: str) -> list[str]:
    """Split raw text into paragraph units.

    Blocks are separated by blank lines. Inside a block, lines are kept apart (scrapes put one
    paragraph per line) unless most line breaks fall mid-sentence (hard-wrapped text), in which
    case the block's lines are joined.
    """
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        breaks = len(lines) - 1
        wrapped = sum(1 for ln in lines[1:] if ln[:1].islower())
        if breaks and wrapped * 2 > breaks:
            units.append(normalize_space(" ".join(lines)))
        else:
            units.extend(normalize_space(ln) for ln in lines)
    return units


def clean_scrape(text: str, title: str = "") -> CleanedText:
    """Clean a raw page scrape into title, body paragraphs and captions.

    Args:
        text: The raw text as copied from the page.
        title: The headline if known; otherwise the first headline-like line is used.

    Returns:
        The title, the body paragraphs in order (a wire dateline dropped), the photo captions and the
        author of a byline line ("By A. Writer, BBC News" → "A. Writer"; "" when there is none).
    """
    units = split_blocks(text)
    # Everything from the first tail marker on is bios and teasers of other stories.
    for i, unit in enumerate(units):
        if _TAIL_MARKER.match(unit) and any(_is_body(u) for u in units[:i]):
            units = units[:i]
            break
    units = [u for u in units if not is_furniture(u)]
    # A teaser of another story just before the tail: a truncated summary and its headline.
    while units and (units[-1].endswith(("…", "...")) and not _is_body_end(units[-1])):
        units.pop()
        if units and _is_headline(units[-1]):
            units.pop()
    first_body = next((i for i, u in enumerate(units) if _is_body(u)), len(units))
    paragraphs: list[str] = []
    captions: list[str] = []
    author = next((m.group("name").strip() for u in units if (m := _BYLINE.match(u))), "")
    for i, unit in enumerate(units):
        if _is_caption(unit):
            captions.append(unit)
            # The short alt-text line that often precedes a caption belongs to it.
            if paragraphs and i > first_body and _is_headline(paragraphs[-1]) and len(
                paragraphs[-1].split()
            ) <= 8:
                captions.insert(len(captions) - 1, paragraphs.pop())
            continue
        if i < first_body:
            if not title and _is_headline(unit) and not _BYLINE.match(unit):
                title = unit
            continue
        if _BYLINE.match(unit) or _DATELINE.match(unit) or unit == title:
            continue
        paragraphs.append(strip_dateline(unit))
    return CleanedText(title=title, paragraphs=paragraphs, captions=captions, author=author)


def _is_body_end(unit: str) -> bool:
    """A paragraph ending in an ellipsis that is still a full body paragraph, not a cut teaser.

    Teasers are cut mid-word or mid-phrase by the page ("...that took p…"); a body paragraph
    that trails off does so after a complete word and reads as a sentence.
    """
    stem = unit.rstrip("….").rstrip()
    last = stem.split()[-1] if stem.split() else ""
    return len(unit.split()) >= 6 and len(last) > 2 and not unit.lstrip().startswith(("TOP ", "*"))


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    """Light cleaning for text that is already an article body: whitespace, furniture lines, wire datelines.

    A "Related" line is dropped with the headline of the other story that follows it.
    """
    out = []
    teaser = False
    for p in paragraphs:
        p = strip_dateline(normalize_space(p))
        if teaser and _is_headline(p):
            teaser = False
            continue
        teaser = is_related_marker(p)
        if p and not is_furniture(p):
            out.append(p)
    return out
