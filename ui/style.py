"""The look of the UI: a Gradio theme with system fonts only, and the page's CSS."""

from __future__ import annotations

import gradio as gr

# System fonts only: the page must not fetch anything from third-party servers.
THEME = gr.themes.Soft(primary_hue="blue", neutral_hue="slate",
                       font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial",
                             "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]).set(
    # WCAG AA (4.5:1) for every text in both themes (tests/ui/test_newcomer_ui.py measures it in Chromium):
    # Soft's subdued slate-400 text, blue-500 labels and white on blue-400/500 buttons were 2.3-3.7:1.
    body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_400",
    block_label_text_color="*primary_700", block_title_text_color="*primary_700",
    color_accent="*primary_700",
    button_primary_background_fill="*primary_700", button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover="*primary_800", button_primary_background_fill_hover_dark="*primary_600",
    button_primary_border_color="*primary_700", button_primary_border_color_dark="*primary_700",
)
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
.source-card.related, .source-card.closest { border-style: dashed; }
.card-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; font-size: .85em; }
.card-num { display: inline-flex; align-items: center; justify-content: center; width: 22px; height: 22px;
  border-radius: 50%; background: var(--neutral-200); color: var(--neutral-800); font-weight: 700;
  font-size: .8em; }
.outlet-badge { background: hsl(var(--badge-hue) 75% 92%); color: hsl(var(--badge-hue) 65% 24%);
  border: 1px solid hsl(var(--badge-hue) 45% 74%); padding: 2px 9px; border-radius: 999px; font-weight: 600; }
.dark .outlet-badge { background: hsl(var(--badge-hue) 45% 20%); color: hsl(var(--badge-hue) 85% 86%);
  border-color: hsl(var(--badge-hue) 40% 40%); }
.byline { color: var(--body-text-color-subdued); }
.dark button[role="tab"].selected { color: var(--primary-400); }  /* the accent (blue-700) is for light pages */
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
mark b, mark strong { color: inherit !important; }  /* dark prose made them near-white on the yellow */
.metadata-label { font-size: .8em; text-transform: uppercase; letter-spacing: .05em; font-weight: 600; }
.metadata-note { font-style: italic; font-size: .9em; }  /* chat bubbles are translucent: no subdued colour */
.short-answer { font-size: 1.15em; }
.tentative { font-style: italic; font-weight: 600; }  /* a weak best match: said before its quotes */
.cite { display: flex; align-items: center; gap: 10px; margin-top: 6px; font-size: .8em; }
.copy-cite { font-size: 1em !important; font-weight: 500; border: 1px solid var(--border-color-primary);
  border-radius: 6px; padding: 1px 8px;
  background: var(--background-fill-secondary); color: var(--body-text-color); cursor: pointer; }
.copy-cite:hover { background: var(--background-fill-primary); }
.cite-link { color: var(--link-text-color); text-decoration: none; }
.cite-link:hover { text-decoration: underline; }
.card-foot { margin-top: 8px; font-size: .8em; color: var(--body-text-color-subdued); }
.add-status { padding: 10px 12px; border-radius: 8px; font-weight: 500; overflow-wrap: anywhere; }
.add-status.ok { background: #ecfdf5; color: #065f46; border: 1px solid #a7f3d0; }
.add-status.error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
.example-q { font-size: .85em !important; }
/* Phones (400 px): the chat box fits its messages (no empty 520 px box), up to 45% of the screen, so the
   examples and filters stay on the first screen and the sources are one scroll away. */
@media (max-width: 640px) {
  #chat { height: auto !important; min-height: 120px; max-height: 45vh; }
  #app-header h1 { font-size: 1.4em; }
}
"""

