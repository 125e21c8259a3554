"""Serving the UI: the mode (:mod:`ui.access`), the limits (:mod:`ui.limits`) and ``POST /api/answer`` on one server.

The JSON route and the request-limits middleware are handed to the FastAPI app Gradio creates
(``app_kwargs``), so they sit in front of Gradio's own routes on the same port.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import qa
from ui.access import Access
from ui.api import answer_route
from ui.app import build_app
from ui.limits import Gate, Limits, RequestLimits
from ui.style import CSS, THEME

TOKEN_ENV = "QA_ADMIN_TOKEN"  # read by qa.Config
# An idle keep-alive connection stays open this long (uvicorn's default is 5 s: a client that asks again after
# about 5 s on the same connection can race the server closing it and get "connection reset by peer").
KEEP_ALIVE_S = 75


def launch(index: str | Path, corpus: str | Path, host: str = "127.0.0.1", port: int = 7860, *,
           read_only: bool = False, admin_token: str | None = None, allow_private_urls: bool = False,
           allowed_url_hosts: Sequence[str] = (), questions_per_minute: int = Limits.questions_per_minute) -> None:
    """Serve the UI and the JSON API at ``http://host:port`` until interrupted (blocking); prints mode and URL.

    Args:
        index: The index answered from.
        corpus: Where added articles are written.
        host: The address to bind; anything but loopback without a token serves read-only.
        port: The port.
        read_only: No Add tab and no endpoint that writes, even on loopback.
        admin_token: The token that unlocks adding (default ``$QA_ADMIN_TOKEN``; "" or unset: none).
        allow_private_urls: Let the Add tab fetch pages on loopback and private addresses.
        allowed_url_hosts: Host names the Add tab fetches whatever they resolve to.
        questions_per_minute: Questions per client per minute (0: no limit).

    Raises:
        ConfigError: The admin token is too short.
    """
    token = admin_token if admin_token is not None else qa.Config.from_env().admin_token
    access = Access(host=host, admin_token=token.strip(), read_only=read_only, allow_private_urls=allow_private_urls,
                    allowed_url_hosts=tuple(allowed_url_hosts))
    limits = Limits(questions_per_minute=max(0, questions_per_minute))
    gate = Gate(limits)
    demo = build_app(index, corpus, access=access, gate=gate)
    demo.queue(default_concurrency_limit=limits.answer_slots)
    from starlette.middleware import Middleware

    app_kwargs = {"routes": [answer_route(index, gate)],
                  "middleware": [Middleware(RequestLimits, limits=limits, uploads=access.can_add)]}
    print(access.mode_line(), flush=True)
    print(limits.describe(), flush=True)
    demo.launch(server_name=host, server_port=port, css=CSS, theme=THEME,
                max_file_size=limits.max_upload_bytes, footer_links=["gradio", "settings"], show_error=False,
                quiet=True, prevent_thread_lock=True, app_kwargs=app_kwargs, mcp_server=False)
    server = getattr(demo, "server", None)  # read by each new connection: set before the URL is announced
    if server is not None:
        server.config.timeout_keep_alive = KEEP_ALIVE_S
    shown = f"[{host}]" if ":" in host else host
    print(f"News QA UI running at http://{shown}:{port} (Ctrl+C to stop); JSON API: POST /api/answer", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
