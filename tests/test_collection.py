"""Every test file runs: the README's test command collects each ``tests/**/test_*.py``.

pytest silently skips folders named ``build``, ``dist``, ``venv``, ``node_modules``, ... (``norecursedirs``);
a test folder with such a name would never run, and nothing would say so. This collects the suite the way
``make test`` runs it and compares with the files on disk.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def collected_files(root: Path, *args: str) -> set[str]:
    """The test files ``python -m pytest --collect-only`` collects when run in ``root`` (relative paths)."""
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *args], cwd=root,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 5), out.stdout[-3000:] + out.stderr[-3000:]
    return {line.split("::", 1)[0] for line in out.stdout.splitlines() if "::" in line}


def uncollected(root: Path, *args: str) -> list[str]:
    """Test files under ``root/tests`` that the test command does not collect."""
    on_disk = {p.relative_to(root).as_posix() for p in (root / "tests").rglob("test_*.py")}
    return sorted(on_disk - collected_files(root, *args))


def test_every_test_file_is_collected_by_the_readme_command() -> None:
    missing = uncollected(ROOT)  # `make test` runs `python -m pytest -q -ra` here
    assert missing == [], f"never run by `make test`: {missing}"


def test_the_check_finds_a_test_folder_pytest_skips(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    for folder in ("tests/ok", "tests/build"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "test_one.py").write_text("def test_one():\n    assert True\n")
    assert uncollected(tmp_path, "-p", "no:cacheprovider") == ["tests/build/test_one.py"]
