"""Follow-up questions resolved from the conversation: pure text rules, then through qa.answer on a real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qa
from qa.answering.followup import needs_context, referents, resolve_followup
from qa.cli import main

OUTLETS = ("Kyiv Independent", "Newsweek", "ZeroHedge")
FIRST = "Who signed the decree allowing foreigners into the National Guard"
DECREE = qa.Turn(f"{FIRST}?", answer="Volodymyr Zelensky",
                 quote="according to a decree signed Feb. 21 by President Volodymyr Zelensky")
DATA = Path(__file__).parents[1] / "data"


@pytest.mark.fast
@pytest.mark.parametrize(("question", "searched"), [
    ("When did he sign it?", "When did Volodymyr Zelensky sign the decree?"),
    ("Where was it published?", "Where was the decree published?"),
    ("Can his decree be appealed?", "Can Volodymyr Zelensky's decree be appealed?"),
    ("What requirements must they meet?", "What requirements must foreigners meet?"),
    ("And how long is the contract?", "How long is the contract for foreigners?"),
    ("What about Newsweek?", f"{FIRST}, according to Newsweek?"),
    ("And ZeroHedge?", f"{FIRST}, according to ZeroHedge?"),
    ("What about the law?", "Who signed the law allowing foreigners into the National Guard?"),
    ("When?", "When was it that Volodymyr Zelensky signed the decree allowing foreigners into the National Guard?"),
    ("Who announced that?", "Who announced the decree?"),
])
def test_follow_ups_are_searched_in_stand_alone_form(question: str, searched: str) -> None:
    assert needs_context(question)
    assert resolve_followup(question, [DECREE], OUTLETS) == searched


@pytest.mark.fast
@pytest.mark.parametrize("question", [
    "Who signed the decree allowing foreigners into the National Guard?",
    "How many extra troops did Kyiv's military say it wanted to mobilize in December?",
    "Do Russia and Ukraine publish their own casualty counts?",
    "Which company held a contest for fans to have their own commercial shown?",
    "Is it true that foreigners can join the National Guard?",
    "How much did it cost to build Levi's Stadium?",
    "Who moved his court from Krakow to Warsaw in 1596?",
    "What does Newsweek say about casualties?",
])
def test_questions_that_stand_alone_are_never_changed(question: str) -> None:
    assert not needs_context(question)
    assert resolve_followup(question, [DECREE], OUTLETS) == question


@pytest.mark.fast
def test_without_history_nothing_changes_and_chains_use_the_resolved_question() -> None:
    assert resolve_followup("When did he sign it?", [], OUTLETS) == "When did he sign it?"
    second = qa.Turn("When did he sign it?", searched="When did Volodymyr Zelensky sign the decree?", answer="Feb. 21")
    ref = referents([DECREE, second], OUTLETS)
    assert ref.person == "Volodymyr Zelensky" and ref.topic == "the decree" and ref.answer == "Feb. 21"
    assert resolve_followup("Why did he sign it?", [DECREE, second], OUTLETS) == \
        "Why did Volodymyr Zelensky sign the decree?"


@pytest.mark.fast
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Which", "ministry", "runs", "the", "National", "Guard", "Kyiv", "decree",
                                 "signed", "in", "2024", "foreigners", "join", "how", "many", "troops"]),
                min_size=3, max_size=12))
def test_questions_without_pronouns_or_leads_pass_through(words: list[str]) -> None:
    question = " ".join(words) + "?"
    assert resolve_followup(question, [DECREE], OUTLETS) == question


def test_when_did_he_sign_it_quotes_the_date_after_the_decree_question(seed_index: Path) -> None:
    first = qa.answer("Who signed the decree allowing foreigners into the National Guard?", index=seed_index)
    assert not first.rewritten and "Zelensky" in first.short_answer.answer_text
    follow = qa.answer("When did he sign it?", index=seed_index, history=[first])
    assert follow.question == "When did he sign it?"
    assert "Zelensky" in follow.searched and "decree" in follow.searched
    assert follow.to_dict()["searched"] == follow.searched
    assert not follow.abstained
    assert "Feb. 21" in follow.quotes[0].text or "Wednesday" in follow.quotes[0].text
    alone = qa.answer("Who can now join Ukraine's National Guard?", index=seed_index, history=[first, follow])
    assert not alone.rewritten and alone.searched == alone.question


def test_eval_on_the_follow_up_file_meets_its_targets(seed_index: Path, capsys: pytest.CaptureFixture) -> None:
    path = DATA / "followup_conversations.json"
    conversations = json.loads(path.read_text())
    assert len(conversations) >= 8 and sum(len(c["turns"]) for c in conversations) >= 30
    assert main(["eval", str(path), "--index", str(seed_index), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["format"] == "conversations"
    assert figures["hit@1 with history"] >= 0.85, figures["misses@1 with history"]
    # history lifts the follow-up turns (the ones that need it) by a fifth at least. Measured on follow-ups, not
    # on all turns: on three articles a better reader answers some bare follow-ups by luck ("When did he sign
    # it?" finds the one decree), which raises the no-history figure without history doing less (follow-ups with
    # history / without: reader v5 0.889 / 0.630, v7 0.889 / 0.667; all turns, v5: 0.917 against 0.722)
    assert figures["follow-up hit@1 with history"] >= 0.85, figures["misses@1 with history"]
    assert figures["follow-up hit@1 with history"] - figures["follow-up hit@1 without history"] >= 0.2
    assert figures["turn 1 hit@1 with history"] == figures["turn 1 hit@1 without history"]


def test_seed_questions_come_out_the_same_asked_as_one_conversation(seed_index: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    assert main(["eval", str(DATA / "eval_questions.json"), "--index", str(seed_index), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["rewritten by history"] == 0, figures["rewritten"]
    assert figures["hit@1 with history"] == figures["hit@1"] and figures["hit@3 with history"] == figures["hit@3"]
