"""Every page of the built book, opened from disk in headless Chromium with the network cut.

Run by `make test-html` (which builds the book first; CI runs it after `make book`). For each
page of both editions: every formula typeset by MathJax, every Mermaid diagram drawn, every
image loaded, on a Chinese page the book's own CJK web font loaded (Chromium sees no CJK font of
the system), and no failed request, request to another host or console error; a chapter opens
with its first paragraph, its setup cell collapsed. A screenshot of each page goes to
_build/screenshots/. The search pages then find the chapters that teach four terms.
"""

from __future__ import annotations

import re

import pytest
from browser import Browser
from built_site import ROOT, pages, require_site
from test_site import SEARCHES

SCREENSHOTS = ROOT / "_build" / "screenshots"

# What a page shows, read in the page once MathJax and Mermaid have finished.
REPORT = """async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  await document.fonts.ready;
  const skip = new Set(["SCRIPT", "STYLE", "PRE", "CODE", "TEXTAREA", "MJX-CONTAINER"]);
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let e = node.parentElement; e; e = e.parentElement)
        if (skip.has(e.tagName)) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    }});
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const at = n.data.search(/\\\\\\(|\\\\\\[|\\$\\$|\\\\begin\\{/);
    if (at >= 0) raw.push(n.data.slice(Math.max(0, at - 20), at + 40));
  }
  const maths = [...document.querySelectorAll(".math")];
  const diagrams = [...document.querySelectorAll("pre.mermaid")];
  const images = [...document.querySelectorAll("img")];
  const title = document.querySelector("article h1");
  const firstCell = document.querySelector("article .cell");
  return {
    after_title: title && title.nextElementSibling ? title.nextElementSibling.tagName : null,
    setup_shown: firstCell ? firstCell.querySelector(".cell_input").checkVisibility() : false,
    maths: maths.length,
    untypeset: maths.filter(m => !m.querySelector("mjx-container")).map(m => m.textContent),
    containers: document.querySelectorAll("mjx-container").length,
    tex_errors: [...document.querySelectorAll("mjx-merror")].map(e => e.textContent),
    raw_tex: raw,
    diagrams: diagrams.length,
    undrawn: diagrams.filter(d => !d.querySelector("svg")).map(d => d.textContent.slice(0, 60)),
    diagram_errors: document.querySelectorAll("svg[aria-roledescription=error]").length,
    images: images.length,
    broken_images: images.filter(i => !(i.complete && i.naturalWidth > 0))
                         .map(i => (i.id || i.src).slice(0, 80)),
    cjk_font: [...document.fonts].filter(f => f.family.includes("Noto Sans CJK SC"))
                                 .map(f => f.status),
  };
}"""
# Images below the fold may be lazy; make every one load, then wait for all of them.
LOAD_IMAGES = "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
IMAGES_DONE = "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
DIAGRAMS_DONE = "[...document.querySelectorAll('pre.mermaid')].every(d => d.querySelector('svg'))"

SITE_PAGES = pages() if (ROOT / "_build" / "html").is_dir() else []


FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium sees only DejaVu, no CJK font (a bare Debian's chromium pulls none in), so every
    Chinese character on a page must come from the book's own web font (_ext/editions.py)."""
    require_site()
    conf = tmp_path_factory.mktemp("fontconfig") / "fonts.conf"
    conf.write_text(FONTS_CONF.format(cache=conf.parent / "cache"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FONTCONFIG_FILE", str(conf))
        with Browser() as b:
            print(f"Chromium {b.version}, network cut by: {b.cut}, fonts: DejaVu only")
            yield b


def _name(page):
    return str(page.relative_to(ROOT / "_build" / "html"))


def _redirect(path):
    """Where a page sends the reader at once (index.html: <meta http-equiv=Refresh>), or None."""
    found = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', path.read_text("utf-8"))
    return found and found.group(1)


@pytest.mark.parametrize("path", SITE_PAGES, ids=[_name(p) for p in SITE_PAGES])
def test_page_renders_offline(browser, path):
    page = browser.open(path.as_uri())
    if target := _redirect(path):
        page.raw.wait_for_url(f"**/{target}")
        page.raw.wait_for_load_state("load")
    page.evaluate(LOAD_IMAGES)
    for condition in (DIAGRAMS_DONE, IMAGES_DONE):
        try:
            page.wait_for(condition, timeout_s=20)
        except Exception:  # reported precisely below
            pass
    report = page.evaluate(REPORT)
    page.screenshot(SCREENSHOTS / _name(path).replace("/", "__").replace(".html", ".png"))
    problems = page.problems()
    page.close()
    assert problems == []
    assert report["untypeset"] == [] and report["raw_tex"] == [] and report["tex_errors"] == []
    assert report["containers"] >= report["maths"]
    assert report["undrawn"] == [] and report["diagram_errors"] == 0
    assert report["broken_images"] == []
    if _name(path).startswith("zh/") and not target:  # Chinese in the book's own web font
        assert report["cjk_font"] == ["loaded"]
    if _name(path).removeprefix("zh/").startswith("chapters/0"):  # a chapter (either edition)
        # opens with its first paragraph,
        assert report["after_title"] == "P"   # and its setup cell is collapsed (hide-input)
        assert not report["setup_shown"], "the setup cell's code is shown: tag it hide-input"


def test_the_pages_that_need_them_have_formulas_diagrams_and_figures(browser):
    """The per-page checks above cannot pass vacuously: these pages do have what they check."""
    site = require_site()
    expect = {"chapters/01_background.html": "diagrams", "chapters/04_backprop.html": "maths",
              "chapters/05_gradient_descent.html": "images"}
    for name, what in expect.items():
        page = browser.open((site / name).as_uri())
        report = page.evaluate(REPORT)
        page.close()
        assert report[what] > 0, f"{name} has no {what}"


@pytest.mark.parametrize(("edition", "query", "chapter"), [
    ("", q, c) for q, c in SEARCHES] + [("zh", "反向传播", "chapters/04_backprop")])
def test_search_page_finds_the_chapter(browser, edition, query, chapter):
    site = require_site()
    page = browser.open((site / edition / "search.html").as_uri() + f"?q={query}")
    finished = "搜索完成" if edition == "zh" else "Search finished"  # Sphinx's words, translated
    page.wait_for("document.querySelector('#search-results .search-summary')"
                  f"?.textContent.includes('{finished}')", timeout_s=30)
    found = page.evaluate("[...document.querySelectorAll('#search-results ul.search li a')]"
                          ".map(a => a.getAttribute('href'))")
    page.screenshot(SCREENSHOTS / f"search-{edition or 'en'}-{query}.png", full_page=False)
    problems = page.problems()
    page.close()
    assert problems == []
    assert any(href.split("#")[0].split("?")[0] == f"{chapter}.html" for href in found), found
    print(f"search {query!r}: {found}")


SOLUTION = """(marker) => {
  const cell = [...document.querySelectorAll("article .cell")].find(
    c => c.querySelector(".cell_input")?.textContent.includes(marker));
  if (!cell) return null;
  const input = cell.querySelector(".cell_input");
  const before = input.checkVisibility();
  const output = cell.querySelector(".cell_output")?.innerText ?? "";
  cell.querySelector("details > summary")?.click();
  return {before, after: input.checkVisibility(), code: input.innerText, output};
}"""


def test_a_worked_solution_is_collapsed_and_opens_on_a_click(browser):
    """An exercise's solution cell (tag hide-input): its code is hidden, its verdict shown;
    one click on "Show code cell source" shows the code."""
    site = require_site()
    page = browser.open((site / "chapters/02_neurons.html").as_uri())
    found = page.evaluate(SOLUTION, "def stable_sigmoid_solution")
    page.screenshot(SCREENSHOTS / "solution-02_neurons.png", full_page=False)
    page.close()
    assert found is not None, "no solution cell for exercise 2.3 in the HTML book"
    assert not found["before"], "the solution's code is shown before a click"
    assert "✓ stable_sigmoid" in found["output"]
    assert found["after"] and "np.exp(-np.abs(z))" in found["code"]


ANSWER = """async (marker) => {
  const box = [...document.querySelectorAll(".admonition.dropdown")].find(
    b => b.textContent.includes(marker));
  if (!box) return null;
  const body = [...box.querySelectorAll("p")].find(p => p.textContent.includes(marker));
  const shown = () => body.checkVisibility({visibilityProperty: true});
  const before = shown();
  box.querySelector(".toggle-button").click();
  await new Promise(r => setTimeout(r, 500));
  return {before, after: shown()};
}"""


def test_an_answer_in_words_is_a_closed_dropdown_that_opens(browser):
    """An exercise's answer in words (an admonition of class dropdown): hidden, then shown."""
    site = require_site()
    page = browser.open((site / "chapters/02_neurons.html").as_uri())
    found = page.evaluate(ANSWER, "poison every later computation")
    page.close()
    assert found is not None, "no answer dropdown for exercise 2.2 in the HTML book"
    assert not found["before"] and found["after"]


@pytest.mark.parametrize("name", ["chapters/glossary.html", "zh/chapters/09_gpt.html"])
def test_chinese_shows_in_the_books_own_font_with_no_cjk_font_installed(browser, name):
    site = require_site()
    assert (site / name).is_file(), "make book builds both editions"
    page = browser.open((site / name).as_uri())
    status = page.evaluate("async () => { await document.fonts.ready; return [...document"
                           ".fonts].filter(f => f.family.includes('Noto Sans CJK SC'))"
                           ".map(f => f.status); }")
    page.screenshot(SCREENSHOTS / f"{name.replace('/', '__')[:-5]}-no-cjk-font.png",
                    full_page=False)
    problems = page.problems()
    page.close()
    assert status == ["loaded"]
    assert problems == []


def test_the_language_switch_leads_to_the_same_page_in_the_other_edition(browser):
    site = require_site()
    assert (site / "zh").is_dir(), "make book builds both editions"
    for start, other in [(site / "zh" / "chapters" / "09_gpt.html",
                          site / "chapters" / "09_gpt.html"),
                         (site / "chapters" / "09_gpt.html",
                          site / "zh" / "chapters" / "09_gpt.html")]:
        page = browser.open(start.as_uri())
        with page.raw.expect_navigation():
            page.raw.click("a.btn-edition-switch")
        assert page.raw.url == other.as_uri()
        assert len(page.raw.context.pages) == 1 or all(
            p.url != other.as_uri() for p in page.raw.context.pages if p is not page.raw)
        problems = page.problems()
        page.close()
        assert problems == []
