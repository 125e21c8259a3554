"""The Gradio app: a chat that answers with quoted, outlet-labelled sources, and an Add-article tab.

Serve it with :func:`ui.serving.launch` (``qa serve``; binds 127.0.0.1 by default). :func:`build_app` returns the
``gr.Blocks`` without launching; pass ``css=CSS, theme=THEME`` (from :mod:`ui.style`) to
``launch()`` yourself then (Gradio 6 takes styling at launch, not in ``gr.Blocks``).

Queries never wait for an index update: ``qa.answer`` reads the live index version, and the
update swaps versions atomically, so the next question after an update sees the new article.
Only updates are serialised (one at a time). What the buttons do is :mod:`ui.actions`; who may add
is :mod:`ui.access` (no Add tab in read-only mode), the question limits :mod:`ui.limits`, serving
:mod:`ui.serving`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render
from ui.access import Access, TokenCheck
from ui.actions import DEFAULT_K, UPLOAD_SUFFIXES, add_article, chat_turn, differences_view, index_summary
from ui.cite import COPY_JS
from ui.library import library_tab
from ui.limits import Gate, client_key

EMPTY_HINT = "Type a question first, e.g. “Who signed the decree allowing foreigners into the National Guard?”"
# Runs in the browser on Ask/Enter as part of the answer event: the inputs are read first, then the box is
# emptied, so the question cannot be lost to a race and nothing typed while the answer loads is cut.
SEND_AND_CLEAR = ("(...values) => { const box = document.querySelector('#question textarea');"
                  " if (box) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }"
                  " return values.slice(0, 5); }")
EXAMPLES = (
    "Who signed the decree allowing foreigners into the National Guard?",
    "Which ministry does the National Guard belong to?",
    "For how many years can foreigners sign up?",
)


def build_app(index: str | Path, corpus: str | Path, access: Access | None = None, gate: Gate | None = None
              ) -> gr.Blocks:
    """Build the UI over the index at ``index``; new articles are written to ``corpus``.

    Args:
        index: The index directory (or search server) answered from.
        corpus: Where added articles are written.
        access: Who may add (default: loopback read-write, pages on public addresses only); read-only
            builds no Add tab and registers no endpoint that writes.
        gate: The question limits, shared with the JSON API (default: :class:`ui.limits.Limits`).
    """
    index, corpus = Path(index), Path(corpus)
    access, gate = access or Access(), gate or Gate()
    tokens = TokenCheck(access.admin_token) if access.needs_token else None
    summary, outlet_names = index_summary(index)

    def chat(question: Any, history: list | None, turns: list | None, outlets: list | None, k: Any,
             request: gr.Request) -> Iterator[tuple]:
        history, turns = list(history or []), list(turns or [])
        if not str(question or "").strip():  # a hint; no bubble, and the sources panel stays as it is
            gr.Info(EMPTY_HINT)
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history.append({"role": "user", "content": render.question_markdown(str(question or ""))})
        refused = gate.refusal(request)
        if refused is not None:  # over the question limit: one line, nothing answered
            yield [*history, {"role": "assistant", "content": render.error_markdown(refused)}], gr.skip(), \
                gr.skip(), turns
            return
        # The question box is never written here: the browser empties it on Ask (SEND_AND_CLEAR), so text
        # typed while the answer loads stays.
        yield [*history, {"role": "assistant", "content": "*Searching the articles…*"}], gr.skip(), gr.skip(), \
            gr.skip()
        with gate.slots.hold():
            reply, panel, turn = chat_turn(question, outlets, k, index=index, history=turns)
        history.append({"role": "assistant", "content": reply})
        yield history, panel, gr.skip(), [*turns, turn] if turn is not None else turns

    def add(upload, text, outlet, title, author, published, url, token: Any = "", request: gr.Request = None,
            progress=gr.Progress()) -> tuple:  # noqa: B008
        refused = tokens.refusal(token, client_key(request)) if tokens is not None else None
        if refused is not None:  # checked first: nothing is read, fetched or written
            return (render.status_html(False, f"Not added: {refused}"), gr.skip(), gr.skip(), *(gr.skip(),) * 7)
        progress(0, desc="Reading and checking the article")

        def report(done: int, total: int) -> None:
            progress((done, total), desc="Embedding paragraphs", unit="paragraphs")

        ok, message = add_article(upload, text, outlet=outlet, title=title, author=author,
                                  published=published, url=url, index=index, corpus=corpus,
                                  progress=report, allow_private=access.allow_private_urls,
                                  fetch_settings=access.fetch_settings(),
                                  max_paste_chars=gate.limits.max_paste_chars)
        new_summary, names = index_summary(index)
        # a successful add clears the whole form (the next article is another one, maybe another outlet)
        cleared = ("", None, "", "", "", "", "") if ok else (gr.skip(),) * 7
        return (render.status_html(ok, message), gr.Dropdown(choices=names), new_summary, *cleared)

    def differences(topic: Any, outlets: list | None, request: gr.Request) -> tuple:
        refused = gate.refusal(request)  # a search like a question: the same per-client limit
        if refused is not None:
            return render.error_markdown(refused), gr.skip()
        with gate.slots.hold():  # answered like a question: shares the answer slots
            return differences_view(topic, outlets, index=index)

    def refresh() -> tuple:
        new_summary, names = index_summary(index)
        return gr.Dropdown(choices=names), new_summary

    # uploads land in Gradio's cache: files older than an hour are deleted every half hour
    with gr.Blocks(title="News QA — quoted answers", analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        with gr.Column(elem_id="app-header"):
            gr.Markdown("# News QA\nAnswers are verbatim quotes from the indexed articles, "
                        "labelled with the outlet that printed them.")
            info = gr.Markdown(summary, elem_id="index-info", label="Index summary")
        turns = gr.State([])  # the conversation as follow-up questions need it (qa.Turn per answer)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420, elem_id="chat-col"):
                    chatbot = gr.Chatbot(
                        elem_id="chat", label="Conversation", show_label=False, height=520, sanitize_html=True,
                        render_markdown=True, allow_tags=False, latex_delimiters=[],
                        feedback_options=None, buttons=["copy"],
                        placeholder="Ask a question about the news articles in the index.")
                    with gr.Row():
                        question = gr.Textbox(elem_id="question", label="Question", show_label=False, scale=5,
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
                with gr.Column(scale=2, min_width=340, elem_id="sources-col"):
                    sources = gr.HTML(render.empty_sources_html(), elem_id="sources-panel",
                                      label="Sources", max_height=680, js_on_load=COPY_JS)
            with gr.Tab("Where outlets differ", id="differ-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    with gr.Row():
                        topic = gr.Textbox(elem_id="differ-topic", label="Topic", show_label=False, scale=5,
                                           max_lines=1,
                                           placeholder="A story or topic (empty: every story in the index)")
                        differ_btn = gr.Button("Find differences", variant="primary", elem_id="differ-btn",
                                               scale=1, min_width=140)
                    differ_out = gr.Markdown("Claims that outlets print with different numbers, dates or names "
                                             "appear here, with each outlet's own words.", elem_id="differ-out",
                                             label="Differences")
                with gr.Column(scale=2, min_width=340):
                    differ_sources = gr.HTML(render.empty_sources_html(), elem_id="differ-sources",
                                             label="Sources of the differences")
            with gr.Tab("Library", id="library-tab") as library:  # ui/library.py; removing is a write
                shelf = library_tab(index, corpus, can_remove=access.can_add and not access.needs_token)
            form = _add_tab(access.needs_token) if access.can_add else None  # read-only: no tab at all

        chat_io = {"outputs": [chatbot, sources, question, turns], "concurrency_limit": 4,
                   "concurrency_id": "answer", "show_progress_on": [sources]}
        inputs = [chatbot, turns, outlet_filter, k_slider]
        question.submit(chat, [question, *inputs], api_name="ask", js=SEND_AND_CLEAR, **chat_io)
        ask.click(chat, [question, *inputs], api_visibility="private", js=SEND_AND_CLEAR, **chat_io)
        for button in example_buttons:
            button.click(chat, [button, *inputs], api_visibility="private", **chat_io)
        clear.click(lambda: ([], render.empty_sources_html(), "", []), None, [chatbot, sources, question, turns],
                    api_visibility="private")
        if form is not None:  # the only endpoint that writes
            add_inputs, status, add_button = form
            upload, pasted, outlet, title, author, published, url = add_inputs[:7]
            add_button.click(add, add_inputs, [status, outlet_filter, info, pasted, upload, outlet, title, author,
                                               published, url], api_name="add_article", concurrency_limit=1,
                             show_progress_on=[status])
        differ_io = {"outputs": [differ_out, differ_sources], "concurrency_limit": 2, "api_name": "differences"}
        differ_btn.click(differences, [topic, outlet_filter], **differ_io)
        topic.submit(differences, [topic, outlet_filter],
                     **{**differ_io, "api_visibility": "private", "api_name": None})
        demo.load(refresh, None, [outlet_filter, info], api_visibility="private")
        library.select(*shelf, api_visibility="private")
    return demo


def _add_tab(needs_token: bool) -> tuple[list[gr.components.Component], gr.HTML, gr.Button]:
    """The Add-article tab: ``(inputs of the add handler, status line, button)``; the token field when needed."""
    with gr.Tab("Add article", id="add-tab"), gr.Row(equal_height=False):
        with gr.Column(scale=3):
            upload = gr.File(label="Upload an article (.md .txt .html .json .jsonl, up to 10 MB)",
                             file_types=list(UPLOAD_SUFFIXES), type="filepath", elem_id="add-file")
            pasted = gr.Textbox(label="…or paste the article text", lines=12, max_lines=24, elem_id="add-text",
                                placeholder="Paste the article: headline, then paragraphs separated by blank lines.")
        with gr.Column(scale=2):
            outlet = gr.Textbox(label="Outlet (required, except for a URL)", elem_id="add-outlet",
                                placeholder="e.g. Reuters")
            title = gr.Textbox(label="Title", elem_id="add-title")
            author = gr.Textbox(label="Author", elem_id="add-author")
            published = gr.Textbox(label="Published (YYYY-MM-DD)", elem_id="add-date", placeholder="2024-02-21")
            url = gr.Textbox(label="URL", elem_id="add-url", placeholder="https://…",
                             info="With no file and no text, the article is fetched from this page")
            inputs = [upload, pasted, outlet, title, author, published, url]
            if needs_token:
                inputs.append(gr.Textbox(label="Admin token", type="password", elem_id="add-token",
                                         info="This server adds articles for its administrators only"))
            button = gr.Button("Add to index", variant="primary", elem_id="add-btn")
            status = gr.HTML("", elem_id="add-status-box", label="Add status", js_on_load=None)
    return inputs, status, button

