"""lmvis.crossval and the digits development set: folds partition, stratify, omit the test set."""

import numpy as np
import pytest
from lmvis import crossval
from lmvis.datasets.digits import load_digits_development, load_digits_split


def test_folds_partition_the_indices_and_keep_class_proportions():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=203)
    folds = crossval.stratified_folds(y, k=5, seed=1)
    assert len(folds) == 5
    everything = np.concatenate(folds)
    assert np.array_equal(np.sort(everything), np.arange(len(y)))  # each index exactly once
    for c in range(4):
        per_fold = [int(np.sum(y[f] == c)) for f in folds]
        assert max(per_fold) - min(per_fold) <= 1  # the class spread evenly over the folds
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1  # remainders rotated, not piled into the first folds


def test_folds_are_seeded():
    y = np.repeat(np.arange(3), 20)
    a, b = crossval.stratified_folds(y, 4, seed=0), crossval.stratified_folds(y, 4, seed=0)
    c = crossval.stratified_folds(y, 4, seed=1)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not all(np.array_equal(p, q) for p, q in zip(a, c, strict=True))


def test_kfold_trains_on_the_other_folds_and_validates_on_one():
    X = np.arange(60, dtype=float).reshape(30, 2)
    y = np.repeat(np.arange(3), 10)
    folds = crossval.kfold(X, y, k=5, seed=0)
    seen_in_val = []
    for f in folds:
        train_rows = {tuple(r) for r in f.X_train.tolist()}
        val_rows = {tuple(r) for r in f.X_val.tolist()}
        assert not train_rows & val_rows
        assert len(train_rows) + len(val_rows) == len(X)
        assert f.n_features == 2 and f.n_classes == 3
        # labels travel with their rows
        assert np.array_equal(f.y_val, y[(f.X_val[:, 0] // 2).astype(int)])
        seen_in_val += sorted(val_rows)
    assert sorted(seen_in_val) == sorted(tuple(r) for r in X.tolist())


@pytest.mark.parametrize(("args", "message"), [
    ((np.array([0, 0, 1, 1, 1]), 3), "at least k = 3 examples"),
    ((np.array([0.0, 1.0, 1.0]), 2), "must hold integers"),
    ((np.array([0, 1, 0, 1]), 1), "k must be an integer >= 2"),
])
def test_folds_reject_bad_input_clearly(args, message):
    with pytest.raises((TypeError, ValueError), match=message):
        crossval.stratified_folds(*args)


def test_kfold_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="one per row of X"):
        crossval.kfold(np.zeros((5, 2)), np.array([0, 1, 0, 1]), k=2)


def test_development_set_is_everything_but_the_test_set_of_load_digits_split():
    dev, split = load_digits_development(seed=0), load_digits_split(seed=0)
    assert np.array_equal(dev.X_test, split.X_test) and np.array_equal(dev.y_test, split.y_test)
    assert len(dev.y_dev) + len(dev.y_test) == 1797
    rows = lambda X: {r.tobytes() for r in X}  # noqa: E731
    assert rows(dev.X_dev) == rows(np.concatenate([split.X_train, split.X_val]))
    assert not rows(dev.X_dev) & rows(dev.X_test)
    assert dev.images(dev.X_test[:3]).shape == (3, 8, 8) and dev.n_features == 64


def test_chapter_7s_test_split_is_the_fresh_seed_and_no_test_image_repeats_a_development_one():
    from lmvis.datasets.digits import TEST_SPLIT_SEED, count_duplicates

    fresh, old = load_digits_development(), load_digits_development(seed=0)
    assert np.array_equal(fresh.X_test, load_digits_development(seed=TEST_SPLIT_SEED).X_test)
    assert not np.array_equal(fresh.X_test, old.X_test)
    assert count_duplicates(fresh.X_test, fresh.X_dev) == 0
    assert count_duplicates(old.X_test, old.X_dev) == 0
