"""What kind of question this is, beyond "find the answer": questions about the outlets themselves.

- about the previous answer ("Which outlet said that?", "Who reported that?", "Where is that from?"):
  answered from the conversation, without a new search;
- which outlets print a claim ("Which outlet said the contract lasts three years?"): the claim is searched
  and each outlet's sentences stating it are the answer;
- a comparison of named outlets ("Compare how A and B describe X", "What does A say about X that B
  doesn't?"): each named outlet's own quotes on X, side by side;
- where outlets differ ("What do the outlets disagree about?", "Where do outlets differ on X?"):
  answered with :func:`qa.differences`.

Pure text rules on the question; nothing here reads the index.
"""

from __future__ import annotations

import re

__all__ = ["asks_source", "asks_what_is_said", "claim_asked", "disagreement_topic", "is_comparison", "is_yes_no",
           "says_so_too"]

_THAT = r"(?:that|this|it|so|these|those|them)"
_OUTLET_WORDS = r"(?:outlets?|sources?|papers?|newspapers?|publications?|sites?|websites?|media|articles?|reports?)"
_SAID = (r"(?:said|says|say|reported|reports|report|wrote|writes|write|published|publishes|printed|prints|"
         r"stated?|states|claimed|claims|claim|mentioned|mentions|mention)")
_SOURCE = re.compile(
    r"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:"
    rf"(?:which|what)\s+(?:news\s+)?{_OUTLET_WORDS}\s+{_SAID}\s+{_THAT}"
    rf"|who\s+(?:said|says|reported|reports|wrote|published|printed|claimed|claims)\s+{_THAT}"
    rf"|where\s+(?:is|was|does|did)\s+{_THAT}\s+(?:from|come\s+from|comes\s+from)"
    rf"|where\s+did\s+you\s+(?:get|find|read)\s+{_THAT}"
    r"|(?:what|which)(?:\s+(?:is|was|are|were)|'s|’s)\s+(?:the|your)\s+sources?"
    rf"|according\s+to\s+(?:whom|who|which\s+{_OUTLET_WORDS})"
    r"|sources?"
    r")\s*[?.!]*\s*$", re.IGNORECASE)
_COMPARE = re.compile(
    r"^\s*(?:please\s+)?(?:compare|contrast)\b"  # "Compare how A and B describe X"
    r"|\bhow\s+(?:do|does|did)\b.+\b(?:differ|compare|contrast)\b"  # "How do A and B differ on X?"
    r"|\b(?:differences?|contrast)\s+between\b"
    r"|^\s*what\b.+\bthat\s+\S+(?:\s+\S+){0,4}?\s+(?:does|do|did)\s*(?:n['’]t|\s+not)\b"  # "… that B doesn't?"
    r"|\b(?:side\s+by\s+side|versus|vs\.?)(?:\s|$)", re.IGNORECASE)
_DISAGREE = re.compile(
    r"\b(?:disagree\w*|differ(?:s|ent|ence|ences)?|contradict\w*|conflict\w*|inconsisten\w*|discrepanc\w*|"
    r"dispute\w*)\b", re.IGNORECASE)
_AGREE = re.compile(rf"^\s*(?:and\s+|so\s+)?(?:do|did|does)\s+(?:the\s+|all\s+(?:the\s+)?|these\s+|both\s+)?"
                    rf"(?:news\s+)?{_OUTLET_WORDS}\s+(?:all\s+)?agree\b", re.IGNORECASE)  # "Do the outlets agree on X?"
_GENERIC_SUBJECT = re.compile(rf"\b(?:the\s+)?(?:{_OUTLET_WORDS}|outlets|reports|coverage)\b", re.IGNORECASE)
_TOPIC = re.compile(r"\b(?:about|on|over|regarding|concerning|in\s+(?:their|the)\s+(?:reports?|coverage)\s+of|"
                    r"when\s+it\s+comes\s+to)\s+(?P<topic>.+?)\s*[?.!]*\s*$", re.IGNORECASE)


_SAY_SO = re.compile(
    r"^\s*(?:and\s+|but\s+)?(?:does|did|do|has|have)\s+(?P<x>.+?)\s+(?:say|said|report|reported|write|wrote|"
    r"agree|confirm|confirmed|print|printed|mention|mentioned|have|had)\s+(?:so|that|this|it|the\s+same)?"
    r"\s*(?:too|as\s+well|also)?\s*[?.!]*\s*$", re.IGNORECASE)


def says_so_too(question: str) -> str | None:
    """For "Does Newsweek say so too?": the words naming who (``"Newsweek"``); None for other questions."""
    m = _SAY_SO.match(question)
    return m["x"].strip() if m else None


def asks_source(question: str) -> bool:
    """True for a question about where the previous answer came from ("Which outlet said that?")."""
    return bool(_SOURCE.match(question))


# who publishes; not "articles" or "reports": "Which articles state that powers remain with member states?" asks
# for a treaty's article numbers
_PUBLISHERS = r"(?:outlets?|sources?|papers?|newspapers?|publications?|sites?|websites?|media)"
_CLAIM = re.compile(
    rf"^\s*(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:which|what)\s+(?:news\s+)?{_PUBLISHERS}\s+"
    rf"(?:(?:has|have|had|did|do|does)\s+)?{_SAID}\s+(?:(?:that|about|on)\s+)?(?P<claim>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE)
_ASKED_IN_CLAIM = re.compile(r"(?:how|what|when|where|who|whom|whose|which|why|whether|if)\b", re.IGNORECASE)


def claim_asked(question: str) -> str | None:
    """For "Which outlet said the contract lasts three years?": the claim (``"the contract lasts three years"``).

    The outlet is what is asked, and no span of an article names it: the answer is each outlet's sentences that
    state the claim. None for other questions, "Which outlet said that?" (:func:`asks_source`) among them.
    """
    m = _CLAIM.match(question)
    if m is None or asks_source(question):
        return None
    claim = m["claim"].strip()
    if _ASKED_IN_CLAIM.match(claim):  # "Which outlets reported how many …?": each outlet's answer is asked
        return None
    return claim if re.search(r"\w", claim) else None


_YES_NO = re.compile(r"^\s*(?:does|did|do|is|was|are|were|has|have|had|can|could|will|would|should)\b", re.IGNORECASE)


_LEAD = re.compile(r"^\s*(?:between|after|before|following|since|comparing|considering|given|prior\s+to|regarding|"
                   r"according\s+to)\b",
                   re.IGNORECASE)  # "Between A's report on X and B's report on Y, was there ...?"
_VERDICT = re.compile(r",[\"'”’]?\s*(?:does|did|do|is|was|are|were|has|have|had)\s+\S", re.IGNORECASE)
_WH = re.compile(r"\b(?:who|whom|whose|which|what|where|why|how)\b", re.IGNORECASE)


def is_yes_no(question: str) -> bool:
    """True for a yes/no question: no span of an article answers it (no positions).

    "Does A report X?", and a verdict asked after a leading phrase: "Between A's report on X and B's report on
    Y, was there a change in ...?" (not when a wh-word comes first: "Considering A, which company, founded
    in 2015, is ...?" and "Before the formation of which planet, did ...?" ask for a name).
    """
    if _YES_NO.match(question):
        return True
    verdict = _VERDICT.search(question) if _LEAD.match(question) else None
    return verdict is not None and not _WH.search(question, 0, verdict.start() + 1)


_WHAT_SAID = re.compile(r"^\s*(?:what|how)\s+(?:does|did|do|has|have)\s+.+?\b(?:say|said|report|reported|write|wrote|"
                        r"describe|described|claim|claimed|state|stated|tell|told|mention|mentioned|cover|covered|"
                        r"characteri[sz]e|portray|portrayed|explain|explained)\b", re.IGNORECASE)


def asks_what_is_said(question: str) -> bool:
    """True for "What does A say about X?", "How did A describe X?": the quotes are the answer; no span is."""
    return bool(_WHAT_SAID.match(question))


def is_comparison(question: str, named_outlets: int) -> bool:
    """True for a comparison of the outlets a question names ("Compare how A and B describe X", "What does A
    say that B doesn't?"); a yes/no question ("Does A report X, while B ...?") asks for a verdict, not this."""
    return named_outlets >= 2 and not is_yes_no(question) and bool(_COMPARE.search(question))


def disagreement_topic(question: str, named_outlets: int = 0) -> str | None:
    """For "Where do the outlets disagree (about X)?" and "Do the outlets agree on X?": the topic X, ``""`` for none;
    None for other questions.

    A question that names outlets asks about those ("How do A and B differ on X?" is a comparison), not this.
    """
    if named_outlets:
        return None
    if not _AGREE.match(question) and not (_DISAGREE.search(question) and _GENERIC_SUBJECT.search(question)):
        return None
    topic = _TOPIC.search(question)
    if topic is None:
        return ""
    words = topic["topic"].strip()
    return "" if re.fullmatch(r"(?i)(?:it|that|this|what|anything|something|each\s+other)", words) else words
