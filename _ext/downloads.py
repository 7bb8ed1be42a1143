"""A "Download the book" menu in every page's header: the PDF, the notebooks, the HTML site.

The files are made after the site (`make pdf`, `make dist`: tools/book_pdf.py, tools/book_dist.py)
and put into the site's downloads/ folder, so a served _build/html offers them. A page opened
from disk does not show the menu: its reader has the book already, and the HTML archive does not
hold the other downloads (it would hold them twice over).
"""

from __future__ import annotations

DOWNLOADS_DIR = "downloads"

_HIDE_FROM_DISK = (
    'document.addEventListener("DOMContentLoaded", () => { if (location.protocol === "file:") '
    'document.querySelectorAll(".dropdown-download-book").forEach(menu => menu.remove()); });'
)


STEM = "large-models-visualized"
#: Each edition's file-name stem (the Chinese edition's PDF and notebooks are its own).
STEMS = {"en": STEM, "zh": f"{STEM}-zh"}
#: The menu's words in each edition: (key, text, icon, tooltip), and the menu's tooltip.
ENTRIES = {
    "en": ([("pdf", "Book (.pdf)", "fas fa-file-pdf", "The whole book as one PDF, A4"),
            ("notebooks", "Notebooks (.zip)", "fas fa-file-zipper",
             "The chapters as notebooks, with the package they use"),
            ("html", "HTML book (.zip)", "fas fa-file-zipper",
             "This site, both editions, to read offline")], "Download the book"),
    "zh": ([("pdf", "全书（.pdf）", "fas fa-file-pdf", "整本书的 PDF，A4 幅面"),
            ("notebooks", "笔记本（.zip）", "fas fa-file-zipper",
             "各章的笔记本，附带它们用到的代码包"),
            ("html", "网页版（.zip）", "fas fa-file-zipper", "本网站（中英两版），离线阅读")],
           "下载本书"),
}


def download_names(edition: str = "en") -> dict[str, str]:
    """The file names of an edition's downloads. The HTML archive is one for both editions (the
    whole site, so that the language switch works offline); PDF and notebooks are each edition's."""
    if edition not in STEMS:
        raise ValueError(f"edition must be one of {sorted(STEMS)}, got {edition!r}")
    stem = STEMS[edition]
    return {"pdf": f"{stem}.pdf", "notebooks": f"{stem}-notebooks.zip",
            "html": f"{STEM}-html.zip"}


def _add_menu(app, pagename, templatename, context, doctree):
    buttons = context.get("header_buttons")
    if buttons is None:  # not the book theme
        return
    edition = getattr(app.config, "edition", "en")
    names = download_names(edition)
    entries, tooltip = ENTRIES[edition]
    # Before the full-screen button, after the theme's download menu for this page.
    at = next((n for n, b in enumerate(buttons) if b.get("label") == "fullscreen-button"),
              len(buttons))
    buttons.insert(at, {
        "type": "group",
        "tooltip": tooltip,
        "icon": "fas fa-book-open",
        "label": "download-book",
        "buttons": [{"type": "link", "url": context["pathto"](f"{DOWNLOADS_DIR}/{names[key]}", 1),
                     "text": text, "icon": icon, "tooltip": tooltip,
                     "label": f"download-book-{key}"}
                    for key, text, icon, tooltip in entries],
    })


def setup(app):
    app.connect("html-page-context", _add_menu, priority=502)  # after the theme's (501)
    app.add_js_file(None, body=_HIDE_FROM_DISK)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
