"""lmvis.autograd.Value against torch.autograd on random expressions; gradcheck; graph drawing."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.autograd import Value
from lmvis.gradcheck import numerical_grad, relative_error

UNARY = ["tanh", "sigmoid", "relu", "exp", "square", "neg"]
BINARY = ["+", "-", "*", "/"]


def _apply(op, a, b=None, torch_mode=False):
    if op == "tanh":
        return torch.tanh(a) if torch_mode else a.tanh()
    if op == "sigmoid":
        return torch.sigmoid(a) if torch_mode else a.sigmoid()
    if op == "relu":
        return torch.relu(a) if torch_mode else a.relu()
    if op == "exp":  # squashed first so that chains of exp stay finite
        return torch.exp(torch.tanh(a)) if torch_mode else a.tanh().exp()
    if op == "square":
        return a**2
    if op == "neg":
        return -a
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":  # denominator kept away from zero: 1.5 + tanh(b)^2 ≥ 1.5 ... use b*b + 1
        return a / (b * b + 1.0)
    raise AssertionError(op)


@st.composite
def programs(draw):
    n_in = draw(st.integers(1, 4))
    inputs = draw(st.lists(st.floats(-3, 3, allow_nan=False), min_size=n_in, max_size=n_in))
    steps = []
    for k in range(draw(st.integers(1, 12))):
        avail = n_in + k
        if draw(st.booleans()):
            steps.append((draw(st.sampled_from(UNARY)), draw(st.integers(0, avail - 1)), None))
        else:
            steps.append((draw(st.sampled_from(BINARY)), draw(st.integers(0, avail - 1)),
                          draw(st.integers(0, avail - 1))))
    return inputs, steps


def _run(inputs, steps, torch_mode):
    nodes = list(inputs)
    for op, i, j in steps:
        nodes.append(_apply(op, nodes[i], None if j is None else nodes[j], torch_mode))
    out = nodes[-1]
    for n in nodes[len(inputs):-1]:  # every intermediate feeds the output: a DAG with sharing
        out = out + 0.1 * n
    return out


@settings(max_examples=150, deadline=None)
@given(programs())
def test_value_gradients_match_torch_autograd(prog):
    inputs, steps = prog
    xs = [Value(x) for x in inputs]
    out = _run(xs, steps, torch_mode=False)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    ref = _run(ts, steps, torch_mode=True)
    ref.backward()
    assert math.isclose(out.data, ref.item(), rel_tol=1e-12, abs_tol=1e-12)
    for v, t in zip(xs, ts, strict=True):
        g = 0.0 if t.grad is None else t.grad.item()
        assert abs(v.grad - g) <= 1e-10 * max(1.0, abs(g)), (v.grad, g)


def test_log_pow_and_reflected_ops():
    a, b = Value(2.0), Value(3.0)
    out = (a.log() * b**3 - 1 / a + 2 - b) / 4
    out.backward()
    ta = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    ref = (torch.log(ta) * tb**3 - 1 / ta + 2 - tb) / 4
    ref.backward()
    assert math.isclose(out.data, ref.item(), rel_tol=1e-14)
    assert math.isclose(a.grad, ta.grad.item(), rel_tol=1e-12)
    assert math.isclose(b.grad, tb.grad.item(), rel_tol=1e-12)


def test_backward_twice_gives_same_grads_and_deep_graph_has_no_recursion_error():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    g1 = x.grad
    y.backward()
    assert x.grad == g1 and math.isclose(g1, 1.0001**5000, rel_tol=1e-9)


def test_value_errors():
    with pytest.raises(TypeError, match="data must be a real number, got str '1'"):
        Value("1")
    with pytest.raises(ValueError, match="data must be a number, got nan"):
        Value(float("nan"))
    with pytest.raises(ValueError, match="log needs a value > 0, got data=-1.0"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="exponent k .* must be a real number, got Value"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError, match="other must be a real number, got str"):
        Value(2.0) + "1"


def test_numerical_grad_matches_analytic_and_restores_input():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 4))
    x = rng.normal(size=(4,))
    x0 = x.copy()

    def f(v):
        return float(np.sum(np.tanh(A @ v) ** 2))

    num = numerical_grad(f, x)
    t = torch.tensor(x0, requires_grad=True)
    (torch.tanh(torch.tensor(A) @ t) ** 2).sum().backward()
    assert relative_error(num, t.grad.numpy()) < 1e-7
    np.testing.assert_array_equal(x, x0)


def test_gradcheck_errors():
    with pytest.raises(TypeError, match="x must be a float64 ndarray"):
        numerical_grad(np.sum, [1.0, 2.0])
    with pytest.raises(TypeError, match="x must have dtype float64, got dtype float32"):
        numerical_grad(np.sum, np.zeros(2, dtype=np.float32))
    with pytest.raises(ValueError, match="eps must be a number > 0"):
        numerical_grad(np.sum, np.zeros(2), eps=0.0)
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_grad(3, np.zeros(2))
    with pytest.raises(TypeError, match=r"f\(x\) must be a real number, got ndarray"):
        numerical_grad(lambda v: v * 2, np.zeros(2))  # f must return a scalar
    with pytest.raises(ValueError, match=r"a and b must have the same shape"):
        relative_error(np.zeros(2), np.zeros(3))


def test_draw_graph_shows_every_node_with_data_and_grad():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from lmvis.viz.graph import draw_graph, graph_layout

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = (c + a).tanh()
    d.label = "d"
    d.backward()
    pos = graph_layout(d)
    assert len(pos) == 5  # a, b, c, c + a, d
    assert pos[id(a)][0] == 0 and pos[id(d)][0] == 3
    ax = draw_graph(d, title="t")
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("d | data") and f"grad {1:.4g}" in t for t in texts)
    assert sum(t in {"×", "+", "tanh"} for t in texts) == 3
    plt.close(ax.figure)
    with pytest.raises(TypeError, match="Value"):
        graph_layout(3.0)
