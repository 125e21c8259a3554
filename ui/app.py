"""The Gradio app: a chat that answers with quoted, outlet-labelled sources, and an Add-article tab.

Run it with :func:`launch` (binds 127.0.0.1 by default). :func:`build_app` returns the
``gr.Blocks`` without launching; pass ``css=CSS, theme=THEME`` (from :mod:`ui.style`) to
``launch()`` yourself then (Gradio 6 takes styling at launch, not in ``gr.Blocks``).

Queries never wait for an index update: ``qa.answer`` reads the live index version, and the
update swaps versions atomically, so the next question after an update sees the new article.
Only updates are serialised (one at a time). What the buttons do is :mod:`ui.actions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render
from ui.actions import DEFAULT_K, UPLOAD_SUFFIXES, add_article, chat_turn, index_summary
from ui.cite import COPY_JS
from ui.library import library_tab
from ui.style import CSS, THEME

EMPTY_HINT = "Type a question first, e.g. “Who signed the decree allowing foreigners into the National Guard?”"
CLEAR_BOX = "() => ''"  # runs in the browser on Ask/Enter, after the question was read: nothing typed later is cut
EXAMPLES = (
    "Who signed the decree allowing foreigners into the National Guard?",
    "Which ministry does the National Guard belong to?",
    "For how many years can foreigners sign up?",
)


def build_app(index: str | Path, corpus: str | Path) -> gr.Blocks:
    """Build the UI over the index at ``index``; new articles are written to ``corpus``."""
    index, corpus = Path(index), Path(corpus)
    summary, outlet_names = index_summary(index)

    def chat(question: Any, history: list | None, turns: list | None, outlets: list | None, k: Any
             ) -> Iterator[tuple]:
        history, turns = list(history or []), list(turns or [])
        if not str(question or "").strip():  # a hint; no bubble, and the sources panel stays as it is
            gr.Info(EMPTY_HINT)
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history.append({"role": "user", "content": render.question_markdown(str(question or ""))})
        # The question box is never written here: the browser empties it on Ask (CLEAR_BOX), so text
        # typed while the answer loads stays.
        yield [*history, {"role": "assistant", "content": "*Searching the articles…*"}], gr.skip(), gr.skip(), \
            gr.skip()
        reply, panel, turn = chat_turn(question, outlets, k, index=index, history=turns)
        history.append({"role": "assistant", "content": reply})
        yield history, panel, gr.skip(), [*turns, turn] if turn is not None else turns

    def add(upload, text, outlet, title, author, published, url, progress=gr.Progress()) -> tuple:  # noqa: B008
        progress(0, desc="Reading and checking the article")

        def report(done: int, total: int) -> None:
            progress((done, total), desc="Embedding paragraphs", unit="paragraphs")

        ok, message = add_article(upload, text, outlet=outlet, title=title, author=author,
                                  published=published, url=url, index=index, corpus=corpus,
                                  progress=report)
        new_summary, names = index_summary(index)
        # a successful add clears the whole form (the next article is another one, maybe another outlet)
        cleared = ("", None, "", "", "", "", "") if ok else (gr.skip(),) * 7
        return (render.status_html(ok, message), gr.Dropdown(choices=names), new_summary, *cleared)

    def refresh() -> tuple:
        new_summary, names = index_summary(index)
        return gr.Dropdown(choices=names), new_summary

    with gr.Blocks(title="News QA — quoted answers", analytics_enabled=False) as demo:
        with gr.Column(elem_id="app-header"):
            gr.Markdown("# News QA\nAnswers are verbatim quotes from the indexed articles, "
                        "labelled with the outlet that printed them.")
            info = gr.Markdown(summary, elem_id="index-info")
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
                with gr.Column(scale=2, min_width=340, elem_id="sources-col"):
                    sources = gr.HTML(render.empty_sources_html(), elem_id="sources-panel",
                                      label="Sources", max_height=680, js_on_load=COPY_JS)
            with gr.Tab("Library", id="library-tab") as library:  # ui/library.py
                shelf = library_tab(index, corpus)
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
                    outlet = gr.Textbox(label="Outlet (required, except for a URL)", elem_id="add-outlet",
                                        placeholder="e.g. Reuters")
                    title = gr.Textbox(label="Title", elem_id="add-title")
                    author = gr.Textbox(label="Author", elem_id="add-author")
                    published = gr.Textbox(label="Published (YYYY-MM-DD)", elem_id="add-date",
                                           placeholder="2024-02-21")
                    url = gr.Textbox(label="URL", elem_id="add-url", placeholder="https://…",
                                     info="With no file and no text, the article is fetched from this page")
                    add_btn = gr.Button("Add to index", variant="primary", elem_id="add-btn")
                    status = gr.HTML("", elem_id="add-status-box", js_on_load=None)

        chat_io = {"outputs": [chatbot, sources, question, turns], "concurrency_limit": 4,
                   "concurrency_id": "answer", "show_progress_on": [sources]}
        inputs = [chatbot, turns, outlet_filter, k_slider]
        question.submit(chat, [question, *inputs], api_name="ask", **chat_io)
        ask.click(chat, [question, *inputs], api_visibility="private", **chat_io)
        for trigger in (question.submit, ask.click):
            trigger(None, None, [question], js=CLEAR_BOX, queue=False, api_visibility="private")
        for button in example_buttons:
            button.click(chat, [button, *inputs], api_visibility="private", **chat_io)
        clear.click(lambda: ([], render.empty_sources_html(), "", []), None, [chatbot, sources, question, turns],
                    api_visibility="private")
        add_btn.click(add, [upload, pasted, outlet, title, author, published, url],
                      [status, outlet_filter, info, pasted, upload, outlet, title, author, published, url],
                      api_name="add_article",
                      concurrency_limit=1, show_progress_on=[status])
        demo.load(refresh, None, [outlet_filter, info], api_visibility="private")
        library.select(*shelf, api_visibility="private")
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
