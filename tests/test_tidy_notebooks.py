"""tools/tidy_notebooks.py: stored progress bars collapse to exactly what nbval compares."""

import copy
import sys
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import coalesce_streams

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import tidy_notebooks as tidy  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _nbval_view(outputs):
    """What nbval compares: its own merge of a cell's streams (the independent reference)."""
    return [dict(o) for o in coalesce_streams(copy.deepcopy(outputs))]


# A bar that redraws, a print in between, the bar's closing newline, a result; bars that end
# on their own lines; a carriage return before a newline (no redraw); no redraw at all.
CASES = [
    [_stream("stderr", "\rtrain:   0%| 0/9"), _stream("stderr", "\rtrain:  44%| 4/9"),
     _stream("stdout", "loss 0.1\n"), _stream("stderr", "\rtrain: 100%| 9/9"),
     _stream("stderr", "\n"), nbformat.v4.new_output("execute_result", data={"text/plain": "3"})],
    [_stream("stderr", "a: 1/2\ra: 2/2\n"), _stream("stderr", "b: 0/1\rb: 1/1\n")],
    [_stream("stdout", "windows line\r\n"), _stream("stdout", "x\r\n")],
    [_stream("stdout", "no redraw here\n")],
]


@pytest.mark.parametrize("outputs", CASES)
def test_collapsed_outputs_are_what_nbval_compares(outputs):
    collapsed = tidy.collapse_redraws(copy.deepcopy(outputs))
    assert [dict(o) for o in collapsed] == _nbval_view(outputs)
    assert _nbval_view(collapsed) == _nbval_view(outputs)  # so `make test` cannot tell
    assert not any(tidy.REDRAW.search(o["text"]) for o in collapsed if "text" in o)


def test_a_bar_keeps_its_final_line_and_the_rest_its_order():
    collapsed = tidy.collapse_redraws(copy.deepcopy(CASES[0]))
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in collapsed] == [
        ("stream", "stderr", "train: 100%| 9/9\n"), ("stream", "stdout", "loss 0.1\n"),
        ("execute_result", None, None)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_chapters_collapse_to_what_nbval_compares(path):
    nb = nbformat.read(path, as_version=4)
    before = [copy.deepcopy(c.outputs) for c in nb.cells if c.cell_type == "code"]
    tidy.collapse_progress(nb)
    after = [c.outputs for c in nb.cells if c.cell_type == "code"]
    for old, new in zip(before, after, strict=True):
        assert _nbval_view(new) == _nbval_view(old)
    assert tidy.collapse_progress(nb) == 0  # idempotent


def test_tidy_tags_only_the_setup_cell_once_and_keeps_other_tags():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("import lmvis", metadata={"tags": ["keep-me"]}),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    assert tidy.tidy(nb) == ["setup cell tagged hide-input"]
    assert nb.cells[1].metadata.tags == ["keep-me", "hide-input"]
    assert "tags" not in nb.cells[2].metadata
    assert tidy.tidy(nb) == []


def test_tidy_leaves_a_tidy_notebook_byte_identical(tmp_path):
    path = tmp_path / "chapter.ipynb"
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    tidy.tidy(nb)
    nbformat.write(nb, path)
    written = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    assert tidy.tidy(nb) == []
    nbformat.write(nb, path)
    assert path.read_bytes() == written


def test_split_streams_join_only_when_adjacent_and_nbval_cannot_tell():
    image = nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"})
    outputs = [_stream("stdout", "a\n"), _stream("stdout", "b"), _stream("stdout", "\nc\n"),
               _stream("stderr", "warn\n"), image, _stream("stdout", "d\n")]
    joined = tidy.join_adjacent_streams(copy.deepcopy(outputs))
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in joined] == [
        ("stream", "stdout", "a\nb\nc\n"), ("stream", "stderr", "warn\n"),
        ("display_data", None, None), ("stream", "stdout", "d\n")]
    assert _nbval_view(joined) == _nbval_view(outputs)
    assert tidy.join_adjacent_streams(copy.deepcopy(joined)) == joined  # idempotent


def test_tidy_collapses_solution_cells_for_the_book_and_jupyterlab():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import lmvis"),
        nbformat.v4.new_code_cell("def f(): ...", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("f()"),
    ])
    assert tidy.tidy(nb) == ["setup cell tagged hide-input", "1 solution cell(s) collapsed"]
    assert nb.cells[1].metadata.tags == ["solution", "hide-input"]
    assert nb.cells[1].metadata["jupyter"]["source_hidden"] is True
    assert "jupyter" not in nb.cells[2].metadata
    assert tidy.tidy(nb) == []
