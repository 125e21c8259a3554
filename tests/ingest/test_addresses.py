"""Request forgery: a guarded fetch (``allow_private=False``) refuses non-public addresses before connecting.

Only loopback traffic: the refused addresses (169.254.169.254, 10.0.0.1, ...) are refused before any
connection, which :func:`tests.fakedns.loopback_only` checks; made-up names resolve through
:class:`tests.fakedns.FakeDNS` (no lookup leaves the machine).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator

import pytest

import qa
from qa.ingest.addresses import address_kind, pin
from qa.ingest.fetch import fetch
from tests.fakedns import fake_dns, loopback_only
from tests.website import STORY, Site

pytestmark = pytest.mark.fast

ALLOWED = "news.example.test"  # trusted by the settings below; the fake DNS maps it to 127.0.0.1
TRUSTING = qa.FetchSettings(allowed_hosts=(ALLOWED,))


@pytest.fixture
def guarded(site: Site) -> Iterator[tuple[list[tuple], Callable[[], list[str]]]]:
    """Fake DNS for the test names, every connection recorded (non-loopback ones fail the test); yields
    ``(connections, a function giving the paths the site served since)``."""
    served_before = len(site.requests)
    with fake_dns({ALLOWED: ["127.0.0.1"], "sneaky.example.test": ["127.0.0.1"],
                   "mixed.example.test": [["93.184.215.14", "10.1.2.3"]]}), loopback_only() as connects:
        yield connects, lambda: site.requests[served_before:]


def _port(site: Site) -> str:
    return site.base.rsplit(":", 1)[1]


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"), ("10.0.0.1", "private"),
    ("172.16.5.4", "private"), ("192.168.1.20", "private"), ("fc00::7", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.251", "multicast"),
    ("239.1.2.3", "multicast"), ("ff02::1", "multicast"), ("240.0.0.1", "reserved"), ("0.0.0.0", "unspecified"),
    ("::", "unspecified"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::a00:1", "private"), ("2002:7f00:1::1", "loopback"), ("100.64.0.1", "non-public"),
    ("fec0::1", "site-local"), ("93.184.215.14", None), ("2606:4700:4700::1111", None), ("8.8.8.8", None),
])
def test_every_kind_of_non_public_address_is_named(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


def _refused(url: str, **kwargs) -> qa.FetchError:
    with pytest.raises(qa.FetchError) as exc:
        fetch(url, allow_private=False, **kwargs)
    err = exc.value
    assert err.reason == "private_address" and "\n" not in str(err), str(err)
    return err


def test_loopback_private_link_local_and_metadata_addresses_are_refused_before_connecting(site: Site,
                                                                                          guarded) -> None:
    connects, served = guarded
    port = _port(site)
    for url, said in ((site.url("story.html"), "127.0.0.1 is a loopback address"),
                      (f"http://[::1]:{port}/story.html", "::1 is a loopback address"),
                      ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
                      ("http://10.0.0.1/", "10.0.0.1 is a private address"),
                      ("http://[fe80::1]/", "fe80::1 is a link-local address"),
                      ("http://0.0.0.0:80/", "0.0.0.0 is an unspecified address"),
                      ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
                      (f"http://sneaky.example.test:{port}/story.html",
                       "sneaky.example.test resolves to 127.0.0.1, a loopback address"),
                      ("http://mixed.example.test/", "mixed.example.test resolves to 10.1.2.3, a private address")):
        err = _refused(url)
        assert err.problem == f"refused: {said} (this server fetches public web pages only)", err.problem
        assert err.source == url and err.hint == "give the address of the article's page on its public site"
    assert connects == [] and served() == []  # nothing left the process


def test_a_redirect_from_an_allowed_host_is_checked_again(site: Site, guarded) -> None:
    connects, served = guarded
    base = f"http://{ALLOWED}:{_port(site)}"
    for path, said in (("to-loopback", f"127.0.0.1 is a loopback address (redirected to {site.url('story.html')})"),
                       ("to-loopback-v6", "::1 is a loopback address"),
                       ("to-sneaky", "sneaky.example.test resolves to 127.0.0.1"),
                       ("to-metadata", "169.254.169.254 is a link-local address (redirected to "
                                       "http://169.254.169.254/latest/meta-data/)")):
        err = _refused(f"{base}/{path}", settings=TRUSTING)
        assert said in err.problem and err.source == f"{base}/{path}"
    assert served() == ["/to-loopback", "/to-loopback-v6", "/to-sneaky", "/to-metadata"]  # never /story.html
    assert {c[0] for c in connects} == {"127.0.0.1"}


def test_an_allowed_host_is_fetched_from_the_address_that_was_checked(site: Site) -> None:
    base = f"http://{ALLOWED}:{_port(site)}"
    # the name would point elsewhere on a second lookup (a DNS change): the connection uses the first answer
    with fake_dns({ALLOWED: ["127.0.0.1", "127.0.0.3"]}) as dns, loopback_only() as connects:
        got = fetch(f"{base}/story.html", allow_private=False, settings=TRUSTING)
    assert STORY[0].encode() in got.body and got.url == f"{base}/story.html"
    assert dns.lookups == [ALLOWED] and [c[0] for c in connects] == ["127.0.0.1"]
    with fake_dns({ALLOWED: ["127.0.0.1"]}) as dns:  # a redirect on the same host is checked again
        got = fetch(f"{base}/moved", allow_private=False, settings=TRUSTING)
    assert got.url == f"{base}/story.html" and dns.lookups == [ALLOWED, ALLOWED]


def test_the_pinned_request_keeps_the_host_name_for_the_host_header_and_tls() -> None:
    with fake_dns({"public.example.test": ["93.184.215.14"]}), loopback_only() as connects:
        hop = pin("https://public.example.test:8443/news/a?id=7", "https://public.example.test:8443/news/a?id=7")
        v6 = pin("http://[2606:4700:4700::1111]/x", "http://[2606:4700:4700::1111]/x")
    assert hop.url == "https://93.184.215.14:8443/news/a?id=7" and hop.address == "93.184.215.14"
    assert hop.headers == {"Host": "public.example.test:8443"} and hop.extensions == {"sni_hostname":
                                                                                        "public.example.test"}
    assert v6.url == "http://[2606:4700:4700::1111]/x" and v6.extensions == {}
    assert connects == []  # pinning resolves and checks; it connects to nothing


def test_an_unknown_name_is_unreachable_not_refused(guarded) -> None:
    with pytest.raises(qa.FetchError) as exc:
        fetch("http://nowhere.example.test/story", allow_private=False)
    assert exc.value.reason == "unreachable"
    assert "could not resolve the host name nowhere.example.test" in str(exc.value)


def test_private_addresses_stay_allowed_by_default_for_the_library_and_the_cli(site: Site) -> None:
    assert STORY[0].encode() in fetch(site.url("to-loopback")).body  # allow_private=True: today's behaviour


def test_add_urls_with_allow_private_false_refuses_and_writes_nothing(site: Site, seed_corpus, tmp_path,
                                                                     guarded) -> None:
    import shutil

    from tests.synth import snapshot

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seed_corpus, corpus)
    index.mkdir()
    before = snapshot(corpus, index)
    for url in (site.url("story.html"), "http://169.254.169.254/", f"http://{ALLOWED}:{_port(site)}/to-loopback"):
        with pytest.raises(qa.FetchError) as exc:
            qa.add_urls([url], corpus=corpus, index=index, allow_private=False, settings=TRUSTING)
        assert exc.value.reason == "private_address"
    with pytest.raises(qa.FetchError) as exc:
        qa.add_feed(site.url("feed.xml"), corpus=corpus, index=index, allow_private=False)
    assert exc.value.reason == "private_address"
    with pytest.raises(qa.FetchError):
        qa.fetch_article("http://[::1]/story", allow_private=False)
    assert snapshot(corpus, index) == before


def test_https_is_pinned_too_and_the_certificate_is_checked_against_the_host_name(tmp_path, monkeypatch) -> None:
    import subprocess

    from tests.website import serve_site

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", str(key),
                    "-out", str(cert), "-subj", f"/CN={ALLOWED}", "-addext", f"subjectAltName=DNS:{ALLOWED}"],
                   check=True, capture_output=True, timeout=60)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx trusts the test certificate, and only it
    with serve_site(tls=(str(cert), str(key))) as tls_site:
        url = f"https://{ALLOWED}:{_port(tls_site)}/story.html"
        with fake_dns({ALLOWED: ["127.0.0.1", "127.0.0.3"]}) as dns, loopback_only() as connects:
            got = fetch(url, allow_private=False, settings=TRUSTING)
        assert STORY[0].encode() in got.body and got.url == url
        assert dns.lookups == [ALLOWED] and [c[0] for c in connects] == ["127.0.0.1"]
        assert tls_site.hosts == [f"{ALLOWED}:{_port(tls_site)}"]  # the Host header names the host, not the IP
        with fake_dns({"other.example.test": ["127.0.0.1"]}), pytest.raises(qa.FetchError) as exc:
            fetch(url.replace(ALLOWED, "other.example.test"), allow_private=False,
                  settings=qa.FetchSettings(allowed_hosts=("other.example.test",)))
        assert exc.value.reason == "unreachable" and "certificate" in exc.value.problem.lower()  # checked by name
