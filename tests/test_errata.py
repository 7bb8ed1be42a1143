"""The errata appendix (chapters/errata.md) has one row per error of the notes on the source
articles, and every row links to where the book shows the correction.

The notes (the project's list of the five articles' known errors) live outside the repository,
so their errors are transcribed here once, as ``ERRORS``: an ID and the document and section
each is in. A row is ``| ID | document, section | what it says | what is right | where |``; its
last cell must hold at least one link, and every link must resolve:

* ``{ref}`label``` or ``{numref}`label```: a ``(label)=`` target in a chapter notebook's Markdown
  or in an appendix page, or a figure name in a notebook cell's metadata;
* ``[chapter N, "Section title"](NN_name.ipynb)``: the notebook exists, its number is N, and it
  has a heading with exactly that title;
* ``{cite}`key```, anywhere on the page: the key is in references.bib.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ERRATA = ROOT / "chapters" / "errata.md"

#: Every error of the notes, in their order: ID -> the document and section it is in.
ERRORS = {
    "E01": "002 §4.1–4.2", "E02": "002 §4.3", "E03": "002 §3.2.2", "E04": "000 §3.2, §4.1",
    "E05": "000 §4.2", "E06": "000 §4.2", "E07": "004 §4.2", "E08": "004 §4.3",
    "E09": "004 §4.3", "E10": "004 §4.3", "E11": "004 §4.3", "E12": "001 §4.3",
    "E13": "001 §4.3", "E14": "001 §4.3", "E15": "001 §4.3", "E16": "001 §4.1",
    "E17": "000 §5.1, 004 §5.1", "E18": "000 §5.2", "E19": "000 §5.2", "E20": "001 §5.2",
    "E21": "001 §5.2", "E22": "002 §5.2", "E23": "002 §5.2", "E24": "002 §5.2",
    "E25": "002 §5.2", "E26": "002 §5.2", "E27": "003 §5.2", "E28": "003 §5.4",
    "E29": "004 §5.2", "E30": "004 §5.4", "E31": "001 §1.1", "E32": "001 §1.1, 000 §1.1",
    "E33": "001 §9.4", "E34": "001 §6.2", "E35": "001 §6.2", "E36": "004 §6.1",
    "E37": "002 §6.2", "E38": "002 §7.1", "E39": "000 §7.3", "E40": "001 §7.3",
    "E41": "001 §7.3", "E42": "001 §10", "E43": "001 §10", "E44": "001 §10", "E45": "003 §7.3",
}

ROW = re.compile(r"^\|\s*(E\d+)\s*\|(.*)\|\s*$", re.M)
ROLE = re.compile(r"\{(ref|numref)\}`(?:[^`<]*<)?([^`<>]+)>?`")
CHAPTER_LINK = re.compile(r"\[chapter (\d+), \"([^\"]+)\"\]\(([^)#\s]+\.ipynb)\)")
ANY_LINK = re.compile(r"\{(?:ref|numref)\}`|\]\([^)]+\)")
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
TARGET = re.compile(r"^\(([^)\s]+)\)=\s*$", re.M)


def _cells(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def known_labels() -> set[str]:
    """Targets a {ref} can reach: (label)= lines in chapters and appendices, figure names."""
    labels = set()
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        for cell in _cells(nb):
            if cell["cell_type"] == "markdown":
                labels |= set(TARGET.findall(_source(cell)))
            name = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
            if name:
                labels.add(name)
    for page in (ROOT / "chapters").glob("*.md"):
        labels |= set(TARGET.findall(page.read_text(encoding="utf-8")))
    return labels


def headings(notebook: Path) -> set[str]:
    return {line.lstrip("#").strip() for cell in _cells(notebook) if cell["cell_type"] == "markdown"
            for line in _source(cell).splitlines() if re.match(r"#{1,6} ", line)}


def link_problems(where: str, labels: set[str]) -> list[str]:
    """What is wrong with the links of one row's last cell (empty if nothing)."""
    problems = []
    if not ANY_LINK.search(where):
        problems.append("no link to where the book shows it")
    for _, label in ROLE.findall(where):
        if label not in labels:
            problems.append(f"no target named {label!r}")
    for number, title, target in CHAPTER_LINK.findall(where):
        notebook = ROOT / "chapters" / target
        if not notebook.exists():
            problems.append(f"no notebook {target}")
        elif int(target[:2]) != int(number):
            problems.append(f"{target} is not chapter {number}")
        elif title not in headings(notebook):
            problems.append(f"{target} has no heading {title!r}")
    plain = ANY_LINK.sub("", CHAPTER_LINK.sub("", ROLE.sub("", where)))
    if re.search(r"\]\(", plain):
        problems.append("a link that is neither a {ref} nor a chapter section")
    return problems


def rows() -> dict[str, list[str]]:
    found = {}
    for m in ROW.finditer(ERRATA.read_text(encoding="utf-8")):
        assert m.group(1) not in found, f"row {m.group(1)} twice"
        found[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return found


def test_every_error_of_the_notes_has_exactly_one_row_and_nothing_else_does():
    found = rows()
    assert sorted(found) == sorted(ERRORS), (
        f"missing rows: {sorted(set(ERRORS) - set(found))}; "
        f"rows for no error: {sorted(set(found) - set(ERRORS))}")
    assert list(found) == sorted(found), "rows are in the notes' order"


@pytest.mark.parametrize("error", sorted(ERRORS))
def test_each_row_names_its_document_and_section_and_says_what_is_wrong_and_right(error):
    cells = rows()[error]
    assert len(cells) == 4, f"{error}: expected 4 cells after the ID, got {len(cells)}"
    document, says, right, _ = cells
    assert document == ERRORS[error]
    assert says and right, f"{error}: what it says and what is right must both be filled in"


@pytest.mark.parametrize("error", sorted(ERRORS))
def test_each_row_links_to_where_the_book_shows_it(error):
    assert link_problems(rows()[error][-1], known_labels()) == []


def test_a_row_without_a_link_or_with_a_dead_one_fails():
    labels = known_labels()
    assert link_problems("chapter 4, the δ-recursion", labels) == [
        "no link to where the book shows it"]
    assert link_problems("{ref}`no-such-label`", labels) == ["no target named 'no-such-label'"]
    assert link_problems('[chapter 8, "No such section"](08_attention.ipynb)', labels) == [
        "08_attention.ipynb has no heading 'No such section'"]
    assert link_problems('[chapter 7, "Baselines"](08_attention.ipynb)', labels) == [
        "08_attention.ipynb is not chapter 7"]


def test_every_citation_on_the_page_is_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.M))
    cited = {k.strip() for group in CITE.findall(ERRATA.read_text(encoding="utf-8"))
             for k in group.split(",")}
    assert cited and not cited - keys, f"not in references.bib: {sorted(cited - keys)}"


def test_the_page_is_in_the_table_of_contents():
    assert "file: chapters/errata" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
