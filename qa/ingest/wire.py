"""Furniture of wire copy and publisher pages that sits inside the article's own text.

Agency stories open with a dateline ("KYIV, Feb 24 (Reuters) -") and close with a credits trailer
("Reporting by …; Editing by …"); publishers add "Read more: …" teasers, "Related" lines, image credits
("(Credit: … / Grist)"), copyright lines ("© Thomson Reuters 2020") and, for science news, the
journal citation ("Nature 574, 16-17 (2019)"). None of it is the story, so none of it is indexed.
The rules are shapes of lines, never one outlet's text. :mod:`qa.ingest.clean` applies them.
"""

from __future__ import annotations

import re

from qa.ingest.promos import PHOTO_CREDIT, is_promo

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_AGENCY = r"(?:Reuters|AP|AFP|dpa|DPA|Bloomberg|UPI|ANI|PTI|IANS|Xinhua|TASS|EFE|ANSA|Kyodo|CNN|AAP|CP)"
# "KYIV, Feb 24 (Reuters) -", "WASHINGTON (AP) —", "NEW YORK/LONDON, March 3 (Reuters) -",
# "Feb 24 (Reuters) -", "(Reuters) -": the place in capitals, a date, the agency, a dash.
DATELINE = re.compile(
    rf"^(?:[A-Z][A-Z.'’\- /]{{1,40}}(?:,\s*[A-Z][A-Za-z.\- ]{{1,30}})?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+)?\({_AGENCY}(?:/[A-Za-z ]{{1,20}})?\)\s*[-–—]+\s*"
)
# A credits trailer: "Reporting by A; Additional reporting by B in Kyiv; Editing by C and D".
_ROLE = r"(?:(?:additional|further)\s+)?(?:reporting|writing|editing|compiled|research|graphics|produced|written)"
_CREDIT_PART = re.compile(rf"^(?:{_ROLE})(?:\s+(?:and|&)\s+{_ROLE})?\s+by\s+(.+)$", re.IGNORECASE)
_NAME_WORDS = {"and", "in", "from", "at", "de", "van", "von", "der", "da", "del", "la", "le", "bin", "al", "&"}
_FURNITURE = re.compile(
    r"""^(?:
        read\ (?:more|also):\s*\S.*                           # DW's teaser of another story
      | related(?::\s*\S.*)?                                  # "Related" and "Related: headline"
      | \(?\s*(?:photo\s+|image\s+)?credits?:\s*[^()]{1,150}\)?  # an image credit alone
      | (?:©|\(c\)|copyright\s+(?:©\s*)?(?:19|20)\d\d)\s*[^.]{0,80}(?:\.\s*all\ rights\ reserved\.?)?  # ©
      | doi:\s*10\.\S+
      | this\ document\ is\ subject\ to\ copyright\..*
      | citation:\ .{1,300}\ retrieved\ .{1,40}\ from\ https?://\S+
      | (?:more|journal)\ information:\s.{1,400}
      | provided\ by\ [^.]{1,80}\.?
      | -?\s*(?:date|published|updated|posted|last\ updated)\s*:?\s*\d{1,4}[./-]\d{1,2}[./-]\d{2,4}  # "Date 19.01.2020"
      | our\ standards:.{0,80}                                # Reuters' trust-principles line
      | this\ (?:story|article)\ (?:was\ )?(?:originally\ )?(?:published|appeared)\ (?:by|in|on)\ [^.]{1,60}\.
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A journal citation line: "Nature 574, 16-17 (2019)", "Science 366, 1234 (2019). doi: …".
_CITATION = re.compile(r"^[A-Z][\w.&' ]{0,60}\s\d{1,4},\s*[A-Za-z]?\d+(?:\s*[-–]\s*\d+)?\s*\((?:19|20)\d\d\)\.?"
                       r"(?:\s*doi:\s*\S+)?$")
# An image credit ending a line: "(Credit: A / Grist)", or "Photo by A / The Verge", "Photograph: A/PA".
IMAGE_CREDIT = re.compile(r"(?i:\(\s*(?:photo\s+|image\s+)?credits?:[^()]{1,150}\)\s*$)|" + PHOTO_CREDIT.pattern)


def strip_dateline(paragraph: str) -> str:
    """``paragraph`` without a wire dateline at its start ("KYIV, Feb 24 (Reuters) - Ukraine…" → "Ukraine…")."""
    match = DATELINE.match(paragraph)
    if not match or match.end() >= len(paragraph):
        return paragraph
    rest = paragraph[match.end():]
    return rest[:1].upper() + rest[1:]


def is_credits_trailer(line: str) -> bool:
    """True for "Reporting by …; Editing by …" (optionally in brackets): every part names people."""
    text = line.strip().strip("()").rstrip(".").strip()
    parts = [p.strip() for p in re.split(r"[;|]", text) if p.strip()]
    if not parts:
        return False
    for part in parts:
        match = _CREDIT_PART.match(part)
        if not match:
            return False
        words = match.group(1).replace(",", " ").split()
        if not words or len(words) > 14 or any(w[:1].islower() and w.lower() not in _NAME_WORDS for w in words):
            return False
    return True


def is_related_marker(line: str) -> bool:
    """True for a bare "Related" line, which the headline of another story follows."""
    return line.strip().rstrip(":").casefold() in ("related", "related stories", "related articles", "read also")


def is_wire_furniture(line: str) -> bool:
    """True for a line of wire or publisher furniture: credits trailer, teaser, credit, copyright, citation, or a
    publisher's promotion (:mod:`qa.ingest.promos`)."""
    text = line.strip()
    return bool(_FURNITURE.match(text) or _CITATION.match(text) or is_credits_trailer(text) or is_promo(text))
