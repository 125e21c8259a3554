"""`make browser` (scripts/ensure-browser.sh): Chromium is installed as root, or one line says how.

`id` and `apt-get` are replaced by stubs on PATH (this machine cannot uninstall its Chromium); the stub
apt-get records its calls and "installs" by creating the browser file the script checks.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.fast

SCRIPT = ROOT / "scripts" / "ensure-browser.sh"
INSTALL = "DEBIAN_FRONTEND=noninteractive apt-get update && apt-get install -y chromium"


def _stubs(tmp_path: Path, uid: int, browser: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text(
        f'#!/bin/sh\necho "$DEBIAN_FRONTEND apt-get $*" >> {tmp_path / "apt.log"}\n'
        f'if [ "$1" = install ]; then printf "#!/bin/sh\\n" > {browser}; chmod +x {browser}; fi\n')
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    return bin_dir


def _run(tmp_path: Path, uid: int, browser: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{_stubs(tmp_path, uid, browser)}:{os.environ['PATH']}",
           "CHROMIUM": str(browser)}
    return subprocess.run(list(command or [str(SCRIPT)]), cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_missing_browser_as_non_root_prints_the_command_and_fails(tmp_path: Path) -> None:
    browser = tmp_path / "nonexistent" / "chromium"
    proc = _run(tmp_path, 1000, browser, "make", "-s", "browser")
    assert proc.returncode != 0
    (line,) = proc.stderr.splitlines()[:1]
    assert f"{browser} is missing" in line and INSTALL in line
    assert not (tmp_path / "apt.log").exists()  # nothing attempted


def test_missing_browser_as_root_is_installed_with_apt_get(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    proc = _run(tmp_path, 0, browser)
    assert proc.returncode == 0, proc.stderr
    assert f"{browser} is missing: installing Debian's chromium" in proc.stdout
    assert f"installed {browser}" in proc.stdout
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "noninteractive apt-get update", "noninteractive apt-get install -y chromium"]


def test_present_browser_installs_nothing(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    proc = _run(tmp_path, 0, browser)
    assert proc.returncode == 0 and "found" in proc.stdout
    assert not (tmp_path / "apt.log").exists()


def test_make_test_checks_the_browser_and_ci_only_calls_make_test() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "\ntest: browser " in makefile and "scripts/ensure-browser.sh" in makefile
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == "exec make test" and "apt-get" not in "\n".join(ci)
