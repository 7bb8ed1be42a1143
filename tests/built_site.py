"""The built HTML book, _build/html, for the tests that read it (test_site.py, test_html.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


def require_site() -> Path:
    """The site's folder; skips the test where the book is not built (fails it under CI)."""
    if (SITE / "searchindex.js").is_file():
        return SITE
    message = f"{SITE.relative_to(ROOT)} is not built: run `make book` first"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (.ci/run builds the book before the tests)")
    pytest.skip(message)


def pages(site: Path = SITE) -> list[Path]:
    """Every page a reader can open: each .html outside _static (which holds template parts)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def searchindex(site: Path = SITE) -> dict:
    """The search index that the search page loads (``Search.setIndex({...})``)."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def search(index: dict, query: str) -> list[str]:
    """The pages (docnames) that Sphinx's search box lists for ``query``, best first.

    The lookup of sphinx/themes/basic/static/searchtools.js, less its partial matches: each
    word is stemmed as the index was (Sphinx's Chinese search language) and looked up among
    the words of titles (score 15) and of text (score 5); a page must match every word; ties
    are listed by title.
    """
    from sphinx.search.zh import SearchChinese

    language = SearchChinese({})
    words = [language.stem(w) for w in query.split()]
    scores: dict[int, int] = {}
    for n, word in enumerate(words):
        found: dict[int, int] = {}
        for table, score in (("titleterms", 15), ("terms", 5)):
            docs = index[table].get(word, [])
            for doc in [docs] if isinstance(docs, int) else docs:
                found[doc] = max(found.get(doc, 0), score)
        scores = found if n == 0 else {d: s + found[d] for d, s in scores.items() if d in found}
    ranked = sorted(scores, key=lambda d: (-scores[d], index["titles"][d].lower()))
    return [index["docnames"][d] for d in ranked]
