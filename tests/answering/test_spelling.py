"""Typos (issue 19): misspelled words are corrected against the index's own vocabulary before the search.

End to end on the seed index with the real model and reader (and without the reader): the misspelled
ministry question answers like the correct one and "Searched:" shows the correction; correctly spelled
questions, names the index does not know, numbers and acronyms are never changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import qa
from qa.answering.spelling import correct_spelling, vocabulary
from qa.api import open_index
from qa.cli import main
from qa.ingest.corpus import write_article
from qa.tools.bench import SEED_QUESTIONS
from tests.conftest import ROOT

MISSPELLED = "wich ministery dose the natonal gard belong too?"
CORRECTED = "which ministry does the national guard belong too?"
CORRECT = "Which ministry does the National Guard belong to?"
EVAL = [q["question"] for q in json.loads((ROOT / "tests" / "data" / "eval_questions.json").read_text())]
FOLLOWUPS = [t["question"] for name in ("followup_conversations.json", "followup_heldout.json")
             for c in json.loads((ROOT / "tests" / "data" / name).read_text()) for t in c["turns"]]


@pytest.fixture(params=["reader", "none"])
def reader_mode(request, monkeypatch) -> str:
    if request.param == "none":
        monkeypatch.setenv("QA_READER", "none")
    return request.param


def test_the_misspelled_ministry_question_answers_like_the_correct_one(seed_index: Path, reader_mode: str) -> None:
    typo, right = qa.answer(MISSPELLED, index=seed_index), qa.answer(CORRECT, index=seed_index)
    assert not typo.abstained and not right.abstained
    assert typo.quotes[0].outlet == right.quotes[0].outlet and typo.quotes[0].outlet in {"Kyiv Independent",
                                                                                          "Newsweek"}
    assert typo.quotes[0].text == right.quotes[0].text and "Interior Ministry" in typo.quotes[0].text
    assert [g.outlet for g in typo.outlets] == [g.outlet for g in right.outlets]
    shown = [(a.short_answer.outlet, a.short_answer.answer_text) if a.short_answer else None for a in (typo, right)]
    assert shown[0] == shown[1]
    if reader_mode == "reader":  # the reader's answer, the same for both (bold only above the calibrated bar)
        assert [(p.answer, p.outlets) for p in typo.positions] == [(p.answer, p.outlets) for p in right.positions]
        assert "Interior Ministry" in typo.positions[0].answer


def test_searched_shows_the_corrected_question(seed_index: Path, capsys) -> None:
    result = qa.answer(MISSPELLED, index=seed_index)
    assert result.question == MISSPELLED and result.searched == CORRECTED and result.rewritten
    assert result.to_dict()["searched"] == CORRECTED
    assert main(["ask", MISSPELLED, "--index", str(seed_index)]) == 0
    assert capsys.readouterr().out.startswith(f"Searched: {CORRECTED}\n")
    assert [p.id for p in qa.retrieve(MISSPELLED, 5, index=seed_index)] == \
        [p.id for p in qa.retrieve(CORRECTED, 5, index=seed_index)]


@pytest.mark.parametrize("question", [CORRECT, *EVAL, *SEED_QUESTIONS, *FOLLOWUPS])
def test_a_correctly_spelled_question_is_never_changed(seed_index: Path, question: str) -> None:
    store = open_index(seed_index)
    assert correct_spelling(question, store, store.outlet_names()) == question


def test_correct_questions_are_searched_as_asked(seed_index: Path, capsys) -> None:
    for question in EVAL[:5]:
        result = qa.answer(question, index=seed_index)
        assert result.searched == question and not result.rewritten
    assert main(["ask", CORRECT, "--index", str(seed_index)]) == 0
    assert "Searched:" not in capsys.readouterr().out


@pytest.mark.parametrize(("typed", "corrected"), [
    ("Wich Ministery dose the Natonal Gard belong too?", "Which Ministry does the National Guard belong too?"),
    ("Does Ukraine's governmnet allow foregners?", "Does Ukraine's government allow foreigners?"),
    ("Whwn was the decre signed?", "When was the decree signed?"),
    ("WHO signed the decre on 21 February 2024?", "WHO signed the decree on 21 February 2024?"),
    ("What did Zelenksy sign?", "What did Zelensky sign?"),
    ("Did Zelenskyy sign it?", "Did Zelensky sign it?"),  # a name written as the index writes it
    ("what does zerohedge say about the natonal guard?", "what does zerohedge say about the national guard?"),
    ("How many foreigners have joined so far?", "How many foreigners have joined so far?"),
])
def test_only_misspelled_words_change_in_place(seed_index: Path, typed: str, corrected: str) -> None:
    store = open_index(seed_index)
    assert correct_spelling(typed, store, store.outlet_names()) == corrected


@pytest.mark.parametrize("question", ["What did Blinken say about the National Guard?",
                                      "Blinken said what about the Natonal Guard?",
                                      "Did Macron and Scholz welcome the decree?",
                                      "Did Mayow or Serban sign the decree?",
                                      "Is the NATO or the OSCE mentioned?"])
def test_an_unknown_name_is_not_mangled(seed_index: Path, question: str) -> None:
    result = qa.answer(question, index=seed_index)
    for name in ("Blinken", "Macron", "Scholz", "Mayow", "Serban", "NATO", "OSCE"):
        assert (name in result.searched) == (name in question)
    assert "National Guard" in result.searched or "National" not in question


def test_the_vocabulary_is_built_once_per_index_and_again_when_it_changes(seed_corpus: Path,
                                                                         tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seed_corpus, corpus)
    qa.build_index(corpus, index)
    store = open_index(index)
    assert vocabulary(store) is vocabulary(store)
    assert "zaporizhzhia" not in vocabulary(store).counts
    assert correct_spelling("Who defends Zaporizhzia?", store) == "Who defends Zaporizhzia?"
    write_article(qa.Article(title="Zaporizhzhia front", outlet="Kyiv Independent", published="2024-02-23",
                             body=("Zaporizhzhia Oblast is defended by the 65th Mechanized Brigade.",)), corpus)
    qa.build_index(corpus, index)
    fresh = open_index(index)
    assert fresh is not store and "zaporizhzhia" in vocabulary(fresh).counts
    assert correct_spelling("Who defends Zaporizhzia?", fresh) == "Who defends Zaporizhzhia?"
