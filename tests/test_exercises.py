"""The exercises' checkers (lmvis.exercises): each accepts the reference answer, rejects the
typical mistakes it names with the hint that names them, and says "not attempted" (raising
nothing) for a starter body that still raises NotImplementedError. A chapter's checker prints
its verdict and returns None (a check cell then shows no ``Out``); the core functions it calls
return True, False or None."""

import numpy as np
import pytest
from lmvis import activations as act
from lmvis import losses, metrics, scale
from lmvis.exercises import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, core


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


def _bce_from_probabilities(z, y):
    p = act.sigmoid(z)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def _cross_entropy_naive(Z, labels):
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    grad = p.copy()
    grad[rows, labels] -= 1
    return -np.log(p[rows, labels]).mean(), grad / len(labels)


def _confusion_by_fancy_index(y_true, y_pred, k):
    C = np.zeros((k, k), dtype=np.int64)
    C[y_true, y_pred] += 1
    return C
def _windows_by_hand(ids, starts, length):
    rows = np.stack([ids[s:s + length + 1] for s in starts])
    return rows[:, :-1], rows[:, 1:]


def _pair_counts(ids, v):
    counts = np.zeros((v, v))
    np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
    return counts


def _bigram_by_hand(ids, v, alpha):
    counts = _pair_counts(ids, v)
    return (counts + alpha) / (counts.sum(1, keepdims=True) + alpha * v)


def _sampling_by_hand(z, t, k, exclude, *, stable=True, divide=True):
    z = z / t if divide else z * t
    z = np.where(np.isin(np.arange(z.size), exclude), -np.inf, z)
    if k is not None:
        z = np.where(z >= np.sort(z)[-k], z, -np.inf)
    e = np.exp(z - z.max()) if stable else np.exp(z)
    return e / e.sum()


def _sampling_in_place(z, t, k, exclude):
    z /= t                                                      # changes the reader's logits
    return _sampling_by_hand(z, 1.0, k, exclude)


def _gpt_params_by_hand(v, c, d, n, f):
    block = 2 * 2 * d + 4 * (d * d + d) + (d * f + f + f * d + d)
    return v * d + c * d + n * block + 2 * d
def _kaplan_n(c):
    d, f = c.d_model, c.d_ff
    return c.n_layers * (4 * (d * d + d) + 2 * d * f + f + d + 4 * d) + 2 * d


def _matmuls(c):
    return c.n_layers * (4 * c.d_model**2 + 2 * c.d_model * c.d_ff) + c.vocab_size * c.d_model


def _step_flops(c, T, B):
    return 3 * (2 * B * T * _matmuls(c) + 4 * B * c.n_layers * T * T * c.d_model)


def _zero(n, nd, stage):
    return 2 * n / (nd if stage >= 3 else 1) + 2 * n / (nd if stage >= 2 else 1) + \
        12 * n / (nd if stage >= 1 else 1)


def _optimal(c):
    return (c / 120) ** 0.5, 20 * (c / 120) ** 0.5


def _scale_in_place(grads, sizes):
    for n, g in zip(sizes, grads, strict=True):
        g *= n
    return sum(grads) / sum(sizes)
def _ch06_grads(X, y, w, b):
    r = X @ w + b - y
    return X.T @ r / len(y), r.mean()


def _ridge_intercept_penalised(X, y, alpha):
    Xb = np.c_[X, np.ones(len(X))]
    theta = np.linalg.solve(Xb.T @ Xb + alpha * np.eye(Xb.shape[1]), Xb.T @ y)
    return theta[:-1], theta[-1]


def _standardise(X_train, X, ddof=0, guard=True):
    std = X_train.std(axis=0, ddof=ddof)
    return (X - X_train.mean(axis=0)) / (np.where(std > 0, std, 1.0) if guard else std)
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
    "ch07.check_majority_baseline": (27 / 269, [
        (0.1, "guessing uniformly"), (156 / 1528, "share of the development set")]),
    "ch07.check_bce_with_logits": (ch07._bce_mean, [
        (lambda z, y: ch07._bce_mean(z, y) * z.size, "*mean*"),
        (ch07._bce_clamped, "−100"),
        (_bce_from_probabilities, "not numerically stable"),
        (lambda z, y: float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-z)))),
         "absolute value")]),
    "ch07.check_cross_entropy": (losses.cross_entropy, [
        (lambda Z, y: (losses.cross_entropy(Z, y)[0], losses.cross_entropy(Z, y)[1] * len(y)),
         "divided by n"),
        (lambda Z, y: (losses.cross_entropy(Z, y)[0], losses.softmax(Z) / len(y)), "subtract 1"),
        (lambda Z, y: (losses.cross_entropy(Z, y)[0], (Z - np.eye(Z.shape[1])[y]) / len(y)),
         "document 004"),
        (_cross_entropy_naive, "not numerically stable")]),
    "ch07.check_confusion_matrix": (metrics.confusion_matrix, [
        (lambda t, p, k: metrics.confusion_matrix(t, p, k).T, "rows are the true classes"),
        (_confusion_by_fancy_index, "np.add.at"),
        (lambda t, p, k: metrics.confusion_matrix(t, p, max(t.max(), p.max()) + 1),
         "from n_classes")]),
    "ch09.check_perplexity": (16.0, [(34.0, "mean of the two perplexities"),
                                     (2 / (1 / 4 + 1 / 64), "mean probability"),
                                     (np.log(16.0), "loss in nats")]),
    "ch09.check_windows": (_windows_by_hand, [
        (lambda ids, st, n: (_windows_by_hand(ids, st, n)[0],) * 2, "copy the token"),
        (lambda ids, st, n: _windows_by_hand(ids, st, n)[::-1], "swapped"),
        (lambda ids, st, n: (_windows_by_hand(ids, st, n)[0],
                             np.stack([ids[s - 1:s + n - 1] for s in st])), "wrong way"),
        (lambda ids, st, n: (_windows_by_hand(ids, st, n + 1)[0], _windows_by_hand(ids, st, n)[1]),
         "shape")]),
    "ch09.check_bigram_probs": (_bigram_by_hand, [
        (lambda ids, v, a: _bigram_by_hand(ids, v, a).T, "rows and columns swapped"),
        (lambda ids, v, a: (_pair_counts(ids, v) + a) / _pair_counts(ids, v).sum(
            1, keepdims=True), "αV"),
        (lambda ids, v, a: _pair_counts(ids, v) / _pair_counts(ids, v).sum(1, keepdims=True),
         "smoothing is missing"),
        (lambda ids, v, a: (_pair_counts(ids, v) + a) / (_pair_counts(ids, v) + a).sum(
            0, keepdims=True), "axis 0")]),
    "ch09.check_sampling_probs": (_sampling_by_hand, [
        (lambda *a: _sampling_by_hand(*a, stable=False), "not numerically stable"),
        (lambda *a: _sampling_by_hand(*a, divide=False), "*divided*"),
        (lambda z, t, k, ex: _sampling_by_hand(z, t, k, []), "probability 0"),
        (lambda z, t, k, ex: np.where(np.isin(np.arange(z.size), ex), 0.0,
                                      _sampling_by_hand(z, t, k, [])), "the rest sum to 1"),
        (_sampling_in_place, "in place")]),
    "ch09.check_gpt_params": (_gpt_params_by_hand, [
        (lambda v, c, d, n, f: _gpt_params_by_hand(v, c, d, n, f) + v * d, "tied"),
        (lambda v, c, d, n, f: _gpt_params_by_hand(v, c, d, n, f) - 2 * n * d, "*two*"),
        (lambda v, c, d, n, f: _gpt_params_by_hand(v, c, d, n, f) - c * d, "position"),
        (lambda v, c, d, n, f: _gpt_params_by_hand(v, c, d, n, f) - n * (4 * d + f + d),
         "biases")]),
    "ch10.check_non_embedding_params": (_kaplan_n, [
        (lambda c: 12 * c.n_layers * c.d_model**2, "approximation"),
        (lambda c: c.n_layers * (12 * c.d_model**2 + 13 * c.d_model) + 2 * c.d_model,
         "only when d_ff = 4d"),
        (lambda c: _kaplan_n(c) + c.context * c.d_model, "position embedding"),
        (lambda c: _kaplan_n(c) + (0 if c.tie_weights else c.vocab_size * c.d_model),
         "untied output layer")]),
    "ch10.check_step_flops": (_step_flops, [
        (lambda c, T, B: 6 * scale.gpt_param_count(c) * T * B, "rule of thumb"),
        (lambda c, T, B: _step_flops(c, T, B) // 3, "forward pass only"),
        (lambda c, T, B: 6 * B * T * _matmuls(c), "activations by activations"),
        (lambda c, T, B: 6 * B * T * _matmuls(c) + 6 * B * c.n_layers * T * T * c.d_model,
         "causal mask")]),
    "ch10.check_zero_bytes": (_zero, [
        (lambda n, nd, s: 16 * n / nd, "divides the compute, not the memory"),
        (lambda n, nd, s: 16 * n / nd if s else 16 * n, "only the optimizer states"),
        (lambda n, nd, s: _zero(n, nd, s) - 4 * n / (nd if s else 1), "master copy")]),
    "ch10.check_compute_optimal": (_optimal, [
        (lambda c: ((c / 20) ** 0.5, 20 * (c / 20) ** 0.5), "not N·D"),
        (lambda c: (c / 120, c / 6), "square root"),
        (lambda c: _optimal(c)[::-1], "swapped")]),
    "ch10.check_combine_gradients": (lambda g, n: np.average(g, axis=0, weights=n), [
        (lambda g, n: np.mean(g, axis=0), "only when the shards are equal"),
        (lambda g, n: np.sum(g, axis=0), "2 times too large"),
        (lambda g, n: sum(k * x for k, x in zip(n, g, strict=True)) / len(n),
         "not by the number of shards"),
        (_scale_in_place, "in place")]),
    "ch06.check_stable_limits": (ch06.stable_limits(), [
        ([0.02, np.sqrt(200)], "+1 stays"), ([1 / 101, np.sqrt(99)], "vanishes in one step"),
        ([2 / 102, np.sqrt(198)], "two intercepts")]),
    "ch06.check_line_gradients": (_ch06_grads, [
        (lambda *a: tuple(-g for g in _ch06_grads(*a)), "prediction minus target"),
        (lambda X, y, w, b: tuple(g * len(y) for g in _ch06_grads(X, y, w, b)), "carry 1/n"),
        (lambda *a: tuple(2 * g for g in _ch06_grads(*a)), "½ in J"),
        (lambda X, y, w, b: (_ch06_grads(X, y, w, b)[1] * w, _ch06_grads(X, y, w, b)[1]),
         "document 001"),
        (lambda *a: (_ch06_grads(*a)[0][:, None], _ch06_grads(*a)[1]), "wrong shape")]),
    "ch06.check_ridge": (lambda X, y, a: ch06.linear.ridge_fit(X, y, a), [
        (_ridge_intercept_penalised, "intercept is not penalised"),
        (lambda X, y, a: (np.linalg.solve(X.T @ X + a * np.eye(X.shape[1]), X.T @ y), 0.0),
         "has an intercept b"),
        (lambda X, y, a: ch06.linear.ridge_fit(X, y, a / len(y)), "α, not α/n")]),
    "ch06.check_standardise": (_standardise, [
        (lambda X_train, X: _standardise(X, X), "leakage"),
        (lambda X_train, X: _standardise(X_train, X, ddof=1), "ddof = 1"),
        (lambda X_train, X: _standardise(X_train, X, guard=False), "division by zero"),
        (lambda X_train, X: X - X_train.mean(axis=0), "centring is half")]),
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

MODULES = {"ch01": ch01, "ch02": ch02, "ch03": ch03, "ch04": ch04, "ch05": ch05, "ch06": ch06,
           "ch07": ch07, "ch08": ch08, "ch09": ch09, "ch10": ch10}


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


def test_a_division_by_zero_is_named_as_such(capsys):
    def ratio(x, d):
        return x / d
    cases = [core.Case((np.array([1.0, 2.0]), np.array([1.0, 0.0])), "a zero denominator")]
    assert core.check_function(ratio, lambda x, d: x / np.where(d == 0, 1.0, d), cases,
                               name="ratio") is False
    out = capsys.readouterr().out
    assert "division by zero" in out and "overflow" not in out and "guard" in out


def test_check_answer_tolerance(capsys):
    assert core.check_answer(0.2501, 0.25, name="x", hint="h", tol=1e-3) is True
    assert core.check_answer(0.26, 0.25, name="x", hint="use σ", tol=1e-3) is False
    assert "use σ" in capsys.readouterr().out
    assert core.check_answer([1.0], [1.0, 2.0], name="v", hint="h") is False
    assert "shape (2,)" in capsys.readouterr().out


def test_ch10_references_agree_with_independent_ones():
    """Exercise 10.7's reference, Σ nᵢ gᵢ / Σ nᵢ, is the full-batch gradient (torch.autograd on
    the whole batch, real data parallelism on chapter 9's model: tests/test_distributed.py);
    exercise 10.6's split spends exactly its budget by lmvis.scale.flops_6nd."""
    import torch

    rng = np.random.default_rng(0)
    sizes = [1, 6, 2, 7]
    X, W, Y = rng.normal(size=(16, 3)), rng.normal(size=(3, 2)), rng.normal(size=(16, 2))
    w = torch.tensor(W, requires_grad=True)
    torch.nn.functional.mse_loss(torch.tensor(X) @ w, torch.tensor(Y)).backward()
    bounds = np.cumsum([0, *sizes])
    grads = [X[a:b].T @ losses.mse(X[a:b] @ W, Y[a:b])[1]
             for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    np.testing.assert_allclose(ch10._combine(grads, sizes), w.grad.numpy(), rtol=1e-12)
    for case in ch10._shard_cases():  # the checker's inputs are gradients of shards' means
        assert len(case.args[0]) == len(case.args[1]) and case.args[0][0].shape == (3, 2)
    for budget in (3.14e23, 1e18, 6e8):
        n, d = ch10._optimal(budget)
        assert d / n == pytest.approx(20) and scale.flops_6nd(n, d) == pytest.approx(budget)
    from lmvis.gpt import GPT
    from lmvis.pretrained import load_tang_gpt

    assert load_tang_gpt().model.config == ch10.CH9  # the checkers' "chapter 9's GPT"
    for case in ch10._configs():  # exercise 10.2's reference, against a model's own tensors
        c = case.args[0]
        if scale.gpt_param_count(c) < 1e6:
            model = GPT(c)
            n = sum(p.numel() for name, p in model.named_parameters()
                    if name.split(".")[0] in ("blocks", "norm"))
            assert n == scale.non_embedding_params(c), case.label


# --- the Exercises sections of the chapters -------------------------------------------------
import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: chapters whose Exercises section is written (the rest follow with their corrections issues)
WITH_EXERCISES = ["01_background", "02_neurons", "03_forward", "04_backprop",
                  "05_gradient_descent", "06_house_prices", "07_classification", "08_attention",
                  "09_gpt", "10_scale"]
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


@pytest.mark.parametrize("stem", WITH_EXERCISES)
def test_each_checkers_docstring_names_the_exercise_that_calls_it(stem):
    """A reader who opens a checker from a check cell finds the same exercise number."""
    module = MODULES[f"ch{stem[:2]}"]
    exercise, wrong = None, []
    for cell in _cells(ROOT / "chapters" / f"{stem}.ipynb"):
        found = EXERCISE.match(_text(cell)) if cell["cell_type"] == "markdown" else None
        if found:
            exercise = f"{found.group(1)}.{found.group(2)}"
        elif cell["cell_type"] == "code" and exercise:
            for name in re.findall(r"\b(check_\w+)\(", _text(cell)):
                doc = getattr(module, name).__doc__ or ""
                if not doc.startswith(f"Exercise {exercise}"):
                    wrong.append(f"{name} (called in {exercise}): {doc[:40]!r}")
    assert wrong == []
