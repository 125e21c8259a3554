"""Evaluation datasets: format detection and the per-format metrics of ``qa eval``.

Four formats are understood, told apart by their shape:

- *seed*: a JSON list of ``{question, answerable, gold: [{outlet, span}]}``;
- *conversations*: a JSON list of ``{conversation, turns: [seed items]}``, follow-up questions asked in
  order (:mod:`qa.tools.eval_followup`);
- *multihop*: a JSON list of MultiHop-RAG queries (``query``, ``evidence_list`` of ``{fact, source}``,
  ``question_type``), evaluated against an index built from the MultiHop-RAG corpus;
- *squad*: a SQuAD v1.1 object (``{"data": [{title, paragraphs: [{context, qas}]}]}``), whose
  paragraphs are indexed into a temporary index first.

Every evaluator returns a flat ``dict`` of figures (rates in 0..1, lengths, timings). Questions are
answered through the public API only (:func:`qa.answer`, :func:`qa.retrieve`).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

import qa
from qa import Answer, IndexStore, Passage, Quote, normalize_answer, outlet_key

QUOTE_K = 5  # passages an answer draws its quotes from (the default of qa.answer)
Progress = Callable[[int, int], None] | None


def detect_format(data: Any) -> str:
    """``"seed"``, ``"multihop"`` or ``"squad"`` from the shape of a loaded JSON document."""
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        first = data["data"][0] if data["data"] else {}
        if isinstance(first, dict) and "paragraphs" in first:
            return "squad"
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        if all("query" in x and "evidence_list" in x for x in data):
            return "multihop"
        if all("question" in x and "answerable" in x for x in data):
            return "seed"
        if all(isinstance(x.get("turns"), list) for x in data):
            return "conversations"
    raise qa.QAError("unknown dataset format", hint="expected a seed question list ({question, answerable, "
                     "gold}), conversations ({conversation, turns}), MultiHop-RAG queries ({query, evidence_list}) "
                     "or SQuAD v1.1 ({data: [...]})")


def load_dataset(path: Path) -> tuple[str, Any]:
    """Read a dataset file and tell its format."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise qa.QAError("no such file", source=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise qa.QAError(f"not a readable JSON file ({exc})", source=path) from None
    return detect_format(data), data


def subsample(items: list, limit: int | None) -> list:
    """At most ``limit`` items, spread evenly over the list (all of them when no limit)."""
    if not limit or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Runner:
    """Runs questions against one index: the answer, and the ranked passages for retrieval metrics.

    The answer is :func:`qa.answer` with its default ``k`` (:data:`QUOTE_K`), asked to retrieve
    ``depth`` passages: its ``passages`` are the retrieval ranking the metrics read (the first
    :data:`QUOTE_K` are those the quotes come from). Timings are of that one call.
    """

    def __init__(self, store: IndexStore, depth: int) -> None:
        self.store, self.depth = store, depth
        self.times: list[float] = []

    def __call__(self, question: str, history: Sequence[Answer] = ()) -> tuple[list[Passage], Answer]:
        started = time.perf_counter()
        result = qa.answer(question, QUOTE_K, index=self.store, depth=self.depth, history=history)
        self.times.append(time.perf_counter() - started)
        return list(result.passages[: self.depth]), result

    def timing(self) -> dict[str, float]:
        t = sorted(self.times) or [0.0]
        return {"questions": len(self.times), "mean_ms": 1000 * mean(t),
                "p95_ms": 1000 * t[min(len(t) - 1, int(0.95 * len(t)))], "seconds": sum(t)}


def _overlaps(quote: Quote, spans: Sequence[str], start: int | None = None, end: int | None = None) -> bool:
    """Whether ``quote`` (or its ``start:end`` part, e.g. the short answer) overlaps one of ``spans`` in its passage."""
    text = quote.passage.text
    lo, hi = (quote.start, quote.end) if start is None or end is None else (start, end)
    for span in spans:
        for m in re.finditer(re.escape(span), text):
            if m.start() < hi and lo < m.end():
                return True
    return False


def _gold(item: dict) -> dict[str, list[str]]:
    gold: dict[str, list[str]] = {}
    for g in item.get("gold", []):
        gold.setdefault(outlet_key(g["outlet"]), []).append(g["span"])
    return gold


def seed_hits(result: Answer, item: dict) -> list[bool]:
    """Whether each of the first three quotes overlaps a gold span of its outlet (seed format)."""
    gold = _gold(item)
    return [not result.abstained and _overlaps(q, gold.get(outlet_key(q.outlet), [])) for q in result.quotes[:3]]


def short_answer_hit(result: Answer, item: dict) -> bool | None:
    """Whether the short answer shown overlaps a gold span of its outlet; None when none is shown."""
    short = result.short_answer
    if short is None:
        return None
    return _overlaps(short, _gold(item).get(outlet_key(short.outlet), []), short.answer_start, short.answer_end)


def eval_seed(store: IndexStore, items: list[dict], k: int, progress: Progress = None) -> dict[str, Any]:
    """Seed format: hit@1/@3 of quotes overlapping a gold span of a gold outlet, abstention P/R, and the
    short answers: how often one is shown, how often it overlaps a gold span (of all answerable
    questions), and how often a shown one does (precision).

    Only the answers' quotes count here, so ``k`` (passages retrieved) changes nothing.
    """
    run = Runner(store, 0)
    hits1, hits3, abstain_ans, quote_words, misses = [], [], [], [], []
    shorts: list[bool | None] = []
    abst_true = abst_false = n_unans = 0
    for i, item in enumerate(items):
        _, result = run(item["question"])
        if item.get("answerable", True):
            ok = seed_hits(result, item)
            shorts.append(short_answer_hit(result, item))
            hits1.append(bool(ok[:1] and ok[0]))
            hits3.append(any(ok))
            abstain_ans.append(result.abstained)
            if not any(ok):
                misses.append(item["question"])
            if result.quotes:
                quote_words.append(len(result.quotes[0].text.split()))
            abst_false += result.abstained
        else:
            n_unans += 1
            abst_true += result.abstained
        if progress:
            progress(i + 1, len(items))
    abstained = abst_true + abst_false
    return {
        "answerable": len(hits1), "unanswerable": n_unans,
        "hit@1": rate(hits1), "hit@3": rate(hits3),
        "short_answer_shown": rate([h is not None for h in shorts]),
        "short_answer_hit": rate([bool(h) for h in shorts]),
        "shown_short_answer_precision": rate([h for h in shorts if h is not None]),
        "answerable_abstained": sum(abstain_ans),
        "abstain_precision": abst_true / abstained if abstained else 1.0,
        "abstain_recall": abst_true / n_unans if n_unans else 1.0,
        "mean_quote_words": mean(quote_words) if quote_words else 0.0,
        "misses@3": misses, **run.timing(),
    }


def eval_multihop(store: IndexStore, items: list[dict], k: int, progress: Progress = None) -> dict[str, Any]:
    """MultiHop-RAG: passage hit@1/@4/@10, fact recall@10, MRR@10, top-quote outlet, null abstention, and on
    questions with evidence from 2+ outlets whether each outlet is heard (:func:`multihop_figures`).

    ``max(k, 10)`` passages are retrieved per question; the metrics read the first 10.
    """
    run = Runner(store, max(k, 10))
    runs = []
    for i, item in enumerate(items):
        runs.append(run(item["query"]))
        if progress:
            progress(i + 1, len(items))
    return {**multihop_figures(items, runs), **run.timing()}


def multihop_figures(items: Sequence[dict], runs: Sequence[tuple[Sequence[Passage], Answer]]) -> dict[str, Any]:
    """The MultiHop-RAG figures of answers already made: ``runs[i]`` is ``(ranked passages, answer)`` of ``items[i]``.

    On questions whose evidence comes from 2+ outlets: outlet coverage (the share of gold outlets quoted among
    the answer's outlet groups or positions), fact coverage (the share of gold (outlet, fact) pairs where a quote
    of that outlet holds 60% of the fact's words, or its passage holds the fact), and the all-outlets rate (the
    share of questions where every gold outlet is quoted).
    """
    hit: dict[int, list[bool]] = {1: [], 4: [], 10: []}
    recall, rr, outlet_ok, abstain_answerable, null_abstained = [], [], [], [], []
    outlet_cov: list[bool] = []
    fact_cov: list[bool] = []
    all_outlets: list[bool] = []
    for item, (passages, result) in zip(items, runs, strict=True):
        evidence = item.get("evidence_list") or []
        if item.get("question_type") == "null_query" or not evidence:
            null_abstained.append(result.abstained)
            continue
        facts = list(dict.fromkeys(_norm(e["fact"]) for e in evidence if e.get("fact")))
        texts = [_norm(p.text) for p in passages[:10]]
        gold_rank = next((r for r, t in enumerate(texts) if any(f in t for f in facts)), None)
        for n in hit:
            hit[n].append(gold_rank is not None and gold_rank < n)
        rr.append(1.0 / (gold_rank + 1) if gold_rank is not None else 0.0)
        recall.append(sum(any(f in t for t in texts) for f in facts) / len(facts) if facts else 0.0)
        sources = {outlet_key(e.get("source", "")) for e in evidence}
        outlet_ok.append(bool(result.quotes) and not result.abstained
                         and outlet_key(result.quotes[0].outlet) in sources)
        abstain_answerable.append(result.abstained)
        if len(sources - {""}) >= 2:  # evidence from several outlets: is each outlet heard?
            quoted = quotes_by_outlet(result)
            outlet_cov.extend(o in quoted for o in sources)
            all_outlets.append(sources <= set(quoted))
            fact_cov.extend(any(fact_covered(q, e["fact"]) for q in quoted.get(outlet_key(e.get("source", "")), []))
                            for e in evidence if e.get("fact"))
    n_abst = sum(null_abstained) + sum(abstain_answerable)
    return {
        "queries": len(items), "answerable": len(rr), "null": len(null_abstained),
        "hit@1": rate(hit[1]), "hit@4": rate(hit[4]), "hit@10": rate(hit[10]),
        "recall@10": rate(recall), "mrr@10": rate(rr), "top_quote_outlet_acc": rate(outlet_ok),
        "null_abstain_rate": rate(null_abstained),
        "abstain_precision": sum(null_abstained) / n_abst if n_abst else 1.0,
        "answerable_abstain_rate": rate(abstain_answerable), "multi_outlet_questions": len(all_outlets),
        "outlet_coverage": rate(outlet_cov), "fact_coverage": rate(fact_cov), "all_outlets_rate": rate(all_outlets),
    }


def quotes_by_outlet(result: Answer) -> dict[str, list[Quote]]:
    """The quotes an answer shows, by outlet key: its outlet groups and its positions (none when it abstained)."""
    out: dict[str, list[Quote]] = {}
    if result.abstained:
        return out
    for q in [*(q for g in result.outlets for q in g.quotes), *(q for p in result.positions for q in p.quotes)]:
        out.setdefault(outlet_key(q.outlet), []).append(q)
    return out


def fact_covered(quote: Quote, fact: str, share: float = 0.6) -> bool:
    """A gold fact is covered by a quote when the quote holds ``share`` of its words, or its passage holds it."""
    words = normalize_answer(fact).split()
    if not words:
        return False
    if _norm(fact) in _norm(quote.passage.text):
        return True
    quoted = set(normalize_answer(quote.text).split())
    return sum(w in quoted for w in words) / len(words) >= share


def rate(values: Sequence[float | bool]) -> float:
    return float(mean(float(v) for v in values)) if values else 0.0
