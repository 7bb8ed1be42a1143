"""The exercises' checkers (lmvis.exercises): each accepts the reference answer, rejects the
typical mistakes it names with the hint that names them, and says "not attempted" (raising
nothing) for a starter body that still raises NotImplementedError. A chapter's checker prints
its verdict and returns None (a check cell then shows no ``Out``); the core functions it calls
return True, False or None."""

import numpy as np
import pytest
from lmvis import activations as act
from lmvis import losses
from lmvis.exercises import ch01, ch02, ch03, ch04, ch05, ch08, core


def _nie(*args):
    raise NotImplementedError


def _inplace_momentum(theta, buf, grad, lr, mu):
    buf *= mu
    buf += grad
    theta -= lr * buf
    return theta, buf


def _naive_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _bce_unstable(z, y):
    return (1.0 / (1.0 + np.exp(-z)) - y) / z.size


def _nudging_in_place(f, x, eps):
    out = np.empty_like(x)
    for i in range(x.size):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        out[i] = (up - f(x)) / (2 * eps)
    return out


def _adam_no_correction(theta, m, v, g, t):
    m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2
    return theta - 0.001 * m / (np.sqrt(v) + 1e-8), m, v


def _attention_naive(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores)
    weights = weights / weights.sum(-1, keepdims=True)
    return weights @ v, weights


def _attention_scaling_q_in_place(q, k, v, mask=None):
    q /= np.sqrt(q.shape[-1])
    return ch08._formula(q, k, v, mask, scale=1.0)


def _pe_even_widths_only(n, d):
    angle = np.arange(n)[:, None] / 10000 ** (np.arange(0, d, 2) / d)
    pe = np.zeros((n, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)
    return pe


#: checker -> (the right answer, [(a wrong answer, words its verdict must contain), ...])
CASES = {
    "ch01.check_growth_factor": (ch01.GPT3_PARAMS / ch01.GPT_PARAMS, [
        (175e9 / 150e6, "150 million"), (ch01.GPT_PARAMS / ch01.GPT3_PARAMS, "upside down")]),
    "ch01.check_assign_to_nearest": (ch01._nearest, [
        (lambda X, c: ((X[:, None] - c[None]) ** 2).sum(2).argmax(1), "farthest"),
        (lambda X, c: ((X[:, None] - c[None]) ** 2).sum(2), "expected (12,)")]),
    "ch01.check_update_estimate": (ch01._update, [
        (lambda q, n, r: q - (r - q) / n, "sign is flipped"),
        (lambda q, n, r: r, "just the last reward"),
        (lambda q, n, r: q + (r - q) / (n + 1), "including this one")]),
    "ch01.check_bigram_counts": (ch01._bigrams, [
        (lambda ids, v: ch01._bigrams(ids, v).T, "transpose"),
        (lambda ids, v: ch01._bigrams(ids, v)[:-1], "shape")]),
    "ch02.check_sigmoid_slope_at_zero": (0.25, [(0.5, "σ(0), the value"), (1.0, "identity")]),
    "ch02.check_stable_sigmoid": (act.sigmoid, [
        (_naive_sigmoid, "not numerically stable"),
        (lambda z: np.exp(z) / (1 + np.exp(z)), "holds nan"),
        (lambda z: act.sigmoid(-z), "flipped"),
        (lambda z: act.sigmoid(z).ravel(), "shape")]),
    "ch02.check_elu_prime": (lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))), [
        (lambda z: np.where(z > 0, 1.0, np.exp(z)), "not numerically stable"),
        (lambda z: (z > 0).astype(float), "ReLU′"),
        (lambda z: np.where(z > 0, z, np.expm1(z)), "ELU itself")]),
    "ch02.check_count_params": (ch02._count, [
        (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:], strict=True)), "bias"),
        (lambda s: sum(s), "counts units")]),
    "ch03.check_logits_shape": ((32, 10), [([32, 128], "hidden layer"),
                                           ([10, 32], "rows stay examples")]),
    "ch03.check_dense_relu": (ch03._layer, [
        (lambda X, W, b: act.relu(X @ W.T + b), "Wᵀ"),
        (lambda X, W, b: act.relu(X @ W) + b, "before the activation"),
        (lambda X, W, b: X @ W + b, "activation is missing")]),
    "ch03.check_mlp_forward": (ch03._mlp, [
        (lambda X, ps: act.relu(ch03._mlp(X, ps)), "output layer is linear"),
        (lambda X, ps: ch03._mlp(X, [(W, 0 * b) for W, b in ps]), "biases are missing")]),
    "ch03.check_softmax": (losses.softmax, [
        (lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True), "axis=1"),
        (lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "not numerically stable"),
        (lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1), "shape")]),
    "ch04.check_house_gradients": (ch04.house_gradients(), [
        (-ch04.house_gradients(), "signs are flipped"), ([79.6, 15.92, 79.6], "document 001")]),
    "ch04.check_bce_grad": (ch04._bce_grad, [
        (lambda z, y: act.sigmoid(z) - y, "1/n"),
        (lambda z, y: (y - act.sigmoid(z)) / z.size, "sign is flipped"),
        (_bce_unstable, "not numerically stable"),
        (lambda z, y: 2 * (act.sigmoid(z) - y) * act.sigmoid(z) * (1 - act.sigmoid(z)) / z.size,
         "squared error")]),
    "ch04.check_mlp_backward": (lambda *a: ch04._analytic(*a), [
        (lambda *a: ch04._analytic(*a, tanh_prime=False), "tanh′(z1)"),
        (lambda *a: ch04._analytic(*a, mean=False), "mean over the n rows"),
        (lambda *a: ch04._analytic(*a, two=False), "brings a 2"),
        (lambda *a: ch04._analytic(*a)[::-1], "dW1 has shape")]),
    "ch04.check_central_differences": (ch04._central, [
        (lambda f, x, e: 2 * ch04._central(f, x, e), "2ε"),
        (_nudging_in_place, "in place")]),
    "ch05.check_threshold": (0.05, [(0.025, "twice that"), (2.0, "flat direction")]),
    "ch05.check_momentum_step": (ch05._momentum, [
        (lambda t, b, g, lr, mu: (t - lr * (mu * b + (1 - mu) * g), mu * b + (1 - mu) * g),
         "averaged form"),
        (lambda t, b, g, lr, mu: (t + lr * (mu * b + g), mu * b + g), "against"),
        (_inplace_momentum, "in place")]),
    "ch05.check_adam_step": (ch05._adam, [
        (_adam_no_correction, "bias corrections"),
        (lambda th, m, v, g, t: ch05._adam(th, m, v, g, t)[:2], "3 results")]),
    "ch08.check_one_query": (ch08.one_query_output(), [
        (9.8561, "raw scores"), (3.9242, "document 002's formula"), (8.808, "first term")]),
    "ch08.check_block_parameters": (ch08.block_parameters(), [
        (ch08.block_parameters() + 4 * (32 * 32 + 32), "does not depend on the number of heads"),
        (ch08.block_parameters() - 4 * 32 - 64 - 32, "bias"),
        (ch08.block_parameters() - 4 * 32, "layer norms")]),
    "ch08.check_attention": (ch08._attention, [
        (lambda *a: ch08._formula(*a, scale=1.0), "√d_k"),
        (lambda q, *a: ch08._formula(q, *a, scale=q.shape[-1]), "not by d_k"),
        (lambda *a: ch08._formula(*a, axis=-2), "axis=-1"),
        (lambda *a: ch08._formula(*a, blocked=True), "may attend"),
        (lambda *a: ch08._formula(*a, after=True), "before the softmax"),
        (_attention_naive, "not numerically stable"),
        (_attention_scaling_q_in_place, "in place")]),
    "ch08.check_split_heads": (ch08._split, [
        (lambda x, h: x.reshape(x.shape[0], h, x.shape[1], -1), "mixes positions"),
        (lambda x, h: x.reshape(*x.shape[:2], -1, h).transpose(0, 3, 1, 2), "every h-th"),
        (lambda x, h: x.reshape(*x.shape[:2], h, -1), "wrong shape")]),
    "ch08.check_positional_encoding": (ch08._pe, [
        (lambda n, d: ch08._pe_variant(n, d, exponent=lambda j: j), "share one frequency"),
        (lambda n, d: ch08._pe_variant(n, d, swap=True), "swapped"),
        (lambda n, d: ch08._pe_variant(n, d, halves=True), "interleave"),
        (lambda n, d: ch08._pe(n, d).T, "transposed"),
        (_pe_even_widths_only, "an odd width")]),
}

MODULES = {"ch01": ch01, "ch02": ch02, "ch03": ch03, "ch04": ch04, "ch05": ch05,
           "ch08": ch08}


def _checker(qualname):
    module, name = qualname.split(".")
    return getattr(MODULES[module], name)


def test_every_checker_is_tested():
    found = {f"{m}.{n}" for m, mod in MODULES.items() for n in dir(mod)
             if n.startswith("check_") and getattr(mod, n).__module__ == mod.__name__}
    assert found == set(CASES)


@pytest.mark.parametrize("qualname", sorted(CASES))
def test_the_reference_passes(qualname, capsys):
    right, _ = CASES[qualname]
    assert _checker(qualname)(right) is None
    assert capsys.readouterr().out.startswith("✓")


@pytest.mark.parametrize("qualname", sorted(CASES))
def test_each_named_mistake_fails_with_its_hint(qualname, capsys):
    _, wrongs = CASES[qualname]
    assert len(wrongs) >= 2
    for wrong, words in wrongs:
        _checker(qualname)(wrong)
        out = capsys.readouterr().out
        assert out.startswith("✗") and words in out, (words, out)


@pytest.mark.parametrize("qualname", sorted(CASES))
def test_not_attempted_says_so_and_raises_nothing(qualname, capsys):
    right, _ = CASES[qualname]
    starter = _nie if callable(right) else ...
    _checker(qualname)(starter)
    assert capsys.readouterr().out.startswith("… ")
    if callable(right):
        _checker(qualname)(lambda *a: None)
        assert "not attempted" in capsys.readouterr().out


def test_the_reader_s_exception_is_a_verdict(capsys):
    def broken(z):
        return z @ np.ones((5, 5))
    ch02.check_stable_sigmoid(broken)
    out = capsys.readouterr().out
    assert "raised ValueError" in out and "7 random z" in out


def test_describe_difference_names_each_kind_of_mistake():
    want = np.arange(1.0, 7.0).reshape(2, 3)
    assert core.describe_difference(want, want) is None
    assert "transposed" in core.describe_difference(want.T, want)
    assert "expected (2, 3)" in core.describe_difference(want[:1], want)
    assert "sign flipped" in core.describe_difference(-want, want)
    assert "3 times too large" in core.describe_difference(3 * want, want)
    assert "2 times too small" in core.describe_difference(want / 2, want)
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transpose of the right matrix" in core.describe_difference(square.T, square)
    wrong = want.copy()
    wrong[1, 2] = 0.0
    assert "element [1, 2]" in core.describe_difference(wrong, want)
    assert "overflow" in core.describe_difference(np.array([np.nan, 1.0]), np.array([1.0, 1.0]))
    assert "None" in core.describe_difference(None, want)


def test_check_answer_tolerance(capsys):
    assert core.check_answer(0.2501, 0.25, name="x", hint="h", tol=1e-3) is True
    assert core.check_answer(0.26, 0.25, name="x", hint="use σ", tol=1e-3) is False
    assert "use σ" in capsys.readouterr().out
    assert core.check_answer([1.0], [1.0, 2.0], name="v", hint="h") is False
    assert "shape (2,)" in capsys.readouterr().out


# --- the Exercises sections of the chapters -------------------------------------------------
import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: chapters whose Exercises section is written (the rest follow with their corrections issues)
WITH_EXERCISES = ["01_background", "02_neurons", "03_forward", "04_backprop",
                  "05_gradient_descent",
                  "08_attention"]
EXERCISE = re.compile(r"^### Exercise (\d+)\.(\d+) ", re.M)
DROPDOWN = re.compile(r"^:::\{admonition\} [^\n]*\n:class: dropdown\n", re.M)


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell):
    return "".join(cell["source"])


def _exercises(cells):
    """{exercise heading: the cells from it to the next heading} of the Exercises section."""
    start = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                 and _text(c).startswith("## Exercises (练习)"))
    found, current = {}, None
    for c in cells[start + 1:]:
        if c["cell_type"] == "markdown" and EXERCISE.match(_text(c)):
            current = _text(c).splitlines()[0]
            found[current] = []
        if current:
            found[current].append(c)
    return start, found


def _printed(cell):
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def _is_solution(cell):
    return cell["cell_type"] == "code" and "solution" in cell["metadata"].get("tags", [])


@pytest.mark.parametrize("stem", WITH_EXERCISES)
def test_chapter_ends_with_a_summary_and_its_exercises(stem):
    cells = _cells(ROOT / "chapters" / f"{stem}.ipynb")
    start, exercises = _exercises(cells)
    headings = [_text(c) for c in cells[:start] if c["cell_type"] == "markdown"]
    assert any(re.search(r"^## Summary", h, re.M) for h in headings), "no summary before it"
    assert 5 <= len(exercises) <= 8
    number = int(stem[:2])
    assert all(h.startswith(f"### Exercise {number}.") for h in exercises)
    checked = [h for h, cs in exercises.items()
               if any(c["cell_type"] == "code" and "check_" in _text(c) and not _is_solution(c)
                      for c in cs)]
    assert len(checked) >= 3, checked
    predict = [h for h, cs in exercises.items() if "Predict" in h]
    assert predict, "no exercise asks for a prediction first"
    for heading, cs in exercises.items():
        solved = [c for c in cs if _is_solution(c)]
        answered = [c for c in cs if c["cell_type"] == "markdown" and DROPDOWN.search(_text(c))]
        assert solved or answered, f"{heading} has no worked solution"
        for c in cs:
            if c["cell_type"] == "code" and "check_" in _text(c) and not _is_solution(c):
                out = _printed(c)
                assert out.startswith("… ") and "not attempted" in out, (heading, out)
        for c in solved:
            out = _printed(c)
            if "check_" in _text(c):
                assert "✓" in out and "✗" not in out, (heading, out)


@pytest.mark.parametrize("stem", WITH_EXERCISES)
def test_solutions_are_collapsed_in_the_book_in_jupyterlab_and_in_colab(stem):
    book = _cells(ROOT / "chapters" / f"{stem}.ipynb")
    colab = {c["id"]: c for c in _cells(ROOT / "colab" / "chapters" / f"{stem}.ipynb")}
    solutions = [c for c in book if _is_solution(c)]
    assert solutions
    for c in solutions:
        assert "hide-input" in c["metadata"]["tags"]                     # the HTML book
        assert c["metadata"]["jupyter"]["source_hidden"] is True         # JupyterLab
        edition = colab[c["id"]]                                          # Colab: a form cell
        assert edition["metadata"]["cellView"] == "form"
        assert _text(edition).startswith("# @title Solution")
    for c in book:
        if c["cell_type"] == "markdown" and DROPDOWN.search(_text(c)):
            assert _text(colab[c["id"]]).startswith("<details>\n<summary>")
