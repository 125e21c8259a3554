"""Read article files of any supported format into :class:`~qa.types.Article` objects.

Supported inputs:
    * ``.md`` / ``.txt`` with YAML front matter (our corpus format; body already clean);
    * ``.md`` / ``.txt`` without front matter: a raw page scrape, cleaned by :mod:`qa.ingest.clean`;
    * ``.json`` (one article object or a list) and ``.jsonl`` (one object per line) with fields
      ``title, outlet|source, author, published|published_at, url, body|text``;
    * ``.html`` / ``.htm``: main text and metadata extracted with trafilatura.

Every failure raises :class:`~qa.errors.ArticleError` (a ``ValueError``) naming the file (``source``),
the field at fault when there is one (``field``) and what to do (``hint``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from qa.errors import ArticleError
from qa.ingest.clean import clean_paragraphs, clean_scrape, normalize_space
from qa.ingest.webpage import page_fields
from qa.types import Article

MAX_FILE_BYTES = 50 * 1024 * 1024  # a file may hold many articles (.json/.jsonl)
MAX_ARTICLE_CHARS = 1_000_000  # one article: ~150k words, far beyond any news story; more is a mis-import
HTML_OVERHEAD = 4  # an HTML page may be this many times its article's length
TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
JSON_SUFFIXES = {".json", ".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES
META_FIELDS = ("title", "outlet", "author", "published", "url")
_ALIASES = {"source": "outlet", "published_at": "published", "date": "published", "text": "body"}
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
OUTLET_HINT = "give one with --outlet NAME (or an 'outlet:' field)"


def read_articles(path: str | Path, **metadata: str) -> list[Article]:
    """Read every article in one file.

    Args:
        path: A ``.md``, ``.txt``, ``.json``, ``.jsonl`` or ``.html`` file.
        **metadata: ``title``, ``outlet``, ``author``, ``published``, ``url`` to fill fields the
            file does not give (values in the file win), plus any extra front-matter fields.

    Returns:
        The articles, cleaned.

    Raises:
        ArticleError: The file is missing, empty, binary, not UTF-8, malformed, an article has
            no outlet or no body text, or ``published`` is not a YYYY-MM-DD date (:func:`check_published`).
    """
    check_metadata(metadata)
    path = Path(path)
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix not in JSON_SUFFIXES:
        _check_length(len(text), MAX_ARTICLE_CHARS * (HTML_OVERHEAD if suffix in HTML_SUFFIXES else 1), str(path))
    if suffix in JSON_SUFFIXES:
        records = _json_records(text, path, jsonl=suffix == ".jsonl")
        many = len(records) > 1
        return [article_from_fields(r, metadata, path, f"article {i + 1}" if many else "")
                for i, r in enumerate(records)]
    if suffix in HTML_SUFFIXES:
        return [_from_html(text, path, metadata)]
    return [parse_markdown(text, str(path), **metadata)]


def parse_markdown(text: str, source: str = "<text>", **metadata: str) -> Article:
    """Parse Markdown/plain text, with optional YAML front matter, into an Article.

    Text with front matter is taken as an already clean body (paragraphs separated by blank
    lines). Text without it is treated as a raw page scrape and cleaned.

    Raises:
        ArticleError: Binary text, malformed front matter, no outlet or no body.
    """
    if "\x00" in text:
        raise ArticleError("looks like a binary file, not an article", source=source)
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise ArticleError(f"front matter is not valid YAML ({exc.__class__.__name__})", source=source,
                               hint="fix the block between the '---' lines") from None
        if not isinstance(front, dict):
            raise ArticleError("front matter must be 'key: value' lines", source=source)
        body_text = text[match.end():]
        paragraphs = clean_paragraphs(re.split(r"\n\s*\n", body_text))
        captions = front.pop("captions", None) or []
        record = {**front, "body": paragraphs, "captions": captions}
        return article_from_fields(record, metadata, source)
    cleaned = clean_scrape(text, title=metadata.get("title", ""))
    record = {"title": cleaned.title, "body": cleaned.paragraphs, "captions": cleaned.captions,
              "author": cleaned.author}
    return article_from_fields(record, metadata, source)


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise ArticleError("no such file", source=path)
    if path.suffix.lower() not in SUFFIXES:
        raise ArticleError(f"unsupported file type {path.suffix!r}", source=path,
                           hint="use one of " + ", ".join(sorted(SUFFIXES)))
    size = path.stat().st_size
    if size == 0:
        raise ArticleError("the file is empty", source=path)
    if size > MAX_FILE_BYTES:
        raise ArticleError(f"{size / 1e6:.0f} MB is over the {MAX_FILE_BYTES // 2**20} MiB limit", source=path)
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise ArticleError("looks like a binary file, not an article", source=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8 text (byte {exc.start})", source=path,
                           hint="convert it, e.g. iconv -f latin1 -t utf-8") from None
    if not text.strip():
        raise ArticleError("the file holds only whitespace", source=path)
    return text


def _json_records(text: str, path: Path, jsonl: bool) -> list[Mapping[str, Any]]:
    try:
        if jsonl:
            data: Any = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                           source=path) from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(r, dict) for r in records):
        raise ArticleError("expected an article object or a list of article objects", source=path)
    return records


def _from_html(text: str, path: Path, metadata: Mapping[str, str]) -> Article:
    return article_from_fields(page_fields(text, path), metadata, path)


def article_from_fields(record: Mapping[str, Any], defaults: Mapping[str, str], source: str | Path,
                        item: str = "") -> Article:
    """An Article from one record's fields (``body``, ``title``, ``outlet``, ... and extra ones), checked.

    Args:
        record: The fields as read (aliases such as ``source`` for ``outlet`` allowed).
        defaults: Fields to fill where the record has none.
        source: The file or address, for error messages.
        item: Names the record within a file of several (e.g. ``"article 2"``), for messages.

    Raises:
        ArticleError: No outlet, no body text, or a body over the length limit.
    """
    what = item or "the article"
    fields: dict[str, Any] = {}
    for key, value in record.items():
        fields[_ALIASES.get(key, key)] = value
    for key, value in defaults.items():
        if value not in (None, "") and fields.get(key) in (None, ""):
            fields[key] = value
    body = fields.pop("body", None)
    if isinstance(body, str):
        body = clean_paragraphs(re.split(r"\n\s*\n", body)) if "\n\n" in body else clean_paragraphs(
            body.split("\n"))
    elif isinstance(body, Iterable):
        body = clean_paragraphs([str(p) for p in body])
    else:
        body = []
    meta = {k: _as_text(fields.pop(k, "")) for k in META_FIELDS}
    if not meta["outlet"]:
        raise ArticleError(f"{what} has no outlet", source=source, hint=OUTLET_HINT, field="outlet")
    if not body:
        raise ArticleError(f"{what} has no body text", source=source, field="body")
    _check_length(sum(map(len, body)), MAX_ARTICLE_CHARS, source, item)
    if not meta["title"]:
        meta["title"] = body[0][:120]
    meta["published"] = normalize_date(meta["published"])
    captions = tuple(normalize_space(str(c)) for c in (fields.pop("captions", None) or []) if str(c).strip())
    extra = {k: v for k, v in fields.items() if v not in (None, "")}
    return Article(body=tuple(body), captions=captions, extra=extra, **meta)


def _check_length(n: int, limit: int, source: str | Path, item: str = "") -> None:
    if n > limit:
        raise ArticleError((f"{item}: " if item else "") + f"{n:,} characters is over the {limit:,} limit "
                           "for one article", source=source, field="body",
                           hint="is it several articles in one file? Split it, or import them as a .json list")


def _as_text(value: Any) -> str:
    return "" if value is None else normalize_space(str(value))


def check_published(value: str) -> str:
    """The one rule for a publication date given by hand (``qa add --published``, the UI's form).

    It must start with a real ISO date, ``YYYY-MM-DD`` (a time may follow, as in ISO datetimes).

    Returns:
        The value, stripped.

    Raises:
        ArticleError: It is not such a date (``field="published"``).
    """
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    try:
        dt.date.fromisoformat(match.group(1) if match else "")
    except ValueError:
        raise ArticleError(f"publication date {text!r} is not a real date written YYYY-MM-DD (e.g. 2024-02-21)",
                           field="published", hint="give --published YYYY-MM-DD") from None
    return text


def given_metadata(metadata: Mapping[str, str] | None = None, **fields: str | None) -> dict[str, str]:
    """The fields given by hand as one dict: ``metadata`` (any front-matter fields), then the explicit
    ``outlet``/``title``/``author``/``published``/``url`` arguments that are not None.

    Raises:
        ArticleError: ``metadata`` is not a mapping of names to text.
    """
    if metadata is not None and (not isinstance(metadata, Mapping) or not all(isinstance(k, str) for k in metadata)):
        raise ArticleError("metadata must map field names to values", field="metadata",
                           hint='pass metadata={"section": "World"}; outlet, title, ... have their own arguments')
    return {**(metadata or {}), **{k: v for k, v in fields.items() if v is not None}}


def check_metadata(metadata: Mapping[str, Any]) -> None:
    """Check the fields given by hand (``qa add`` flags, the UI's form) before anything is read or fetched.

    Raises:
        ArticleError: ``published`` is not a YYYY-MM-DD date (:func:`check_published`).
    """
    if metadata.get("published"):
        check_published(metadata["published"])


def normalize_date(value: str) -> str:
    """Return ``YYYY-MM-DD`` for any string that starts with an ISO date, else the string as is."""
    match = _ISO_DATE.match(value.strip())
    return match.group(1) if match else value.strip()
