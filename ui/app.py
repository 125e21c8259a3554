"""The Gradio app: a chat that answers with quoted, outlet-labelled sources, and an Add-article tab.

Run it with :func:`launch` (binds 127.0.0.1 by default). :func:`build_app` returns the
``gr.Blocks`` without launching; pass ``css=CSS, theme=THEME`` to ``launch()`` yourself then
(Gradio 6 takes styling at launch, not in ``gr.Blocks``).

Queries never wait for an index update: ``qa.answer`` reads the live index version, and the
update swaps versions atomically, so the next question after an update sees the new article.
Only updates are serialised (one at a time).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

import qa
from ui import render

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 2**20
MAX_PASTE_CHARS = 2_000_000
UPLOAD_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".json", ".jsonl")
FIELD_LIMITS = {"outlet": 200, "title": 500, "author": 300, "published": 40, "url": 2048}
DEFAULT_K = 5
EXAMPLES = (
    "Who signed the decree allowing foreigners into the National Guard?",
    "Which ministry does the National Guard belong to?",
    "For how many years can foreigners sign up?",
)
_ADD_LOCK = threading.Lock()
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")

# System fonts only: the page must not fetch anything from third-party servers.
THEME = gr.themes.Soft(primary_hue="blue", neutral_hue="slate",
                       font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial",
                             "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])
CSS = """
.gradio-container { max-width: 1440px !important; }
#app-header h1 { margin: 0 0 2px; }
#app-header p, #index-info p { margin: 0; color: var(--body-text-color-subdued); }
#sources-panel { overflow-y: auto; }
.sources-heading { margin: 0 0 6px; font-size: 1.05em; }
.sources-subheading { margin: 16px 0 4px; font-size: .9em; color: var(--body-text-color-subdued); }
.sources-note, .sources-empty { color: var(--body-text-color-subdued); font-size: .9em; margin: 0 0 8px; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 12px 14px;
  margin: 10px 0; background: var(--block-background-fill); box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.source-card.related, .source-card.closest { border-style: dashed; opacity: .9; }
.card-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; font-size: .85em; }
.card-num { display: inline-flex; align-items: center; justify-content: center; width: 22px; height: 22px;
  border-radius: 50%; background: var(--neutral-200); color: var(--neutral-800); font-weight: 700;
  font-size: .8em; }
.outlet-badge { background: hsl(var(--badge-hue) 75% 92%); color: hsl(var(--badge-hue) 65% 24%);
  border: 1px solid hsl(var(--badge-hue) 45% 74%); padding: 2px 9px; border-radius: 999px; font-weight: 600; }
.published { color: var(--body-text-color-subdued); }
.kind-tag { margin-left: auto; font-size: .75em; text-transform: uppercase; letter-spacing: .05em;
  color: var(--body-text-color-subdued); }
.card-title { margin: 8px 0 6px; font-size: 1em; font-weight: 600; line-height: 1.35; }
.card-title a { color: var(--link-text-color); text-decoration: none; }
.card-title a:hover { text-decoration: underline; }
.passage { margin: 0; line-height: 1.6; font-size: .95em; overflow-wrap: anywhere; }
mark.quote, #chat mark { background: #fde68a; color: #1f2937; padding: 1px 2px; border-radius: 3px; }
mark.quote.related { background: transparent; color: inherit; padding: 0;
  border-bottom: 2px dotted #d97706; border-radius: 0; }
mark.answer { background: #f59e0b; color: #111827; font-weight: 600; }
.card-foot { margin-top: 8px; font-size: .8em; color: var(--body-text-color-subdued); }
.add-status { padding: 10px 12px; border-radius: 8px; font-weight: 500; overflow-wrap: anywhere; }
.add-status.ok { background: #ecfdf5; color: #065f46; border: 1px solid #a7f3d0; }
.add-status.error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.example-q { font-size: .85em !important; }
"""


def index_state(index: str | Path) -> tuple[int, list[tuple[str, int]], str | None]:
    """``(n_articles, [(outlet, n)], error)`` of the live index; error is a message when unusable."""
    try:
        store = qa.open_index(index)
        return store.n_articles, store.outlets(), None
    except ValueError as exc:
        return 0, [], str(exc)


def _summary(index: str | Path) -> tuple[str, list[str]]:
    n, outlets, error = index_state(index)
    if error:
        return f"⚠️ {render.md_text(error)}", []
    return render.index_summary(n, outlets), [o for o, _ in outlets]


def answer_turn(question: Any, outlets: Sequence[str] | None, k: Any, *, index: str | Path
                ) -> tuple[str, str]:
    """Answer one question: ``(chat markdown, sources panel html)``. Never raises."""
    chosen = [o for o in (outlets or []) if isinstance(o, str) and o.strip()] or None
    try:
        n = min(10, max(1, int(k))) if k is not None else DEFAULT_K
    except (TypeError, ValueError):
        n = DEFAULT_K
    try:
        result = qa.answer(question if isinstance(question, str) else "", n, index=index, outlets=chosen)
    except ValueError as exc:
        return render.error_markdown(str(exc)), render.empty_sources_html("No sources: the question "
                                                                           "could not be answered.")
    except Exception:  # the UI must show a message, never a traceback
        log.exception("answering %r failed", question)
        return (render.error_markdown("an internal error occurred; the server log has the details"),
                render.empty_sources_html("No sources."))
    return render.answer_markdown(result, chosen), render.sources_html(result)


def _clean_field(name: str, value: Any) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > FIELD_LIMITS[name]:
        raise ValueError(f"{name.capitalize()} is too long ({len(text):,} characters; "
                         f"at most {FIELD_LIMITS[name]:,}).")
    return text


def _validate_metadata(fields: dict[str, Any]) -> dict[str, str]:
    meta = {name: _clean_field(name, value) for name, value in fields.items()}
    if meta["published"]:
        match = _ISO_DATE.match(meta["published"])
        try:
            dt.date.fromisoformat(match.group(1) if match else "")
        except ValueError:
            raise ValueError("Date must be a real date written YYYY-MM-DD, e.g. 2024-02-21.") from None
    if meta["url"] and not render.safe_url(meta["url"]):
        raise ValueError("URL must be a full web address starting with http:// or https://.")
    return {k: v for k, v in meta.items() if v}


def _stage_upload(upload: Any, workdir: Path) -> tuple[Path, str]:
    """Copy an uploaded file to ``workdir`` under a generated name; ``(copy, display name)``."""
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


def _stage_paste(text: str, workdir: Path) -> Path:
    if len(text) > MAX_PASTE_CHARS:
        raise ValueError(f"The pasted text is too long ({len(text):,} characters; "
                         f"at most {MAX_PASTE_CHARS:,}). Upload it as a file instead.")
    suffix = ".md" if text.lstrip().startswith("---") else ".txt"
    dest = workdir / f"pasted-{uuid.uuid4().hex}{suffix}"
    dest.write_text(text, encoding="utf-8")
    return dest


def add_article(upload: Any, text: Any, *, outlet: Any = "", title: Any = "", author: Any = "",
                published: Any = "", url: Any = "", index: str | Path, corpus: str | Path,
                progress: Callable[[int, int], None] | None = None) -> tuple[bool, str]:
    """Validate and add one uploaded file or pasted text; ``(ok, message)``. Never raises."""
    text = text if isinstance(text, str) else ""
    workdir: Path | None = None
    shown = "the pasted text"
    staged: Path | None = None
    try:
        meta = _validate_metadata({"outlet": outlet, "title": title, "author": author,
                                   "published": published, "url": url})
        if not upload and not text.strip():
            raise ValueError("Nothing to add: upload a file or paste the article text.")
        if upload and text.strip():
            raise ValueError("Choose one: upload a file or paste text, not both.")
        if not upload and not meta.get("outlet"):
            raise ValueError("Outlet is required: type the publication that printed the article.")
        workdir = Path(tempfile.mkdtemp(prefix="newsqa-add-"))
        if upload:
            staged, shown = _stage_upload(upload, workdir)
        else:
            staged = _stage_paste(text, workdir)
        before, _, _ = index_state(index)
        with _ADD_LOCK:
            stats = qa.add_articles([staged], corpus=corpus, index=index, progress=progress or False, **meta)
    except ValueError as exc:
        message = str(exc)
        if staged is not None:
            message = message.replace(str(staged), shown)
        if workdir is not None:
            message = message.replace(str(workdir), "")
        message = message.replace("give one with --outlet NAME (or an 'outlet:' field)",
                                  "fill in the Outlet field")
        return False, f"Not added: {message}"
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
    return True, (f"Added {added} article{'s' if added != 1 else ''} {source}— the index now holds "
                  f"{stats.articles:,} articles ({stats.embedded} new paragraphs embedded, "
                  f"{stats.seconds:.1f} s). Ask about it in the Chat tab.")


def build_app(index: str | Path, corpus: str | Path) -> gr.Blocks:
    """Build the UI over the index at ``index``; new articles are written to ``corpus``."""
    index, corpus = Path(index), Path(corpus)
    summary, outlet_names = _summary(index)

    def chat(question: Any, history: list | None, outlets: list | None, k: Any) -> Iterator[tuple]:
        history = list(history or [])
        history.append({"role": "user", "content": render.question_markdown(str(question or ""))})
        yield [*history, {"role": "assistant", "content": "*Searching the articles…*"}], gr.skip(), ""
        reply, panel = answer_turn(question, outlets, k, index=index)
        history.append({"role": "assistant", "content": reply})
        yield history, panel, ""

    def add(upload, text, outlet, title, author, published, url, progress=gr.Progress()) -> tuple:  # noqa: B008
        progress(0, desc="Reading and checking the article")

        def report(done: int, total: int) -> None:
            progress((done, total), desc="Embedding paragraphs", unit="paragraphs")

        ok, message = add_article(upload, text, outlet=outlet, title=title, author=author,
                                  published=published, url=url, index=index, corpus=corpus,
                                  progress=report)
        new_summary, names = _summary(index)
        cleared = ("", None) if ok else (gr.skip(), gr.skip())
        return (render.status_html(ok, message), gr.Dropdown(choices=names), new_summary, *cleared)

    def refresh() -> tuple:
        new_summary, names = _summary(index)
        return gr.Dropdown(choices=names), new_summary

    with gr.Blocks(title="News QA — quoted answers", analytics_enabled=False) as demo:
        with gr.Column(elem_id="app-header"):
            gr.Markdown("# News QA\nAnswers are verbatim quotes from the indexed articles, "
                        "labelled with the outlet that printed them.")
            info = gr.Markdown(summary, elem_id="index-info")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    chatbot = gr.Chatbot(
                        elem_id="chat", label="Conversation", height=520, sanitize_html=True,
                        render_markdown=True, allow_tags=False, latex_delimiters=[],
                        feedback_options=None, buttons=["copy"],
                        placeholder="Ask a question about the news articles in the index.")
                    with gr.Row():
                        question = gr.Textbox(elem_id="question", show_label=False, scale=5,
                                              placeholder="Ask about the news…", max_lines=4,
                                              autofocus=True)
                        ask = gr.Button("Ask", variant="primary", elem_id="ask-btn", scale=1,
                                        min_width=90)
                    with gr.Row(elem_id="examples"):
                        example_buttons = [gr.Button(text, size="sm", elem_classes=["example-q"])
                                           for text in EXAMPLES]
                    with gr.Row():
                        outlet_filter = gr.Dropdown(
                            choices=outlet_names, value=[], multiselect=True, elem_id="outlet-filter",
                            label="Only these outlets", info="Empty: search all outlets", scale=3)
                        k_slider = gr.Slider(1, 10, value=DEFAULT_K, step=1, label="Number of sources",
                                             elem_id="k-slider", scale=2)
                        clear = gr.Button("Clear chat", elem_id="clear-btn", scale=1, size="sm")
                with gr.Column(scale=2, min_width=340):
                    sources = gr.HTML(render.empty_sources_html(), elem_id="sources-panel",
                                      label="Sources", max_height=680, js_on_load=None)
            with gr.Tab("Add article", id="add-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    upload = gr.File(label="Upload an article (.md .txt .html .json .jsonl, up to 10 MB)",
                                     file_types=list(UPLOAD_SUFFIXES), type="filepath",
                                     elem_id="add-file")
                    pasted = gr.Textbox(label="…or paste the article text", lines=12, max_lines=24,
                                        elem_id="add-text",
                                        placeholder="Paste the article: headline, then paragraphs "
                                                    "separated by blank lines.")
                with gr.Column(scale=2):
                    outlet = gr.Textbox(label="Outlet (required)", elem_id="add-outlet",
                                        placeholder="e.g. Reuters")
                    title = gr.Textbox(label="Title", elem_id="add-title")
                    author = gr.Textbox(label="Author", elem_id="add-author")
                    published = gr.Textbox(label="Published (YYYY-MM-DD)", elem_id="add-date",
                                           placeholder="2024-02-21")
                    url = gr.Textbox(label="URL", elem_id="add-url", placeholder="https://…")
                    add_btn = gr.Button("Add to index", variant="primary", elem_id="add-btn")
                    status = gr.HTML("", elem_id="add-status-box", js_on_load=None)

        chat_io = {"outputs": [chatbot, sources, question], "concurrency_limit": 4,
                   "concurrency_id": "answer", "show_progress_on": [sources]}
        inputs = [chatbot, outlet_filter, k_slider]
        question.submit(chat, [question, *inputs], api_name="ask", **chat_io)
        ask.click(chat, [question, *inputs], api_visibility="private", **chat_io)
        for button in example_buttons:
            button.click(chat, [button, *inputs], api_visibility="private", **chat_io)
        clear.click(lambda: ([], render.empty_sources_html(), ""), None, [chatbot, sources, question],
                    api_visibility="private")
        add_btn.click(add, [upload, pasted, outlet, title, author, published, url],
                      [status, outlet_filter, info, pasted, upload], api_name="add_article",
                      concurrency_limit=1, show_progress_on=[status])
        demo.load(refresh, None, [outlet_filter, info], api_visibility="private")
    return demo


def launch(index: str | Path, corpus: str | Path, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the UI at ``http://host:port`` until interrupted (blocking); prints the URL."""
    demo = build_app(index, corpus)
    demo.queue(default_concurrency_limit=4)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: anyone who can reach this address can query and add "
              "articles (there is no login)", flush=True)
    demo.launch(server_name=host, server_port=port, css=CSS, theme=THEME, max_file_size="10mb",
                footer_links=["gradio", "settings"], show_error=False, quiet=True,
                prevent_thread_lock=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"News QA UI running at http://{shown}:{port} (Ctrl+C to stop)", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
