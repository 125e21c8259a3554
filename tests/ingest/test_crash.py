"""Crash safety for real (a `qa index` process killed with SIGKILL) and damaged-index detection."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import qa
from qa.cli import main
from qa.index.store import IndexStore, current_version
from tests.synth import write_synth_corpus

OLD_ARTICLES, NEW_ARTICLES, PARAGRAPHS = 30, 20, 8  # 240 indexed paragraphs, 160 to add


def _leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith((".tmp-", ".CURRENT.tmp-")))


def _start_build(corpus: Path, index: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    with open(log, "wb") as err:
        return subprocess.Popen([sys.executable, "-m", "qa.cli", "index", "--corpus", str(corpus),
                                 "--index", str(index)], stdout=subprocess.DEVNULL, stderr=err, env=env)


def _kill_when(proc: subprocess.Popen, ready, delay: float, timeout: float = 240) -> bool:
    """SIGKILL ``proc`` ``delay`` s after ``ready()`` first holds; False when it exited before that."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.0005)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def _assert_previous_index_serves(index: Path, old_version: Path, old_count: int, total: int) -> None:
    live = current_version(index)
    store = IndexStore.open(index)  # every file checked against the manifest
    assert len(store) == (old_count if live == old_version else total)
    store.close()
    hits = qa.retrieve("Which plan is known as zq3p2x?", k=3, index=index)
    assert any("zq3p2x" in p.text for p in hits)


@pytest.mark.slow
def test_kill_9_mid_embedding_and_mid_write_leaves_the_previous_index_usable(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_synth_corpus(corpus, OLD_ARTICLES, PARAGRAPHS)
    first = qa.build_index(corpus, index)
    assert first.passages == OLD_ARTICLES * PARAGRAPHS
    old_version = current_version(index)
    write_synth_corpus(corpus, NEW_ARTICLES, PARAGRAPHS, start=OLD_ARTICLES)
    total = (OLD_ARTICLES + NEW_ARTICLES) * PARAGRAPHS
    rng = random.Random(5)
    log = tmp_path / "stderr.txt"

    def embedding() -> bool:
        return log.exists() and b"embedding" in log.read_bytes()

    def writing() -> bool:
        return bool([p for p in os.scandir(index) if p.name.startswith(".tmp-")])

    def started() -> bool:
        return True

    # Random moments inside the phases that last long enough to hit on any machine: start-up (imports,
    # model load, reading the corpus: seconds) and the first batches of embedding.
    plan = [("mid-embedding", embedding, rng.uniform(0.0, 0.3)),
            ("start-up", started, rng.uniform(0.3, 2.0)),
            ("mid-embedding", embedding, rng.uniform(0.0, 0.3))]
    killed = []
    for what, ready, delay in plan:
        proc = _start_build(corpus, index, log)
        assert _kill_when(proc, ready, delay), f"{what}: the build ended before it could be killed"
        killed.append(what)
        _assert_previous_index_serves(index, old_version, first.passages, total)
    for _attempt in range(4):  # the write phase lasts tens of ms: catch it in the act
        proc = _start_build(corpus, index, log)
        assert _kill_when(proc, writing, 0.0), "the build ended before it could be killed"
        _assert_previous_index_serves(index, old_version, first.passages, total)
        if _leftovers(index):  # killed inside write_index: its temp dir is left behind
            killed.append("mid-write")
            break
    assert "mid-write" in killed, "never caught the build while it was writing"
    print(f"killed: {killed}; delays {[round(d, 2) for _, _, d in plan]}")
    assert current_version(index) == old_version
    stray = corpus / ".synth-0031.md.tmp-99999"  # what a `qa add` killed inside atomic_write_text leaves
    stray.write_text("half an article")

    done = subprocess.run([sys.executable, "-m", "qa.cli", "index", "-q", "--corpus", str(corpus),
                           "--index", str(index)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{OLD_ARTICLES + NEW_ARTICLES} articles, {total} passages" in done.stdout
    assert f"embedded {NEW_ARTICLES * PARAGRAPHS} new, reused {first.passages}" in done.stdout
    assert _leftovers(index) == [] and not stray.exists()  # the next build cleaned up after the killed ones
    assert [p.name for p in index.iterdir() if p.name.startswith("v-")] == [current_version(index).name]
    assert len(IndexStore.open(index)) == total
    hits = qa.retrieve("Which plan is known as zq45p6x?", k=3, index=index)
    assert any("zq45p6x" in p.text for p in hits)


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_manifest(version: Path, **changes) -> None:
    path = version / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


DAMAGE = {
    "truncated faiss": lambda v: (v / "dense.faiss").write_bytes((v / "dense.faiss").read_bytes()[:64]),
    "flipped byte in sqlite": lambda v: _flip(v / "passages.sqlite"),
    "flipped byte in bm25": lambda v: _flip(next(p for p in sorted((v / "bm25").iterdir()) if p.suffix == ".npy")),
    "ids.npy deleted": lambda v: (v / "ids.npy").unlink(),
    "manifest count mismatch": lambda v: _edit_manifest(v, count=json.loads((v / "manifest.json").read_text())
                                                        ["count"] + 1),
    "manifest format mismatch": lambda v: _edit_manifest(v, format_version=99),
    "manifest not JSON": lambda v: (v / "manifest.json").write_text("{garbage"),
    "CURRENT points nowhere": lambda v: (v.parent / "CURRENT").write_text("v-19990101T000000\n"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_gives_a_clear_error_and_rebuild_recovers(seed_corpus, seed_index, tmp_path, capsys, damage):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    DAMAGE[damage](current_version(index))
    question = "Can foreign women be recruited?"
    with pytest.raises(ValueError, match=r"qa index --rebuild"):
        qa.answer(question, index=index)
    assert main(["ask", question, "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "qa index --rebuild" in err

    assert main(["index", "--rebuild", "-q", "--corpus", str(seed_corpus), "--index", str(index)]) == 0
    assert main(["ask", question, "--index", str(index)]) == 0
    assert "Foreign women can also be recruited" in capsys.readouterr().out
    assert len([p for p in index.iterdir() if p.name.startswith("v-")]) == 1


def test_plain_qa_index_also_recovers_a_damaged_index(seed_corpus, seed_index, tmp_path, caplog):
    index = tmp_path / "index"
    shutil.copytree(seed_index, index)
    _flip(current_version(index) / "dense.faiss")
    stats = qa.build_index(seed_corpus, index)
    assert "previous index unusable" in caplog.text and stats.reused == 0
    assert IndexStore.open(index).manifest["count"] == stats.passages
