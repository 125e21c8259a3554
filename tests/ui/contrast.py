"""WCAG contrast of every text on a page, measured in the browser from computed styles.

:data:`CONTRAST_JS` walks every visible element that holds text of its own, resolves its text colour
and the background behind it (the element's and its ancestors' background colours composited, alpha
included, over the page), converts them with a canvas (any CSS colour syntax) and returns each pair
with its WCAG 2 contrast ratio. Opacity of the element and its ancestors is applied to the text colour.
"""

from __future__ import annotations

AA = 4.5

CONTRAST_JS = r"""
(root) => {
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (c) => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1); const d = ctx.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255]; };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat(1); };
  const lum = (c) => { const f = (v) => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const pageBg = () => { for (const el of [document.body, document.documentElement]) {
      const c = rgba(getComputedStyle(el).backgroundColor); if (c[3] > 0) return over(c, [255, 255, 255, 1]); }
    return [255, 255, 255, 1]; };
  const background = (el) => { const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor); if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let bg = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : pageBg();
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg; };
  const opacity = (el) => { let o = 1; for (let n = el; n && n.nodeType === 1; n = n.parentElement)
      o *= parseFloat(getComputedStyle(n).opacity); return o; };
  const out = [];
  for (const el of (root || document.body).querySelectorAll('*')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!own || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TITLE', 'OPTION'].includes(el.tagName)) continue;
    const st = getComputedStyle(el); const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || st.visibility !== 'visible' || st.display === 'none') continue;
    if (el.closest('[aria-hidden="true"], .sr-only, .hide, [hidden]')) continue;
    const bg = background(el); const o = opacity(el);
    const fg = over([...rgba(st.color).slice(0, 3), rgba(st.color)[3] * o], bg);
    out.push({text: own.slice(0, 60), tag: el.tagName.toLowerCase(), cls: String(el.className).slice(0, 60),
              color: st.color, background: 'rgb(' + bg.slice(0, 3).map(Math.round).join(',') + ')',
              ratio: Math.round(ratio(fg, bg) * 100) / 100});
  }
  return out;
}
"""
