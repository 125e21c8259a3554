"""SQuAD JSON -> reader training features: token labels, sentence windows and negatives.

Everything here is a pure function of its inputs (randomness comes in as a ``random.Random``), so an epoch's
features can be rebuilt exactly on resume. A feature is ``[CLS] question [SEP] passage-window [SEP]`` with the
start/end token of the answer, or ``(0, 0)`` ("no answer", the ``[CLS]`` token) when the window lacks it.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_FALLBACK = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”’)\]]*|$)")


@dataclass(frozen=True)
class Example:
    """One SQuAD question on its paragraph. ``answers`` is empty for an unanswerable (v2) question."""

    qid: str
    question: str
    context: str
    answers: tuple[tuple[int, str], ...]
    article: str
    paragraph: int


@dataclass(frozen=True)
class Feature:
    """One model input with its labels (token indices into ``input_ids``; 0 = no answer)."""

    input_ids: list[int]
    token_type_ids: list[int]
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Passage:
    """A tokenised paragraph: token ids, character offsets and the first token of each sentence (+ the end)."""

    text: str
    ids: list[int]
    offsets: list[tuple[int, int]]
    sentences: list[int]


def load_squad(paths: Iterable[str | Path]) -> tuple[list[Example], dict[str, list[str]]]:
    """Read SQuAD v1.1/v2.0 JSON files.

    Args:
        paths: SQuAD JSON files.

    Returns:
        The examples, and every article's paragraphs (keyed ``"<file>#<article index>"``).
    """
    examples: list[Example] = []
    articles: dict[str, list[str]] = {}
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
        for a, article in enumerate(data):
            key = f"{Path(path).name}#{a}"
            articles[key] = [p["context"] for p in article["paragraphs"]]
            for p, para in enumerate(article["paragraphs"]):
                for item in para["qas"]:
                    answers = () if item.get("is_impossible") else tuple(
                        (int(x["answer_start"]), x["text"]) for x in item["answers"])
                    examples.append(Example(str(item["id"]), item["question"], para["context"], answers, key, p))
    return examples, articles


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_starts(text: str) -> list[int]:
    """Character offsets where sentences begin (pysbd, or a punctuation splitter if pysbd fails)."""
    try:
        spans = [s.start for s in _segmenter().segment(text)]
    except Exception:  # pysbd raises on some odd inputs
        spans = []
    if not spans:
        spans = [m.start() for m in _FALLBACK.finditer(text) if m.group().strip()]
    return sorted(set(spans)) or [0]


def tokenize_passage(tokenizer, text: str) -> Passage:
    """Tokenise a paragraph and map its sentence starts to token indices."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    offsets = [tuple(o) for o in enc.offsets]
    bounds = []
    for c in sentence_starts(text):
        t = next((i for i, (s, _) in enumerate(offsets) if s >= c), len(offsets))
        if not bounds or t > bounds[-1]:
            bounds.append(t)
    if not bounds or bounds[0] != 0:
        bounds.insert(0, 0)
    if bounds[-1] != len(offsets):
        bounds.append(len(offsets))
    return Passage(text, list(enc.ids), offsets, bounds)


def answer_tokens(offsets: Sequence[tuple[int, int]], start: int, text: str) -> tuple[int, int] | None:
    """First and last token covering the answer ``text`` at character ``start``; None if it maps to no token."""
    end = start + len(text.rstrip())
    first = next((i for i, (_, e) in enumerate(offsets) if e > start), None)
    last = next((i for i in range(len(offsets) - 1, -1, -1) if offsets[i][0] < end), None)
    if first is None or last is None or last < first:
        return None
    return first, last


def make_feature(q: Sequence[int], p: Passage, a: int, b: int, answer: tuple[int, int] | None, cls_id: int,
                 sep_id: int, kind: str) -> Feature:
    """The feature for passage tokens ``[a, b)``; labelled with ``answer`` if it lies wholly inside."""
    ids = [cls_id, *q, sep_id, *p.ids[a:b], sep_id]
    types = [0] * (len(q) + 2) + [1] * (b - a + 1)
    start = end = 0
    if answer is not None and a <= answer[0] and answer[1] < b:
        start, end = answer[0] - a + len(q) + 2, answer[1] - a + len(q) + 2
    return Feature(ids, types, start, end, kind if start else kind + "-null")


def paragraph_windows(q: Sequence[int], p: Passage, answer: tuple[int, int] | None, cls_id: int, sep_id: int,
                      max_len: int, stride: int) -> list[Feature]:
    """Windows over the whole paragraph (overlapping by ``stride`` tokens when it is too long)."""
    budget = max(1, max_len - len(q) - 3)
    step = max(1, budget - min(stride, budget // 2))
    out, a = [], 0
    while True:
        b = min(len(p.ids), a + budget)
        out.append(make_feature(q, p, a, b, answer, cls_id, sep_id, "para"))
        if b >= len(p.ids):
            return out
        a += step


def _sentence_window(p: Passage, first: int, count: int) -> tuple[int, int]:
    last = min(len(p.sentences) - 1, first + count)
    return p.sentences[first], p.sentences[last]


def _contains(p: Passage, a: int, b: int, answers: Sequence[tuple[int, str]]) -> bool:
    if a >= b:
        return False
    window = p.text[p.offsets[a][0]:p.offsets[b - 1][1]].lower()
    return any(t.strip().lower() in window for _, t in answers if t.strip())


def make_features(examples: Sequence[Example], passages: dict[tuple[str, int], Passage],
                  questions: dict[str, list[int]], cls_id: int, sep_id: int, rng: random.Random, *,
                  max_len: int = 192, stride: int = 64, negatives: float = 1.0, sentence_windows: bool = True,
                  full: float = 1.0, null_windows: float = 1.0) -> list[Feature]:
    """One epoch of features.

    Per question: with probability ``full``, the whole-paragraph windows (those without the answer each kept with
    probability ``null_windows``); a window of 1-3 consecutive sentences holding the answer
    (``sentence_windows``); and, with probability ``negatives``, one window without it (1-3 other sentences of the
    same paragraph, or of another paragraph of the article) labelled "no answer". Unanswerable questions get their
    paragraph windows and a sentence window, all labelled "no answer".

    Args:
        examples: The questions.
        passages: Tokenised paragraphs keyed by ``(article, paragraph index)``.
        questions: Question token ids (already cut) keyed by ``qid``.
        cls_id: ``[CLS]`` token id.
        sep_id: ``[SEP]`` token id.
        rng: Source of randomness (seed it per epoch).
        max_len: Longest feature in tokens.
        stride: Overlap of consecutive paragraph windows.
        negatives: Expected negative windows per question.
        sentence_windows: Whether to add sentence windows.
        full: Probability of adding an answerable question's whole-paragraph windows.
        null_windows: Probability of keeping each of those windows that lacks the answer.

    Returns:
        The features in example order (shuffle them for training).
    """
    out: list[Feature] = []
    n_paras: dict[str, int] = {}
    for key, idx in passages:
        n_paras[key] = max(n_paras.get(key, 0), idx + 1)
    for ex in examples:
        q = questions[ex.qid]
        p = passages[(ex.article, ex.paragraph)]
        budget = max(1, max_len - len(q) - 3)
        ans = answer_tokens(p.offsets, *ex.answers[0]) if ex.answers else None
        if ex.answers and ans is None:
            continue
        if rng.random() < full or not ex.answers:
            out.extend(f for f in paragraph_windows(q, p, ans, cls_id, sep_id, max_len, stride)
                       if f.start or not ex.answers or rng.random() < null_windows)
        n_sent = len(p.sentences) - 1
        if sentence_windows:
            if ans is not None:
                s0 = max(i for i in range(n_sent) if p.sentences[i] <= ans[0])
                s1 = max(i for i in range(n_sent) if p.sentences[i] <= ans[1])
                count = rng.randint(1, 3)
                if s1 - s0 + 1 <= count:
                    first = rng.randint(max(0, s1 - count + 1), s0)
                    a, b = _sentence_window(p, first, count)
                    if b - a <= budget:
                        out.append(make_feature(q, p, a, b, ans, cls_id, sep_id, "sent"))
            else:
                first = rng.randrange(n_sent)
                a, b = _sentence_window(p, first, rng.randint(1, 3))
                out.append(make_feature(q, p, a, min(b, a + budget), None, cls_id, sep_id, "sent"))
        if ex.answers and rng.random() < negatives:
            neg = _negative(ex, p, ans, n_paras[ex.article], passages, rng, budget)
            if neg is not None:
                other, a, b = neg
                out.append(make_feature(q, other, a, b, None, cls_id, sep_id, "neg"))
    return out


def _negative(ex: Example, p: Passage, ans: tuple[int, int] | None, n_paras: int,
              passages: dict[tuple[str, int], Passage], rng: random.Random,
              budget: int) -> tuple[Passage, int, int] | None:
    """A window without the answer: other sentences of the paragraph (half the time, if any) or another paragraph."""
    n_sent = len(p.sentences) - 1
    if ans is not None and n_sent >= 2 and rng.random() < 0.5:
        first = rng.randrange(n_sent)
        a, b = _sentence_window(p, first, rng.randint(1, 3))
        b = min(b, a + budget)
        if not (a <= ans[1] and ans[0] < b) and not _contains(p, a, b, ex.answers):
            return p, a, b
    if n_paras < 2:
        return None
    j = rng.choice([k for k in range(n_paras) if k != ex.paragraph])
    other = passages[(ex.article, j)]
    if rng.random() < 0.5:
        a, b = 0, min(len(other.ids), budget)
    else:
        first = rng.randrange(len(other.sentences) - 1)
        a, b = _sentence_window(other, first, rng.randint(1, 3))
        b = min(b, a + budget)
    return None if _contains(other, a, b, ex.answers) else (other, a, b)


def tokenize_all(tokenizer, examples: Sequence[Example], articles: dict[str, list[str]],
                 max_query: int = 64) -> tuple[dict[tuple[str, int], Passage], dict[str, list[int]]]:
    """Tokenise every paragraph of the articles and every question (cut to ``max_query`` tokens)."""
    passages = {(key, i): tokenize_passage(tokenizer, text) for key, paras in articles.items()
                for i, text in enumerate(paras)}
    encs = tokenizer.encode_batch([ex.question for ex in examples], add_special_tokens=False)
    return passages, {ex.qid: list(e.ids[:max_query]) for ex, e in zip(examples, encs, strict=True)}


def collate(features: Sequence[Feature]) -> dict[str, list[list[int]] | list[int]]:
    """Pad a batch (pad id 0) into lists: input_ids, attention_mask, token_type_ids, start, end."""
    width = max(len(f.input_ids) for f in features)
    return {
        "input_ids": [f.input_ids + [0] * (width - len(f.input_ids)) for f in features],
        "attention_mask": [[1] * len(f.input_ids) + [0] * (width - len(f.input_ids)) for f in features],
        "token_type_ids": [f.token_type_ids + [0] * (width - len(f.input_ids)) for f in features],
        "start": [f.start for f in features],
        "end": [f.end for f in features],
    }


def batches(n: int, lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of indices, grouped by length within chunks of 50 batches to save padding."""
    order = list(range(n))
    rng.shuffle(order)
    out: list[list[int]] = []
    chunk = batch_size * 50
    for c in range(0, n, chunk):
        part = sorted(order[c:c + chunk], key=lambda i: lengths[i])
        out.extend(part[i:i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out
