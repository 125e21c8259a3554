"""Typos (issue 19): which correctly spelled questions would spelling change, and how fast is it.

Two vocabularies: a built index (``--index``, e.g. the seed index: a few hundred words, the worst case for
changing words it lacks) and MultiHop-RAG's 29k paragraphs (its real BM25 index and texts, no embedding).
Questions: ``../shared/eval/seed_questions.json``, ``tests/data/eval_questions.json``, the MultiHop-RAG dev
queries and the SQuAD dev-half eval split (crowd-written, with real typos). Every changed question is
printed, to be read.

    python scripts/spelling_check.py --index DIR [--shown 60]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from qa.answering.spelling import correct_spelling, vocabulary  # noqa: E402
from qa.api import open_index  # noqa: E402
from qa.index.lexical import BM25Index  # noqa: E402


class MultihopWords:
    """The part of a search backend spelling reads (IDF, texts, size), over MultiHop-RAG's paragraphs."""

    version = "multihop"

    def __init__(self, corpus: Path) -> None:
        self.articles = json.loads(corpus.read_text())
        self.paragraphs = [p for a in self.articles for p in a["body"].split("\n") if p.strip()]
        self.bm25 = BM25Index.build(self.paragraphs)

    def __len__(self) -> int:
        return len(self.paragraphs)

    def idf(self, tokens: list[str]):
        """BM25 IDF of the tokens."""
        return self.bm25.idf(tokens)

    def texts(self, limit: int | None = None) -> list[str]:
        """Paragraphs, titles and outlets."""
        return self.paragraphs[:limit] + [a["title"] for a in self.articles] + [a["source"] for a in self.articles]

    def outlet_names(self) -> list[str]:
        """The outlets."""
        return sorted({a["source"] for a in self.articles})


def question_sets() -> dict[str, list[str]]:
    """Correctly spelled (or crowd-typed) questions by set."""
    def read(path: Path) -> list:
        return json.loads(path.read_text())

    squad = read(SHARED / "bench" / "squad" / "dev_half_eval_split.json")["data"]
    return {"seed_questions": [q["question"] for q in read(SHARED / "eval" / "seed_questions.json")],
            "eval_questions": [q["question"] for q in read(ROOT / "tests" / "data" / "eval_questions.json")],
            "multihop_dev": [q["query"] for q in read(SHARED / "bench" / "multihop_rag" / "queries_dev.json")],
            "squad_eval": [q["question"] for a in squad for p in a["paragraphs"] for q in p["qas"]]}


def check(name: str, store, shown: int) -> None:
    """Print how many questions of each set spelling changes over ``store``, and the changes."""
    started = time.perf_counter()
    words = vocabulary(store)
    print(f"== {name}: {len(words.counts):,} words, vocabulary built in {time.perf_counter() - started:.2f} s")
    names = store.outlet_names()
    for label, questions in question_sets().items():
        started = time.perf_counter()
        changed = [(q, c) for q in questions if (c := correct_spelling(q, store, names)) != q]
        per = (time.perf_counter() - started) / len(questions) * 1000
        print(f"{label}: {len(changed)}/{len(questions)} changed ({per:.2f} ms a question)")
        for question, corrected in changed[:shown]:
            print(f"    {question!r}\n -> {corrected!r}")


def main() -> None:
    """Run both checks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built index (e.g. of the seed corpus)")
    parser.add_argument("--shown", type=int, default=60, help="changed questions printed per set")
    args = parser.parse_args()
    check(f"index {args.index}", open_index(args.index), args.shown)
    check("MultiHop-RAG paragraphs", MultihopWords(SHARED / "bench" / "multihop_rag" / "corpus.json"), args.shown)


if __name__ == "__main__":
    main()
