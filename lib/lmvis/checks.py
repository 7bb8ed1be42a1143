"""Input validation for every public function of lmvis, written once.

Each check returns the value it accepted (converted: a Python ``int``, a ``float``, an
ndarray) and otherwise raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right
kind, wrong value) with a message that names the argument, what was expected and what was
given, e.g. ``n_iter must be an integer >= 1, got 0``.

NumPy scalars are accepted wherever Python numbers are (``np.int64(3)`` is an integer);
``bool`` is never a number here, and strings are never parsed into numbers.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bounds(minimum, maximum, low_open: bool = False, high_open: bool = False) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if low_open else '>='} {minimum}")
    if maximum is not None:
        parts.append(f"{'<' if high_open else '<='} {maximum}")
    return " and ".join(parts)


def integer(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python int, checked against ``minimum <= value <= maximum``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {_show(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer {_bounds(minimum, maximum)}, got {value}")
    return value


def real(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """``value`` as a float: never NaN, finite unless ``finite=False``, within the bounds.

    ``low_open`` / ``high_open`` make a bound strict (``minimum < value``).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {_show(value)}")
    value = float(value)
    if np.isnan(value) or (finite and np.isinf(value)):
        raise ValueError(f"{name} must be a {'finite ' if finite else ''}number, got {value}")
    too_low = minimum is not None and (value <= minimum if low_open else value < minimum)
    too_high = maximum is not None and (value >= maximum if high_open else value > maximum)
    if too_low or too_high:
        raise ValueError(
            f"{name} must be a number {_bounds(minimum, maximum, low_open, high_open)}, got {value}"
        )
    return value


def choice(name: str, value, options: Sequence[str]) -> str:
    """``value`` if it is one of the string ``options``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {list(options)}, got {type(value).__name__}")
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
    return value


def _shape_text(shape) -> str:
    inside = ", ".join("n" if s is None else str(s) for s in shape)
    return f"({inside},)" if len(shape) == 1 else f"({inside})"


def array(
    name: str,
    x,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    kind: str = "float",
    finite: bool = True,
    nonempty: bool = True,
) -> np.ndarray:
    """``x`` as an ndarray of numbers, checked for kind, dimensions, shape, size and finiteness.

    ``kind`` is ``"float"`` (any real numbers; ints and bools are converted to float64, float
    arrays keep their dtype), ``"int"`` (integer dtype only: labels, indices) or ``"bool"``.
    ``shape`` may hold ``None`` for "any length", e.g. ``(None, 2)``.
    """
    kind = choice("kind", kind, ("float", "int", "bool"))
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as e:  # ragged nested lists
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}") from e
    letter = arr.dtype.kind
    if kind == "float":
        if letter not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
        if letter != "f":
            arr = arr.astype(np.float64)
    elif kind == "int" and letter not in "iu":
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    elif kind == "bool" and letter != "b":
        raise TypeError(f"{name} must hold booleans, got dtype {arr.dtype}")
    if shape is not None:
        same = arr.ndim == len(shape) and all(
            s is None or s == d for s, d in zip(shape, arr.shape, strict=True)
        )
        if not same:
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, got {arr.shape}")
    elif ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if finite and letter in "fc" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values, got NaN or inf")
    return arr


def same_length(**arrays) -> int:
    """The common first dimension of the named arrays; raise naming them if they disagree."""
    lengths = {n: len(a) for n, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{', '.join(lengths)} must have the same length, got {lengths}")
    return next(iter(lengths.values()))


def tensor(
    name: str,
    t,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_ndim: int | None = None,
    kind: str = "float",
    finite: bool = False,
):
    """``t`` if it is a torch.Tensor of the right kind (``"float"``, ``"int"`` or ``"bool"``)
    and number of dimensions. ``finite=True`` also rejects NaN and inf (one pass over it)."""
    import torch

    kind = choice("kind", kind, ("float", "int", "bool"))
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    ok = {
        "float": t.is_floating_point(),
        "int": t.dtype in (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8),
        "bool": t.dtype == torch.bool,
    }[kind]
    if not ok:
        want = {"float": "a floating-point", "int": "an integer", "bool": "a torch.bool"}[kind]
        raise TypeError(f"{name} must be {want} tensor, got dtype {t.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if t.dim() not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {tuple(t.shape)}")
    if min_ndim is not None and t.dim() < min_ndim:
        raise ValueError(
            f"{name} must have at least {min_ndim} dimensions, got shape {tuple(t.shape)}"
        )
    if finite and kind == "float" and not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name} must contain only finite values, got NaN or inf")
    return t


def is_callable(name: str, f):
    """``f`` if it can be called."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")
    return f
