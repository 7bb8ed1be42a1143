"""Logic gates as four-row classification data sets.

The smallest classification problems there are: with four rows, a model that always answers
"0" already scores 75% on AND, so an accuracy means nothing until it is compared with that
(:func:`lmvis.metrics.majority_accuracy`).
"""

from __future__ import annotations

import numpy as np

from lmvis import checks

#: Truth tables of the two-input gates, outputs in the row order of :data:`INPUTS`.
GATES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "XOR": (0, 1, 1, 0),
    "NAND": (1, 1, 1, 0),
}

#: The four input rows (x1, x2), shape (4, 2).
INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def gate_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X (4, 2) float64, y (4,) int64)`` for the gate ``name`` (AND, OR, XOR, NAND; any case)."""
    name = checks.text("name", name).upper()
    checks.choice("name (in upper case)", name, GATES)
    return INPUTS.copy(), np.array(GATES[name], dtype=np.int64)
