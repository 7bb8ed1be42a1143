"""Checkers for the exercises of chapter 1 (background: the four ways to learn, model scale)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lmvis.datasets import milestones
from lmvis.exercises.core import Case, Mistake, check_answer, check_function
from lmvis.ngram import NGram

#: GPT (2018) and GPT-3 (2020), parameters, from the book's table of milestones.
GPT_PARAMS = next(m.params for m in milestones.MILESTONES if m.name == "GPT")
GPT3_PARAMS = next(m.params for m in milestones.MILESTONES if m.name == "GPT-3")


def check_growth_factor(answer: Any) -> None:
    """Exercise 1.1: how many times more parameters GPT-3 has than GPT (a number)."""
    check_answer(
        answer, GPT3_PARAMS / GPT_PARAMS, name="GPT-3 / GPT", tol=0.02,
        hint="divide GPT-3's parameter count by GPT's (both from the milestones table)",
        mistakes=[(175e9 / 150e6, "That uses document 001's 150 million for GPT; Radford et "
                   "al. (2018) report about 117 million."),
                  (GPT_PARAMS / GPT3_PARAMS, "That is GPT / GPT-3: the ratio upside down.")])


def _nearest(X, centres):
    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)


def _nearest_cases() -> list[Case]:
    rng = np.random.default_rng(1)
    cases = [Case((rng.normal(size=(12, 2)), rng.normal(size=(3, 2))), "12 points, 3 centres"),
             Case((rng.normal(size=(7, 5)), rng.normal(size=(4, 5))), "7 points in 5-D"),
             Case((np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[5.0, 4.0], [0.0, 1.0]])),
                  "two points, each nearest to the other's index")]
    return cases


def check_assign_to_nearest(f: Callable[..., Any]) -> None:
    """Exercise 1.2: k-means' assignment step, labels (n,) of the nearest centre of each row."""
    check_function(
        f, _nearest, _nearest_cases(), name="assign_to_nearest", against="k-means' assignment",
        mistakes=[
            Mistake(lambda X, c: ((X[:, None] - c[None]) ** 2).sum(2).argmax(1),
                    "argmax picks the *farthest* centre; the nearest is argmin."),
            Mistake(lambda X, c: ((X[:, None] - c[None]) ** 2).sum(2),
                    "return the index of the nearest centre (argmin over axis 1), not the "
                    "distances themselves."),
            Mistake(lambda X, c: ((X[:, None] - c[None]) ** 2).sum(2).argmin(0),
                    "argmin over axis 0 picks, for each centre, its nearest point; each "
                    "point needs its nearest centre: axis=1."),
        ])


def _update(q, n, r):
    return q + (r - q) / n


def check_update_estimate(f: Callable[..., Any]) -> None:
    """Exercise 1.3: the bandit's incremental mean, Q ← Q + (r − Q)/N."""
    rng = np.random.default_rng(3)
    cases = [Case((0.0, 1, 2.5), "the first reward (N = 1)"),
             *(Case((float(rng.normal()), int(n), float(rng.normal())), f"N = {n}")
               for n in (2, 5, 40))]
    check_function(
        f, _update, cases, name="update_estimate", against="the running mean",
        mistakes=[
            Mistake(lambda q, n, r: r, "dividing by N is what makes the estimate an average; "
                    "without it the estimate is just the last reward."),
            Mistake(lambda q, n, r: q + (r - q), "the step is (r − Q)/N: without 1/N the "
                    "estimate jumps to the last reward."),
            Mistake(lambda q, n, r: q - (r - q) / n, "the sign is flipped: a reward above "
                    "the estimate must raise it (Q + (r − Q)/N)."),
            Mistake(lambda q, n, r: q + (r - q) / (n + 1), "N counts the rewards of this arm "
                    "including this one: the first reward (N = 1) must replace Q entirely."),
        ])


def _bigrams(ids, vocab_size):
    return NGram(2, vocab_size).fit(ids).counts


def check_bigram_counts(f: Callable[..., Any]) -> None:
    """Exercise 1.5: the counts[a, b] of token b following token a (V, V)."""
    rng = np.random.default_rng(4)
    cases = [Case((rng.integers(0, 4, 30), 4), "30 random ids, V = 4"),
             Case((np.array([0, 1, 1, 2, 0, 1]), 3), "the ids [0, 1, 1, 2, 0, 1], V = 3"),
             Case((rng.integers(0, 3, 12), 6), "ids that use only 3 of V = 6 tokens")]
    check_function(
        f, _bigrams, cases, name="bigram_counts", against="lmvis.ngram's bigram counts",
        mistakes=[Mistake(lambda ids, v: _bigrams(ids, v).T,
                          "counts[a, b] counts b *following* a: the row is the earlier "
                          "token (you swapped rows and columns)."),
                  Mistake(lambda ids, v: _bigrams(ids, v) / max(len(ids) - 1, 1),
                          "count the pairs (integers); normalising them into probabilities "
                          "is the next step, not this one.")])
