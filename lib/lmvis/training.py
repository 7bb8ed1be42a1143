"""The book's training loops: mini-batches, a validation set, early stopping on its loss.

Why one module for the whole book: every chapter that trains a model needs the same honest
protocol (fit on the training set, watch a held-out validation set, keep the weights of the
best validation epoch). :func:`fit` runs it for a ``torch.nn.Module``; :func:`fit_numpy` runs
the very same protocol for the from-scratch :class:`lmvis.mlp.MLP` with :mod:`lmvis.optim`.
Both keep their record in one :class:`History`, so the early-stopping rule is written once.
"""

from __future__ import annotations

import contextvars
import copy
import math
import weakref
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


#: The loaders that :func:`tensor_loader` made: their batches are slices of the tensors it
#: checked, so :func:`fit` and :func:`evaluate_loss` do not check every batch again.
_CHECKED_LOADERS: weakref.WeakSet = weakref.WeakSet()


def _batches(name: str, loader: Iterable, device: torch.device) -> Iterator[tuple]:
    """The ``(inputs, targets)`` batches of ``loader`` on ``device``; a batch that is not such a
    pair of tensors, or holds NaN or inf, raises ValueError naming the loader."""
    import torch

    if loader in _CHECKED_LOADERS:  # slices of tensors that tensor_loader checked
        for xb, yb in loader:
            yield xb.to(device), yb.to(device)
        return
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
    loader = DataLoader(dataset, sampler=BatchSampler(order, batch_size, drop_last=False),
                        batch_size=None, generator=generator)
    _CHECKED_LOADERS.add(loader)
    return loader


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
    # Checked once, above: every epoch's train_epoch_numpy gets these very objects.
    trusted = _CHECKED_EPOCH.set((net, loss_fn, optimizer, X_train, y_train, batch_size, rng))
    try:
        for _epoch in bar:
            train_loss = train_epoch_numpy(net, loss_fn, optimizer, X_train, y_train,
                                           batch_size=batch_size, rng=rng)
            val_loss, _ = _loss_and_grad(loss_fn, net.forward(X_val), y_val)
            if history.record(train_loss, val_loss):
                best = [p.copy() for p in params]
            bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
            if history.patience_ran_out(patience):
                break
    finally:
        _CHECKED_EPOCH.reset(trusted)
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


#: The arguments of the epochs that the running fit_numpy has checked (None outside it).
_CHECKED_EPOCH: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "_CHECKED_EPOCH", default=None)


def _check_numpy_training(net: Any, loss_fn: Any, optimizer: Any, X: ArrayLike, y: ArrayLike,
                          batch_size: Any, rng: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate what :func:`train_epoch_numpy` is given; return ``X``, ``y`` as arrays.

    Inside :func:`fit_numpy`, which checked the same objects once before its first epoch, the
    epochs' calls are not checked again."""
    given = (net, loss_fn, optimizer, X, y, batch_size, rng)
    checked = _CHECKED_EPOCH.get()
    if checked is not None and all(a is b for a, b in zip(checked, given, strict=True)):
        return X, y
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


# --- Language models (chapter 9): windows of a token stream, AdamW, warm-up and cosine -----


def lm_windows(ids: torch.Tensor, starts: torch.Tensor, *, batch_size: int, length: int,
               generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of ``batch_size`` windows of ``ids`` that begin at positions drawn from ``starts``.

    ids: (N,) long tensor (a token stream); starts: (S,) long tensor of allowed first positions.
    Returns (inputs (B, length), targets (B, length)): targets are the inputs shifted by one,
    so ``targets[b, t]`` is the token that follows ``inputs[b, :t + 1]``.
    """
    import torch

    batch_size, length = _check_windows(ids, starts, batch_size, length)
    if generator is not None:
        checks.instance("generator", generator, torch.Generator)
    return _windows(ids, starts, batch_size, length, generator)


def _check_windows(ids: torch.Tensor, starts: torch.Tensor, batch_size: int, length: int
                   ) -> tuple[int, int]:
    """What :func:`lm_windows` needs of its arguments: (batch_size, length) as ints."""
    checks.tensor("ids", ids, ndim=1, kind="int")
    checks.tensor("starts", starts, ndim=1, kind="int")
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    length = checks.integer("length", length, minimum=1)
    if len(starts) == 0 or int(starts.min()) < 0 or int(starts.max()) + length >= len(ids):
        raise ValueError(f"starts must be non-empty positions s with s + length < len(ids) = "
                         f"{len(ids)}, so that a window of length + 1 = {length + 1} fits")
    return batch_size, length


def _windows(ids: torch.Tensor, starts: torch.Tensor, batch_size: int, length: int,
             generator: torch.Generator | None) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`lm_windows` on checked arguments (a training loop checks them once)."""
    import torch

    pick = starts[torch.randint(0, len(starts), (batch_size,), generator=generator)]  # (B,)
    w = ids[pick[:, None] + torch.arange(length + 1)]  # (B, length + 1)
    return w[:, :-1], w[:, 1:]


def _next_token_loss(model: torch.nn.Module, inputs: torch.Tensor, targets: torch.Tensor,
                     reduction: str = "mean") -> torch.Tensor:
    """The cross-entropy of ``model(inputs)``'s logits against ``targets`` (-100: skipped),
    unchecked: the one next-token loss of :func:`train_language_model`, :func:`lm_loss` and
    :mod:`lmvis.distributed`. ``model(inputs)`` returns logits (B, T, V), or a tuple whose
    first element they are."""
    import torch.nn.functional as F

    out = model(inputs)
    logits = out[0] if isinstance(out, tuple) else out  # (B, T, V)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                           reduction=reduction)


def lm_examples(sequences: Iterable[Iterable[int]], length: int, pad: int = 0
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Whole sequences as one padded batch: (inputs (N, length), targets (N, length)).

    Sequence ``s`` (a list of ids, e.g. start-of-poem, the poem, end-of-poem) gives inputs
    ``s[:-1]`` and targets ``s[1:]``; padded positions have input ``pad`` and target -100, which
    ``torch.nn.functional.cross_entropy`` ignores, so every sequence is scored exactly once.
    """
    import torch

    length = checks.integer("length", length, minimum=1)
    pad = checks.integer("pad", pad, minimum=0)
    sequences = [checks.integers(f"sequences[{i}]", s, minimum=0)
                 for i, s in enumerate(checks.sequence("sequences", sequences, min_length=1))]
    inputs = torch.full((len(sequences), length), pad, dtype=torch.long)
    targets = torch.full((len(sequences), length), -100, dtype=torch.long)
    for i, s in enumerate(sequences):
        if not 2 <= len(s) <= length + 1:
            raise ValueError(f"sequences[{i}] has {len(s)} ids; each needs 2 to length + 1 = "
                             f"{length + 1}")
        inputs[i, :len(s) - 1] = torch.as_tensor(s[:-1])
        targets[i, :len(s) - 1] = torch.as_tensor(s[1:])
    return inputs, targets


def lm_loss(model: torch.nn.Module, inputs: torch.Tensor, targets: torch.Tensor,
            batch_size: int = 64) -> float:
    """Mean cross-entropy in nats per scored target (targets of -100 are skipped), no gradients.

    ``model(inputs)`` must return logits (B, T, V), or a tuple whose first element they are.
    Each position's loss is computed in the model's dtype and the sum taken in float64, so the
    result does not depend on ``batch_size``'s rounding. (Upcasting the logits instead would
    cost a copy of (batch, T, V) and a float64 softmax: twice the time of a float32 model's
    evaluation, for digits its logits do not have.)
    """
    import torch

    checks.instance("model", model, torch.nn.Module)
    checks.tensor("inputs", inputs, ndim=2, kind="int")
    checks.tensor("targets", targets, ndim=2, kind="int")
    if inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must have one shape, got {tuple(inputs.shape)} "
                         f"and {tuple(targets.shape)}")
    V = getattr(getattr(model, "config", None), "vocab_size", None)  # known for a GPT
    if V is not None:
        checks.token_ids("inputs", inputs, V)
        checks.token_ids("targets", targets, V, ignore=-100)
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(inputs), batch_size):
            y = targets[i:i + batch_size]
            per_position = _next_token_loss(model, inputs[i:i + batch_size], y,
                                            reduction="none")  # in the model's dtype; 0 if -100
            total += float(per_position.double().sum())
            count += int((y != -100).sum())
    model.train(was_training)
    if count == 0:
        raise ValueError("targets must hold at least one scored position (not -100)")
    return total / count


def quantize_(parameters: Iterable[torch.Tensor], quantum: float) -> None:
    """Round every parameter, in place, to the nearest multiple of ``quantum`` (a power of 2).

    Dividing and multiplying by a power of two is exact, so this rounding is the same on every
    CPU. Applied after each step of a float64 run, it snaps away differences of a few units in
    the last place (different code paths round sums differently): weights that agree to 1e-16
    round to the same grid point unless they straddle a rounding boundary, which with a grid of
    2⁻²⁰ happens about once in 10¹¹ updates. Two runs on different processors then stay
    bit-identical instead of drifting apart.
    """
    import math

    import torch

    quantum = checks.real("quantum", quantum, minimum=0, low_open=True)
    if math.frexp(quantum)[0] != 0.5:
        raise ValueError(f"quantum must be a power of two (e.g. 2**-20), got {quantum!r}")
    params = checks.sequence("parameters", parameters)
    for i, p in enumerate(params):
        checks.tensor(f"parameters[{i}]", p)
    with torch.no_grad():
        for p in params:
            p.copy_(torch.round(p / quantum) * quantum + 0.0)  # + 0.0 turns -0.0 into 0.0


@dataclass(kw_only=True)
class LMRun:
    """What :func:`train_language_model` records: the loss of every step's batch, its learning
    rate, the validation losses at ``eval_steps`` and copies of the weights at chosen steps."""

    train_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    snapshots: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("train_loss", "lr", "val_loss"):
            values = checks.sequence(name, getattr(self, name))
            setattr(self, name, [checks.real(f"{name}[{i}]", v, finite=False)
                                 for i, v in enumerate(values)])
        self.eval_steps = list(checks.integers("eval_steps", self.eval_steps, minimum=0))
        checks.instance("snapshots", self.snapshots, dict)


def adamw_for(model: torch.nn.Module, lr: float, weight_decay: float = 0.1,
              betas: tuple[float, float] = (0.9, 0.99)) -> torch.optim.AdamW:
    """AdamW with weight decay on the weight matrices and embeddings only, as in GPT-2 (biases
    and LayerNorm gains are not decayed). A tied matrix appears once."""
    import torch

    checks.instance("model", model, torch.nn.Module)
    lr = checks.real("lr", lr, minimum=0, low_open=True)
    weight_decay = checks.real("weight_decay", weight_decay, minimum=0)
    b1, b2 = (checks.real(f"betas[{i}]", b, minimum=0, maximum=1, high_open=True)
              for i, b in enumerate(checks.sequence("betas", betas, length=2)))
    params = list(model.parameters())  # shared (tied) tensors appear once
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(b1, b2))


def train_language_model(model: torch.nn.Module, ids: torch.Tensor, starts: torch.Tensor, *,
                         steps: int, batch_size: int, length: int, lr: float, warmup: int,
                         min_lr_factor: float = 0.1, weight_decay: float = 0.1,
                         grad_clip: float = 1.0, seed: int = 0, quantum: float | None = None,
                         eval_fn: Callable[[torch.nn.Module], float] | None = None,
                         eval_every: int = 0, snapshot_steps: Iterable[int] = (),
                         progress: bool = True, desc: str = "training",
                         report: Callable[[LMRun], None] | None = None) -> LMRun:
    """Train a next-token model on windows of ``ids``: AdamW, linear warm-up, cosine decay.

    Each of ``steps`` steps draws ``batch_size`` windows of ``length`` tokens that start at
    positions in ``starts`` (:func:`lm_windows`, generator seeded with ``seed``), takes the
    mean cross-entropy of ``model(inputs)`` against the shifted targets, clips the gradient
    norm at ``grad_clip``, and steps AdamW (:func:`adamw_for`) with the learning rate
    ``lr × warmup_cosine(warmup, steps, min_lr_factor)`` (:mod:`lmvis.schedules`). With
    ``quantum`` the weights are rounded to that grid before the first step and after every
    step (:func:`quantize_`). ``eval_fn(model)`` is recorded every ``eval_every`` steps and
    after the last; ``snapshot_steps`` (0 = before training) keep copies of the weights.
    ``report(run)``, if given, is called after each evaluation with the run so far (to show
    the losses while it trains).
    """
    import torch

    from lmvis.schedules import warmup_cosine

    checks.instance("model", model, torch.nn.Module)
    batch_size, length = _check_windows(ids, starts, batch_size, length)  # once, not every step
    steps = checks.integer("steps", steps, minimum=1)
    warmup = checks.integer(f"warmup (fewer than steps = {steps})", warmup, minimum=0,
                            maximum=steps - 1)
    min_lr_factor = checks.real("min_lr_factor", min_lr_factor, minimum=0, maximum=1)
    progress = checks.boolean("progress", progress)
    desc = checks.text("desc", desc)
    if quantum is not None:
        checks.real("quantum", quantum, minimum=0, low_open=True)
    eval_every = checks.integer("eval_every", eval_every, minimum=0)
    checks.real("grad_clip", grad_clip, minimum=0, low_open=True)
    if eval_every and eval_fn is None:
        raise ValueError("eval_every needs an eval_fn(model) to call")
    if eval_fn is not None:
        checks.is_callable("eval_fn", eval_fn)
    if report is not None:
        checks.is_callable("report", report)
    snapshot_steps = set(checks.integers("snapshot_steps", snapshot_steps, minimum=0))
    if snapshot_steps and max(snapshot_steps) > steps:
        raise ValueError(f"snapshot_steps must lie in [0, steps = {steps}], got "
                         f"{sorted(snapshot_steps)}")
    optimizer = adamw_for(model, lr, weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(warmup, steps, min_lr_factor))
    generator = torch.Generator().manual_seed(checks.integer("seed", seed, minimum=0))
    run = LMRun()

    def keep(step: int) -> None:
        if step in snapshot_steps:
            copies = {}  # a tied matrix stays one tensor in the copy, cloned once
            for v in model.state_dict().values():
                if v.data_ptr() not in copies:
                    copies[v.data_ptr()] = v.detach().clone()
            run.snapshots[step] = {k: copies[v.data_ptr()] for k, v in model.state_dict().items()}

    if quantum is not None:
        quantize_(model.parameters(), quantum)
    keep(0)
    model.train()
    bar = _progress(range(1, steps + 1), desc=desc, disable=not progress)
    for step in bar:
        inputs, targets = _windows(ids, starts, batch_size, length, generator)
        loss = _next_token_loss(model, inputs, targets)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        run.lr.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
        if quantum is not None:
            quantize_(model.parameters(), quantum)
        run.train_loss.append(float(loss.detach()))
        if not math.isfinite(run.train_loss[-1]):
            raise FloatingPointError(f"loss became {run.train_loss[-1]} at step {step}; "
                                     "lower the learning rate")
        keep(step)
        if eval_fn is not None and ((eval_every and step % eval_every == 0) or step == steps):
            run.eval_steps.append(step)
            run.val_loss.append(float(eval_fn(model)))
            model.train()
            if report is not None:
                report(run)
    bar.close()
    return run
