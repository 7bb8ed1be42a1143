"""Checkers for the exercises of chapter 6 (linear regression, ridge, preprocessing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from lmvis import linear
from lmvis.exercises.core import Case, Mistake, check_answer, check_function
from lmvis.preprocessing import TabularPreprocessor

#: Part 1's house with one intercept, ŷ = w·x + c: its area in tens of m² (x = 10), and the
#: chapter's learning rate.
AREA, LR = 10.0, 0.01


def stable_limits() -> np.ndarray:
    """(the largest stable learning rate at x = 10, the largest stable x at lr = 0.01): the
    error is multiplied by 1 − lr(x² + 1) per step, which must stay above −1."""
    return np.array([2 / (AREA**2 + 1), np.sqrt(2 / LR - 1)])


def check_stable_limits(answer: Any) -> None:
    """Exercise 6.1: the largest stable learning rate at x = 10, and the largest stable area
    (in its unit) at lr = 0.01, for one-sample steps on ŷ = w·x + c."""
    right = stable_limits()
    check_answer(
        answer, right, name="(largest lr at x = 10, largest x at lr = 0.01)", tol=1e-6,
        hint="the error is multiplied by 1 − lr·(x² + 1) per step; the steps diverge once that "
             "factor falls below −1, i.e. at lr·(x² + 1) = 2. Solve that for lr, then for x.",
        mistakes=[(np.array([2 / AREA**2, np.sqrt(2 / LR)]),
                   "The intercept has a curvature too: the factor is 1 − lr·(x² + 1), so the "
                   "+1 stays in both answers."),
                  (np.array([1 / (AREA**2 + 1), np.sqrt(1 / LR - 1)]),
                   "A step with lr·(x² + 1) = 1 makes the factor 0 (the error vanishes in one "
                   "step); the steps diverge only past a factor of −1, at lr·(x² + 1) = 2."),
                  (np.array([2 / (AREA**2 + 2), np.sqrt(2 / LR - 2)]),
                   "That is the document's model with two intercepts, 1 − lr·(x² + 2); the "
                   "exercise uses the one intercept c.")])


def _grads(X, y, w, b):
    return linear.objective_and_grads(X, y, w, b)[1:]


def _residual(X, y, w, b):
    return X @ w + b - y


def check_line_gradients(f: Callable[..., Any]) -> None:
    """Exercise 6.2: the gradients (∂J/∂w, ∂J/∂b) of J(w, b) = (1/2n) Σᵢ (xᵢ·w + b − yᵢ)²."""
    rng = np.random.default_rng(61)
    cases = [Case((rng.normal(size=(20, 3)), rng.normal(size=20), rng.normal(size=3), 0.5),
                  "20 houses, 3 features"),
             Case((rng.random((7, 1)), rng.normal(size=7), np.array([2.0]), -1.0),
                  "7 houses, 1 feature"),
             Case((rng.normal(size=(1, 2)), np.array([3.0]), np.zeros(2), 0.0),
                  "one house, w = 0, b = 0")]
    check_function(
        f, _grads, cases, name="line_gradients", outputs=("∂J/∂w", "∂J/∂b"),
        against="lmvis.linear.objective_and_grads",
        mistakes=[Mistake(lambda X, y, w, b: (-X.T @ _residual(X, y, w, b) / len(y),
                                              -_residual(X, y, w, b).mean()),
                          "the residual is r = ŷ − y (prediction minus target), so that the "
                          "gradient is positive where the prediction is too high."),
                  Mistake(lambda X, y, w, b: (X.T @ _residual(X, y, w, b),
                                              _residual(X, y, w, b).sum()),
                          "J is a mean over the n houses (its 1/(2n)), so the gradients carry "
                          "1/n: Xᵀr/n and the mean of r."),
                  Mistake(lambda X, y, w, b: (2 * X.T @ _residual(X, y, w, b) / len(y),
                                              2 * _residual(X, y, w, b).mean()),
                          "the ½ in J cancels the 2 of the square's derivative."),
                  Mistake(lambda X, y, w, b: (_residual(X, y, w, b).mean() * w,
                                              _residual(X, y, w, b).mean()),
                          "∂ŷ/∂w is the input x, not the weight w (document 001's slip): "
                          "∂J/∂w = Xᵀr/n.")])


def _ridge_with_intercept_penalised(X, y, alpha):
    Xb = np.c_[X, np.ones(len(X))]
    theta = np.linalg.solve(Xb.T @ Xb + alpha * np.eye(Xb.shape[1]), Xb.T @ y)
    return theta[:-1], float(theta[-1])


def _ridge_centred(X, y, alpha):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)


def _one_hot_houses(rng, n):
    """n houses: two numeric columns and a 3-level one-hot block (its columns sum to 1)."""
    level = np.arange(n) % 3
    X = np.c_[rng.normal(size=(n, 2)), np.eye(3)[level]]
    return X, X @ np.array([1.0, -2.0, 0.5, 0.0, -0.5]) + 3.0 + rng.normal(size=n) * 0.1


def check_ridge(f: Callable[..., Any]) -> None:
    """Exercise 6.4: closed-form ridge regression with an unpenalised intercept; returns
    (w, b) minimising (1/2n)(‖Xw + b − y‖² + α‖w‖²)."""
    rng = np.random.default_rng(64)
    X1 = rng.normal(size=(30, 4)) + np.array([5.0, -3.0, 0.0, 10.0])  # columns not centred
    X2 = rng.normal(size=(25, 3))
    cases = [Case((X1, X1 @ np.array([1.0, 2.0, -1.0, 0.5]) + 7 + rng.normal(size=30), 3.0),
                  "30 houses, 4 features, α = 3"),
             Case((*_one_hot_houses(rng, 24), 10.0), "a one-hot block (collinear with the "
                  "intercept), α = 10"),
             Case((X2, X2 @ np.array([2.0, 0.0, -1.0]) - 4 + rng.normal(size=25), 0.0),
                  "α = 0 (least squares)")]
    check_function(
        f, linear.ridge_fit, cases, name="ridge", outputs=("w", "b"),
        against="lmvis.linear.ridge_fit",
        mistakes=[Mistake(_ridge_with_intercept_penalised,
                          "the intercept is not penalised: centre X and y first, solve for w, "
                          "then b = ȳ − x̄·w (or leave the intercept's entry out of αI)."),
                  Mistake(lambda X, y, a: (np.linalg.solve(X.T @ X + a * np.eye(X.shape[1]),
                                                           X.T @ y), 0.0),
                          "the model has an intercept b: centre X and y, solve for w, then "
                          "b = ȳ − x̄·w."),
                  Mistake(lambda X, y, a: (_ridge_centred(X, y, a), float(y.mean())),
                          "b is ȳ − x̄·w, not ȳ: the columns of X do not have mean 0."),
                  Mistake(lambda X, y, a: (_ridge_centred(X, y, a / len(y)),
                                           float(y.mean() - X.mean(axis=0)
                                                 @ _ridge_centred(X, y, a / len(y)))),
                          "with J = (1/2n)(‖r‖² + α‖w‖²) the 1/(2n) multiplies both terms, so "
                          "the equations are (XcᵀXc + αI)w = Xcᵀyc: α, not α/n.")])


def _frame(X):
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])


def _standardise(X_train, X):
    return TabularPreprocessor().fit(_frame(X_train)).transform(_frame(X))


def _scaled_by(stats_rows, X, ddof=0):
    return (X - stats_rows.mean(axis=0)) / stats_rows.std(axis=0, ddof=ddof)


def check_standardise(f: Callable[..., Any]) -> None:
    """Exercise 6.5: ``X`` standardised with the statistics of ``X_train`` (means, standard
    deviations with ddof = 0; a column constant in training divided by 1)."""
    rng = np.random.default_rng(65)
    scale = np.array([1.0, 100.0, 0.01])
    constant = rng.normal(size=(40, 3)) * scale
    constant[:, 2] = 4.0
    cases = [Case((rng.normal(size=(50, 3)) * scale + 2, rng.normal(size=(10, 3)) * scale),
                  "50 training rows, 10 other rows"),
             Case((rng.normal(size=(8, 2)), rng.normal(size=(3, 2)) + 5), "8 training rows, "
                  "3 other rows from elsewhere"),
             Case((constant, rng.normal(size=(5, 3)) * scale),
                  "a column constant in the training rows (its std is 0)")]
    check_function(
        f, _standardise, cases, name="standardise",
        against="lmvis.preprocessing.TabularPreprocessor",
        mistakes=[Mistake(lambda X_train, X: _scaled_by(X, X),
                          "the statistics must come from X_train: computing them on the rows "
                          "you transform is leakage (a validation or test row would shape its "
                          "own scaling)."),
                  Mistake(lambda X_train, X: _scaled_by(np.r_[X_train, X], X),
                          "statistics of the training and the other rows together are leakage "
                          "too: use X_train's alone."),
                  Mistake(lambda X_train, X: _scaled_by(X_train, X, ddof=1),
                          "that is the standard deviation with ddof = 1 (pandas' default); the "
                          "book's preprocessing, like scikit-learn's StandardScaler, divides by "
                          "n: np.std with its default ddof = 0."),
                  Mistake(lambda X_train, X: X - X_train.mean(axis=0),
                          "centring is half of it: divide by X_train's standard deviations "
                          "too.")])
