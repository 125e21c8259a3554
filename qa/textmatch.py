"""Comparing short answers: the official SQuAD normalisation, exact match and token F1.

Used to decide whether two outlets give the same answer (corroboration) and by ``qa eval``.
"""

from __future__ import annotations

import re
import string
from collections import Counter

__all__ = ["answer_f1", "exact_match", "normalize_answer", "same_answer"]

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, fold white space (SQuAD's official rule)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> bool:
    """True when both normalise to the same string."""
    return normalize_answer(prediction) == normalize_answer(gold)


def answer_f1(prediction: str, gold: str) -> float:
    """Token-overlap F1 of the normalised answers (SQuAD's official F1; 1.0 when both are empty)."""
    pred, ref = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def same_answer(a: str, b: str) -> bool:
    """True when two short answers agree: equal once normalised, or one's words all within the other's
    ("Zelensky" and "President Volodymyr Zelensky")."""
    x, y = set(normalize_answer(a).split()), set(normalize_answer(b).split())
    return bool(x and y) and (x <= y or y <= x)
