"""Gate tables and the majority baseline count right; the probability-space losses match torch
and fail where the book says they do (the logits form is tested in test_losses.py)."""

import numpy as np
import pytest
import torch
from lmvis.datasets.gates import gate_data
from lmvis.losses import bce_from_probs, bce_with_logits, mse_on_sigmoid
from lmvis.metrics import majority_accuracy, majority_class


def test_gate_tables():
    X, y = gate_data("AND")
    assert X.shape == (4, 2) and y.tolist() == [0, 0, 0, 1]
    assert gate_data("xor")[1].tolist() == [int(a) ^ int(b) for a, b in X]
    assert gate_data("OR")[1].tolist() == [int(a) | int(b) for a, b in X]
    with pytest.raises(ValueError, match="one of"):
        gate_data("NOR")


def test_majority_baseline_counts():
    _, y = gate_data("AND")
    assert majority_class(y) == 0
    assert majority_accuracy(y, y) == 0.75
    assert majority_class(np.array([2, 1, 1, 2])) == 1  # ties go to the smallest label
    rng = np.random.default_rng(0)
    y_train, y_eval = rng.integers(0, 5, 500), rng.integers(0, 5, 300)
    c = np.bincount(y_train).argmax()
    assert majority_accuracy(y_train, y_eval) == pytest.approx(np.mean(y_eval == c))


@pytest.mark.parametrize("bad, error", [(np.array([], int), ValueError),
                                        (np.array([0.5, 1.0]), TypeError),
                                        (np.zeros((2, 2), int), ValueError)])
def test_majority_rejects_bad_labels(bad, error):
    with pytest.raises(error, match="y_train"):
        majority_class(bad)


def test_majority_accuracy_refuses_labels_that_are_not_class_indices():
    # The old silent result: integer training labels against string labels scored 0.0.
    with pytest.raises(TypeError, match=r"y_eval \(class indices\) must hold integers, got "
                                        r"dtype <U1"):
        majority_accuracy([0, 0, 1], ["0", "0"])
    with pytest.raises(TypeError, match="y_train"):
        majority_accuracy(["a", "a", "b"], ["a", "b"])


def test_bce_from_probs_matches_torch_and_shows_the_failure_at_saturation():
    p, y = np.array([0.1, 0.8, 0.5]), np.array([0.0, 1.0, 1.0])
    ref = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(y))
    assert bce_from_probs(p, y) == pytest.approx(ref.item(), rel=1e-12)
    z = np.array([-40.0])  # float64 sigmoid(−40) ≈ 4e−18 is fine; float32 rounds 1−p to 1
    p32 = float(torch.sigmoid(torch.tensor(40.0, dtype=torch.float32)))
    assert p32 == 1.0
    assert bce_from_probs(np.array([p32]), np.array([0.0])) == np.inf
    assert bce_with_logits(-z, np.array([0.0]))[0] == pytest.approx(40.0, rel=1e-12)


def test_mse_gradient_matches_autograd_and_vanishes_when_confidently_wrong():
    z, y = np.array([-8.0, 0.3, 6.0]), np.array([1.0, 0.0, 1.0])
    value, grad = mse_on_sigmoid(z, y)
    zt = torch.tensor(z, requires_grad=True)
    ref = ((torch.sigmoid(zt) - torch.tensor(y)) ** 2).mean()
    ref.backward()
    assert value == pytest.approx(ref.item())
    assert np.allclose(grad, zt.grad.numpy())
    # Confidently wrong (z = −8, y = 1): MSE barely pushes, cross-entropy pushes almost fully.
    ce_grad = bce_with_logits(z[:1], y[:1])[1]
    assert abs(mse_on_sigmoid(z[:1], y[:1])[1][0]) < 0.01 * abs(ce_grad[0])


@pytest.mark.parametrize(
    "fn, args, match",
    [
        (mse_on_sigmoid, (np.zeros(2), np.zeros(3)),
         r"z \(logits\) and y must have the same shape, got z \(logits\) \(2,\), y \(3,\)"),
        (mse_on_sigmoid, (np.zeros(0), np.zeros(0)), r"z \(logits\) must not be empty"),
        (mse_on_sigmoid, (np.zeros(2), np.array([0.0, 2.0])),
         r"y \(targets\) must hold values >= 0.0 and <= 1.0, got values in \[0.0, 2.0\]"),
        (bce_from_probs, (np.array([1.5]), np.array([1.0])),
         r"p \(probabilities\) must hold values >= 0.0 and <= 1.0"),
        (bce_from_probs, (np.zeros(2), np.zeros(1)), r"p \(probabilities\) and y"),
        (bce_from_probs, (np.zeros(2), np.zeros(2), 0.5),
         r"clip must be a number >= 0.0 and < 0.5"),
    ],
)
def test_bad_inputs_raise(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)
