"""Which addresses a guarded fetch may connect to: resolve the host once, refuse non-public addresses, pin.

The UI fetches pages for whoever can reach it, so a page address must not make the server talk to
itself, its private network or a cloud metadata service (server-side request forgery). Before each
request of a guarded fetch (the first one and every redirect), :func:`pin` resolves the host name,
refuses it when any of its addresses is loopback, private, link-local, multicast, reserved,
unspecified or otherwise not globally routable (IPv4 and IPv6, IPv4 inside IPv6 included), and
returns the request to send **to the address it checked**: the URL names that IP, the ``Host``
header and the TLS server name (SNI, certificate check) keep the host name. A DNS answer that
changes between the check and the connection therefore cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from dataclasses import dataclass, field

from qa.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REFUSED_HINT = "give the address of the article's page on its public site"
_EMBEDDING_V4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::ffff:0:0/96"))  # NAT64, mapped


@dataclass(frozen=True)
class Pinned:
    """One request of a guarded fetch, bound to the address that was checked.

    Attributes:
        url: The address to request, its host replaced by the checked IP (unchanged when not pinned).
        address: The IP connected to ("" when not pinned).
        headers: Extra request headers (``Host``: the original host and port).
        extensions: httpx request extensions (``sni_hostname`` for https).
    """

    url: str
    address: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def address_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched from (``"loopback"``, ``"private"``, ...), or None when it is public."""
    embedded = _embedded_v4(ip)
    if embedded is not None:
        return address_kind(embedded)
    for kind, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                       ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("reserved", ip.is_reserved), ("site-local", getattr(ip, "is_site_local", False)),
                       ("private", ip.is_private)):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


def _embedded_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), else None."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _EMBEDDING_V4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` stands for: itself when it is an IP literal, else what the system resolver says.

    Raises:
        FetchError: ``reason="unreachable"`` when the name does not resolve.
    """
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"could not resolve the host name {host} ({exc})", reason="unreachable",
                         hint="check the address and the network connection") from None
    found: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if ip not in found:
            found.append(ip)
    return found


def pin(url: str, source: str, allowed_hosts: Collection[str] = ()) -> Pinned:
    """Resolve the host of ``url``, refuse non-public addresses, and bind the request to the checked address.

    Args:
        url: The address about to be requested (already checked to be http(s) with a host).
        source: The address the user gave (differs from ``url`` after a redirect; named in the message).
        allowed_hosts: Host names trusted whatever they resolve to (an intranet site); still pinned.

    Returns:
        The request to send: to the first resolved address, with the original ``Host`` and TLS name.

    Raises:
        FetchError: ``reason="private_address"`` when the host is or resolves to a non-public address,
            ``reason="unreachable"`` when it does not resolve; no connection has been made then.
    """
    import httpx  # only adding from the web needs it

    parsed = httpx.URL(url)
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except FetchError as exc:
        raise FetchError(exc.problem, source=source, reason=exc.reason, hint=exc.hint) from None
    if not addresses:
        raise FetchError(f"the host name {host} has no address", source=source, reason="unreachable",
                         hint="check the address")
    if host.lower().rstrip(".") not in {h.lower().rstrip(".") for h in allowed_hosts}:
        for ip in addresses:
            kind = address_kind(ip)
            if kind is not None:
                raise FetchError(_refusal(host, ip, kind, url if url != source else ""), source=source,
                                 reason="private_address", hint=REFUSED_HINT)
    ip = addresses[0]
    headers = {"Host": parsed.netloc.decode("ascii")}
    extensions = {"sni_hostname": host} if parsed.scheme == "https" else {}
    return Pinned(url=str(parsed.copy_with(host=str(ip))), address=str(ip), headers=headers, extensions=extensions)


def _refusal(host: str, ip: IPAddress, kind: str, redirected: str) -> str:
    article = "an" if kind[0] in "aeiou" else "a"
    what = f"{host} is {article} {kind} address" if host.strip("[]") == str(ip) else \
        f"{host} resolves to {ip}, {article} {kind} address"
    via = f" (redirected to {redirected})" if redirected else ""
    return f"refused: {what}{via} (this server fetches public web pages only)"
