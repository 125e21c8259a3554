"""Routing: the outlets and dates a question names, each mention's clause, and retrieval that honours them."""

import datetime as dt
from pathlib import Path

import pytest

import qa
from qa.answering.routing import date_mentions, route
from tests.synth import article_text

OUTLETS = ["Harbor Times", "Valley Post", "The Age", "The Independent - Sports", "The Independent"]


def day(y: int, m: int, d: int) -> int:
    return dt.date(y, m, d).toordinal()


def test_outlet_names_are_found_and_stripped():
    plan = route("What did the Harbor Times and 'Valley Post' report about the bridge?", OUTLETS)
    names, text = plan.outlets, plan.text
    assert names == ("Harbor Times", "Valley Post")
    assert "Harbor" not in text and "Valley" not in text and "bridge" in text


def test_lowercase_words_do_not_name_an_outlet_and_longer_names_win():
    assert route("Which age group voted most?", OUTLETS).outlets == ()
    assert route("What did The Independent - Sports say?", OUTLETS).outlets == ("The Independent - Sports",)


def test_dates_become_publication_windows():
    (_, _, on), = [m[:3] for m in date_mentions("the report published on October 31, 2023")]
    assert on == (day(2023, 10, 30), day(2023, 11, 1))  # one day of slack for time zones
    (_, _, before), = date_mentions("reported before 3 November 2023")
    assert before[0] <= day(2000, 1, 1) and before[1] == day(2023, 11, 4)
    (_, _, after), = date_mentions("articles after 2023-12-01")
    assert after[0] == day(2023, 11, 30) and after[1] > day(2100, 1, 1)
    (_, _, month), = date_mentions("what happened in February 2024")
    assert month == (day(2024, 2, 1), day(2024, 2, 29))
    assert date_mentions("on February 30, 2023 and in the year 2023") == []


def test_each_mention_owns_its_clause_and_date():
    plan = route("Between the Harbor Times report on the bridge published on March 3, 2024, and the "
                 "Valley Post report on the mayor published on March 9, 2024, did they agree?", OUTLETS)
    assert plan.outlets == ("Harbor Times", "Valley Post")
    first, second = plan.mentions
    assert first.outlet == "Harbor Times" and "bridge" in first.clause and "mayor" not in first.clause
    assert first.window == (day(2024, 3, 2), day(2024, 3, 4))
    assert second.outlet == "Valley Post" and "mayor" in second.clause and "bridge" not in second.clause
    assert second.window == (day(2024, 3, 8), day(2024, 3, 10))
    assert "2024" not in first.clause and "Harbor" not in first.clause


def test_one_outlet_with_two_dates_is_two_mentions():
    plan = route("Did the Harbor Times change its view between the analysis of the bridge published on "
                 "March 3, 2024, and the warning about the mayor issued on March 9, 2024?", OUTLETS)
    first, second = plan.mentions
    assert first.outlet == second.outlet == "Harbor Times"
    assert first.window == (day(2024, 3, 2), day(2024, 3, 4)) and "bridge" in first.clause
    assert second.window == (day(2024, 3, 8), day(2024, 3, 10)) and "mayor" in second.clause
    assert "mayor" not in first.clause and "bridge" not in second.clause


def test_joined_claims_about_one_outlet_are_separate_mentions():
    plan = route("Which company, facing questions about its finances according to the Harbor Times, is "
                 "expected to open a new store downtown and is also planning to hire two hundred workers?", OUTLETS)
    assert [m.outlet for m in plan.mentions] == ["Harbor Times", "Harbor Times"]
    assert "finances" in plan.mentions[0].clause and "hire" in plan.mentions[1].clause
    assert "hire" not in plan.mentions[0].clause
    (one,) = route("What did the Harbor Times say about bread and butter prices?", OUTLETS).mentions
    assert one.clause == "What did say about bread and butter prices?"


def test_an_outlet_named_after_its_claim_owns_that_claim():
    plan = route("Who is the banker whose departure from the bank was considered shocking according to the Harbor "
                 "Times, and is also the subject of a theory about the board as reported by the Valley Post?", OUTLETS)
    first, second = plan.mentions
    assert first.outlet == "Harbor Times" and "shocking" in first.clause and "board" not in first.clause
    assert second.outlet == "Valley Post" and "board" in second.clause and "shocking" not in second.clause
    assert not any(w in m.clause for m in plan.mentions for w in ("according", "reported", " by?"))


def test_outlets_named_together_share_their_claim():
    after = route("Which bakery doubled its bread prices this winter and is also closing its second shop, as "
                  "reported by both the Harbor Times and the Valley Post?", OUTLETS)
    by_outlet = {o: [m.clause for m in after.mentions if m.outlet == o] for o in after.outlets}
    assert by_outlet["Harbor Times"] == by_outlet["Valley Post"]
    assert any("bread" in c for c in by_outlet["Valley Post"]) and any("closing" in c for c in by_outlet["Valley Post"])
    before = route("Which bakery, reported by the Harbor Times and the Valley Post, doubled its bread prices?", OUTLETS)
    assert {m.outlet for m in before.mentions if "bread" in m.clause} == {"Harbor Times", "Valley Post"}


def test_a_claim_named_before_a_later_outlet_stays_with_the_earlier_one():
    plan = route("According to the Harbor Times, the bridge will close in May, while the mayor plans a new ferry "
                 "service as noted by the Valley Post?", OUTLETS)
    assert [m.outlet for m in plan.mentions] == ["Harbor Times", "Valley Post"]
    assert "bridge" in plan.mentions[0].clause and "ferry" not in plan.mentions[0].clause
    assert "ferry" in plan.mentions[1].clause and "bridge" not in plan.mentions[1].clause


def test_a_date_alone_is_a_mention_and_a_plain_question_has_none():
    (only,) = route("What was reported on March 9, 2024 about the mayor?", OUTLETS).mentions
    assert only.outlet is None and only.window == (day(2024, 3, 8), day(2024, 3, 10))
    assert route("Who is the mayor?", OUTLETS).mentions == ()


BRIDGE = "The {town} river bridge reopened to traffic after two years of repairs, engineers said."
MAYOR = "The mayor of {town} resigned on Friday after a row over the city budget, aides said."


@pytest.fixture(scope="module")
def routed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two outlets, each with a bridge story and a mayor story, published on different days."""
    corpus, index = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("index")
    stories = [("Harbor Times", "Bridge", "Dunmore", BRIDGE, "2024-03-03"),
               ("Harbor Times", "Mayor", "Dunmore", MAYOR, "2024-03-09"),
               ("Valley Post", "Bridge", "Eastbrook", BRIDGE, "2024-03-03"),
               ("Valley Post", "Mayor", "Eastbrook", MAYOR, "2024-03-09")]
    for n, (outlet, topic, town, template, published) in enumerate(stories):
        text = article_text(f"{topic} news from {town}", outlet, [template.format(town=town)], published=published)
        (corpus / f"{n}.md").write_text(text)
    qa.build_index(corpus, index)
    return index


def test_each_named_source_is_searched_with_its_own_clause(routed_index):
    passages = qa.retrieve("Does the Harbor Times article say the river bridge reopened to traffic, while the "
                           "Valley Post article says the mayor resigned over the budget?", k=4, index=routed_index)
    top = {(p.outlet, p.title.split()[0]) for p in passages[:2]}
    assert top == {("Harbor Times", "Bridge"), ("Valley Post", "Mayor")}


def test_a_named_date_picks_the_article_published_then(routed_index):
    for date, topic in (("March 3, 2024", "Bridge"), ("March 9, 2024", "Mayor")):
        passages = qa.retrieve(f"What did the Valley Post report published on {date} say happened in Eastbrook?",
                               k=2, index=routed_index)
        assert (passages[0].outlet, passages[0].title.split()[0]) == ("Valley Post", topic)


def test_a_date_no_article_matches_falls_back_to_the_outlet(routed_index):
    passages = qa.retrieve("What did the Valley Post publish on January 5, 2020 about the bridge?", k=2,
                           index=routed_index)
    assert passages and passages[0].outlet == "Valley Post" and passages[0].title.startswith("Bridge")


@pytest.fixture(scope="module")
def two_claim_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two outlets whose one article each reports both the bridge and the mayor."""
    corpus, index = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("index")
    for n, (outlet, town) in enumerate((("Harbor Times", "Dunmore"), ("Valley Post", "Eastbrook"))):
        para = BRIDGE.format(town=town) + " Separately, " + MAYOR.format(town=town)[0].lower() + \
            MAYOR.format(town=town)[1:]
        (corpus / f"{n}.md").write_text(article_text(f"{town} round-up", outlet, [para]))
    qa.build_index(corpus, index)
    return index


def test_each_source_is_quoted_for_its_own_claim(two_claim_index):
    result = qa.answer("Does the Harbor Times say the river bridge reopened to traffic after repairs, while the "
                       "Valley Post says the mayor resigned after a row over the budget?", index=two_claim_index)
    assert not result.abstained
    quotes = {g.outlet: g.quotes[0].text for g in result.outlets}
    assert "bridge" in quotes["Harbor Times"] and "mayor" not in quotes["Harbor Times"]
    assert "mayor" in quotes["Valley Post"] and "bridge" not in quotes["Valley Post"]
