"""A multilayer perceptron in NumPy with a hand-written backward pass (the δ-recursion).

Book convention: ``X`` is (n, fan_in) with one example per row, ``W`` is (fan_in, fan_out), so a
layer is ``z = a @ W + b``. Backpropagation then reads

    δ_L = dLoss/dz_L                                  (n, fan_out) of the last layer
    dW_l = a_{l-1}ᵀ δ_l,   db_l = Σ_rows δ_l
    δ_{l-1} = (δ_l W_lᵀ) ⊙ σ′(z_{l-1})

which is the column-vector form δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ′(z_l) transposed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from lmvis import activations as _act
from lmvis import checks

if TYPE_CHECKING:
    import torch

INITS = ("he", "xavier", "zeros")


class MLP:
    """Fully connected network: hidden layers use ``activation``, the output layer is linear.

    Parameters
    ----------
    layer_sizes : sizes from input to output, e.g. ``[784, 256, 256, 10]`` (at least two).
    activation : "relu", "leaky_relu", "sigmoid", "tanh" (or "identity").
    seed : seed of the generator that draws the initial weights.
    init : "he" (normal, std √(2/fan_in), for ReLU-like units), "xavier" (normal,
        std √(2/(fan_in+fan_out)), for sigmoid/tanh), "zeros", or a number c (every weight and
        bias equals c: the symmetry experiment). Default: "he" for ReLU-like, else "xavier".
        Biases start at zero for "he" and "xavier".
    dtype : float64 (default; exact comparisons) or float32 (speed).
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str = "relu", *, seed: int = 0,
                 init: str | float | None = None, dtype: DTypeLike = np.float64):
        self.layer_sizes = list(checks.integers("layer_sizes", layer_sizes, minimum=1,
                                                min_length=2))
        self.activation = checks.choice("activation", activation, _act.ACTIVATIONS)
        self.f, self.f_prime = _act.get(activation)
        self.dtype = checks.dtype("dtype", dtype, (np.float32, np.float64))
        if init is None:
            init = "he" if activation in ("relu", "leaky_relu") else "xavier"
        if isinstance(init, str):
            init = checks.choice("init", init, INITS)
        else:
            init = checks.real(f"init (one of {list(INITS)} or a constant for every weight)", init)
        self.init = init
        rng = np.random.default_rng(checks.integer("seed", seed, minimum=0))
        self.params: list[tuple[np.ndarray, np.ndarray]] = []
        for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True):
            if init == "he":
                W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
                b = np.zeros(fan_out)
            elif init == "xavier":
                W = rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))
                b = np.zeros(fan_out)
            elif init == "zeros":
                W, b = np.zeros((fan_in, fan_out)), np.zeros(fan_out)
            else:
                W, b = np.full((fan_in, fan_out), float(init)), np.full(fan_out, float(init))
            self.params.append((W.astype(self.dtype), b.astype(self.dtype)))
        self._cache = None

    def parameters(self) -> list[np.ndarray]:
        """The arrays ``[W_1, b_1, W_2, b_2, ...]`` themselves, for an :mod:`lmvis.optim` optimizer.

        The optimizer updates them in place, so it trains this network; the order is that of
        ``torch.nn.Sequential.parameters()`` on :func:`to_torch`'s copy (weight, then bias).
        """
        return [p for W_b in self.params for p in W_b]

    @property
    def n_params(self) -> int:
        """Number of trainable numbers: Σ (fan_in·fan_out + fan_out)."""
        return sum(W.size + b.size for W, b in self.params)

    def forward(self, X: ArrayLike) -> np.ndarray:
        """Output (n, layer_sizes[-1]) for ``X`` (n, layer_sizes[0]); stores what backward needs."""
        X = checks.array(f"X (n, {self.layer_sizes[0]} features)", X,
                         shape=(None, self.layer_sizes[0]))
        a = X.astype(self.dtype, copy=False)
        inputs, pre = [], []  # a_{l-1} and z_l for every layer
        last = len(self.params) - 1
        for k, (W, b) in enumerate(self.params):
            inputs.append(a)
            z = a @ W  # (n, fan_out)
            z += b
            if not np.isfinite(z).all():  # X was finite, so the weights have overflowed
                raise FloatingPointError(f"layer {k + 1} of the network computed NaN or inf: its "
                                         f"weights have diverged; if it is being trained, lower "
                                         f"the learning rate")
            pre.append(z)
            a = z if k == last else self.f(z)
        self._cache = (inputs, pre)
        return a

    __call__ = forward

    def backward(self, grad_output: ArrayLike) -> list[tuple[np.ndarray, np.ndarray]]:
        """Given dLoss/dOutput (n, layer_sizes[-1]), return [(dW, db), ...] matching ``params``."""
        if self._cache is None:
            raise RuntimeError("call forward(X) before backward(grad_output)")
        inputs, pre = self._cache
        n, out = inputs[0].shape[0], self.layer_sizes[-1]
        delta = checks.array("grad_output", grad_output, shape=(n, out))
        delta = delta.astype(self.dtype, copy=False)  # δ_L, (n, fan_out)
        grads = [None] * len(self.params)
        for k in range(len(self.params) - 1, -1, -1):
            W, _ = self.params[k]
            dW = inputs[k].T @ delta  # (fan_in, n) @ (n, fan_out)
            db = delta.sum(axis=0)  # (fan_out,)
            grads[k] = (dW, db)
            if k > 0:
                delta = delta @ W.T  # (n, fan_in)
                delta *= self.f_prime(pre[k - 1])  # ⊙ σ′(z_{k-1})
        return grads

    def step(self, grads: Sequence[tuple[ArrayLike, ArrayLike]], lr: float) -> None:
        """Plain gradient descent in place: W ← W − lr·dW, b ← b − lr·db.

        Each gradient must have exactly its parameter's shape (no broadcasting) and be finite.
        """
        pairs = checks.sequence(f"grads ({len(self.params)} (dW, db) pairs)", grads,
                                length=len(self.params))
        lr = checks.real("lr", lr, minimum=0.0)
        checked = []
        for k, ((W, b), pair) in enumerate(zip(self.params, pairs, strict=True)):
            dW, db = checks.sequence(f"grads[{k}] (a (dW, db) pair)", pair, length=2)
            checked.append((checks.array(f"grads[{k}][0] (dW)", dW, shape=W.shape),
                            checks.array(f"grads[{k}][1] (db)", db, shape=b.shape)))
        for (W, b), (dW, db) in zip(self.params, checked, strict=True):  # all checked first
            W -= lr * dW
            b -= lr * db


def to_torch(mlp: MLP) -> torch.nn.Sequential:
    """An equivalent ``torch.nn.Sequential`` with the same weights (Linear stores Wᵀ)."""
    import torch
    from torch import nn

    checks.instance("mlp", mlp, MLP, "an lmvis.mlp.MLP")
    act = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
           "identity": nn.Identity}[mlp.activation]
    dtype = torch.float64 if mlp.dtype == np.float64 else torch.float32
    layers = []
    for k, (W, b) in enumerate(mlp.params):
        lin = nn.Linear(W.shape[0], W.shape[1], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b.copy()))
        layers.append(lin)
        if k < len(mlp.params) - 1:
            layers.append(act())
    return nn.Sequential(*layers)


def torch_mlp(d_in: int, hidden: Sequence[int] = (64,), *, d_out: int = 1, dropout: float = 0.0,
              seed: int = 0, dtype: torch.dtype | None = None) -> torch.nn.Sequential:
    """The same architecture in PyTorch: Linear → ReLU (→ Dropout) blocks, then a linear output.

    Initialised with torch's defaults from ``seed`` without touching torch's global generators
    (the draws happen inside :func:`torch.random.fork_rng`; CUDA's generators are not seeded).
    ``dtype`` defaults to torch's default dtype; pass ``torch.float64`` where printed digits
    must not depend on the CPU.
    """
    import torch
    from torch import nn

    d_in = checks.integer("d_in", d_in, minimum=1)
    d_out = checks.integer("d_out", d_out, minimum=1)
    hidden = checks.integers("hidden (layer widths)", hidden, minimum=1)
    if dtype is not None:
        checks.instance("dtype", dtype, torch.dtype, "a torch dtype or None")
        if not dtype.is_floating_point:
            raise ValueError(f"dtype must be a floating-point torch dtype, got {dtype}")
    dropout = checks.real("dropout", dropout, minimum=0.0, maximum=1.0, high_open=True)
    seed = checks.integer("seed", seed, minimum=0)
    with torch.random.fork_rng(devices=[]):  # forks the CPU generator only, so seed only it:
        torch.default_generator.manual_seed(seed)  # torch.manual_seed would reseed CUDA's too
        layers, fan_in = [], d_in
        for width in hidden:
            layers += [nn.Linear(fan_in, width, dtype=dtype), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            fan_in = width
        layers.append(nn.Linear(fan_in, d_out, dtype=dtype))
        return nn.Sequential(*layers)
