"""A smaller reader from a trained one: layers kept, soft targets, and the whole recipe from the command line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from qa.train.distill import keep_layers, match_layers, reader_loss  # noqa: E402
from tests.train.test_train_reader import _train  # noqa: E402


@pytest.fixture(scope="module")
def base() -> str:
    from qa.train.__main__ import prepare_process

    return prepare_process()


def _batch(n: int = 3, width: int = 24) -> dict[str, list]:
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 5000, (n, width), generator=g)
    mask = torch.ones(n, width, dtype=torch.long)
    mask[0, 18:] = 0  # one padded row
    types = torch.zeros(n, width, dtype=torch.long)
    types[:, 8:] = 1
    return {"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "token_type_ids": types.tolist(),
            "start": [9, 0, 12], "end": [10, 0, 15]}


def test_kept_layers_are_the_named_ones_and_reload_into_a_smaller_model(base: str) -> None:
    from qa.train.loop import build_model

    model = build_model(base).eval()
    originals = [model.bert.encoder.layer[i] for i in (0, 2, 5)]
    keep_layers(model, [0, 2, 5])
    assert list(model.bert.encoder.layer) == originals and model.bert.config.num_hidden_layers == 3
    # what export does: a model built from the 6-layer base takes the saved layer count and gives the same logits
    small = build_model(base, attn="eager").eval()
    match_layers(small, model.state_dict())
    small.load_state_dict(model.state_dict())
    b = {k: torch.tensor(v) for k, v in _batch().items()}
    with torch.no_grad():
        a = model(b["input_ids"], b["attention_mask"], b["token_type_ids"])
        c = small(b["input_ids"], b["attention_mask"], b["token_type_ids"])
    assert all(torch.allclose(x, y, atol=1e-4) for x, y in zip(a, c, strict=True))
    for bad in ([], [0, 0], [3, 6], [-1]):
        with pytest.raises(ValueError, match=r"distinct layers among 0\.\.2"):
            keep_layers(small, bad)


def test_soft_targets_vanish_for_the_teacher_itself_and_mix_by_weight(base: str) -> None:
    from qa.train.loop import build_model

    device = torch.device("cpu")
    model = build_model(base).eval()
    b = _batch()
    hard = reader_loss(model, b, device)
    assert reader_loss(model, b, device, model, 0.0).item() == pytest.approx(hard.item())
    # the teacher's own distributions: KL 0, so the loss is the hard part's share only
    assert reader_loss(model, b, device, model, 0.5).item() == pytest.approx(0.5 * hard.item(), rel=1e-4)
    other = copy.deepcopy(model)
    torch.nn.init.normal_(other.qa_outputs.weight, std=0.5)
    assert reader_loss(model, b, device, other, 1.0).item() > 0.01


def test_a_smaller_reader_trains_from_a_bigger_one_and_exports(tmp_path: Path) -> None:
    from qa.train.export import load_best
    from qa.train.loop import TrainConfig

    first = _train(tmp_path, tmp_path / "first", "--epochs", "2")
    small = _train(tmp_path, tmp_path / "small", "--epochs", "1", "--init-from", str(tmp_path / "first" / "best.pt"),
                   "--keep-layers", "0,5", "--distill", "0.5")
    assert small["config"]["keep_layers"] == [0, 5] and small["config"]["distill"] == 0.5
    saved = torch.load(tmp_path / "small" / "best.pt", map_location="cpu")
    assert {k.split(".")[3] for k in saved if k.startswith("bert.encoder.layer.")} == {"0", "1"}
    # its two layers came from the trained reader: it starts far below a fresh head's loss (~log(96) = 4.6)
    assert small["losses"][0] < first["losses"][0] - 1.0
    cfg = TrainConfig(**{k: v for k, v in small["config"].items() if k != "extra"})
    assert len(load_best(cfg).bert.encoder.layer) == 2
    # the smaller reader continued (no --keep-layers): the model takes its two layers
    more = _train(tmp_path, tmp_path / "more", "--epochs", "1", "--init-from", str(tmp_path / "small" / "best.pt"))
    assert more["losses"][0] < first["losses"][0] - 1.0
    state = json.loads((tmp_path / "small" / "state.json").read_text())
    assert state["config"]["temperature"] == 2.0


def test_layer_numbers_are_checked_on_the_command_line(tmp_path: Path) -> None:
    from qa.train.__main__ import parse_args

    assert parse_args(["--data", "x", "--keep-layers", "0,2,5"]).keep_layers == [0, 2, 5]
    with pytest.raises(SystemExit):
        parse_args(["--data", "x", "--keep-layers", "0,two"])
