"""The book's downloads (`make dist`, tools/book_dist.py) and the menu that links them.

The tests of the archives skip until `make dist` has run (under CI, which builds them before the
tests, they fail instead); the menu's tests need the built site (`make book`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from built_site import ROOT, pages, require_site

sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tools")]
import book_dist  # noqa: E402
from downloads import DOWNLOADS_DIR, download_names  # noqa: E402

DIST = ROOT / "_build" / "dist"
NAMES = download_names()
NAMES_ZH = download_names("zh")


def _archive(key: str, names: dict = NAMES) -> Path:
    path = DIST / names[key]
    if not path.is_file():
        message = f"{path.relative_to(ROOT)} is not built: run `make dist` first"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (.ci/run builds it before the tests)")
        pytest.skip(message)
    return path


def _members(path: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: info for info in archive.infolist()}


def test_the_notebooks_zip_holds_every_chapter_the_package_and_a_readme():
    path = _archive("notebooks")
    folder = PurePosixPath(NAMES["notebooks"]).stem
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
            assert archive.read(f"{folder}/chapters/{notebook.name}") == notebook.read_bytes()
        readme = archive.read(f"{folder}/README.md").decode()
    tracked = book_dist.tracked_files(("lib",))
    assert {f"{folder}/{p.relative_to(ROOT).as_posix()}" for p in tracked} <= names
    for needed in ("pyproject.toml", "requirements.txt", "environment.yml",
                   "lib/lmvis/weights/tang_gpt.pt",
                   "jupyter/labconfig/default_setting_overrides.json"):
        assert f"{folder}/{needed}" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "pip install" in readme and "-r requirements.txt" in readme
    assert "jupyter lab chapters" in readme


def test_the_notebooks_zip_installs_lmvis(tmp_path):
    """The unzipped folder builds the package, with its data, as pip installs it."""
    path = _archive("notebooks")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path)
    source = tmp_path / PurePosixPath(NAMES["notebooks"]).stem
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "wheel"), str(source)], check=True)
    (wheel,) = (tmp_path / "wheel").glob("lmvis-*.whl")
    with zipfile.ZipFile(wheel) as built:
        assert "lmvis/weights/tang_gpt.pt" in built.namelist()


def test_the_zips_are_the_same_bytes_for_the_same_inputs(tmp_path):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<p>book</p>")
    (site / "sub" / "page.html").write_text("<p>page</p>")
    (site / DOWNLOADS_DIR).mkdir()
    (site / DOWNLOADS_DIR / "book.pdf").write_bytes(b"%PDF")
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    assert book_dist.site_zip(site, first, "book") == 2  # its downloads left out
    (site / "index.html").touch()  # a newer date, the same content
    book_dist.site_zip(site, second, "book")
    assert first.read_bytes() == second.read_bytes()
    assert sorted(_members(first)) == ["book/index.html", "book/sub/page.html"]


def test_the_html_zip_is_the_site_and_works_from_disk():
    """Every page of the built site, the same bytes, and everything a page loads or links inside."""
    path = _archive("html")
    site = require_site()
    folder = PurePosixPath(NAMES["html"]).stem
    with zipfile.ZipFile(path) as archive:
        names = {n.removeprefix(f"{folder}/") for n in archive.namelist()}
        assert not [n for n in names if n.startswith(f"{DOWNLOADS_DIR}/")]
        missing = []
        for page in pages(site):
            name = page.relative_to(site).as_posix()
            html = archive.read(f"{folder}/{name}")
            assert html == page.read_bytes()
            soup = BeautifulSoup(html, "html.parser")
            for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
                for element in soup.find_all(tag, attrs={attr: True}):
                    url = urlsplit(urljoin(name, element[attr]))
                    if url.scheme or not url.path or f"{DOWNLOADS_DIR}/" in url.path:
                        continue
                    if unquote(url.path) not in names:
                        missing.append(f"{name}: {element[attr]}")
    assert "index.html" in names and "searchindex.js" in names
    assert missing == []


def test_every_page_has_the_download_menu():
    site = require_site()
    for page in pages(site):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        if soup.find("meta", attrs={"http-equiv": "Refresh"}):
            continue  # index.html: a redirect to the first page
        menu = soup.select_one(".dropdown-download-book")
        assert menu is not None, f"{page.relative_to(site)} has no download menu"
        # The Chinese edition is a site of its own in zh/, with its own downloads and words.
        chinese = page.is_relative_to(site / "zh")
        root, names = (site / "zh", NAMES_ZH) if chinese else (site, NAMES)
        depth = len(page.relative_to(root).parts) - 1
        expected = ["../" * depth + f"{DOWNLOADS_DIR}/{names[key]}"
                    for key in ("pdf", "notebooks", "html")]
        words = [a.get_text(" ", strip=True) for a in menu.select("a")]
        assert ("全书" in words[0]) == chinese, words
        assert [a["href"] for a in menu.select("a")] == expected


def test_the_menu_links_files_that_make_dist_put_there():
    site = require_site()
    _archive("html")
    for folder, names in ((site, NAMES), (site / "zh", NAMES_ZH)):
        for name in names.values():
            assert (folder / DOWNLOADS_DIR / name).is_file(), name
    assert NAMES_ZH["html"] == NAMES["html"]  # one archive of both editions


def test_the_chinese_notebooks_zip_holds_the_chinese_chapters_and_a_chinese_readme():
    path = _archive("notebooks", NAMES_ZH)
    folder = PurePosixPath(NAMES_ZH["notebooks"]).stem
    with zipfile.ZipFile(path) as archive:
        for notebook in sorted((ROOT / "zh" / "chapters").glob("*.ipynb")):
            assert archive.read(f"{folder}/chapters/{notebook.name}") == notebook.read_bytes()
        readme = archive.read(f"{folder}/README.md").decode()
        assert "LMVIS_LANGUAGE=zh" in readme and "安装" in readme
        assert f"{folder}/lib/lmvis/__init__.py" in archive.namelist()
