"""Reader metrics: official SQuAD EM/F1, "no answer" behaviour on negatives, and latency."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence

from qa.model.reader import Span
from qa.textmatch import answer_f1, exact_match
from qa.train.data import Example, sentence_starts

Predict = Callable[[str, list[str]], list[Span]]
def squad_scores(predict: Predict, examples: Sequence[Example]) -> dict[str, float]:
    """EM/F1 (max over gold answers) reading each answerable question's gold paragraph.

    Args:
        predict: ``predict(question, texts) -> spans`` (e.g. ``Reader.read``).
        examples: Questions; unanswerable ones are skipped.

    Returns:
        ``{"em", "f1", "n", "answered"}``; ``answered`` is the share whose best span beats "no answer".
    """
    em = f1 = answered = 0.0
    n = 0
    for ex in examples:
        if not ex.answers:
            continue
        span = predict(ex.question, [ex.context])[0]
        pred = ex.context[span.start:span.end]
        golds = [t for _, t in ex.answers]
        em += max(float(exact_match(pred, g)) for g in golds)
        f1 += max(answer_f1(pred, g) for g in golds)
        answered += span.has_answer
        n += 1
    return {"em": em / max(n, 1), "f1": f1 / max(n, 1), "n": n, "answered": answered / max(n, 1)}


def negative_pairs(examples: Sequence[Example], articles: dict[str, list[str]], seed: int = 0) -> list[Example]:
    """Each answerable question paired with another paragraph of its article that does not contain its answers."""
    rng = random.Random(seed)
    out = []
    for ex in examples:
        paras = articles.get(ex.article, [])
        others = [i for i in range(len(paras)) if i != ex.paragraph
                  and not any(t.strip().lower() in paras[i].lower() for _, t in ex.answers)]
        if ex.answers and others:
            j = rng.choice(others)
            out.append(Example(ex.qid, ex.question, paras[j], (), ex.article, j))
    return out


def null_behaviour(predict: Predict, positives: Sequence[Example], negatives: Sequence[Example],
                   thresholds: Sequence[float] = (-4.0, -2.0, 0.0, 2.0, 4.0)) -> dict[str, object]:
    """How often "no answer" wins on negatives and loses on positives, at margin thresholds.

    A text counts as answered when ``span.score - span.null_score > t``.

    Returns:
        ``{"neg_null_rate", "pos_answer_rate", "by_threshold": {t: [neg_null_rate, pos_answer_rate]}, ...}``.
    """
    neg = [predict(ex.question, [ex.context])[0].margin for ex in negatives]
    pos = [predict(ex.question, [ex.context])[0].margin for ex in positives if ex.answers]
    table = {t: [sum(m <= t for m in neg) / max(len(neg), 1), sum(m > t for m in pos) / max(len(pos), 1)]
             for t in thresholds}
    return {"neg_null_rate": table.get(0.0, [0, 0])[0], "pos_answer_rate": table.get(0.0, [0, 0])[1],
            "n_neg": len(neg), "n_pos": len(pos), "by_threshold": table,
            "neg_margin_median": statistics.median(neg) if neg else 0.0,
            "pos_margin_median": statistics.median(pos) if pos else 0.0}


def latency_ms(predict: Predict, examples: Sequence[Example], windows: int = 4, words: int = 75,
               repeats: int = 20, rounds: int = 1) -> dict[str, float]:
    """Milliseconds per ``predict`` call on ``windows`` texts of ~``words`` words (~100 word pieces each).

    Returns:
        ``{"median_ms", "p90_ms"}`` of ``repeats`` timed calls (after 3 warm-up calls); with several ``rounds``,
        those of the round with the lowest median (the least disturbed by other jobs on a shared CPU).
    """
    texts = [" ".join(ex.context.split()[:words]) for ex in examples[:windows]]
    question = examples[0].question
    for _ in range(3):
        predict(question, texts)
    best: list[float] = []
    for _ in range(rounds):
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            predict(question, texts)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        if not best or statistics.median(times) < statistics.median(best):
            best = times
    return {"median_ms": statistics.median(best), "p90_ms": best[int(0.9 * (len(best) - 1))]}


def sentence_windows(examples: Sequence[Example], seed: int = 0) -> tuple[list[Example], list[Example]]:
    """The reader's run-time input: the sentence(s) holding the answer, and another sentence of the paragraph.

    Returns:
        ``(positives, negatives)``: each answerable question on the sentence(s) spanning its first answer (gold
        answers kept), and on a random other sentence of the same paragraph not containing any of its answers.
    """
    rng = random.Random(seed)
    pos, neg = [], []
    for ex in examples:
        if not ex.answers:
            continue
        starts = [*sentence_starts(ex.context), len(ex.context)]
        a, text = ex.answers[0]
        first = max(i for i in range(len(starts) - 1) if starts[i] <= a)
        last = max(i for i in range(len(starts) - 1) if starts[i] < a + len(text))
        lo, hi = starts[first], starts[last + 1]
        pos.append(Example(ex.qid, ex.question, ex.context[lo:hi], tuple((s - lo, t) for s, t in ex.answers),
                           ex.article, ex.paragraph))
        others = [i for i in range(len(starts) - 1) if i < first or i > last]
        if others:
            j = rng.choice(others)
            window = ex.context[starts[j]:starts[j + 1]]
            if not any(t.strip().lower() in window.lower() for _, t in ex.answers):
                neg.append(Example(ex.qid, ex.question, window, (), ex.article, ex.paragraph))
    return pos, neg
