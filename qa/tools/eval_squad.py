"""``qa eval`` on SQuAD v1.1: the file's paragraphs indexed into a temporary index, then asked.

Retrieval and quotes as for the other formats, plus the short answers in SQuAD's own terms
(official normalisation, exact match and F1), in the open setting and for the reader alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from statistics import mean
from typing import Any

import qa
from qa import IndexStore, answer_f1, exact_match
from qa.tools.eval_data import Progress, Runner, rate, subsample

__all__ = ["build_squad_index", "eval_squad", "squad_articles"]


class _ShortAnswers:
    """Short-answer figures over the questions of one run."""

    def __init__(self) -> None:
        self.em: list[float] = []
        self.f1: list[float] = []
        self.shown_em: list[float] = []
        self.shown_f1: list[float] = []
        self.reader_em: list[float] = []
        self.reader_f1: list[float] = []
        self.reader = qa.reader_configured()

    def add(self, question: str, golds: Sequence[str], shown: str, context: str) -> None:
        if not golds:
            return
        em, f1 = (max(exact_match(shown, g) for g in golds), max(answer_f1(shown, g) for g in golds)) \
            if shown else (0.0, 0.0)
        self.em.append(float(em))
        self.f1.append(f1)
        if shown:
            self.shown_em.append(float(em))
            self.shown_f1.append(f1)
        if self.reader:
            (span,) = qa.read_answers(question, [context])
            guess = context[span.start:span.end]
            self.reader_em.append(float(max(exact_match(guess, g) for g in golds)))
            self.reader_f1.append(max(answer_f1(guess, g) for g in golds))

    def figures(self) -> dict[str, float]:
        out = {"short_em": rate(self.em), "short_f1": rate(self.f1),
               "shown_span_rate": len(self.shown_em) / len(self.em) if self.em else 0.0,
               "shown_span_precision": rate(self.shown_em), "shown_span_f1": rate(self.shown_f1),
               "shown_span_right": rate([f >= 0.5 for f in self.shown_f1])}
        if self.reader:
            out.update({"reader_gold_em": rate(self.reader_em), "reader_gold_f1": rate(self.reader_f1)})
        return out


def squad_articles(data: dict) -> list[tuple[str, str, list[dict]]]:
    """``(title, context, qas)`` of every SQuAD paragraph, titles with underscores as spaces."""
    out = []
    for article in data["data"]:
        title = str(article.get("title", "untitled")).replace("_", " ").strip() or "untitled"
        for para in article.get("paragraphs", []):
            out.append((title, para["context"], para.get("qas", [])))
    return out


def build_squad_index(paragraphs: list[tuple[str, str, list[dict]]], workdir: Path,
                      progress: bool = False) -> tuple[Path, dict[str, int]]:
    """Index SQuAD paragraphs (one article each, outlet = title) under ``workdir``.

    The corpus holds clean text: blank lines split a context into paragraphs, and runs of
    whitespace inside one (SQuAD has line breaks in formulas like "O\\n2") become single spaces.

    Returns the index directory and a map from article id to paragraph number.
    """
    corpus, index = workdir / "corpus", workdir / "index"
    article_of: dict[str, int] = {}
    for n, (title, context, _) in enumerate(paragraphs):
        body = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", context) if p.strip())
        name = " ".join(title.split())
        path = qa.write_article(qa.Article(title=name, outlet=name, body=body), corpus)
        article_of[path.stem] = n
    qa.build_index(corpus, index, progress=progress)
    return index, article_of


def eval_squad(store: IndexStore, paragraphs: list[tuple[str, str, list[dict]]], article_of: dict[str, int],
               k: int, limit: int | None = None, progress: Progress = None) -> dict[str, Any]:
    """SQuAD v1.1: paragraph hit@1/@5, gold answer inside the top-1 quote, quote length in words,
    and the short answers: open-setting EM/F1 (the top quote's marked answer; none when abstained or
    unmarked), how often a span is shown and how often a shown one is right, and the reader alone
    given the gold paragraph (EM/F1; skipped with ``QA_READER=none``).

    ``max(k, 5)`` passages are retrieved per question; the metrics read the first 5.
    """
    run = Runner(store, max(k, 5))
    questions = [(n, item) for n, (_, _, qas) in enumerate(paragraphs) for item in qas]
    questions = subsample(questions, limit)
    hit1, hit5, in_quote, in_passage, words, abstained = [], [], [], [], [], []
    short = _ShortAnswers()
    for i, (n, item) in enumerate(questions):
        passages, result = run(item["question"])
        ranks = [article_of.get(p.article_id) for p in passages[:5]]
        hit1.append(ranks[:1] == [n])
        hit5.append(n in ranks)
        answers = [a["text"] for a in item.get("answers", []) if a.get("text")]
        top = result.quotes[0] if result.quotes else None
        in_quote.append(top is not None and not result.abstained and any(a in top.text for a in answers))
        in_passage.append(top is not None and any(a in top.passage.text for a in answers))
        if top is not None:
            words.append(len(top.text.split()))
        abstained.append(result.abstained)
        short.add(item["question"], answers, "" if result.abstained or top is None else top.answer_text,
                  paragraphs[n][1])
        if progress:
            progress(i + 1, len(questions))
    return {
        "paragraphs": len(paragraphs), "questions": len(questions),
        "hit@1": rate(hit1), "hit@5": rate(hit5), "answer_in_top_quote": rate(in_quote),
        "answer_in_top_passage": rate(in_passage), "mean_quote_words": mean(words) if words else 0.0,
        "abstain_rate": rate(abstained), **short.figures(), **run.timing(),
    }
