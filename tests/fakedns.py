"""A fake DNS resolver for tests: made-up names map to loopback addresses; no other name resolves.

The one mock the request-forgery tests allow (issue 21): it replaces ``socket.getaddrinfo`` so that a
name such as ``news.example.test`` "resolves" to 127.0.0.1, and no lookup ever leaves the machine.
IP literals and ``localhost`` still go to the real resolver (they need no network). In a server
subprocess it is installed from ``$QA_TEST_FAKE_DNS`` (``name=ip,name=ip``) by :data:`SERVE_WITH_FAKE_DNS`.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

ENV = "QA_TEST_FAKE_DNS"
REAL_GETADDRINFO = socket.getaddrinfo
# `python -c` program that installs the fake resolver, then runs `qa` with the remaining arguments
SERVE_WITH_FAKE_DNS = ("import sys, tests.fakedns as d; d.install_from_env(); from qa.cli import main; "
                       "sys.exit(main(sys.argv[1:]))")


class FakeDNS:
    """Answers for made-up names; each name may get a different answer on each lookup (a DNS change).

    Attributes:
        answers: Name -> the addresses of each successive lookup (the last one repeats).
        lookups: The names looked up, in order.
    """

    def __init__(self, answers: Mapping[str, Sequence[str] | Sequence[Sequence[str]]]) -> None:
        self.answers = {name.lower(): [[a] if isinstance(a, str) else list(a) for a in given]
                        for name, given in answers.items()}
        self.lookups: list[str] = []

    def getaddrinfo(self, host: object, port: object, family: int = 0, type: int = 0, proto: int = 0,
                    flags: int = 0) -> list:
        name = (host.decode() if isinstance(host, bytes) else str(host or "")).lower().rstrip(".")
        if name in self.answers:
            self.lookups.append(name)
            rounds = self.answers[name]
            addresses = rounds[min(len([n for n in self.lookups if n == name]) - 1, len(rounds) - 1)]
            number = int(port) if isinstance(port, int) or str(port).isdigit() else 0
            return [_info(a, number) for a in addresses]
        if name == "localhost" or _is_ip(name):
            return REAL_GETADDRINFO(host, port, family, type, proto, flags)
        raise socket.gaierror(socket.EAI_NONAME, f"Name or service not known (fake DNS: {name})")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _info(address: str, port: int) -> tuple:
    if ":" in address:
        return socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0)
    return socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port)


@contextmanager
def fake_dns(answers: Mapping[str, Sequence[str] | Sequence[Sequence[str]]]) -> Iterator[FakeDNS]:
    """Resolve with :class:`FakeDNS` inside the block (in this process)."""
    dns = FakeDNS(answers)
    socket.getaddrinfo = dns.getaddrinfo
    try:
        yield dns
    finally:
        socket.getaddrinfo = REAL_GETADDRINFO


def install_from_env(environ: Mapping[str, str] = os.environ) -> Callable[..., list] | None:
    """Install the fake resolver for the names in ``$QA_TEST_FAKE_DNS`` (``name=ip,...``) for the whole process."""
    spec = environ.get(ENV, "")
    if not spec:
        return None
    answers = {}
    for item in spec.split(","):
        name, _, address = item.partition("=")
        answers[name.strip()] = [address.strip()]
    socket.getaddrinfo = FakeDNS(answers).getaddrinfo
    return socket.getaddrinfo


@contextmanager
def loopback_only() -> Iterator[list[tuple]]:
    """Inside the block, record every socket connection and refuse any to a non-loopback address (a safety net)."""
    connects: list[tuple] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: tuple) -> None:
        connects.append(tuple(address))
        host = str(address[0]) if isinstance(address, tuple) else ""
        if not (_is_ip(host) and ipaddress.ip_address(host.split("%")[0]).is_loopback):
            raise AssertionError(f"a test tried to connect to {address}: only loopback is allowed")
        real_connect(sock, address)

    socket.socket.connect = connect
    try:
        yield connects
    finally:
        socket.socket.connect = real_connect
