"""Chapter 6: the worked step, linear fits, preprocessing, the Ames loader and the MLP loop."""

import gzip
import hashlib

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis import linear, metrics
from lmvis.datasets import ames as data
from lmvis.mlp import torch_mlp
from lmvis.preprocessing import TabularPreprocessor, log_target, train_val_test_split
from lmvis.training import fit, predict, tensor_loader
from sklearn.linear_model import Ridge


# --- Part 1: one step by hand -------------------------------------------------------------
def test_one_sample_step_matches_the_corrected_worked_example_and_autograd():
    s = linear.one_sample_step(100.0, 100.0, 0.2, 0.3, lr=0.01)
    w = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    loss = 0.5 * (100.0 - (w * 100.0 + b)) ** 2
    loss.backward()
    assert s["loss"] == pytest.approx(loss.item())
    assert s["dL_dw"] == pytest.approx(w.grad.item()) and s["dL_db"] == pytest.approx(b.grad.item())
    # one intercept (b = 0.3): y_hat = 20.3, loss = ½·79.7², dL/dw = −79.7·100
    assert s["loss"] == pytest.approx(3176.045)
    assert s["dL_dw"] == pytest.approx(-7970.0) and s["dL_db"] == pytest.approx(-79.7)
    assert s["w_new"] == pytest.approx(79.9)
    assert s["y_hat_new"] / 100.0 == pytest.approx(80.0, rel=0.01)  # overshoots ~80-fold


@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-2, 2), st.floats(-2, 2))
@settings(max_examples=30, deadline=None)
def test_one_sample_step_gradients_match_autograd(x, y, w0, b0):
    s = linear.one_sample_step(x, y, w0, b0, lr=0.1)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    (0.5 * (y - (w * x + b)) ** 2).backward()
    assert s["dL_dw"] == pytest.approx(w.grad.item(), abs=1e-9)
    assert s["dL_db"] == pytest.approx(b.grad.item(), abs=1e-9)


def test_one_sample_step_rejects_non_finite():
    with pytest.raises(ValueError, match="lr must be a finite number, got nan"):
        linear.one_sample_step(1.0, 1.0, 0.0, 0.0, lr=float("nan"))
    with pytest.raises(TypeError, match="x must be a real number, got str"):
        linear.one_sample_step("1", 1.0, 0.0, 0.0, lr=0.1)


# --- Part 2 and 3: linear fits ------------------------------------------------------------
@given(st.integers(5, 40), st.integers(1, 4), st.floats(0.01, 10.0), st.integers(0, 10**6))
@settings(max_examples=25, deadline=None)
def test_ridge_fit_matches_scikit_learn(n, d, alpha, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    w, b = linear.ridge_fit(X, y, alpha)
    ref = Ridge(alpha=alpha, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-8)
    assert b == pytest.approx(ref.intercept_, abs=1e-8)


def test_normal_equations_match_polyfit():
    rng = np.random.default_rng(0)
    x = rng.random(100)
    y = 2 * x + 1 + rng.normal(size=100)
    w, b = linear.normal_equations(x[:, None], y)
    slope, intercept = np.polyfit(x, y, 1)
    assert w[0] == pytest.approx(slope) and b == pytest.approx(intercept)


def test_objective_gradients_match_autograd():
    rng = np.random.default_rng(1)
    X, y, w0 = rng.normal(size=(30, 4)), rng.normal(size=30), rng.normal(size=4)
    J, dw, db = linear.objective_and_grads(X, y, w0, 0.5, alpha=2.0)  # alpha by name only
    Xt, yt = torch.tensor(X), torch.tensor(y)
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    r = Xt @ w + b - yt
    Jt = 0.5 * (r @ r + 2.0 * w @ w) / 30
    Jt.backward()
    assert J == pytest.approx(Jt.item())
    np.testing.assert_allclose(dw, w.grad.numpy(), atol=1e-12)
    assert db == pytest.approx(b.grad.item())


def test_gradient_descent_agrees_with_closed_form():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 5))
    y = X @ np.arange(1.0, 6.0) + 3 + 0.1 * rng.normal(size=200)
    w, b, losses = linear.fit_linear_gd(X, y, lr=0.3, n_steps=500, alpha=1.0)
    w_ref, b_ref = linear.ridge_fit(X, y, 1.0)
    np.testing.assert_allclose(w, w_ref, atol=1e-8)
    assert b == pytest.approx(b_ref, abs=1e-8)
    assert np.all(np.diff(losses) <= 1e-12)  # full-batch GD with a safe lr never goes up


def test_gradient_descent_accepts_an_in_place_optimizer():
    class Plain:
        def __init__(self, params, lr):
            self.params, self.lr = params, lr

        def step(self, grads):
            for p, g in zip(self.params, grads, strict=True):
                p -= self.lr * g

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    a = linear.fit_linear_gd(X, y, lr=0.1, n_steps=50)
    b = linear.fit_linear_gd(X, y, lr=0.1, n_steps=50, optimizer=lambda p: Plain(p, 0.1))
    np.testing.assert_allclose(a[0], b[0])
    assert a[1] == pytest.approx(b[1])


def test_linear_fits_validate_shapes():
    with pytest.raises(ValueError, match="X must be 2-D"):
        linear.ridge_fit(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match=r"y \(one target per row of X\) must have shape \(5,\)"):
        linear.ridge_fit(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="alpha must be a number >= 0.0, got -1.0"):
        linear.ridge_fit(np.zeros((5, 2)), np.zeros(5), alpha=-1)
    with pytest.raises(ValueError, match="lr must be a number > 0"):
        linear.fit_linear_gd(np.zeros((5, 2)), np.zeros(5), lr=0, n_steps=3)
    with pytest.raises(ValueError, match=r"y_true and y_pred must have the same shape"):
        metrics.rmse([1, 2], [1, 2, 3])
    # the old silent result: NaN data gave NaN weights
    X = np.ones((5, 2))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="X must contain only finite values, got 1 NaN"):
        linear.ridge_fit(X, np.zeros(5))
    with pytest.raises(ValueError, match=r"y \(one target per row of X\) must contain only finite"):
        linear.ridge_fit(np.ones((5, 2)), [0, 1, 2, np.inf, 4])


def test_gradient_descent_that_diverges_says_so():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(FloatingPointError, match="lower lr"):
        linear.fit_linear_gd(X, X @ [1.0, 2.0], lr=1e3, n_steps=500)


def test_metrics_against_hand_values():
    assert metrics.rmse([0, 0], [3, 4]) == pytest.approx(np.sqrt(12.5))
    assert metrics.mae([0, 0], [3, -4]) == pytest.approx(3.5)


def test_permutation_importance_finds_the_feature_that_matters():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 3))
    y = 3 * X[:, 0]
    imp = metrics.permutation_importance(
        lambda Z: 3 * Z[:, 0], X, y, {"a": [0], "b": [1], "c": [2]}, n_repeats=3
    )
    assert imp["a"][0] > 3.0 and imp["b"] == (0.0, 0.0) and imp["c"] == (0.0, 0.0)


# --- Preprocessing -----------------------------------------------------------------------
def _frame():
    return pd.DataFrame(
        {
            "area": [50.0, 70.0, np.nan, 90.0],
            "const": [1, 1, 1, 1],
            "hood": ["A", "B", "A", None],
            "price": [1.0, 2.0, 3.0, 4.0],
        }
    )


def test_preprocessor_fits_on_train_only_no_leakage():
    train = _frame()
    other = pd.DataFrame(
        {"area": [1e6, -1e6], "const": [5, 9], "hood": ["A", "B"], "price": [1, 1]}
    )
    pre = TabularPreprocessor(target="price").fit(train)
    before = (pre.mean_.copy(), pre.std_.copy())
    pre.transform(other)
    np.testing.assert_array_equal(pre.mean_, before[0])
    X = pre.transform(train)
    # numeric columns are standardised with the training statistics: mean 0 on train
    np.testing.assert_allclose(X[:, 0].mean(), 0.0, atol=1e-12)
    assert pre.mean_[0] == pytest.approx(70.0)  # median (70) imputed, then the mean of 50,70,70,90


def test_preprocessor_handles_zero_std_unseen_categories_and_missing_values():
    pre = TabularPreprocessor(target="price").fit(_frame())
    assert pre.feature_names_ == ["area", "const", "hood=<missing>", "hood=A", "hood=B"]
    new = pd.DataFrame({"area": [np.nan], "const": [7], "hood": ["Z"], "price": [1.0]})
    X = pre.transform(new)
    assert X.shape == (1, 5) and np.all(np.isfinite(X))
    np.testing.assert_array_equal(X[0, 2:], 0.0)  # unseen category: all zeros
    X_train = pre.transform(_frame())
    np.testing.assert_array_equal(X_train[:, 1], 0.0)  # constant column, no division by zero
    np.testing.assert_array_equal(X_train[3, 2:], [1.0, 0.0, 0.0])  # None -> <missing>


def test_preprocessor_errors():
    with pytest.raises(ValueError, match="call fit"):
        TabularPreprocessor().transform(_frame())
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        TabularPreprocessor().fit(np.zeros((3, 2)))
    pre = TabularPreprocessor(target="price").fit(_frame())
    with pytest.raises(ValueError, match=r"df lacks the columns \['hood'\]"):
        pre.transform(_frame().drop(columns=["hood"]))
    with pytest.raises(ValueError, match=r"price must hold values > 0.0, got values in \[0.0, 1"):
        log_target([1.0, 0.0])


def test_a_misspelt_target_raises_instead_of_leaking_into_the_features():
    # the old silent result: "SalePrice" for "price" kept the price among the features
    with pytest.raises(ValueError, match=r"df lacks the columns \['SalePrice'\]"):
        TabularPreprocessor(target="SalePrice").fit(_frame())
    with pytest.raises(TypeError, match="target must be a str"):
        TabularPreprocessor(target=["price"])


def test_drop_takes_one_name_or_a_list_and_every_name_must_exist():
    # the old silent result: drop="area" became the characters a, r, e, a and dropped nothing
    one = TabularPreprocessor(target="price", drop="area").fit(_frame())
    assert "area" not in one.feature_names_ and one.drop == ("area",)
    two = TabularPreprocessor(target="price", drop=["area", "const"]).fit(_frame())
    assert two.numeric_ == [] and two.feature_names_ == ["hood=<missing>", "hood=A", "hood=B"]
    with pytest.raises(ValueError, match=r"df lacks the columns \['aera'\]"):
        TabularPreprocessor(target="price", drop="aera").fit(_frame())
    with pytest.raises(TypeError, match=r"drop\[0\] must be a str"):
        TabularPreprocessor(drop=[3])


def test_infinite_values_are_refused_in_fit_and_transform():
    pre = TabularPreprocessor(target="price").fit(_frame())
    bad = _frame()
    bad.loc[1, "area"] = np.inf
    # the old silent result: transform passed inf (and -inf) through to the design matrix
    with pytest.raises(ValueError, match=r"df must have finite numeric values, got inf in the "
                                         r"columns \['area'\]"):
        pre.transform(bad)
    with pytest.raises(ValueError, match="got inf"):
        TabularPreprocessor(target="price").fit(bad)


def test_log_target_refuses_strings():
    # the old silent result: log_target(['1', '2']) parsed the strings as numbers
    with pytest.raises(TypeError, match="price must hold real numbers, got dtype <U1"):
        log_target(["1", "2"])
    np.testing.assert_array_equal(log_target([1.0, np.e]), [0.0, 1.0])


def test_split_is_seeded_disjoint_and_complete():
    a = train_val_test_split(100, seed=3)
    b = train_val_test_split(100, seed=3)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert [len(p) for p in a] == [70, 15, 15]
    assert sorted(np.concatenate(a)) == list(range(100))
    with pytest.raises(ValueError, match="fractions must sum to 1"):
        train_val_test_split(100, fractions=(0.5, 0.5, 0.5))
    assert [len(p) for p in train_val_test_split(np.int64(20))] == [14, 3, 3]


def test_split_never_returns_an_empty_part():
    # the old silent result: n = 3 gave an empty validation split
    with pytest.raises(ValueError, match=r"n = 3 is too small .* 'validation': 0"):
        train_val_test_split(3)
    for n in range(7, 60):  # from there on, every part of the default split is non-empty
        assert min(len(p) for p in train_val_test_split(n)) >= 1


# --- The Ames loader ----------------------------------------------------------------------
def test_load_ames_rows_columns_and_checksum():
    df = data.load_ames()
    assert df.shape == (2930, 74)
    assert "rownames" not in df.columns and df["Sale_Price"].min() > 0
    kinds = df.dtypes.astype(str).value_counts().to_dict()
    assert kinds == {"object": 40, "int64": 32, "float64": 2}
    assert sorted(df.columns[df.isna().any()]) == ["Mas_Vnr_Type", "Misc_Feature"]
    # parsing lost nothing: writing the frame back gives the shipped bytes, whose hash is pinned
    text = gzip.decompress(data.ames_path().read_bytes())
    assert df.to_csv(index=False, lineterminator="\n").encode("utf-8") == text
    assert hashlib.sha256(text).hexdigest() == data.AMES_SHA256


def test_load_ames_fails_on_a_wrong_checksum_or_a_missing_file(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        data.load_ames(expected_sha256="0" * 64)
    with pytest.raises(ValueError, match=r"expected_sha256 \(64 hex digits\) must be a str match"):
        data.load_ames(expected_sha256="abc")
    changed = gzip.decompress(data.ames_path().read_bytes()).replace(b"215000", b"215001", 1)
    (tmp_path / "ames.csv.gz").write_bytes(gzip.compress(changed))
    monkeypatch.setattr(data, "AMES_FILE", tmp_path / "ames.csv.gz")
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        data.load_ames()
    monkeypatch.setattr(data, "AMES_FILE", tmp_path / "absent.csv.gz")
    with pytest.raises(RuntimeError, match="missing from the package"):
        data.load_ames()


# --- The MLP, trained by training.fit -------------------------------------------------------
def _regression_run(seed=0):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 4))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1]
    model = torch_mlp(4, hidden=(32,), seed=seed, dtype=torch.float64)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    train = tensor_loader(X[:200], y[:200, None], batch_size=32, shuffle=True, seed=0)
    val = tensor_loader(X[200:], y[200:, None], batch_size=64)
    hist = fit(model, torch.nn.MSELoss(), opt, train, val, max_epochs=60, patience=10,
               progress=False)
    return model, hist, X, y


def test_short_deterministic_mlp_run_reaches_a_loss_bound():
    (model, h0, X, y), (_, h1, _, _) = _regression_run(), _regression_run()
    assert h0.val_loss == h1.val_loss  # deterministic
    assert h0.best_val_loss < 0.05 * np.var(y)
    pred = predict(model, X[200:])  # the best epoch's weights were restored
    assert pred.shape == (56,) and pred.dtype == np.float64
    assert np.mean((pred - y[200:]) ** 2) == pytest.approx(h0.best_val_loss, rel=1e-12)


def test_torch_mlp_architecture_seed_and_no_global_side_effect():
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a = torch_mlp(5, hidden=(8, 4), d_out=2, dropout=0.1, seed=7)
    assert torch.equal(torch.random.get_rng_state(), before)  # global generator untouched
    b = torch_mlp(5, hidden=(8, 4), d_out=2, dropout=0.1, seed=7)
    kinds = [type(m).__name__ for m in a]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    # torch's default initialisation from that seed: the same draws as building nn.Linear directly
    torch.manual_seed(7)
    ref = torch.nn.Linear(5, 8)
    assert torch.equal(a[0].weight, ref.weight) and torch.equal(a[0].bias, ref.bias)
    assert sum(p.numel() for p in a.parameters()) == (5 * 8 + 8) + (8 * 4 + 4) + (4 * 2 + 2)


def test_torch_mlp_leaves_the_cuda_generators_alone(monkeypatch):
    # torch.manual_seed also reseeds every CUDA generator, which fork_rng(devices=[]) would not
    # restore: on a GPU machine that was a hidden side effect on the global CUDA generator
    calls = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda seed: calls.append(seed))
    monkeypatch.setattr(torch.cuda, "manual_seed", lambda seed: calls.append(seed))
    torch_mlp(3, hidden=(4,), seed=5)
    assert calls == []


def test_mlp_validates_inputs():
    with pytest.raises(ValueError, match="d_in must be an integer >= 1"):
        torch_mlp(0)
    with pytest.raises(ValueError, match="dropout"):
        torch_mlp(2, dropout=1.0)
    with pytest.raises(TypeError, match="hidden"):
        torch_mlp(2, hidden=64)
    with pytest.raises(TypeError, match="dtype must be a torch dtype"):
        torch_mlp(2, dtype="float64")
