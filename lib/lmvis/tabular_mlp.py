"""A small PyTorch MLP for tabular regression, trained with early stopping on validation loss.

Device-agnostic: pass ``device="cuda"`` where available; everything else follows the tensors.
"""

from __future__ import annotations

import copy

import numpy as np


def make_mlp(d_in: int, hidden=(64,), dropout: float = 0.0, seed: int = 0):
    """Linear → ReLU (→ Dropout) blocks, then a linear output unit. Seeded initialisation."""
    import torch
    from torch import nn

    if not isinstance(d_in, int) or d_in < 1:
        raise ValueError(f"d_in must be a positive int, got {d_in!r}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    torch.manual_seed(seed)
    layers, fan_in = [], d_in
    for h in hidden:
        layers += [nn.Linear(fan_in, h), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        fan_in = h
    layers.append(nn.Linear(fan_in, 1))
    return nn.Sequential(*layers)


def fit_early_stopping(model, X_train, y_train, X_val, y_val, *, lr=1e-3, weight_decay=0.0,
                       batch_size=64, max_epochs=200, patience=20, seed=0, device="cpu",
                       progress=None):
    """Adam on MSE with minibatches; keep the weights of the best validation epoch.

    Stops after ``patience`` epochs without a better validation loss. Returns a history dict
    with per-epoch ``train_loss``, ``val_loss`` and ``best_epoch``; the model holds the best
    weights afterwards. ``progress`` (optional) wraps the epoch range, e.g. ``lmvis.progress``.
    """
    import torch

    X_train, X_val = np.asarray(X_train, np.float32), np.asarray(X_val, np.float32)
    y_train, y_val = np.asarray(y_train, np.float32), np.asarray(y_val, np.float32)
    for name, X, y in (("train", X_train, y_train), ("val", X_val, y_val)):
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise ValueError(f"{name}: expected X (n, d) and y (n,), got {X.shape} and {y.shape}")
    for name, v in (("patience", patience), ("max_epochs", max_epochs)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    dev = torch.device(device)
    model = model.to(dev)
    Xt, yt = torch.from_numpy(X_train).to(dev), torch.from_numpy(y_train).to(dev)
    Xv, yv = torch.from_numpy(X_val).to(dev), torch.from_numpy(y_val).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    gen = torch.Generator().manual_seed(seed)
    hist = {"train_loss": [], "val_loss": [], "best_epoch": 0}
    best, best_state, waited = float("inf"), copy.deepcopy(model.state_dict()), 0
    epochs = range(max_epochs)
    bar = progress(epochs) if progress is not None else epochs
    for epoch in bar:
        model.train()
        perm = torch.randperm(len(Xt), generator=gen).to(dev)
        total = 0.0
        for i in range(0, len(Xt), batch_size):
            idx = perm[i : i + batch_size]
            loss = torch.mean((model(Xt[idx]).squeeze(1) - yt[idx]) ** 2)  # (B,) -> scalar
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            val = torch.mean((model(Xv).squeeze(1) - yv) ** 2).item()
        hist["train_loss"].append(total / len(Xt))
        hist["val_loss"].append(val)
        if val < best:
            best, waited, hist["best_epoch"] = val, 0, epoch
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
        if hasattr(bar, "set_postfix_str"):
            bar.set_postfix_str(f"val MSE {best:.4f}")
        if waited >= patience:
            break
    if hasattr(bar, "close"):
        bar.close()
    model.load_state_dict(best_state)
    return hist


def predict(model, X, device="cpu") -> np.ndarray:
    """Model outputs for a NumPy X (n, d) as a float64 NumPy vector (n,)."""
    import torch

    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(np.asarray(X, np.float32), device=torch.device(device)))
    return out.squeeze(1).double().cpu().numpy()
