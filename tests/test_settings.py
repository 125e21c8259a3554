"""One Settings tree, one Answerer, the environment read in one place, one error family (issue 18)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest

import qa
from qa.index.settings import IndexSettings, bm25_idf
from tests.conftest import ROOT

# Faces may read the environment (and set library switches for their own process); nothing below them does.
ENV_FACES = ("qa/config.py", "qa/cli/", "qa/tools/", "qa/train/__main__.py", "ui/")


@pytest.mark.fast
def test_only_the_faces_touch_the_environment() -> None:
    found = []
    for path in sorted([*ROOT.glob("qa/**/*.py"), *ROOT.glob("ui/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            uses = (isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv", "putenv")) or \
                (isinstance(n, ast.ImportFrom) and n.module == "os" and any(a.name in ("environ", "getenv")
                                                                            for a in n.names))
            if uses and not rel.startswith(ENV_FACES):
                found.append(f"{rel}:{n.lineno}")
    assert found == []


@pytest.mark.fast
def test_config_reads_every_variable_from_one_mapping(tmp_path: Path) -> None:
    env = {"QA_INDEX": str(tmp_path / "i"), "QA_CORPUS": "c", "QA_READER": "none", "QA_ANN_THRESHOLD": "7",
           "QA_BACKEND": "ONNX", "QA_SERVER_BATCH": "3"}
    config = qa.Config.from_env(env)
    assert (config.index, config.corpus, config.reader, config.encoder_backend) == (tmp_path / "i", Path("c"),
                                                                                   "none", "onnx")
    assert config.ann_threshold == 7 and config.server_batch == 3 and config.default_index() == tmp_path / "i"
    assert qa.Config.from_env({**env, "QA_BACKEND_URL": "postgresql://x/db"}).default_index() == "postgresql://x/db"
    assert qa.Settings.from_env(config).index.vectors.ann_threshold == 7
    with pytest.raises(qa.ConfigError, match="QA_ANN_THRESHOLD"):
        qa.Config.from_env({"QA_ANN_THRESHOLD": "many"})


@pytest.mark.fast
def test_settings_change_by_section_and_refuse_unknown_fields() -> None:
    base = qa.Settings()
    changed = base.updated(retrieval={"pool": 200}, quotes={"abstain_below": 0.3},
                           index={"bm25": {"k1": 1.5}})
    assert (changed.retrieval.pool, changed.quotes.abstain_below, changed.index.bm25.k1) == (200, 0.3, 1.5)
    assert base.retrieval.pool == 100 and base.quotes.abstain_below == 0.2  # frozen: the original is unchanged
    assert changed.retrieval.rrf_k == base.retrieval.rrf_k and changed.reader is None
    with pytest.raises(TypeError, match="pol"):
        base.updated(retrieval={"pol": 1})
    with pytest.raises(TypeError, match="section"):
        base.updated(fusion={"pool": 1})
    with pytest.raises(qa.ConfigError):
        base.updated(index={"bm25": {"idf": "tfidf"}})


@pytest.mark.fast
def test_one_idf_formula_and_its_variants() -> None:
    df, n = np.array([0, 1, 5, 10]), 10
    assert np.allclose(bm25_idf(df, n), np.log(1 + (n - df + 0.5) / (df + 0.5)))
    assert np.allclose(bm25_idf(df, n, "robertson"), np.log((n - df + 0.5) / (df + 0.5)))
    assert bm25_idf(df, n, "atire")[2] == pytest.approx(np.log(2))
    assert IndexSettings.from_manifest({}) == IndexSettings()  # an index written before settings were recorded
    recorded = IndexSettings().to_manifest()
    assert json.loads(json.dumps(recorded)) == recorded and IndexSettings.from_manifest(recorded) == IndexSettings()


@pytest.mark.fast
def test_unknown_keywords_are_type_errors_not_metadata(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        qa.add_urls(["http://127.0.0.1:9/x"], corpus=tmp_path, index=tmp_path / "i", allow_privat=False)
    with pytest.raises(TypeError):
        qa.add_articles([tmp_path / "a.txt"], corpus=tmp_path, index=tmp_path / "i", section="World")
    with pytest.raises(qa.ArticleError, match="metadata"):
        qa.add_articles([tmp_path / "a.txt"], corpus=tmp_path, index=tmp_path / "i", metadata=["section"])


@pytest.mark.fast
def test_errors_are_one_family() -> None:
    assert not issubclass(qa.IndexOutdated, qa.IndexCorrupted) and issubclass(qa.IndexOutdated, qa.QAError)
    assert qa.IndexOutdated("old").hint == qa.IndexCorrupted("x").hint


def test_metadata_dict_reaches_the_front_matter(fake_encoder, seed_corpus: Path, tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("The harbour bridge reopened on Monday after two years of repairs, the city said.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    qa.add_articles([story], corpus=corpus, index=tmp_path / "index", outlet="Harbor Times",
                    metadata={"section": "City"})
    text = next(corpus.glob("*.md")).read_text()
    assert "outlet: Harbor Times" in text and "section: City" in text and "allow_private" not in text


def test_an_answerer_is_built_once_and_uses_its_settings(fake_index: Path) -> None:
    question = "Who signed the decree allowing foreigners into the National Guard?"
    default = qa.Answerer(fake_index, reader=False)
    assert default.answer(question) == qa.Answerer(fake_index, reader=False).answer(question)
    assert default.retrieve(question, 3) == list(default.answer(question, 3).passages[:3])
    strict = qa.Answerer(fake_index, qa.Settings().updated(quotes={"abstain_below": 1.01}), reader=False)
    assert strict.answer(question).abstained and not default.answer(question).abstained
    one = qa.Answerer(fake_index, qa.Settings().updated(retrieval={"pool": 1, "pool_per_k": 1}), reader=False)
    assert len(one.retrieve(question, 2)) == 2  # a smaller candidate pool still fills k
    with pytest.raises(qa.QuestionError):
        default.retrieve(question, 0)
    assert default.settings.reader is not None  # the reader's settings, filled in


def test_qa_answer_is_the_default_answerer(fake_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_READER", "none")
    question = "Who signed the decree allowing foreigners into the National Guard?"
    assert qa.answer(question, index=fake_index) == qa.Answerer(fake_index, reader=False).answer(question)
    assert not qa.reader_configured()


@pytest.mark.fast
def test_followup_settings_are_used() -> None:
    from qa.answering.followup import referents, resolve_followup
    from qa.answering.settings import FollowupSettings

    signed = [qa.Turn("Who signed the decree allowing foreigners into the National Guard?",
                      answer="Volodymyr Zelensky")]
    assert resolve_followup("When did he sign it?", signed) == "When did Volodymyr Zelensky sign the decree?"
    assert resolve_followup("When did he sign it?", signed, settings=FollowupSettings(history_turns=0)) == \
        "When did he sign it?"  # no turn of the conversation is read
    asked = [qa.Turn("What does the new foreign fighters decree allow?", answer="x")]
    assert referents(asked).topic == "the new foreign fighters"
    assert referents(asked, settings=FollowupSettings(topic_words=1)).topic == "the new"
