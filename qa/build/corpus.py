"""The corpus directory: one Markdown file with YAML front matter per article.

The file stem is the article id. Files are written atomically and never overwritten silently.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import yaml

from qa.fsio import fsync_dir
from qa.build.ingest import parse_markdown
from qa.types import Article

CORPUS_SUFFIX = ".md"


def default_corpus() -> Path:
    """``$QA_CORPUS`` or ``./corpus``."""
    return Path(os.environ.get("QA_CORPUS", "corpus"))


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


def _parse_file(raw: bytes, path: Path) -> Article:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start}); fix or remove the file") from None
    return parse_markdown(text, str(path))


def iter_corpus(corpus: Path) -> Iterator[tuple[str, Article]]:
    """Yield ``(article_id, Article)`` for every file of the corpus."""
    for path in corpus_files(corpus):
        yield path.stem, _parse_file(path.read_bytes(), path)


def read_corpus(corpus: Path) -> tuple[list[tuple[str, Article]], dict[str, str]]:
    """Every ``(article_id, Article)`` of the corpus and the :func:`file_digests` of exactly the bytes parsed.

    Raises:
        ValueError: A corpus file is not UTF-8 or is malformed (the message names it).
    """
    articles, digests = [], {}
    for path in corpus_files(corpus):
        raw = path.read_bytes()
        digests[path.name] = _digest(raw)
        articles.append((path.stem, _parse_file(raw, path)))
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


def find_duplicates(articles: list[Article], corpus: Path) -> None:
    """Refuse articles that repeat one in the corpus, or each other (same url or same body).

    Raises:
        ValueError: Naming the duplicate and the article id it repeats.
    """
    known: dict[str, str] = {}
    for aid, existing in iter_corpus(corpus):
        for key in duplicate_keys(existing):
            known.setdefault(key, aid)
    given: set[str] = set()
    for article in articles:
        keys = duplicate_keys(article)
        for key in keys:
            what = "url" if key.startswith("url:") else "text"
            if key in known:
                raise ValueError(f"{article.title!r} ({article.outlet}) has the same {what} as article "
                                 f"{known[key]} already in {corpus}; nothing added. To replace it, run "
                                 f"`qa remove {known[key]}` first")
            if key in given:
                raise ValueError(f"{article.title!r} ({article.outlet}) is given twice (same {what}); "
                                 "nothing added")
        given.update(keys)
