"""What a news page says about its article outside the extracted text: JSON-LD, meta tags, the title.

trafilatura reads the story and most metadata; this module reads what it misses or gets wrong on real
pages: the JSON-LD ``articleBody`` of pages whose story is rendered by script, the *published* date
(never the modified one), the people named as authors (an organisation is not a byline) and the
publisher's name, and a title's site suffix (" | DW | 19.01.2020").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "backgroundnewsarticle", "scholarlyarticle", "report", "techarticle"}
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "publishdate", "pubdate",
                   "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date")
_DATE_LIKE = re.compile(r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+\w{3,9}\.?\s+\d{4}"
                        r"|\w{3,9}\.?\s+\d{1,2},?\s+\d{4})$")
_TITLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+")


@dataclass(frozen=True)
class PageMeta:
    """The fields one page's JSON-LD and meta tags give (each "" when the page has none)."""

    body: str = ""
    headline: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    publisher: str = ""
    byline: str = ""
    listing: bool = False
    site_name: str = ""
    page_title: str = ""


def read_page_meta(html: str | bytes) -> PageMeta:
    """The JSON-LD article and the published-date meta tags of a page (an unparsable page gives ``PageMeta()``)."""
    from lxml import html as lxml_html  # trafilatura's own parser; heavy, only needed for HTML

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError, SyntaxError):
        return PageMeta()
    nodes = list(_json_ld(tree))
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}  # Yoast-style @graph references
    article = next((n for n in nodes if _is_article(n)), {})
    og_type = _meta_content(tree, "og:type").casefold()
    listing = not article and (any(_is_listing(n) for n in nodes)
                               or (og_type == "website" and len(tree.xpath("//article")) >= 3))
    published = _text(article.get("datePublished")) or _meta_published(tree)
    return PageMeta(body=_text(article.get("articleBody")), headline=_text(article.get("headline")),
                    published=published, authors=tuple(_people(article.get("author"), by_id)),
                    publisher=_name(_resolve(article.get("publisher"), by_id)), byline=_visible_byline(tree),
                    listing=listing, site_name=_meta_content(tree, "og:site_name"),
                    page_title=(tree.findtext(".//title") or "").strip())


def strip_title_suffix(title: str, names: tuple[str, ...]) -> str:
    """``title`` without trailing " | Site" and " | date" parts: "Story | DW | 19.01.2020" → "Story".

    Args:
        title: The page's title.
        names: Names of the site (site name, publisher, host): a trailing part equal to one of them
            (or to a domain's first label: "DW" for "dw.com") is dropped, as is a trailing date.
    """
    title = title.strip()
    keys = {_key(n) for n in names if n} | {_key(n.split(".")[0]) for n in names if n and "." in n}
    keys |= {"".join(w[0] for w in n.split()).casefold() for n in names if len(n.split()) > 1}  # "Deutsche Welle"
    keys.discard("")
    cuts = list(_TITLE_SEPARATOR.finditer(title))
    end = len(title)
    while cuts:
        last = title[cuts[-1].end():end].strip()
        if not (_DATE_LIKE.match(last) or _key(last) in keys):
            break
        end = cuts.pop().start()
    return title[:end].strip()


def title_brand(title: str, site: str) -> str:
    """The brand a title ends with when it names the site's domain: ("Story | DW | 19.01.2020", "DW.COM") → "DW"."""
    label = _key(site.split(".")[0]) if "." in site and " " not in site else ""
    if not label:
        return ""
    return next((p.strip() for p in _TITLE_SEPARATOR.split(title)[1:] if _key(p) == label), "")


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue
        yield from _nodes(data)


def _is_listing(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.casefold() in ("collectionpage", "itemlist") for k in kinds)


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, dict):
        yield data
        yield from _nodes(data.get("@graph"))


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.casefold() in _ARTICLE_TYPES for k in kinds)


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """A ``{"@id": …}`` reference replaced by the node it names (lists element by element)."""
    if isinstance(value, list):
        return [_resolve(v, by_id) for v in value]
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(value["@id"], value)
    return value


def _people(value: Any, by_id: dict[str, dict[str, Any]]) -> Iterator[str]:
    value = _resolve(value, by_id)
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            yield item.strip()
        elif isinstance(item, dict) and str(item.get("@type", "Person")).casefold() == "person" and _name(item):
            yield _name(item)


def _name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return _text(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _meta_content(tree: Any, prop: str) -> str:
    return next((m.get("content", "").strip() for m in tree.xpath(f'//meta[@property="{prop}"]')), "")


def _meta_published(tree: Any) -> str:
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").casefold()
        if key in _PUBLISHED_META and meta.get("content", "").strip():
            return meta.get("content").strip()
    for node in tree.xpath('//*[@itemprop="datePublished"]'):
        value = node.get("datetime") or node.get("content") or ""
        if value.strip():
            return value.strip()
    return ""


def _visible_byline(tree: Any) -> str:
    """The author named in the page's byline element ("By Jane Roe", ``rel=author``), "" when none."""
    nodes = tree.xpath('//a[@rel="author"] | //*[@itemprop="author"] | //*[contains(@class, "byline")]'
                       ' | //*[contains(@class, "author")]')
    for node in nodes:
        text = re.sub(r"\s+", " ", node.text_content()).strip()
        text = re.sub(r"^(?:by|author|authors|von)\b:?\s*", "", text, flags=re.IGNORECASE)
        text = re.split(r"\s*(?:,|\||\s[-–—]\s)\s*", text)[0].strip()
        if 1 < len(text.split()) <= 6 and text[:1].isupper() and not re.search(r"\d", text):
            return text
    return ""
