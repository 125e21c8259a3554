"""Which reader answers: the one shipped in the repository, another directory, or none (QA_READER)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import qa
from qa.model import config, get_reader

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_reader_is_in_the_repository_and_loads_by_default(monkeypatch):
    monkeypatch.delenv("QA_READER", raising=False)
    assert config.READER_DIR == ROOT / "models" / "reader"
    for name in ("model.onnx", "tokenizer.json", "reader.json", "MODEL_CARD.md"):
        assert (config.READER_DIR / name).is_file(), name
    assert (config.READER_DIR / "model.onnx").stat().st_size <= 35 * 2**20
    reader = get_reader()
    assert reader is not None and Path(reader.path).resolve() == config.READER_DIR.resolve()
    assert get_reader() is reader  # loaded once per process
    assert qa.reader_configured()


def test_qa_reader_none_falls_back_to_the_sentence_scorer(monkeypatch, seed_index):
    monkeypatch.setenv("QA_READER", "none")
    assert get_reader() is None and not qa.reader_configured()
    result = qa.answer("Who signed the decree allowing foreigners into the National Guard?", index=seed_index)
    assert not result.abstained and all(q.answer_start == -1 for q in result.quotes)
    with pytest.raises(qa.ConfigError, match="no reader"):
        qa.read_answers("Who?", ["Someone did."])


def test_a_wrong_qa_reader_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_READER", str(tmp_path))
    with pytest.raises(qa.ConfigError, match="QA_READER=none"):
        get_reader()


def test_answering_with_the_reader_never_imports_torch(seed_index):
    code = ("import sys, qa; r = qa.answer('Who signed the decree?', index=sys.argv[1]); "
            "assert qa.reader_configured(); print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('torch', 'transformers', 'sentence_transformers')))")
    out = subprocess.run([sys.executable, "-c", code, str(seed_index)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
