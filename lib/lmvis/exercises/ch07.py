"""Checkers for the exercises of chapter 7 (baselines, classification losses, confusion
matrices)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from lmvis import losses, metrics
from lmvis.activations import sigmoid
from lmvis.datasets.digits import load_digits_development
from lmvis.exercises.core import Case, Mistake, check_answer, check_function


@cache
def _baseline() -> tuple[float, float]:
    """The majority baseline's test accuracy on chapter 7's split, and a wrong answer: the
    digit's share of the development set, where the baseline was fitted."""
    data = load_digits_development(test_fraction=0.15)
    dev = np.bincount(data.y_dev)
    top = metrics.majority_class(data.y_dev)
    return metrics.majority_accuracy(data.y_dev, data.y_test), float(dev[top] / dev.sum())


def check_majority_baseline(answer: Any) -> None:
    """Exercise 7.1: the test accuracy of always answering the development set's most frequent
    digit, from the class counts the chapter prints."""
    right, dev_share = _baseline()
    check_answer(
        answer, right,
        name="the majority baseline's test accuracy", tol=1e-3,
        hint="find the most frequent digit of the development row, then count how many test "
             "images carry that digit, out of all test images.",
        mistakes=[(0.1, "1/10 is the accuracy of guessing uniformly at random; the baseline "
                   "always answers one digit, so count how many test images carry it."),
                  (dev_share, "that is the digit's share of the development set, "
                   "where the baseline was fitted; score it on the test images.")])


def _bce_mean(z, y):
    return losses.binary_cross_entropy_with_logits(z, y)[0]


def _bce_clamped(z, y):
    p = sigmoid(z)
    with np.errstate(divide="ignore"):
        return float(np.mean(-(y * np.maximum(np.log(p), -100.0)
                               + (1 - y) * np.maximum(np.log(1 - p), -100.0))))


def check_bce_with_logits(f: Callable[..., Any]) -> None:
    """Exercise 7.3: the mean binary cross-entropy from logits,
    mean(max(z, 0) − y·z + log(1 + e^(−|z|))), for any logits, however large."""
    rng = np.random.default_rng(7)
    cases = [Case((rng.normal(size=8) * 3, rng.integers(0, 2, 8).astype(float)), "8 logits"),
             Case((np.zeros(2), np.array([1.0, 0.0])), "z = 0 (the loss is log 2)"),
             Case((rng.normal(size=6), rng.random(6)), "soft targets in [0, 1]"),
             Case((np.array([700.0, -800.0, 40.0, -40.0]), np.array([0.0, 1.0, 1.0, 0.0])),
                  "confident logits 700, −800 and ±40", large=True)]
    check_function(
        f, _bce_mean, cases, name="bce_with_logits",
        against="lmvis.losses.binary_cross_entropy_with_logits",
        mistakes=[Mistake(lambda z, y: _bce_mean(z, y) * z.size, "the loss is the *mean* "
                          "over the examples, not their sum."),
                  Mistake(_bce_clamped, "clamping the log at −100, as nn.BCELoss does, caps "
                          "the loss of a confident mistake at 100 (and zeroes its gradient); "
                          "the exact loss for label 0 grows like z: use max(z, 0) − y·z + "
                          "log(1 + e^(−|z|)), which never forms log(0)."),
                  Mistake(lambda z, y: float(np.mean(np.maximum(z, 0) + y * z
                                                     + np.log1p(np.exp(-np.abs(z))))),
                          "the label's term is −y·z, with a minus sign."),
                  Mistake(lambda z, y: float(np.mean(np.maximum(z, 0) - y * z
                                                     + np.log1p(np.exp(-z)))),
                          "the last term is log(1 + e^(−|z|)), with the absolute value: "
                          "log(1 + e^(−z)) is only right for z ≥ 0.")])


def _onehot(labels, k):
    return np.eye(k)[labels]


def check_cross_entropy(f: Callable[..., Any]) -> None:
    """Exercise 7.4: the mean cross-entropy of logits Z (n, K) and integer labels (n,), and
    its gradient (softmax(Z) − onehot(labels))/n; returns (loss, gradient)."""
    rng = np.random.default_rng(8)
    cases = [Case((rng.normal(size=(6, 10)) * 2, rng.integers(0, 10, 6)),
                  "6 rows of 10 logits"),
             Case((np.array([[0.0, 0.0, 0.0]]), np.array([2])),
                  "one row of equal logits (the loss is log 3)"),
             Case((rng.normal(size=(4, 3)) * 1000, np.array([0, 1, 2, 0])),
                  "logits of size 1000", large=True)]
    check_function(
        f, losses.cross_entropy, cases, name="cross_entropy",
        outputs=("the loss", "the gradient"),
        against="lmvis.losses.cross_entropy (equal to torch.nn.functional.cross_entropy)",
        mistakes=[Mistake(lambda Z, y: (losses.cross_entropy(Z, y)[0],
                                        losses.cross_entropy(Z, y)[1] * len(y)),
                          "the loss is a mean over the n rows, so its gradient is divided "
                          "by n: (softmax(Z) − onehot(y))/n."),
                  Mistake(lambda Z, y: (losses.cross_entropy(Z, y)[0],
                                        losses.softmax(Z) / len(y)),
                          "subtract 1 at each row's label: the gradient is "
                          "softmax(Z) − onehot(y), divided by n."),
                  Mistake(lambda Z, y: (losses.cross_entropy(Z, y)[0],
                                        (Z - _onehot(y, Z.shape[1])) / len(y)),
                          "Z − onehot(y) puts the logit where the probability belongs "
                          "(document 004's slip, exercise 7.5): softmax(Z) − onehot(y)."),
                  Mistake(lambda Z, y: (-losses.cross_entropy(Z, y)[0],
                                        -losses.cross_entropy(Z, y)[1]),
                          "the loss is −log p of the right class, a positive number; and its "
                          "gradient is p − onehot(y), not onehot(y) − p.")])


def _confusion_counts_once(y_true, y_pred, k):
    C = np.zeros((k, k), dtype=np.int64)
    C[y_true, y_pred] += 1  # fancy-index +=: a repeated (i, j) pair counts once
    return C


def check_confusion_matrix(f: Callable[..., Any]) -> None:
    """Exercise 7.6: the confusion matrix C[i, j], the number of examples of true class i
    predicted as class j, of shape (n_classes, n_classes)."""
    rng = np.random.default_rng(9)
    truth = rng.integers(0, 4, 40)
    cases = [Case((truth, np.where(rng.random(40) < 0.7, truth, rng.integers(0, 4, 40)), 4),
                  "40 labels of 4 classes"),
             Case((np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2]), 5),
                  "5 classes, two of which never occur"),
             Case((np.array([3]), np.array([1]), 4), "one example")]
    check_function(
        f, metrics.confusion_matrix, cases, name="confusion_matrix",
        against="lmvis.metrics.confusion_matrix", rtol=0.0, atol=0.0,
        mistakes=[Mistake(lambda t, p, k: metrics.confusion_matrix(t, p, k).T,
                          "rows are the true classes and columns the predictions: "
                          "C[y_true, y_pred], not C[y_pred, y_true]."),
                  Mistake(_confusion_counts_once,
                          "`C[y_true, y_pred] += 1` adds 1 once per *distinct* (true, "
                          "predicted) pair, however often the pair occurs. Count with "
                          "`np.add.at(C, (y_true, y_pred), 1)` or a loop over the examples."),
                  Mistake(lambda t, p, k: metrics.confusion_matrix(
                              t, p, int(max(t.max(), p.max())) + 1),
                          "take the size from n_classes: a class that never occurs still "
                          "has its row and column (of zeros).")])
