import json
import shutil
import subprocess
import sys

import pytest

from qa.cli import COMMANDS, main
from tests.conftest import SEEDS


@pytest.mark.fast
def test_every_command_is_in_the_table_and_has_help(capsys):
    names = [c.name for c in COMMANDS]
    assert names == ["index", "add", "ask", "chat", "serve", "remove", "differences", "eval", "bench", "train-reader",
                     "calibrate-reader"]
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    listed = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command.name:<8}" in listed or f"    {command.name} " in listed, command.name
        with pytest.raises(SystemExit) as exc:
            main([command.name, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: qa " + command.name)
        assert command.passthrough or command.description[:40] in " ".join(out.split())


@pytest.mark.fast
def test_unknown_command_and_bad_meta_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2 and "invalid choice: 'frobnicate'" in capsys.readouterr().err
    assert main(["add", str(tmp_path / "x.md"), "--meta", "novalue", "--corpus", str(tmp_path / "c"),
                 "--index", str(tmp_path / "i")]) == 2
    assert capsys.readouterr().err == "qa add: error: --meta 'novalue': expected KEY=VALUE\n"
    assert not (tmp_path / "c").exists()


def test_ask_prints_quote_outlet_and_title(seed_index, capsys):
    assert main(["ask", "Which ministry does the National Guard belong to?", "--index", str(seed_index)]) == 0
    out = capsys.readouterr().out
    assert "“The National Guard is a part of the Interior Ministry" in out
    assert "Kyiv Independent" in out and "Foreigners allowed to serve in Ukraine's National Guard" in out


def test_ask_json_has_offsets(seed_index, capsys):
    assert main(["ask", "Which ministry does the National Guard belong to?", "--json",
                 "--index", str(seed_index), "--outlet", "Newsweek"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["abstained"] is False
    for q in data["quotes"]:
        assert q["passage"]["text"][q["start"]:q["end"]] == q["text"]
        assert q["outlet"] == "Newsweek"


def test_ask_abstains_plainly(seed_index, capsys):
    assert main(["ask", "Who won the 2024 Super Bowl?", "--index", str(seed_index)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("None of the 3 indexed articles answers this.") and "Closest passages" in out


def test_bad_question_exits_2(seed_index, capsys):
    assert main(["ask", "   ", "--index", str(seed_index)]) == 2
    assert "question is empty" in capsys.readouterr().err


def test_add_raw_seed_then_answer_from_it(tmp_path, capsys):
    corpus, index = tmp_path / "c", tmp_path / "i"
    rc = main(["add", str(SEEDS / "003_e84124bbd18ba557.txt"), "--corpus", str(corpus), "--index", str(index),
               "--outlet", "ZeroHedge", "--author", "Tyler Durden", "--published", "2024-02-22", "-q"])
    assert rc == 0
    (path,) = corpus.glob("*.md")
    text = path.read_text()
    assert text.startswith("---\ntitle: Zelensky Opens Ukraine's National Guard To Foreigners")
    assert "outlet: ZeroHedge" in text and "Tyler Durden's Photo" not in text
    capsys.readouterr()
    assert main(["ask", "Can foreign women be recruited?", "--index", str(index)]) == 0
    assert "Foreign women can also be recruited" in capsys.readouterr().out


def test_add_without_outlet_is_refused_and_changes_nothing(seed_corpus, tmp_path, capsys):
    corpus = tmp_path / "c"
    shutil.copytree(seed_corpus, corpus)
    before = sorted(p.name for p in corpus.iterdir())
    rc = main(["add", str(SEEDS / "000_f7b22849e1d550b6.txt"), "--corpus", str(corpus),
               "--index", str(tmp_path / "i"), "-q"])
    assert rc == 2
    assert "no outlet" in capsys.readouterr().err
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert not (tmp_path / "i").exists()


def test_console_script_runs_as_a_process(seed_index):
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ask", "Can foreign women be recruited?",
                           "--index", str(seed_index)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ZeroHedge" in proc.stdout


@pytest.mark.fast
def test_answer_to_dict_is_the_json_of_qa_ask():
    from qa import Answer, OutletQuotes, Passage, Quote

    p = Passage(id=7, article_id="a1", outlet="Newsweek", title="T", url="", published="2024-02-21", paragraph=0,
                text="Zelensky signed the decree on Feb. 21.", score=0.5)
    q = Quote(text="Zelensky signed the decree", start=0, end=26, score=0.9, passage=p, answer_start=0, answer_end=8)
    data = Answer(question="Who signed?", quotes=(q,), abstained=False, outlets=(OutletQuotes("Newsweek", (q,)),),
                  n_articles=3, passages=(p,)).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["quotes"][0] == {"text": "Zelensky signed the decree", "start": 0, "end": 26, "score": 0.9,
                                 "outlet": "Newsweek", "answer_text": "Zelensky", "answer_start": 0, "answer_end": 8,
                                 "passage": {"id": 7, "article_id": "a1", "outlet": "Newsweek", "title": "T", "url": "",
                                             "published": "2024-02-21", "paragraph": 0,
                                             "text": "Zelensky signed the decree on Feb. 21.", "score": 0.5,
                                             "author": ""}}
    assert data["outlets"] == [{"outlet": "Newsweek", "quotes": ["Zelensky signed the decree"]}]
    assert (data["question"], data["abstained"], data["n_articles"]) == ("Who signed?", False, 3)
    assert (data["answer_text"], data["answer_outlet"], data["answer_passage_id"], data["answer_start"],
            data["answer_end"]) == ("Zelensky", "Newsweek", 7, 0, 8)


@pytest.mark.fast
def test_printed_quotes_are_not_quoted_twice(capsys):
    from qa import Answer, OutletQuotes, Passage, Quote
    from qa.cli.commands import print_answer

    text = '"Anyone who wants to join can come," Zelensky said. The guard is part of the ministry.'
    p = Passage("p1", "a1", "Newsweek", "Title", "", "2024-02-21", 0, text)
    spoken = Quote(text[:51], 0, 51, 0.9, p)
    plain = Quote(text[52:], 52, len(text), 0.8, p)
    print_answer(Answer("q?", (spoken, plain), False, (OutletQuotes("Newsweek", (spoken, plain)),)), 5)
    out = capsys.readouterr().out
    assert '\n  "Anyone who wants to join can come," Zelensky said.\n' in out and '“"' not in out
    assert "“The guard is part of the ministry.”" in out
