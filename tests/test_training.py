"""lmvis.training.fit: learns, stops early, restores the best weights, rejects bad inputs."""

import math

import numpy as np
import pytest
import torch
from lmvis.training import History, evaluate_loss, fit
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


def test_divergence_is_reported():
    model = _model()
    train, val = _loaders()
    with pytest.raises(FloatingPointError, match="learning rate"):
        fit(model, lambda out, y: out.sum() * float("inf"),
            torch.optim.SGD(model.parameters(), lr=0.1), train, val, 2, 1, progress=False)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"model": "not a model"}, TypeError, "torch.nn.Module"),
        ({"loss_fn": 3}, TypeError, "callable"),
        ({"optimizer": object()}, TypeError, "Optimizer"),
        ({"max_epochs": 0}, ValueError, "max_epochs"),
        ({"max_epochs": 2.5}, ValueError, "max_epochs"),
        ({"patience": 0}, ValueError, "patience"),
        ({"patience": True}, ValueError, "patience"),
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
    with pytest.raises(ValueError, match="no examples"):
        fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            empty, val, 2, 1, progress=False)
