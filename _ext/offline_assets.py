"""Serve MathJax and Mermaid from the book's own _static, so that no page loads from another host.

- MathJax 3.2.2 comes from the PyPI pin sphinx-mathjax-offline (byte-identical to npm mathjax@3.2.2
  es5/). Only what pages load is copied: the TeX+MathML-to-HTML bundle that Sphinx used from the
  CDN, the TeX extensions it autoloads, and its fonts (about 2 MB of that package's 24 MB).
  ``mathjax_path`` in _config.yml points at the copy.
- Mermaid: sphinxcontrib-mermaid 2.1.1 writes ``import mermaid from "<url>"`` into a module
  script, and its ``mermaid_use_local`` only changes that URL; but a module import is refused on
  a page opened from disk (file://, CORS), which is how the README says to read the book. So
  each page with a diagram gets the vendored single-file build _vendor/mermaid/mermaid.min.js as
  a deferred classic script, and the import line becomes a read of the global it defines.

Licences travel with the files: _vendor/{mathjax,mermaid}/LICENSE go next to them.

Two more things keep a page opened from disk free of failed requests and console errors:

- the search page fetches each result's page for a summary, which file:// refuses; there the
  results are listed without summaries (a page served over http keeps them);
- sphinx-thebe 0.3.1 adds its inline ``const THEBE_JS_URL = ...`` script twice to every page,
  and the second copy throws; a repeated identical script is dropped.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

#: What pages load from MathJax, relative to its es5/ folder.
MATHJAX_PARTS = ("tex-mml-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2")
MATHJAX_PACKAGE = "sphinx-mathjax-offline"
VENDOR = Path(__file__).resolve().parents[1] / "_vendor"
STATIC_DIR = "vendor"  # under the site's _static/
MERMAID_JS = f"{STATIC_DIR}/mermaid/mermaid.min.js"
_MERMAID_IMPORT = re.compile(r'^import mermaid from "[^"]*";$', re.M)


def mathjax_source() -> Path:
    """The MathJax es5/ folder inside the installed sphinx-mathjax-offline package."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(f"{MATHJAX_PACKAGE} is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"


def offline_mermaid_script(body: str) -> str:
    """sphinxcontrib-mermaid's module script, reading ``window.mermaid`` instead of importing it."""
    new, n = _MERMAID_IMPORT.subn("const mermaid = window.mermaid;", body)
    if n != 1:
        raise ExtensionError(
            "offline_assets: expected one `import mermaid from \"...\";` line in "
            f"sphinxcontrib-mermaid's script, found {n}; has its template changed?"
        )
    return new


NO_SUMMARY_FROM_DISK = (
    'if (location.protocol === "file:") DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;'
)


def _script_key(js) -> tuple:
    return js.filename or None, tuple(sorted(js.attributes.items()))  # '' and None: inline


def _fix_page_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files", [])
    seen = set()
    for js in list(scripts):
        if _script_key(js) in seen:
            scripts.remove(js)
        seen.add(_script_key(js))
    if pagename == "search":  # after documentation_options.js (priority 200)
        app.add_js_file(None, priority=201, body=NO_SUMMARY_FROM_DISK)
    for js in list(scripts):
        body = js.attributes.get("body", "")
        if not js.filename and "import mermaid from" in body:
            scripts.remove(js)
            app.add_js_file(MERMAID_JS, priority=js.priority - 1, defer="defer")
            app.add_js_file(None, priority=js.priority, **{**js.attributes,
                                                          "body": offline_mermaid_script(body)})


def _copy(src: Path, dest: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dest, dirs_exist_ok=True)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static" / STATIC_DIR
    source = mathjax_source()
    for part in MATHJAX_PARTS:
        _copy(source / part, static / "mathjax" / part)
    _copy(VENDOR / "mathjax" / "LICENSE", static / "mathjax" / "LICENSE")
    _copy(VENDOR / "mermaid", static / "mermaid")


def _check_config(app, config):
    if config.mathjax_path != f"{STATIC_DIR}/mathjax/{MATHJAX_PARTS[0]}":
        raise ExtensionError(
            f"offline_assets: set mathjax_path to {STATIC_DIR}/mathjax/{MATHJAX_PARTS[0]} "
            f"(it is {config.mathjax_path!r}), or MathJax is not served from the book"
        )
    mathjax_source()  # fail early, not after the build, when the package is missing


def setup(app):
    app.connect("config-inited", _check_config)
    # after sphinxcontrib-mermaid's own html-page-context handler (priority 500)
    app.connect("html-page-context", _fix_page_scripts, priority=900)
    app.connect("build-finished", _copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
