"""lmvis.training: fit (PyTorch) and fit_numpy (from scratch) learn, stop early, restore the best
weights and reject bad inputs; fit_numpy takes the same steps as torch; tensor_loader yields the
standard DataLoader's batches."""

import math

import numpy as np
import pytest
import torch
from lmvis import optim
from lmvis.datasets.digits import load_digits_split
from lmvis.losses import cross_entropy
from lmvis.metrics import majority_accuracy
from lmvis.mlp import MLP, to_torch
from lmvis.training import (
    History,
    evaluate_loss,
    fit,
    fit_numpy,
    tensor_loader,
    train_epoch_numpy,
)
from torch.utils.data import DataLoader, TensorDataset


def _blobs(n=200, seed=0, flip=False):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    X = torch.randn(n, 2, generator=g) + 2.0 * (2 * y[:, None] - 1).float()
    if flip:
        y = 1 - y
    return TensorDataset(X, y)


def _loaders(flip_val=False):
    train = DataLoader(_blobs(200, 0), batch_size=32, shuffle=True,
                       generator=torch.Generator().manual_seed(1))
    val = DataLoader(_blobs(100, 1, flip=flip_val), batch_size=50)
    return train, val


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))


def _accuracy(model, loader):
    with torch.no_grad():
        right = sum(int((model(x).argmax(1) == y).sum()) for x, y in loader)
    return right / sum(len(x) for x, _ in loader)


def test_short_run_beats_majority_baseline_and_is_deterministic():
    results = []
    for _ in range(2):
        model = _model()
        train, val = _loaders()
        hist = fit(model, torch.nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), 0.05),
                   train, val, max_epochs=15, patience=3, progress=False)
        results.append((hist.train_loss, hist.val_loss, _accuracy(model, val)))
    assert results[0] == results[1]  # same seeds, same numbers
    train_loss, val_loss, acc = results[0]
    assert acc >= 0.95 > 0.5 + 0.4  # majority baseline is 0.5 on balanced classes
    assert val_loss[-1] < math.log(2) / 4  # far below the loss of a uniform guess
    assert len(train_loss) == len(val_loss) >= 1


def test_best_weights_are_restored_when_validation_gets_worse():
    # Validation labels are the opposite of the training labels: learning makes it worse,
    # so early stopping must trigger and hand back the weights of the best (first) epochs.
    model = _model()
    train, val = _loaders(flip_val=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    hist = fit(model, loss_fn, torch.optim.SGD(model.parameters(), lr=0.5), train, val,
               max_epochs=30, patience=2, progress=False)
    assert isinstance(hist, History)
    assert hist.stopped_early and hist.epochs == hist.best_epoch + 2
    assert hist.best_val_loss == min(hist.val_loss)
    assert hist.val_loss[-1] > hist.best_val_loss
    restored = evaluate_loss(model, loss_fn, val)
    assert restored == pytest.approx(hist.best_val_loss, rel=1e-6)
    assert restored < hist.val_loss[-1]


def test_the_divergence_reference_leaves_the_global_generator_as_it_was():
    # fit's extra pass over val_loader (the untrained model's loss) iterates a DataLoader,
    # which draws a seed from torch's global generator: the pass must not shift later draws
    def run():
        model = _model()
        train, val = _loaders()
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            train, val, max_epochs=2, patience=5, progress=False)
        return torch.rand(3)

    def reference():  # one draw per pass over val (the training loader has its own generator)
        _model()  # seeds the global generator
        _, val = _loaders()
        for _epoch in range(2):
            list(val)
        return torch.rand(3)

    assert torch.equal(run(), reference())


def test_runs_to_max_epochs_without_patience_triggering():
    model = _model()
    train, val = _loaders()
    hist = fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.01),
               train, val, max_epochs=3, patience=10, progress=False)
    assert hist.epochs == 3 and not hist.stopped_early
    assert np.all(np.isfinite(hist.train_loss))


def test_evaluate_loss_matches_a_direct_computation():
    model = _model()
    _, val = _loaders()
    X, y = val.dataset.tensors
    with torch.no_grad():
        direct = float(torch.nn.functional.cross_entropy(model(X), y))
    assert evaluate_loss(model, torch.nn.CrossEntropyLoss(), val) == pytest.approx(direct)


def _regression(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=g, dtype=torch.float64)
    return X, X @ torch.tensor([[1.0], [-2.0]], dtype=torch.float64)


@pytest.mark.parametrize("optimizer, lr", [(torch.optim.SGD, 1e2), (torch.optim.Adam, 1e6)])
def test_divergence_is_reported(optimizer, lr):
    # SGD overflows to NaN; Adam's steps stay finite but the loss grows by 1e20 or more:
    # both are divergence, and both raise instead of returning a history of huge losses
    X, y = _regression()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 1)).double()
    train = tensor_loader(X, y, batch_size=16, shuffle=True)
    val = tensor_loader(*_regression(32, seed=1), batch_size=32)
    with pytest.raises(FloatingPointError, match="diverged: lower the learning rate"):
        fit(model, torch.nn.MSELoss(), optimizer(model.parameters(), lr=lr), train, val,
            max_epochs=30, patience=30, progress=False)


def test_nan_inputs_and_a_broken_loss_are_refused_before_any_step():
    X, y = _regression()
    X[5, 1] = float("nan")
    with pytest.raises(ValueError, match="X must contain only finite values, got NaN or inf"):
        tensor_loader(X, y, batch_size=8)
    # a loader of another kind: the batch that holds the NaN is refused before it is used
    model = torch.nn.Linear(2, 1).double()
    before = [p.detach().clone() for p in model.parameters()]
    train = DataLoader(TensorDataset(X, y), batch_size=8)
    val = tensor_loader(*_regression(32, seed=1), batch_size=32)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"the inputs of batch 0 of train_loader must contain "
                                         r"only finite values"):
        fit(model, torch.nn.MSELoss(), opt, train, val, max_epochs=2, patience=1, progress=False)
    with pytest.raises(ValueError, match=r"initial_val_loss \(the untrained model's validation "
                                         r"loss: check the model and loss_fn\) must be a finite"):
        fit(model, lambda out, t: out.sum() * float("inf"), opt, val, val, max_epochs=2,
            patience=1, progress=False)
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), before, strict=True))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"model": "not a model"}, TypeError, "torch.nn.Module"),
        ({"loss_fn": 3}, TypeError, "callable"),
        ({"optimizer": object()}, TypeError, "Optimizer"),
        ({"max_epochs": 0}, ValueError, "max_epochs must be an integer >= 1, got 0"),
        ({"max_epochs": 2.5}, TypeError, "max_epochs must be an integer, got float"),
        ({"patience": 0}, ValueError, "patience"),
        ({"patience": True}, TypeError, "patience must be an integer, got bool"),
        ({"device": "gpu0"}, ValueError, "device must name a device"),
        ({"progress": "no"}, TypeError, "progress must be True or False"),
        ({"train_loader": 3}, TypeError, "train_loader must be an iterable"),
        ({"loss_fn": lambda out, y: 1.0}, TypeError, r"loss_fn\(output, target\) .* must be a "
                                                     r"torch.Tensor, got float"),
    ],
)
def test_bad_inputs_raise(kwargs, exc, match):
    model = _model()
    train, val = _loaders()
    args = dict(model=model, loss_fn=torch.nn.CrossEntropyLoss(),
                optimizer=torch.optim.SGD(model.parameters(), lr=0.1), train_loader=train,
                val_loader=val, max_epochs=2, patience=1, progress=False)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        fit(**args)


def test_empty_loader_raises():
    model = _model()
    train, val = _loaders()
    empty = DataLoader(TensorDataset(torch.zeros(0, 2), torch.zeros(0, dtype=torch.long)))
    with pytest.raises(ValueError, match="train_loader must yield at least one example"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            empty, val, max_epochs=2, patience=1, progress=False)
    with pytest.raises(TypeError, match="positional"):  # the settings go by name
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            train, val, 2, 1)


# --- tensor_loader: the standard DataLoader's batches, fetched with one indexing operation ---


@pytest.mark.parametrize("shuffle", [False, True])
def test_tensor_loader_yields_exactly_the_standard_loaders_batches(shuffle):
    X, y = torch.randn(53, 3, generator=torch.Generator().manual_seed(0)), torch.arange(53)
    kwargs = {"generator": torch.Generator().manual_seed(7)} if shuffle else {}
    standard = DataLoader(TensorDataset(X, y), batch_size=8, shuffle=shuffle, **kwargs)
    fast = tensor_loader(X, y, batch_size=8, shuffle=shuffle, seed=7)
    for _epoch in range(3):  # each epoch reshuffles, in the same way in both
        ours, theirs = list(fast), list(standard)
        assert len(ours) == len(theirs) == 7  # 6 full batches and one of 5
        for (xa, ya), (xb, yb) in zip(ours, theirs, strict=True):
            assert torch.equal(xa, xb) and torch.equal(ya, yb)
    if shuffle:
        assert not torch.equal(next(iter(fast))[1], y[:8])


def test_tensor_loader_accepts_numpy_and_rejects_bad_input():
    xb, yb = next(iter(tensor_loader(np.zeros((4, 2), np.float32), np.arange(4), 3)))
    assert xb.shape == (3, 2) and yb.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match=r"X, y must have the same length, got \{'X': 4, 'y': 3\}"):
        tensor_loader(np.zeros((4, 2)), np.arange(3), 2)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        tensor_loader(np.zeros((4, 2)), np.arange(4), 0)
    with pytest.raises(ValueError, match="X must not be empty"):
        tensor_loader(np.zeros((0, 2)), np.arange(0), 2)
    with pytest.raises(TypeError, match="y must hold real numbers, got dtype <U1"):
        tensor_loader(np.zeros((2, 2)), np.array(["a", "b"]), 2)


# --- fit_numpy: the from-scratch MLP trained by the same protocol ---


def _classes(n, seed, flip=False):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    X = rng.normal(size=(n, 5)) + 1.5 * np.eye(3, 5)[y]
    return X, ((y + 1) % 3 if flip else y)


def _fit_numpy_setup(optimizer=optim.Adam, **opt_kwargs):
    net = MLP([5, 7, 3], activation="tanh", seed=0)
    return net, optimizer(net.parameters(), **opt_kwargs)


def test_fit_numpy_takes_the_same_steps_as_torch():
    # The same network, batches and Adam in torch (autograd + torch.optim), float64 throughout.
    X, y = _classes(50, 0)
    Xv, yv = _classes(30, 1)
    net, opt = _fit_numpy_setup(lr=0.05, weight_decay=1e-3)
    ref = to_torch(net)
    ref_opt = torch.optim.Adam(ref.parameters(), lr=0.05, weight_decay=1e-3)
    hist = fit_numpy(net, cross_entropy, opt, X, y, Xv, yv, batch_size=16, max_epochs=6,
                     patience=10, seed=3, progress=False)

    rng = np.random.default_rng(3)
    Xt, yt, Xvt, yvt = (torch.from_numpy(a) for a in (X, y, Xv, yv))
    ref_train, ref_val, ref_states = [], [], []
    for _epoch in range(6):
        order = torch.from_numpy(rng.permutation(len(X)))
        total = 0.0
        for batch in order.split(16):
            ref_opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(ref(Xt[batch]), yt[batch])
            loss.backward()
            ref_opt.step()
            total += loss.item() * len(batch)
        ref_train.append(total / len(X))
        with torch.no_grad():
            ref_val.append(torch.nn.functional.cross_entropy(ref(Xvt), yvt).item())
        ref_states.append([p.detach().clone() for p in ref.parameters()])

    assert np.allclose(hist.train_loss, ref_train, rtol=1e-11, atol=0)
    assert np.allclose(hist.val_loss, ref_val, rtol=1e-11, atol=0)
    best = int(np.argmin(ref_val))
    assert hist.best_epoch == best + 1
    for k, p in enumerate(net.parameters()):  # torch's Linear stores W transposed
        q = ref_states[best][k].numpy()
        assert np.allclose(p, q.T if p.ndim == 2 else q, rtol=0, atol=1e-11)


def test_fit_numpy_checks_its_epochs_arguments_once_and_a_direct_epoch_every_time(monkeypatch):
    from lmvis import training

    calls = []
    real = training._examples
    monkeypatch.setattr(training, "_examples", lambda *a: calls.append(a[2]) or real(*a))
    X, y = _classes(40, 0)
    Xv, yv = _classes(20, 1)
    net, opt = _fit_numpy_setup(lr=0.01)
    fit_numpy(net, cross_entropy, opt, X, y, Xv, yv, batch_size=16, max_epochs=5, patience=10,
              progress=False)
    assert calls == ["train", "val"]  # not once more for each of the 5 epochs
    rng = np.random.default_rng(0)
    train_epoch_numpy(net, cross_entropy, opt, X, y, batch_size=16, rng=rng)
    assert calls == ["train", "val", "train"]  # outside fit_numpy, every call is checked
    with pytest.raises(ValueError):
        train_epoch_numpy(net, cross_entropy, opt, np.full_like(X, np.nan), y, batch_size=16,
                          rng=rng)


def test_fit_numpy_stops_early_and_restores_the_best_weights():
    # Validation labels are shifted: learning the training labels makes validation worse.
    X, y = _classes(60, 0)
    Xv, yv = _classes(30, 1, flip=True)
    net, opt = _fit_numpy_setup(optimizer=optim.SGD, lr=0.5)
    hist = fit_numpy(net, cross_entropy, opt, X, y, Xv, yv, batch_size=10, max_epochs=40,
                     patience=3, progress=False)
    assert hist.stopped_early and hist.epochs == hist.best_epoch + 3 < 40
    assert hist.val_loss[-1] > hist.best_val_loss == min(hist.val_loss)
    assert cross_entropy(net.forward(Xv), yv)[0] == pytest.approx(hist.best_val_loss, rel=1e-12)


def test_fit_numpy_on_digits_beats_the_majority_baseline_and_is_deterministic():
    split = load_digits_split(seed=0)
    runs = []
    for _ in range(2):
        net = MLP([64, 32, 10], activation="relu", seed=0)
        hist = fit_numpy(net, cross_entropy, optim.Adam(net.parameters(), lr=0.01),
                         split.X_train, split.y_train, split.X_val, split.y_val,
                         batch_size=64, max_epochs=5, patience=5, progress=False)
        acc = np.mean(net.forward(split.X_val).argmax(axis=1) == split.y_val)
        runs.append((hist.train_loss, hist.val_loss, acc))
    assert runs[0] == runs[1]
    baseline = majority_accuracy(split.y_train, split.y_val)
    assert baseline < 0.15 and runs[0][2] > 0.9


@pytest.mark.parametrize("lr", [1e4, 1e8])
def test_fit_numpy_reports_divergence(lr):
    X, y = _classes(60, 0)
    net, opt = _fit_numpy_setup(lr=lr)  # Adam: the loss grows without overflowing
    with pytest.raises(FloatingPointError, match="diverged: lower the learning rate"):
        fit_numpy(net, cross_entropy, opt, X, y, *_classes(30, 1), batch_size=10,
                  max_epochs=50, patience=50, progress=False)


def test_fit_numpy_refuses_nan_inputs_and_a_loss_of_the_wrong_form_up_front():
    X, y = _classes(20, 0)
    net, opt = _fit_numpy_setup(lr=0.01)
    before = [p.copy() for p in net.parameters()]
    X_bad = X.copy()
    X_bad[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"X_train \(n, 5 network inputs\) must contain only "
                                         r"finite values, got 1 NaN"):
        fit_numpy(net, cross_entropy, opt, X_bad, y, X, y, batch_size=5, max_epochs=2,
                  patience=1, progress=False)
    with pytest.raises(ValueError, match=r"X_val .* must contain only finite values"):
        fit_numpy(net, cross_entropy, opt, X, y, X_bad, y, batch_size=5, max_epochs=2,
                  patience=1, progress=False)
    with pytest.raises(TypeError, match=r"loss_fn\(output, y\) .* must be a sequence .*got float"):
        fit_numpy(net, lambda out, t: 1.0, opt, X, y, X, y, batch_size=5, max_epochs=2,
                  patience=1, progress=False)
    with pytest.raises(ValueError, match=r"the value of loss_fn\(output, y\) must be a number, "
                                         r"got nan"):
        fit_numpy(net, lambda out, t: (float("nan"), np.zeros_like(out)), opt, X, y, X, y,
                  batch_size=5, max_epochs=2, patience=1, progress=False)
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters(), before, strict=True))


def test_fit_numpy_rejects_bad_input():
    X, y = _classes(20, 0)
    net, opt = _fit_numpy_setup(lr=0.01)
    args = dict(net=net, loss_fn=cross_entropy, optimizer=opt, X_train=X, y_train=y,
                X_val=X, y_val=y, batch_size=5, max_epochs=2, patience=1, progress=False)
    other = MLP([5, 7, 3], seed=1)
    cases = [
        ({"net": to_torch(net)}, TypeError, "lmvis.mlp.MLP"),
        ({"loss_fn": "cross_entropy"}, TypeError, "callable"),
        ({"optimizer": torch.optim.SGD(to_torch(net).parameters(), lr=0.1)}, TypeError,
         "lmvis.optim"),
        ({"optimizer": optim.SGD(other.parameters(), lr=0.1)}, ValueError, "net.parameters()"),
        ({"y_train": y[:-1]}, ValueError, "X_train, y_train must have the same length"),
        ({"X_val": X[:, 0]}, ValueError, r"X_val \(n, 5 network inputs\) must have shape"),
        ({"X_train": X[:, :4]}, ValueError, r"X_train .* must have shape \(n, 5\), got \(20, 4\)"),
        ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1"),
        ({"patience": 1.5}, TypeError, "patience must be an integer"),
        ({"seed": -1}, ValueError, "seed must be an integer >= 0"),
    ]
    for change, exc, match in cases:
        with pytest.raises(exc, match=match):
            fit_numpy(**{**args, **change})


def test_train_epoch_numpy_rejects_bad_input():
    X, y = _classes(20, 0)
    net, opt = _fit_numpy_setup(lr=0.01)
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        train_epoch_numpy(net, cross_entropy, opt, X, y, batch_size=5, rng=0)
    with pytest.raises(ValueError, match="batch_size"):
        train_epoch_numpy(net, cross_entropy, opt, X, y, batch_size=0, rng=rng)
    with pytest.raises(ValueError, match="X_train"):
        train_epoch_numpy(net, cross_entropy, opt, X, y[:3], batch_size=5, rng=rng)
    with pytest.raises(ValueError, match="net.parameters()"):
        train_epoch_numpy(net, cross_entropy, optim.SGD(MLP([5, 7, 3]).parameters(), lr=0.1),
                          X, y, batch_size=5, rng=rng)
    with pytest.raises(TypeError, match="positional"):  # batch_size goes by name
        train_epoch_numpy(net, cross_entropy, opt, X, y, 5, rng)
