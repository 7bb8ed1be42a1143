"""The kinds of argument the sweep (tests/test_sweep.py) knows, and the bad values of each.

A kind describes what an argument must be (an integer >= 1, a finite float array of a fixed
shape, one of some names, ...). From the valid value of the argument in a call it derives the
bad ones: wrong types, strings, NaN and inf, empty arrays, wrong shapes, zero and negative sizes,
unknown names. Each bad value is a hypothesis strategy (where the NaN sits, how far below the
bound the number is, which unknown name) plus what must happen: ``"raise"`` (ValueError or
TypeError naming the argument) or ``"ok"`` (the call succeeds and matches a reference).
Each kind also gives equal values of another type that must be accepted with the same result
(``np.int64(3)`` for ``3``): the "good" cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st


@dataclass(frozen=True)
class Case:
    label: str  # e.g. "nan", "below minimum"
    value: st.SearchStrategy
    expect: str = "raise"  # or "ok"


def _just(v):
    return st.just(v)


class Kind:
    optional = False

    def bad(self, valid) -> list[Case]:
        raise NotImplementedError

    def good(self, valid) -> list[tuple[str, object]]:
        return []

    def _none(self) -> list[Case]:
        return [Case("None", _just(None), "ok" if self.optional else "raise")]


class Int(Kind):
    """An integer within [lo, hi] (either may be None)."""

    def __init__(self, lo=None, hi=None, optional=False):
        self.lo, self.hi, self.optional = lo, hi, optional

    def bad(self, valid):
        v = 3 if valid is None else int(valid)
        cases = [Case("float", _just(v + 0.5)), Case("integral float", _just(float(v))),
                 Case("str", _just(str(v))), Case("bool", _just(True)),
                 Case("list", _just([v])), *self._none()]
        if self.lo is not None:
            cases.append(Case("below minimum", st.integers(self.lo - 10**6, self.lo - 1)))
        if self.hi is not None:
            cases.append(Case("above maximum", st.integers(self.hi + 1, self.hi + 10**6)))
        return cases

    def good(self, valid):
        return [] if valid is None else [("numpy int64", np.int64(valid))]


class Real(Kind):
    """A real number within the bounds; NaN never, ±inf only with ``finite=False``."""

    def __init__(self, lo=None, hi=None, low_open=False, high_open=False, finite=True,
                 optional=False, inf="raise"):
        self.lo, self.hi, self.low_open, self.high_open = lo, hi, low_open, high_open
        self.finite, self.optional, self.inf = finite, optional, inf

    def bad(self, valid):
        v = 0.5 if valid is None else float(valid)
        cases = [Case("str", _just(str(v))), Case("bool", _just(True)),
                 Case("complex", _just(complex(v, 1.0))), Case("list", _just([v])),
                 Case("nan", _just(math.nan)), *self._none()]
        if self.finite:
            cases.append(Case("inf", st.sampled_from([math.inf, -math.inf])))
        elif self.inf != "skip":
            cases.append(Case("inf", st.sampled_from([math.inf, -math.inf]), self.inf))
        if self.lo is not None:
            cases.append(Case("below minimum", st.floats(
                self.lo - 1e6, self.lo, exclude_max=not self.low_open, allow_nan=False)))
        if self.hi is not None:
            cases.append(Case("above maximum", st.floats(
                self.hi, self.hi + 1e6, exclude_min=not self.high_open, allow_nan=False)))
        return cases

    def good(self, valid):
        if valid is None:
            return []
        return [("numpy float64", np.float64(valid))]


class Choice(Kind):
    """One of some names."""

    def __init__(self, options, optional=False):
        self.options, self.optional = list(options), optional

    def bad(self, valid):
        unknown = st.text(min_size=1, max_size=12).filter(lambda s: s not in self.options)
        return [Case("unknown name", unknown), Case("int", _just(3)),
                Case("list", _just(list(self.options[:1]))), *self._none()]

    def good(self, valid):
        return [("numpy str", np.str_(valid))]


class Flag(Kind):
    """True or False."""

    def bad(self, valid):
        return [Case("int 1", _just(1)), Case("str", _just("yes")), Case("None", _just(None))]

    def good(self, valid):
        return [("numpy bool", np.bool_(valid))]


class Text(Kind):
    """A str (``bad`` adds values of the right type that are refused, e.g. a malformed hash)."""

    def __init__(self, optional=False, bad=()):
        self.optional, self.extra = optional, list(bad)

    def bad(self, valid):
        return [Case("int", _just(3)), Case("bytes", _just(b"x")), Case("list", _just(["a"])),
                *self._none(), *(Case(f"bad str {v!r}", _just(v)) for v in self.extra)]


class Func(Kind):
    """A callable."""

    def __init__(self, optional=False):
        self.optional = optional

    def bad(self, valid):
        return [Case("int", _just(3)), Case("str", _just("f")), *self._none()]


class Obj(Kind):
    """An object of one type (e.g. a Landscape); ``others`` are wrong objects to try too,
    a list or a dict {label: object}."""

    def __init__(self, optional=False, others=()):
        self.optional = optional
        self.others = (dict(others) if isinstance(others, dict)
                       else {f"a {type(o).__name__} #{i}": o for i, o in enumerate(others)})

    def bad(self, valid):
        return [Case("int", _just(3)), Case("str", _just("x")), Case("object", _just(object())),
                *self._none(), *(Case(label, _just(o)) for label, o in self.others.items())]


class Device(Kind):
    optional = True

    def bad(self, valid):
        return [Case("unknown device", st.sampled_from(["gpu0", "cuda:x", "tpu"])),
                Case("int", _just(3)), Case("list", _just(["cpu"]))]

    def good(self, valid):
        return [("torch.device", torch.device("cpu"))]


class Ints(Kind):
    """A sequence of integers >= lo, with at least ``min_length`` (or exactly ``length``)."""

    def __init__(self, lo=None, min_length=0, length=None):
        self.lo, self.min_length, self.length = lo, min_length, length

    def bad(self, valid):
        v = list(valid)
        cases = [Case("str", _just("".join(str(x) for x in v) or "1")), Case("int", _just(3)),
                 Case("None", _just(None))]
        if v:
            cases += [Case("str item", _just([str(v[0]), *v[1:]])),
                      Case("float item", _just([v[0] + 0.5, *v[1:]])),
                      Case("bool item", _just([True, *v[1:]]))]
            if self.lo is not None:
                cases.append(Case("item below minimum", st.integers(self.lo - 100, self.lo - 1)
                                  .map(lambda x: [x, *v[1:]])))
        if self.min_length and len(v) >= self.min_length:
            cases.append(Case("too short", _just(v[: self.min_length - 1])))
        if self.length is not None:
            cases.append(Case("too long", _just([*v, v[0]])))
        return cases

    def good(self, valid):
        return [("tuple of numpy ints", tuple(np.int64(x) for x in valid))]


def _put(a, index, value, keep=False):
    """A copy of ``a`` with one element set (as floats, unless ``keep`` its dtype)."""
    a = np.array(a, dtype=a.dtype if keep or a.dtype.kind == "f" else np.float64)
    a.flat[index] = value
    return a


class Arr(Kind):
    """A NumPy array (lists accepted) of floats or of integers (``ints=True``).

    Flags say which unusual values the function accepts (``inf``, ``empty``, any ``shape``)
    and which relations make others bad: ``rows`` (its length must match another argument),
    ``cols`` (its width is fixed), ``lo``/``hi`` (bounds on the elements).
    """

    def __init__(self, *, ints=False, inf="raise", empty="raise", shape="raise", rows=False,
                 cols=False, lo=None, hi=None, optional=False, nan="raise", lists=True,
                 fewer=None):
        self.ints, self.inf, self.empty, self.shape, self.nan = ints, inf, empty, shape, nan
        self.fewer = shape if fewer is None else fewer  # what one dimension fewer should do
        self.rows, self.cols, self.lo, self.hi, self.optional = rows, cols, lo, hi, optional
        self.lists = lists  # False where the array itself is needed (it is updated in place)

    def bad(self, valid):
        v = np.asarray(valid)
        idx = st.integers(0, max(v.size - 1, 0))
        cases = [Case("strings", _just(v.astype(str))), Case("complex", _just(v + 1j)),
                 Case("ragged list", _just([[1.0], [1.0, 2.0]])), Case("str", _just("abc")),
                 Case("dict", _just({"a": 1})), *self._none()]
        if self.ints:
            cases.append(Case("float dtype", _just(v + 0.5)))
            if self.lo is not None:
                cases.append(Case("below minimum", st.tuples(idx, st.integers(1, 100)).map(
                    lambda t: _put(v, t[0], self.lo - t[1], keep=True))))
            if self.hi is not None:
                cases.append(Case("above maximum", st.tuples(idx, st.integers(1, 100)).map(
                    lambda t: _put(v, t[0], self.hi + t[1], keep=True))))
        elif v.size:
            cases.append(Case("nan", idx.map(lambda i: _put(v, i, np.nan)), self.nan))
            if self.inf != "skip":
                cases.append(Case("inf", st.tuples(idx, st.sampled_from([np.inf, -np.inf]))
                                  .map(lambda t: _put(v, *t)), self.inf))
            if self.lo is not None:
                cases.append(Case("below minimum", st.tuples(idx, st.floats(0.5, 100)).map(
                    lambda t: _put(v, t[0], self.lo - t[1]))))
            if self.hi is not None:
                cases.append(Case("above maximum", st.tuples(idx, st.floats(0.5, 100)).map(
                    lambda t: _put(v, t[0], self.hi + t[1]))))
        if v.ndim >= 1:
            cases.append(Case("empty", _just(v[:0]), self.empty))
        if self.shape != "skip":
            cases.append(Case("extra dimension", _just(v[None]), self.shape))
        if v.ndim >= 1 and self.shape != "skip":
            fewer = v.reshape(-1)[0] if v.ndim == 1 else v.reshape(*v.shape[:-2], -1)
            cases.append(Case("fewer dimensions", _just(fewer), self.fewer))
        if self.rows and v.ndim >= 1 and len(v) > 1:
            cases.append(Case("one row fewer", _just(v[:-1])))
        if self.cols and v.ndim >= 2:
            cases.append(Case("one column more", _just(np.concatenate([v, v[..., :1]], -1))))
        return cases

    def good(self, valid):
        return [("nested list", np.asarray(valid).tolist())] if self.lists else []


class Ten(Kind):
    """A torch tensor of floats, integers (``ints``) or booleans (``bools``)."""

    def __init__(self, *, ints=False, bools=False, shape="raise", cols=False, lo=None, hi=None,
                 optional=False):
        self.ints, self.bools, self.shape, self.cols = ints, bools, shape, cols
        self.lo, self.hi, self.optional = lo, hi, optional

    def bad(self, valid):
        v = valid
        idx = st.integers(0, max(v.numel() - 1, 0))
        cases = [Case("ndarray", _just(v.numpy())), Case("list", _just(v.tolist())),
                 Case("str", _just("abc")), *self._none()]
        if self.bools:
            cases.append(Case("float mask", _just(v.double())))
        elif self.ints:
            cases.append(Case("float dtype", _just(v.double())))
            if self.lo is not None:
                cases.append(Case("below minimum", idx.map(lambda i: _t_put(v, i, self.lo - 1))))
            if self.hi is not None:
                cases.append(Case("above maximum", idx.map(lambda i: _t_put(v, i, self.hi + 1))))
        else:
            cases += [Case("nan", idx.map(lambda i: _t_put(v, i, math.nan))),
                      Case("inf", idx.map(lambda i: _t_put(v, i, math.inf))),
                      Case("int dtype", _just(v.long()))]
        cases.append(Case("extra dimension", _just(v[None]), self.shape))
        cases.append(Case("fewer dimensions", _just(v[0]), self.shape))
        if self.cols:
            cases.append(Case("last dimension + 1", _just(torch.cat([v, v[..., :1]], -1))))
        return cases


def _t_put(t, index, value):
    t = t.clone()
    t.view(-1)[index] = value
    return t
