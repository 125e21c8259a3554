"""qa calibrate-reader's output: the calibration stored in reader.json and described in the model card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answering.settings import ReaderSettings
from qa.train.calibrate import _write

pytestmark = pytest.mark.fast


def test_the_card_states_the_gate_with_its_support_inputs_and_the_windows_read(tmp_path: Path) -> None:
    (tmp_path / "reader.json").write_text(json.dumps({"max_len": 192}))
    (tmp_path / "MODEL_CARD.md").write_text("# Reader\n\nTrained here.\n\n## Calibration (answer confidence)\nold\n")
    answering = {"calibration": [-3.9, 0.2, -0.7, 5.5], "abstain_below": 0.05,
                 "span_calibration": [-2.3, 0.1, 3.1, 0.7, 0.84, 1.7, 0.25], "show_span_above": 0.82,
                 "lead_window_words": 150}
    report = {"command": "qa calibrate-reader --squad S", "questions": 10, "quotes": 50, "null_abstained": 0.8,
              "multihop_answerable_abstained": 0.02, "squad_abstained": 0.004, "squad_span_precision": 0.91,
              "squad_span_shown": 0.365, "multihop_span_precision": 0.94, "multihop_span_shown": 0.2}
    _write(tmp_path, answering, report)
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert card.startswith("# Reader\n\nTrained here.") and "\nold\n" not in card  # its section replaced, once
    assert card.count("## Calibration (answer confidence)") == 1
    assert "0.8400·agree + 1.7000·lead + 0.2500·logit(overlap)) >= 0.8200" in card
    assert "150 words of whole sentences around the first-ranked passage's best quote and 60 around" in card
    config = json.loads((tmp_path / "reader.json").read_text())
    settings = ReaderSettings.from_config(config["answering"])
    assert settings.lead_window_words == 150 and len(settings.span_calibration) == 7
