"""How chapter 7's digit models were chosen, stored as data: every candidate's fold accuracies.

``digit_models/selection.json`` is written by ``tools/select_digits_models.py`` (minutes of CPU:
too slow for a chapter). For the linear softmax model and the MLP it holds every candidate
setting (hidden widths, learning rate, weight decay, parameters) with its accuracy on each of
the five validation folds of the development set, the best candidate, the one standard error,
and the setting chosen by the one-standard-error rule; plus the settings and the provenance of
the run (commit, versions, processor, numerical environment, CPU and wall time). Verified by
SHA-256 before it is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lmvis import checks
from lmvis.datasets import verified_bytes

__all__ = ["MODELS", "SELECTION_SHA256", "chosen_setting", "load_selection", "selection_path"]

#: SHA-256 of ``digit_models/selection.json`` as tools/select_digits_models.py wrote it.
SELECTION_SHA256 = "952b450bc688739bb90c594859576a799c97dfcf9ec33073d1969a1eb39dc2d1"

#: The model kinds the selection covers, as named in the file.
MODELS = ("linear softmax", "MLP")


def selection_path() -> Path:
    """Where the installed package keeps the selection's results."""
    return Path(__file__).with_name("digit_models") / "selection.json"


def load_selection(*, expected_sha256: str = SELECTION_SHA256) -> dict[str, Any]:
    """The selection as a dict (``settings``, ``models``, ``provenance``), after checking its
    SHA-256. Raises RuntimeError when the file is missing or its checksum differs."""
    data = verified_bytes(selection_path(), expected_sha256,
                          missing_hint="the selection's results; run "
                                       "tools/select_digits_models.py")
    return json.loads(data)


def chosen_setting(model: str, selection: dict[str, Any] | None = None) -> dict[str, Any]:
    """The chosen setting of ``model`` (one of :data:`MODELS`): ``hidden`` (a tuple of widths),
    ``lr``, ``weight_decay``, ``params``, ``fold_accuracy`` (its five validation accuracies).

    ``selection`` is what :func:`load_selection` returns (loaded here when None)."""
    model = checks.choice("model", model, MODELS)
    selection = load_selection() if selection is None else selection
    try:
        chosen = dict(selection["models"][model]["chosen"])
    except (TypeError, KeyError) as err:
        raise ValueError(f"selection must be the dict load_selection returns, with "
                         f"models[{model!r}]['chosen'], got {type(selection).__name__} "
                         f"lacking {err}") from None
    chosen["hidden"] = tuple(chosen["hidden"])
    return chosen
