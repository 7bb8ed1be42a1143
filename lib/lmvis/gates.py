"""Logic gates as four-row classification data sets, and the majority-class baseline.

The smallest classification problems there are: with four rows, a model that always answers
"0" already scores 75% on AND, so an accuracy means nothing until it is compared with that.
"""

from __future__ import annotations

import numpy as np

#: Truth tables of the two-input gates, outputs in the row order of :data:`INPUTS`.
GATES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "XOR": (0, 1, 1, 0),
    "NAND": (1, 1, 1, 0),
}

#: The four input rows (x1, x2), shape (4, 2).
INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def gate_data(name: str):
    """``(X (4, 2) float64, y (4,) int64)`` for the gate ``name`` (AND, OR, XOR, NAND)."""
    if not isinstance(name, str) or name.upper() not in GATES:
        raise ValueError(f"name must be one of {sorted(GATES)}, got {name!r}")
    return INPUTS.copy(), np.array(GATES[name.upper()], dtype=np.int64)


def majority_class(y_train) -> int:
    """The most frequent label in ``y_train`` (the smallest label on ties)."""
    y = np.asarray(y_train)
    if y.ndim != 1 or len(y) == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y_train must be a non-empty 1-D integer array, got {y.dtype} "
                         f"shape {y.shape}")
    values, counts = np.unique(y, return_counts=True)
    return int(values[np.argmax(counts)])


def majority_accuracy(y_train, y_eval) -> float:
    """Accuracy on ``y_eval`` of always predicting the majority class of ``y_train``."""
    c = majority_class(y_train)
    y_eval = np.asarray(y_eval)
    if y_eval.ndim != 1 or len(y_eval) == 0:
        raise ValueError(f"y_eval must be a non-empty 1-D array, got shape {y_eval.shape}")
    return float(np.mean(y_eval == c))
