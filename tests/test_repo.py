"""Repository invariants: pins agree, notebooks follow the book's conventions."""

import ast
import json
import re
import sys
from pathlib import Path

import lmvis
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import pitfall_boxes  # noqa: E402
import tidy_notebooks  # noqa: E402


def _pins(lines):
    return sorted(
        line.strip() for line in lines if line.strip() and not line.strip().startswith("#")
    )


def test_requirements_are_exact_pins_and_torch_is_2_13_0():
    pins = _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert pins, "requirements.txt is empty"
    loose = [p for p in pins if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", p)]
    assert not loose, f"every requirement must be pinned exactly (name==version); loose: {loose}"
    assert "torch==2.13.0" in pins


def test_environment_yml_agrees_with_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    req = _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert sorted(pip_section) == req


def test_colab_install_url_matches_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == lmvis.BOOK_REPOSITORY
    assert config["repository"]["branch"] == "main"


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [ch["file"] for ch in part["chapters"]]
    return files


def test_every_chapter_notebook_is_in_the_toc_and_every_toc_entry_exists():
    files = _toc_files()
    for f in files:
        matches = [p for p in ROOT.glob(f + ".*") if p.suffix in {".ipynb", ".md"}]
        assert matches, f"_toc.yml lists {f!r} but no {f}.ipynb or {f}.md exists"
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in files, f"{nb.name} is not in _toc.yml"


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return json.loads(request.param.read_text(encoding="utf-8"))


def test_setup_cell_is_identical_in_every_notebook():
    firsts = {p.name: _source(_code_cells(json.loads(p.read_text()))[0]) for p in NOTEBOOKS}
    reference = next(iter(firsts.values()), None)
    for name, src in firsts.items():
        assert src == reference, f"{name}: the first code cell differs from the shared setup cell"
        assert "lmvis.setup()" in src and lmvis.BOOK_REPOSITORY in src


def test_notebook_was_executed_top_to_bottom_in_a_fresh_kernel(notebook):
    counts = [c["execution_count"] for c in _code_cells(notebook) if _source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts {counts} are not 1..N: run `make execute`"
    )


def test_notebook_has_no_error_outputs_and_uses_the_python3_kernel(notebook):
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in _code_cells(notebook):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"stored error output in:\n{_source(cell)}"


def _should_have_output(src):
    """True where a cell evidently prints or displays something (nbval skips empty cells)."""
    try:
        tree = ast.parse(src)
    except SyntaxError:  # IPython magics
        return False
    if not tree.body:
        return False
    last = tree.body[-1]
    if isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call | ast.Constant):
        return True
    calls = {
        n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
    }
    return bool(calls & {"print", "display", "show"})


def test_no_code_cell_lacks_its_outputs_by_accident(notebook):
    for cell in _code_cells(notebook):
        src = _source(cell)
        if _should_have_output(src):
            assert cell.get("outputs"), f"this cell prints or displays but stores no output:\n{src}"


def test_figures_are_stored_as_png_not_svg(notebook):
    for cell in _code_cells(notebook):
        for out in cell.get("outputs", []):
            assert "image/svg+xml" not in out.get("data", {}), "SVG output varies between runs"


def test_ignored_outputs_use_a_marker_nbval_honours_and_say_why(notebook):
    """nbval 0.11 honours only the cell tag `nbval-ignore-output` or a bare
    `# NBVAL_IGNORE_OUTPUT` line; anything after the marker silently disables it."""
    for cell in _code_cells(notebook):
        src = _source(cell)
        lines = [line.strip() for line in src.splitlines()]
        tagged = "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
        bare = "# NBVAL_IGNORE_OUTPUT" in lines
        mentions = [line for line in lines if re.search(r"nbval[-_]ignore[-_]output", line, re.I)]
        if mentions and not (tagged or bare):
            raise AssertionError(
                "nbval ignores '# NBVAL_IGNORE_OUTPUT <text>'; use the tag "
                f"'nbval-ignore-output' or a bare marker line:\n{src}"
            )
        if tagged or bare:
            reasons = [
                line for line in lines
                if line.startswith("#") and line != "# NBVAL_IGNORE_OUTPUT" and len(line) > 12
            ]
            assert reasons, f"say in a comment why this cell's output is not compared:\n{src}"


def _text(out):
    return "".join(out["text"]) if isinstance(out["text"], list) else out["text"]


def test_setup_cell_is_collapsed_in_the_html_book(notebook):
    tags = _code_cells(notebook)[0].get("metadata", {}).get("tags", [])
    assert tidy_notebooks.SETUP_TAG in tags, (
        f"the setup cell lacks the tag {tidy_notebooks.SETUP_TAG!r}: run "
        "`.venv/bin/python tools/tidy_notebooks.py chapters/*.ipynb` (make execute does it too)"
    )


def test_no_stored_stream_keeps_a_progress_bar_redraw(notebook):
    for cell in _code_cells(notebook):
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream" and tidy_notebooks.REDRAW.search(_text(out)):
                raise AssertionError(
                    "a stored stream keeps carriage-return redraws (readers see every one): run "
                    "`.venv/bin/python tools/tidy_notebooks.py chapters/*.ipynb` for the cell:\n"
                    + _source(cell)
                )


def test_no_stored_stream_is_split_where_the_kernel_happened_to_cut_it(notebook):
    for cell in _code_cells(notebook):
        outputs = cell.get("outputs", [])
        assert len(tidy_notebooks.join_adjacent_streams(outputs)) == len(outputs), (
            "a cell stores its printed text as several consecutive outputs: run "
            "`.venv/bin/python tools/tidy_notebooks.py chapters/*.ipynb` for the cell:\n"
            + _source(cell)
        )


def test_every_pitfall_box_has_the_same_form(notebook):
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = _source(cell)
            assert pitfall_boxes.fix(source) == source, (
                "a Common pitfall box lacks `:class: warning`: run "
                "`.venv/bin/python tools/pitfall_boxes.py chapters/*.ipynb`:\n" + source[:300]
            )


def _tool(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chapters_are_in_the_portable_markup_that_html_and_jupyterlab_both_render(capsys):
    """Citations as author-year links, figure references as "Figure N.M" links, a caption cell
    under every figure, JupyterLab's kernelspec name: `make portable` writes them."""
    stale = _tool("portable_markup").main(["--check", *map(str, NOTEBOOKS)])
    assert stale == 0, f"run `make portable` (tools/portable_markup.py):\n{capsys.readouterr().out}"


def test_no_myst_role_or_directive_that_jupyterlab_cannot_render(notebook):
    """jupyterlab-myst reads no BibTeX file and no cell-metadata caption: `{cite}` and
    `{numref}` would show as "Not Found" there (tools/portable_markup.py converts them)."""
    role = r"\{(?:cite|numref|ref|eq)(?::\w+)?\}`[^`]*`"
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            found = re.findall(role, _source(cell))
            assert not found, f"roles that JupyterLab cannot resolve: {found}"
        for out in cell.get("outputs", []):  # Markdown that code prints is rendered as MyST too
            found = re.findall(role, "".join(out.get("data", {}).get("text/markdown", "")))
            assert not found, (
                f"a text/markdown output holds roles that JupyterLab cannot resolve: {found[:3]}; "
                "print citations as [Rumelhart et al. (1986)](#rumelhart1986learning)")


def test_colab_edition_is_current(capsys):
    """colab/chapters/ is generated from chapters/ (`make colab`); a stale edition fails here."""
    stale = _tool("colab_edition").main(["--check"])
    assert stale == 0, f"run `make colab` (tools/colab_edition.py):\n{capsys.readouterr().out}"


def test_colab_button_opens_the_edition():
    """The theme's Colab link is <repo>/blob/<branch>/<path_to_book>/<page>.ipynb."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["path_to_book"] == "colab"
    assert "binderhub_url" not in config.get("launch_buttons", {}), "Binder is not shown to work"
    for page in _toc_files():
        if (ROOT / f"{page}.ipynb").exists():
            assert (ROOT / "colab" / f"{page}.ipynb").exists(), f"no Colab edition of {page}"


def test_lower_bounds_are_plain_and_ipywidgets_allows_colabs_7_7():
    pins = _tool("lower_bounds").lower_bounds()
    assert "ipywidgets==7.7" in pins, "Colab ships ipywidgets 7.7: a higher floor replaces it"
    assert "torch==2.13.0" in pins
