"""lmvis.checks: every check accepts what it should, converts it, and names the argument when
it refuses."""

import numpy as np
import pytest
import torch
from lmvis import checks


def test_integer_accepts_python_and_numpy_integers():
    assert checks.integer("n", 3) == 3
    got = checks.integer("n", np.int64(3), minimum=1)
    assert got == 3 and type(got) is int


@pytest.mark.parametrize("bad", [3.0, "3", True, np.bool_(True), None, [3]])
def test_integer_refuses_non_integers_with_a_type_error_naming_the_argument(bad):
    with pytest.raises(TypeError, match="n_iter must be an integer"):
        checks.integer("n_iter", bad)


def test_integer_bounds():
    with pytest.raises(ValueError, match=r"k must be an integer >= 1 and <= 5, got 0"):
        checks.integer("k", 0, minimum=1, maximum=5)
    with pytest.raises(ValueError, match=r"got 6"):
        checks.integer("k", 6, minimum=1, maximum=5)


def test_real():
    assert checks.real("lr", 1) == 1.0 and type(checks.real("lr", np.float32(0.5))) is float
    for bad in ("0.9", True, None, complex(1, 1)):
        with pytest.raises(TypeError, match="momentum must be a real number"):
            checks.real("momentum", bad)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="lr must be a finite number"):
            checks.real("lr", bad)
    assert checks.real("x", float("inf"), finite=False) == float("inf")
    with pytest.raises(ValueError, match="lr must be a number > 0"):
        checks.real("lr", 0.0, minimum=0, low_open=True)
    with pytest.raises(ValueError, match=r"p must be a number >= 0 and < 1, got 1.0"):
        checks.real("p", 1.0, minimum=0, maximum=1, high_open=True)
    assert checks.real("p", 0.0, minimum=0, maximum=1, high_open=True) == 0.0


def test_choice():
    assert checks.choice("name", "relu", ["relu", "tanh"]) == "relu"
    with pytest.raises(ValueError, match=r"name must be one of \['relu', 'tanh'\], got 'elu'"):
        checks.choice("name", "elu", ["relu", "tanh"])
    with pytest.raises(TypeError, match="name must be a str"):
        checks.choice("name", 3, ["relu"])


def test_array_kinds_and_conversion():
    a = checks.array("x", [1, 2, 3])
    assert a.dtype == np.float64
    f32 = np.ones(3, dtype=np.float32)
    assert checks.array("x", f32) is f32  # float arrays are not copied
    with pytest.raises(TypeError, match="price must hold real numbers, got dtype <U1"):
        checks.array("price", ["1", "2"])
    with pytest.raises(TypeError, match="labels must hold integers"):
        checks.array("labels", [0.0, 1.0], kind="int")
    with pytest.raises(TypeError, match="x must be a numeric array"):
        checks.array("x", [[1, 2], [3]])
    assert checks.array("m", [True, False], kind="bool").dtype == bool


def test_array_shape_size_and_finiteness():
    assert checks.array("X", np.zeros((4, 2)), shape=(None, 2)).shape == (4, 2)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\), got \(4, 3\)"):
        checks.array("X", np.zeros((4, 3)), shape=(None, 2))
    with pytest.raises(ValueError, match=r"y must be 1-D, got shape \(2, 2\)"):
        checks.array("y", np.zeros((2, 2)), ndim=1)
    assert checks.array("y", np.zeros((2, 2)), ndim=(1, 2)).ndim == 2
    with pytest.raises(ValueError, match="y must not be empty"):
        checks.array("y", [])
    assert checks.array("y", [], nonempty=False).size == 0
    with pytest.raises(ValueError, match="X must contain only finite values"):
        checks.array("X", [1.0, np.nan])
    assert np.isinf(checks.array("X", [np.inf], finite=False)).all()


def test_same_length():
    assert checks.same_length(X=np.zeros((3, 2)), y=[1, 2, 3]) == 3
    with pytest.raises(ValueError, match=r"X, y must have the same length, got \{'X': 3, 'y': 2\}"):
        checks.same_length(X=np.zeros((3, 2)), y=[1, 2])


def test_tensor():
    t = torch.zeros(2, 3)
    assert checks.tensor("q", t, ndim=2) is t
    with pytest.raises(TypeError, match="q must be a torch.Tensor, got ndarray"):
        checks.tensor("q", np.zeros(3))
    with pytest.raises(TypeError, match="idx must be an integer tensor, got dtype torch.float32"):
        checks.tensor("idx", t, kind="int")
    with pytest.raises(ValueError, match=r"q must have at least 3 dimensions, got shape \(2, 3\)"):
        checks.tensor("q", t, min_ndim=3)
    with pytest.raises(ValueError, match="x must contain only finite values"):
        checks.tensor("x", torch.tensor([float("nan")]), finite=True)


def test_is_callable():
    assert checks.is_callable("f", len) is len
    with pytest.raises(TypeError, match="f must be callable, got int"):
        checks.is_callable("f", 3)
