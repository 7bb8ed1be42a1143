"""A generic PyTorch training loop with early stopping on the validation loss.

Why one loop for the whole book: every chapter that trains a ``torch.nn.Module`` needs the same
honest protocol (fit on the training set, watch a held-out validation set, keep the weights of
the best validation epoch), and writing it once lets it be tested once.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

from lmvis.book import progress as _progress


@dataclass
class History:
    """What :func:`fit` records: one entry per completed epoch (epochs are numbered from 1)."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0
    best_val_loss: float = math.inf
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs actually run."""
        return len(self.train_loss)


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
    epochs_without_improvement = 0
    bar = _progress(range(1, max_epochs + 1), desc="epochs", disable=not progress)
    for epoch in bar:
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
        if not math.isfinite(train_loss) or not math.isfinite(val_loss):
            raise FloatingPointError(
                f"loss became {train_loss if not math.isfinite(train_loss) else val_loss} "
                f"at epoch {epoch}; lower the learning rate"
            )
        history.train_loss.append(train_loss)
        history.val_loss.append(val_loss)
        if val_loss < history.best_val_loss:
            history.best_val_loss = val_loss
            history.best_epoch = epoch
            best_state = copy.deepcopy(model.state_dict())
            epochs_without_improvement = 0
        else:
            epochs_without_improvement += 1
        bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}", refresh=False)
        if epochs_without_improvement >= patience:
            history.stopped_early = True
            break
    bar.close()
    model.load_state_dict(best_state)
    return history
