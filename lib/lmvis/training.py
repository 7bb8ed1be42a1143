"""The book's training loops: mini-batches, a validation set, early stopping on its loss.

Why one module for the whole book: every chapter that trains a model needs the same honest
protocol (fit on the training set, watch a held-out validation set, keep the weights of the
best validation epoch). :func:`fit` runs it for a ``torch.nn.Module``; :func:`fit_numpy` runs
the very same protocol for the from-scratch :class:`lmvis.mlp.MLP` with :mod:`lmvis.optim`.
Both keep their record in one :class:`History`, so the early-stopping rule is written once.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from lmvis.notebook import progress as _progress


@dataclass
class History:
    """What a training loop records: one entry per completed epoch (epochs are numbered from 1)."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0
    best_val_loss: float = math.inf
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs actually run."""
        return len(self.train_loss)

    def record(self, train_loss: float, val_loss: float) -> bool:
        """Append one epoch's losses; return True if its validation loss is a new best.

        A loss that is NaN or infinite raises FloatingPointError: training has diverged.
        """
        if not math.isfinite(train_loss) or not math.isfinite(val_loss):
            bad = train_loss if not math.isfinite(train_loss) else val_loss
            raise FloatingPointError(
                f"loss became {bad} at epoch {self.epochs + 1}; lower the learning rate"
            )
        self.train_loss.append(float(train_loss))
        self.val_loss.append(float(val_loss))
        if val_loss < self.best_val_loss:
            self.best_val_loss, self.best_epoch = float(val_loss), self.epochs
            return True
        return False

    def patience_ran_out(self, patience: int) -> bool:
        """True once ``patience`` epochs in a row have not improved on the best (sets the flag)."""
        self.stopped_early = self.epochs - self.best_epoch >= patience
        return self.stopped_early


def _check_int(name: str, value, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def evaluate_loss(model, loss_fn, loader, device=None) -> float:
    """Mean loss of ``model`` over ``loader`` (weighted by batch size), without gradients."""
    import torch

    device = _resolve_device(model, device)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = loss_fn(model(xb), yb)
            total += float(loss) * len(xb)
            count += len(xb)
    model.train(was_training)
    if count == 0:
        raise ValueError("loader yielded no examples")
    return total / count


def _resolve_device(model, device):
    import torch

    if device is not None:
        return torch.device(device)
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")


def fit(
    model,
    loss_fn,
    optimizer,
    train_loader,
    val_loader,
    max_epochs: int,
    patience: int,
    device=None,
    progress: bool = True,
    desc: str = "epochs",
) -> History:
    """Train ``model`` with mini-batches, stopping when validation loss stops improving.

    Each epoch runs one pass over ``train_loader`` (``optimizer.zero_grad``, ``loss.backward``,
    ``optimizer.step``), then measures the mean loss on ``val_loader``. Training stops after
    ``patience`` epochs without a new lowest validation loss, or after ``max_epochs``. The
    model's weights are then restored to those of the best epoch (in place) and the
    :class:`History` is returned. ``device`` (e.g. ``"cuda"``) defaults to where the model's
    parameters already live; the model is moved there and each batch follows it. ``desc``
    labels the progress bar.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}"
        )
    _check_int("max_epochs", max_epochs, 1)
    _check_int("patience", patience, 1)
    device = _resolve_device(model, device)
    model.to(device)

    history = History()
    best_state = copy.deepcopy(model.state_dict())
    bar = _progress(range(1, max_epochs + 1), desc=desc, disable=not progress)
    for _epoch in bar:
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(xb)
            count += len(xb)
        if count == 0:
            raise ValueError("train_loader yielded no examples")
        train_loss = total / count
        val_loss = evaluate_loss(model, loss_fn, val_loader, device)
        if history.record(train_loss, val_loss):
            best_state = copy.deepcopy(model.state_dict())
        bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
        if history.patience_ran_out(patience):
            break
    bar.close()
    model.load_state_dict(best_state)
    return history


def predict(model, X, device=None) -> np.ndarray:
    """``model``'s outputs for a NumPy ``X`` (n, d), in eval mode without gradients, as a NumPy
    array (n,) for one output, else (n, k). ``X`` takes the dtype of the model's parameters."""
    import torch

    device = _resolve_device(model, device)
    dtype = next(model.parameters()).dtype
    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(np.asarray(X), dtype=dtype, device=device))
    out = out.cpu().numpy()
    return out[:, 0] if out.ndim == 2 and out.shape[1] == 1 else out


def tensor_loader(X, y, batch_size: int, shuffle: bool = False, seed: int = 0):
    """A ``DataLoader`` over in-memory arrays that fetches each batch with one indexing operation.

    It yields exactly the batches of ``DataLoader(TensorDataset(X, y), batch_size,
    shuffle=shuffle, generator=torch.Generator().manual_seed(seed))``, but skips fetching
    ``batch_size`` single examples and stacking them again: on the book's small models that
    collation is a large part of the time of a training step.
    """
    import torch
    from torch.utils.data import (
        BatchSampler,
        DataLoader,
        RandomSampler,
        SequentialSampler,
        TensorDataset,
    )

    X, y = torch.as_tensor(X), torch.as_tensor(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X and y must hold the same non-zero number of examples, got shapes "
                         f"{tuple(X.shape)} and {tuple(y.shape)}")
    _check_int("batch_size", batch_size, 1)
    _check_int("seed", seed, 0)
    dataset = TensorDataset(X, y)
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    order = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
    # The same generator goes to the DataLoader too: the standard loader draws from it at the
    # start of every epoch, so sharing it keeps the shuffles identical to the standard loader's.
    return DataLoader(dataset, sampler=BatchSampler(order, batch_size, drop_last=False),
                      batch_size=None, generator=generator)


def train_epoch_numpy(net, loss_fn, optimizer, X, y, batch_size: int, rng) -> float:
    """One pass over ``(X, y)`` in a fresh random order, one optimizer step per mini-batch.

    ``net`` is an :class:`lmvis.mlp.MLP`, ``loss_fn`` returns ``(value, dLoss/dOutput)`` like
    :func:`lmvis.losses.cross_entropy`, ``optimizer`` is an :mod:`lmvis.optim` optimizer built
    on ``net.parameters()``. Returns the epoch's mean training loss.
    """
    X, y = _check_numpy_training(net, loss_fn, optimizer, X, y, batch_size, rng)
    order = rng.permutation(len(X))  # a new shuffle every epoch
    total = 0.0
    for start in range(0, len(X), batch_size):
        batch = order[start:start + batch_size]
        out = net.forward(X[batch])  # (B, n_outputs), e.g. logits
        loss, grad_out = loss_fn(out, y[batch])  # the loss and dLoss/dout
        grads = net.backward(grad_out)  # [(dW, db), ...] by the δ-recursion of chapter 4
        optimizer.step([g for dW_db in grads for g in dW_db])  # order of net.parameters()
        total += loss * len(batch)
    return total / len(X)


def fit_numpy(net, loss_fn, optimizer, X_train, y_train, X_val, y_val, batch_size: int,
              max_epochs: int, patience: int, seed: int = 0, progress: bool = True) -> History:
    """:func:`fit` for the from-scratch :class:`lmvis.mlp.MLP`: the same protocol, in NumPy.

    Each epoch runs :func:`train_epoch_numpy` (shuffled by ``np.random.default_rng(seed)``),
    then computes the validation loss. Stops after ``patience`` epochs without a new lowest
    validation loss, or after ``max_epochs``; the best epoch's weights are then put back into
    ``net`` (in place) and the :class:`History` is returned.
    """
    for name, value, minimum in (("max_epochs", max_epochs, 1), ("patience", patience, 1),
                                 ("seed", seed, 0)):
        _check_int(name, value, minimum)
    rng = np.random.default_rng(seed)
    X_train, y_train = _check_numpy_training(net, loss_fn, optimizer, X_train, y_train,
                                             batch_size, rng)
    X_val, y_val = _examples(X_val, y_val, "val")
    params = net.parameters()
    history = History()
    best = [p.copy() for p in params]
    bar = _progress(range(1, max_epochs + 1), desc="epochs", disable=not progress)
    for _epoch in bar:
        train_loss = train_epoch_numpy(net, loss_fn, optimizer, X_train, y_train, batch_size,
                                       rng)
        val_loss, _ = loss_fn(net.forward(X_val), y_val)
        if history.record(train_loss, val_loss):
            best = [p.copy() for p in params]
        bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
        if history.patience_ran_out(patience):
            break
    bar.close()
    for p, saved in zip(params, best, strict=True):
        p[...] = saved
    return history


def _examples(X, y, part: str):
    """``X`` (n, d) and ``y`` with n rows as arrays, or a ValueError naming the part."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.ndim == 0 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"X_{part} (n, d) and y_{part} must hold the same non-zero number of "
                         f"examples, got shapes {X.shape} and {y.shape}")
    return X, y


def _check_numpy_training(net, loss_fn, optimizer, X, y, batch_size, rng):
    """Validate what :func:`train_epoch_numpy` is given; return ``X``, ``y`` as arrays."""
    from lmvis.mlp import MLP
    from lmvis.optim import Optimizer

    if not isinstance(net, MLP):
        raise TypeError(f"net must be an lmvis.mlp.MLP, got {type(net).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an lmvis.optim optimizer, got "
                        f"{type(optimizer).__name__}")
    params = net.parameters()
    if len(optimizer.params) != len(params) or any(
            a is not b for a, b in zip(optimizer.params, params, strict=False)):
        raise ValueError("optimizer must update this network's arrays: build it on "
                         "net.parameters(), e.g. optim.Adam(net.parameters(), lr=0.001)")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    _check_int("batch_size", batch_size, 1)
    return _examples(X, y, "train")
