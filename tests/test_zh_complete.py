"""The Chinese edition is complete and in step with the English (part of `make test`).

Fails on any untranslated or fuzzy message (a changed English passage: `make catalogue`, then
translate it), on a translation that lost the English's math, code, links or numbers, on a
stale zh/ (`make zh`), on a Chinese code cell that differs from its English twin beyond its
comments, and on English prose left in a Chinese Markdown cell. The machinery itself is tested
on a fixture by tests/test_zh_edition.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_edition  # noqa: E402
import zh_edition as z  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = [p.relative_to(ROOT).with_suffix("").as_posix()
         for p in CHAPTERS + sorted((ROOT / "chapters").glob("*.md")) + [ROOT / "intro.md"]]


@pytest.mark.parametrize("page", PAGES)
def test_every_message_is_translated_and_none_is_fuzzy(page):
    path = z.catalogue_path(page)
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: make catalogue"
    unfinished = z.unfinished([path])
    assert unfinished == [], f"{len(unfinished)} to translate:\n" + "\n".join(unfinished[:20])


@pytest.mark.parametrize("page", PAGES)
def test_every_translation_keeps_the_math_code_links_and_numbers_of_its_english(page):
    """A translation may reword the prose, never the formulas, code, targets or numbers."""
    assert z.check_catalogues([z.catalogue_path(page)]) == []


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.name)
def test_the_catalogue_has_every_message_of_the_notebook(notebook):
    """A changed English passage without `make catalogue` after it."""
    document = notebook.relative_to(ROOT).with_suffix("").as_posix()
    catalogue = {e.msgid for e in polib.pofile(str(z.catalogue_path(document))) if not e.obsolete}
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    missing = sorted({m for m, _ in z.notebook_messages(nb) if m not in catalogue})
    assert missing == [], f"make catalogue, then translate: {missing[:10]}"


def test_the_chinese_notebooks_are_current():
    assert z.build(z.sources(), check=True) == [], "make zh"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.name)
def test_each_chinese_notebook_is_its_english_twin_in_code_and_outputs(notebook):
    zh_path = z.OUT / "chapters" / notebook.name
    assert zh_path.is_file(), "make zh"
    en = json.loads(notebook.read_text(encoding="utf-8"))
    zh = json.loads(zh_path.read_text(encoding="utf-8"))
    assert z.twin_differences(en, zh) == []


@pytest.mark.parametrize("page", z.sources(), ids=lambda p: p.name)
def test_no_english_sentence_is_left_in_a_chinese_markdown_cell(page):
    zh_path = z.OUT / page.relative_to(ROOT)
    if page.suffix == ".md":
        left = z.latin_runs(zh_path.read_text(encoding="utf-8"))
    else:
        zh = json.loads(zh_path.read_text(encoding="utf-8"))
        left = [(n, run) for n, cell in enumerate(zh["cells"]) if cell["cell_type"] == "markdown"
                for run in z.latin_runs(z.source(cell))]
    assert left == []


def test_the_chinese_colab_edition_is_current():
    assert colab_edition.main(["--check", "--edition", "zh"]) == 0, "make zh"


def test_the_chinese_milestone_table_is_the_one_the_package_prints():
    """Chapter 1's table in the Chinese notebook (translated by the catalogue, which takes it
    from the package: `make catalogue`) is what a reader's run prints with LMVIS_LANGUAGE=zh."""
    from lmvis.datasets import milestones

    zh = json.loads((z.OUT / "chapters" / "01_background.ipynb").read_text(encoding="utf-8"))
    printed = ["".join(o["data"]["text/markdown"]) for c in zh["cells"] if c["cell_type"] == "code"
               for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
    assert milestones.markdown_table(language="zh") in printed
