"""A real HTTP server on 127.0.0.1, in a thread, serving realistic news pages and feeds for tests.

Routes (``ROUTES`` plus a few special ones) cover every case ``qa add URL`` / ``qa add --feed URL``
must handle: a news page with site name, publication time, canonical link and page furniture; RSS
2.0 and Atom feeds; 404, not-HTML, too big (with and without Content-Length), no article text,
redirects (good, loop, to ftp://) and a page that answers too slowly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HTML = "text/html; charset=utf-8"
PAGES = Path(__file__).resolve().parent / "data" / "pages"
OUTLET = "The Harbour Courier"
CANONICAL = "https://www.harbourcourier.example/news/2024/03/05/gullrock-lighthouse-restored"


def news_page(title: str, paragraphs: list[str], *, site: str | None = "The Harbour Courier",
              published: str = "2024-03-05T09:30:00+00:00", canonical: str | None = CANONICAL) -> str:
    """A news page as outlets serve them: metadata in the head, the story among menus and footers."""
    head = [f"<title>{title} | {site or 'News'}</title>",
            '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta property="og:title" content="{title}">', '<meta property="og:type" content="article">',
            '<meta name="author" content="Marta Lindqvist">']
    if site:
        head.append(f'<meta property="og:site_name" content="{site}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    if canonical:
        head += [f'<link rel="canonical" href="{canonical}">', f'<meta property="og:url" content="{canonical}">']
    story = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  {chr(10).join(head)}
  <link rel="stylesheet" href="/static/site.css">
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head>
<body class="article-page">
  <div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy">Accept all</a></div>
  <header class="site-header">
    <a class="logo" href="/">{site or "News"}</a>
    <nav class="main-nav"><ul>
      <li><a href="/news">News</a></li><li><a href="/business">Business</a></li>
      <li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li>
      <li><a href="/subscribe">Subscribe for 1 euro a week</a></li>
    </ul></nav>
  </header>
  <main>
    <article class="story">
      <h1>{title}</h1>
      <div class="byline">By <a href="/authors/marta-lindqvist">Marta Lindqvist</a>, Coastal affairs reporter
        <time datetime="{published}">5 March 2024</time></div>
{story}
    </article>
    <aside class="related">
      <h2>Related stories</h2>
      <ul><li><a href="/news/ferry-timetable">Winter ferry timetable announced</a></li>
      <li><a href="/news/harbour-fees">Harbour fees to rise in April</a></li></ul>
    </aside>
  </main>
  <footer class="site-footer">
    <div class="newsletter">Sign up for our morning newsletter. <form><input type="email"></form></div>
    <p>© 2024 {site or "News"} Media Group. All rights reserved. <a href="/terms">Terms</a> ·
      <a href="/privacy">Privacy</a> · <a href="/contact">Contact us</a></p>
  </footer>
</body>
</html>
"""


STORY_TITLE = "Gullrock lighthouse to be restored after council vote"
STORY = [
    "The harbour council of Vesterby voted seven to two on Monday evening to restore the Gullrock "
    "lighthouse, which has stood dark since a storm wrecked its lantern room in 2019.",
    "The restoration will cost 4.2 million euros and will be paid for by the regional heritage fund, "
    "council leader Henrik Aasland told reporters after the vote.",
    "Work on the tower is due to begin in June, and the light should shine again by the autumn of 2025, "
    "according to the council's engineering department.",
    "Fishermen from the island have campaigned for the light's return for five years, saying that "
    "satellite navigation alone is not enough in the winter fog that often covers the strait.",
    "Two councillors voted against the plan, arguing that the money would be better spent on repairing "
    "the ferry pier, which has been closed to heavy vehicles since January.",
]
FEED_STORIES = {
    "ferry": ("New ferry Nordlys enters service on the Vesterby route", [
        "The new electric ferry Nordlys made its first crossing to Vesterby on Tuesday morning with 212 "
        "passengers and 40 cars on board, the ferry company said.",
        "The ship was built at the Kvalsund yard for 31 million euros and replaces the diesel ferry "
        "Stormfuglen, which served the route for thirty-eight years.",
        "The crossing now takes twenty-two minutes, four minutes less than before, and the ferry charges "
        "its batteries at the quay during each stop.",
    ]),
    "school": ("Vesterby school wins national robotics prize", [
        "Pupils from Vesterby secondary school won the national robotics championship in Trondheim on "
        "Saturday with a robot that sorts plastic waste from fishing nets.",
        "The team of six students, led by physics teacher Ingrid Solberg, beat forty-one other schools "
        "and will represent the country at the European final in Lisbon in May.",
        "The school plans to test the robot on the harbour's recycling line over the summer holidays.",
    ]),
}


def feed_page(key: str) -> str:
    """The page of one feed story, with its own canonical address."""
    title, paragraphs = FEED_STORIES[key]
    return news_page(title, paragraphs, published="2024-03-07T08:00:00Z",
                     canonical=f"https://www.harbourcourier.example/news/2024/03/07/{key}")


def rss_feed(base: str) -> str:
    """An RSS 2.0 feed of the two feed stories (links on this server)."""
    items = "".join(f"""
    <item><title>{FEED_STORIES[k][0]}</title><link>{base}/feed/{k}.html</link>
      <guid isPermaLink="false">hc-{k}</guid><pubDate>Thu, 07 Mar 2024 08:00:00 GMT</pubDate>
      <description>{FEED_STORIES[k][1][0][:80]}…</description></item>""" for k in FEED_STORIES)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel><title>The Harbour Courier - Latest</title><link>{base}/</link>
    <description>News from Vesterby and the strait</description><language>en</language>{items}
  </channel>
</rss>
"""


def atom_feed(base: str) -> str:
    """An Atom 1.0 feed: the main story, and one feed story again (which must be skipped as known)."""
    entries = "".join(f"""
  <entry><title>{title}</title><link rel="alternate" type="text/html" href="{base}/{path}"/>
    <id>urn:hc:{path}</id><updated>2024-03-07T08:00:00Z</updated><summary>{title}</summary></entry>"""
                      for title, path in ((STORY_TITLE, "story.html"), (FEED_STORIES["ferry"][0], "feed/ferry.html")))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>The Harbour Courier</title><id>urn:hc:feed</id><updated>2024-03-07T08:00:00Z</updated>
  <link rel="self" href="{base}/atom.xml"/>{entries}
</feed>
"""


EMPTY_PAGE = """<!DOCTYPE html><html><head><title>Subscribe</title>
<meta property="og:site_name" content="The Harbour Courier"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><div id="app"></div>
<footer>© 2024 The Harbour Courier</footer></body></html>"""


@dataclass
class Site:
    """The running server: its base URL, how long /slow.html keeps a client waiting, the paths requested."""

    base: str
    slow_seconds: float = 3.0
    requests: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"


def _routes(site: Site) -> dict[str, tuple[int, dict[str, str], bytes]]:
    base = site.base
    page = news_page(STORY_TITLE, STORY).encode()
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {
        "/story.html": (200, {"Content-Type": HTML}, page),
        "/amp/story.html": (200, {"Content-Type": HTML}, page.replace(b"Monday evening", b"Monday night")),
        "/syndicated/story.html": (200, {"Content-Type": HTML}, news_page(
            STORY_TITLE, STORY, site="Coastal Wire", canonical=f"{base}/syndicated/story.html").encode()),
        "/plain-story.html": (200, {"Content-Type": "application/xhtml+xml"}, news_page(
            "Pier closed to lorries", [*STORY[4:], "The pier will reopen to lorries when the repairs are finished."],
            site=None, canonical=None, published="").encode()),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, rss_feed(base).encode()),
        "/atom.xml": (200, {"Content-Type": "application/atom+xml"}, atom_feed(base).encode()),
        "/data.json": (200, {"Content-Type": "application/json"}, b'{"title": "not a page"}'),
        "/empty.html": (200, {"Content-Type": HTML}, EMPTY_PAGE.encode()),
        "/huge.html": (200, {"Content-Type": HTML}, b"<html><body>" + b"<p>filler text</p>" * 400_000),
        "/not-a-feed.xml": (200, {"Content-Type": "application/xml"}, b"<?xml version='1.0'?><config><a/></config>"),
        "/loop": (302, {"Location": "/loop2"}, b""),
        "/loop2": (302, {"Location": f"{base}/loop"}, b""),
        "/moved": (301, {"Location": "/story.html"}, b""),
        "/to-ftp": (302, {"Location": "ftp://127.0.0.1/story.html"}, b""),
        # request forgery through redirects (issue 21): to this machine, to a name that resolves to it, to metadata
        "/to-loopback": (302, {"Location": f"{base}/story.html"}, b""),
        "/to-loopback-v6": (302, {"Location": base.replace("127.0.0.1", "[::1]") + "/story.html"}, b""),
        "/to-sneaky": (302, {"Location": base.replace("127.0.0.1", "sneaky.example.test") + "/story.html"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/feed-with-bad-item.xml": (200, {"Content-Type": "text/xml"}, rss_feed(base).replace(
            "/feed/school.html", "/missing.html").encode()),
    }
    for key in FEED_STORIES:
        routes[f"/feed/{key}.html"] = (200, {"Content-Type": HTML}, feed_page(key).encode())
    for page in PAGES.glob("*.html"):  # pages reproducing real outlets' furniture (tests/data/pages)
        routes[f"/pages/{page.name}"] = (200, {"Content-Type": HTML}, page.read_bytes())
    return routes


@contextmanager
def serve_site(tls: tuple[str, str] | None = None) -> Iterator[Site]:
    """Serve the test site on a free port of 127.0.0.1 in a daemon thread; stop it afterwards.

    Args:
        tls: ``(certificate file, key file)``: serve https with them (``site.base`` stays ``http://`` + port;
            callers build their https address). ``site.hosts`` records each request's ``Host`` header.
    """
    site = Site(base="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.requests.append(self.path)
            site.hosts.append(self.headers.get("Host", ""))
            if self.path == "/slow.html":
                time.sleep(site.slow_seconds)
            if self.path == "/chunked-huge.html":  # no Content-Length: the client must count
                self.send_response(200)
                self.send_header("Content-Type", HTML)
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for _ in range(2000):
                        self.wfile.write(b"<p>" + b"x" * 4096 + b"</p>")
                except OSError:
                    pass  # the client hung up past its limit, as it should
                self.close_connection = True
                return
            routes = _routes(site)
            path = "/story.html" if self.path == "/slow.html" else self.path
            status, headers, body = routes.get(path, (404, {"Content-Type": HTML}, b"<h1>Not found</h1>"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(OSError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client hanging up early (size limit, timeout) is expected here

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
