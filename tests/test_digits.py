"""lmvis.datasets.digits: the split is stratified, disjoint, complete, seeded, validates inputs."""

import numpy as np
import pytest
from lmvis.datasets.digits import ImageSplit, load_digits_split, split_dataset
from sklearn.datasets import load_digits


def _rows(X):
    return {r.tobytes() for r in np.ascontiguousarray(X)}


def test_digits_split_sizes_cover_everything_once():
    s = load_digits_split()
    n = len(s.y_train) + len(s.y_val) + len(s.y_test)
    assert n == len(load_digits().target) == 1797
    assert s.X_train.shape == (len(s.y_train), 64) and s.n_features == 64
    assert s.n_classes == 10 and s.image_shape == (8, 8)
    assert abs(len(s.y_test) - 0.15 * n) <= 10 and abs(len(s.y_val) - 0.15 * n) <= 10
    assert s.X_train.dtype == np.float64 and s.y_train.dtype == np.int64
    assert load_digits_split(seed=0, dtype=np.float32).X_val.dtype == np.float32
    assert s.X_train.min() >= 0 and s.X_train.max() <= 1


def test_digits_split_is_disjoint_and_matches_the_source():
    s = load_digits_split()
    data = load_digits()
    # Multiset of (image, label) pairs is exactly the original data set.
    ours = sorted((x.tobytes(), int(c)) for X, y in
                  ((s.X_train, s.y_train), (s.X_val, s.y_val), (s.X_test, s.y_test))
                  for x, c in zip((X * 16).round().astype(np.int64), y, strict=True))
    theirs = sorted((x.tobytes(), int(c)) for x, c in
                    zip(data.data.astype(np.int64), data.target, strict=True))
    assert ours == theirs


def test_split_parts_are_disjoint_by_index():
    X = np.arange(300 * 4).reshape(300, 4)  # every row unique
    y = np.repeat(np.arange(3), 100)
    s = split_dataset(X, y, (2, 2), seed=3, scale=1.0)
    tr, va, te = _rows(s.X_train), _rows(s.X_val), _rows(s.X_test)
    assert not (tr & va) and not (tr & te) and not (va & te)
    assert len(tr) + len(va) + len(te) == 300


def test_split_is_stratified():
    s = load_digits_split()
    full = np.bincount(load_digits().target, minlength=10) / 1797
    for y in (s.y_train, s.y_val, s.y_test):
        share = np.bincount(y, minlength=10) / len(y)
        assert np.abs(share - full).max() < 0.01


def test_split_is_stratified_for_unbalanced_classes():
    y = np.array([0] * 900 + [1] * 100)
    X = np.arange(1000, dtype=float)[:, None]
    s = split_dataset(X, y, (1,), val_fraction=0.2, test_fraction=0.2, seed=1)
    for part in (s.y_train, s.y_val, s.y_test):
        assert np.mean(part == 1) == pytest.approx(0.1, abs=0.005)


def test_split_is_seeded():
    a, b, c = load_digits_split(seed=0), load_digits_split(seed=0), load_digits_split(seed=1)
    assert np.array_equal(a.X_test, b.X_test) and np.array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.X_test, c.X_test)


def test_other_image_shapes_can_be_swapped_in():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(60, 3, 4, 4))  # a tiny "CIFAR" of colour images
    y = np.repeat(np.arange(3), 20)
    s = split_dataset(X, y, (3, 4, 4))
    assert isinstance(s, ImageSplit) and s.n_features == 48
    assert s.images(s.X_train).shape == (len(s.y_train), 3, 4, 4)
    assert s.X_train.max() <= 1.0


@pytest.mark.parametrize(
    "X, y, shape, kw, match",
    [
        (np.zeros((10, 4)), np.zeros(10, int), (3, 3), {}, "image_shape"),
        (np.zeros((10, 4)), np.zeros(9, int), (2, 2), {}, r"y \(labels.* must have shape \(10,\)"),
        (np.zeros(10), np.zeros(10, int), (1,), {}, "X .* at least 2 dimensions"),
        (np.ones((10, 4)), np.zeros(10, int), (2, 2), {"val_fraction": 0}, "val_fraction"),
        (np.ones((10, 4)), np.zeros(10, int), (2, 2), {"test_fraction": 1.5}, "test_fraction"),
        (np.ones((10, 4)), np.zeros(10, int), (2, 2),
         {"val_fraction": 0.5, "test_fraction": 0.5}, r"test_fraction \(below 1 - val_fraction"),
        (np.ones((10, 4)), np.array([0] * 8 + [1] * 2), (2, 2), {}, "at least 3"),
        (np.full((10, 4), np.nan), np.zeros(10, int), (2, 2), {}, "X .* NaN"),
        (np.zeros((10, 4)), np.zeros(10, int), (2, 2), {}, "scale"),
        # the old silent result: a NaN scale divided every pixel into NaN
        (np.ones((10, 4)), np.zeros(10, int), (2, 2), {"scale": float("nan")},
         "scale must be a finite number, got nan"),
        (np.ones((10, 4)), np.zeros(10, int), (2, 2), {"scale": -2.0},
         "scale must be a number > 0"),
    ],
)
def test_bad_inputs_raise(X, y, shape, kw, match):
    with pytest.raises(ValueError, match=match):
        split_dataset(X, y, shape, **kw)


def test_float_labels_are_refused_with_a_type_error():
    with pytest.raises(TypeError, match=r"y \(labels.*\) must hold integers, got dtype float64"):
        split_dataset(np.zeros((10, 4)), np.zeros(10), (2, 2))


def test_count_duplicates_counts_rows_equal_to_some_reference_row():
    from lmvis.datasets.digits import count_duplicates

    ref = np.array([[0.0, 1.0], [2.0, 3.0], [2.0, 3.0]])
    X = np.array([[2.0, 3.0], [0.0, 1.5], [0.0, 1.0], [2.0, 3.0]])
    assert count_duplicates(X, ref) == 3  # each matching row counts once, however often in ref
    assert count_duplicates(X.astype(np.float32), ref) == 3  # the same values in another dtype
    assert count_duplicates(np.array([[7, 7]]), ref) == 0
    with pytest.raises(ValueError, match="X_reference"):
        count_duplicates(X, np.zeros((2, 3)))
