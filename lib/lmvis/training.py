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
) -> History:
    """Train ``model`` with mini-batches, stopping when validation loss stops improving.

    Each epoch runs one pass over ``train_loader`` (``optimizer.zero_grad``, ``loss.backward``,
    ``optimizer.step``), then measures the mean loss on ``val_loader``. Training stops after
    ``patience`` epochs without a new lowest validation loss, or after ``max_epochs``. The
    model's weights are then restored to those of the best epoch (in place) and the
    :class:`History` is returned. ``device`` (e.g. ``"cuda"``) defaults to where the model's
    parameters already live; the model is moved there and each batch follows it.
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
    bar = _progress(range(1, max_epochs + 1), desc="epochs", disable=not progress)
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


# --- Language models (chapter 9): windows of a token stream, AdamW, warm-up and cosine -----


def lm_windows(ids, starts, batch_size: int, length: int, generator=None):
    """A batch of ``batch_size`` windows of ``ids`` that begin at positions drawn from ``starts``.

    ids: (N,) long tensor (a token stream); starts: (S,) long tensor of allowed first positions.
    Returns (inputs (B, length), targets (B, length)): targets are the inputs shifted by one,
    so ``targets[b, t]`` is the token that follows ``inputs[b, :t + 1]``.
    """
    import torch

    from lmvis import checks

    checks.tensor("ids", ids, ndim=1, kind="int")
    checks.tensor("starts", starts, ndim=1, kind="int")
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    length = checks.integer("length", length, minimum=1)
    if len(starts) == 0 or int(starts.min()) < 0 or int(starts.max()) + length >= len(ids):
        raise ValueError(f"starts must be non-empty positions s with s + length < len(ids) = "
                         f"{len(ids)}, so that a window of length + 1 = {length + 1} fits")
    pick = starts[torch.randint(0, len(starts), (batch_size,), generator=generator)]  # (B,)
    w = ids[pick[:, None] + torch.arange(length + 1)]  # (B, length + 1)
    return w[:, :-1], w[:, 1:]


def lm_examples(sequences, length: int, pad: int = 0):
    """Whole sequences as one padded batch: (inputs (N, length), targets (N, length)).

    Sequence ``s`` (a list of ids, e.g. start-of-poem, the poem, end-of-poem) gives inputs
    ``s[:-1]`` and targets ``s[1:]``; padded positions have input ``pad`` and target -100, which
    ``torch.nn.functional.cross_entropy`` ignores, so every sequence is scored exactly once.
    """
    import torch

    from lmvis import checks

    length = checks.integer("length", length, minimum=1)
    if not isinstance(sequences, list | tuple) or not sequences:
        raise ValueError("sequences must be a non-empty list of lists of ids")
    inputs = torch.full((len(sequences), length), pad, dtype=torch.long)
    targets = torch.full((len(sequences), length), -100, dtype=torch.long)
    for i, s in enumerate(sequences):
        if not 2 <= len(s) <= length + 1:
            raise ValueError(f"sequence {i} has {len(s)} ids; each needs 2 to length + 1 = "
                             f"{length + 1}")
        inputs[i, :len(s) - 1] = torch.as_tensor(s[:-1])
        targets[i, :len(s) - 1] = torch.as_tensor(s[1:])
    return inputs, targets


def lm_loss(model, inputs, targets, batch_size: int = 64) -> float:
    """Mean cross-entropy in nats per scored target (targets of -100 are skipped), no gradients.

    ``model(inputs)`` must return logits (B, T, V), or a tuple whose first element they are.
    Sums are taken in float64, so the result does not depend on ``batch_size``'s rounding.
    """
    import torch
    import torch.nn.functional as F

    from lmvis import checks

    checks.tensor("inputs", inputs, ndim=2, kind="int")
    checks.tensor("targets", targets, ndim=2, kind="int")
    if inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must have one shape, got {tuple(inputs.shape)} "
                         f"and {tuple(targets.shape)}")
    batch_size = checks.integer("batch_size", batch_size, minimum=1)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(inputs), batch_size):
            out = model(inputs[i:i + batch_size])
            logits = out[0] if isinstance(out, tuple) else out  # (b, T, V)
            y = targets[i:i + batch_size]
            total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(),
                                           y.reshape(-1), reduction="sum"))
            count += int((y != -100).sum())
    model.train(was_training)
    if count == 0:
        raise ValueError("targets must hold at least one scored position (not -100)")
    return total / count


def quantize_(parameters, quantum: float) -> None:
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

    from lmvis import checks

    quantum = checks.real("quantum", quantum, minimum=0, low_open=True)
    if math.frexp(quantum)[0] != 0.5:
        raise ValueError(f"quantum must be a power of two (e.g. 2**-20), got {quantum!r}")
    with torch.no_grad():
        for p in parameters:
            p.copy_(torch.round(p / quantum) * quantum + 0.0)  # + 0.0 turns -0.0 into 0.0


@dataclass
class LMRun:
    """What :func:`train_language_model` records: the loss of every step's batch, its learning
    rate, the validation losses at ``eval_steps`` and copies of the weights at chosen steps."""

    train_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    snapshots: dict = field(default_factory=dict)


def adamw_for(model, lr: float, weight_decay: float = 0.1, betas=(0.9, 0.99)):
    """AdamW with weight decay on the weight matrices and embeddings only, as in GPT-2 (biases
    and LayerNorm gains are not decayed). A tied matrix appears once."""
    import torch

    params = list(model.parameters())  # shared (tied) tensors appear once
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=betas)


def train_language_model(model, ids, starts, *, steps: int, batch_size: int, length: int,
                         lr: float, warmup: int, min_lr_factor: float = 0.1,
                         weight_decay: float = 0.1, grad_clip: float = 1.0, seed: int = 0,
                         quantum: float | None = None, eval_fn=None, eval_every: int = 0,
                         snapshot_steps=(), progress: bool = True,
                         desc: str = "training") -> LMRun:
    """Train a next-token model on windows of ``ids``: AdamW, linear warm-up, cosine decay.

    Each of ``steps`` steps draws ``batch_size`` windows of ``length`` tokens that start at
    positions in ``starts`` (:func:`lm_windows`, generator seeded with ``seed``), takes the
    mean cross-entropy of ``model(inputs)`` against the shifted targets, clips the gradient
    norm at ``grad_clip``, and steps AdamW (:func:`adamw_for`) with the learning rate
    ``lr × warmup_cosine(warmup, steps, min_lr_factor)`` (:mod:`lmvis.schedules`). With
    ``quantum`` the weights are rounded to that grid before the first step and after every
    step (:func:`quantize_`). ``eval_fn(model)`` is recorded every ``eval_every`` steps and
    after the last; ``snapshot_steps`` (0 = before training) keep copies of the weights.
    """
    import torch
    import torch.nn.functional as F

    from lmvis import checks
    from lmvis.schedules import warmup_cosine

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    steps = checks.integer("steps", steps, minimum=1)
    eval_every = checks.integer("eval_every", eval_every, minimum=0)
    checks.real("grad_clip", grad_clip, minimum=0, low_open=True)
    if eval_every and eval_fn is None:
        raise ValueError("eval_every needs an eval_fn(model) to call")
    if eval_fn is not None:
        checks.is_callable("eval_fn", eval_fn)
    snapshot_steps = {checks.integer("each snapshot step", s, minimum=0, maximum=steps)
                      for s in snapshot_steps}
    optimizer = adamw_for(model, lr, weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(warmup, steps, min_lr_factor))
    generator = torch.Generator().manual_seed(checks.integer("seed", seed, minimum=0))
    run = LMRun()

    def keep(step):
        if step in snapshot_steps:
            copies = {}  # a tied matrix stays one tensor in the copy
            run.snapshots[step] = {
                k: copies.setdefault(v.data_ptr(), v.detach().clone())
                for k, v in model.state_dict().items()}

    if quantum is not None:
        quantize_(model.parameters(), quantum)
    keep(0)
    model.train()
    bar = _progress(range(1, steps + 1), desc=desc, disable=not progress)
    for step in bar:
        inputs, targets = lm_windows(ids, starts, batch_size, length, generator)
        out = model(inputs)
        logits = out[0] if isinstance(out, tuple) else out  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
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
    bar.close()
    return run
