"""Publisher promotions that sit inside an article's text: sign-ups, appeals, events, follow lines, labels.

News pages interleave the story with calls to action: newsletter sign-ups and their privacy notices
("Sign up to Business Today …", "By signing up, you agree to the Terms of Use …"), appeals for money
("… we have a small favour to ask"), event and e-book promotions ("Register here for the LIVE event",
"Download our exclusive FREE eBook … Click here to register!"), "Follow <name> on Twitter." lines,
one-word teasers ("Read: <headline>") and the labels of share bars and topic lists ("Share this story",
"Reuse this content", "Explore more on these topics"). None of it is the story. The rules are shapes of
lines (a call to action, a label alone on its line), never one outlet's text; :mod:`qa.ingest.wire`
applies them with its own.
"""

from __future__ import annotations

import re

__all__ = ["PHOTO_CREDIT", "is_promo"]

PROMO_MAX_WORDS = 70  # a call to action is short; a story paragraph that merely mentions one is kept
_SOCIAL = r"(?:twitter|x|facebook|instagram|threads|bluesky|mastodon|linkedin|tiktok|youtube)"
_LINE = re.compile(
    r"""^(?:
        (?:sign\ up|subscribe)\ (?:to|for|now|here|today)\b.*              # newsletter sign-up
      | by\ (?:signing\ up|subscribing|clicking|registering)\b.{0,300}\b(?:agree|consent)\b.*
      | privacy\ notice:.*
      | (?:before|after)\ newsletter\ promotion
      | (?:…|\.\.\.)?\s*we\ have\ a\ small\ favou?r\ to\ ask\b.*             # appeal for money
      | (?:please\ )?(?:support|donate\ to|contribute\ to)\ (?:us|our|independent)\b[^.]{0,80}[.!]?
      | follow\ (?:us|[A-Z][\w.'’-]*(?:\ [A-Z][\w.'’-]*){0,3})\ on\ """ + _SOCIAL + r"""(?:\ (?:and|or)\ \w+)?\s*[.!]?
      | read(?:\ next)?:\s*\S.{0,150}                                     # "Read: <another story's headline>"
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_LABEL = re.compile(  # the label of a share bar, comments or a topic list, alone on its line
    r"^(?:share\ this\ (?:story|article)|share|reuse\ this\ content|explore\ more\ on\ these\ topics|related\ topics"
    r"|you\ may\ also\ like|most\ (?:viewed|popular|read)|suggested\ articles|write\ a\ comment|comments?"
    r"|discussion|advertisement|skip\ advert(?:isement)?|topics)\s*:?$", re.IGNORECASE | re.VERBOSE)
_REPORTED = re.compile(r"\b(?:said|says|told|according\ to|reported)\b", re.IGNORECASE)  # story text reports
# A call to action anywhere in a short line: "… Click here to register!", "Register here for the LIVE event."
_CALL = re.compile(
    r"\b(?:click\ here|register\ (?:here|now|today)|sign\ up\ (?:here|now|today)"
    r"|download\ (?:our|the|your)\ (?:exclusive\ )?(?:free\ )?[\w“”\"' ]{0,60}?e-?book"
    r"|(?:in|to)\ your\ inbox\b(?!\ (?:was|were|is|are|had|has)\b))",
    re.IGNORECASE | re.VERBOSE,
)
# "Photo by A / The Verge", "Photograph by A, Getty Images", "Photograph: A/PA", "Image: Apple" at a line's end
PHOTO_CREDIT = re.compile(r"(?:^|(?<=[.!?”\"]\s))(?:Photo(?:graph)?s?|Image|Illustration|Graphic)(?:\s+by\s+|:\s*)"
                          r"[^.()!?]{1,100}$")


def is_promo(line: str) -> bool:
    """True for a publisher's promotion or label line (see the module docstring), never for story text."""
    text = line.strip()
    if not text:
        return False
    if _LABEL.match(text):
        return True
    if _REPORTED.search(text):  # "Voters must register now, officials said": the story reports it
        return False
    if _LINE.match(text):
        return True
    return len(text.split()) <= PROMO_MAX_WORDS and bool(_CALL.search(text)) and _is_pitch(text)


def _is_pitch(text: str) -> bool:
    """A call to action reads as a pitch: capitals shouting, an imperative start, or an offer ("free", "event")."""
    letters = [c for c in text if c.isalpha()]
    shouting = letters and sum(c.isupper() for c in letters) > 0.6 * len(letters)
    pitch = re.search(r"(?i)\b(?:free|exclusive|newsletters?|webinar|event|subscribe|subscription|deals?)\b", text)
    return bool(shouting or pitch or re.match(r"(?i)(?:click|register|download|join|get)\b", text))
