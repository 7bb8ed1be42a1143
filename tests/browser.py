"""Headless Chromium with the network cut, for the book's browser tests.

Driven by Playwright (pinned in requirements.txt) but using Debian's browser, /usr/bin/chromium:
Playwright's own browser download is never used. One small API::

    with Browser() as browser:             # Browser(isolate=False) for a server on localhost
        page = browser.open(url)           # a Page that records everything that went wrong
        page.wait_for("document.querySelector('svg') !== null")
        page.screenshot(path)
        assert page.problems() == []       # failed or external requests, console errors

The network is cut twice over. Every request to another host is refused and recorded by request
interception (``Page.external``), behind a proxy that points nowhere and a resolver that
resolves nothing but localhost. With ``isolate=True`` (the default) Chromium also runs in a
network namespace of its own with no interface at all (``unshare --net``, where the system
allows it; ``Browser.cut`` says which), so only file:// pages can load. A test that serves pages
from localhost (a JupyterLab server, say) passes ``isolate=False``: loopback then works, the
rest stays cut. ``Page.raw`` is the Playwright page, for clicks, keys and locators.

``require_chromium()`` skips the calling test where Chromium is missing, with how to install it,
and fails instead under CI (``CI=true``), where .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = (
    "headless Chromium is needed for this test: install Debian's browser with "
    "`apt-get install -y chromium` (as root), then run `make test-html`"
)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# On a closed network Chromium must not phone home (background fetches, component updates,
# QUIC); as root in a container it runs without its sandbox and with a small /dev/shm.
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-features=MediaRouter,OptimizationHints",
    # the cut for everything but loopback: a dead proxy and a resolver that finds nothing
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def require_chromium() -> Path:
    """The browser's path; skips the test (fails it under CI) when it is not installed."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs it): {INSTALL_HINT}")
    pytest.skip(f"{CHROMIUM} not found: {INSTALL_HINT}")


def _unshare_works() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, "--net", "true"], capture_output=True).returncode == 0


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("file", "data", "blob", "about", "chrome-error"):
        return True
    return parts.hostname in {h.strip("[]") for h in LOCAL_HOSTS}


class Page:
    """One open tab, with what went wrong on it since it opened."""

    def __init__(self, raw):
        self.raw = raw  # the Playwright page
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []
        self.external: list[str] = []  # requests to another host, refused
        raw.on("console", self._on_console)
        raw.on("pageerror", lambda err: self.console_errors.append(f"uncaught: {err}"))
        raw.on("requestfailed", self._on_failed)
        raw.on("response", self._on_response)

    def _on_console(self, msg):
        if msg.type == "error":
            where = msg.location.get("url", "") if msg.location else ""
            self.console_errors.append(f"{msg.text} ({where})" if where else msg.text)

    def _on_failed(self, request):
        if request.url not in self.external:
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def _on_response(self, response):
        if response.status >= 400:
            self.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def goto(self, url: str, timeout_s: float = 30) -> Page:
        self.raw.goto(url, wait_until="load", timeout=timeout_s * 1000)
        return self

    def evaluate(self, js: str, arg=None):
        """The value of a JavaScript expression or function (awaited when it is async)."""
        return self.raw.evaluate(js, arg)

    def wait_for(self, js: str, timeout_s: float = 20) -> None:
        """Wait until a JavaScript expression is truthy (fails the test after timeout_s)."""
        self.raw.wait_for_function(js, timeout=timeout_s * 1000)

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.raw.screenshot(path=str(path), full_page=full_page)
        return path

    def problems(self) -> list[str]:
        """Every failed request, request to another host and console error, as lines."""
        return ([f"request to another host: {u}" for u in self.external]
                + [f"failed request: {r}" for r in self.failed_requests]
                + [f"console error: {e}" for e in self.console_errors])

    def close(self) -> None:
        self.raw.close()


class Browser:
    """Headless Debian Chromium, network cut (see the module's docstring)."""

    def __init__(self, isolate: bool = True, viewport=(1280, 800)):
        self.isolate = isolate
        self.viewport = {"width": viewport[0], "height": viewport[1]}
        self.cut = ""

    def __enter__(self) -> Browser:
        from playwright.sync_api import sync_playwright

        executable = require_chromium()
        self._tmp = tempfile.TemporaryDirectory(prefix="book-chromium-")
        if self.isolate and _unshare_works():
            wrapper = Path(self._tmp.name) / "chromium-no-network"
            wrapper.write_text(f'#!/bin/sh\nexec unshare --net -- "{executable}" "$@"\n')
            wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
            executable, self.cut = wrapper, "network namespace, dead proxy, interception"
        else:
            self.cut = "dead proxy, interception"
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=FLAGS,
        )
        self._context = self._browser.new_context(viewport=self.viewport)
        return self

    def open(self, url: str, timeout_s: float = 30) -> Page:
        page = Page(self._context.new_page())

        def refuse_other_hosts(route):
            if _is_local(route.request.url):
                route.continue_()
            else:
                page.external.append(route.request.url)
                route.abort("internetdisconnected")

        page.raw.route("**/*", refuse_other_hosts)
        return page.goto(url, timeout_s)

    @property
    def version(self) -> str:
        return self._browser.version

    def __exit__(self, *exc) -> None:
        self._context.close()
        self._browser.close()
        self._playwright.stop()
        self._tmp.cleanup()
