"""Headless Chromium (Debian's /usr/bin/chromium) driven over the DevTools protocol.

A minimal harness for the JupyterLab test and for drawing Mermaid diagrams as images; its API is
the subset of issue 18's Playwright harness that these need, so either can replace the other::

    with Browser(isolate=False) as browser:    # loopback only: a JupyterLab on 127.0.0.1
        page = browser.open(url)
        page.wait_for("document.querySelector('.jp-Notebook') !== null")
        page.screenshot(path)

Every request to another host is refused (a dead proxy and a resolver that finds nothing but
localhost), so nothing a test sees can come from the network. ``require_chromium()`` skips the
calling test where Chromium is missing, saying how to install it, and fails under CI.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = "install Debian's browser with `apt-get install -y chromium` (as root)"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--hide-scrollbars", "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def require_chromium() -> Path:
    """The browser's path; skips the test (fails it under CI, CI=true) when it is missing."""
    import pytest

    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run should have installed it")
    pytest.skip(f"{CHROMIUM} not found: {INSTALL_HINT}")


def _as_call(js: str) -> str:
    """An expression, or a function's source called with no arguments."""
    is_function = re.match(r"\s*(async\s+)?(function\b|(\(\s*\)|[A-Za-z_$][\w$]*)\s*=>)", js)
    return f"({js})()" if is_function else js


class Page:
    """The browser's one tab."""

    def __init__(self, browser: Browser):
        self._browser = browser
        self.console_errors: list[str] = []

    def goto(self, url: str, timeout_s: float = 30) -> Page:
        self._browser.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'", timeout_s)
        return self

    def evaluate(self, js: str):
        """The value of a JavaScript expression or function (awaited when it is async)."""
        result = self._browser.call(
            "Runtime.evaluate", expression=_as_call(js), returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            why = details.get("exception", {}).get("description") or details.get("text")
            raise RuntimeError(f"JavaScript failed: {why}")
        return result["result"].get("value")

    def wait_for(self, js: str, timeout_s: float = 20) -> None:
        """Wait until a JavaScript expression is truthy (raises TimeoutError after timeout_s)."""
        deadline = time.monotonic() + timeout_s
        while not self.evaluate(js):
            if time.monotonic() > deadline:
                raise TimeoutError(f"after {timeout_s} s still false: {js}")
            time.sleep(0.25)

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shot = self._browser.call(
            "Page.captureScreenshot", format="png", captureBeyondViewport=full_page
        )
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def screenshot_element(self, selector: str, path: Path, scale: float = 1) -> Path:
        """A PNG of the first element matching a CSS selector, at `scale` device pixels."""
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()"
        )
        x, y, w, h = box
        shot = self._browser.call(
            "Page.captureScreenshot", format="png", captureBeyondViewport=True,
            clip={"x": x, "y": y, "width": w, "height": h, "scale": scale},
        )
        path = Path(path)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        pass


class Browser:
    """Headless Chromium with every host but loopback unreachable."""

    def __init__(self, isolate: bool = False, viewport=(1280, 800)):
        self.viewport = viewport
        self._id = 0

    def __enter__(self) -> Browser:
        executable = require_chromium()
        self._tmp = tempfile.TemporaryDirectory(prefix="book-chromium-", ignore_cleanup_errors=True)
        profile = Path(self._tmp.name)
        self._proc = subprocess.Popen(
            [str(executable), *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}",
             f"--window-size={self.viewport[0]},{self.viewport[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.__exit__()
                raise RuntimeError("Chromium did not start")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        import websocket  # websocket-client, pinned in requirements.txt

        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
        page = next(t for t in targets if t["type"] == "page")
        self._ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=self.viewport[0],
                  height=self.viewport[1], deviceScaleFactor=1, mobile=False)
        return self

    def call(self, method: str, **params):
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def open(self, url: str, timeout_s: float = 30) -> Page:
        return Page(self).goto(url, timeout_s)

    def __exit__(self, *exc) -> None:
        if getattr(self, "_ws", None) is not None:
            try:  # let Chromium close its own children before the profile is removed
                self.call("Browser.close")
            except Exception:  # noqa: BLE001 - it may already be gone
                pass
            self._ws.close()
        self._proc.terminate()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._tmp.cleanup()
