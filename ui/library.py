"""The Library tab: search the indexed articles, read one, remove one.

The handlers (:func:`choices`, :func:`article_html`, :func:`remove`) work without Gradio and never
raise; :func:`library_tab` lays the tab out inside ``gr.Blocks``. All article text is escaped.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import qa
from ui.render import status_html
from ui.safe import esc, safe_url

log = logging.getLogger(__name__)

__all__ = ["article_html", "choices", "library_tab", "remove"]

_REMOVE_LOCK = threading.Lock()
CONFIRM_JS = ("(id, search) => [(id && confirm('Remove this article from the corpus and the index?')) ? id : '', "
              "search]")


def choices(corpus: str | Path, search: Any = "") -> tuple[list[tuple[str, str]], str]:
    """``([(label, article id)], summary line)`` of the articles matching ``search``, newest first."""
    try:
        found = qa.list_articles(corpus, str(search or ""))
    except ValueError as exc:
        return [], f"⚠️ {esc(exc)}"
    labels = [(f"{a.title} — {a.outlet}" + (f", {a.published}" if a.published else ""), aid) for aid, a in found]
    n = len(found)
    return labels, f"{n} article{'s' * (n != 1)}" + (f" match “{esc(search)}”" if str(search or "").strip() else "")


def article_html(article_id: Any, corpus: str | Path) -> str:
    """One article as escaped HTML: title, outlet, byline, date, link and every paragraph ("" for none)."""
    if not article_id:
        return ""
    try:
        a = qa.get_article(str(article_id), corpus)
    except ValueError as exc:
        return status_html(False, str(exc))
    url = safe_url(a.url)
    meta = " · ".join(esc(x) for x in (a.outlet, f"by {a.author}" if a.author else "", a.published) if x)
    link = f' · <a href="{esc(url)}" target="_blank" rel="noopener noreferrer">Open article ↗</a>' if url else ""
    paragraphs = "".join(f'<p class="library-paragraph" data-paragraph="{i + 1}">{esc(p)}</p>'
                         for i, p in enumerate(a.body))
    return (f'<article class="library-article" data-id="{esc(article_id)}"><h3>{esc(a.title)}</h3>'
            f'<p class="library-meta">{meta}{link} · id <code>{esc(article_id)}</code></p>{paragraphs}</article>')


def remove(article_id: Any, corpus: str | Path, index: str | Path) -> tuple[bool, str]:
    """Remove one article from the corpus and the index: ``(ok, message)``. Never raises."""
    if not article_id:
        return False, "Choose an article first."
    try:
        title = qa.get_article(str(article_id), corpus).title
        with _REMOVE_LOCK:
            stats = qa.remove_articles([str(article_id)], corpus=corpus, index=index)
    except ValueError as exc:
        return False, f"Not removed: {exc}"
    except Exception:
        log.exception("removing %r failed", article_id)
        return False, "Not removed: an internal error occurred; the server log has the details."
    return True, f"Removed “{title}”. The index now holds {stats.articles:,} articles."


def library_tab(index: str | Path, corpus: str | Path, can_remove: bool = True) -> Any:
    """Lay out the Library tab's contents (call inside ``gr.Tab``); returns the refresh event's trigger list.

    ``can_remove=False`` (a read-only server, or one behind an admin token) builds no Remove button and
    registers no endpoint that removes.
    """
    import gradio as gr

    def refresh(search: Any) -> tuple:
        listed, summary = choices(corpus, search)
        return gr.Dropdown(choices=listed, value=None), summary

    def drop(article_id: Any, search: Any) -> tuple:
        if not article_id:  # nothing chosen, or the confirm was cancelled: nothing happens
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        ok, message = remove(article_id, corpus, index)
        listed, summary = choices(corpus, search)
        return status_html(ok, message), gr.Dropdown(choices=listed, value=None), summary, ""

    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            search = gr.Textbox(label="Search the library", elem_id="library-search",
                                placeholder="words of a title, outlet, author or date")
            count = gr.Markdown(elem_id="library-count")
            listing = gr.Dropdown(label="Articles", choices=[], elem_id="library-list", interactive=True)
            remove_btn = gr.Button("Remove this article", variant="stop", elem_id="library-remove",
                                   visible=can_remove) if can_remove else None
            status = gr.HTML("", elem_id="library-status")
        with gr.Column(scale=3, min_width=340):
            view = gr.HTML("", elem_id="library-article", max_height=680)
    search.change(refresh, [search], [listing, count], api_visibility="private")
    listing.change(lambda aid: article_html(aid, corpus), [listing], [view], api_visibility="private")
    if remove_btn is not None:
        remove_btn.click(drop, [listing, search], [status, listing, count, view], js=CONFIRM_JS,
                         api_visibility="private", concurrency_limit=1)
    return refresh, [search], [listing, count]
