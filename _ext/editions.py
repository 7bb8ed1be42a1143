"""The book's two editions: a CJK web font for both, and a link to the other edition's page.

* Every page loads static/cjk-font.css: an ``@font-face`` for a WOFF2 subset of Noto Sans CJK SC
  (SIL OFL 1.1; made by tools/make_cjk_font.py --web) limited by ``unicode-range`` to Chinese
  characters and punctuation, so that Chinese shows on a machine with no CJK font and Latin text
  keeps the theme's fonts.
* With ``edition_switch`` on (the Chinese build, tools/zh_book.py), every page's header has a
  link to the same page in the other edition: the English site is _build/html/, the Chinese one
  _build/html/zh/, so the two pages of one document are a folder apart.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
FONT = STATIC / "fonts" / "NotoSansCJKsc-web.woff2"
#: The other edition's site, relative to this edition's root, and the link's words.
OTHER = {"en": ("zh/", "中文", "本页的中文版"), "zh": ("../", "English", "This page in English")}
#: The theme opens every header link in a new tab; the other edition replaces this page instead.
_SAME_TAB = ('document.addEventListener("DOMContentLoaded", () => document.querySelectorAll('
             '"a.btn-edition-switch").forEach(a => a.removeAttribute("target")));')


def other_edition_url(pagename: str, edition: str) -> str:
    """The same page in the other edition, relative to this page (both sites are static)."""
    if edition not in OTHER:
        raise ValueError(f"edition must be one of {sorted(OTHER)}, got {edition!r}")
    up = "../" * pagename.count("/")
    return f"{up}{OTHER[edition][0]}{pagename}.html"


def _add_switch(app, pagename, templatename, context, doctree):
    buttons = context.get("header_buttons")
    if buttons is None or not app.config.edition_switch:
        return
    edition = app.config.edition
    _, text, tooltip = OTHER[edition]
    buttons.insert(0, {"type": "link", "url": other_edition_url(pagename, edition),
                       "text": text, "tooltip": tooltip, "icon": "fas fa-language",
                       "label": "edition-switch"})


def _add_static(app, config):
    if not FONT.is_file():
        raise FileNotFoundError(f"{FONT} is missing: .venv/bin/python tools/make_cjk_font.py --web")
    config.html_static_path.append(str(STATIC))
    if config.edition_switch:
        app.add_js_file(None, body=_SAME_TAB)


def setup(app):
    app.add_config_value("edition", "en", "html", types=[str])
    app.add_config_value("edition_switch", False, "html", types=[bool])
    app.connect("config-inited", _add_static)
    app.add_css_file("cjk-font.css")
    app.connect("html-page-context", _add_switch, priority=503)  # after downloads (502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
