"""JupyterLab reads like the book: two chapters opened in a real JupyterLab, in headless Chromium.

The Lab is the one `make lab` opens (this environment, jupyterlab-myst, jupyter/labconfig/),
started on 127.0.0.1 over a copy of chapters/. For each chapter the test asserts that no raw
MyST (``{cite}``, ``{numref}``, ``:::{``) and no "Not Found" marker is visible, that every
pitfall box renders as a box, that citations read author-year and figure references "Figure
N.M", that every worked solution is collapsed (JupyterLab's placeholder, not its code), and
that opening the chapter modified nothing. Screenshots go to _build/lab/.
Runs under `make test-html` with the book's browser harness (tests/browser.py), which skips
(saying how to install it) where Chromium is missing and fails under CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import Browser, require_chromium

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "_build" / "lab"
CHAPTERS = ["01_background.ipynb", "08_attention.ipynb"]
PANEL = "[...window.jupyterapp.shell.widgets('main')].find(w => w.sessionContext)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    pytest.importorskip("jupyterlab_myst", reason="jupyterlab-myst is pinned in requirements.txt")
    tmp = tmp_path_factory.mktemp("lab")
    served = tmp / "chapters"
    shutil.copytree(ROOT / "chapters", served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    # Render every cell (no windowing), so that the whole chapter can be read at once.
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter"),  # what `make lab` uses
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
    }
    port = _free_port()
    log = open(tmp / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--IdentityProvider.token=", f"--ServerApp.root_dir={served}",
         "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((tmp / "lab.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        with Browser(isolate=False, viewport=(1280, 1800)) as browser:  # loopback
            yield url, served, browser
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def _markdown_sources(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_chapter_in_jupyterlab_reads_like_the_book(lab, name):
    url, served, browser = lab
    original = (ROOT / "chapters" / name).read_bytes()
    nb = json.loads(original)
    markdown = _markdown_sources(nb)
    boxes = sum(len(re.findall(r"^:::+\{admonition\} Common pitfall", s, re.M)) for s in markdown)
    links = [m for s in markdown for m in re.findall(r"\[([^\]]+)\]\(#[^)\s]+\)", s)]
    assert boxes and links, f"{name} was chosen for its pitfall boxes and references"

    page = browser.open(f"{url}/lab/tree/{name}?reset")
    n_markdown = len(markdown)
    page.wait_for(
        f"document.querySelectorAll('.jp-MarkdownCell.jp-mod-rendered').length >= {n_markdown}"
        f" && document.querySelectorAll('.myst-admonition').length >= {boxes}", 120)
    # The kernel's reply (language_info) is what would modify a notebook on opening.
    page.wait_for(f"({PANEL})?.sessionContext.session?.kernel?.status === 'idle'", 120)
    time.sleep(2)  # let mermaid and math finish drawing
    text = page.evaluate("document.querySelector('.jp-Notebook').innerText")
    html = page.evaluate("document.querySelector('.jp-Notebook').outerHTML")

    for raw in ("{cite}", "{numref}", ":::{", "{admonition}"):
        assert raw not in text, f"raw MyST {raw!r} is visible in {name}"
    assert "Not Found" not in html, f"a reference in {name} is marked 'Not Found'"
    rendered = page.evaluate(
        "Array.from(document.querySelectorAll('.myst-admonition')).filter(b => "
        "b.querySelector('.myst-admonition-header')?.innerText.startsWith('Common pitfall'))"
        ".length")
    assert rendered == boxes, f"{boxes} pitfall boxes in {name}, {rendered} rendered as boxes"
    for label in links:  # author-year citations and "Figure N.M"
        assert re.fullmatch(r"Figure \d+\.\d+|.+ \(\d{4}\)", label), label
        assert label in text, f"{label!r} is not shown in {name}"
    captions = [s for s in markdown if s.startswith("(fig-")]
    for caption in captions:
        number = re.search(r"\*\*(Figure [0-9.]+\.)\*\*", caption).group(1)
        assert number in text, f"the caption {number} is not shown in {name}"

    # A screenshot from the first citation on: citation, figure reference and box in view.
    for _ in range(2):  # again once images above it have settled the layout
        page.evaluate("Array.from(document.querySelectorAll('.jp-MarkdownCell a'))"
                      ".find(a => /\\(\\d{4}\\)$/.test(a.innerText))"
                      ".closest('.jp-Cell').scrollIntoView({block: 'start'})")
        time.sleep(1.5)
    page.screenshot(SHOTS / f"{Path(name).stem}.png", full_page=False)
    page.evaluate("document.querySelector('.myst-admonition').closest('.jp-Cell')"
                  ".scrollIntoView({block: 'start'})")
    time.sleep(1.5)
    page.screenshot(SHOTS / f"{Path(name).stem}-pitfall.png", full_page=False)

    # The worked solutions are collapsed: each shows JupyterLab's placeholder, not its code.
    solutions = page.evaluate(
        f"({PANEL}).content.widgets.filter(c => (c.model.getMetadata('tags') || [])"
        ".includes('solution')).map(c => [c.inputHidden, !!c.node.querySelector("
        "'.jp-InputPlaceholder')?.checkVisibility(), c.node.querySelector('.jp-InputArea')"
        "?.checkVisibility() ?? false])")
    tagged = sum("solution" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert tagged and len(solutions) == tagged, f"{name}: {tagged} solutions, {len(solutions)} seen"
    assert all(s == [True, True, False] for s in solutions), solutions

    assert page.evaluate(f"({PANEL}).context.model.dirty") is False, f"opening {name} modified it"
    plugin = json.load(urllib.request.urlopen(
        f"{url}/lab/api/settings/@jupyterlab/docmanager-extension:plugin"))
    default = plugin["schema"]["properties"]["autosave"]["default"]
    autosave = plugin["settings"].get("autosave", default)
    assert autosave is False, "jupyter/labconfig/ turns autosave off, so nothing is saved unasked"
    assert (served / name).read_bytes() == original, f"opening {name} rewrote the file"
    assert not page.external, f"JupyterLab asked another host for {page.external}"
