"""The bold answer's gate (qa/train/spangate.py): pure logic on synthetic samples, against a brute-force reference."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.train.calibrate import fit_logistic
from qa.train.spangate import SpanSample, choose_span_gate, span_right


def test_a_span_is_right_from_token_f1_one_half() -> None:
    assert span_right("Interior Ministry", ["the Interior Ministry"])
    assert span_right("Ukraine's Interior Ministry", ["Interior Ministry"])
    assert not span_right("Ukraine", ["Interior Ministry"])
    assert not span_right("", ["Interior Ministry"])


def _reference(samples: list[SpanSample], conf: np.ndarray, precision: float, min_shown: int) -> float:
    """Every threshold tried, the lowest that meets the precision on >= min_shown shown SQuAD spans."""
    for t in sorted({round(float(c), 4) for c, s in zip(conf, samples, strict=True) if s.kind == "squad"}):
        shown = [s.right for s, c in zip(samples, conf, strict=True) if s.kind == "squad" and c >= t and not s.echo]
        if len(shown) >= min_shown and np.mean(shown) >= precision:
            return t
    return 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([0.7, 0.8, 0.9]))
def test_the_gate_is_the_lowest_threshold_that_meets_the_precision(seed: int, precision: float) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    signal = rng.normal(size=n)
    right = rng.random(n) < 1 / (1 + np.exp(-2.5 * signal))  # the span is right more often as the signal rises
    samples = [SpanSample("squad" if i % 4 else "multihop", (1.0, float(x), float(rng.random()), 0.0), bool(r),
                          echo=bool(rng.random() < 0.05)) for i, (x, r) in enumerate(zip(signal, right, strict=True))]
    w = fit_logistic(np.array([s.features for s in samples]), np.array([s.right for s in samples], dtype=float))
    gate = choose_span_gate(samples, w, precision)
    conf = 1 / (1 + np.exp(-np.clip(np.array([s.features for s in samples]) @ w, -30, 30)))
    assert gate["show_span_above"] == _reference(samples, conf, precision, 20)
    if gate["show_span_above"] < 1.0:
        assert gate["squad_span_precision"] >= precision
        shown = [s for s, c in zip(samples, conf, strict=True) if s.kind == "squad" and c >= gate["show_span_above"]
                 and not s.echo]
        assert gate["squad_span_shown"] == round(len(shown) / sum(s.kind == "squad" for s in samples), 4)


def test_the_gate_learns_from_the_readings_that_back_the_top_span() -> None:
    # every top reading looks the same to the reader; its span is right exactly when another passage's reading
    # found the same answer: the fitted gate weighs that agreement and shows those spans only
    from qa.train.calibrate import Question, Sample, choose_thresholds

    rng = np.random.default_rng(0)
    questions = []
    for i in range(200):
        backed = bool(i % 2)
        top = Sample((1.0, 5.0, 0.6, 0.5), True, 0.6, span_right=backed, answer="Friday")
        other = Sample((1.0, 1.0, 0.2, 0.3), False, 0.2, span_right=False,
                       answer="on Friday" if backed else str(rng.integers(1000)))
        questions.append(Question("squad", True, [top, other]))
    chosen = choose_thresholds(questions, np.array([0.0, 1.0, 0.0, 0.0]), 0.9, 0.5, 0.9)
    w = chosen["span_calibration"]
    assert len(w) == 14 and w[4] > 0  # (1, margin, prob, sentence score, agree, lead, overlap, 7 shape inputs)
    assert chosen["squad_span_precision"] == 1.0 and chosen["squad_span_shown"] == 0.5
