"""Fit the reader's confidence: a logistic calibration and two thresholds, on the development data.

For every question of the dev files the answer path runs as usual (retrieval, sentence scoring,
reading) and each quote it would show yields its features (:func:`qa.answering.reading.features`)
and a label: does this quote hold the answer? (SQuAD: a gold answer inside the quote; MultiHop-RAG:
the quote overlaps a gold fact of a gold outlet; null queries: never.) A logistic regression over
those features becomes the confidence; then

* ``abstain_below``: the lowest threshold on the top quote's confidence that abstains on at least
  ``--null-target`` of MultiHop's null queries while abstaining on at most ``--answerable-cap`` of
  the answerable ones (else the best trade-off between the two),
* the bold answer's gate (:mod:`qa.train.spangate`): a second logistic over the same features of each
  question's top reading, its support among the question's other readings, the probability of every span
  overlapping its answer and whether the span has the shape the question asks for
  (:func:`qa.answering.shown.span_features`), fitted on whether its span is right
  (token F1 >= 0.5 with a gold answer: SQuAD, and MultiHop-RAG inference questions, whose answers are
  entities), and ``show_span_above``, the lowest probability at which the shown SQuAD spans are right at
  least ``--span-precision`` of the time,

written into the reader's ``reader.json`` (``answering``) and its model card. Only numpy: no torch.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np

import qa
from qa import outlet_key
from qa.answering.asks import SHAPE_INPUTS, answer_shape
from qa.answering.reading import Reading, answer_text, features, quote_of
from qa.answering.settings import ReaderSettings
from qa.answering.shown import never_shown, span_inputs, support
from qa.train.spangate import SpanSample, choose_span_gate, sigmoid, span_right

__all__ = ["Question", "Sample", "choose_thresholds", "fit_logistic", "main"]


class Sample:
    """One quote the answer path would show for a dev question, with what calibration needs."""

    def __init__(self, feats: tuple[float, ...], right: bool, prob: float, span_right: bool | None = None,
                 echo: bool = False, answer: str = "", mass: float = 0.0) -> None:
        self.features, self.right, self.prob = feats, right, prob
        self.span_right, self.echo = span_right, echo  # None: no gold short answer to judge the span by
        self.answer, self.mass = answer, mass  # the reader's span ("" for none), spans overlapping it


class Question:
    """A dev question: its quotes' samples, whether it has an answer in the corpus, and its words."""

    def __init__(self, kind: str, answerable: bool, samples: list[Sample], text: str = "") -> None:
        self.kind, self.answerable, self.samples, self.text = kind, answerable, samples, text


def _quote(r: Reading, question: str, answerer: qa.Answerer) -> tuple[int, int]:
    span = quote_of(r, question, answerer.settings.quotes)
    return span.start, span.end


def _overlap(text: str, start: int, end: int, fact: str) -> bool:
    """Does ``text[start:end]`` overlap ``fact`` (both compared with white space folded)?"""
    norm = re.sub(r"\s+", " ", text)
    quote = re.sub(r"\s+", " ", text[start:end]).strip()
    at_q, at_f = norm.find(quote), norm.find(fact)
    return bool(fact) and at_q >= 0 and at_f >= 0 and at_q < at_f + len(fact) and at_f < at_q + len(quote)


def squad_questions(path: Path, reader: qa.Answerer) -> Iterator[Question]:
    """SQuAD questions (all answerable): a quote is right when a gold answer lies inside it."""
    from qa.tools.eval_squad import build_squad_index, squad_articles

    paragraphs = squad_articles(json.loads(path.read_text()))
    with tempfile.TemporaryDirectory(prefix="qa-calibrate-") as tmp:
        index, _ = build_squad_index(paragraphs, Path(tmp))
        store = qa.IndexStore.open(index)
        answerer = qa.Answerer(store, reader.settings, reader=reader.reader)
        gate = answerer.reading  # the bold answer's settings, read once
        for _, _, qas in paragraphs:
            for item in qas:
                golds = [a["text"] for a in item.get("answers", []) if a.get("text")]
                samples = []
                for r in answerer.readings(item["question"]):
                    text = r.scored.evidence.passage.text
                    a, b = _quote(r, item["question"], answerer)
                    guess = answer_text(r)
                    samples.append(Sample(features(r), any(g in text[a:b] for g in golds), r.prob,
                                          span_right(guess, golds), never_shown(r, guess, item["question"], gate),
                                          guess, r.mass))
                yield Question("squad", True, samples, item["question"])
        store.close()


def multihop_questions(path: Path, index: Path, reader: qa.Answerer) -> Iterator[Question]:
    """MultiHop-RAG queries: a quote is right when it overlaps a gold fact of its outlet (null: never)."""
    store = qa.IndexStore.open(index)
    answerer = qa.Answerer(store, reader.settings, reader=reader.reader)
    gate = answerer.reading  # the bold answer's settings, read once
    for item in json.loads(path.read_text()):
        evidence = item.get("evidence_list") or []
        answerable = item.get("question_type") != "null_query" and bool(evidence)
        facts: dict[str, list[str]] = {}
        for e in evidence:
            facts.setdefault(outlet_key(e.get("source", "")), []).append(re.sub(r"\s+", " ", e.get("fact", "")).strip())
        samples = []
        for r in answerer.readings(item["query"]):
            p = r.scored.evidence.passage
            a, b = _quote(r, item["query"], answerer)
            right = answerable and any(_overlap(p.text, a, b, f) for f in facts.get(outlet_key(p.outlet), []))
            guess = answer_text(r)
            gold = item.get("answer") if item.get("question_type") == "inference_query" else None  # entities
            samples.append(Sample(features(r), right, r.prob, span_right(guess, [gold]) if gold else None,
                                  never_shown(r, guess, item["query"], gate), guess, r.mass))
        yield Question("multihop", answerable, samples, item["query"])
    store.close()


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Weights of a logistic regression (Newton's method, small L2 penalty; column 0 is the bias)."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = sigmoid(x @ w)
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def _confidence(w: np.ndarray, s: Sample) -> float:
    return float(sigmoid(np.dot(w, s.features)))


def choose_thresholds(questions: list[Question], w: np.ndarray, null_target: float, answerable_cap: float,
                      span_precision: float) -> dict:
    """``abstain_below`` for weights ``w``, and the bold answer's gate (``span_calibration``,
    ``show_span_above``: see the module docstring), with the rates they give on the dev questions."""
    tops, conf, backed = [], {}, {}  # each question's most confident quote, its confidence, its span's inputs
    for q in questions:
        if q.samples:
            confs = [_confidence(w, s) for s in q.samples]
            i = int(np.argmax(confs))
            tops.append((q, q.samples[i]))
            conf[id(q)] = confs[i]
            backing = support(i, [s.answer for s in q.samples], confs)
            top = q.samples[i]
            backed[id(q)] = span_inputs(top.features, backing, top.mass, answer_shape(q.text, top.answer))
    null = [conf[id(q)] for q, _ in tops if not q.answerable]
    answerable = {kind: [conf[id(q)] for q, _ in tops if q.answerable and q.kind == kind] for kind in
                  ("squad", "multihop")}

    def rates(t: float) -> tuple[float, float, float]:
        rate = [float(np.mean([c < t for c in cs])) if cs else 0.0 for cs in (null, *answerable.values())]
        return rate[0], rate[1], rate[2]

    candidates = sorted({0.0, *(round(c, 4) for c in conf.values())})
    ok = [t for t in candidates if max(rates(t)[1:]) <= answerable_cap]
    met = [t for t in ok if rates(t)[0] >= null_target]
    abstain = min(met) if met else max(ok, default=0.0)
    spans = [SpanSample(q.kind, backed[id(q)], s.span_right, s.echo) for q, s in tops if s.span_right is not None]
    w_span = fit_logistic(np.array([s.features for s in spans], dtype=np.float64),
                          np.array([s.right for s in spans], dtype=np.float64))
    gate = choose_span_gate(spans, w_span, span_precision)
    null_rate, squad_rate, mh_rate = rates(abstain)
    return {"abstain_below": abstain, **gate, "span_calibration": [round(float(v), 6) for v in w_span],
            "null_abstained": null_rate,
            "squad_abstained": squad_rate, "multihop_answerable_abstained": mh_rate}


def _write(reader_dir: Path, answering: dict, report: dict) -> None:
    """Store the calibration in ``reader.json`` and replace the calibration section of the model card."""
    config_file = reader_dir / "reader.json"
    config = json.loads(config_file.read_text())
    config["answering"] = answering
    config["calibration_report"] = report
    config_file.write_text(json.dumps(config, indent=1) + "\n")
    card = reader_dir / "MODEL_CARD.md"
    text = card.read_text() if card.is_file() else ""
    text = text.split("\n## Calibration (answer confidence)")[0].rstrip() + "\n"
    w, v = answering["calibration"], answering["span_calibration"]
    windows = ReaderSettings.from_config(answering)
    shape = "".join(f" + {c:.4f}·{name}" for c, name in zip(v[7:], SHAPE_INPUTS, strict=False))
    text += (f"\n## Calibration (answer confidence)\n"
             f"Fitted by `{report['command']}` on {report['questions']} dev questions ({report['quotes']} quotes):\n"
             f"confidence = sigmoid({w[0]:.4f} + {w[1]:.4f}·margin + {w[2]:.4f}·span_prob + {w[3]:.4f}·sentence_score)"
             f", where margin = span logit − no-answer logit (clipped to ±30), span_prob = the span's softmax\n"
             f"probability, sentence_score = the sentence scorer's raw score. Abstain below "
             f"{answering['abstain_below']:.4f}.\n"
             f"Bold short answer: shown when sigmoid({v[0]:.4f} + {v[1]:.4f}·margin + {v[2]:.4f}·span_prob + "
             f"{v[3]:.4f}·sentence_score + {v[4]:.4f}·agree + {v[5]:.4f}·lead + {v[6]:.4f}·logit(overlap)"
             f"{shape}) >= "
             f"{answering['show_span_above']:.4f} (agree: other quoted passages where the reader found the same "
             f"answer; lead: the quote's confidence minus the best other quote's; overlap: the probability of every "
             f"span sharing a word piece with the answer; the shape inputs, 0 or 1 but words (at most 10): "
             f"`qa.answering.asks.answer_shape`), it is not an "
             f"echo of the question and no span apart from it in its window is within show_span_gap logits of it "
             f"(ReaderSettings); on SQuAD the shown spans are right (token F1 >= 0.5) "
             f"{report['squad_span_precision']:.3f} of the time, shown for {report['squad_span_shown']:.3f} of the "
             f"questions; MultiHop-RAG inference questions {report['multihop_span_precision']:.3f} / "
             f"{report['multihop_span_shown']:.3f}.\n"
             f"The reader read {windows.lead_window_words} words of whole sentences around the first-ranked "
             f"passage's best quote and {windows.window_words} around the others' (`reader.json` `answering`).\n"
             f"On the calibration data: null queries abstained {report['null_abstained']:.3f}, answerable "
             f"MultiHop abstained {report['multihop_answerable_abstained']:.3f}, SQuAD abstained "
             f"{report['squad_abstained']:.3f}.\n")
    card.write_text(text)


def main(argv: list[str] | None = None) -> int:
    """``qa calibrate-reader``: fit the reader's confidence on the dev files and store it beside the model."""
    import argparse

    p = argparse.ArgumentParser(prog="qa calibrate-reader", description=__doc__.split("\n\n")[0])
    p.add_argument("--squad", type=Path, required=True, help="SQuAD v1.1 dev file (e.g. the eval split)")
    p.add_argument("--multihop", type=Path, required=True, help="MultiHop-RAG queries (dev half)")
    p.add_argument("--multihop-index", type=Path, required=True, help="index built from MultiHop's corpus.json")
    p.add_argument("--reader", type=Path, default=None, help="reader directory (default: the configured one)")
    p.add_argument("--null-target", type=float, default=0.95)
    p.add_argument("--answerable-cap", type=float, default=0.03)
    p.add_argument("--span-precision", type=float, default=0.9,
                   help="share of shown short answers that must be right (token F1 >= 0.5) on SQuAD")
    p.add_argument("--limit", type=int, default=None, help="at most N questions of each file (a quick check)")
    args = p.parse_args(argv)
    answerer = qa.Answerer(reader=args.reader)  # the reader's own settings: the answer path as it runs
    reader = answerer.reader
    if reader is None:
        raise qa.ConfigError("no reader to calibrate", source="QA_READER=none", hint="name one with --reader")
    questions = [*islice(squad_questions(args.squad, answerer), args.limit),
                 *islice(multihop_questions(args.multihop, args.multihop_index, answerer), args.limit)]
    samples = [s for q in questions for s in q.samples]
    x = np.array([s.features for s in samples], dtype=np.float64)
    y = np.array([s.right for s in samples], dtype=np.float64)
    w = fit_logistic(x, y)
    chosen = choose_thresholds(questions, w, args.null_target, args.answerable_cap, args.span_precision)
    answering = {**reader.config.get("answering", {}), "calibration": [round(float(v), 6) for v in w],
                 "abstain_below": chosen["abstain_below"], "span_calibration": chosen["span_calibration"],
                 "show_span_above": chosen["show_span_above"]}
    rates = {k: v for k, v in chosen.items() if k != "span_calibration"}
    report = {**rates, "questions": len(questions), "quotes": len(samples), "positives": int(y.sum()),
              "command": "qa calibrate-reader " + " ".join(argv if argv is not None else [])}
    _write(Path(reader.path), answering, report)
    print(json.dumps({"answering": answering, "report": report}, indent=1))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
