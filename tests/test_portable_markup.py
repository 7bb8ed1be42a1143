"""tools/portable_markup.py and tools/colab_edition.py on a made-up chapter (no real chapter
is touched): every conversion, and that a second run changes nothing."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pm = _load("portable_markup")


def _md(source, n):
    return {"cell_type": "markdown", "id": f"m{n}", "metadata": {}, "source": source}


def _chapter():
    figure = {
        "cell_type": "code",
        "id": "c1",
        "execution_count": 1,
        "outputs": [],
        "source": "plt.show()",
        "metadata": {
            "mystnb": {"figure": {"name": "fig-a", "caption": "A {cite}`ba2016layer` curve."}}
        },
    }
    return {
        "cells": [
            _md(
                "Text {cite}`rumelhart1986learning` and "
                "{cite}`hochreiter1991untersuchungen,bengio1994learning`, see {numref}`fig-a`.",
                1,
            ),
            figure,
            _md(":::{admonition} Common pitfall\n:class: warning\nA box.\n:::", 2),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_conversion_is_complete_and_idempotent():
    figures = {"fig-a": ("4.1", "04_x")}
    once = pm.convert(_chapter(), figures)
    text = "".join(once["cells"][0]["source"])
    assert text == (
        "Text [Rumelhart et al. (1986)](#rumelhart1986learning) and "
        "[Hochreiter (1991)](#hochreiter1991untersuchungen); "
        "[Bengio et al. (1994)](#bengio1994learning), see [Figure 4.1](#fig-a)."
    )
    caption = once["cells"][2]
    assert caption["metadata"]["tags"] == ["remove-cell"] and caption["id"] == "caption-fig-a"
    assert "".join(caption["source"]) == (
        "(fig-a)=\n**Figure 4.1.** A [Ba et al. (2016)](#ba2016layer) curve."
    )
    assert once["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    assert pm.dumps(pm.convert(once, figures)) == pm.dumps(once)
    renumbered = pm.convert(once, {"fig-a": ("5.2", "05_x")})  # figures moved: text follows
    assert "[Figure 5.2](#fig-a)" in "".join(renumbered["cells"][0]["source"])
    assert "**Figure 5.2.**" in "".join(renumbered["cells"][2]["source"])
    assert sum(c["cell_type"] == "markdown" for c in renumbered["cells"]) == 3


def test_unknown_keys_and_figures_are_refused():
    with pytest.raises(ValueError, match="not in references.bib"):
        pm._rewrite_text("{cite}`nobody2099`", {}, "here")
    with pytest.raises(ValueError, match="no figure's name"):
        pm._rewrite_text("{numref}`fig-missing`", {}, "here")


def test_colab_markdown_has_no_myst_left(tmp_path):
    ce = _load("colab_edition")
    nb = pm.convert(_chapter(), {"fig-a": ("4.1", "04_x")})
    out = [
        ce.markdown("".join(c["source"]), {"fig-a": ("4.1", "04_x")}, ce.Mermaid(draw=False), "t")
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    ]
    base = ce.book_url()
    assert (
        f"[Rumelhart et al. (1986)]({base}chapters/references.html#cite-rumelhart1986learning)"
        in out[0]
    )
    assert f"[Figure 4.1]({base}chapters/04_x.html#fig-a)" in out[0]
    assert out[1].startswith("**Figure 4.1.** A [Ba et al. (2016)]")
    assert out[2] == "> **⚠️ Common pitfall**\n>\n> A box."
    with pytest.raises(SystemExit, match="Colab would show raw"):
        ce.markdown("{term}`loss`", {}, ce.Mermaid(draw=False), "t")
    json.dumps(out)


def test_colab_answers_in_words_are_collapsed_details():
    ce = _load("colab_edition")
    text = ":::{admonition} Answer\n:class: dropdown\nIt is $1/4$.\n:::"
    out = ce.markdown(text, {}, ce.Mermaid(draw=False), "t")
    assert out == "<details>\n<summary><b>Answer</b></summary>\n\nIt is $1/4$.\n\n</details>"


def test_colab_solution_cells_are_form_cells(tmp_path):
    ce = _load("colab_edition")
    solution = {"cell_type": "code", "id": "s1", "execution_count": 1, "outputs": [],
                "source": "x = 1\nprint(x)",
                "metadata": {"tags": ["solution", "hide-input"],
                             "jupyter": {"source_hidden": True}}}
    plain = {"cell_type": "code", "id": "c1", "execution_count": 2, "outputs": [],
             "source": "y = 2", "metadata": {}}
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps({"cells": [_md("# T", 0), solution, plain], "metadata": {},
                                "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    cells = ce.edition(path, {}, ce.Mermaid(draw=False))["cells"]
    form, other = cells[2], cells[3]
    assert "".join(form["source"]).startswith("# @title Solution")
    assert "".join(form["source"]).endswith("x = 1\nprint(x)")
    assert form["metadata"]["cellView"] == "form"
    assert "cellView" not in other["metadata"] and "".join(other["source"]) == "y = 2"
    again = ce.edition(path, {}, ce.Mermaid(draw=False))["cells"][2]
    assert again["source"] == form["source"]
