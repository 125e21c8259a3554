"""A bare "Why?", "How?", "When?" … → a well-formed question about the previous answer's claim.

The previous question and its short answer make a claim; the bare question asks about that claim:

- a yes/no question takes the question word in front: "Can foreigners now serve?" + "How?" →
  "How can foreigners now serve?";
- a question about who or what did something puts the answer in its place: "Who can join?" (foreigners) →
  "Why can foreigners join?"; without an auxiliary to move, "Who signed the decree?" (Volodymyr Zelensky) →
  "Why was it that Volodymyr Zelensky signed the decree?";
- a question about an object or a circumstance puts the answer where the question left its gap: "Which
  city did Russia capture on Saturday?" (Avdiivka) → "Why did Russia capture Avdiivka on Saturday?"; "What
  will Ukraine probably have to do?" (cede more ground) → "Why will Ukraine probably have to cede more ground?".

"According to X, …" moves to the end. Pure text rules: no parser and no language model.
"""

from __future__ import annotations

import re

__all__ = ["claim_question"]

AUX = {"did", "does", "do", "is", "was", "are", "were", "can", "could", "will", "would", "should", "must", "has",
       "have", "had", "may", "might", "shall"}
_DO = {"did", "does", "do"}
WH = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
_HOW_MORE = {"many", "much", "long", "old", "far", "often", "big", "large", "soon", "young", "exactly"}
PREPS = {"of", "to", "for", "into", "in", "on", "at", "by", "with", "from", "about", "as", "after", "before", "since",
         "during", "under", "over", "through", "against", "without", "instead", "near", "like", "between", "among",
         "around", "across", "toward", "towards", "until", "within", "per", "amid", "despite"}
ADVERBS = {"now", "also", "still", "not", "never", "just", "already", "ever", "really", "actually", "probably", "only",
           "even", "then", "again", "first", "finally", "soon", "recently", "currently", "usually", "often", "so",
           "too", "ago", "last", "next", "this", "today", "yesterday", "tomorrow"}
DETS = {"the", "a", "an", "his", "her", "its", "their", "this", "that", "these", "those", "my", "our", "your", "some",
        "many", "most", "all", "both", "each", "every", "any", "no", "several", "few"}
PRONOUNS = {"he", "she", "it", "they", "we", "you", "i"}
_PAST = {"said", "made", "took", "gave", "went", "came", "told", "wrote", "began", "got", "found", "saw", "won",
         "lost", "led", "left", "held", "brought", "thought", "knew", "sent", "spent", "paid", "met", "fought",
         "chose", "became", "ran", "fell", "rose", "grew", "drew", "stood", "struck", "sold", "built", "meant",
         "kept", "bought", "caught", "taught", "felt", "heard", "hid", "flew", "threw", "spoke", "broke", "drove",
         "shot", "understood", "sought", "been", "was", "were", "had", "did"}


def _low(token: str) -> str:
    return token.strip(",;:\"'“”‘’()").lower()


def _verbish(token: str) -> bool:
    """A participle or past form ("appointed", "leading", "said"), as opposed to a subject noun phrase."""
    low = _low(token)
    return low.endswith(("ed", "ing", "en")) or low in _PAST or low in {"be", "being"}


def _is_past(token: str) -> bool:
    low = _low(token)
    return low.endswith("ed") or low in _PAST


def _subject_end(rest: list[str]) -> int:
    """Where the subject that follows the auxiliary ends ("did [the New York Times] say …")."""
    if not rest:
        return 0
    first = _low(rest[0])
    k = 1
    if first in DETS:
        while k < len(rest) and rest[k][:1].isupper():
            k += 1
        k = k if k > 1 else min(2, len(rest))  # "the draft law": one lowercase word after the determiner
    elif rest[0][:1].isupper() and first not in PRONOUNS:
        while k < len(rest) and rest[k][:1].isupper() and not rest[k - 1].endswith(("'s", "’s")):
            k += 1
    if rest[k - 1].endswith(("'s", "’s")) and k < len(rest):  # "Ukraine's military"
        k += 1
    while k < len(rest) and _low(rest[k]) in ADVERBS:
        k += 1
    return k


def _insert_object(rest: list[str], filler: str) -> list[str]:
    """``rest`` (after the auxiliary) with ``filler`` where the question's object was taken out."""
    lows = [_low(t) for t in rest]
    if "do" in lows:  # "… have to do (now)": the answer is what is done
        at = len(lows) - 1 - lows[::-1].index("do")
        if all(w in ADVERBS for w in lows[at + 1:]):
            return [*rest[:at], filler, *rest[at + 1:]]
    if len(lows) > 1 and lows[-1] in PREPS and lows[-2] not in ADVERBS and not lows[-2].endswith("ly"):
        return [*rest, filler]  # "… belong to": the stranded preposition takes the answer
    k = _subject_end(rest)
    tail = len(rest)
    idx = k + 1
    while idx < len(rest):
        low = lows[idx]
        nxt = lows[idx + 1] if idx + 1 < len(rest) else ""
        if low == "to" and nxt and nxt not in DETS and rest[idx + 1][:1].islower() and not nxt[:1].isdigit():
            idx += 2  # "want to mobilize": part of the verb
            continue
        if low in PREPS or low in ADVERBS or low.endswith("ly") or rest[idx][:1].isupper() or low[:1].isdigit():
            tail = idx
            break
        idx += 1
    return [*rest[:tail], filler, *rest[tail:]]


def _finish(word: str, parts: list[str], tail: str) -> str:
    text = " ".join(p for p in parts if p).strip().rstrip("?.!, ")
    return f"{word} {text}{tail}?" if text else f"{word}{tail}?"


def _split_source(text: str) -> tuple[str, str]:
    """``("when can foreigners join", ", according to Newsweek")`` from either place of "according to"."""
    m = re.match(r"(?i)according to ([^,]+),\s*(.+)$", text)
    if m:
        return m[2], f", according to {m[1]}"
    m = re.match(r"(?i)(.+?),?\s+according to (.+)$", text)
    return (m[1], f", according to {m[2]}") if m else (text, "")


def claim_question(wh: str, previous: str, answer: str = "") -> str:
    """The bare question ``wh`` ("why", "how", "how many" …) asked about the claim ``previous`` + ``answer`` make.

    Args:
        wh: The question word(s) the user typed ("Why", "how long").
        previous: The previous question, as it was searched (its stand-alone form).
        answer: The previous short answer ("" when none was shown).

    Returns:
        A question ending in "?", e.g. "Why will Ukraine probably have to cede more ground?".
    """
    word = " ".join(wh.split()).capitalize()
    text, tail = _split_source(re.sub(r"\s+", " ", previous).strip().rstrip("?.! "))
    toks = text.split()
    answer = _mid_sentence(answer.strip().rstrip(".,;"))
    if not toks:
        return _finish(word, [], tail)
    if _low(toks[0]) in AUX:  # a yes/no question
        return _finish(word, [_low(toks[0]), *toks[1:]], tail)
    i = 1 if _low(toks[0]) in PREPS and len(toks) > 1 and _low(toks[1]) in WH else 0
    if _low(toks[i]) not in WH:  # not a question: a statement to ask about
        return _finish(word, ["is it that", text[:1].lower() + text[1:] if not toks[0][1:2].isupper() else text], tail)
    wh_word = _low(toks[i])
    aux_at = next((k for k in range(i + 1, min(len(toks), i + 7)) if _low(toks[k]) in AUX), None)
    phrase = toks[i:aux_at] if aux_at is not None else toks[i:i + 1]
    if aux_at is None or (aux_at == i + 1 and wh_word in {"who", "what", "which", "whose"} and aux_at + 1 < len(toks)
                          and _low(toks[aux_at]) not in _DO and _subject_question(toks[aux_at + 1:])):
        return _about_subject(word, toks, i, aux_at, answer, tail)
    aux, rest = _low(toks[aux_at]), toks[aux_at + 1:]
    counted = wh_word == "how" and len(phrase) > 1 and _low(phrase[1]) in {"many", "much"}
    if not answer:  # no answer was shown: words that stand for it ("… have to do so", "… post there")
        answer = {"where": "there", "when": "then", "why": "", "how": f"that {_low(phrase[1])}" if counted else ""
                  }.get(wh_word, "do so" if "do" in map(_low, rest) else "that")
        if not answer or i:
            return _finish(word, [aux, *rest], tail)
    if i:  # "At what ranks can they sign a contract?": "… at <answer>"
        return _finish(word, [aux, *rest, _low(toks[0]), answer], tail)
    if wh_word in {"when", "where", "why"} or (wh_word == "how" and not counted):
        return _finish(word, [aux, *rest, answer], tail)
    head = [t for t in phrase[1:] if _low(t) not in _HOW_MORE] if wh_word != "how" else phrase[2:]
    filler = f"{answer} {' '.join(head)}" if wh_word == "how" and head else answer
    return _finish(word, [aux, *_insert_object(rest, filler)], tail)


def _mid_sentence(answer: str) -> str:
    """"The decree" → "the decree" inside a question; any other capital may be a name's and stays."""
    parts = answer.split()
    if len(parts) > 1 and parts[0] in {d.capitalize() for d in DETS}:
        return answer[:1].lower() + answer[1:]
    return answer


def _subject_question(after_aux: list[str]) -> bool:
    """After "Who can" / "What was": a verb ("now join", "appointed") rather than a subject ("they meet")."""
    words = [t for t in after_aux if _low(t) not in ADVERBS] or after_aux
    first = words[0]
    low = _low(first)
    if low in DETS or low in PRONOUNS or first[:1].isupper() or first.endswith(("'s", "’s")):
        return False
    return _verbish(first) or not (low.endswith("s") and not low.endswith("ss"))


def _about_subject(word: str, toks: list[str], i: int, aux_at: int | None, answer: str, tail: str) -> str:
    """"Who signed the decree?" (Volodymyr Zelensky) → "Why was it that Volodymyr Zelensky signed the decree?"."""
    wh_word = _low(toks[i])
    j = i + 1
    if wh_word in {"which", "what", "whose"} and j < len(toks) and not _verbish(toks[j]) and aux_at is None:
        j += 1  # "Which outlet reported …": the noun is part of the question phrase
    noun = " ".join(toks[i + 1:j])
    who = answer or {"who": "someone", "whom": "someone"}.get(wh_word, f"the {noun}" if noun else "something")
    if aux_at is not None:  # "Who can now join …?" → "Why can foreigners now join …?"
        return _finish(word, [_low(toks[aux_at]), who, *toks[aux_at + 1:]], tail)
    rest = toks[j:]
    if answer and rest and _low(rest[0]).startswith("happen"):  # "What happened …?": the answer is the claim
        rest = []
    be = "was" if rest and _is_past(rest[0]) else "is"
    return _finish(word, [be, "it that", who, *rest], tail)
