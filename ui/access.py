"""Who may add articles to a served UI: the serving mode, the admin token and its constant-time check.

- **read-write**: served on loopback (this machine only) with no token: the Add tab as it always was.
- **admin token**: a token is set (``--admin-token`` or ``$QA_ADMIN_TOKEN``): the Add tab asks for it.
- **read-only**: served beyond loopback without a token, or ``--read-only``: no Add tab, and no
  endpoint of the Gradio API writes (none is registered; uploads are refused, see :mod:`ui.limits`).

Pages added through the UI are fetched with ``allow_private=False`` (no loopback, private,
link-local, ... addresses) unless ``--allow-private-urls``; ``--allow-url-host`` trusts named hosts.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

import qa
from ui.limits import RateLimiter

MIN_TOKEN_CHARS = 12
TOKEN_TRIES_PER_MINUTE = 5
LOOPBACK_NAMES = ("localhost", "localhost.")


def is_loopback(host: str) -> bool:
    """True when binding ``host`` serves this machine only (127.0.0.0/8, ``::1``, ``localhost``)."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Access:
    """The serving mode of one UI server.

    Attributes:
        host: The address the server binds.
        admin_token: The token that unlocks adding ("" when none).
        read_only: Forced read-only (``--read-only``), even on loopback and with a token.
        allow_private_urls: Let the Add tab fetch pages on private and loopback addresses (local use).
        allowed_url_hosts: Host names fetched whatever address they resolve to (an intranet site).
    """

    host: str = "127.0.0.1"
    admin_token: str = ""
    read_only: bool = False
    allow_private_urls: bool = False
    allowed_url_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.admin_token and len(self.admin_token) < MIN_TOKEN_CHARS:
            raise qa.ConfigError(f"the admin token is too short ({len(self.admin_token)} characters; at least "
                                 f"{MIN_TOKEN_CHARS})", field="admin_token",
                                 hint="use a long random one, e.g. `python -c 'import secrets; "
                                      "print(secrets.token_urlsafe(24))'`")

    @property
    def can_add(self) -> bool:
        """Whether the UI has an Add tab at all."""
        return not self.read_only and (is_loopback(self.host) or bool(self.admin_token))

    @property
    def needs_token(self) -> bool:
        """Whether adding asks for the admin token."""
        return self.can_add and bool(self.admin_token)

    def fetch_settings(self) -> qa.FetchSettings:
        """The limits of a page fetched through the Add tab."""
        return qa.FetchSettings(allowed_hosts=self.allowed_url_hosts)

    def mode_line(self) -> str:
        """One line for the server log: which mode is on and why."""
        if self.read_only:
            return "mode: read-only (--read-only): no Add tab, no endpoint that writes"
        if not self.can_add:
            return (f"mode: read-only: serving on {self.host} (beyond this machine) without an admin token, so "
                    "there is no Add tab and no endpoint that writes; --admin-token or $QA_ADMIN_TOKEN enables "
                    "adding behind a token")
        urls = ("pages on private addresses allowed (--allow-private-urls)" if self.allow_private_urls
                else "pages on public addresses only")
        if self.needs_token:
            return f"mode: admin token: adding articles asks for the admin token; {urls}"
        return (f"mode: read-write (this machine only): anyone on it can add articles; {urls} (behind a reverse "
                "proxy, use --read-only or an admin token)")


class TokenCheck:
    """Checks admin tokens in constant time; a client that keeps guessing is turned away for a minute."""

    def __init__(self, token: str, tries_per_minute: int = TOKEN_TRIES_PER_MINUTE) -> None:
        self._token = token.encode("utf-8")
        self._misses = RateLimiter(tries_per_minute)

    def refusal(self, given: object, client: str) -> str | None:
        """None when ``given`` is the token; else the message to show (wrong, or too many wrong tries)."""
        wait = self._misses.wait_time(client)
        if wait is not None:
            return f"too many wrong admin tokens from this address; try again in {wait:.0f} s"
        text = given if isinstance(given, str) else ""
        if hmac.compare_digest(text.strip().encode("utf-8"), self._token):
            return None
        self._misses.record(client)
        return "wrong admin token: adding articles on this server needs the admin token" if text.strip() else \
            "adding articles on this server needs the admin token: fill in the Admin token field"
