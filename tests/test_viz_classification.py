"""lmvis.viz.classification, lmvis.metrics.confusion_matrix and lmvis.pca: the computations match
references; the figures draw headless."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from lmvis import metrics, pca  # noqa: E402
from lmvis.viz import classification as cp  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.metrics import confusion_matrix as sk_confusion  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_confusion_matrix_matches_sklearn():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 10, 300), rng.integers(0, 10, 300)
    C = metrics.confusion_matrix(t, p, 10)
    assert np.array_equal(C, sk_confusion(t, p, labels=range(10)))
    assert C.sum() == 300 and np.trace(C) == np.sum(t == p)
    with pytest.raises(ValueError, match="y_true and y_pred must have the same shape"):
        metrics.confusion_matrix(t, p[:5], 10)
    with pytest.raises(ValueError, match=r"y_true must hold values >= 0 and <= 2"):
        metrics.confusion_matrix(t, p, 3)
    with pytest.raises(TypeError, match="n_classes must be an integer"):
        metrics.confusion_matrix(t, p, 10.0)
    assert np.array_equal(metrics.confusion_matrix(t, p, np.int64(10)), C)


def test_pca_2d_matches_sklearn_up_to_sign_and_fixes_the_sign_by_the_loadings():
    rng = np.random.default_rng(1)
    H = rng.normal(size=(100, 6)) * np.arange(1, 7)
    Z = pca.pca_2d(H)
    ref = PCA(2).fit(H)
    # the book's sign rule applied to scikit-learn's components: largest loading positive
    V = ref.components_  # (2, d)
    signs = np.sign(V[[0, 1], np.abs(V).argmax(axis=1)])
    np.testing.assert_allclose(Z, ref.transform(H) * signs, rtol=0, atol=1e-9)
    # that rule depends on the directions only, so the picture does not depend on the order of
    # the rows (an SVD's own signs may flip when they are shuffled)
    perm = rng.permutation(len(H))
    np.testing.assert_allclose(pca.pca_2d(H[perm]), Z[perm], rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="number of columns of H must be an integer >= 2, got 1"):
        pca.pca_2d(np.zeros((5, 1)))


def test_decision_grid_evaluates_the_function():
    xx, yy, zz = cp.decision_grid(lambda P: P[:, 0] + 10 * P[:, 1], 0, 1, 5)
    assert xx.shape == yy.shape == zz.shape == (5, 5)
    assert np.allclose(zz, xx + 10 * yy)
    with pytest.raises(ValueError, match=r"hi \(above lo = 1.0\) must be a number > 1.0, got 0.0"):
        cp.decision_grid(lambda P: P[:, 0], 1, 0)
    with pytest.raises(TypeError, match="predict must be callable"):
        cp.decision_grid(3)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        cp.decision_grid(lambda P: P[:, 0], n=1)
    with pytest.raises(ValueError, match=r"predict\(points\) must return 25 scores"):
        cp.decision_grid(lambda P: P[:5, 0], n=5)


def test_plots_draw_headless():
    rng = np.random.default_rng(0)
    xx, yy, zz = cp.decision_grid(lambda P: 1 / (1 + np.exp(-(P.sum(1) - 1.5) * 5)))
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1.0]])
    ax = cp.plot_decision_boundary(xx, yy, zz, X, np.array([0, 0, 0, 1]), title="AND")
    assert ax.get_title() == "AND" and len(ax.collections) >= 3
    fig = cp.plot_confusion_matrix(np.eye(3, dtype=int) * 5)
    assert fig.axes[0].get_xlabel() == "predicted class"
    fig = cp.plot_image_grid(rng.random((12, 8, 8)), titles=[str(i) for i in range(12)],
                             ncols=5)
    assert sum(1 for a in fig.axes if a.images) == 12
    fig = cp.plot_weight_images(rng.normal(size=(64, 10)), (8, 8), n=6, ncols=3)
    assert sum(1 for a in fig.axes if a.images) == 6
    fig = cp.plot_learning_curves([1.0, 0.5, 0.4], [1.1, 0.6, 0.7], best_epoch=2)
    assert len(fig.axes[0].lines) == 3
    ax = cp.plot_embedding(rng.normal(size=(30, 2)), np.arange(30) % 3)
    assert len(ax.collections) == 3


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: cp.plot_image_grid(np.zeros((4, 8))), r"images \(n, h, w\) must be 3-D"),
        (lambda: cp.plot_image_grid(np.zeros((2, 8, 8)), titles=["a"]),
         r"titles \(one per image: 2\) must hold 2 items, got 1"),
        (lambda: cp.plot_weight_images(np.zeros((10, 3)), (8, 8)), "fan_in=64"),
        (lambda: cp.plot_learning_curves([1.0], [1.0, 2.0]),
         "train_loss, val_loss must have the same length"),
        (lambda: cp.plot_learning_curves([1.0, 0.0], [1.0, 2.0]),
         r"train_loss must hold values > 0.0"),  # a log axis
        (lambda: cp.plot_confusion_matrix(np.zeros((2, 3), int)),
         "C's rows, C's columns must have the same length"),
        (lambda: cp.plot_embedding(np.zeros((3, 3)), [0, 1, 2]), r"Z must have shape \(n, 2\)"),
        (lambda: cp.plot_image_grid(np.zeros((2, 8, 8)), cmap="no such map"),
         r"cmap must be one of \[.*\.\.\. \(\d+ in all\)\], got 'no such map'"),
    ],
)
def test_plot_helpers_validate(call, match):
    with pytest.raises(ValueError, match=match):
        call()
