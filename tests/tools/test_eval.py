"""``qa eval``: format detection, metrics, and the project's own seed-format questions in CI."""

import json
from pathlib import Path

import pytest

from qa.cli import main
from qa.tools.eval_data import detect_format, subsample

QUESTIONS = Path(__file__).parents[1] / "data" / "eval_questions.json"


def test_own_question_file_meets_the_targets(seed_index, capsys):
    assert main(["eval", str(QUESTIONS), "--index", str(seed_index), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["format"] == "seed"
    assert figures["answerable"] == 12 and figures["unanswerable"] == 3
    assert figures["hit@3"] >= 11 / 12, figures["misses@3"]  # one known miss ("take effect")
    assert figures["hit@1"] >= 0.85
    assert figures["answerable_abstained"] == 0
    assert figures["abstain_recall"] == 1.0 and figures["abstain_precision"] == 1.0
    assert 5 <= figures["mean_quote_words"] <= 40
    assert figures["short_answer_shown"] >= 0.15  # bold only when very likely right (precision 0.90 on dev data)
    assert figures["shown_short_answer_precision"] >= 0.75  # overlap with the gold span (a date said elsewhere misses)
    assert figures["short_answer_hit"] <= figures["short_answer_shown"]
    assert figures["mean_ms"] > 0 and figures["total_seconds"] > 0


def test_table_output_names_the_figures(seed_index, capsys, tmp_path):
    data = [{"question": "Who was named commander of the National Guard in July?", "answerable": True,
             "gold": [{"outlet": "the kyiv independent", "span": "Oleksandr Pivnenko"}]},
            {"question": "Which team won the NBA championship in 2023?", "answerable": False, "gold": []}]
    path = tmp_path / "q.json"
    path.write_text(json.dumps(data))
    assert main(["eval", str(path), "--index", str(seed_index)]) == 0
    out = capsys.readouterr().out
    assert "hit@1" in out and "1.000" in out and "mean ms / question" in out


def test_multihop_format_against_the_seed_index(seed_index, capsys, tmp_path):
    fact = "The National Guard is a part of the Interior Ministry and is responsible for public security."
    data = [{"query": "Which ministry is the National Guard part of, according to the Kyiv Independent?",
             "answer": "Interior Ministry", "question_type": "inference_query",
             "evidence_list": [{"fact": fact, "source": "Kyiv Independent"}]},
            {"query": "What was the price of bitcoin in 1999?", "answer": "Insufficient information.",
             "question_type": "null_query", "evidence_list": []}]
    path = tmp_path / "mh.json"
    path.write_text(json.dumps(data))
    assert main(["eval", str(path), "--index", str(seed_index), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["format"] == "multihop" and figures["answerable"] == 1 and figures["null"] == 1
    assert figures["hit@10"] == 1.0 and figures["recall@10"] == 1.0 and figures["mrr@10"] > 0.3
    assert figures["top_quote_outlet_acc"] == 1.0
    assert figures["null_abstain_rate"] == 1.0


def test_squad_format_builds_its_own_index(capsys, tmp_path):
    context = ("The Eiffel Tower was completed in 1889 for the World's Fair. It was designed by the company "
               "of Gustave Eiffel and is 330 metres tall.")
    other = "Mount Everest is the highest mountain above sea level. It lies in the Himalayas on the border of Nepal."
    data = {"version": "1.1", "data": [
        {"title": "Eiffel_Tower", "paragraphs": [{"context": context, "qas": [
            {"id": "1", "question": "In what year was the Eiffel Tower completed?",
             "answers": [{"text": "1889", "answer_start": 34}]}]}]},
        {"title": "Mount_Everest", "paragraphs": [{"context": other, "qas": [
            {"id": "2", "question": "In which mountain range does Everest lie?",
             "answers": [{"text": "Himalayas", "answer_start": 0}]}]}]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data))
    assert main(["eval", str(path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["format"] == "squad" and figures["paragraphs"] == 2 and figures["questions"] == 2
    assert figures["hit@1"] == 1.0 and figures["answer_in_top_passage"] == 1.0
    assert 0 < figures["mean_quote_words"] <= 30
    assert figures["index_seconds"] >= 0


@pytest.mark.fast
@pytest.mark.parametrize(("data", "fmt"), [
    ([{"question": "q", "answerable": True, "gold": []}], "seed"),
    ([{"query": "q", "evidence_list": []}], "multihop"),
    ({"version": "1.1", "data": [{"title": "t", "paragraphs": []}]}, "squad"),
])
def test_formats_are_detected(data, fmt):
    assert detect_format(data) == fmt


@pytest.mark.fast
@pytest.mark.parametrize("data", [[], {}, [1, 2], {"data": "x"}, [{"foo": 1}]])
def test_unknown_formats_are_refused(data):
    with pytest.raises(ValueError):
        detect_format(data)


@pytest.mark.fast
def test_bad_dataset_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    assert main(["eval", str(path)]) == 2
    assert "eval: error" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing.json")]) == 2


@pytest.mark.fast
def test_subsample_spreads_evenly():
    assert subsample(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert subsample([1, 2], None) == [1, 2] and subsample([1, 2], 5) == [1, 2]
