"""Input validation for every public function of lmvis, written once.

Each check returns the value it accepted (converted: a Python ``int``, a ``float``, an
ndarray, a tuple) and otherwise raises ``TypeError`` (wrong kind of thing) or ``ValueError``
(right kind, wrong value) with a message that names the argument, what was expected and what
was given, e.g. ``n_iter must be an integer >= 1, got 0``.

NumPy scalars, and 0-d arrays and tensors, are accepted wherever Python numbers are
(``np.int64(3)`` and ``torch.tensor(3)`` are integers); ``bool`` is never a number here,
strings are never parsed into numbers, and a lone string is never taken for a sequence of
characters. NaN is never accepted as a number.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

__all__ = [
    "array", "boolean", "choice", "dtype", "instance", "integer", "integers", "is_callable",
    "device", "labelled_part", "real", "same_length", "same_shape", "sequence", "tensor", "text",
    "token_ids",
]


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


def _outside(value, minimum, maximum, low_open: bool = False, high_open: bool = False) -> bool:
    too_low = minimum is not None and (value <= minimum if low_open else value < minimum)
    too_high = maximum is not None and (value >= maximum if high_open else value > maximum)
    return bool(too_low or too_high)


def _scalar(value: Any) -> Any:
    """The number inside a 0-d NumPy array or torch tensor (e.g. ``tensor.abs().max()``)."""
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return value.item()
    return value


def integer(name: str, value: Any, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """``value`` as a Python int, checked against ``minimum <= value <= maximum``."""
    value = _scalar(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {_show(value)}")
    value = int(value)
    if _outside(value, minimum, maximum):
        raise ValueError(f"{name} must be an integer {_bounds(minimum, maximum)}, got {value}")
    return value


def real(
    name: str,
    value: Any,
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
    value = _scalar(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {_show(value)}")
    value = float(value)
    if np.isnan(value) or (finite and np.isinf(value)):
        raise ValueError(f"{name} must be a {'finite ' if finite else ''}number, got {value}")
    if _outside(value, minimum, maximum, low_open, high_open):
        raise ValueError(
            f"{name} must be a number {_bounds(minimum, maximum, low_open, high_open)}, got {value}"
        )
    return value


def boolean(name: str, value: Any) -> bool:
    """``value`` as a bool; ``True``/``False`` (or NumPy's), never 0, 1 or a string."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} "
                        f"{_show(value)}")
    return bool(value)


def text(name: str, value: Any, *, pattern: str | None = None) -> str:
    """``value`` if it is a str (matching the regular expression ``pattern`` in full)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__} {_show(value)}")
    if pattern is not None and re.fullmatch(pattern, value) is None:
        raise ValueError(f"{name} must be a str matching {pattern}, got {_show(value)}")
    return value


def choice(name: str, value: Any, options: Iterable[str]) -> str:
    """``value`` if it is one of the string ``options``."""
    options = list(options)
    if isinstance(value, str) and value in options:
        return value  # the common case, on hot paths: no message is built

    listed = (str(options) if len(options) <= 12
              else f"{str(options[:12])[:-1]}, ... ({len(options)} in all)]")
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, one of {listed}, got {type(value).__name__} "
                        f"{_show(value)}")
    raise ValueError(f"{name} must be one of {listed}, got {value!r}")


def instance(name: str, value: Any, types: type | tuple[type, ...], what: str | None = None
             ) -> Any:
    """``value`` if it is an instance of ``types``; ``what`` describes them in the message."""
    if not isinstance(value, types):
        if what is None:
            classes = types if isinstance(types, tuple) else (types,)
            what = "an instance of " + " or ".join(
                f"{c.__module__}.{c.__qualname__}".removeprefix("builtins.") for c in classes)
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return value


def is_callable(name: str, f: Any) -> Callable:
    """``f`` if it can be called."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__} {_show(f)}")
    return f


def sequence(name: str, value: Any, *, length: int | None = None,
             min_length: int = 0) -> tuple:
    """``value`` as a tuple: a list, tuple or other iterable, never a lone str or bytes."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a sequence (a list or tuple), got "
                        f"{type(value).__name__} {_show(value)}")
    items = tuple(value)
    if length is not None and len(items) != length:
        raise ValueError(f"{name} must hold {length} items, got {len(items)}: {_show(value)}")
    if len(items) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} items, got {len(items)}: "
                         f"{_show(value)}")
    return items


def integers(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None,
             min_length: int = 0, length: int | None = None) -> tuple[int, ...]:
    """A sequence of integers (each checked like :func:`integer`, named ``name[i]``) as a tuple."""
    items = sequence(name, value, length=length, min_length=min_length)
    return tuple(integer(f"{name}[{i}]", v, minimum=minimum, maximum=maximum)
                 for i, v in enumerate(items))


def dtype(name: str, value: Any, options: Sequence[Any]) -> np.dtype:
    """``value`` as a NumPy dtype if it is one of ``options`` (e.g. float32, float64)."""
    allowed = [np.dtype(o) for o in options]
    try:  # np.dtype(None) would mean float64: a missing value is not a dtype here
        got = None if value is None or isinstance(value, bool) else np.dtype(value)
    except TypeError:
        got = None
    if got is None:
        raise TypeError(f"{name} must be a dtype, one of {[str(a) for a in allowed]}, got "
                        f"{type(value).__name__} {_show(value)}")
    if got not in allowed:
        raise ValueError(f"{name} must be one of {[str(a) for a in allowed]}, got {got}")
    return got


def _shape_text(shape) -> str:
    inside = ", ".join("n" if s is None else str(s) for s in shape)
    return f"({inside},)" if len(shape) == 1 else f"({inside})"


def _dimensions(name: str, got: tuple[int, ...], ndim, min_ndim, shape) -> None:
    """The shape checks that arrays and tensors share (``shape`` wins over ``ndim``)."""
    if shape is not None:
        if len(got) != len(shape) or any(s is not None and s != d
                                         for s, d in zip(shape, got, strict=True)):
            raise ValueError(f"{name} must have shape {_shape_text(shape)}, got {got}")
    elif ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if len(got) not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {got}")
    if min_ndim is not None and len(got) < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {got}")


_KIND_LETTERS = {"float": "biuf", "numeric": "biuf", "floating": "f", "int": "iu", "bool": "b"}
_KIND_WORDS = {"float": "real numbers", "numeric": "real numbers",
               "floating": "floating-point numbers", "int": "integers", "bool": "booleans"}


def array(
    name: str,
    x: Any,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_ndim: int | None = None,
    shape: tuple[int | None, ...] | None = None,
    kind: str = "float",
    dtype: Any = None,
    finite: bool = True,
    nonempty: bool = True,
    minimum: float | None = None,
    maximum: float | None = None,
    low_open: bool = False,
) -> np.ndarray:
    """``x`` as an ndarray of numbers, checked for kind, dimensions, shape, size, values.

    ``kind`` is ``"float"`` (any real numbers; ints and bools are converted to float64, float
    arrays keep their dtype), ``"numeric"`` (real numbers, dtype kept: data that may be float
    features or integer labels), ``"floating"`` (a float dtype only, never converted: arrays
    updated in place), ``"int"`` (integer dtype only: labels, indices) or ``"bool"``.
    ``dtype`` demands exactly that dtype (no conversion: for arrays updated in place).
    ``shape`` may hold ``None`` for "any length", e.g. ``(None, 2)``. NaN is always refused;
    ``finite=False`` lets ±inf through. ``minimum``/``maximum`` bound every element
    (``low_open`` makes the lower bound strict).
    """
    kind = choice("kind", kind, _KIND_LETTERS)
    if x is None or isinstance(x, str | bytes | dict | set):
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__} {_show(x)}")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError, RuntimeError) as e:  # ragged lists, tensors needing grad
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}") from e
    letter = arr.dtype.kind
    if letter not in _KIND_LETTERS[kind]:
        raise TypeError(f"{name} must hold {_KIND_WORDS[kind]}, got dtype {arr.dtype}")
    if dtype is not None and arr.dtype != np.dtype(dtype):
        raise TypeError(f"{name} must have dtype {np.dtype(dtype)}, got dtype {arr.dtype}")
    if kind == "float" and letter != "f":
        arr = arr.astype(np.float64)
    _dimensions(name, arr.shape, ndim, min_ndim, shape)
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if arr.dtype.kind == "f" and not (np.isfinite(arr).all() if finite
                                      else not np.isnan(arr).any()):  # one pass when all is well
        n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
        want = "only finite values" if finite else "no NaN"
        raise ValueError(f"{name} must contain {want}, got {n_nan} NaN and {n_inf} infinite "
                         f"value(s)")
    if (minimum is not None or maximum is not None) and arr.size:
        lo, hi = arr.min(), arr.max()
        if _outside(lo, minimum, None, low_open) or _outside(hi, None, maximum):
            raise ValueError(f"{name} must hold values {_bounds(minimum, maximum, low_open)}, "
                             f"got values in [{lo}, {hi}]")
    return arr


def labelled_part(part: str, X: Any, y: Any, *, n_features: int, n_classes: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """One labelled part of a data split (``part`` is e.g. "train"): ``X`` as the array
    ``X_<part>`` (n, n_features) and ``y`` as ``y_<part>``, n class indices in [0, n_classes)."""
    X = array(f"X_{part}", X, shape=(None, n_features))
    y = array(f"y_{part} (class indices)", y, shape=(len(X),), kind="int", minimum=0,
              maximum=n_classes - 1)
    return X, y


def same_length(**arrays: Any) -> int:
    """The common first dimension of the named arrays; raise naming them if they disagree."""
    for n, a in arrays.items():
        if isinstance(a, str | bytes) or not hasattr(a, "__len__"):
            raise TypeError(f"{n} must be an array or a sequence, got {type(a).__name__} "
                            f"{_show(a)}")
    lengths = {n: len(a) for n, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{', '.join(lengths)} must have the same length, got {lengths}")
    return next(iter(lengths.values()))


def same_shape(**arrays: Any) -> tuple[int, ...]:
    """The common shape of the named arrays; raise naming them if they disagree."""
    shapes = {n: tuple(np.shape(a)) for n, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        raise ValueError(f"{' and '.join(shapes)} must have the same shape, got "
                         + ", ".join(f"{n} {s}" for n, s in shapes.items()))
    return next(iter(shapes.values()))


def tensor(name: str, t: Any, *, ndim: int | tuple[int, ...] | None = None,
           min_ndim: int | None = None, shape: tuple[int | None, ...] | None = None,
           kind: str = "float", finite: bool = False) -> torch.Tensor:
    """``t`` if it is a torch.Tensor of the right kind (``"float"``, ``"int"`` or ``"bool"``),
    number of dimensions and shape (``None`` = any length). ``finite=True`` also rejects NaN
    and inf (one pass over it)."""
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
    _dimensions(name, tuple(t.shape), ndim, min_ndim, shape)
    if finite and kind == "float" and not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name} must contain only finite values, got NaN or inf")
    return t


def token_ids(name: str, ids: Any, vocab_size: int, *, ndim: int | None = None,
              nonempty: bool = False, ignore: int | None = None) -> torch.Tensor:
    """``ids`` if it is an integer tensor (of ``ndim`` dimensions) of token ids in
    [0, vocab_size), at least one if ``nonempty``; ``ignore`` (e.g. -100, a target that a loss
    skips) is let through too."""
    tensor(name, ids, ndim=ndim, kind="int")
    if nonempty and ids.numel() == 0:
        raise ValueError(f"{name} must hold at least one token id, got shape {tuple(ids.shape)}")
    kept = ids if ignore is None else ids[ids != ignore]
    if kept.numel() and (int(kept.min()) < 0 or int(kept.max()) >= vocab_size):
        also = "" if ignore is None else f" or {ignore} (ignored)"
        raise ValueError(f"{name} must hold token ids in [0, {vocab_size}){also}, got "
                         f"[{int(ids.min())}, {int(ids.max())}]")
    return ids


def device(name: str, value: Any) -> torch.device | None:
    """``value`` as a ``torch.device`` (from ``"cpu"``, ``"cuda"``, ``"cuda:1"``, a device), or
    ``None`` if it is None (the caller's default)."""
    import torch

    if value is None:
        return None
    if not isinstance(value, str | torch.device):
        raise TypeError(f"{name} must be a torch.device or a str such as 'cpu' or 'cuda', got "
                        f"{type(value).__name__} {_show(value)}")
    try:
        return torch.device(value)
    except RuntimeError as e:
        raise ValueError(f"{name} must name a device such as 'cpu' or 'cuda', got "
                         f"{_show(value)}") from e
