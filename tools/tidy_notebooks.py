"""Reader-first stored notebooks: the setup cell and worked solutions collapsed, progress bars at
their final line, one output per run of printed text.

Four idempotent changes to a notebook's metadata and stored outputs; code is never touched and
nothing is re-executed. `make execute` applies them after executing (tools/execute_notebooks.py);
to apply them to notebooks as they are stored:

    .venv/bin/python tools/tidy_notebooks.py chapters/*.ipynb

- The first code cell, the setup cell that every chapter shares, gets the cell tag
  ``hide-input``: the HTML book shows it as one collapsed "Show code cell source" line.
- A worked solution of an exercise (a code cell tagged ``solution``) is collapsed everywhere:
  the tag ``hide-input`` collapses it in the HTML book, the metadata
  ``jupyter.source_hidden: true`` in JupyterLab (tools/colab_edition.py makes it a form cell in
  Colab). Its output, the checker's verdict, stays visible.
- A cell whose stored streams hold progress-bar redraws (tqdm rewrites its line with carriage
  returns; lmvis.progress) keeps the final state only. Its stream outputs are merged by name,
  in the place of the first one, and each line keeps what follows its last carriage return:
  exactly what nbval compares (so `make test` is unaffected) and what a terminal would show.
  While the cell runs, the live bar still redraws as before.
- Consecutive stream outputs of the same name are joined into one. Where a kernel cuts its
  printed text into outputs depends on timing (a busy machine cuts more often), so without this a
  re-execution could change the stored file where nothing changed for the reader; nbval joins
  them before comparing, so `make test` is unaffected.

tests/test_repo.py and tests/test_exercises.py check all four on every chapter.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

SETUP_TAG = "hide-input"
REDRAW = re.compile(r"\r(?!\n)")  # a carriage return that starts a redraw of the line
_ERASED = re.compile(r"^.*\r(?=[^\n])", re.M)  # a line up to its last redraw (as nbval)


def tag_setup_cell(nb) -> bool:
    """Tag the first code cell ``hide-input``; True if the notebook changed."""
    cell = next((c for c in nb.cells if c.cell_type == "code"), None)
    if cell is None:
        return False
    tags = cell.metadata.setdefault("tags", [])
    if SETUP_TAG in tags:
        return False
    tags.append(SETUP_TAG)
    return True


SOLUTION_TAG = "solution"


def collapse_solutions(nb) -> int:
    """Collapse every solution cell's code (HTML book and JupyterLab); the number changed."""
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or SOLUTION_TAG not in cell.metadata.get("tags", []):
            continue
        tags = cell.metadata["tags"]
        lab = cell.metadata.setdefault("jupyter", {})
        if SETUP_TAG in tags and lab.get("source_hidden") is True:
            continue
        if SETUP_TAG not in tags:
            tags.append(SETUP_TAG)
        lab["source_hidden"] = True
        changed += 1
    return changed


def final_text(text: str) -> str:
    """What a terminal shows of a stream: each line from its last carriage return on."""
    return _ERASED.sub("", text)


def collapse_redraws(outputs: list) -> list:
    """Stream outputs merged by name at the first one's place, each reduced to final_text."""
    merged, by_name = [], {}
    for out in outputs:
        if out.get("output_type") != "stream":
            merged.append(out)
        elif out["name"] in by_name:
            by_name[out["name"]]["text"] += out["text"]
        else:
            by_name[out["name"]] = nbformat.from_dict({**out, "text": out["text"]})
            merged.append(by_name[out["name"]])
    for out in by_name.values():
        out["text"] = final_text(out["text"])
    return merged


def collapse_progress(nb) -> int:
    """Collapse the redraws of every cell that stores some; the number of cells changed."""
    changed = 0
    for cell in nb.cells:
        streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
        if any(REDRAW.search(o["text"]) for o in streams):
            cell.outputs = collapse_redraws(cell.outputs)
            changed += 1
    return changed


def join_adjacent_streams(outputs: list) -> list:
    """Each run of consecutive stream outputs of one name joined into one output, in place."""
    joined = []
    for out in outputs:
        last = joined[-1] if joined else None
        if (out.get("output_type") == "stream" and last is not None
                and last.get("output_type") == "stream" and last["name"] == out["name"]):
            joined[-1] = nbformat.from_dict({**last, "text": last["text"] + out["text"]})
        else:
            joined.append(out)
    return joined


def join_streams(nb) -> int:
    """Join the split streams of every cell; the number of cells changed."""
    changed = 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        joined = join_adjacent_streams(outputs)
        if len(joined) != len(outputs):
            cell.outputs = joined
            changed += 1
    return changed


def tidy(nb) -> list[str]:
    """All four changes; what was done, for printing (empty when the notebook was already
    tidy)."""
    done = []
    if tag_setup_cell(nb):
        done.append(f"setup cell tagged {SETUP_TAG}")
    if n := collapse_solutions(nb):
        done.append(f"{n} solution cell(s) collapsed")
    if n := collapse_progress(nb):
        done.append(f"progress redraws collapsed in {n} cell(s)")
    if n := join_streams(nb):
        done.append(f"split streams joined in {n} cell(s)")
    return done


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        sys.exit("usage: tidy_notebooks.py NOTEBOOK.ipynb [...]")
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        done = tidy(nb)
        if done:
            nbformat.write(nb, path)
        print(f"{path}: {'; '.join(done) or 'already tidy'}")
