"""``qa eval DATASET``: answer quality on a question set, printed as a table (or JSON).

The dataset format is detected (see :mod:`qa.tools.eval_data`): seed questions and MultiHop-RAG queries
run against ``--index``; a SQuAD v1.1 file is indexed into a temporary index first.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import qa
from qa.tools.eval_data import eval_multihop, eval_seed, load_dataset, subsample
from qa.tools.eval_followup import eval_conversations, standalone_with_history
from qa.tools.eval_squad import build_squad_index, eval_squad, squad_articles

LABELS = {
    "hit@1": "hit@1", "hit@3": "hit@3", "hit@4": "hit@4", "hit@5": "hit@5", "hit@10": "hit@10",
    "recall@10": "fact recall@10", "mrr@10": "MRR@10", "top_quote_outlet_acc": "top quote from a gold outlet",
    "null_abstain_rate": "null queries abstained", "abstain_precision": "abstention precision",
    "abstain_recall": "abstention recall", "answerable_abstained": "answerable that abstained",
    "answerable_abstain_rate": "answerable that abstained", "answer_in_top_quote": "gold answer in top quote",
    "answer_in_top_passage": "gold answer in top quote's passage", "mean_quote_words": "mean quote words",
    "abstain_rate": "abstained", "mean_ms": "mean ms / question", "p95_ms": "p95 ms / question",
    "seconds": "question seconds", "index_seconds": "indexing seconds", "total_seconds": "total seconds",
    "short_em": "short answer EM (open)", "short_f1": "short answer F1 (open)",
    "shown_span_rate": "short answer shown", "shown_span_precision": "shown answers exactly right",
    "shown_span_f1": "shown answers F1", "shown_span_right": "shown answers right (token F1 >= 0.5)",
    "reader_gold_em": "reader EM, gold paragraph",
    "reader_gold_f1": "reader F1, gold paragraph", "reader": "reader",
    "short_answer_shown": "short answer shown", "short_answer_hit": "short answer on a gold span",
    "shown_short_answer_precision": "shown short answers on a gold span",
    "multi_outlet_questions": "questions with evidence from 2+ outlets",
    "outlet_coverage": "gold outlets quoted (2+ outlets)", "fact_coverage": "gold facts quoted from their outlet",
    "all_outlets_rate": "every gold outlet quoted",
}


def evaluate(dataset: str | Path, index: str | Path | None = None, k: int = 10, limit: int | None = None,
             progress: bool = False) -> dict[str, Any]:
    """Evaluate a dataset file and return its figures (``format`` and ``dataset`` included).

    Args:
        dataset: A seed, conversations, MultiHop-RAG or SQuAD v1.1 JSON file.
        index: Index to query (seed and MultiHop formats; default ``$QA_INDEX`` or ``./index``).
        k: Passages retrieved per question (at least what each metric needs).
        limit: Evaluate only this many questions, spread evenly over the file (for quick checks).
        progress: Show a progress bar on stderr.

    Raises:
        QAError: Unreadable or unknown dataset, missing index.
    """
    started = time.perf_counter()
    fmt, data = load_dataset(Path(dataset))
    bar = _progress_bar() if progress else None
    figures: dict[str, Any]
    if fmt == "squad":
        paragraphs = squad_articles(data)
        with tempfile.TemporaryDirectory(prefix="qa-eval-squad-") as tmp:
            t0 = time.perf_counter()
            index_dir, article_of = build_squad_index(paragraphs, Path(tmp), progress=progress)
            index_seconds = time.perf_counter() - t0
            store = qa.open_index(index_dir)
            try:
                figures = eval_squad(store, paragraphs, article_of, k, limit, bar)
            finally:
                store.close()
        figures["index_seconds"] = index_seconds
    else:
        store = qa.open_index(index)
        items = subsample(list(data), limit)
        evaluator = {"seed": eval_seed, "conversations": eval_conversations}.get(fmt, eval_multihop)
        figures = evaluator(store, items, k, bar)
        if fmt == "seed":  # stand-alone questions must come out the same when asked as one conversation
            figures.update(standalone_with_history(store, items))
        figures["index_passages"] = len(store)
        figures["index"] = store.location  # a directory or a server URL (without password)
    figures["reader"] = "trained reader" if qa.reader_configured() else "none (sentence scorer)"
    figures["total_seconds"] = time.perf_counter() - started
    return {"dataset": str(dataset), "format": fmt, "k": k, **figures}


def _progress_bar():
    from tqdm import tqdm

    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, unit="q", desc="evaluating", file=sys.stderr, dynamic_ncols=True)
        state["bar"].n = done
        state["bar"].refresh()
        if done >= total:
            state["bar"].close()

    return update


def format_table(figures: dict[str, Any]) -> str:
    """The figures as an aligned two-column table."""
    rows = [("dataset", figures["dataset"]), ("format", figures["format"])]
    for key, value in figures.items():
        if key in ("dataset", "format") or isinstance(value, list):
            continue
        label = LABELS.get(key, key.replace("_", " "))
        if isinstance(value, float):
            text = f"{value:.1f}" if key.endswith(("ms", "seconds", "words")) else f"{value:.3f}"
        else:
            text = str(value)
        rows.append((label, text))
    width = max(len(r[0]) for r in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    for key, value in figures.items():
        if isinstance(value, list) and value:
            lines.append(f"{key}:")
            lines.extend(f"  - {v}" for v in value)
    return "\n".join(lines)


def side_by_side(runs: list[dict[str, Any]]) -> str:
    """Figures of several runs of one dataset (e.g. the embedded index and a search server) as columns,
    with the difference of the last from the first."""
    names = [str(r.get("index") or "default index") for r in runs]
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "k"]
    rows = [("index", *names, "difference")]
    for key in keys:
        values = [r.get(key) for r in runs]
        cells = [f"{v:.1f}" if key.endswith(("ms", "seconds")) else f"{v:.3f}" if isinstance(v, float) else str(v)
                 for v in values]
        diff = values[-1] - values[0] if all(isinstance(v, (int, float)) for v in values) else None
        rows.append((LABELS.get(key, key.replace("_", " ")), *cells, "" if diff is None else f"{diff:+.3f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
