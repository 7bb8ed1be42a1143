"""The shared core of the exercises: run a reader's function against lmvis's reference and say
what is wrong with it in a learner's words.

A checker (one per exercise, in the chapter's module) builds a few :class:`Case` inputs (random
ones, edge cases, large ones where a naive formula overflows), names the typical wrong answers
as :class:`Mistake` (a function computing the wrong result, and the hint that explains it), and
calls :func:`check_function`. It prints one short verdict and returns ``True`` (right),
``False`` (wrong) or ``None`` (not attempted yet: the starter body still raises
``NotImplementedError`` or returns ``None``/``...``), and never raises because of the reader's
code, so that a stored notebook runs from top to bottom. :func:`check_answer` does the same for
an answer worked by hand (a number or a vector), with a tolerance.

What a wrong result is compared for, in this order: a known mistake of the exercise; the
shape (and a transposed one); NaN or inf where the reference is finite (overflow: not
numerically stable); the transposed matrix; a flipped sign; a missing constant factor (the
1/n, the 2); otherwise the first element that disagrees. Inputs changed in place, overflow
warnings on large inputs and NumPy's warnings of a division by zero are reported too.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks

__all__ = ["Case", "Mistake", "check_answer", "check_function", "describe_difference"]

NOT_ATTEMPTED = "not attempted yet: replace the body of `{name}` (the `raise NotImplementedError`)"


@dataclass(frozen=True)
class Case:
    """One input to try: the positional arguments, a label the verdict quotes, and whether it
    is a large input on which a naive formula overflows (an overflow warning then fails)."""

    args: tuple
    label: str = "a random input"
    large: bool = False

    def __post_init__(self):
        object.__setattr__(self, "args", checks.sequence("args", self.args))
        checks.text("label", self.label)
        checks.boolean("large", self.large)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: ``wrong(*args)`` computes it, ``hint`` explains it."""

    wrong: Callable[..., Any]
    hint: str

    def __post_init__(self):
        checks.is_callable("wrong", self.wrong)
        checks.text("hint", self.hint)


def _numbers(x: Any) -> np.ndarray | None:
    """``x`` as a float array, or None if it is not numbers (a torch tensor is accepted)."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return a


def _close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


def _where(shape: tuple, flat: int) -> str:
    return f"[{', '.join(str(i) for i in np.unravel_index(flat, shape))}]" if shape else ""


def _factor_words(r: float) -> str | None:
    for k in range(2, 101):
        if abs(r - k) <= 1e-6 * k:
            return (f"{k} times too large: a missing 1/{k} (a mean over {k} examples, 1/n, "
                    f"or a ½?)")
        if abs(r - 1 / k) <= 1e-6 / k:
            return (f"{k} times too small: a missing factor {k} (the 2 of a square's "
                    f"derivative?) or an extra 1/{k}")
    return None


def describe_difference(got: Any, want: ArrayLike, *, rtol: float = 1e-6, atol: float = 1e-9,
                        what: str = "your result") -> str | None:
    """None if ``got`` agrees with ``want``; otherwise what is wrong, in words: the shape, a
    transposed matrix, NaN/inf (overflow), a flipped sign, a constant factor, or the first
    element that disagrees."""
    want = checks.array("want", want, finite=False, nonempty=False)
    rtol = checks.real("rtol", rtol, minimum=0.0)
    atol = checks.real("atol", atol, minimum=0.0)
    what = checks.text("what", what)
    if got is None or got is Ellipsis:
        return f"{what} is None: did the function forget to `return` it?"
    g = _numbers(got)
    if g is None or g.dtype.kind not in "biuf" or g.dtype == object:
        return f"{what} should be numbers (an array), got {type(got).__name__}"
    if g.shape != want.shape:
        if g.ndim == 2 and g.shape == want.shape[::-1]:
            return (f"{what} has shape {g.shape}, expected {want.shape}: transposed? "
                    f"(rows and columns swapped)")
        if g.size == want.size:
            return (f"{what} has shape {g.shape}, expected {want.shape}: the right number of "
                    f"values in the wrong shape (a missing or extra axis? keepdims?)")
        return f"{what} has shape {g.shape}, expected {want.shape}"
    if _close(g, want, rtol, atol):
        return None
    bad_finite = ~np.isfinite(g) & np.isfinite(want)
    if bad_finite.any():
        i = int(np.flatnonzero(bad_finite)[0])
        return (f"{what} holds {g.flat[i]} at {_where(g.shape, i) or 'the result'} where the "
                f"answer is {want.flat[i]:.6g}: an overflow (not numerically stable)")
    if g.ndim == 2 and g.shape[0] == g.shape[1] and _close(g, want.T, rtol, atol):
        return f"{what} is the transpose of the right matrix (rows and columns swapped)"
    if _close(g, -want, rtol, atol):
        return f"{what} has the sign flipped: it is minus the right answer"
    nonzero = np.abs(want) > max(atol, 1e-12)
    if nonzero.any() and np.all(np.abs(g[~nonzero]) <= atol):
        ratios = g[nonzero] / want[nonzero]
        r = float(np.median(ratios))
        if np.allclose(ratios, r, rtol=1e-6) and abs(r) > 1e-12:
            words = _factor_words(r)
            if words:
                return f"{what} is {words}"
            if ratios.size > 1:
                return (f"{what} is off by a constant factor: every element is {r:.4g} times "
                        f"the right one")
    wrong = ~np.isclose(g, want, rtol=rtol, atol=atol)
    i = int(np.flatnonzero(wrong.reshape(-1))[0])
    where = _where(g.shape, i)
    return (f"{what} first disagrees at element {where}: got {g.flat[i]:.6g}, expected "
            f"{want.flat[i]:.6g} ({int(wrong.sum())} of {g.size} elements wrong)"
            if where else f"{what} is {g.flat[i]:.6g}, expected {want.flat[i]:.6g}")


def _matches(got: Any, wrong: Any, rtol: float, atol: float) -> bool:
    """Whether the reader's result equals a known wrong answer (NaN matching NaN)."""
    g, w = _numbers(got), _numbers(wrong)
    if g is None or w is None or g.shape != w.shape or got is None or wrong is None:
        return False
    if not np.isfinite(w).all():  # a wrong form that overflows here says nothing about it
        return False
    return bool(np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=True))


def _as_tuple(x: Any, n: int) -> tuple | None:
    if n == 1:
        return (x,)
    if isinstance(x, tuple | list) and len(x) == n:
        return tuple(x)
    return None


def _args_text(args: tuple) -> str:
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"array of shape {a.shape}" if a.size > 4 else np.array2string(
                a, precision=4))
        elif isinstance(a, list | tuple) and a and all(isinstance(x, np.ndarray) for x in
                                                       np.ravel(np.array(a, dtype=object))):
            parts.append(f"{len(a)} arrays")
        else:
            text = repr(a)
            parts.append(text if len(text) <= 40 else text[:37] + "...")
    return ", ".join(parts)


def _changed(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return before.shape != after.shape or not np.array_equal(before, after, equal_nan=True)
    if isinstance(before, list | tuple):
        return any(_changed(b, a) for b, a in zip(before, after, strict=False))
    return False


def check_function(f: Callable[..., Any], reference: Callable[..., Any], cases: Sequence[Case],
                   *, name: str, mistakes: Sequence[Mistake] = (),
                   outputs: Sequence[str] = ("your result",), against: str = "the reference",
                   rtol: float = 1e-6, atol: float = 1e-9) -> bool | None:
    """Run the reader's ``f`` and ``reference`` on every case; print a verdict.

    ``outputs`` names the results when ``f`` returns several (a tuple); ``against`` says what
    the reference is ("finite differences"). Returns True, False, or None if not attempted.
    """
    f = checks.is_callable("f", f)
    reference = checks.is_callable("reference", reference)
    cases = checks.sequence("cases", cases, min_length=1)
    for i, c in enumerate(cases):
        checks.instance(f"cases[{i}]", c, Case, "an lmvis.exercises.core.Case")
    name = checks.text("name", name)
    mistakes = checks.sequence("mistakes", mistakes)
    for i, m in enumerate(mistakes):
        checks.instance(f"mistakes[{i}]", m, Mistake, "an lmvis.exercises.core.Mistake")
    outputs = tuple(checks.text(f"outputs[{i}]", o) for i, o in
                    enumerate(checks.sequence("outputs", outputs, min_length=1)))
    against = checks.text("against", against)
    rtol = checks.real("rtol", rtol, minimum=0.0)
    atol = checks.real("atol", atol, minimum=0.0)

    def fail(text: str) -> bool:
        print(f"✗ {name}: {text}")
        return False

    for k, case in enumerate(cases):
        mine = copy.deepcopy(case.args)
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
            warnings.simplefilter("always")
            try:
                got = f(*mine)
            except NotImplementedError:
                print(f"… {name}: {NOT_ATTEMPTED.format(name=name)}")
                return None
            except Exception as e:  # noqa: BLE001 - the reader's error, reported as a verdict
                return fail(f"it raised {type(e).__name__}: {e}\n  on {case.label}: "
                            f"{name}({_args_text(case.args)})")
        if k == 0 and (got is None or got is Ellipsis):
            print(f"… {name}: not attempted yet: `{name}` returns {got!r}; write its body "
                  f"(did you forget `return`?)")
            return None
        for j, (before, after) in enumerate(zip(case.args, mine, strict=True)):
            if _changed(before, after):
                return fail(f"it changed its argument number {j + 1} in place (on "
                            f"{case.label}). Hint: work on a copy (`x = x.copy()`) or build "
                            f"a new array (`x = x - ...` instead of `x -= ...`).")
        with np.errstate(all="ignore"):
            want = _as_tuple(reference(*copy.deepcopy(case.args)), len(outputs))
        gots = _as_tuple(got, len(outputs))
        if gots is None:
            return fail(f"it should return {len(outputs)} results ({', '.join(outputs)}), "
                        f"got {type(got).__name__} on {case.label}")
        problems = [(o, describe_difference(g, w, rtol=rtol, atol=atol, what=o))
                    for o, g, w in zip(outputs, gots, want, strict=True)]
        problems = [(o, p) for o, p in problems if p]
        overflow = [w for w in caught if "overflow" in str(w.message)
                    or "invalid value" in str(w.message)]
        if not problems and case.large and overflow:
            return fail(f"right values, but on {case.label} NumPy warned "
                        f"\"{overflow[0].message}\": not numerically stable. Hint: rewrite "
                        f"the formula so that no exp() gets a large positive argument.")
        if not problems:
            continue
        for m in mistakes:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    wrong = _as_tuple(m.wrong(*copy.deepcopy(case.args)), len(outputs))
                except Exception:  # noqa: BLE001 - a wrong form undefined on this input
                    continue
            if wrong is not None and all(_matches(g, w, rtol, atol)
                                         for g, w in zip(gots, wrong, strict=True)):
                return fail(f"on {case.label}, {problems[0][1]}.\n  Hint: {m.hint}")
        text = problems[0][1]
        divided = [w for w in caught if "divide" in str(w.message)]
        hint = ""
        if divided and not case.large:  # NaN or inf from x/0, not from an overflow
            text = text.replace("an overflow (not numerically stable)",
                                f"a division by zero (NumPy warned \"{divided[0].message}\")")
            hint = "\n  Hint: guard the denominator that is 0 on this input."
        if case.large and ("overflow" in text or overflow):
            text += (".\n  Hint: on large inputs a formula like exp(x) overflows; rewrite it so "
                     "that no exp() gets a large positive argument")
        return fail(f"on {case.label} ({name}({_args_text(case.args)})), {text} "
                    f"(compared with {against}).{hint}")
    print(f"✓ {name}: agrees with {against} on all {len(cases)} inputs "
          f"({', '.join(dict.fromkeys(c.label for c in cases))}).")
    return True


def check_answer(answer: Any, expected: ArrayLike, *, name: str, hint: str,
                 tol: float = 1e-3, mistakes: Sequence[tuple[ArrayLike, str]] = ()) -> bool | None:
    """Check an answer worked by hand (a number or a vector) to a relative tolerance ``tol``.

    ``mistakes`` pairs the values of typical wrong answers with what they mean; ``hint`` is
    shown for any other wrong answer. ``None`` or ``...`` means not attempted yet.
    """
    name = checks.text("name", name)
    hint = checks.text("hint", hint)
    tol = checks.real("tol", tol, minimum=0.0)
    expected = checks.array("expected", expected)
    mistakes = checks.sequence("mistakes", mistakes)
    pairs = []
    for i, m in enumerate(mistakes):
        value, text = checks.sequence(f"mistakes[{i}]", m, length=2)
        pairs.append((checks.array(f"mistakes[{i}][0]", value), checks.text(
            f"mistakes[{i}][1]", text)))
    if answer is None or answer is Ellipsis:
        print(f"… {name}: not attempted yet: replace the `...` with your answer")
        return None
    if isinstance(answer, bool | np.bool_) or getattr(answer, "dtype", np.dtype(float)).kind == "b":
        raise TypeError(f"answer must be a number or numbers, got {answer!r}")
    answer = checks.array("answer", answer)  # refuses strings, NaN, ragged lists
    if answer.shape != expected.shape:
        print(f"✗ {name}: give {expected.size} number(s), shape {expected.shape}; got shape "
              f"{answer.shape}")
        return False
    scale = np.maximum(np.abs(expected), 1e-12)
    if np.all(np.abs(answer - expected) <= tol * scale):
        whole = np.all(answer == np.round(answer)) and np.abs(answer).max() < 1e15
        shown = (f"{float(answer):.6g}" if answer.ndim == 0 else
                 np.array2string(answer.astype(np.int64) if whole else answer, precision=6))
        print(f"✓ {name}: {shown} is right")
        return True
    for value, text in pairs:
        if value.shape == answer.shape and np.all(
                np.abs(answer - value) <= tol * np.maximum(np.abs(value), 1e-12)):
            print(f"✗ {name}: not quite. {text}")
            return False
    print(f"✗ {name}: not quite (outside a relative tolerance of {tol:g}). Hint: {hint}")
    return False
