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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks
from lmvis.notebook import progress as _progress

if TYPE_CHECKING:
    import torch

    from lmvis.mlp import MLP
    from lmvis.optim import Optimizer

#: Training has diverged once a loss exceeds this many times the untrained model's validation
#: loss (or 1, if that is smaller): finite, but no longer learning anything.
DIVERGENCE_FACTOR = 1e4


@dataclass(kw_only=True)
class History:
    """What a training loop records: one entry per completed epoch (epochs are numbered from 1).

    ``initial_val_loss`` is the validation loss before any step; with it, :meth:`record` also
    calls a loss :data:`DIVERGENCE_FACTOR` times larger a divergence.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0
    best_val_loss: float = math.inf
    stopped_early: bool = False
    initial_val_loss: float | None = None

    def __post_init__(self):
        self.train_loss = [checks.real(f"train_loss[{i}]", v)
                           for i, v in enumerate(checks.sequence("train_loss", self.train_loss))]
        self.val_loss = [checks.real(f"val_loss[{i}]", v)
                         for i, v in enumerate(checks.sequence("val_loss", self.val_loss))]
        checks.same_length(train_loss=self.train_loss, val_loss=self.val_loss)
        self.best_epoch = checks.integer("best_epoch", self.best_epoch, minimum=0,
                                         maximum=len(self.val_loss))
        self.best_val_loss = checks.real("best_val_loss", self.best_val_loss, finite=False)
        self.stopped_early = checks.boolean("stopped_early", self.stopped_early)
        if self.initial_val_loss is not None:  # finite: the untrained model's loss is no result
            self.initial_val_loss = checks.real(
                "initial_val_loss (the untrained model's validation loss: check the model and "
                "loss_fn)", self.initial_val_loss)

    @property
    def epochs(self) -> int:
        """Number of epochs actually run."""
        return len(self.train_loss)

    def record(self, train_loss: float, val_loss: float) -> bool:
        """Append one epoch's losses; return True if its validation loss is a new best.

        A loss that is NaN or infinite, or :data:`DIVERGENCE_FACTOR` times the initial
        validation loss, raises FloatingPointError: training has diverged.
        """
        limit = (math.inf if self.initial_val_loss is None
                 else DIVERGENCE_FACTOR * max(self.initial_val_loss, 1.0))
        for name, loss in (("train_loss", train_loss), ("val_loss", val_loss)):
            try:
                checks.real(name, loss, maximum=limit)
            except ValueError:
                raise FloatingPointError(
                    f"{name} became {float(loss):.4g} at epoch {self.epochs + 1} (the untrained "
                    f"model's validation loss was {self.initial_val_loss}); training has "
                    f"diverged: lower the learning rate"
                ) from None
        self.train_loss.append(float(train_loss))
        self.val_loss.append(float(val_loss))
        if val_loss < self.best_val_loss:
            self.best_val_loss, self.best_epoch = float(val_loss), self.epochs
            return True
        return False

    def patience_ran_out(self, patience: int) -> bool:
        """True once ``patience`` epochs in a row have not improved on the best (sets the flag)."""
        patience = checks.integer("patience", patience, minimum=1)
        self.stopped_early = self.epochs - self.best_epoch >= patience
        return self.stopped_early


def _batches(name: str, loader: Iterable, device: torch.device) -> Iterator[tuple]:
    """The ``(inputs, targets)`` batches of ``loader`` on ``device``; a batch that is not such a
    pair of tensors, or holds NaN or inf, raises ValueError naming the loader."""
    import torch

    for k, batch in enumerate(loader):
        pair = checks.sequence(f"batch {k} of {name} (an (inputs, targets) pair)", batch,
                               length=2)
        for part, t in zip(("inputs", "targets"), pair, strict=True):
            checks.instance(f"the {part} of batch {k} of {name}", t, torch.Tensor,
                            "a torch.Tensor")
            if t.is_floating_point():
                checks.tensor(f"the {part} of batch {k} of {name}", t, finite=True)
        yield pair[0].to(device), pair[1].to(device)


def _loss_value(loss_fn: Callable, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return checks.tensor("loss_fn(output, target) (a scalar tensor)", loss_fn(output, target),
                         shape=())


def _check_model(model: Any, loss_fn: Any) -> None:
    import torch

    checks.instance("model", model, torch.nn.Module, "a torch.nn.Module")
    checks.is_callable("loss_fn", loss_fn)


def evaluate_loss(model: torch.nn.Module, loss_fn: Callable, loader: Iterable,
                  device: str | torch.device | None = None) -> float:
    """Mean loss of ``model`` over ``loader`` (weighted by batch size), without gradients."""
    _check_model(model, loss_fn)
    _check_loader("loader", loader)
    return _mean_loss(model, loss_fn, loader, _resolve_device(model, device), "loader")


def _check_loader(name: str, loader: Any) -> None:
    checks.instance(name, loader, Iterable, "an iterable of (inputs, targets) batches")
    if isinstance(loader, str | bytes):
        raise TypeError(f"{name} must be an iterable of (inputs, targets) batches, got str")


def _mean_loss(model, loss_fn, loader, device, name: str) -> float:
    import torch

    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for xb, yb in _batches(name, loader, device):
            loss = _loss_value(loss_fn, model(xb), yb)
            total += float(loss) * len(xb)
            count += len(xb)
    model.train(was_training)
    if count == 0:
        raise ValueError(f"{name} must yield at least one example, got none")
    return total / count


def _resolve_device(model: torch.nn.Module, device: Any) -> torch.device:
    import torch

    if device is not None:
        return checks.device("device", device)
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")


def fit(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    train_loader: Iterable,
    val_loader: Iterable,
    *,
    max_epochs: int,
    patience: int,
    device: str | torch.device | None = None,
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

    _check_model(model, loss_fn)
    checks.instance("optimizer", optimizer, torch.optim.Optimizer, "a torch.optim.Optimizer")
    _check_loader("train_loader", train_loader)
    _check_loader("val_loader", val_loader)
    max_epochs = checks.integer("max_epochs", max_epochs, minimum=1)
    patience = checks.integer("patience", patience, minimum=1)
    progress = checks.boolean("progress", progress)
    desc = checks.text("desc", desc)
    device = _resolve_device(model, device)
    model.to(device)

    # a DataLoader draws a seed from torch's global generator each time it is iterated: the
    # extra pass must not shift the numbers that dropout or the caller's code draw after it
    with torch.random.fork_rng(devices=[]):
        initial = _mean_loss(model, loss_fn, val_loader, device, "val_loader")
    history = History(initial_val_loss=initial)
    best_state = copy.deepcopy(model.state_dict())
    bar = _progress(range(1, max_epochs + 1), desc=desc, disable=not progress)
    for _epoch in bar:
        model.train()
        total, count = 0.0, 0
        for xb, yb in _batches("train_loader", train_loader, device):
            optimizer.zero_grad()
            loss = _loss_value(loss_fn, model(xb), yb)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(xb)
            count += len(xb)
        if count == 0:
            raise ValueError("train_loader must yield at least one example, got none")
        train_loss = total / count
        val_loss = _mean_loss(model, loss_fn, val_loader, device, "val_loader")
        if history.record(train_loss, val_loss):
            best_state = copy.deepcopy(model.state_dict())
        bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
        if history.patience_ran_out(patience):
            break
    bar.close()
    model.load_state_dict(best_state)
    return history


def predict(model: torch.nn.Module, X: ArrayLike, device: str | torch.device | None = None
            ) -> np.ndarray:
    """``model``'s outputs for a NumPy ``X`` (n, d), in eval mode without gradients, as a NumPy
    array (n,) for one output, else (n, k). ``X`` takes the dtype of the model's parameters."""
    import torch

    checks.instance("model", model, torch.nn.Module, "a torch.nn.Module")
    X = checks.array("X", X, ndim=2)
    device = _resolve_device(model, device)
    dtype = next(model.parameters(), torch.empty(0)).dtype
    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(X, dtype=dtype, device=device))
    out = out.cpu().numpy()
    return out[:, 0] if out.ndim == 2 and out.shape[1] == 1 else out


def _as_tensor(name: str, x: Any) -> torch.Tensor:
    """``x`` (an array or a tensor of numbers, at least 1-D, finite) as a tensor, dtype kept."""
    import torch

    if isinstance(x, torch.Tensor):
        checks.tensor(name, x, min_ndim=1, finite=True,
                      kind="float" if x.is_floating_point() else "int")
        return x
    return torch.as_tensor(checks.array(name, x, kind="numeric", min_ndim=1))


def tensor_loader(X: ArrayLike | torch.Tensor, y: ArrayLike | torch.Tensor, batch_size: int, *,
                  shuffle: bool = False, seed: int = 0) -> torch.utils.data.DataLoader:
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

    X, y = _as_tensor("X", X), _as_tensor("y", y)
    checks.same_length(X=X, y=y)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    shuffle = checks.boolean("shuffle", shuffle)
    seed = checks.integer("seed", seed, minimum=0)
    dataset = TensorDataset(X, y)
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    order = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
    # The same generator goes to the DataLoader too: the standard loader draws from it at the
    # start of every epoch, so sharing it keeps the shuffles identical to the standard loader's.
    return DataLoader(dataset, sampler=BatchSampler(order, batch_size, drop_last=False),
                      batch_size=None, generator=generator)


def train_epoch_numpy(net: MLP, loss_fn: Callable, optimizer: Optimizer, X: ArrayLike,
                      y: ArrayLike, *, batch_size: int, rng: np.random.Generator) -> float:
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


def fit_numpy(
    net: MLP,
    loss_fn: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]],
    optimizer: Optimizer,
    X_train: ArrayLike,
    y_train: ArrayLike,
    X_val: ArrayLike,
    y_val: ArrayLike,
    *,
    batch_size: int,
    max_epochs: int,
    patience: int,
    seed: int = 0,
    progress: bool = True,
) -> History:
    """:func:`fit` for the from-scratch :class:`lmvis.mlp.MLP`: the same protocol, in NumPy.

    Each epoch runs :func:`train_epoch_numpy` (shuffled by ``np.random.default_rng(seed)``),
    then computes the validation loss. Stops after ``patience`` epochs without a new lowest
    validation loss, or after ``max_epochs``; the best epoch's weights are then put back into
    ``net`` (in place) and the :class:`History` is returned.
    """
    max_epochs = checks.integer("max_epochs", max_epochs, minimum=1)
    patience = checks.integer("patience", patience, minimum=1)
    progress = checks.boolean("progress", progress)
    rng = np.random.default_rng(checks.integer("seed", seed, minimum=0))
    X_train, y_train = _check_numpy_training(net, loss_fn, optimizer, X_train, y_train,
                                             batch_size, rng)
    X_val, y_val = _examples(X_val, y_val, "val", net.layer_sizes[0])
    params = net.parameters()
    history = History(initial_val_loss=_loss_and_grad(loss_fn, net.forward(X_val), y_val)[0])
    best = [p.copy() for p in params]
    bar = _progress(range(1, max_epochs + 1), desc="epochs", disable=not progress)
    for _epoch in bar:
        train_loss = train_epoch_numpy(net, loss_fn, optimizer, X_train, y_train,
                                       batch_size=batch_size, rng=rng)
        val_loss, _ = _loss_and_grad(loss_fn, net.forward(X_val), y_val)
        if history.record(train_loss, val_loss):
            best = [p.copy() for p in params]
        bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
        if history.patience_ran_out(patience):
            break
    bar.close()
    for p, saved in zip(params, best, strict=True):
        p[...] = saved
    return history


def _loss_and_grad(loss_fn: Callable, output: np.ndarray, y: np.ndarray
                   ) -> tuple[float, np.ndarray]:
    """What a NumPy ``loss_fn`` returns, checked: a (value, dLoss/dOutput) pair."""
    value, grad = checks.sequence("loss_fn(output, y) (a (value, gradient) pair)",
                                  loss_fn(output, y), length=2)
    return checks.real("the value of loss_fn(output, y)", value, finite=False), grad


def _examples(X: ArrayLike, y: ArrayLike, part: str, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, d) and ``y`` with n rows as finite arrays, or a ValueError naming the part."""
    X = checks.array(f"X_{part} (n, {d} network inputs)", X, shape=(None, d), kind="numeric")
    y = checks.array(f"y_{part}", y, min_ndim=1, kind="numeric")
    checks.same_length(**{f"X_{part}": X, f"y_{part}": y})
    return X, y


def _check_numpy_training(net: Any, loss_fn: Any, optimizer: Any, X: ArrayLike, y: ArrayLike,
                          batch_size: Any, rng: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate what :func:`train_epoch_numpy` is given; return ``X``, ``y`` as arrays."""
    from lmvis.mlp import MLP
    from lmvis.optim import Optimizer

    checks.instance("net", net, MLP, "an lmvis.mlp.MLP")
    checks.is_callable("loss_fn", loss_fn)
    checks.instance("optimizer", optimizer, Optimizer, "an lmvis.optim optimizer")
    params = net.parameters()
    if len(optimizer.params) != len(params) or any(
            a is not b for a, b in zip(optimizer.params, params, strict=False)):
        raise ValueError("optimizer must update this network's arrays: build it on "
                         "net.parameters(), e.g. optim.Adam(net.parameters(), lr=0.001)")
    checks.instance("rng", rng, np.random.Generator,
                    "a numpy.random.Generator (np.random.default_rng(seed))")
    checks.integer("batch_size", batch_size, minimum=1)
    return _examples(X, y, "train", net.layer_sizes[0])
