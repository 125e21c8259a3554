"""Synthetic articles for lifecycle, crash and load tests, and a byte-level snapshot of directories."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import yaml

PLACES = ["Lisbon", "Tallinn", "Quito", "Osaka", "Nairobi", "Perth", "Bergen", "Tucson", "Lyon", "Hanoi"]
THINGS = ["bridges", "schools", "clinics", "libraries", "ferries", "parks", "tram lines", "reservoirs"]
BODIES = ["city council", "regional assembly", "transport board", "water authority", "school district"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def paragraph(rng: random.Random, tag: str) -> str:
    """One news-like paragraph (about 45 words) carrying the unique token ``tag``."""
    place, thing, body, day = rng.choice(PLACES), rng.choice(THINGS), rng.choice(BODIES), rng.choice(DAYS)
    n = rng.randint(2, 90)
    return (f"The {body} of {place} approved {n} new {thing} on {day}, officials said. "
            f"The plan, known locally as {tag}, will cost {rng.randint(3, 900)} million euros. "
            f"Critics in {rng.choice(PLACES)} said the {thing} would take {rng.randint(2, 9)} years to finish.")


def article_text(title: str, outlet: str, paragraphs: list[str], url: str = "", published: str = "2024-03-01") -> str:
    """A corpus-format Markdown file (front matter + paragraphs)."""
    front = {"title": title, "outlet": outlet, "author": "", "published": published, "url": url}
    return "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + "\n\n".join(paragraphs) + "\n"


def synth_article(i: int, n_paragraphs: int = 8, outlet: str = "Synth Daily", seed: int = 0) -> str:
    """Article number ``i``: paragraphs tagged ``zq{i}p{j}x`` (tokens found nowhere else)."""
    rng = random.Random(seed * 100_003 + i)
    paras = [paragraph(rng, f"zq{i}p{j}x") for j in range(n_paragraphs)]
    return article_text(f"Synthetic story number {i}", outlet, paras, url=f"https://synth.test/{seed}/{i}")


def write_synth_corpus(corpus: Path, n_articles: int, n_paragraphs: int = 8, seed: int = 0,
                       start: int = 0) -> list[Path]:
    """Write articles ``start .. start+n_articles-1`` as ``synth-NNNN.md`` files."""
    corpus.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n_articles):
        path = corpus / f"synth-{i:04d}.md"
        path.write_text(synth_article(i, n_paragraphs, seed=seed))
        paths.append(path)
    return paths


def seeds_and_synth_index(seed_corpus: Path, where: Path) -> tuple[Path, Path]:
    """The load tests' corpus (the seeds + 6 synthetic articles of 4 paragraphs) and its index under ``where``."""
    import shutil

    import qa

    corpus, index = where / "corpus", where / "index"
    shutil.copytree(seed_corpus, corpus)
    write_synth_corpus(corpus, 6, 4)
    qa.build_index(corpus, index)
    return corpus, index


def snapshot(*dirs: Path) -> dict[str, str]:
    """``{path: blake2b of the bytes}`` of every file under the directories (for "unchanged" checks)."""
    out = {}
    for d in dirs:
        for p in sorted(d.rglob("*")):
            if p.is_file():
                out[str(p)] = hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
    return out
