"""The book's PDF (`make pdf`, tools/book_pdf.py): complete, in order, typeset, linked, portable.

The tests of the PDF itself skip until `make pdf` has run (they read it with poppler-utils'
pdftotext, pdffonts and pdfimages, and with pypdf); under CI, which builds it before the tests,
a missing PDF or tool fails them instead. The tests of the print page's making need no build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup
from built_site import ROOT, require_site

sys.path[:0] = [str(ROOT / "tools")]
import book_pdf  # noqa: E402

PDF = ROOT / "_build" / "pdf" / "large-models-visualized.pdf"
POPPLER_HINT = "install poppler-utils (apt-get install -y poppler-utils)"


def _ci_or_skip(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (.ci/run builds the PDF and installs poppler-utils)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def pdf() -> Path:
    if not PDF.is_file():
        _ci_or_skip(f"{PDF.relative_to(ROOT)} is not built: run `make pdf` first")
    for tool in ("pdftotext", "pdffonts", "pdfimages"):
        if shutil.which(tool) is None:
            _ci_or_skip(f"{tool} not found: {POPPLER_HINT}")
    return PDF


@pytest.fixture(scope="module")
def reader(pdf):
    from pypdf import PdfReader

    return PdfReader(pdf)


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _words(text: str) -> str:
    return " ".join(text.split())


def toc_pages() -> list[str]:
    """The pages of _toc.yml, in order, as the site names them (intro.html, chapters/...)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.html" for f in files]


def chapter_titles(site: Path) -> list[str]:
    """Each page's title (its h1), in the book's order."""
    titles = []
    for page in toc_pages():
        heading = BeautifulSoup((site / page).read_text("utf-8"), "html.parser").find("article").h1
        for link in heading.select(".headerlink"):
            link.decompose()
        titles.append(_words(heading.get_text()))
    return titles


# --- the making of the print page (no build needed) -------------------------------------------

def test_a_page_is_rewritten_to_live_in_the_print_page(tmp_path):
    article = BeautifulSoup(
        '<article><section id="s"><h1>T</h1><p id="p">'
        '<a href="#p">here</a> <a href="references.html#cite-k">cite</a> '
        '<a href="../intro.html">intro</a> <a href="../genindex.html">index</a> '
        '<a href="https://doi.org/10.1/x">doi</a> <img src="../_images/a.png"></p>'
        '<div class="output text_html"><img id="_anim_img"></div></section></article>',
        "html.parser").article
    keys = {p: book_pdf.page_key(p) for p in
            ("intro.html", "chapters/04_backprop.html", "chapters/references.html")}
    book_pdf._rewrite(article, "chapters/04_backprop.html", tmp_path, keys)
    assert article.section["id"] == "chapters-04_backprop--s"
    assert [a.get("href") for a in article.find_all("a")] == [
        "#chapters-04_backprop--p", "#chapters-references--cite-k", "#intro", None,
        "https://doi.org/10.1/x"]
    assert article.find("img")["src"] == (tmp_path / "_images/a.png").as_uri()
    assert article.select_one(".text_html img")["id"] == "_anim_img"  # its script's id, kept


def test_the_print_page_follows_the_books_order():
    site = require_site()
    assert [page for page, _ in book_pdf.reading_order(site)] == toc_pages()


# --- the PDF -----------------------------------------------------------------------------------

def test_every_chapter_title_is_in_the_text_in_order(pdf, reader):
    """Each chapter opens on the page its outline entry names, and those pages increase."""
    titles = chapter_titles(require_site())
    top = [item for item in reader.outline if not isinstance(item, list)]
    starts = {_words(item.title): reader.get_destination_page_number(item) + 1 for item in top}
    pages = [starts.get(title) for title in titles]
    assert None not in pages, [t for t, p in zip(titles, pages, strict=True) if p is None]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    for title, page in zip(titles, pages, strict=True):
        text = _words(_run("pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"))
        assert title in text, f"page {page} does not show {title!r}"
    whole = _words(_run("pdftotext", "-raw", str(pdf), "-"))
    at = whole.index(titles[-1]) + 1  # after the contents, every title again in order
    for title in titles:
        at = whole.index(title, at) + len(title)


def test_the_outline_has_an_entry_per_chapter_and_its_sections(reader):
    titles = chapter_titles(require_site())
    top = [_words(item.title) for item in reader.outline if not isinstance(item, list)]
    assert top == ["Contents", *titles]
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert len(nested) >= 10, "the chapters' sections are not in the outline"


def test_it_has_a_cover_contents_and_page_numbers(pdf, reader):
    cover = _words(_run("pdftotext", "-f", "1", "-l", "1", str(pdf), "-"))
    assert cover.startswith("Large Models, Visualized 大模型，看得见")
    contents = _run("pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-")
    assert contents.split()[0] == "Contents"
    assert re.search(r"1\. Background: from the perceptron to GPT ·\s+背景\s+\d+\n", contents)
    for page in (2, 10, len(reader.pages)):
        box = reader.pages[page - 1].mediabox  # the footer: the page's bottom 52 pt
        footer = _run("pdftotext", "-f", str(page), "-l", str(page), "-x", "0",
                      "-y", str(int(box.height) - 52), "-W", str(int(box.width) + 1), "-H", "52",
                      str(pdf), "-").split()
        assert footer == [str(page)], f"page {page}'s footer is {footer}, not its number"
    assert re.search(r"Page size:.*\(A4\)", _run("pdfinfo", str(pdf)))


def test_every_font_is_embedded(pdf):
    """(Skia embeds the CFF fonts, Noto CJK's and MathJax's, as Type 3: unnamed, embedded.)"""
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert len(rows) > 5
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not_embedded == []


def test_no_raw_tex_is_left(pdf):
    text = _run("pdftotext", str(pdf), "-")
    for raw in ("$$", "\\frac", "\\(", "\\[", "\\begin{"):
        assert raw not in text, f"raw TeX {raw!r} in the PDF's text"


def test_every_figure_is_there_at_its_own_resolution(pdf):
    """At least one image per figure of the book (every <img> of its pages; Mermaid is vector),
    and every figure file embedded with its own pixels, not resampled: as sharp as in the HTML."""
    from PIL import Image

    site = require_site()
    images = [(page, img) for page in toc_pages() for img in
              BeautifulSoup((site / page).read_text("utf-8"), "html.parser").article("img")]
    listed = [row.split() for row in _run("pdfimages", "-list", str(pdf)).splitlines()[2:]]
    embedded = [(int(row[3]), int(row[4])) for row in listed if row[2] == "image"]
    assert len(images) > 40 and len(embedded) >= len(images)
    files = {site / urljoin(page, img["src"]) for page, img in images
             if "_images/" in img.get("src", "")}
    assert len(files) > 40
    for path in sorted(files):
        with Image.open(path) as figure:
            assert figure.size in embedded, f"{path.name} ({figure.size}) is not embedded as is"


def test_links_reach_the_bibliography_and_other_chapters(reader):
    """Every link inside the PDF lands; citations reach the bibliography; chapters link others."""
    keys = [book_pdf.page_key(page) for page in toc_pages()]
    top = [item for item in reader.outline if not isinstance(item, list)][1:]  # after Contents
    starts = [reader.get_destination_page_number(item) for item in top]
    named = {str(name).lstrip("/") for name in reader.named_destinations}
    links = []  # (the page's own key, the target)
    for n, page in enumerate(reader.pages):
        own = next((keys[k] for k in reversed(range(len(starts))) if starts[k] <= n), None)
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                links.append((own, str(annotation["/Dest"]).lstrip("/")))
    assert [target for _, target in links if target not in named] == []
    assert sum(t.startswith("chapters-references--cite-") for _, t in links) > 100
    across = [(own, t) for own, t in links if own and "cite-" not in t
              and t.split("--")[0] != own]
    assert len(across) >= 5, "no chapter links another chapter's section or figure"


# --- the Chinese edition's PDF -----------------------------------------------------------------

PDF_ZH = ROOT / "_build" / "pdf" / "large-models-visualized-zh.pdf"


@pytest.fixture(scope="module")
def pdf_zh(pdf) -> Path:
    if not PDF_ZH.is_file():
        _ci_or_skip(f"{PDF_ZH.relative_to(ROOT)} is not built: run `make pdf` first")
    return PDF_ZH


def test_the_chinese_pdf_has_every_chinese_chapter_in_order_embedded_and_typeset(pdf_zh):
    from pypdf import PdfReader

    reader = PdfReader(pdf_zh)
    titles = chapter_titles(require_site() / "zh")
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [_words(item.title) for item in top] == ["目录", *titles]
    pages = [reader.get_destination_page_number(item) + 1 for item in top[1:]]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    for title, page in zip(titles, pages, strict=True):
        text = _words(_run("pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf_zh), "-"))
        assert title in text, f"page {page} does not show {title!r}"
    rows = _run("pdffonts", str(pdf_zh)).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)
    text = _run("pdftotext", str(pdf_zh), "-")
    assert "反向传播" in text and not any(raw in text for raw in ("$$", "\\frac", "\\begin{"))
