"""When to show the bold short answer: a logistic over the reader's features, fitted on dev data.

For each dev question, the span of its most confident reading (the one a user sees first) is *right* when
its token F1 with a gold answer reaches 0.5 (SQuAD's answers; MultiHop-RAG inference questions, whose
answers are entities). A logistic regression over the reading's features gives the probability that the
span is right; ``show_span_above`` is the lowest probability at which the shown spans are right at least
``precision`` of the time on the SQuAD questions. Only numpy: no torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa import answer_f1

__all__ = ["SpanSample", "choose_span_gate", "sigmoid", "span_right"]

RIGHT_F1 = 0.5


@dataclass(frozen=True)
class SpanSample:
    """The top reading of one dev question: its features, whether its span is right, and if it is an echo.

    Attributes:
        kind: ``"squad"`` or ``"multihop"``.
        features: The reading's calibration features (:func:`qa.answering.reading.features`).
        right: Token F1 of the span with a gold answer >= 0.5.
        echo: The span only repeats words of the question, or another answer was nearly as likely (never shown).
    """

    kind: str
    features: tuple[float, ...]
    right: bool
    echo: bool


def span_right(guess: str, golds: Sequence[str]) -> bool:
    """True when ``guess`` has token F1 >= 0.5 with one of ``golds``."""
    return bool(guess) and any(answer_f1(guess, g) >= RIGHT_F1 for g in golds)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, its input clipped to ±30 (as the answer path clips it, with no overflow)."""
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def _rates(samples: Sequence[SpanSample], conf: np.ndarray, t: float, kind: str) -> tuple[float, float]:
    """(precision of the shown spans, share of questions shown) of ``kind`` at threshold ``t``."""
    mask = [s.kind == kind for s in samples]
    shown = [s.right for s, c, m in zip(samples, conf, mask, strict=True) if m and c >= t and not s.echo]
    n = sum(mask)
    return (float(np.mean(shown)) if shown else 1.0), (len(shown) / n if n else 0.0)


def choose_span_gate(samples: Sequence[SpanSample], weights: np.ndarray, precision: float, min_shown: int = 20
                     ) -> dict:
    """The lowest ``show_span_above`` whose shown SQuAD spans are right ``precision`` of the time.

    Args:
        samples: One per dev question (its top reading).
        weights: Logistic weights over the features (:func:`qa.train.calibrate.fit_logistic`).
        precision: Share of shown spans that must be right.
        min_shown: Fewest shown SQuAD spans a threshold is judged on (smaller sets are noise).

    Returns:
        ``show_span_above`` and, at it, the precision and shown share on SQuAD and on MultiHop-RAG.
    """
    x = np.array([s.features for s in samples], dtype=np.float64)
    conf = sigmoid(x @ weights)
    squad = sorted({round(float(c), 4) for c, s in zip(conf, samples, strict=True) if s.kind == "squad"})
    chosen = 1.0
    for t in squad:  # ascending: the first threshold that meets the precision shows the most
        prec, shown = _rates(samples, conf, t, "squad")
        if prec >= precision and shown * sum(s.kind == "squad" for s in samples) >= min_shown:
            chosen = t
            break
    out = {"show_span_above": chosen}
    for kind in ("squad", "multihop"):
        prec, shown = _rates(samples, conf, chosen, kind)
        out[f"{kind}_span_precision"], out[f"{kind}_span_shown"] = round(prec, 4), round(shown, 4)
    return out
