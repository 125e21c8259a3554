"""What the UI's buttons do, without Gradio: answer a question, add an article, summarise the index.

Every handler returns what the page shows and never raises. Errors of the library are
:class:`qa.QAError` objects; the UI words them itself (:func:`error_text`): the file the user
uploaded instead of its staged copy, and a form-field fix instead of a command-line flag.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import qa
from ui import render

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 2**20
MAX_PASTE_CHARS = 1_000_000  # the library's limit of one article
UPLOAD_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".json", ".jsonl")
FIELD_LIMITS = {"outlet": 200, "title": 500, "author": 300, "published": 40, "url": 2048}
FIELD_HINTS = {  # the form's fix for a library error about this field (QAError.field)
    "outlet": "fill in the Outlet field",
    "title": "fill in the Title field",
    "published": "fill in the Published field as YYYY-MM-DD",
    "url": "fill in the URL field with a full http:// or https:// address",
}
DEFAULT_K = 5
_ADD_LOCK = threading.Lock()


def error_text(exc: ValueError, staged: Path | None = None, shown: str = "") -> str:
    """The message of a refused action, worded for the page.

    Args:
        exc: The error; a :class:`qa.QAError` is re-worded from its fields, any other shown as is.
        staged: The server-side copy of the user's file, if any.
        shown: The name the user knows that file by.
    """
    if not isinstance(exc, qa.QAError):
        return str(exc)
    source = shown if staged is not None and exc.source == str(staged) else exc.source
    return exc.describe(source=source, hint=FIELD_HINTS.get(exc.field))


def index_summary(index: str | Path) -> tuple[str, list[str]]:
    """``(markdown line about the index, outlet names)`` for the header and the outlet filter."""
    status = qa.index_status(None, index, compare=False)
    if status.error is not None:
        return f"⚠️ {render.md_text(error_text(status.error))}", []
    return render.index_summary(status.n_articles, status.outlets), [o for o, _ in status.outlets]


def chat_turn(question: Any, outlets: Sequence[str] | None, k: Any, *, index: str | Path,
              history: Sequence[qa.Turn] = ()) -> tuple[str, str, qa.Turn | None]:
    """Answer one turn of a conversation: ``(chat markdown, sources panel html, the turn to remember)``.

    A follow-up ("When did he sign it?") is resolved from ``history`` and the reply says what was
    searched. The turn is ``None`` when the question was refused.
    Never raises.
    """
    chosen = [o for o in (outlets or []) if isinstance(o, str) and o.strip()] or None
    try:
        n = min(10, max(1, int(k))) if k is not None else DEFAULT_K
    except (TypeError, ValueError):
        n = DEFAULT_K
    turns = [t for t in history if isinstance(t, qa.Turn)]
    try:
        result = qa.answer(question if isinstance(question, str) else "", n, index=index, outlets=chosen,
                           history=turns)
    except ValueError as exc:
        return (render.error_markdown(error_text(exc)),
                render.empty_sources_html("No sources: the question could not be answered."), None)
    except Exception:  # the UI must show a message, never a traceback
        log.exception("answering %r failed", question)
        return (render.error_markdown("an internal error occurred; the server log has the details"),
                render.empty_sources_html("No sources."), None)
    reply = render.searched_markdown(result) + render.answer_markdown(result, chosen)
    return reply, render.sources_html(result), qa.Turn.of(result)


def differences_view(topic: Any, outlets: Sequence[str] | None, *, index: str | Path) -> tuple[str, str]:
    """The "Where outlets differ" view: ``(markdown, sources panel html)`` for a topic ("" : everything).

    Asked as the question "Where do the outlets differ (on TOPIC)?", answered with :func:`qa.differences`.
    """
    words = " ".join(str(topic or "").split())
    reply, panel, _ = chat_turn(f"Where do the outlets differ on {words}?" if words else
                                "Where do the outlets differ?", outlets, DEFAULT_K, index=index)
    return reply, panel


def _clean_field(name: str, value: Any) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > FIELD_LIMITS[name]:
        raise ValueError(f"{name.capitalize()} is too long ({len(text):,} characters; "
                         f"at most {FIELD_LIMITS[name]:,}).")
    return text


def validate_metadata(fields: dict[str, Any]) -> dict[str, str]:
    """The form's metadata fields, whitespace-collapsed and checked; empty ones left out.

    Raises:
        ValueError: A field is too long, the date is not a real ``YYYY-MM-DD`` date (:func:`qa.check_published`,
            a :class:`qa.ArticleError`), or the URL is not http(s).
    """
    meta = {name: _clean_field(name, value) for name, value in fields.items()}
    if meta["published"]:
        qa.check_published(meta["published"])  # the library's rule, the same as `qa add --published`
    if meta["url"] and not render.safe_url(meta["url"]):
        raise ValueError("URL must be a full web address starting with http:// or https://.")
    return {k: v for k, v in meta.items() if v}


def stage_upload(upload: Any, workdir: Path) -> tuple[Path, str]:
    """Copy an uploaded file to ``workdir`` under a generated name; ``(copy, display name)``.

    Raises:
        ValueError: Unsupported type, missing upload, or over :data:`MAX_UPLOAD_BYTES`.
    """
    src = Path(upload if isinstance(upload, str) else getattr(upload, "name", "") or "")
    shown = src.name or "the upload"
    suffix = src.suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValueError(f"{shown}: unsupported file type; upload one of " + ", ".join(UPLOAD_SUFFIXES))
    if not src.is_file():
        raise ValueError(f"{shown}: the upload is missing; upload it again.")
    size = src.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise ValueError(f"{shown}: {size / 2**20:.1f} MB is over the {MAX_UPLOAD_BYTES // 2**20} MB limit.")
    dest = workdir / f"upload-{uuid.uuid4().hex}{suffix}"
    shutil.copyfile(src, dest)
    return dest, shown


def _stage_paste(text: str, workdir: Path, limit: int = MAX_PASTE_CHARS) -> Path:
    if len(text) > limit:
        raise ValueError(f"The pasted text is too long ({len(text):,} characters; "
                         f"at most {limit:,}). Upload it as a file instead.")
    suffix = ".md" if text.lstrip().startswith("---") else ".txt"
    dest = workdir / f"pasted-{uuid.uuid4().hex}{suffix}"
    dest.write_text(text, encoding="utf-8")
    return dest


def add_article(upload: Any, text: Any, *, outlet: Any = "", title: Any = "", author: Any = "",
                published: Any = "", url: Any = "", index: str | Path, corpus: str | Path,
                progress: Callable[[int, int], None] | None = None, allow_private: bool = False,
                fetch_settings: qa.FetchSettings | None = None, max_paste_chars: int = MAX_PASTE_CHARS
                ) -> tuple[bool, str]:
    """Validate and add one uploaded file, pasted text or, with neither, the page at ``url``; ``(ok, message)``.

    With a file or text, ``url`` is the article's address (metadata); alone, the page is fetched from it
    (:func:`qa.add_urls`, by default with ``allow_private=False``: a host that is or resolves to a
    loopback, private, link-local, multicast, reserved or unspecified address is refused before any
    connection, redirects included) and the other fields replace what the page says. Never raises.
    """
    text = text if isinstance(text, str) else ""
    workdir: Path | None = None
    shown = "the pasted text"
    staged: Path | None = None
    try:
        meta = validate_metadata({"outlet": outlet, "title": title, "author": author,
                                  "published": published, "url": url})
        page = meta.pop("url", "") if not upload and not text.strip() else ""
        if not upload and not text.strip() and not page:
            raise ValueError("Nothing to add: upload a file, paste the article text or give the URL of its page.")
        if upload and text.strip():
            raise ValueError("Choose one: upload a file or paste text, not both.")
        if not upload and not page and not meta.get("outlet"):
            raise ValueError("Outlet is required: type the publication that printed the article.")
        status = qa.index_status(corpus, index, compare=False)
        before, outlets_before = status.n_articles, dict(status.outlets)
        if page:
            with _ADD_LOCK:
                stats = qa.add_urls([page], corpus=corpus, index=index, progress=progress or False,
                                    settings=fetch_settings, allow_private=allow_private, metadata=meta)
        else:
            workdir = Path(tempfile.mkdtemp(prefix="newsqa-add-"))
            staged, shown = (stage_upload(upload, workdir) if upload
                             else (_stage_paste(text, workdir, max_paste_chars), shown))
            with _ADD_LOCK:
                stats = qa.add_articles([staged], corpus=corpus, index=index, progress=progress or False,
                                        metadata=meta)
    except ValueError as exc:
        return False, f"Not added: {error_text(exc, staged, shown)}"
    except Exception:
        log.exception("adding an article failed")
        return False, "Not added: an internal error occurred; the server log has the details."
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    added = stats.articles - before
    if added <= 0:
        return True, (f"Already indexed: this article was added before. The index holds "
                      f"{stats.articles:,} articles.")
    source = f"from {meta['outlet']} " if meta.get("outlet") else ""
    if page and not source:  # the outlet came from the page: name it, and where it was fetched
        grown = [o for o, n in qa.index_status(corpus, index, compare=False).outlets if n > outlets_before.get(o, 0)]
        source = f"from {', '.join(grown) or 'the page'} ({page}) "
    return True, (f"Added {added} article{'s' if added != 1 else ''} {source}— the index now holds "
                  f"{stats.articles:,} articles ({stats.embedded} new paragraphs embedded, "
                  f"{stats.seconds:.1f} s). Ask about it in the Chat tab.")
