"""The built HTML book loads nothing from another host, and its search finds both languages.

The tests on _build/html skip when the book is not built (run `make book`); .ci/run builds it
before `make test`, and under CI a missing build fails them instead. The tests of the build's
own pieces (the vendored files, the two local Sphinx extensions in _ext/) need no build.
"""

from __future__ import annotations

import re
import sys
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from built_site import ROOT, pages, require_site, search, searchindex

sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tools")]
import offline_assets  # noqa: E402
import vendor_assets  # noqa: E402
import zh_search  # noqa: E402

# Attributes through which a page loads something (links to other sites, <a href>, are fine).
LOADS = {"script": ["src"], "link": ["href"], "img": ["src", "srcset"], "source": ["src", "srcset"],
         "iframe": ["src"], "embed": ["src"], "object": ["data"], "video": ["src", "poster"],
         "audio": ["src"], "track": ["src"], "input": ["src"]}
_URL = r"""(?:https?:)?//[^\s"'`)]+"""
JS_IMPORT = re.compile(  # import x from "…", import "…", import("…"), importScripts("…")
    rf"""\bimport\b[^;'"`]*?\bfrom\s*['"`]({_URL})|\bimport\s*['"`]({_URL})"""
    rf"""|\bimport(?:Scripts)?\s*\(\s*['"`]({_URL})"""
)
CSS_LOAD = re.compile(rf"""@import\s+(?:url\()?\s*['"]?({_URL})|url\(\s*['"]?({_URL})""")


def _external(url: str) -> bool:
    url = url.strip().split()[0] if url.strip() else ""
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def external_loads_in_html(html: str) -> list[str]:
    """Every URL on another host that a page would load: elements, inline scripts, styles."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(list(LOADS)):
        for attr in LOADS[tag.name]:
            value = tag.get(attr)
            urls = _srcset_urls(value) if value and attr == "srcset" else [value] if value else []
            found += [f"<{tag.name} {attr}> {u}" for u in urls if _external(u)]
    for script in soup.find_all("script", src=False):
        found += [f"<script> {u}" for u in _urls(JS_IMPORT, script.string or "")]
    styles = [s.string or "" for s in soup.find_all("style")]
    styles += [t["style"] for t in soup.find_all(style=True)]
    for css in styles:
        found += [f"<style> {u}" for u in _urls(CSS_LOAD, css)]
    return found


def _urls(pattern: re.Pattern, text: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in pattern.finditer(text)]


def test_the_scan_sees_each_way_a_page_loads_from_another_host():
    page = """<html><head>
      <link rel="stylesheet" href="https://maxcdn.example/fa.css">
      <script src="//cdn.example/a.js"></script>
      <script type="module">import mermaid from "https://cdn.example/m.mjs";</script>
      <script>import("https://cdn.example/lazy.js")</script>
      <style>@import url("https://fonts.example/x.css");
             b { background: url(https://img.example/b.png) }</style>
      </head><body><img srcset="local.png 1x, https://img.example/2x.png 2x">
      <a href="https://doi.org/10.1038/323533a0">a citation is a link, not a load</a>
      <script src="../_static/local.js"></script><link rel="index" href="../genindex.html">
      </body></html>"""
    assert [found.split()[-1] for found in external_loads_in_html(page)] == [
        "https://maxcdn.example/fa.css", "//cdn.example/a.js", "https://img.example/2x.png",
        "https://cdn.example/m.mjs", "https://cdn.example/lazy.js",
        "https://fonts.example/x.css", "https://img.example/b.png"]


@pytest.fixture(scope="module")
def site():
    return require_site()


def test_no_page_loads_anything_from_another_host(site):
    found = {str(p.relative_to(site)): external_loads_in_html(p.read_text(encoding="utf-8"))
             for p in pages(site)}
    assert len(found) >= 11, f"expected every chapter and appendix, found {sorted(found)}"
    assert not {page: urls for page, urls in found.items() if urls}


def test_no_stylesheet_or_script_in_static_loads_from_another_host(site):
    found = {}
    for path in sorted((site / "_static").rglob("*")):
        if path.suffix == ".css":
            urls = _urls(CSS_LOAD, path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix in (".js", ".mjs"):
            urls = _urls(JS_IMPORT, path.read_text(encoding="utf-8", errors="replace"))
        else:
            continue
        if urls:
            found[str(path.relative_to(site))] = urls
    assert not found


def test_mathjax_and_mermaid_are_served_by_the_book(site):
    static = site / "_static" / offline_assets.STATIC_DIR
    for part in offline_assets.MATHJAX_PARTS:
        assert (static / "mathjax" / part).exists(), part
    assert (static / "mathjax" / "LICENSE").is_file() and (static / "mermaid" / "LICENSE").is_file()
    assert not vendor_assets.check(static)  # the site's copy of mermaid.min.js is the pinned one
    chapter1 = (site / "chapters" / "01_background.html").read_text(encoding="utf-8")
    for script in ("mermaid/mermaid.min.js", "mathjax/tex-mml-chtml.js"):
        # a rebuild over an existing site appends Sphinx's cache-busting "?v=<checksum>"
        src = re.escape(f'src="../_static/vendor/{script}') + r'(\?v=[0-9a-f]+)?"'
        assert re.search(src, chapter1), script


def test_every_page_loads_the_books_chinese_web_font(site):
    font = site / "_static" / "fonts" / "NotoSansCJKsc-web.woff2"
    assert font.read_bytes()[:4] == b"wOF2"
    assert (site / "_static" / "fonts" / "LICENSE-OFL.txt").is_file()
    css = (site / "_static" / "cjk-font.css").read_text(encoding="utf-8")
    assert 'url("fonts/NotoSansCJKsc-web.woff2") format("woff2")' in css
    lacking = [str(p.relative_to(site)) for p in pages(site)
               if p.name != "index.html"  # Jupyter Book's redirect to intro.html
               and not re.search(r'href="(\.\./)*_static/cjk-font\.css(\?v=[0-9a-f]+)?"',
                                p.read_text(encoding="utf-8"))]
    assert lacking == []


# Where each term is taught: a reader searching the book's own word lands on that chapter.
SEARCHES = [("梯度下降", "chapters/05_gradient_descent"), ("反向传播", "chapters/04_backprop"),
            ("backpropagation", "chapters/04_backprop")]


@pytest.mark.parametrize(("query", "chapter"), SEARCHES)
def test_search_finds_the_chapter_that_teaches_the_term(site, query, chapter):
    found = search(searchindex(site), query)
    assert chapter in found, f"searching {query!r} lists {found}"
    for doc in found:  # and only pages that have the word (no false hits)
        text = (site / f"{doc}.html").read_text(encoding="utf-8")
        assert query in text.lower(), f"{doc} is listed for {query!r} but does not contain it"


def test_search_ranks_the_chapter_first_for_its_title_word(site):
    assert search(searchindex(site), "backpropagation")[0] == "chapters/04_backprop"


def test_every_chinese_glossary_term_is_one_searchable_word(site):
    terms = zh_search.glossary_terms((ROOT / "chapters" / "glossary.md").read_text("utf-8"))
    assert len(terms) > 50
    index = searchindex(site)
    missing = [t for t in terms if t not in index["terms"] and t not in index["titleterms"]]
    assert not missing, f"not in the search index as words: {missing}"


# The build's own pieces, without a build.

def test_vendored_files_are_the_pinned_bytes():
    assert not vendor_assets.check()


def test_mathjax_package_has_every_part_the_book_serves():
    source = offline_assets.mathjax_source()
    for part in offline_assets.MATHJAX_PARTS:
        assert (source / part).exists(), f"{offline_assets.MATHJAX_PACKAGE} lacks {part}"


def test_mermaid_script_reads_the_global_instead_of_importing():
    body = 'import mermaid from "https://cdn.example/mermaid.esm.min.mjs";\n\nmermaid.run();'
    assert offline_assets.offline_mermaid_script(body) == (
        "const mermaid = window.mermaid;\n\nmermaid.run();")
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="found 0"):
        offline_assets.offline_mermaid_script("mermaid.run();")


def test_glossary_terms_take_each_chinese_word_of_the_column():
    table = ("| Term | 中文 | Meaning |\n|---|---|---|\n"
             "| backpropagation | 反向传播 | x |\n| query, key, value | 查询、键、值 | y |\n"
             "| Transformer block | Transformer 块 | z |\n| again | 反向传播 | w |\n")
    assert zh_search.glossary_terms(table) == ["反向传播", "查询"]
    with pytest.raises(ValueError, match="no column '中文'"):
        zh_search.glossary_terms("| Term | Chinese |\n|---|---|\n")
    with pytest.raises(ValueError, match="no table"):
        zh_search.glossary_terms("# Glossary\n")


def test_sphinx_config_points_mathjax_at_the_served_copy():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]
    assert config["config"]["mathjax_path"] == (
        f"{offline_assets.STATIC_DIR}/mathjax/{offline_assets.MATHJAX_PARTS[0]}")
    assert config["config"]["html_search_language"] == "zh"
    assert set(config["local_extensions"]) == {"offline_assets", "zh_search", "downloads",
                                               "editions"}



def test_the_chinese_edition_has_chinese_labels_and_search(site):
    zh = site / "zh"
    assert zh.is_dir(), "make book builds the Chinese edition into _build/html/zh/"
    html = (zh / "chapters" / "04_backprop.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html
    assert re.search(r"图 4\.1\s*</span>", html) and "Figure 4.1" not in html
    assert 'href="../../chapters/04_backprop.html"' in html  # the language switch
    assert ">章节</span>" in html and ">Chapters</span>" not in html  # the sidebar's parts
    assert "全书（.pdf）" in html  # the download menu in Chinese
    assert search(searchindex(zh), "反向传播")[0] == "chapters/04_backprop"


def test_every_page_links_the_same_page_in_the_other_edition(site):
    """The header's language switch of every page of both editions leads to a page that exists,
    the same document in the other language."""
    wrong = []
    for page in pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "Refresh"}):
            continue  # index.html: a redirect to the first page
        switch = soup.select_one("a.btn-edition-switch")
        if switch is None:
            wrong.append(f"{page.relative_to(site)}: no language switch")
            continue
        target = (page.parent / switch["href"]).resolve()
        name = page.relative_to(site).as_posix()
        other = name.removeprefix("zh/") if name.startswith("zh/") else f"zh/{name}"
        if target != (site / other).resolve() or not target.is_file():
            wrong.append(f"{name}: links {switch['href']}")
    assert wrong == []
