"""The book as one PDF, printed by Debian's headless Chromium from an edition's built HTML.

What `make pdf` runs:

    .venv/bin/python tools/book_pdf.py _build/html _build/pdf/large-models-visualized.pdf

Offline, from the HTML that `make book` built (any edition's HTML folder: the Chinese edition's
will be a second call). The route, and why it is this one, is in the README ("The book to take
away"). In short:

1. **One print page.** The article of every page, in the order of the book's own sidebar (so
   the order of _toc.yml), goes into one HTML page, after a cover and a table of contents. Every
   id becomes ``<page>--<id>`` and every link between pages (a chapter to a figure of another
   chapter, a citation to the bibliography) becomes a link inside that page, which Chromium
   prints as a link inside the PDF. Links to pages that are not in the book (the index, the
   sources) keep their text and lose their target. Navigation, sidebars, buttons, the
   collapsed setup cell and the widgets' controls are not copied or are hidden (book_pdf.css).
2. **Rendered, then measured.** The page opens from disk in Chromium with the network cut
   (tests/browser.py, the browser tests' harness) at the width of the printed text; printing
   waits until MathJax has typeset every formula, Mermaid has drawn every diagram and every
   image has loaded. A displayed formula or block of output wider than the text is scaled down
   to fit (code and output below 80 % of their size wrap instead), so nothing is cut.
3. **Printed twice.** Chromium prints A4 pages with page numbers (CSS page-margin boxes), a
   bookmark outline from the headings and tagged text; the first print tells on which page
   each chapter and section begins (read from its outline with pypdf), the table of contents
   gets those numbers, and the second print is the book.
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' headless Chromium, network cut
import browser as headless  # noqa: E402

logging.getLogger("pypdf").setLevel(logging.ERROR)  # Skia's xref size off by a few: harmless
PRINT_CSS = Path(__file__).with_name("book_pdf.css")
#: Width of the printed text, in CSS px: A4 (210 mm) less book_pdf.css's margins (2 x 17 mm).
TEXT_WIDTH_PX = round((210 - 2 * 17) / 25.4 * 96)
RENDER_TIMEOUT_S = 180
#: The print page's own words, by the edition's language (<html lang>); book_pdf.css has the rest.
LABELS = {
    "en": {"contents": "Contents", "source": "The notebooks, the package and the HTML edition:"},
    "zh": {"contents": "目录", "source": "笔记本、代码包与网页版："},
}

# Everything the print page needs from a page's <head>: the theme's stylesheets, MathJax and its
# configuration, Mermaid and sphinxcontrib-mermaid's script that draws the diagrams.
_HEAD_SCRIPT = re.compile(r"mathjax|mermaid", re.I)

# Run in the print page once it has loaded: wait for MathJax, Mermaid and the images, then fit
# what is wider than the text. Returns what the page holds, for the report and the checks.
SETTLE = """async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  document.querySelectorAll('.animation input[type=range]').forEach(slider => {
    slider.value = slider.max;  // an animation shows its last frame
    slider.dispatchEvent(new Event('input'));
  });
  document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager');
  const done = () =>
    [...document.querySelectorAll('pre.mermaid')].every(d => d.querySelector('svg')) &&
    [...document.images].every(i => i.complete && i.naturalWidth > 0);
  for (let waited = 0; !done() && waited < 60000; waited += 100)
    await new Promise(r => setTimeout(r, 100));
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    const ratio = m.clientWidth / m.scrollWidth;
    if (ratio < 1) m.style.fontSize = (100 * ratio * 0.98).toFixed(1) + '%';
  }
  for (const pre of document.querySelectorAll('.print-chapter pre')) {
    const ratio = pre.clientWidth / pre.scrollWidth;
    if (ratio >= 1) continue;
    if (ratio >= 0.8) pre.style.fontSize = (100 * ratio * 0.98).toFixed(1) + '%';
    else pre.classList.add('print-wrap');
  }
  const maths = [...document.querySelectorAll('.print-chapter .math')];
  return {
    maths: maths.length,
    untypeset: maths.filter(m => !m.querySelector('mjx-container')).length,
    tex_errors: document.querySelectorAll('mjx-merror').length,
    diagrams: document.querySelectorAll('pre.mermaid').length,
    undrawn: [...document.querySelectorAll('pre.mermaid')].filter(d => !d.querySelector('svg'))
      .length,
    images: document.images.length,
    broken_images: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length,
  };
}"""

FILL_PAGE_NUMBERS = """pages => {
  let filled = 0;
  document.querySelectorAll('.print-toc a').forEach(a => {
    const page = pages[a.getAttribute('href').slice(1)];
    if (page) filled += 1;
    a.querySelector('.print-toc-page').textContent = page ?? '';
  });
  return filled;
}"""


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def root_page(site: Path) -> str:
    """The page the book opens on: index.html, or where its redirect points (intro.html)."""
    text = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', text)
    return found.group(1) if found else "index.html"


def reading_order(site: Path) -> list[tuple[str, str | None]]:
    """Every page of the book in order, each with the part it opens (its sidebar caption).

    Read from the root page's sidebar, which Sphinx builds from _toc.yml: so the edition's HTML
    folder is all this needs to know.
    """
    root = root_page(site)
    nav = _soup(site / root).select_one("nav.bd-docs-nav")
    if nav is None:
        sys.exit(f"{site / root} has no sidebar (nav.bd-docs-nav): is it a Jupyter Book page?")
    order: list[tuple[str, str | None]] = [(root, None)]
    caption = None
    for element in nav.find_all(["p", "a"]):
        if element.name == "p" and "caption" in element.get("class", []):
            caption = element.get_text(" ", strip=True)
        elif element.name == "a" and element.get("href", "#") not in ("#", ""):
            page = urlsplit(urljoin(root, element["href"])).path
            if page not in (p for p, _ in order):
                order.append((page, caption))
                caption = None
    return order


def page_key(page: str) -> str:
    """The id prefix of a page's elements in the print page: chapters/04_backprop.html -> ..."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", page.removesuffix(".html"))


def _rewrite(article, page: str, site: Path, keys: dict[str, str]) -> None:
    """Make one page's article live in the print page: ids, links and resource paths."""
    key = keys[page]
    for element in article.find_all(id=True):
        if not element.find_parent(class_="text_html"):  # raw HTML whose scripts use its ids
            element["id"] = f"{key}--{element['id']}"
    for a in article.find_all("a", href=True):
        href = a["href"]
        if urlsplit(href).scheme in ("http", "https", "mailto"):
            continue
        target = urlsplit(urljoin(page, href))
        if target.path in keys:
            fragment = unquote(target.fragment)
            a["href"] = f"#{keys[target.path]}--{fragment}" if fragment else f"#{keys[target.path]}"
        else:  # the index, a page's sources: not in the printed book
            del a["href"]
    for element in article.find_all(["img", "source", "script"], src=True):
        if not urlsplit(element["src"]).scheme:
            element["src"] = (site / urlsplit(urljoin(page, element["src"])).path).as_uri()


def _head(site: Path, order: list[str]) -> str:
    """Stylesheets and the maths and diagram scripts of every page, each once, paths absolute."""
    seen, parts = set(), []
    for page in order:
        head = _soup(site / page).head
        for tag in head.find_all(["link", "script"]):
            if tag.name == "link" and "stylesheet" not in tag.get("rel", []):
                continue
            code = tag.get("src", "") + (tag.string or "")
            if tag.name == "script" and not _HEAD_SCRIPT.search(code):
                continue
            for attr in ("href", "src"):
                if tag.get(attr) and not urlsplit(tag[attr]).scheme:
                    path = urlsplit(urljoin(page, tag[attr])).path
                    tag[attr] = (site / path).as_uri()
            marker = str(tag)
            if marker not in seen:
                seen.add(marker)
                parts.append(marker)
    return "\n".join(parts)


def _heading_text(heading) -> str:
    return " ".join(heading.get_text().split())


def print_page(site: Path) -> tuple[str, dict]:
    """The whole book as one HTML page, and its title, author and number of contents entries."""
    order = reading_order(site)
    pages = [page for page, _ in order]
    keys = {page: page_key(page) for page in pages}
    root = _soup(site / pages[0])
    for link in root.select(".headerlink"):
        link.decompose()
    title = _heading_text(root.find("article").find("h1"))
    author = next((p.get_text(" ", strip=True) for p in root.select("footer p")
                   if p.get_text(strip=True).startswith("By ")), "")
    language = root.html.get("lang", "en")
    labels = LABELS["zh" if language.startswith("zh") else "en"]
    repository = root.select_one('a[href^="https://github.com/"]')
    opening = root.find("article").find("p").get_text()
    blurb = " ".join(opening.split(". ")[0].split()).removesuffix(".")
    chapters, toc = [], []
    for page, part in order:
        article = _soup(site / page).find("article")
        for junk in article.select(".headerlink, details.hide, .toctree-wrapper, "
                                   "script[type='text/x-thebe-config']"):
            junk.decompose()
        _rewrite(article, page, site, keys)
        if part:
            toc.append({"part": part})
        for heading in article.find_all(["h1", "h2"]):
            level = int(heading.name[1])
            heading_id = heading.get("id") or heading.find_parent("section").get("id")
            toc.append({"level": level, "title": _heading_text(heading), "href": f"#{heading_id}"})
        chapters.append(f'<div class="print-chapter" id="{keys[page]}">'
                        f'{"".join(str(c) for c in article.contents)}</div>')
    toc_html = "\n".join(
        f'<p class="print-toc-part">{html.escape(e["part"])}</p>' if "part" in e else
        f'<a class="print-toc-l{e["level"]}" href="{e["href"]}">'
        f'<span class="print-toc-title">{html.escape(e["title"])}</span>'
        f'<span class="print-toc-page"></span></a>'
        for e in toc)
    title_main, _, title_zh = title.partition(" · ")
    cover = (
        '<section class="print-cover">'
        f'<p class="print-cover-title">{html.escape(title_main)}</p>'
        f'<p class="print-cover-title-zh">{html.escape(title_zh)}</p>'
        f'<p class="print-cover-blurb">{html.escape(blurb)}</p>'
        f'<p class="print-cover-author">{html.escape(author.removeprefix("By ").strip())}</p>'
        + (f'<p class="print-cover-source">{labels["source"]} '
           f'<a href="{repository["href"]}">{html.escape(repository["href"])}</a></p>'
           if repository else "")
        + "</section>"
    )
    document = f"""<!DOCTYPE html>
<html lang="{language}" data-theme="light" data-mode="light">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
{_head(site, pages)}
<link rel="stylesheet" href="{PRINT_CSS.as_uri()}">
</head>
<body class="print-book">
{cover}
<nav class="print-toc"><h1 id="print-contents">{labels["contents"]}</h1>
{toc_html}
</nav>
{"".join(chapters)}
</body></html>"""
    about = {"title": title, "author": author.removeprefix("By ").strip(),
             "toc_entries": sum("title" in e for e in toc)}
    return document, about


# Every heading in document order, as the outline lists them: its text, and the id a link to
# it uses (its own, or its section's).
HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => ({
  text: h.textContent.replace(/\\s+/g, ' ').trim(),
  target: h.id || (h.closest('section, nav') || {}).id || '',
}))"""


def outline_items(reader) -> list:
    """Every entry of a PDF's bookmark outline, in order (pypdf's outline, flattened)."""
    found = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else found.append(item)

    walk(reader.outline)
    return found


def page_numbers(pdf: Path, headings: list[dict]) -> dict[str, int]:
    """The page on which each heading's target begins, read from the PDF's outline."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    items = outline_items(reader)
    if len(items) != len(headings):
        sys.exit(f"{pdf}: the outline has {len(items)} entries for {len(headings)} headings")
    numbers: dict[str, int] = {}
    for item, heading in zip(items, headings, strict=True):
        numbers.setdefault(heading["target"], reader.get_destination_page_number(item) + 1)
    return numbers


def finish(pdf: Path, headings: list[dict], title: str, author: str) -> None:
    """Title the outline's entries with their headings' text, and set the document's metadata.

    Chromium titles an entry with the text of the heading's layout fragments, so a heading
    moved to the next page by break-after: avoid is named twice ("4.5. 4.5. Zero …Zero …").
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=pdf)
    items = []
    stack = [writer.root_object["/Outlines"].get_object().get("/First")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        node = node.get_object()
        items.append(node)
        stack += [node.get("/Next"), node.get("/First")]  # children first, then siblings
    if len(items) != len(headings):
        sys.exit(f"{pdf}: the outline has {len(items)} entries for {len(headings)} headings")
    for node, heading in zip(items, headings, strict=True):
        node[NameObject("/Title")] = TextStringObject(heading["text"])
    writer.add_metadata({"/Title": title, "/Author": author})
    writer.write(pdf)


def render(document: str, out: Path, title: str, author: str) -> dict:
    """Print the print page to ``out`` (twice: the second with the contents' page numbers)."""
    work = out.with_suffix(".print.html")
    work.write_text(document, encoding="utf-8")
    options = dict(format="A4", print_background=True, prefer_css_page_size=True,
                   outline=True, tagged=True)
    with headless.Browser(viewport=(TEXT_WIDTH_PX, 1000)) as chromium:
        page = chromium.open(work.as_uri(), timeout_s=RENDER_TIMEOUT_S)
        page.raw.emulate_media(media="print")
        page.raw.set_default_timeout(RENDER_TIMEOUT_S * 1000)
        report = page.evaluate(SETTLE)
        headings = page.evaluate(HEADINGS)
        page.raw.pdf(path=str(out), **options)
        numbers = page_numbers(out, headings)
        report["toc_numbered"] = page.evaluate(FILL_PAGE_NUMBERS, numbers)
        page.raw.pdf(path=str(out), **options)
        report["problems"] = page.problems()
        report["chromium"] = chromium.version
        page.close()
    finish(out, headings, title, author)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="an edition's built HTML folder (_build/html)")
    parser.add_argument("pdf", type=Path, help="the PDF to write")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        sys.exit(f"{args.site}/index.html not found: build the book first (make book)")
    if not headless.CHROMIUM.is_file():
        hint = headless.INSTALL_HINT.replace("make test-html", "make pdf")
        sys.exit(f"{headless.CHROMIUM} not found: {hint}")
    if not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
        sys.exit("no Chinese font is installed, and the book has Chinese on most pages: "
                 "apt-get install -y fonts-noto-cjk (as root)")
    start = time.perf_counter()
    args.pdf.parent.mkdir(parents=True, exist_ok=True)
    document, about = print_page(args.site.resolve())
    report = render(document, args.pdf.resolve(), about["title"], about["author"])
    failed = [f"{k}: {report[k]}" for k in ("untypeset", "tex_errors", "undrawn", "broken_images")
              if report[k]] + report["problems"]
    if report["toc_numbered"] < about["toc_entries"]:
        failed.append(f"only {report['toc_numbered']} of {about['toc_entries']} contents entries"
                      " found in the outline")
    from pypdf import PdfReader

    pages = len(PdfReader(args.pdf).pages)
    print(f"{args.pdf}: {pages} pages, {args.pdf.stat().st_size / 2**20:.1f} MiB, "
          f"{report['maths']} formulas, {report['diagrams']} diagrams, {report['images']} images, "
          f"in {time.perf_counter() - start:.0f} s (Chromium {report['chromium']})")
    if failed:
        rejected = args.pdf.with_suffix(".rejected.pdf")
        args.pdf.replace(rejected)
        sys.exit(f"the PDF is not right ({rejected} kept to look at):\n  " + "\n  ".join(failed))


if __name__ == "__main__":
    main()
