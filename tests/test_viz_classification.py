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
    with pytest.raises(ValueError, match="same shape"):
        metrics.confusion_matrix(t, p[:5], 10)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        metrics.confusion_matrix(t, p, 3)


def test_pca_2d_matches_sklearn_up_to_sign():
    H = np.random.default_rng(1).normal(size=(100, 6)) * np.arange(1, 7)
    Z = pca.pca_2d(H)
    ref = PCA(2).fit_transform(H)
    for k in range(2):
        assert np.allclose(np.abs(Z[:, k]), np.abs(ref[:, k]), atol=1e-8)
        assert abs(np.corrcoef(Z[:, k], ref[:, k])[0, 1]) == pytest.approx(1.0)
    assert np.allclose(pca.pca_2d(H), pca.pca_2d(H.copy()))
    with pytest.raises(ValueError, match=r"\(n >= 2, d >= 2\)"):
        pca.pca_2d(np.zeros((5, 1)))


def test_decision_grid_evaluates_the_function():
    xx, yy, zz = cp.decision_grid(lambda P: P[:, 0] + 10 * P[:, 1], 0, 1, 5)
    assert xx.shape == yy.shape == zz.shape == (5, 5)
    assert np.allclose(zz, xx + 10 * yy)
    with pytest.raises(ValueError, match="lo < hi"):
        cp.decision_grid(lambda P: P[:, 0], 1, 0)
    with pytest.raises(TypeError, match="callable"):
        cp.decision_grid(3)
    with pytest.raises(ValueError, match="n must"):
        cp.decision_grid(lambda P: P[:, 0], n=1)


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
        (lambda: cp.plot_image_grid(np.zeros((4, 8))), r"\(n, h, w\)"),
        (lambda: cp.plot_image_grid(np.zeros((2, 8, 8)), titles=["a"]), "titles"),
        (lambda: cp.plot_weight_images(np.zeros((10, 3)), (8, 8)), "fan_in=64"),
        (lambda: cp.plot_learning_curves([1.0], [1.0, 2.0]), "equally long"),
        (lambda: cp.plot_confusion_matrix(np.zeros((2, 3))), "square"),
        (lambda: cp.plot_embedding(np.zeros((3, 3)), [0, 1, 2]), r"\(n, 2\)"),
    ],
)
def test_plot_helpers_validate(call, match):
    with pytest.raises(ValueError, match=match):
        call()
