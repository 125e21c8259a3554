"""The corpus directory: one Markdown file with YAML front matter per article.

The file stem is the article id. Files are written atomically and never overwritten silently.
The format is exactly what :func:`render` writes, and :func:`parse_article` reads it back strictly:
the body is taken as clean (importing and cleaning other formats is :mod:`qa.ingest.readers`'s job).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import yaml

from qa.errors import ArticleError
from qa.fsio import fsync_dir
from qa.types import Article

CORPUS_SUFFIX = ".md"
META_FIELDS = ("title", "outlet", "author", "published", "url")
REQUIRED = ("title", "outlet")
FIX_HINT = "fix the file (format: '---', YAML fields, '---', blank line, paragraphs separated by blank lines)"


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case ASCII slug of ``text`` (letters, digits and dashes), at most ``limit`` chars."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "article"


def article_id(article: Article) -> str:
    """A readable, stable id: date, outlet and title slugs plus a short hash of the body."""
    digest = hashlib.blake2b("\n\n".join(article.body).encode(), digest_size=4).hexdigest()
    parts = [article.published[:10] if re.match(r"\d{4}-\d{2}-\d{2}", article.published) else "",
             slugify(article.outlet, 24), slugify(article.title, 48), digest]
    return "-".join(p for p in parts if p)


def render(article: Article) -> str:
    """The corpus-file text of an article: YAML front matter, then paragraphs separated by blank lines."""
    front: dict[str, object] = {
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "published": article.published,
        "url": article.url,
    }
    for key, value in article.extra.items():
        front.setdefault(key, value if isinstance(value, (str, int, float, bool)) else str(value))
    if article.captions:
        front["captions"] = list(article.captions)
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{head}---\n\n" + "\n\n".join(article.body) + "\n"


def write_article(article: Article, corpus: Path) -> Path:
    """Write one article into the corpus directory (atomically) and return its path."""
    corpus.mkdir(parents=True, exist_ok=True)
    path = corpus / f"{article_id(article)}{CORPUS_SUFFIX}"
    atomic_write_text(path, render(article))
    return path


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file, fsync and rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def remove_temp_files(corpus: Path) -> list[Path]:
    """Delete temp files that an interrupted :func:`atomic_write_text` left in the corpus; return them.

    Only call this while no write is in flight (under the index build lock).
    """
    leftovers = list(corpus.glob(f".*{CORPUS_SUFFIX}.tmp-*")) if corpus.is_dir() else []
    for p in leftovers:
        p.unlink(missing_ok=True)
    return leftovers


def corpus_files(corpus: Path) -> list[Path]:
    """The article files of a corpus directory, sorted by name (hidden and temp files skipped)."""
    if not corpus.is_dir():
        return []
    return sorted(p for p in corpus.glob(f"*{CORPUS_SUFFIX}")
                  if not p.name.startswith(".") and p.name.lower() != "readme.md")


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def parse_article(text: str, source: str | Path = "<text>") -> Article:
    """Read one corpus file's text, exactly as :func:`render` writes it; nothing is cleaned.

    The format: a ``---`` line, YAML fields (``title`` and ``outlet`` required; ``author``,
    ``published``, ``url`` text; ``captions`` a list of text; any other field kept in
    :attr:`~qa.types.Article.extra`), a ``---`` line, a blank line, then the paragraphs separated
    by single blank lines.

    Args:
        text: The file's text.
        source: The file, for error messages.

    Raises:
        ArticleError: The text is not in this format (the message names the file and what is wrong).
    """
    if not text.startswith("---\n"):
        raise ArticleError("does not start with a '---' front-matter line", source=source, hint=FIX_HINT)
    end = text.find("\n---\n", 3)
    if end < 0:
        raise ArticleError("front matter has no closing '---' line", source=source, hint=FIX_HINT)
    try:
        front = yaml.safe_load(text[4:end + 1])
    except yaml.YAMLError as exc:
        raise ArticleError(f"front matter is not valid YAML ({exc.__class__.__name__})", source=source,
                           hint=FIX_HINT) from None
    if not isinstance(front, dict):
        raise ArticleError("front matter must be 'key: value' lines", source=source, hint=FIX_HINT)
    meta = {name: _text_field(front.pop(name, ""), name, source) for name in META_FIELDS}
    for name in REQUIRED:
        if not meta[name]:
            raise ArticleError(f"no {name}", source=source, hint=f"add a '{name}:' field", field=name)
    captions = front.pop("captions", None) or []
    if not isinstance(captions, list):
        raise ArticleError("'captions' must be a list", source=source, hint=FIX_HINT, field="captions")
    body = text[end + 5:]
    if not body.startswith("\n") or not body.endswith("\n"):
        raise ArticleError("expected a blank line after the front matter and a line end at the end",
                           source=source, hint=FIX_HINT, field="body")
    paragraphs = body[1:-1].split("\n\n")
    for n, para in enumerate(paragraphs, 1):
        if not para.strip() and len(paragraphs) == 1:
            raise ArticleError("no body text", source=source, field="body")
        if not para.strip() or para != para.strip():
            raise ArticleError(f"paragraph {n} is empty or begins or ends with blank space", source=source,
                               hint="separate paragraphs by exactly one blank line, with no spaces around them",
                               field="body")
    return Article(title=meta["title"], outlet=meta["outlet"], body=tuple(paragraphs), author=meta["author"],
                   published=meta["published"], url=meta["url"],
                   captions=tuple(_text_field(c, "captions", source) for c in captions),
                   extra={k: v for k, v in front.items() if v not in (None, "")})


def _text_field(value: object, name: str, source: str | Path) -> str:
    """A front-matter scalar as text (YAML may read an unquoted date as a date)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ArticleError(f"'{name}' must be text", source=source, hint=FIX_HINT, field=name)
    return str(value)


def read_article(path: Path, raw: bytes | None = None) -> Article:
    """Read one corpus file (``raw``: its bytes, when already read).

    Raises:
        ArticleError: Not UTF-8, or not in the corpus format (see :func:`parse_article`).
    """
    raw = path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not UTF-8 text (byte {exc.start})", source=path,
                           hint="fix or remove the file") from None
    return parse_article(text, path)


def iter_corpus(corpus: Path) -> Iterator[tuple[str, Article]]:
    """Yield ``(article_id, Article)`` for every file of the corpus."""
    for path in corpus_files(corpus):
        yield path.stem, read_article(path)


def read_corpus(corpus: Path) -> tuple[list[tuple[str, Article]], dict[str, str]]:
    """Every ``(article_id, Article)`` of the corpus and the :func:`file_digests` of exactly the bytes parsed.

    Raises:
        ArticleError: A corpus file is not UTF-8 or is malformed (the message names it).
    """
    articles, digests = [], {}
    for path in corpus_files(corpus):
        raw = path.read_bytes()
        digests[path.name] = _digest(raw)
        articles.append((path.stem, read_article(path, raw)))
    return articles, digests


def file_digests(corpus: Path) -> dict[str, str]:
    """``{file name: content hash}`` of every article file: what the index manifest records."""
    return {p.name: _digest(p.read_bytes()) for p in corpus_files(corpus)}


def fingerprint(corpus: Path, digests: dict[str, str] | None = None) -> str:
    """A hash of the corpus files' names and contents: changes whenever an article does.

    Args:
        corpus: The corpus directory.
        digests: Precomputed :func:`file_digests` of it (read from disk when not given).
    """
    h = hashlib.blake2b(digest_size=16)
    for name, digest in sorted((file_digests(corpus) if digests is None else digests).items()):
        h.update(name.encode())
        h.update(b"\0")
        h.update(bytes.fromhex(digest))
    return h.hexdigest()


def corpus_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, list[str]]:
    """Files ``added``, ``removed`` and ``edited`` between two :func:`file_digests`."""
    return {"added": sorted(new.keys() - old.keys()), "removed": sorted(old.keys() - new.keys()),
            "edited": sorted(n for n in old.keys() & new.keys() if old[n] != new[n])}


def body_key(article: Article) -> str:
    """Hash of an article's body, ignoring case and spacing: equal for the same story re-imported."""
    text = " ".join("\n".join(article.body).casefold().split())
    return "body:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def url_key(url: str) -> str:
    """Normalised address (no scheme, ``www.``, fragment or trailing slash), or "" when there is none."""
    url = url.strip()
    if not url:
        return ""
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE).split("#")[0].rstrip("/")
    host, _, rest = url.partition("/")
    host = host.lower().removeprefix("www.")
    return "url:" + (f"{host}/{rest}" if rest else host)


def duplicate_keys(article: Article) -> list[str]:
    """The keys under which two articles count as the same story: body hash and (if any) url."""
    return [k for k in (body_key(article), url_key(article.url)) if k]


def known_keys(corpus: Path) -> dict[str, str]:
    """``{duplicate key: article id}`` for every article of the corpus (see :func:`duplicate_keys`)."""
    known: dict[str, str] = {}
    for aid, existing in iter_corpus(corpus):
        for key in duplicate_keys(existing):
            known.setdefault(key, aid)
    return known


def find_duplicates(articles: list[Article], corpus: Path) -> None:
    """Refuse articles that repeat one in the corpus, or each other (same url or same body).

    Raises:
        ArticleError: Naming the duplicate and the article id it repeats.
    """
    known = known_keys(corpus)
    given: set[str] = set()
    for article in articles:
        keys = duplicate_keys(article)
        for key in keys:
            what = "url" if key.startswith("url:") else "text"
            if key in known:
                raise ArticleError(f"{article.title!r} ({article.outlet}) has the same {what} as article "
                                   f"{known[key]} already in {corpus}; nothing added",
                                   hint=f"to replace it, run `qa remove {known[key]}` first")
            if key in given:
                raise ArticleError(f"{article.title!r} ({article.outlet}) is given twice (same {what}); "
                                   "nothing added")
        given.update(keys)
