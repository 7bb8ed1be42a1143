"""Every public function and class of lmvis, swept with bad inputs (issue 13).

The public callables are found by introspection of every lmvis module, so a new one fails
:func:`test_every_public_callable_has_a_sweep_entry` until it gets an entry in ``SPECS``.
An entry gives a valid call and the kind of each argument (tests/sweep_kinds.py); the kinds
derive the bad values: wrong types, strings, NaN and inf, empty arrays, wrong shapes, zero and
negative sizes, unknown names. Hypothesis draws each bad value (where the NaN sits, how far
below the bound, which unknown name). Each one must either succeed and agree with an
independent reference, or raise ValueError/TypeError whose message names the argument.
Equal values of another type (``np.int64(3)`` for ``3``, a list for an array) must give the
same result as the valid call.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import math
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import lmvis  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from lmvis import (  # noqa: E402
    activations,
    attention,
    autograd,
    bandit,
    checks,
    crossval,
    gpt,
    gradcheck,
    hand_rule,
    kmeans,
    landscapes,
    linear,
    losses,
    memorisation,
    metrics,
    mlp,
    ngram,
    notebook,
    optim,
    pca,
    preprocessing,
    pretrained,
    sampling,
    schedules,
    tokenizers,
    training,
    transformer,
    widgets,
)
from lmvis import datasets as ds  # noqa: E402
from lmvis.datasets import ames, digit_models, digits, gates, milestones, poems  # noqa: E402
from lmvis.exercises import ch01 as ex01  # noqa: E402
from lmvis.exercises import ch02 as ex02  # noqa: E402
from lmvis.exercises import ch03 as ex03  # noqa: E402
from lmvis.exercises import ch04 as ex04  # noqa: E402
from lmvis.exercises import ch05 as ex05  # noqa: E402
from lmvis.exercises import ch06 as ex06  # noqa: E402
from lmvis.exercises import ch07 as ex07  # noqa: E402
from lmvis.exercises import ch08 as ex08  # noqa: E402
from lmvis.exercises import ch09 as ex09  # noqa: E402
from lmvis.exercises import ch10 as ex10  # noqa: E402
from lmvis.exercises import core as ex_core  # noqa: E402
from lmvis.viz import attention as viz_attention  # noqa: E402
from lmvis.viz import classification as viz_classification  # noqa: E402
from lmvis.viz import gpt as viz_gpt  # noqa: E402
from lmvis.viz import graph as viz_graph  # noqa: E402
from lmvis.viz import history as viz_history  # noqa: E402
from lmvis.viz import landscapes as viz_landscapes  # noqa: E402
from sweep_kinds import (  # noqa: E402
    Arr,
    Choice,
    Device,
    Flag,
    Func,
    Int,
    Ints,
    Kind,
    Obj,
    Real,
    Ten,
    Text,
)


@dataclass
class Spec:
    """How to call one public callable validly, and the kind of each of its arguments."""

    call: Callable[[dict], Any]  # runs the callable with these keyword arguments
    valid: Callable[[], dict]  # fresh valid keyword arguments (arrays may be changed in place)
    kinds: dict[str, Kind]
    unswept: dict[str, str] = field(default_factory=dict)  # argument -> why it is not swept
    names: dict[str, str] = field(default_factory=dict)  # argument -> word the message names
    reference: Callable[[dict], Any] | None = None  # the expected result of an "ok" case
    errors: dict[str, type] = field(default_factory=dict)  # "arg:case" -> another exception
    goods: bool = True  # run the equal-values-of-another-type cases
    tol: float = 1e-12  # relative and absolute tolerance of a comparison with the reference


SPECS: dict[str, Spec] = {}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """The sweep makes thousands of tiny torch calls: one thread spares them the thread pool's
    start-up (on a loaded machine it dominated their time)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def ANY(kw):  # noqa: N802 - a reference for "any result": succeeding (building, drawing) is it
    return ANY


def spec(qualname: str, call, valid, kinds, **kw) -> None:
    assert qualname not in SPECS, qualname
    SPECS[qualname] = Spec(call, valid, kinds, **kw)


def kw_call(f):
    return lambda kw: f(**kw)


# --- small valid data, built fresh for every call ------------------------------------------
def rng(seed=0):
    return np.random.default_rng(seed)


def X24():
    return rng().normal(size=(6, 2))


def labels6(k=3):
    return np.arange(6) % k


def tensor(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def frame():
    return pd.DataFrame({"area": [50.0, 70.0, np.nan, 90.0], "const": [1, 1, 1, 1],
                         "hood": ["A", "B", "A", None], "price": [1.0, 2.0, 3.0, 4.0]})


def fitted():
    return preprocessing.TabularPreprocessor(target="price").fit(frame())


def small_mlp():
    return mlp.MLP([2, 3, 2], activation="tanh", seed=0)


def forwarded_mlp():
    net = small_mlp()
    net.forward(X24())
    return net


def value_graph():
    a, b = autograd.Value(0.5, label="a"), autograd.Value(-1.5, label="b")
    out = (a * b).tanh()
    out.backward()
    return out


def trajectory():
    return landscapes.run(landscapes.quadratic(), "sgd", lr=0.1, steps=5)


def torch_model():
    torch.default_generator.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(),
                               torch.nn.Linear(4, 2)).double()


def loader(n=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    return training.tensor_loader(torch.randn(n, 2, generator=g, dtype=torch.float64),
                                  torch.arange(n) % 2, batch_size=4)


def weights(*shape):
    return torch.softmax(tensor(*shape), dim=-1)


def config(**kw):
    return transformer.TransformerConfig(**{"vocab_size": 5, "max_len": 4, "d_model": 4,
                                            "n_heads": 2, "n_layers": 1, "d_ff": 8,
                                            "n_outputs": 3, **kw})


def image_split():
    r = rng()
    return {"X_train": r.random((6, 4)), "y_train": labels6(2), "X_val": r.random((3, 4)),
            "y_val": np.array([0, 1, 0]), "X_test": r.random((3, 4)),
            "y_test": np.array([1, 0, 1]), "image_shape": (2, 2), "n_classes": 2}


def torch_act(name, z, derivative):
    t = torch.as_tensor(np.asarray(z, dtype=np.float64)).requires_grad_(derivative)
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
         "leaky_relu": lambda x: F.leaky_relu(x, 0.01), "identity": lambda x: x * 1.0}[name]
    out = f(t)
    if not derivative:
        return out.detach().numpy()
    if t.numel():
        out.sum().backward()
        return t.grad.numpy()
    return np.zeros(t.shape)


# --- activations ------------------------------------------------------------------------------
Z = Arr(inf="ok", empty="ok", shape="ok")  # elementwise: any shape, the limits at ±inf exist
for act in ("sigmoid", "tanh", "relu", "leaky_relu", "identity"):
    for derivative in (False, True):
        fname = act + ("_prime" if derivative else "")
        extra = {"slope": Real()} if act == "leaky_relu" else {}
        spec(f"lmvis.activations.{fname}", kw_call(getattr(activations, fname)),
             lambda extra=extra: {"z": np.array([-2.0, 0.0, 0.5, 3.0]),
                                  **({"slope": 0.01} if extra else {})},
             {"z": Z, **extra},
             reference=lambda kw, act=act, derivative=derivative: torch_act(act, kw["z"],
                                                                            derivative))
spec("lmvis.activations.get", kw_call(activations.get), lambda: {"name": "tanh"},
     {"name": Choice(activations.ACTIVATIONS)})

# --- attention --------------------------------------------------------------------------------
QKV = Ten(shape="ok", cols=False)  # extra leading dimensions broadcast, as in torch
spec("lmvis.attention.scaled_dot_product_attention",
     kw_call(attention.scaled_dot_product_attention),
     lambda: {"q": tensor(2, 3, 4), "k": tensor(2, 5, 4, seed=1), "v": tensor(2, 5, 3, seed=2),
              "mask": attention.causal_mask(3, 5)},
     {"q": QKV, "k": Ten(cols=True, shape="ok"), "v": QKV,
      "mask": Ten(bools=True, shape="ok", optional=True)},
     reference=lambda kw: (F.scaled_dot_product_attention(kw["q"], kw["k"], kw["v"],
                                                          attn_mask=kw["mask"]), None))
spec("lmvis.attention.causal_mask", kw_call(attention.causal_mask),
     lambda: {"L": 3, "S": 4, "device": None},
     {"L": Int(1), "S": Int(1, optional=True), "device": Device()},
     reference=lambda kw: torch.ones(kw["L"], kw["L"], dtype=torch.bool).tril())
spec("lmvis.attention.MultiHeadAttention", kw_call(attention.MultiHeadAttention),
     lambda: {"d_model": 4, "n_heads": 2, "bias": True},
     {"d_model": Int(1), "n_heads": Int(1, 4), "bias": Flag()})


def mha_forward(kw):
    torch.default_generator.manual_seed(0)
    return attention.MultiHeadAttention(4, 2).double()(**kw)


spec("lmvis.attention.MultiHeadAttention.forward", mha_forward,
     lambda: {"query": tensor(2, 3, 4), "key": tensor(2, 3, 4, seed=1),
              "value": tensor(2, 3, 4, seed=2), "mask": attention.causal_mask(3)},
     {"query": Ten(cols=True), "key": Ten(cols=True, optional=True),
      "value": Ten(cols=True, optional=True), "mask": Ten(bools=True, shape="ok", optional=True)},
     unswept={"self": "the module"},
     reference=lambda kw: mha_forward(kw), errors={"key:None": "ok", "value:None": "ok"})
spec("lmvis.attention.MultiHeadAttention.split_heads",
     lambda kw: attention.MultiHeadAttention(4, 2).split_heads(**kw),
     lambda: {"x": tensor(2, 3, 4)}, {"x": Ten(cols=True)}, unswept={"self": "the module"},
     reference=lambda kw: kw["x"].reshape(2, 3, 2, 2).transpose(1, 2),
     errors={"x:nan": "ok", "x:inf": "ok"})
spec("lmvis.attention.MultiHeadAttention.merge_heads",
     lambda kw: attention.MultiHeadAttention(4, 2).merge_heads(**kw),
     lambda: {"x": tensor(2, 2, 3, 2)}, {"x": Ten(cols=True)}, unswept={"self": "the module"},
     reference=lambda kw: torch.cat([kw["x"][:, 0], kw["x"][:, 1]], dim=-1),
     errors={"x:nan": "ok", "x:inf": "ok"})
spec("lmvis.attention.MultiHeadAttention.from_torch",
     kw_call(attention.MultiHeadAttention.from_torch),
     lambda: {"m": torch.nn.MultiheadAttention(4, 2, batch_first=True)},
     {"m": Obj(others=[torch.nn.MultiheadAttention(4, 2), torch.nn.Linear(2, 2),
                       torch.nn.MultiheadAttention(4, 2, batch_first=True, kdim=3)])},
     unswept={"cls": "the class"}, goods=False)

# --- autograd ---------------------------------------------------------------------------------
spec("lmvis.autograd.Value", kw_call(autograd.Value), lambda: {"data": 2.0, "label": "x"},
     {"data": Real(finite=False, inf="ok"), "label": Text()},
     unswept={"_prev": "private: the graph's edges, set by the operations",
              "_op": "private: the operation's symbol, set by the operations"},
     reference=lambda kw: autograd.Value(kw["data"], label=kw["label"]))
for op in ("__add__", "__mul__", "__sub__", "__truediv__", "__radd__", "__rmul__", "__rsub__",
           "__rtruediv__"):
    spec(f"lmvis.autograd.Value.{op}",
         lambda kw, op=op: getattr(autograd.Value(2.0), op)(**kw), lambda: {"other": 4.0},
         {"other": Real(finite=False, inf="skip")}, unswept={"self": "the value"})
spec("lmvis.autograd.Value.__pow__", lambda kw: autograd.Value(2.0).__pow__(**kw),
     lambda: {"k": 3.0}, {"k": Real()}, unswept={"self": "the value"},
     names={"k": "exponent k"})

# --- bandit -----------------------------------------------------------------------------------
spec("lmvis.bandit.run_epsilon_greedy", kw_call(bandit.run_epsilon_greedy),
     lambda: {"true_means": np.array([0.0, 1.0, 0.5]), "steps": 20, "epsilon": 0.1, "seed": 0},
     {"true_means": Arr(), "steps": Int(1), "epsilon": Real(0.0, 1.0), "seed": Int(0)},
     errors={"true_means:fewer dimensions": ValueError})
spec("lmvis.bandit.BanditRun", kw_call(bandit.BanditRun),
     lambda: {"actions": np.array([0, 1, 1]), "rewards": np.array([0.5, 1.0, 2.0]),
              "estimates": np.array([[0.5, 0.0], [0.5, 1.0], [0.5, 1.5]]), "best_arm": 1},
     {"actions": Arr(ints=True, lo=0, hi=1, rows=True), "rewards": Arr(rows=True),
      "estimates": Arr(rows=True), "best_arm": Int(0, 1)})

# --- checks -----------------------------------------------------------------------------------
CHECK_OPTIONS = "the bounds and options are written by the package's code, not by a reader"
spec("lmvis.checks.integer", kw_call(checks.integer),
     lambda: {"name": "n", "value": 3, "minimum": 1, "maximum": 5},
     {"value": Int(1, 5)}, names={"value": "n"},
     unswept={"name": "the argument's name, written by the package's code",
              "minimum": CHECK_OPTIONS, "maximum": CHECK_OPTIONS})
spec("lmvis.checks.real", kw_call(checks.real), lambda: {"name": "lr", "value": 0.5},
     {"value": Real()}, names={"value": "lr"},
     unswept={k: CHECK_OPTIONS for k in ("name", "minimum", "maximum", "low_open", "high_open",
                                         "finite")})
spec("lmvis.checks.boolean", kw_call(checks.boolean), lambda: {"name": "flag", "value": True},
     {"value": Flag()}, names={"value": "flag"}, unswept={"name": CHECK_OPTIONS})
spec("lmvis.checks.text", kw_call(checks.text),
     lambda: {"name": "label", "value": "ab", "pattern": "[a-z]+"},
     {"value": Text(bad=["AB", ""])}, names={"value": "label"},
     unswept={"name": CHECK_OPTIONS, "pattern": CHECK_OPTIONS})
spec("lmvis.checks.choice", kw_call(checks.choice),
     lambda: {"name": "opt", "value": "a", "options": ("a", "b")},
     {"value": Choice(["a", "b"])}, names={"value": "opt"},
     unswept={"name": CHECK_OPTIONS, "options": CHECK_OPTIONS})
spec("lmvis.checks.instance", kw_call(checks.instance),
     lambda: {"name": "m", "value": [1], "types": list, "what": None},
     {"value": Obj()}, names={"value": "m"},
     unswept={"name": CHECK_OPTIONS, "types": CHECK_OPTIONS, "what": CHECK_OPTIONS})
spec("lmvis.checks.is_callable", kw_call(checks.is_callable), lambda: {"name": "f", "f": len},
     {"f": Func()}, unswept={"name": CHECK_OPTIONS})
spec("lmvis.checks.sequence", kw_call(checks.sequence),
     lambda: {"name": "s", "value": [1, 2], "length": 2, "min_length": 1},
     {"value": Ints(length=2, min_length=1)}, names={"value": "s"},
     unswept={"name": CHECK_OPTIONS, "length": CHECK_OPTIONS, "min_length": CHECK_OPTIONS},
     errors={"value:str item": None, "value:float item": None, "value:bool item": None},
     goods=False)
spec("lmvis.checks.integers", kw_call(checks.integers),
     lambda: {"name": "sizes", "value": [2, 3], "minimum": 1, "maximum": None, "min_length": 2,
              "length": None},
     {"value": Ints(1, min_length=2)}, names={"value": "sizes"},
     unswept={"name": CHECK_OPTIONS, "minimum": CHECK_OPTIONS, "maximum": CHECK_OPTIONS,
              "min_length": CHECK_OPTIONS, "length": CHECK_OPTIONS})
spec("lmvis.checks.labelled_part", kw_call(checks.labelled_part),
     lambda: {"part": "train", "X": X24(), "y": np.array([0, 1, 2, 0, 1, 2]), "n_features": 2,
              "n_classes": 3},
     {"X": Arr(cols=True), "y": Arr(ints=True, lo=0, hi=2, rows=True)},
     names={"X": "X_train", "y": "y_train"},
     unswept={"part": CHECK_OPTIONS, "n_features": CHECK_OPTIONS, "n_classes": CHECK_OPTIONS},
     goods=False)
spec("lmvis.checks.dtype", kw_call(checks.dtype),
     lambda: {"name": "dtype", "value": np.float64, "options": (np.float32, np.float64)},
     {"value": Obj(others=[np.int64, "float16", "no such dtype"])},
     unswept={"name": CHECK_OPTIONS, "options": CHECK_OPTIONS}, names={"value": "dtype"},
     errors={"value:object": TypeError}, goods=False)
spec("lmvis.checks.device", kw_call(checks.device), lambda: {"name": "dev", "value": "cpu"},
     {"value": Device()}, names={"value": "dev"}, unswept={"name": CHECK_OPTIONS})
spec("lmvis.checks.array", kw_call(checks.array),
     lambda: {"name": "X", "x": X24(), "shape": (None, 2)},
     {"x": Arr(cols=True)}, names={"x": "X"},
     unswept={k: CHECK_OPTIONS for k in ("name", "ndim", "min_ndim", "shape", "kind", "dtype",
                                         "finite", "nonempty", "minimum", "maximum",
                                         "low_open")})
spec("lmvis.checks.same_length", lambda kw: checks.same_length(X=kw["arrays"], y=np.zeros(6)),
     lambda: {"arrays": X24()}, {"arrays": Arr(rows=True)}, names={"arrays": "X"},
     errors={"arrays:strings": None, "arrays:complex": None, "arrays:nan": None,
             "arrays:inf": None, "arrays:extra dimension": ValueError,
             "arrays:fewer dimensions": ValueError, "arrays:ragged list": ValueError,
             "arrays:str": TypeError, "arrays:dict": ValueError, "arrays:None": TypeError},
     goods=False)
spec("lmvis.checks.same_shape", lambda kw: checks.same_shape(a=kw["arrays"], b=np.zeros(6)),
     lambda: {"arrays": np.ones(6)}, {"arrays": Arr()}, names={"arrays": "a"},
     errors={"arrays:strings": None, "arrays:complex": None, "arrays:nan": None,
             "arrays:inf": None, "arrays:str": ValueError, "arrays:dict": ValueError,
             "arrays:None": ValueError},
     goods=False)
spec("lmvis.checks.tensor", kw_call(checks.tensor),
     lambda: {"name": "q", "t": tensor(2, 3), "ndim": 2, "finite": True},
     {"t": Ten()}, names={"t": "q"},
     unswept={k: CHECK_OPTIONS for k in ("name", "ndim", "min_ndim", "shape", "kind", "finite")})
spec("lmvis.checks.token_ids", kw_call(checks.token_ids),
     lambda: {"name": "idx", "ids": torch.tensor([[1, 4], [0, 2]]), "vocab_size": 5, "ndim": 2,
              "nonempty": True, "ignore": None},
     {"ids": Ten(ints=True, lo=0, hi=4)}, names={"ids": "idx"},
     unswept={k: CHECK_OPTIONS for k in ("name", "vocab_size", "ndim", "nonempty", "ignore")})

# --- datasets ---------------------------------------------------------------------------------
spec("lmvis.datasets.sha256_file", kw_call(ds.sha256_file), lambda: {"path": __file__},
     {"path": Obj(others=["/no/such/file", b"/tmp"])}, goods=False)
spec("lmvis.datasets.verified_bytes", kw_call(ds.verified_bytes),
     lambda: {"path": __file__, "expected_sha256": ds.sha256_file(__file__), "missing_hint": "x"},
     {"path": Obj(others=[b"/tmp"]),
      "expected_sha256": Text(bad=["abc", "Z" * 64, "0" * 63]), "missing_hint": Text()},
     errors={"path:str": RuntimeError}, goods=False)
spec("lmvis.datasets.ames.load_ames", kw_call(ames.load_ames),
     lambda: {"expected_sha256": ames.AMES_SHA256},
     {"expected_sha256": Text(bad=["abc", "Z" * 64, ames.AMES_SHA256.upper()])}, goods=False)
spec("lmvis.datasets.digits.ImageSplit", kw_call(digits.ImageSplit), image_split,
     {"X_train": Arr(cols=True), "y_train": Arr(ints=True, lo=0, hi=1, rows=True),
      "X_val": Arr(cols=True), "y_val": Arr(ints=True, lo=0, hi=1, rows=True),
      "X_test": Arr(cols=True), "y_test": Arr(ints=True, lo=0, hi=1, rows=True),
      "image_shape": Ints(1, min_length=1), "n_classes": Int(1)},
     errors={"n_classes:below minimum": ValueError}, goods=False)
spec("lmvis.datasets.digits.ImageSplit.images",
     lambda kw: digits.ImageSplit(**image_split()).images(**kw), lambda: {"X": X24()[:, :1]
                                                                          .repeat(4, 1)},
     {"X": Arr(cols=True)}, unswept={"self": "the split"})
# The method both splits inherit (main's 53d69cc moved it into the shared base class).
spec("lmvis.datasets.digits._Images.images",
     lambda kw: digits.ImageSplit(**image_split()).images(**kw),
     lambda: {"X": X24()[:, :1].repeat(4, 1)}, {"X": Arr(cols=True)},
     unswept={"self": "the split"})
DTYPE = Obj(others=[np.int64, "float16", "no such dtype", None])
spec("lmvis.datasets.digits.split_dataset", kw_call(digits.split_dataset),
     lambda: {"X": rng().random((12, 4)), "y": np.arange(12) % 2, "image_shape": (2, 2),
              "val_fraction": 0.25, "test_fraction": 0.25, "seed": 0, "scale": None,
              "dtype": np.float32},
     {"X": Arr(shape="skip"), "y": Arr(ints=True, lo=0, rows=True), "image_shape": Ints(1),
      "val_fraction": Real(0.0, 1.0, True, True), "test_fraction": Real(0.0, 0.75, True, True),
      "seed": Int(0), "scale": Real(0.0, low_open=True, optional=True), "dtype": DTYPE},
     reference=lambda kw: digits.split_dataset(kw["X"], kw["y"], kw["image_shape"],
                                               dtype=np.float32),
     errors={"image_shape:str": TypeError})
spec("lmvis.datasets.digits.load_digits_split", kw_call(digits.load_digits_split),
     lambda: {"val_fraction": 0.15, "test_fraction": 0.15, "seed": 0, "dtype": np.float64},
     {"val_fraction": Real(0.0, 1.0, True, True), "test_fraction": Real(0.0, 0.85, True, True),
      "seed": Int(0), "dtype": DTYPE}, goods=False)
spec("lmvis.datasets.digits.shift_right", kw_call(digits.shift_right),
     lambda: {"images": rng().random((2, 8, 8)), "pixels": 2},
     {"images": Arr(), "pixels": Int(0, 7)})
spec("lmvis.datasets.digits.with_shifted_copies", kw_call(digits.with_shifted_copies),
     lambda: {"images": rng().random((2, 8, 8)), "labels": np.array([3, 5]), "shifts": (1, 2)},
     {"images": Arr(), "labels": Arr(ints=True, rows=True), "shifts": Ints(0)})
def development_split():
    r = rng()
    return {"X_dev": r.random((6, 4)), "y_dev": labels6(2), "X_test": r.random((3, 4)),
            "y_test": np.array([1, 0, 1]), "image_shape": (2, 2), "n_classes": 2}


spec("lmvis.datasets.digits.DevelopmentSplit", kw_call(digits.DevelopmentSplit),
     development_split,
     {"X_dev": Arr(cols=True), "y_dev": Arr(ints=True, lo=0, hi=1, rows=True),
      "X_test": Arr(cols=True), "y_test": Arr(ints=True, lo=0, hi=1, rows=True),
      "image_shape": Ints(1, min_length=1), "n_classes": Int(1)},
     errors={"n_classes:below minimum": ValueError}, goods=False)
spec("lmvis.datasets.digits.DevelopmentSplit.images",
     lambda kw: digits.DevelopmentSplit(**development_split()).images(**kw),
     lambda: {"X": X24()[:, :1].repeat(4, 1)}, {"X": Arr(cols=True)},
     unswept={"self": "the split"})
spec("lmvis.datasets.digits.load_digits_development", kw_call(digits.load_digits_development),
     lambda: {"test_fraction": 0.15, "seed": 0, "dtype": np.float64},
     {"test_fraction": Real(0.0, 1.0, True, True), "seed": Int(0), "dtype": DTYPE}, goods=False)
spec("lmvis.datasets.digits.count_duplicates", kw_call(digits.count_duplicates),
     lambda: {"X": rng().random((3, 4)), "X_reference": rng().random((2, 4))},
     {"X": Arr(), "X_reference": Arr(cols=True)})
spec("lmvis.datasets.digit_models.load_selection", kw_call(digit_models.load_selection),
     lambda: {"expected_sha256": digit_models.SELECTION_SHA256},
     {"expected_sha256": Text(bad=["abc", "Z" * 64, digit_models.SELECTION_SHA256.upper()])},
     goods=False)
spec("lmvis.datasets.digit_models.chosen_setting", kw_call(digit_models.chosen_setting),
     lambda: {"model": "MLP", "selection": digit_models.load_selection()},
     {"model": Choice(digit_models.MODELS),
      "selection": Obj(optional=True, others={"no models": {"models": {}},
                                              "a list": [1, 2]})},
     goods=False)
spec("lmvis.datasets.gates.gate_data", kw_call(gates.gate_data), lambda: {"name": "XOR"},
     {"name": Choice(gates.GATES)}, errors={"name:unknown name": ValueError})


# --- cross-validation -------------------------------------------------------------------------
def fold():
    r = rng()
    return {"X_train": r.random((6, 2)), "y_train": labels6(3), "X_val": r.random((3, 2)),
            "y_val": np.array([0, 1, 2]), "n_classes": 3}


spec("lmvis.crossval.Fold", kw_call(crossval.Fold), fold,
     {"X_train": Arr(), "y_train": Arr(ints=True, lo=0, hi=2, rows=True),
      "X_val": Arr(cols=True), "y_val": Arr(ints=True, lo=0, hi=2, rows=True),
      "n_classes": Int(1)},
     errors={"n_classes:below minimum": ValueError}, goods=False)
spec("lmvis.crossval.stratified_folds", kw_call(crossval.stratified_folds),
     lambda: {"y": np.arange(12) % 3, "k": 2, "seed": 0},
     {"y": Arr(ints=True), "k": Int(2), "seed": Int(0)})
spec("lmvis.crossval.kfold", kw_call(crossval.kfold),
     lambda: {"X": rng().random((12, 2)), "y": np.arange(12) % 3, "k": 2, "seed": 0,
              "n_classes": 3},
     {"X": Arr(), "y": Arr(ints=True, lo=0, rows=True), "k": Int(2), "seed": Int(0),
      "n_classes": Int(3, optional=True)})
spec("lmvis.datasets.milestones.Milestone", kw_call(milestones.Milestone),
     lambda: {"year": 2020, "name": "GPT-3", "authors": "Brown et al.", "what": "in context",
              "params": 175e9, "cite": "brown2020language", "org": "OpenAI", "tokens": 300e9,
              "params_cite": None},
     {"year": Int(1900), "name": Text(), "authors": Text(), "what": Text(), "org": Text(),
      "params": Real(0.0, low_open=True, optional=True), "cite": Text(),
      "tokens": Real(0.0, low_open=True, optional=True), "params_cite": Text(optional=True)},
     errors={"params:None": ValueError})
spec("lmvis.datasets.milestones.format_count", kw_call(milestones.format_count),
     lambda: {"n": 175e9, "language": "zh"},
     {"n": Real(0.0, low_open=True), "language": Choice(["en", "zh"])})
spec("lmvis.datasets.milestones.source_markdown", kw_call(milestones.source_markdown),
     lambda: {"m": milestones.MILESTONES[-1], "language": "zh"},
     {"m": Obj(others=[{"cite": "x"}]), "language": Choice(["en", "zh"])}, goods=False)
spec("lmvis.datasets.milestones.markdown_table", kw_call(milestones.markdown_table),
     lambda: {"milestones": milestones.MILESTONES[:3], "language": "zh"},
     {"milestones": Obj(others={"names": ["GPT"], "a table row with a |": [
         milestones.Milestone(2020, "a|b", "x", "y", None, "c", org="o")]}),
      "language": Choice(["en", "zh"], optional=True)},
     errors={"milestones:str": TypeError}, goods=False)
spec("lmvis.datasets.milestones.growth_per_year", kw_call(milestones.growth_per_year),
     lambda: {"year0": 2012, "params0": 60e6, "year1": 2020, "params1": 175e9},
     {"year0": Int(hi=2019), "params0": Real(0.0, low_open=True), "year1": Int(2013),
      "params1": Real(0.0, low_open=True)},
)

# --- gradcheck --------------------------------------------------------------------------------
spec("lmvis.gradcheck.numerical_grad", kw_call(gradcheck.numerical_grad),
     lambda: {"f": lambda v: float(np.sum(v**2)), "x": np.array([1.0, -2.0]), "eps": 1e-6},
     {"f": Func(), "x": Arr(empty="ok", shape="ok", lists=False), "eps": Real(0.0, low_open=True)},
     reference=lambda kw: 2 * np.asarray(kw["x"]), tol=1e-6,
     errors={"x:fewer dimensions": TypeError})
spec("lmvis.gradcheck.relative_error", kw_call(gradcheck.relative_error),
     lambda: {"a": np.array([1.0, 2.0]), "b": np.array([1.0, 2.5])},
     {"a": Arr(rows=True), "b": Arr(rows=True)}, names={"b": "b"})

# --- hand_rule --------------------------------------------------------------------------------
spec("lmvis.hand_rule.centre_ink", kw_call(hand_rule.centre_ink),
     lambda: {"images": rng().random((2, 8, 8)) * 16}, {"images": Arr()})
spec("lmvis.hand_rule.zero_or_one_rule", kw_call(hand_rule.zero_or_one_rule),
     lambda: {"images": rng().random((2, 8, 8)) * 16, "threshold": 8.0},
     {"images": Arr(), "threshold": Real()})

# --- kmeans -----------------------------------------------------------------------------------
spec("lmvis.kmeans.kmeans", kw_call(kmeans.kmeans),
     lambda: {"X": X24(), "k": 2, "n_iter": 10, "seed": 0},
     {"X": Arr(), "k": Int(1, 6), "n_iter": Int(1), "seed": Int(0)})
spec("lmvis.kmeans.inertia", kw_call(kmeans.inertia),
     lambda: {"X": X24(), "centres": np.zeros((2, 2)), "labels": labels6(2)},
     {"X": Arr(cols=True, rows=True), "centres": Arr(cols=True),
      "labels": Arr(ints=True, lo=0, hi=1, rows=True)})

# --- landscapes -------------------------------------------------------------------------------
spec("lmvis.landscapes.Landscape", kw_call(landscapes.Landscape),
     lambda: {"name": "bowl", "_f": lambda x, y: x * x + y * y,
              "_grad": lambda x, y: (2 * x, 2 * y), "start": (1.0, 1.0), "xlim": (-2.0, 2.0),
              "ylim": (-2.0, 2.0), "minima": ((0.0, 0.0),), "hessian": np.eye(2) * 2},
     {"name": Text(), "_f": Func(), "_grad": Func(), "start": Arr(),
      "xlim": Ints(length=2), "ylim": Ints(length=2), "minima": Arr(cols=True, empty="ok"),
      "hessian": Arr(optional=True, cols=True)},
     errors={"xlim:str item": TypeError, "ylim:str item": TypeError, "xlim:float item": None,
             "ylim:float item": None, "xlim:bool item": TypeError, "ylim:bool item": TypeError,
             "minima:fewer dimensions": ValueError, "minima:None": TypeError,
             "minima:dict": TypeError},
     reference=ANY, goods=False)
# xlim and ylim hold reals: a float item (e.g. -1.5) is fine; the sweep of Ints is borrowed
SPECS["lmvis.landscapes.Landscape"].errors.update({"xlim:float item": "ok",
                                                    "ylim:float item": "ok"})
for meth in ("f", "grad"):
    spec(f"lmvis.landscapes.Landscape.{meth}",
         lambda kw, meth=meth: getattr(landscapes.rosenbrock(), meth)(**kw),
         lambda: {"xy": np.array([[0.5, 1.0], [1.0, 1.0]])},
         {"xy": Arr(empty="ok", shape="ok", fewer="raise", cols=True)},
         unswept={"self": "the landscape"},
         reference=lambda kw, meth=meth: _rosenbrock_reference(meth, kw["xy"]))
spec("lmvis.landscapes.Landscape.grid", lambda kw: landscapes.saddle().grid(**kw),
     lambda: {"n": 5}, {"n": Int(2)}, unswept={"self": "the landscape"})
spec("lmvis.landscapes.quadratic", kw_call(landscapes.quadratic),
     lambda: {"kappa": 10.0, "lam_min": 1.0},
     {"kappa": Real(1.0), "lam_min": Real(0.0, low_open=True)})
spec("lmvis.landscapes.rosenbrock", kw_call(landscapes.rosenbrock),
     lambda: {"a": 1.0, "b": 100.0}, {"a": Real(), "b": Real(0.0, low_open=True)})
spec("lmvis.landscapes.Trajectory", kw_call(landscapes.Trajectory),
     lambda: {"points": np.zeros((3, 2)), "losses": np.zeros(3), "diverged": True,
              "diverged_at": 3},
     {"points": Arr(cols=True, rows=True), "losses": Arr(rows=True), "diverged": Flag(),
      "diverged_at": Int(3)},
     errors={"diverged_at:None": TypeError})
spec("lmvis.landscapes.run", kw_call(landscapes.run),
     lambda: {"landscape": landscapes.quadratic(), "optimizer": "adam", "lr": 0.1, "steps": 5,
              "start": np.array([1.0, 1.0]), "schedule": schedules.cosine(5)},
     {"landscape": Obj(others=[landscapes.quadratic]), "optimizer": Choice(landscapes.OPTIMIZERS),
      "lr": Real(0.0), "steps": Int(0), "start": Arr(), "schedule": Func(optional=True)},
     unswept={"opt_kwargs": "passed to the optimizer, whose arguments are swept there"},
     reference=lambda kw: landscapes.run(kw["landscape"], kw["optimizer"], lr=kw["lr"],
                                         steps=kw["steps"], start=kw["start"]),
     errors={"start:None": "ok"})


def _rosenbrock_reference(meth, xy):
    xy = np.asarray(xy, dtype=np.float64)
    x, y = xy[..., 0], xy[..., 1]
    if meth == "f":
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)


# --- linear -----------------------------------------------------------------------------------
XY = {"X": Arr(rows=True), "y": Arr(rows=True)}
spec("lmvis.linear.one_sample_step", kw_call(linear.one_sample_step),
     lambda: {"x": 100.0, "y": 100.0, "w": 0.2, "b": 0.3, "lr": 0.01},
     {"x": Real(), "y": Real(), "w": Real(), "b": Real(), "lr": Real(0.0)})
spec("lmvis.linear.normal_equations", kw_call(linear.normal_equations),
     lambda: {"X": X24(), "y": rng(1).normal(size=6)}, XY)
spec("lmvis.linear.ridge_fit", kw_call(linear.ridge_fit),
     lambda: {"X": X24(), "y": rng(1).normal(size=6), "alpha": 1.0}, {**XY, "alpha": Real(0.0)})
spec("lmvis.linear.objective_and_grads", kw_call(linear.objective_and_grads),
     lambda: {"X": X24(), "y": rng(1).normal(size=6), "w": np.array([0.5, -1.0]), "b": 0.2,
              "alpha": 0.5},
     {"X": Arr(rows=True, cols=True), "y": Arr(rows=True), "w": Arr(rows=True), "b": Real(),
      "alpha": Real(0.0)})
spec("lmvis.linear.fit_linear_gd", kw_call(linear.fit_linear_gd),
     lambda: {"X": X24(), "y": rng(1).normal(size=6), "lr": 0.1, "n_steps": 5, "alpha": 0.0,
              "optimizer": None, "w0": np.zeros(2)},
     {"X": Arr(rows=True, cols=True), "y": Arr(rows=True), "lr": Real(0.0, low_open=True),
      "n_steps": Int(1), "alpha": Real(0.0), "optimizer": Func(optional=True),
      "w0": Arr(rows=True, optional=True)},
     reference=lambda kw: linear.fit_linear_gd(kw["X"], kw["y"], lr=0.1, n_steps=5))

# --- losses -----------------------------------------------------------------------------------
spec("lmvis.losses.mse", kw_call(losses.mse),
     lambda: {"pred": X24(), "target": rng(1).normal(size=(6, 2))},
     {"pred": Arr(rows=True, cols=True), "target": Arr(rows=True, cols=True)})
for fname in ("log_softmax", "softmax"):
    spec(f"lmvis.losses.{fname}", kw_call(getattr(losses, fname)), lambda: {"logits": X24()},
         {"logits": Arr(shape="ok")},
         reference=lambda kw, fname=fname: getattr(torch, fname)(
             torch.as_tensor(np.asarray(kw["logits"], dtype=np.float64)), -1).numpy(),
         errors={"logits:fewer dimensions": "ok"})
spec("lmvis.losses.cross_entropy", kw_call(losses.cross_entropy),
     lambda: {"logits": X24(), "labels": labels6(2)},
     {"logits": Arr(rows=True), "labels": Arr(ints=True, lo=0, hi=1, rows=True)})
spec("lmvis.losses.binary_cross_entropy_with_logits",
     kw_call(losses.binary_cross_entropy_with_logits),
     lambda: {"logits": X24()[:, 0], "targets": (labels6(2)).astype(float)},
     {"logits": Arr(rows=True), "targets": Arr(rows=True, lo=0.0, hi=1.0)})
spec("lmvis.losses.bce_from_probs", kw_call(losses.bce_from_probs),
     lambda: {"p": np.array([0.2, 0.9, 0.5]), "y": np.array([0.0, 1.0, 1.0]), "clip": 1e-7},
     {"p": Arr(rows=True, lo=0.0, hi=1.0), "y": Arr(rows=True, lo=0.0, hi=1.0),
      "clip": Real(0.0, 0.5, high_open=True)})
spec("lmvis.losses.mse_on_sigmoid", kw_call(losses.mse_on_sigmoid),
     lambda: {"z": np.array([-1.0, 2.0]), "y": np.array([0.0, 1.0])},
     {"z": Arr(rows=True), "y": Arr(rows=True, lo=0.0, hi=1.0)})

# --- metrics ----------------------------------------------------------------------------------
for fname in ("rmse", "mae"):
    spec(f"lmvis.metrics.{fname}", kw_call(getattr(metrics, fname)),
         lambda: {"y_true": np.array([1.0, 2.0, 3.0]), "y_pred": np.array([1.5, 2.0, 2.0])},
         {"y_true": Arr(rows=True), "y_pred": Arr(rows=True)})
spec("lmvis.metrics.permutation_importance", kw_call(metrics.permutation_importance),
     lambda: {"predict": lambda Z: Z[:, 0] * 3, "X": X24(), "y": X24()[:, 0] * 3,
              "groups": {"a": [0], "b": [1]}, "n_repeats": 2, "seed": 0},
     {"predict": Func(), "X": Arr(rows=True), "y": Arr(rows=True),
      "groups": Obj(others=[{"a": [5]}, {"a": "0"}, {"a": []}, {"a": [-1]}, [[0]]]),
      "n_repeats": Int(1), "seed": Int(0)})
spec("lmvis.metrics.confusion_matrix", kw_call(metrics.confusion_matrix),
     lambda: {"y_true": labels6(), "y_pred": labels6()[::-1].copy(), "n_classes": 3},
     {"y_true": Arr(ints=True, lo=0, hi=2, rows=True), "y_pred": Arr(ints=True, lo=0, hi=2,
                                                                     rows=True),
      "n_classes": Int(3)},
     errors={"y_true:empty": ValueError, "y_pred:empty": ValueError})
spec("lmvis.metrics.majority_class", kw_call(metrics.majority_class),
     lambda: {"y_train": labels6()}, {"y_train": Arr(ints=True)})
spec("lmvis.metrics.majority_accuracy", kw_call(metrics.majority_accuracy),
     lambda: {"y_train": labels6(), "y_eval": labels6(2)},
     {"y_train": Arr(ints=True), "y_eval": Arr(ints=True)})

# --- mlp --------------------------------------------------------------------------------------
spec("lmvis.mlp.MLP", kw_call(mlp.MLP),
     lambda: {"layer_sizes": [2, 3, 2], "activation": "tanh", "seed": 0, "init": "xavier",
              "dtype": np.float64},
     {"layer_sizes": Ints(1, min_length=2), "activation": Choice(activations.ACTIVATIONS),
      "seed": Int(0), "init": Obj(optional=True, others=["orthogonal", math.nan, [0.5]]),
      "dtype": Obj(others=[np.int64, "float16", "no such dtype", None])},
     errors={"init:int": "ok"}, reference=lambda kw: mlp.MLP(**{**kw, "init": float(kw["init"])}))
spec("lmvis.mlp.MLP.forward", lambda kw: small_mlp().forward(**kw), lambda: {"X": X24()},
     {"X": Arr(cols=True)}, unswept={"self": "the network"})
spec("lmvis.mlp.MLP.backward", lambda kw: forwarded_mlp().backward(**kw),
     lambda: {"grad_output": X24()}, {"grad_output": Arr(rows=True, cols=True)},
     unswept={"self": "the network"})
spec("lmvis.mlp.MLP.step", lambda kw: small_mlp().step(**kw) or "stepped",
     lambda: {"grads": [(np.ones((2, 3)), np.ones(3)), (np.ones((3, 2)), np.ones(2))],
              "lr": 0.1},
     {"grads": Obj(others=[[(np.ones((1, 1)), np.ones(3)), (np.ones((3, 2)), np.ones(2))],
                           [(np.ones((2, 3)), np.ones(3))], [np.ones((2, 3))] * 2,
                           [(np.full((2, 3), np.nan), np.ones(3)),
                            (np.ones((3, 2)), np.ones(2))]]),
      "lr": Real(0.0)},
     unswept={"self": "the network"})
spec("lmvis.mlp.to_torch", kw_call(mlp.to_torch), lambda: {"mlp": small_mlp()},
     {"mlp": Obj(others=[torch_model()])}, goods=False)
spec("lmvis.mlp.torch_mlp", kw_call(mlp.torch_mlp),
     lambda: {"d_in": 3, "hidden": (4,), "d_out": 2, "dropout": 0.1, "seed": 0,
              "dtype": torch.float64},
     {"d_in": Int(1), "hidden": Ints(1), "d_out": Int(1), "dropout": Real(0.0, 1.0,
                                                                         high_open=True),
      "seed": Int(0), "dtype": Obj(optional=True, others=["float64", torch.int64, np.float64])})

# --- notebook ---------------------------------------------------------------------------------
spec("lmvis.notebook.setup", kw_call(notebook.setup), lambda: {"seed": 0}, {"seed": Int(0)},
     goods=False)  # the valid call changes global state (seeds, plot style): bad values only
spec("lmvis.notebook.progress",
     lambda kw: list(notebook.progress(**kw, disable=True) if kw.get("iterable") is not None
                     else []),
     lambda: {"iterable": range(3)}, {"iterable": Obj(optional=True, others=[3.5])},
     unswept={"kwargs": "tqdm's own options"}, errors={"iterable:str": "ok", "iterable:None": "ok"},
     reference=lambda kw: list(kw["iterable"] or []), goods=False)
spec("lmvis.notebook.stopwatch", kw_call(notebook.stopwatch), lambda: {"label": "work"},
     {"label": Text()}, goods=False)
_ANIMATION = []


def tiny_animation():
    """One small animation for every call, rendered once when made: matplotlib warns about an
    animation that is deleted unrendered, which a refused call would leave behind."""
    if not _ANIMATION:
        from matplotlib.animation import FuncAnimation

        fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
        (line,) = ax.plot([0, 1], [0, 1])
        anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=2)
        anim.to_jshtml()
        _ANIMATION.append(anim)
    return _ANIMATION[0]


spec("lmvis.notebook.animation_html", kw_call(notebook.animation_html),
     lambda: {"anim": tiny_animation(), "name": "race"},
     {"anim": Obj(others=["<div></div>"]), "name": Text(bad=["", "1st", "my race", "a-b"])},
     unswept={"to_jshtml": "matplotlib's own options"}, goods=False)
spec("lmvis.notebook.language", kw_call(notebook.language), lambda: {"language": "zh"},
     {"language": Choice(["en", "zh"], optional=True)})
spec("lmvis.notebook.below", kw_call(notebook.below), lambda: {"value": 1e-16, "bound": 1e-12},
     {"value": Real(), "bound": Real(0.0, low_open=True)})

# --- optim ------------------------------------------------------------------------------------
PARAMS = Obj(others=[[], [np.zeros(2, dtype=int)], [[0.0, 1.0]], [np.array([np.nan])],
                     np.zeros(2)])
for cls in ("Optimizer", "SGD", "RMSprop", "Adam"):
    extra = {"SGD": {"momentum": Real(0.0, 1.0, high_open=True), "nesterov": Flag()},
             "RMSprop": {"alpha": Real(0.0, 1.0, high_open=True), "eps": Real(0.0)},
             "Adam": {"betas": Ints(length=2), "eps": Real(0.0)}}.get(cls, {})
    values = {"SGD": {"momentum": 0.9, "nesterov": True},
              "RMSprop": {"alpha": 0.9, "eps": 1e-8},
              "Adam": {"betas": (0.2, 0.3), "eps": 1e-8}}.get(cls, {})
    spec(f"lmvis.optim.{cls}", kw_call(getattr(optim, cls)),
         lambda values=values: {"params": [np.zeros(2)], "lr": 0.1, "weight_decay": 0.0,
                                **values},
         {"params": PARAMS, "lr": Real(0.0), "weight_decay": Real(0.0), **extra},
         errors={"betas:float item": "ok", "betas:item below minimum": ValueError,
                 "betas:str item": TypeError, "betas:bool item": TypeError},
         reference=ANY, goods=False)
spec("lmvis.optim.Optimizer.step",
     lambda kw: optim.Adam([np.zeros(2), np.zeros((2, 2))], lr=0.1).step(**kw) or "stepped",
     lambda: {"grads": [np.ones(2), np.ones((2, 2))]},
     {"grads": Obj(others=[[np.ones(2)], [np.ones(2), np.ones(2)], [np.ones(2), "ab"],
                           [np.array([np.nan, 0.0]), np.ones((2, 2))], np.ones(2)])},
     unswept={"self": "the optimizer"})

# --- pca --------------------------------------------------------------------------------------
spec("lmvis.pca.pca_2d", kw_call(pca.pca_2d), lambda: {"H": rng().normal(size=(5, 3))},
     {"H": Arr()})

# --- preprocessing ----------------------------------------------------------------------------
def _transform_reference(kw):  # written out from the fitted statistics
    df, pre = kw["df"], fitted()
    num = df[["area", "const"]].astype(float).to_numpy()
    num = np.where(np.isnan(num), pre.median_, num)
    hood = df["hood"].astype(object).where(df["hood"].notna(), "<missing>").to_numpy()
    onehot = (hood[:, None] == np.array(["<missing>", "A", "B"])[None, :]).astype(float)
    return np.concatenate([(num - pre.mean_) / pre.std_, onehot], axis=1)


FRAME = Obj(others={"an array": frame().to_numpy(), "no rows": frame().iloc[:0],
                    "inf": frame().assign(area=[1.0, np.inf, 2.0, 3.0]),
                    "no target": frame().drop(columns=["price"])})
spec("lmvis.preprocessing.train_val_test_split", kw_call(preprocessing.train_val_test_split),
     lambda: {"n": 20, "fractions": (0.6, 0.2, 0.2), "seed": 0},
     {"n": Int(7), "fractions": Arr(lo=0.0), "seed": Int(0)},
     errors={"n:below minimum": ValueError})
spec("lmvis.preprocessing.TabularPreprocessor", kw_call(preprocessing.TabularPreprocessor),
     lambda: {"target": "price", "drop": ("const",)},
     {"target": Text(optional=True), "drop": Obj(others=[[3], ("a", None)])},
     errors={"drop:str": "ok"}, reference=ANY, goods=False)
for meth in ("fit", "transform", "fit_transform"):
    spec(f"lmvis.preprocessing.TabularPreprocessor.{meth}",
         lambda kw, meth=meth: getattr(fitted(), meth)(**kw), lambda: {"df": frame()},
         {"df": FRAME}, unswept={"self": "the preprocessor"},
         errors={"df:no rows": "ok", "df:no target": "ok"} if meth == "transform" else {},
         reference=_transform_reference, goods=False)
SPECS["lmvis.preprocessing.TabularPreprocessor.transform"].kinds["df"] = Obj(others={
    **FRAME.others, "no column hood": frame().drop(columns=["hood"])})
spec("lmvis.preprocessing.log_target", kw_call(preprocessing.log_target),
     lambda: {"price": np.array([1.0, 10.0])}, {"price": Arr(lo=0.0, shape="ok")},
     errors={"price:fewer dimensions": "ok"},
     reference=lambda kw: np.log(np.asarray(kw["price"], dtype=float)))

# --- schedules (the factories, and the schedules they return) --------------------------------
spec("lmvis.schedules.step_decay", kw_call(schedules.step_decay),
     lambda: {"step_size": 3, "gamma": 0.5},
     {"step_size": Int(1), "gamma": Real(0.0, 1.0, low_open=True)})
spec("lmvis.schedules.cosine", kw_call(schedules.cosine), lambda: {"total": 10, "min_factor": 0.1},
     {"total": Int(1), "min_factor": Real(0.0, 1.0)})
spec("lmvis.schedules.warmup_cosine", kw_call(schedules.warmup_cosine),
     lambda: {"warmup": 2, "total": 10, "min_factor": 0.0},
     {"warmup": Int(0, 9), "total": Int(3), "min_factor": Real(0.0, 1.0)})
for fname, args in (("step_decay", (3,)), ("cosine", (10,)), ("warmup_cosine", (2, 10))):
    spec(f"lmvis.schedules.{fname}(...)",
         lambda kw, fname=fname, args=args: getattr(schedules, fname)(*args)(**kw),
         lambda: {"t": 4}, {"t": Int(0)})

# --- training ---------------------------------------------------------------------------------
spec("lmvis.training.History", kw_call(training.History),
     lambda: {"train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "best_epoch": 2,
              "best_val_loss": 0.7, "stopped_early": False, "initial_val_loss": 2.0},
     {"train_loss": Ints(), "val_loss": Ints(), "best_epoch": Int(0, 2),
      "best_val_loss": Real(finite=False, inf="ok"), "stopped_early": Flag(),
      "initial_val_loss": Real(optional=True)},
     errors={"train_loss:float item": "ok", "val_loss:float item": "ok",
             "train_loss:bool item": TypeError, "val_loss:bool item": TypeError},
     reference=ANY, goods=False)
spec("lmvis.training.History.record",
     lambda kw: training.History(initial_val_loss=1.0).record(**kw),
     lambda: {"train_loss": 0.5, "val_loss": 0.6},
     {"train_loss": Real(0.0), "val_loss": Real(0.0)}, unswept={"self": "the history"},
     errors={f"{a}:{c}": FloatingPointError for a in ("train_loss", "val_loss")
             for c in ("nan", "inf")} | {"train_loss:below minimum": "ok",
                                          "val_loss:below minimum": "ok"},
     reference=lambda kw: kw["val_loss"] < math.inf)
spec("lmvis.training.History.patience_ran_out",
     lambda kw: training.History(train_loss=[1.0], val_loss=[1.0],
                                 best_epoch=1).patience_ran_out(**kw),
     lambda: {"patience": 2}, {"patience": Int(1)}, unswept={"self": "the history"})
MODEL = Obj(others=[small_mlp()])
LOADER = Obj(others=[[(np.zeros((2, 2)), np.zeros(2))], [(torch.zeros(2, 2),)],
                     [(torch.full((2, 2), math.nan, dtype=torch.float64), torch.zeros(2).long())],
                     []])
spec("lmvis.training.evaluate_loss", kw_call(training.evaluate_loss),
     lambda: {"model": torch_model(), "loss_fn": torch.nn.CrossEntropyLoss(), "loader": loader(),
              "device": None},
     {"model": MODEL, "loss_fn": Func(), "loader": LOADER, "device": Device()}, goods=False)
spec("lmvis.training.fit", lambda kw: training.fit(**kw).epochs,
     lambda: (lambda m: {"model": m, "loss_fn": torch.nn.CrossEntropyLoss(),
                         "optimizer": torch.optim.SGD(m.parameters(), lr=0.1),
                         "train_loader": loader(), "val_loader": loader(4, 1),
                         "max_epochs": 2, "patience": 1, "device": None, "progress": False,
                         "desc": "epochs"})(torch_model()),
     {"model": MODEL, "loss_fn": Func(), "optimizer": Obj(others=[optim.SGD([np.zeros(2)], 0.1)]),
      "train_loader": LOADER, "val_loader": LOADER, "max_epochs": Int(1), "patience": Int(1),
      "device": Device(), "progress": Flag(), "desc": Text()})
spec("lmvis.training.predict", kw_call(training.predict),
     lambda: {"model": torch_model(), "X": X24(), "device": None},
     {"model": MODEL, "X": Arr(), "device": Device()})
spec("lmvis.training.tensor_loader", lambda kw: list(training.tensor_loader(**kw)),
     lambda: {"X": X24(), "y": labels6(2), "batch_size": 4, "shuffle": True, "seed": 0},
     {"X": Arr(rows=True, shape="skip"), "y": Arr(rows=True, shape="skip"), "batch_size": Int(1),
      "shuffle": Flag(), "seed": Int(0)})


def numpy_training(**kw):
    net = mlp.MLP([2, 3, 2], activation="tanh", seed=0)
    return {"net": net, "loss_fn": losses.cross_entropy,
            "optimizer": optim.Adam(net.parameters(), lr=0.01), **kw}


spec("lmvis.training.train_epoch_numpy", kw_call(training.train_epoch_numpy),
     lambda: numpy_training(X=X24(), y=labels6(2), batch_size=4, rng=rng()),
     {"net": MODEL, "loss_fn": Func(), "optimizer": Obj(others=[optim.Adam([np.zeros(2)])]),
      "X": Arr(rows=True, cols=True), "y": Arr(rows=True, shape="skip"), "batch_size": Int(1),
      "rng": Obj(others=[np.random.RandomState(0)])},
     names={"X": "X_train", "y": "y_train"}, errors={"y:float dtype": TypeError})
spec("lmvis.training.fit_numpy", lambda kw: training.fit_numpy(**kw).epochs,
     lambda: numpy_training(X_train=X24(), y_train=labels6(2), X_val=X24()[:3],
                            y_val=np.array([0, 1, 0]), batch_size=4, max_epochs=2, patience=1,
                            seed=0, progress=False),
     {"net": MODEL, "loss_fn": Func(), "optimizer": Obj(others=[optim.Adam([np.zeros(2)])]),
      "X_train": Arr(rows=True, cols=True), "y_train": Arr(rows=True, shape="skip"),
      "X_val": Arr(rows=True, cols=True), "y_val": Arr(rows=True, shape="skip"),
      "batch_size": Int(1), "max_epochs": Int(1), "patience": Int(1), "seed": Int(0),
      "progress": Flag()})

# --- transformer ------------------------------------------------------------------------------
spec("lmvis.transformer.sinusoidal_positional_encoding",
     kw_call(transformer.sinusoidal_positional_encoding),
     lambda: {"n_positions": 4, "d_model": 6, "base": 10000.0},
     {"n_positions": Int(1), "d_model": Int(1), "base": Real(1.0, low_open=True)})
spec("lmvis.transformer.FeedForward", kw_call(transformer.FeedForward),
     lambda: {"d_model": 4, "d_ff": 8}, {"d_model": Int(1), "d_ff": Int(1)}, goods=False)
spec("lmvis.transformer.FeedForward.forward",
     lambda kw: transformer.FeedForward(4, 8).double()(**kw), lambda: {"x": tensor(2, 3, 4)},
     {"x": Ten(cols=True)}, unswept={"self": "the module"},
     errors={"x:nan": "ok", "x:inf": "ok"},
     reference=lambda kw: _ffn_reference(kw["x"]))
spec("lmvis.transformer.TransformerBlock", kw_call(transformer.TransformerBlock),
     lambda: {"d_model": 4, "n_heads": 2, "d_ff": 8},
     {"d_model": Int(1), "n_heads": Int(1, 4), "d_ff": Int(1)}, goods=False)
spec("lmvis.transformer.TransformerBlock.forward",
     lambda kw: transformer.TransformerBlock(4, 2, 8).double()(**kw),
     lambda: {"x": tensor(2, 3, 4), "mask": attention.causal_mask(3)},
     {"x": Ten(cols=True), "mask": Ten(bools=True, shape="ok", optional=True)},
     unswept={"self": "the module"},
     reference=lambda kw: transformer.TransformerBlock(4, 2, 8).double()(kw["x"], kw["mask"]))
spec("lmvis.transformer.TransformerConfig", kw_call(transformer.TransformerConfig),
     lambda: {"vocab_size": 5, "max_len": 4, "d_model": 4, "n_heads": 2, "n_layers": 1,
              "d_ff": 8, "n_outputs": 3},
     {"vocab_size": Int(1), "max_len": Int(1), "d_model": Int(1), "n_heads": Int(1, 4),
      "n_layers": Int(1), "d_ff": Int(1), "n_outputs": Int(1)})
for cls in ("TinyTransformer", "SequenceClassifier"):
    spec(f"lmvis.transformer.{cls}", kw_call(getattr(transformer, cls)),
         lambda: {"config": config()}, {"config": Obj(others=[{"d_model": 4}])}, goods=False)
TOKENS = Ten(ints=True, lo=0, hi=4)
spec("lmvis.transformer.TinyTransformer.forward",
     lambda kw: transformer.TinyTransformer(config())(**kw),
     lambda: {"tokens": torch.tensor([[0, 1, 2, 3], [4, 3, 2, 1]]), "mask": None},
     {"tokens": TOKENS, "mask": Ten(bools=True, optional=True, shape="ok")},
     unswept={"self": "the module"})
SPECS["lmvis.transformer.TinyTransformer.forward"].valid = lambda: {
    "tokens": torch.tensor([[0, 1, 2, 3], [4, 3, 2, 1]]), "mask": attention.causal_mask(4)}
SPECS["lmvis.transformer.TinyTransformer.forward"].reference = (
    lambda kw: transformer.TinyTransformer(config())(kw["tokens"], kw["mask"]))
spec("lmvis.transformer._Encoder.encode",
     lambda kw: transformer.TinyTransformer(config()).encode(**kw),
     lambda: {"tokens": torch.tensor([[0, 1, 2]]), "mask": attention.causal_mask(3)},
     {"tokens": TOKENS, "mask": Ten(bools=True, optional=True, shape="ok")},
     unswept={"self": "the module"},
     reference=lambda kw: transformer.TinyTransformer(config()).encode(kw["tokens"], kw["mask"]))
spec("lmvis.transformer.SequenceClassifier.forward",
     lambda kw: transformer.SequenceClassifier(config())(**kw),
     lambda: {"tokens": torch.tensor([[1, 2, 3, 0]]),
              "padding_mask": torch.tensor([[True, True, True, False]])},
     {"tokens": TOKENS, "padding_mask": Ten(bools=True, optional=True)},
     unswept={"self": "the module"},
     reference=lambda kw: transformer.SequenceClassifier(config())(kw["tokens"]))


def _ffn_reference(x):
    torch.default_generator.manual_seed(0)
    ffn = transformer.FeedForward(4, 8).double()
    return ffn.linear2(torch.relu(ffn.linear1(x)))


# --- viz --------------------------------------------------------------------------------------
AX = Obj(optional=True, others=[np.zeros(2)])
TOK = Obj(optional=True, others=[["a"], "abc"])
spec("lmvis.viz.attention.plot_attention", kw_call(viz_attention.plot_attention),
     lambda: {"weights": weights(3, 4), "query_tokens": list("abc"), "key_tokens": list("wxyz"),
              "ax": None, "title": "t", "annotate": True},
     {"weights": Ten(), "query_tokens": TOK, "key_tokens": TOK, "ax": AX,
      "title": Text(optional=True), "annotate": Flag()},
     errors={"weights:ndarray": "ok", "weights:list": "ok", "weights:int dtype": "ok"},
     reference=ANY)
spec("lmvis.viz.attention.plot_attention_grid", kw_call(viz_attention.plot_attention_grid),
     lambda: {"layer_weights": [weights(2, 3, 4), weights(2, 3, 4)],
              "query_tokens": list("abc"), "key_tokens": list("wxyz"), "size": 1.0},
     {"layer_weights": Obj(others=[[], [weights(2, 3, 4), weights(2, 3, 3)], [weights(3, 4)],
                                   weights(3, 4)]),
      "query_tokens": TOK, "key_tokens": TOK, "size": Real(0.0, low_open=True)},
     errors={"layer_weights:str": TypeError}, goods=False)
spec("lmvis.viz.attention.plot_attention_row", kw_call(viz_attention.plot_attention_row),
     lambda: {"row": weights(4), "key_tokens": list("wxyz"), "ax": None, "title": "t"},
     {"row": Ten(), "key_tokens": TOK, "ax": AX, "title": Text(optional=True)},
     errors={"row:ndarray": "ok", "row:list": "ok", "row:int dtype": "ok"},
     reference=ANY)
spec("lmvis.viz.classification.decision_grid", kw_call(viz_classification.decision_grid),
     lambda: {"predict": lambda P: P[:, 0], "lo": 0.0, "hi": 1.0, "n": 4},
     {"predict": Func(), "lo": Real(hi=1.0, high_open=True), "hi": Real(0.0, low_open=True),
      "n": Int(2)})
GRID = Arr(rows=True, cols=True)
spec("lmvis.viz.classification.plot_decision_boundary",
     kw_call(viz_classification.plot_decision_boundary),
     lambda: {"xx": np.tile(np.linspace(0, 1, 3), (3, 1)),
              "yy": np.tile(np.linspace(0, 1, 3), (3, 1)).T, "probs": np.full((3, 3), 0.4),
              "X": np.eye(2), "y": np.array([0, 1]), "ax": None, "title": ""},
     {"xx": GRID, "yy": GRID, "probs": Arr(rows=True, cols=True, lo=0.0, hi=1.0),
      "X": Arr(cols=True, rows=True), "y": Arr(ints=True, lo=0, hi=1, rows=True), "ax": AX,
      "title": Text()})
spec("lmvis.viz.classification.plot_confusion_matrix",
     kw_call(viz_classification.plot_confusion_matrix),
     lambda: {"C": np.eye(3, dtype=int) * 4, "class_names": list("abc"), "title": "C"},
     {"C": Arr(ints=True, lo=0, cols=True), "class_names": TOK, "title": Text()})
spec("lmvis.viz.classification.plot_image_grid", kw_call(viz_classification.plot_image_grid),
     lambda: {"images": rng().random((3, 4, 4)), "titles": ["a", "b", "c"], "ncols": 2,
              "cmap": "gray_r", "suptitle": "s", "size": 0.5},
     {"images": Arr(), "titles": Obj(optional=True, others=[["a"], [1, 2, 3]]), "ncols": Int(1),
      "cmap": Choice(plt.colormaps()), "suptitle": Text(), "size": Real(0.0, low_open=True)})
spec("lmvis.viz.classification.plot_weight_images",
     kw_call(viz_classification.plot_weight_images),
     lambda: {"W": rng().normal(size=(4, 3)), "image_shape": (2, 2), "n": 2, "ncols": 2,
              "title": "W"},
     {"W": Arr(rows=True), "image_shape": Ints(1, min_length=1), "n": Int(1, optional=True),
      "ncols": Int(1), "title": Text()},
     errors={"W:one row fewer": ValueError})
spec("lmvis.viz.classification.plot_learning_curves",
     kw_call(viz_classification.plot_learning_curves),
     lambda: {"train_loss": np.array([1.0, 0.5, 0.4]), "val_loss": np.array([1.1, 0.6, 0.7]),
              "best_epoch": 2, "ylabel": "loss"},
     {"train_loss": Arr(rows=True, lo=1e-300), "val_loss": Arr(rows=True, lo=1e-300),
      "best_epoch": Int(1, 3, optional=True), "ylabel": Text()})
spec("lmvis.viz.classification.plot_embedding", kw_call(viz_classification.plot_embedding),
     lambda: {"Z": X24(), "y": labels6(), "ax": None, "title": ""},
     {"Z": Arr(rows=True, cols=True), "y": Arr(ints=True, rows=True), "ax": AX, "title": Text()})
spec("lmvis.viz.graph.graph_layout", kw_call(viz_graph.graph_layout),
     lambda: {"root": value_graph()}, {"root": Obj(others=[1.5])}, goods=False)
spec("lmvis.viz.graph.draw_graph", kw_call(viz_graph.draw_graph),
     lambda: {"root": value_graph(), "ax": None, "title": "g"},
     {"root": Obj(others=[1.5]), "ax": AX, "title": Text(optional=True)}, goods=False)
spec("lmvis.viz.history.plot_parameter_growth", kw_call(viz_history.plot_parameter_growth),
     lambda: {"milestones": milestones.MILESTONES[-3:], "ax": None},
     {"milestones": Obj(others=[[], [milestones.MILESTONES[0]], [1, 2]]), "ax": AX},
     errors={"milestones:None": TypeError}, goods=False)
TRAJS = Obj(optional=True, others=[{"sgd": 3}, {3: trajectory()}, [trajectory()]])
spec("lmvis.viz.landscapes.plot_contour", kw_call(viz_landscapes.plot_contour),
     lambda: {"landscape": landscapes.quadratic(), "trajectories": {"sgd": trajectory()},
              "ax": None, "n": 10, "title": "t", "filled": True},
     {"landscape": Obj(), "trajectories": TRAJS, "ax": AX, "n": Int(2),
      "title": Text(optional=True), "filled": Flag()}, goods=False)
spec("lmvis.viz.landscapes.plot_surface", kw_call(viz_landscapes.plot_surface),
     lambda: {"landscape": landscapes.quadratic(), "trajectories": {"sgd": trajectory()},
              "ax": None, "n": 10, "zclip": 5.0},
     {"landscape": Obj(), "trajectories": TRAJS, "ax": Obj(optional=True, others=[
         plt.figure().add_subplot()]), "n": Int(2), "zclip": Real(optional=True)}, goods=False)
spec("lmvis.viz.landscapes.animate_race",
     lambda kw: viz_landscapes.animate_race(**kw).to_jshtml(),  # rendered, as the book does
     lambda: {"landscape": landscapes.quadratic(), "trajectories": {"sgd": trajectory()},
              "frames": 3, "figsize": (2, 2), "dpi": 30},
     {"landscape": Obj(), "trajectories": Obj(others=[{}, {"sgd": 3}, [trajectory()]]),
      "frames": Int(2), "figsize": Ints(length=2), "dpi": Int(1)},
     errors={"figsize:float item": "ok", "figsize:item below minimum": ValueError},
     reference=ANY, goods=False)

# --- widgets ----------------------------------------------------------------------------------
EXPLORE = {"landscape": Choice(landscapes.LANDSCAPES), "optimizer": Choice(landscapes.OPTIMIZERS),
           "lr": Real(0.0), "momentum": Real(0.0, 1.0, high_open=True), "steps": Int(0)}
spec("lmvis.widgets.explore", kw_call(widgets.explore),
     lambda: {"landscape": "rosenbrock", "optimizer": "adam", "lr": 0.01, "momentum": 0.5,
              "steps": 5}, EXPLORE)
spec("lmvis.widgets.explore_figure", lambda kw: widgets.explore_figure(**kw)[1],
     lambda: {"landscape": "saddle", "optimizer": "sgd", "lr": 0.05, "momentum": 0.5,
              "steps": 5, "ax": None}, {**EXPLORE, "ax": AX}, goods=False)
LAYERS = Obj(others=[[], [np.zeros((3, 4))], [np.full((2, 3, 4), np.nan)], np.zeros((2, 3, 4)),
                     "abc"])
spec("lmvis.widgets.attention_row", kw_call(widgets.attention_row),
     lambda: {"layer_weights": [weights(2, 3, 4), weights(2, 3, 4)], "layer": 1, "head": 0,
              "query": 2},
     {"layer_weights": LAYERS, "layer": Int(), "head": Int(), "query": Int()},
     reference=lambda kw: widgets.attention_row(list(kw["layer_weights"]), kw["layer"],
                                                kw["head"], kw["query"]))
spec("lmvis.widgets.attention_view", kw_call(widgets.attention_view),
     lambda: {"layer_weights": [weights(2, 3, 4)], "tokens": list("abc")},
     {"layer_weights": LAYERS, "tokens": Obj(others=[["a"], "ab"])},
     reference=ANY, goods=False)

# --- chapter 10: gpt_param_breakdown, scale, kvcache, distributed, datasets.scaling ---------
import sweep_chapter10  # noqa: E402 - its entries, in a file of their own

sweep_chapter10.register(spec, kw_call)

# --- chapter 9: poems, tokens, n-grams, the GPT, its training, pictures and widget -----------
POEM = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"


def poem_tok():
    return tokenizers.CharTokenizer(list("，。\n春风明月山水"))  # 10 tokens with <unk>


def gpt_config(**kw):
    return gpt.GPTConfig(10, 8, 8, 1, 2, **kw)


def tiny_gpt():
    torch.default_generator.manual_seed(0)
    return gpt.GPT(gpt_config()).double()


def ids10(n=12, seed=0):
    return torch.randint(0, 10, (n,), generator=torch.Generator().manual_seed(seed))


GEN = Obj(optional=True, others=[np.random.default_rng(0)])
CONFIG = Obj(others=[transformer.TransformerConfig()])
TITLE = Text(optional=True)
AX_OPT = Obj(optional=True, others=[np.zeros(2)])
GPT_MODEL = Obj(others=[torch.nn.Linear(2, 2)])
TOKENIZER = Obj(others=[{"a": 1}])

spec("lmvis.datasets.poems.PoemSplit", kw_call(poems.PoemSplit),
     lambda: {"train": ["a", "b"], "val": ["c"], "test": ["d"]},
     {"train": Obj(others=[[3], "ab"]), "val": Obj(others=[[3], "ab"]),
      "test": Obj(others=[[3], "ab"])}, goods=False)
spec("lmvis.datasets.poems.form_counts", kw_call(poems.form_counts),
     lambda: {"texts": [POEM, POEM[:11]]}, {"texts": Obj(others=[[3], "abc"])}, goods=False)
spec("lmvis.datasets.poems.is_poem", kw_call(poems.is_poem), lambda: {"text": POEM},
     {"text": Text()})
spec("lmvis.datasets.poems.poem_lines", kw_call(poems.poem_lines), lambda: {"text": POEM},
     {"text": Text()})
spec("lmvis.datasets.poems.load_poems", kw_call(poems.load_poems),
     lambda: {"expected_sha256": poems.POEMS_SHA256},
     {"expected_sha256": Text(bad=["abc", "Z" * 64, poems.POEMS_SHA256.upper()])}, goods=False)
spec("lmvis.datasets.poems.poem_groups", kw_call(poems.poem_groups),
     lambda: {"poems": ["a，b。", "a，b。c，d。", "c，e。"], "min_shared": 2},
     {"poems": Obj(others=[["a", 3], "abc"]), "min_shared": Int(1)})
spec("lmvis.datasets.poems.split_poems", kw_call(poems.split_poems),
     lambda: {"poems": list("abcdefghij"), "val_fraction": 0.2, "test_fraction": 0.2,
              "seed": 0, "keep_groups": True},
     {"poems": Obj(others=[[], ["a", 3], "abc"]), "val_fraction": Real(0.0, 1.0),
      "test_fraction": Real(0.0, 1.0), "seed": Int(0), "keep_groups": Flag()},
     errors={"val_fraction:above maximum": ValueError, "test_fraction:above maximum": ValueError})
WRITE = {"model": GPT_MODEL, "tokenizer": TOKENIZER, "n": Int(1),
         "prompt": Text(bad=["春\n风", "春" * 49]), "temperature": Real(0.0, low_open=True),
         "top_k": Int(1, optional=True), "generator": GEN}
spec("lmvis.datasets.poems.write_poems", kw_call(poems.write_poems),
     lambda: {"model": tiny_gpt(), "tokenizer": poem_tok(), "n": 2, "prompt": "春",
              "temperature": 0.8, "top_k": 3, "generator": None},
     WRITE, goods=False)

# gpt
spec("lmvis.gpt.GPTConfig", kw_call(gpt.GPTConfig),
     lambda: {"vocab_size": 10, "context": 8, "d_model": 8, "n_layers": 1, "n_heads": 2,
              "d_ff": 16, "tie_weights": True, "init_std": 0.02},
     {"vocab_size": Int(1), "context": Int(1), "d_model": Int(1), "n_layers": Int(1),
      "n_heads": Int(1, 8), "d_ff": Int(1, optional=True), "tie_weights": Flag(),
      "init_std": Real(0.0, low_open=True)},
     errors={"d_ff:None": "ok"}, reference=lambda kw: gpt.GPTConfig(**{**kw, "d_ff": 32}))
spec("lmvis.gpt.gpt_param_count", kw_call(gpt.gpt_param_count),
     lambda: {"config": gpt_config()}, {"config": CONFIG}, goods=False)
spec("lmvis.gpt.PreLNBlock", kw_call(gpt.PreLNBlock),
     lambda: {"d_model": 8, "n_heads": 2, "d_ff": 16},
     {"d_model": Int(1), "n_heads": Int(1, 8), "d_ff": Int(1)})


def block_forward(kw):
    torch.default_generator.manual_seed(0)
    return gpt.PreLNBlock(8, 2, 16).double()(**kw)


spec("lmvis.gpt.PreLNBlock.forward", block_forward,
     lambda: {"x": tensor(2, 3, 8), "mask": attention.causal_mask(3)},
     {"x": Ten(cols=True), "mask": Ten(bools=True, shape="ok", optional=True)},
     unswept={"self": "the module"}, reference=block_forward)
spec("lmvis.gpt.GPT", kw_call(gpt.GPT), lambda: {"config": gpt_config()}, {"config": CONFIG},
     goods=False)
IDX = Ten(ints=True, lo=0, hi=9)
for method in ("forward", "hidden"):
    spec(f"lmvis.gpt.GPT.{method}", lambda kw, m=method: getattr(tiny_gpt(), m)(**kw),
         lambda: {"idx": ids10(8).reshape(2, 4)}, {"idx": IDX}, unswept={"self": "the model"})
spec("lmvis.gpt.GPT.reset_parameters",
     lambda kw: (lambda m: (m.reset_parameters(**kw), m)[1])(tiny_gpt()),
     lambda: {"generator": torch.Generator().manual_seed(1)}, {"generator": GEN},
     unswept={"self": "the model"})


def generate(kw):
    return tiny_gpt().generate(**kw)


def generate_ref(kw):  # the same prompt as a tensor, in the shape it was given
    p = torch.as_tensor(kw["prompt"])
    out = tiny_gpt().generate(**{**kw, "prompt": p.reshape(-1)})
    return out.reshape(*p.shape[:-1], -1)


spec("lmvis.gpt.GPT.generate", generate,
     lambda: {"prompt": ids10(3), "max_new_tokens": 4, "temperature": 0.9, "top_k": 3,
              "generator": None, "exclude": [0]},  # generator None: torch's global one, seeded
     {"prompt": IDX, "max_new_tokens": Int(0), "temperature": Real(0.0, low_open=True),
      "top_k": Int(1, optional=True), "generator": GEN, "exclude": Ints(0)},
     unswept={"self": "the model"}, reference=generate_ref,
     errors={"prompt:list": "ok", "prompt:extra dimension": "ok"}, goods=False)
spec("lmvis.gpt.TorchGPT", kw_call(gpt.TorchGPT), lambda: {"config": gpt_config()},
     {"config": CONFIG}, goods=False)
spec("lmvis.gpt.TorchGPT.forward", lambda kw: gpt.TorchGPT.from_gpt(tiny_gpt())(**kw),
     lambda: {"idx": ids10(8).reshape(2, 4)}, {"idx": IDX}, unswept={"self": "the model"})
spec("lmvis.gpt.TorchGPT.from_gpt", kw_call(gpt.TorchGPT.from_gpt),
     lambda: {"gpt": tiny_gpt()}, {"gpt": GPT_MODEL}, unswept={"cls": "the class"}, goods=False)

# memorisation, ngram, sampling, tokenizers
spec("lmvis.memorisation.longest_shared_runs", kw_call(memorisation.longest_shared_runs),
     lambda: {"texts": ["abcd", "xbc"], "corpus": "zabcz"},
     {"texts": Obj(others=[[3], "abc"]), "corpus": Text(bad=[""])}, goods=False)
spec("lmvis.ngram.NGram", kw_call(ngram.NGram),
     lambda: {"order": 2, "vocab_size": 10, "alpha": 0.1},
     {"order": Int(1, 2), "vocab_size": Int(1), "alpha": Real(0.0, low_open=True)})
IDS = Arr(ints=True, lo=0, hi=9)
spec("lmvis.ngram.NGram.fit", lambda kw: ngram.NGram(2, 10, 0.1).fit(**kw).counts,
     lambda: {"ids": ids10().numpy()}, {"ids": IDS}, unswept={"self": "the model"})
for method in ("log_probs", "nll", "perplexity"):
    spec(f"lmvis.ngram.NGram.{method}",
         lambda kw, m=method: getattr(ngram.NGram(2, 10, 0.1).fit(ids10().numpy()), m)(**kw),
         lambda: {"ids": ids10(seed=1).numpy()}, {"ids": IDS}, unswept={"self": "the model"})
spec("lmvis.ngram.NGram.generate",
     lambda kw: ngram.NGram(2, 10, 0.1).fit(ids10().numpy()).generate(**kw),
     lambda: {"start": 3, "n_tokens": 5, "generator": None, "stop": 2, "exclude": [0]},
     {"start": Int(0, 9), "n_tokens": Int(0), "generator": GEN, "stop": Int(0, 9, optional=True),
      "exclude": Ints(0)},
     unswept={"self": "the model"}, errors={"stop:None": "ok"},
     reference=lambda kw: ngram.NGram(2, 10, 0.1).fit(ids10().numpy()).generate(
         kw["start"], kw["n_tokens"], kw["generator"], kw["stop"], exclude=kw["exclude"]))


def probs_ref(kw):  # softmax(logits / T) over the top_k, written with torch.topk and a scatter
    z = kw["logits"].double() / kw["temperature"]
    for i in kw["exclude"]:
        z[..., i] = -math.inf
    k = kw["top_k"] or z.shape[-1]
    keep = torch.zeros_like(z, dtype=torch.bool).scatter(-1, torch.topk(z, min(k, z.shape[-1]),
                                                                        -1).indices, True)
    return F.softmax(z.masked_fill(~keep, -math.inf), -1)


spec("lmvis.sampling.next_token_probs", kw_call(sampling.next_token_probs),
     lambda: {"logits": tensor(2, 6), "temperature": 0.7, "top_k": 3, "exclude": [0]},
     {"logits": Ten(shape="ok"), "temperature": Real(0.0, low_open=True),
      "top_k": Int(1, optional=True), "exclude": Ints(0)},
     reference=probs_ref, errors={"logits:fewer dimensions": "ok"}, tol=1e-12)


def sample_ref(kw):  # inverse CDF row by row, with a fresh generator seeded as the valid one
    p = kw["probs"].double()
    u = torch.rand(p.shape[:-1] + (1,), generator=torch.Generator().manual_seed(0),
                   dtype=torch.float64).reshape(-1).tolist()
    rows = p.reshape(-1, p.shape[-1]).tolist()
    out = [next(i for i, c in enumerate(np.cumsum(r)) if c > ui * sum(r)) for r, ui in
           zip(rows, u, strict=True)]
    return torch.tensor(out).reshape(p.shape[:-1])


spec("lmvis.sampling.sample_next", kw_call(sampling.sample_next),
     lambda: {"probs": weights(2, 5), "generator": torch.Generator().manual_seed(0)},
     {"probs": Ten(shape="ok"), "generator": GEN}, reference=sample_ref,
     errors={"probs:fewer dimensions": "ok"}, goods=False)
spec("lmvis.tokenizers.CharTokenizer", lambda kw: tokenizers.CharTokenizer(**kw).tokens,
     lambda: {"chars": list("山风，。"), "unk": True},
     {"chars": Obj(others=[["ab"], ["a", "a"], [3], ["□"], "abc"]), "unk": Flag()})
spec("lmvis.tokenizers.CharTokenizer.from_text",
     lambda kw: tokenizers.CharTokenizer.from_text(**kw).tokens,
     lambda: {"text": "山风山，。", "max_chars": 2, "unk": True},
     {"text": Text(), "max_chars": Int(1, optional=True), "unk": Flag()},
     unswept={"cls": "the class"})
spec("lmvis.tokenizers.CharTokenizer.encode", lambda kw: poem_tok().encode(**kw),
     lambda: {"text": "春风雪"}, {"text": Text()}, unswept={"self": "the tokenizer"})
spec("lmvis.tokenizers.CharTokenizer.decode", lambda kw: poem_tok().decode(**kw),
     lambda: {"ids": np.array([4, 5, 0])}, {"ids": Arr(ints=True, lo=0, hi=9, empty="ok")},
     unswept={"self": "the tokenizer"},
     reference=lambda kw: "".join(("□" if i == 0 else poem_tok().tokens[i]) for i in kw["ids"]))
spec("lmvis.tokenizers.bpe_train", kw_call(tokenizers.bpe_train),
     lambda: {"corpus": "low lower newest", "n_merges": 3},
     {"corpus": Text(bad=["   "]), "n_merges": Int(0)})
spec("lmvis.tokenizers.bpe_encode", kw_call(tokenizers.bpe_encode),
     lambda: {"word": "lowest", "merges": [("l", "o"), ("lo", "w")]},
     {"word": Text(bad=["", "two words"]), "merges": Obj(others=[[("a",)], [3], "ab"])})

# training
spec("lmvis.training.LMRun", kw_call(training.LMRun),
     lambda: {"train_loss": [2.0, 1.5], "lr": [0.1, 0.1], "eval_steps": [2], "val_loss": [1.4],
              "snapshots": {}},
     {"train_loss": Ints(), "lr": Ints(), "eval_steps": Ints(0), "val_loss": Ints(),
      "snapshots": Obj(others=[[1]])},
     errors={f"{a}:float item": "ok" for a in ("train_loss", "lr", "val_loss")}
     | {f"{a}:bool item": TypeError for a in ("train_loss", "lr", "val_loss")},
     reference=ANY, goods=False)
spec("lmvis.training.adamw_for", lambda kw: training.adamw_for(**kw).defaults,
     lambda: {"model": tiny_gpt(), "lr": 0.01, "weight_decay": 0.1, "betas": (0.9, 0.99)},
     {"model": Obj(others=[small_mlp()]), "lr": Real(0.0, low_open=True),
      "weight_decay": Real(0.0), "betas": Obj(others=[(0.9,), (0.9, 1.5), "ab"])})
spec("lmvis.training.lm_examples", kw_call(training.lm_examples),
     lambda: {"sequences": [[1, 2, 3], [4, 5]], "length": 4, "pad": 0},
     {"sequences": Obj(others=[[], [[1]], [[1, -2, 3]], "ab", [[1.5, 2]]]),
      "length": Int(1), "pad": Int(0)})
spec("lmvis.training.lm_loss", kw_call(training.lm_loss),
     lambda: {"model": tiny_gpt(), "inputs": ids10(8).reshape(2, 4),
              "targets": ids10(8, seed=1).reshape(2, 4), "batch_size": 1},
     {"model": Obj(), "inputs": Ten(ints=True, lo=0, hi=9),
      "targets": Ten(ints=True, lo=-100, hi=9), "batch_size": Int(1)})
spec("lmvis.training.lm_windows", kw_call(training.lm_windows),
     lambda: {"ids": ids10(20), "starts": torch.tensor([0, 5, 10]), "batch_size": 4,
              "length": 6, "generator": torch.Generator().manual_seed(0)},
     {"ids": Ten(ints=True), "starts": Ten(ints=True, lo=0, hi=13), "batch_size": Int(1),
      "length": Int(1), "generator": GEN}, goods=False)
spec("lmvis.training.quantize_",
     lambda kw: training.quantize_(**kw),
     lambda: {"parameters": [tensor(3)], "quantum": 2.0**-10},
     {"parameters": Obj(others=[[torch.zeros(2, dtype=torch.long)], [np.zeros(2)], "ab"]),
      "quantum": Real(0.0, low_open=True)}, goods=False)


def lm_train(**kw):
    return {"model": tiny_gpt(), "ids": ids10(40), "starts": torch.arange(0, 30, 3),
            "steps": 3, "batch_size": 2, "length": 4, "lr": 0.01, "warmup": 1,
            "min_lr_factor": 0.1, "weight_decay": 0.1, "grad_clip": 1.0, "seed": 0,
            "quantum": 2.0**-20, "eval_fn": lambda m: 1.0, "eval_every": 1,
            "snapshot_steps": (0, 2), "progress": False, "desc": "t", "report": None, **kw}


def lm_train_call(kw):  # a copy of the model each time: training changes it in place
    model = kw["model"]
    model = copy.deepcopy(model) if isinstance(model, torch.nn.Module) else model
    return training.train_language_model(**{**kw, "model": model})


spec("lmvis.training.train_language_model", lm_train_call, lm_train,
     {"model": Obj(), "ids": Ten(ints=True), "starts": Ten(ints=True, lo=0, hi=35),
      "steps": Int(1), "batch_size": Int(1), "length": Int(1), "lr": Real(0.0, low_open=True),
      "warmup": Int(0, 2), "min_lr_factor": Real(0.0, 1.0), "weight_decay": Real(0.0),
      "grad_clip": Real(0.0, low_open=True), "seed": Int(0),
      "quantum": Real(0.0, low_open=True, optional=True), "eval_fn": Func(optional=True),
      "eval_every": Int(0), "snapshot_steps": Ints(0), "progress": Flag(), "desc": Text(),
      "report": Func(optional=True)},
     errors={"eval_fn:None": ValueError, "steps:below minimum": ValueError},
     reference=lm_train_call, goods=False)

# pretrained
_PRETRAINED = []


def pretrained_model():
    if not _PRETRAINED:
        _PRETRAINED.append(pretrained.load_tang_gpt())
    return _PRETRAINED[0]


spec("lmvis.pretrained.Pretrained", kw_call(pretrained.Pretrained),
     lambda: {"model": tiny_gpt(), "chars": "山风", "settings": {}, "log": {}, "snapshots": {}},
     {"model": GPT_MODEL, "chars": Text(), "settings": Obj(others=[[1]]),
      "log": Obj(others=[[1]]), "snapshots": Obj(others=[[1]])}, goods=False)
spec("lmvis.pretrained.Pretrained.model_at", lambda kw: pretrained_model().model_at(**kw),
     lambda: {"step": 0}, {"step": Int(0)}, unswept={"self": "the checkpoint"},
     errors={"step:integral float": TypeError}, goods=False)
spec("lmvis.pretrained.load_tang_gpt", kw_call(pretrained.load_tang_gpt),
     lambda: {"expected_sha256": pretrained.TANG_GPT_SHA256, "path": None},
     {"expected_sha256": Text(bad=["abc", "Z" * 64, pretrained.TANG_GPT_SHA256.upper()]),
      "path": Obj(optional=True, others=[b"/tmp"])},
     errors={"path:str": RuntimeError}, goods=False)


def save_ckpt(kw):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return pretrained.save_checkpoint(f"{d}/ckpt.pt", **kw)


def exact_gpt():  # float32 weights, held exactly in float64: what save_checkpoint stores
    torch.default_generator.manual_seed(0)
    return gpt.GPT(gpt_config()).double()


spec("lmvis.pretrained.save_checkpoint", save_ckpt,
     lambda: {"model": exact_gpt(), "chars": "山风", "settings": {}, "log": {},
              "snapshots": {}},
     {"model": GPT_MODEL, "chars": Text(), "settings": Obj(others=[[1]]),
      "log": Obj(others=[[1]]), "snapshots": Obj(others=[[1]])},
     unswept={"path": "where to write: any str or Path names a file"}, goods=False)

# viz.gpt
RUN = lambda: training.LMRun(train_loss=[3.0, 2.5, 2.0], eval_steps=[3], val_loss=[2.1])  # noqa: E731
spec("lmvis.viz.gpt.plot_lm_curves", kw_call(viz_gpt.plot_lm_curves),
     lambda: {"runs": {"a": RUN()}, "baselines": {"bigram": 2.5}, "ax": None, "smooth": 2,
              "title": "t"},
     {"runs": Obj(others=[{"a": 3}]), "baselines": Obj(others=[{"a": "x"}, {"a": math.nan}]),
      "ax": AX_OPT, "smooth": Int(1), "title": TITLE}, reference=ANY, goods=False)
spec("lmvis.viz.gpt.plot_char_attention", kw_call(viz_gpt.plot_char_attention),
     lambda: {"layer_weights": [weights(2, 3, 3)], "chars": list("春风月"), "size": 1.0,
              "title": "t"},
     {"layer_weights": Obj(others=[[], [np.zeros((3, 4))], np.zeros((2, 3, 4)), "abc"]),
      "chars": Obj(others=[["a"], "ab", [3, 4, 5]]), "size": Real(0.0, low_open=True),
      "title": TITLE}, reference=ANY, goods=False)
spec("lmvis.viz.gpt.plot_next_char_panels", kw_call(viz_gpt.plot_next_char_panels),
     lambda: {"panels": [("step 0", np.full(4, 0.25))], "tokens": list("春风月□"), "top": 3,
              "title": "t"},
     {"panels": Obj(others=[[], [("a",)], [("a", np.zeros(3))]]),
      "tokens": Obj(others=[[3, 4, 5, 6], "ab"]), "top": Int(1), "title": TITLE},
     reference=ANY, goods=False)
spec("lmvis.viz.gpt.plot_poem_grid", kw_call(viz_gpt.plot_poem_grid),
     lambda: {"texts": [[POEM, POEM[:12]]], "row_labels": ["τ 1"], "col_labels": ["a", "b"],
              "title": "t", "size": (1.0, 1.0)},
     {"texts": Obj(others=[[["a"]], [["a", 3]], "ab"]), "row_labels": Obj(others=[[]]),
      "col_labels": Obj(others=[[]]), "title": TITLE,
      "size": Obj(others=[(1.0,), (0.0, 1.0), "ab"])}, reference=ANY, goods=False)
spec("lmvis.viz.gpt.plot_run_lengths", kw_call(viz_gpt.plot_run_lengths),
     lambda: {"groups": {"GPT": [3, 4], "test": [4, 9]}, "ax": None, "title": "t"},
     {"groups": Obj(others=[{}, {"a": []}, {"a": [1.5]}, {"a": [-1]}]), "ax": AX_OPT,
      "title": TITLE}, reference=ANY, goods=False)

# widgets
spec("lmvis.widgets.continue_poem", kw_call(widgets.continue_poem),
     lambda: {"model": tiny_gpt(), "tokenizer": poem_tok(), "prompt": "春风", "temperature": 0.8,
              "top_k": 3, "seed": 1},
     {"model": GPT_MODEL, "tokenizer": TOKENIZER, "prompt": Text(),
      "temperature": Real(finite=False, inf="ok"), "top_k": Int(), "seed": Int()},
     reference=lambda kw: widgets.continue_poem(**{**kw, "temperature": float(np.clip(
         kw["temperature"], *widgets.POEM_SLIDERS["temperature"]))}))
spec("lmvis.widgets.poem_view", kw_call(widgets.poem_view),
     lambda: {"model": tiny_gpt(), "tokenizer": poem_tok()},
     {"model": GPT_MODEL, "tokenizer": TOKENIZER}, reference=ANY, goods=False)



# --- exercises: the checkers take the reader's function (or hand answer); a wrong answer is a
# verdict, not an error, so only what is not an answer at all (a str, NaN, None where a
# function is due) is refused. A lone number in a list, or a vector of the wrong shape, is an
# answer of the wrong shape: the checker says so and raises nothing.
EX_SHAPE = "an answer of the wrong shape gets a verdict ('give 3 numbers'), not an error"
EX_ANSWER_ERRORS = {"answer:None": None, "answer:list": None, "answer:extra dimension": None,
                    "answer:fewer dimensions": None, "answer:empty": None}
for _module, _checks in {
    ex01: {"check_assign_to_nearest": ex01._nearest, "check_update_estimate": ex01._update,
           "check_bigram_counts": ex01._bigrams},
    ex02: {"check_stable_sigmoid": activations.sigmoid, "check_elu_prime": ex02._elu_prime,
           "check_count_params": ex02._count},
    ex03: {"check_dense_relu": ex03._layer, "check_mlp_forward": ex03._mlp,
           "check_softmax": losses.softmax},
    ex04: {"check_bce_grad": ex04._bce_grad, "check_central_differences": ex04._central,
           "check_mlp_backward": lambda *a: ex04._analytic(*a)},
    ex05: {"check_momentum_step": ex05._momentum, "check_adam_step": ex05._adam},
    ex07: {"check_bce_with_logits": ex07._bce_mean, "check_cross_entropy": losses.cross_entropy,
           "check_confusion_matrix": metrics.confusion_matrix},
    ex09: {"check_windows": ex09._windows, "check_bigram_probs": ex09._bigram_probs,
           "check_sampling_probs": ex09._probs, "check_gpt_params": ex09._param_count},
    ex10: {"check_non_embedding_params": ex10.scale.non_embedding_params,
           "check_step_flops": ex10._step_flops, "check_zero_bytes": ex10._zero,
           "check_compute_optimal": ex10._optimal, "check_combine_gradients": ex10._combine},
    ex06: {"check_line_gradients": ex06._grads, "check_ridge": linear.ridge_fit,
           "check_standardise": ex06._standardise},
    ex08: {"check_attention": ex08._attention, "check_split_heads": ex08._split,
           "check_positional_encoding": ex08._pe},
}.items():
    for _name, _right in _checks.items():
        spec(f"{_module.__name__}.{_name}", kw_call(getattr(_module, _name)),
             lambda _right=_right: {"f": _right}, {"f": Func()}, goods=False)
for _module, _name, _right in [
        (ex01, "check_growth_factor", ex01.GPT3_PARAMS / ex01.GPT_PARAMS),
        (ex02, "check_sigmoid_slope_at_zero", 0.25), (ex05, "check_threshold", 0.05),
        (ex07, "check_majority_baseline", 27 / 269), (ex09, "check_perplexity", 16.0),
        (ex08, "check_one_query", ex08.one_query_output()),
        (ex08, "check_block_parameters", ex08.block_parameters())]:
    spec(f"{_module.__name__}.{_name}", kw_call(getattr(_module, _name)),
         lambda _right=_right: {"answer": _right}, {"answer": Real()}, errors=EX_ANSWER_ERRORS)
for _module, _name, _right in [(ex03, "check_logits_shape", np.array([32.0, 10.0])),
                               (ex04, "check_house_gradients", ex04.house_gradients()),
                               (ex06, "check_stable_limits", ex06.stable_limits())]:
    spec(f"{_module.__name__}.{_name}", kw_call(getattr(_module, _name)),
         lambda _right=_right: {"answer": _right.copy()}, {"answer": Arr()},
         errors=EX_ANSWER_ERRORS)
EX_MISTAKES = Obj(others={"not pairs": [1.0], "a pair with a number for words": [(1.0, 2.0)]})
spec("lmvis.exercises.core.check_answer", kw_call(ex_core.check_answer),
     lambda: {"answer": np.array([1.0, 2.0]), "expected": np.array([1.0, 2.0]), "name": "v",
              "hint": "h", "tol": 1e-3, "mistakes": [(np.array([2.0, 1.0]), "swapped")]},
     {"answer": Arr(), "expected": Arr(), "name": Text(), "hint": Text(), "tol": Real(0.0),
      "mistakes": EX_MISTAKES},
     errors={**EX_ANSWER_ERRORS, "expected:extra dimension": None,
             "expected:fewer dimensions": None}, goods=False)
EX_CASES = Obj(others={"no cases": [], "not a Case": [(np.zeros(2),)]})
spec("lmvis.exercises.core.check_function", kw_call(ex_core.check_function),
     lambda: {"f": np.negative, "reference": np.negative,
              "cases": [ex_core.Case((np.array([1.0, -2.0]),))], "name": "negative",
              "mistakes": [ex_core.Mistake(np.abs, "abs")], "outputs": ("your result",),
              "against": "np.negative", "rtol": 1e-6, "atol": 1e-9},
     {"f": Func(), "reference": Func(), "cases": EX_CASES, "name": Text(),
      "mistakes": Obj(others={"not a Mistake": [np.abs]}),
      "outputs": Obj(others={"no names": [], "a number": [3]}), "against": Text(),
      "rtol": Real(0.0), "atol": Real(0.0)}, goods=False)
spec("lmvis.exercises.core.describe_difference", kw_call(ex_core.describe_difference),
     lambda: {"got": np.array([2.0, 4.0]), "want": np.array([1.0, 2.0]), "rtol": 1e-6,
              "atol": 1e-9, "what": "your result"},
     {"want": Arr(inf="skip"), "rtol": Real(0.0), "atol": Real(0.0), "what": Text()},
     unswept={"got": "the reader's result: anything at all is described, never refused"},
     errors={"want:empty": None, "want:extra dimension": None, "want:fewer dimensions": None},
     goods=False)
spec("lmvis.exercises.core.Case", kw_call(ex_core.Case),
     lambda: {"args": (np.zeros(2),), "label": "zeros", "large": False},
     {"args": Obj(), "label": Text(), "large": Flag()})
spec("lmvis.exercises.core.Mistake", kw_call(ex_core.Mistake),
     lambda: {"wrong": np.abs, "hint": "abs"}, {"wrong": Func(), "hint": Text()})

# ============================================================================================
# The sweep


def _public_callables() -> dict[str, Any]:
    """``qualified name -> callable`` for every public function, class and method of lmvis."""
    found = {}
    for info in pkgutil.walk_packages(lmvis.__path__, "lmvis."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):  # under its own name: an alias is the same function
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
            elif inspect.isclass(obj):
                found[f"{module.__name__}.{name}"] = obj
                for klass in obj.__mro__:
                    if not klass.__module__.startswith("lmvis"):
                        continue
                    for mname, m in vars(klass).items():
                        m = getattr(m, "__func__", m)  # classmethods
                        if mname.startswith("_") or not inspect.isfunction(m):
                            continue
                        found[f"{klass.__module__}.{m.__qualname__}"] = m
    return found


def _parameters(obj) -> list[str]:
    sig = inspect.signature(obj)
    return [n for n, p in sig.parameters.items()
            if not (n == "self" and inspect.isfunction(obj))]


def test_every_public_callable_has_a_sweep_entry():
    found = _public_callables()
    needs = sorted(q for q, obj in found.items() if _parameters(obj) and q not in SPECS)
    assert not needs, f"these public callables need an entry in SPECS of {__file__}: {needs}"
    stale = sorted(q for q in SPECS if "(" not in q and q.split(".")[-1] not in
                   dir(_resolve_parent(q)))
    assert not stale, f"SPECS names callables that no longer exist: {stale}"


def _resolve_parent(qualname):
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for p in parts[cut:-1]:
            obj = getattr(obj, p)
        return obj
    raise AssertionError(qualname)


@pytest.mark.parametrize("qualname", sorted(q for q in SPECS if "(" not in q))
def test_the_entry_covers_every_parameter(qualname):
    obj = getattr(_resolve_parent(qualname), qualname.split(".")[-1])
    s = SPECS[qualname]
    params = [p for p in _parameters(obj) if p not in ("self", "cls")]
    listed = set(s.kinds) | set(s.unswept)
    assert set(params) <= listed | {"self", "cls"}, f"not swept: {set(params) - listed}"
    assert set(s.kinds) <= set(params) | {"arrays"}, f"unknown: {set(s.kinds) - set(params)}"


def test_callables_without_parameters_run():
    for obj in _public_callables().values():
        if not _parameters(obj) and inspect.isfunction(obj) and "." not in obj.__qualname__:
            obj()
    plt.close("all")


def _seed():  # torch.manual_seed also seeds CUDA lazily, recording a stack trace: slow
    torch.default_generator.manual_seed(0)


def _run(s: Spec, kw: dict):
    _seed()
    try:
        return s.call(kw)
    finally:
        plt.close("all")


def _names(message: str, word: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", message) is not None


def _same(a, b) -> bool:
    if b is ANY:
        return True
    if (a is None) != (b is None):
        return False
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return torch.equal(torch.as_tensor(a), torch.as_tensor(b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))
                                                  if a.dtype.kind == "f" else a == b))
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, torch.nn.Module):
        return _same(list(a.state_dict().values()), list(b.state_dict().values()))
    if is_dataclass(a):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    if isinstance(a, mlp.MLP):
        return _same(a.parameters(), b.parameters())
    if isinstance(a, float | int | str | bool | type(None) | np.generic):
        return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))
    if callable(a) and not isinstance(a, type):  # a schedule (t), or a landscape's f(x, y)
        n = len(inspect.signature(a).parameters)
        return all(_same(a(*[t] * n), b(*[t] * n)) for t in range(6))
    return True  # figures, widgets, progress bars: drawing them without an error is the test


def _expect_refusal(qualname, s, kw, param, case, error):
    word = s.names.get(param, param)
    where = f"{qualname}({param}=<{case.label}>)"
    try:
        _run(s, kw)
    except error as e:
        if error in (FloatingPointError, AssertionError, RuntimeError):
            return
        assert _names(str(e), word), f"{where}: the message {str(e)!r} does not name {word!r}"
        return
    except Exception as e:  # noqa: BLE001 - reported as the finding it is
        raise AssertionError(f"{where} raised {type(e).__name__}: {e}") from e
    raise AssertionError(f"{where} was accepted silently; expected {error}")


def _cases(s: Spec, expect: str | None = None):
    """(argument, case) for every bad value of every argument; with ``expect``, only the cases
    with that outcome ("ok" for accepted ones, "raise" for the rest)."""
    valid = s.valid()
    for param, kind in s.kinds.items():
        for case in kind.bad(valid[param]):
            outcome = s.errors.get(f"{param}:{case.label}", case.expect)
            if outcome is None:
                continue  # a value this check does not look at (e.g. same_length and dtypes)
            if expect is None or (outcome == "ok") == (expect == "ok"):
                yield param, case, outcome


@pytest.mark.parametrize("qualname", sorted(SPECS))
@settings(max_examples=2, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck), phases=[Phase.generate])
@given(data=st.data())
def test_bad_inputs_raise_naming_the_argument(qualname, data):
    s = SPECS[qualname]
    for param, case, outcome in _cases(s, "raise"):
        kw = {**s.valid(), param: data.draw(case.value, label=f"{param}: {case.label}")}
        error = (ValueError, TypeError) if outcome == "raise" else outcome
        _expect_refusal(qualname, s, kw, param, case, error)


ACCEPTING = sorted(q for q in SPECS if any(True for _ in _cases(SPECS[q], "ok")))


@pytest.mark.parametrize("qualname", ACCEPTING)
@settings(max_examples=1, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck), phases=[Phase.generate])
@given(data=st.data())
def test_unusual_inputs_that_are_accepted_give_the_right_result(qualname, data):
    """NaN-free infinities, empty arrays, broadcastable shapes, optional arguments left None:
    where a callable accepts them, its result must agree with an independent reference (or,
    for None, with the call that leaves the argument at its default)."""
    s = SPECS[qualname]
    for param, case, _ in _cases(s, "ok"):
        kw = {**s.valid(), param: data.draw(case.value, label=f"{param}: {case.label}")}
        got = _run(s, kw)
        if case.label == "None":  # an optional argument: None means its default
            want = _run(s, {k: v for k, v in kw.items() if k != param})
        else:
            assert s.reference is not None, f"{qualname}: an accepted case needs a reference"
            _seed()
            want = s.reference(kw)
        assert _same(got, want) or _close(got, want, s.tol), \
            f"{qualname}({param}=<{case.label}>) gave {got!r}, expected {want!r}"


def _close(a, b, tol) -> bool:
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return all(y is None or _close(x, y, tol) for x, y in zip(a, b, strict=False))
    if isinstance(a, torch.Tensor | np.ndarray) and isinstance(b, torch.Tensor | np.ndarray):
        a = a.detach().numpy() if isinstance(a, torch.Tensor) else a
        b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
        return a.shape == b.shape and np.allclose(a, b, rtol=tol, atol=tol, equal_nan=True)
    return False


@pytest.mark.parametrize("qualname", sorted(q for q in SPECS if SPECS[q].goods))
def test_equal_values_of_another_type_give_the_same_result(qualname):
    s = SPECS[qualname]
    base = _run(s, s.valid())
    for param, kind in s.kinds.items():
        for label, value in kind.good(s.valid()[param]):
            got = _run(s, {**s.valid(), param: value})
            assert _same(got, base), f"{qualname}({param}=<{label}>) gave another result"


def count_bad_inputs() -> tuple[int, int, int]:
    """Distinct bad inputs (one per callable, argument and kind of bad value), how many of them
    are refused, and the number of callables swept."""
    total = sum(1 for s in SPECS.values() for _ in _cases(s))
    refused = sum(1 for s in SPECS.values() for _ in _cases(s, "raise"))
    return total, refused, len(SPECS)


def test_the_sweep_tries_many_more_bad_inputs_than_the_review(capsys):
    n, refused, callables = count_bad_inputs()
    with capsys.disabled():
        print(f"\nthe sweep tries {n} distinct bad inputs on {callables} public callables: "
              f"{refused} must be refused, {n - refused} accepted with the right result")
    assert n > 10 * 130 and callables > 120
