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

from qa.ingest import parse_markdown
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


def corpus_files(corpus: Path) -> list[Path]:
    """The article files of a corpus directory, sorted by name (hidden and temp files skipped)."""
    if not corpus.is_dir():
        return []
    return sorted(p for p in corpus.glob(f"*{CORPUS_SUFFIX}")
                  if not p.name.startswith(".") and p.name.lower() != "readme.md")


def iter_corpus(corpus: Path) -> Iterator[tuple[str, Article]]:
    """Yield ``(article_id, Article)`` for every file of the corpus."""
    for path in corpus_files(corpus):
        text = path.read_text(encoding="utf-8")
        yield path.stem, parse_markdown(text, str(path))


def fingerprint(corpus: Path) -> str:
    """A hash of the corpus files' names and contents: changes whenever an article does."""
    h = hashlib.blake2b(digest_size=16)
    for path in corpus_files(corpus):
        h.update(path.name.encode())
        h.update(b"\0")
        h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()
