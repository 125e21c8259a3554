"""Citing a quote: the text a reader pastes, and the copy button and article link shown beside each quote.

The citation is ``“quote” — Outlet, Title, date, URL`` (empty parts left out; only an http(s) URL).
The button copies it with ``navigator.clipboard`` (:data:`COPY_JS`, run once by the sources panel); the
text itself sits escaped in a hidden element next to the button, never in an attribute or a script.
"""

from __future__ import annotations

from qa import Quote
from ui.safe import esc, safe_url

__all__ = ["COPY_JS", "citation", "cite_html", "quoted"]

_OPENING = "\"“‘«„"
_CLOSING = "\"”»"

# Runs once per page with `element` = the sources panel: one delegated listener for every copy button,
# so buttons rendered by later answers work too. Falls back to execCommand where the page is not a
# secure context (http on another host), where navigator.clipboard is missing.
COPY_JS = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.copy-cite');
  if (!button) return;
  const text = button.parentElement.querySelector('.cite-text').textContent;
  let done = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      done = true;
    }
  } catch (err) { done = false; }
  if (!done) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    done = document.execCommand('copy');
    area.remove();
  }
  button.textContent = done ? 'Copied' : 'Copy failed';
  button.dataset.copied = done ? 'yes' : 'no';
  setTimeout(() => { button.textContent = 'Copy citation'; }, 2000);
});
"""


def quoted(text: str) -> str:
    """``text`` between “ and ”, unless it already opens or closes with a quotation mark (no “"…"”)."""
    stripped = text.strip()
    if stripped[:1] in _OPENING or stripped[-1:] in _CLOSING or stripped.rstrip(".,;:!?")[-1:] in _CLOSING:
        return stripped
    return f"“{stripped}”"


def citation(quote: Quote) -> str:
    """``“quote” — Outlet, Title, date, URL``: what the copy button puts on the clipboard."""
    p = quote.passage
    source = [part for part in (p.outlet, p.title, p.published, safe_url(p.url)) if part]
    return f"{quoted(quote.text)} — " + ", ".join(source)


def cite_html(quote: Quote) -> str:
    """The citation row under a quote: a copy button (its text hidden beside it) and the article link."""
    url = safe_url(quote.passage.url)
    link = (f'<a class="cite-link" href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
            "Open article ↗</a>") if url else ""
    return ('<div class="cite">'
            '<button type="button" class="copy-cite" title="Copy “quote” — Outlet, Title, date, URL">'
            "Copy citation</button>"
            f'<span class="cite-text" hidden>{esc(citation(quote))}</span>{link}</div>')
