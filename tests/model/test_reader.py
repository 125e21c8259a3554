"""The shipped extractive reader (models/reader): valid spans, obvious answers, batching, no torch at run time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.model.reader import DEFAULT_DIR, Span, load_reader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reader():
    return load_reader(DEFAULT_DIR)


def test_model_is_shipped_small_and_documented() -> None:
    assert (DEFAULT_DIR / "model.onnx").stat().st_size <= 35 * 2**20
    config = json.loads((DEFAULT_DIR / "reader.json").read_text())
    assert config["max_len"] >= 128 and config["do_lower_case"] is True
    card = (DEFAULT_DIR / "MODEL_CARD.md").read_text()
    for needed in ("all-MiniLM-L6-v2", "Apache-2.0", "CC BY-SA 4.0", "Rajpurkar", "sha256", "EM", "F1"):
        assert needed in card


@pytest.mark.parametrize(("question", "text", "answer"), [
    ("Who signed the decree?",
     "The decree was signed by President Volodymyr Zelensky on Feb. 21.", "Volodymyr Zelensky"),
    ("When did the ceasefire start?",
     "Officials said the ceasefire started on March 3, 2024, after weeks of talks in Doha.", "March 3, 2024"),
    ("How many people were evacuated from the town?",
     "Rescue teams evacuated about 1,200 people from the flooded town of Lilleby overnight. "
     "The river is expected to peak on Thursday.", "1,200"),
])
def test_obvious_answers_are_found(reader, question: str, text: str, answer: str) -> None:
    span = reader.read(question, [text])[0]
    assert answer in text[span.start:span.end]
    assert len(text[span.start:span.end]) <= len(answer) + 12
    assert span.has_answer and 0 < span.prob <= 1


def test_answer_beyond_the_first_window_is_found(reader) -> None:
    filler = " ".join(f"Council member {i} spoke about road repairs for a while." for i in range(60))
    text = filler + " The new bridge will be named after Grace Hopper, the mayor announced."
    span = reader.read("Who will the new bridge be named after?", [text])[0]
    assert "Grace Hopper" in text[span.start:span.end]


def test_batch_equals_one_by_one(reader) -> None:
    question = "Who signed the decree?"
    texts = ["The decree was signed by President Volodymyr Zelensky on Feb. 21.",
             "Prices of grain rose sharply in the spring, traders in Odesa said, as shipping routes stayed closed "
             "and insurers raised their premiums for vessels in the Black Sea.", "", "Zelensky."]
    together = reader.read(question, texts)
    for text, span in zip(texts, together, strict=True):  # each window runs alone: what else is read changes nothing
        one = reader.read(question, [text])[0]
        assert (one.start, one.end, one.score, one.null_score, one.rival) == \
            (span.start, span.end, span.score, span.null_score, span.rival)
        assert (one.prob, one.null_prob) == pytest.approx((span.prob, span.null_prob), abs=1e-12)
    assert together[0].has_answer and "Zelensky" in texts[0][together[0].start:together[0].end]
    assert not together[1].has_answer
    assert reader.read(question, []) == []


def test_several_questions_read_at_once_as_each_alone() -> None:
    from qa.model.reader import Reader

    one, two = Reader(DEFAULT_DIR, threads=1), Reader(DEFAULT_DIR, threads=2)  # two: windows run side by side
    long = " ".join(["The committee met again on Friday and agreed nothing new about the harbour."] * 30 +
                    ["The harbour master, Ines Alvarez, resigned on Monday."])  # several windows
    asks = [("Who resigned?", [long, "Nobody resigned.", ""]), ("When did the committee meet?", []),
            ("How many people were evacuated?", ["Rescue teams evacuated about 1,200 people overnight."])]
    together = two.read_many(asks)
    assert [len(spans) for spans in together] == [3, 0, 1]
    for (question, texts), spans in zip(asks, together, strict=True):
        for reader in (one, two):
            alone = reader.read(question, texts)
            assert [(a.start, a.end, a.score, a.null_score) for a in alone] == \
                [(b.start, b.end, b.score, b.null_score) for b in spans]
    assert long[together[0][0].start:together[0][0].end] == "Ines Alvarez"
    assert "1,200" in asks[2][1][0][together[2][0].start:together[2][0].end]
    assert one.read_many([]) == [] and two.read_many([("Who?", [])]) == [[]]


def test_one_padded_run_reads_like_windows_run_alone() -> None:
    from qa.model.reader import Reader

    alone, padded = Reader(DEFAULT_DIR, threads=1), Reader(DEFAULT_DIR, threads=1, per_window=False)
    question = "How many people were evacuated from the town?"
    texts = ["Rescue teams evacuated about 1,200 people from the flooded town of Lilleby overnight.",
             "The river is expected to peak on Thursday, officials said, and more rain is forecast for the weekend "
             "across the whole valley and the hills above it.", "Schools stay shut."]
    for a, b in zip(alone.read(question, texts), padded.read(question, texts), strict=True):
        # int8 activations are scaled per run, so one padded run's scores move a little; the spans do not
        assert (a.start, a.end, a.has_answer) == (b.start, b.end, b.has_answer)
        assert a.null_score == pytest.approx(b.null_score, abs=1.0)


def test_unrelated_text_prefers_no_answer(reader) -> None:
    span = reader.read("Who signed the decree?",
                       ["Heavy rain is expected across the region on Sunday, with strong winds along the coast."])[0]
    assert span.null_score > span.score


words = st.sampled_from(["the", "minister", "said", "on", "Tuesday", "Kyiv", "1,200", "U.S.", "“quoted”", "(AP)",
                         "—", "é", "naïve", "  ", "\n", "a.m.", "$5bn", "!!", "'s", "東京", "🙂", "don't"])
texts = st.one_of(st.lists(words, max_size=80).map(" ".join), st.text(max_size=300))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text(max_size=60), batch=st.lists(texts, min_size=1, max_size=4))
def test_spans_are_valid_character_offsets(reader, question: str, batch: list[str]) -> None:
    spans = reader.read(question, batch)
    assert len(spans) == len(batch)
    for text, span in zip(batch, spans, strict=True):
        assert isinstance(span, Span)
        assert 0 <= span.start <= span.end <= len(text)
        piece = text[span.start:span.end]
        assert piece == piece.strip()


def test_runtime_does_not_import_torch() -> None:
    code = ("import sys, qa.model.reader as r; r.load_reader().read('Who?', ['Ann came.']); "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert out.stdout.strip() == "[]"


def test_a_span_is_trimmed_of_every_space_python_strips() -> None:
    from qa.model.reader_codec import _trim

    for text in ("\x1f000", "\u2003000\x1c", " 000\n"):  # \x1c-\x1f, em space: str.strip() removes them too
        a, b = _trim(text, 0, len(text))
        assert text[a:b] == "000"


def test_the_rival_is_the_best_span_apart_from_the_chosen_one(reader) -> None:
    # "to 25, down from 27 years old": the reader hesitates between the two ages; its rival is the other one
    question = "To what age did the draft law propose lowering the mobilization age?"
    text = ("Shortly after, Ukraine's parliament published a draft law, proposing to lower the age of people who "
            "can be mobilized to 25, down from 27 years old.")
    (span,) = reader.read(question, [text])
    assert span.rival < span.score and span.score - span.rival < 2.0
    chosen = text[span.start:span.end]
    other = "25" if "27" in chosen else "27"
    # the rival is the other age: read alone with the chosen span's words removed, the other age wins and
    # scores what the rival did, give or take the change in what the tokens around it see
    (alone,) = reader.read(question, [text.replace(chosen, "")])
    assert other in text.replace(chosen, "")[alone.start:alone.end]
    # a text with one candidate only has no rival of note: every span apart from it is far below
    (single,) = reader.read("Who signed the decree?", ["President Zelensky signed the decree."])
    assert single.score - single.rival > 2.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_the_mass_sums_every_span_sharing_a_token_with_the_best(reader, seed: int, longest: int) -> None:
    # against a reference: every (start, end) pair within the answer length, start and end probabilities with
    # [CLS] competing, summed where the span overlaps the chosen one
    import numpy as np

    from qa.model.reader_codec import decode, encode

    text = "The council met on Monday and the decree was signed by the president on Feb. 21 in Kyiv."
    batch = encode(reader.tokenizer, "Who signed it?", [text])
    rng = np.random.default_rng(seed)
    start, end = (rng.normal(0, 3, batch.input_ids.shape).astype(np.float32) for _ in range(2))
    (span,) = decode(batch, start, end, [text], max_answer_tokens=longest)
    (_, _, n), p0 = batch.rows[0], batch.q_len + 2
    keep = [0, *range(p0, p0 + n)]

    def probs(x):
        e = np.exp(x[0, keep].astype(np.float64) - x[0, keep].max())
        return dict(zip(keep, e / e.sum(), strict=True))

    ps, pe = probs(start), probs(end)
    pairs = [(i, j) for i in range(n) for j in range(i, min(n, i + longest))]
    a, b = max(pairs, key=lambda ij: float(start[0, p0 + ij[0]]) + float(end[0, p0 + ij[1]]))
    reference = sum(ps[p0 + i] * pe[p0 + j] for i, j in pairs if i <= b and j >= a)
    assert span.mass == pytest.approx(reference, rel=1e-9)
    assert span.prob <= span.mass <= 1.0
