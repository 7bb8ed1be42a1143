"""Rewrite chapter notebooks into the book's portable markup, in place (idempotent).

The HTML book (Sphinx: myst-nb, sphinxcontrib-bibtex) and JupyterLab (jupyterlab-myst) read
MyST differently: jupyterlab-myst reads no BibTeX file and sees no figure captions in cell
metadata, so ``{cite}`` and ``{numref}`` show as "Not Found" there. This script writes the
forms that both render, generated from the sources of truth:

* A citation is a link to its BibTeX key, with author-year text made from references.bib:
  ``[Rumelhart et al. (1986)](#rumelhart1986learning)``. Sphinx resolves ``#key`` through
  sphinxcontrib-bibtex (the same citation and bibliography link as ``{cite}``); Lab shows the
  text. ``{cite}`a,b``` becomes one link per key.
* A figure reference is ``[Figure 4.2](#fig-name)``, numbered as the HTML book numbers it
  (chapter's place in the numbered part of _toc.yml, figure's place among the chapter's
  captioned figure cells). ``{numref}`` becomes this form.
* Every figure cell (cell metadata ``mystnb.figure``) is followed by a caption cell,
  ``(fig-name)=`` and ``**Figure 4.2.** caption``, tagged ``remove-cell``: Lab and the Colab
  edition show it under the figure, the HTML book drops it and uses the metadata caption.
* The kernelspec's display name is the one JupyterLab writes, "Python 3 (ipykernel)", so
  opening a chapter does not modify it.

Run it after adding or reordering figures, changing a caption or a BibTeX entry, or adding a
chapter; tests/test_repo.py fails while a chapter is not in this form::

    .venv/bin/python tools/portable_markup.py chapters/*.ipynb      # rewrite in place
    .venv/bin/python tools/portable_markup.py --check chapters/*.ipynb
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import sys
from functools import cache
from pathlib import Path

import latexcodec  # noqa: F401 - registers the "latex" codec used below
import yaml
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
CAPTION_TAG = "remove-cell"

CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
NUMREF_ROLE = re.compile(r"\{numref\}`(?:([^`<]*?)\s*<)?([^`<>]+)>?`")
LINK = re.compile(r"\[([^\]]*)\]\(#([^)\s]+)\)")
#: "**Figure 4.2.** ", or in the Chinese edition (tools/zh_edition.py) "**图 4.2** ".
CAPTION_LINE = re.compile(r"\A\(([^)\s]+)\)=\n\*\*(?:Figure [0-9.]+\.|图 [0-9.]+)\*\* ")


def _plain(latex: str) -> str:
    return codecs.decode(latex, "ulatex").replace("{", "").replace("}", "").strip()


def _surname(person) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


@cache
def citation_texts(bib: Path = ROOT / "references.bib") -> dict[str, str]:
    """Author-year text for every key: "Rosenblatt (1958)", "Kingma and Ba (2015)",
    "Rumelhart et al. (1986)" (the names sphinxcontrib-bibtex's author_year style shows)."""
    texts = {}
    for key, entry in parse_file(str(bib)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_surname(p) for p in people]
        if not names:
            raise ValueError(f"references.bib: {key} has no author or editor")
        who = names[0] if len(names) == 1 else (
            f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al."
        )
        texts[key] = f"{who} ({_plain(entry.fields['year'])})"
    return texts


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _figure(cell) -> dict | None:
    if cell["cell_type"] != "code":
        return None
    return cell.get("metadata", {}).get("mystnb", {}).get("figure") or None


@cache
def chapter_numbers(toc: Path = ROOT / "_toc.yml") -> dict[str, int]:
    """Chapter number by notebook stem, as the HTML book numbers the numbered parts."""
    numbers, n = {}, 0
    for part in yaml.safe_load(toc.read_text()).get("parts", []):
        if not part.get("numbered"):
            continue
        for chapter in part["chapters"]:
            n += 1
            numbers[Path(chapter["file"]).name] = n
    return numbers


#: A Mermaid fence with YAML front matter, which sphinxcontrib-mermaid reads as the options of
#: a numbered figure (``caption:``, ``name:``).
MERMAID_FIGURE = re.compile(r"^```mermaid[ \t]*\n---\n(.*?)\n---\n", re.M | re.S)


def mermaid_figures(text: str) -> list[dict]:
    """The front matter of every Mermaid fence in a Markdown text that names a figure."""
    found = [yaml.safe_load(m.group(1)) or {} for m in MERMAID_FIGURE.finditer(text)]
    return [f for f in found if isinstance(f, dict) and f.get("name")]


def figure_names(cell) -> list[str]:
    """Names of the numbered figures a cell holds, in the order the HTML book numbers them."""
    fig = _figure(cell)
    if fig:
        if not fig.get("name"):
            raise ValueError("a figure cell has a caption but no name")
        return [fig["name"]]
    if cell["cell_type"] == "markdown" and not _is_caption_cell(cell):
        return [f["name"] for f in mermaid_figures(_source(cell))]
    return []


def figure_numbers(paths) -> dict[str, tuple[str, str]]:
    """Figure name -> ("4.2", notebook stem) over the given notebooks (all the book's figures):
    captioned figure cells and Mermaid figures, in document order, as Sphinx numbers them."""
    numbers = {}
    for path in paths:
        path = Path(path)
        chapter = chapter_numbers().get(path.stem)
        nb = json.loads(path.read_text(encoding="utf-8"))
        names = [name for c in nb["cells"] for name in figure_names(c)]
        for i, name in enumerate(names, 1):
            numbers[name] = (f"{chapter}.{i}" if chapter else str(i), path.stem)
    return numbers


def _rewrite_text(text: str, figures: dict, where: str) -> str:
    cites = citation_texts()

    def cite(m):
        keys = [k.strip() for k in m.group(1).split(",")]
        for k in keys:
            if k not in cites:
                raise ValueError(f"{where}: citation key {k!r} is not in references.bib")
        return "; ".join(f"[{cites[k]}](#{k})" for k in keys)

    def numref(m):
        name = m.group(2).strip()
        if name not in figures:
            raise ValueError(f"{where}: {{numref}} to {name!r}, which is no figure's name")
        return f"[Figure {figures[name][0]}](#{name})"

    def link(m):  # refresh the generated text of existing links
        label, target = m.group(1), m.group(2)
        if target in cites:
            return f"[{cites[target]}](#{target})"
        if target in figures and re.fullmatch(r"Figure [0-9.]+", label):
            return f"[Figure {figures[target][0]}](#{target})"
        return m.group(0)

    text = CITE_ROLE.sub(cite, text)
    text = NUMREF_ROLE.sub(numref, text)
    return LINK.sub(link, text)


def _caption_cell(name: str, number: str, caption: str, with_id: bool) -> dict:
    cell = {
        "cell_type": "markdown",
        "metadata": {"tags": [CAPTION_TAG]},
        "source": f"({name})=\n**Figure {number}.** {caption}",
    }
    if with_id:  # nbformat 4.5 cell ids; a stable one, so that a rewrite is byte-stable
        cell["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", f"caption-{name}")[:64]
    return cell


def _is_caption_cell(cell) -> bool:
    return cell["cell_type"] == "markdown" and bool(CAPTION_LINE.match(_source(cell)))


def convert(nb: dict, figures: dict, where: str = "notebook") -> dict:
    """The notebook in portable markup (a new dict; `figures` from figure_numbers)."""
    cells = []
    for cell in nb["cells"]:
        if _is_caption_cell(cell):
            continue  # regenerated below, after its figure cell
        cell = dict(cell)
        if cell["cell_type"] == "markdown":
            cell["source"] = _rewrite_text(_source(cell), figures, where)
        fig = _figure(cell)
        if fig:
            caption = _rewrite_text(fig.get("caption", ""), figures, where)
            meta = json.loads(json.dumps(cell["metadata"]))
            meta["mystnb"]["figure"]["caption"] = caption
            cell["metadata"] = meta
        cells.append(cell)
        if fig:
            name = fig["name"]
            cells.append(_caption_cell(name, figures[name][0], caption, "id" in cell))
    out = dict(nb)
    out["cells"] = [_normalise(c) for c in cells]
    out["metadata"] = {**nb["metadata"], "kernelspec": dict(KERNELSPEC)}
    return out


def _normalise(cell: dict) -> dict:
    """Sources as nbformat writes them (a list of lines), so a rewrite is byte-stable."""
    cell = dict(cell)
    src = _source(cell)
    cell["source"] = src.splitlines(keepends=True)
    if cell["cell_type"] == "markdown":
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        cell.setdefault("metadata", {})
    return cell


def dumps(nb: dict) -> str:
    """JSON as nbformat writes it (indent 1, unicode kept, trailing newline)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="change nothing; fail if any would")
    ap.add_argument("notebooks", nargs="+", type=Path)
    args = ap.parse_args(argv)
    # Figure numbers span the whole book: a chapter may refer to another chapter's figure.
    book = sorted((ROOT / "chapters").glob("*.ipynb"))
    figures = figure_numbers(sorted(set(book) | {p.resolve() for p in args.notebooks}))
    stale = []
    for path in args.notebooks:
        old = path.read_text(encoding="utf-8")
        new = dumps(convert(json.loads(old), figures, path.name))
        if new != old:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "not in portable markup" if args.check else "rewritten"
    for path in stale:
        print(f"{path}: {verb}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
