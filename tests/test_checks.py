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
    # and the number inside a 0-d array or tensor, as `t.abs().max()` gives it
    assert checks.integer("n", np.array(3)) == checks.integer("n", torch.tensor(3)) == 3
    assert type(checks.real("d", torch.tensor(1e-16, dtype=torch.float64))) is float
    with pytest.raises(TypeError, match="n must be an integer, got bool"):
        checks.integer("n", torch.tensor(True))
    with pytest.raises(TypeError, match="d must be a real number, got ndarray"):
        checks.real("d", np.array([1.0]))  # one element, but not a scalar


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


def test_array_refuses_nan_even_where_inf_is_allowed():
    with pytest.raises(ValueError, match="z must contain no NaN, got 1 NaN and 1 infinite"):
        checks.array("z", [np.inf, np.nan], finite=False)


def test_array_min_ndim_exact_dtype_bounds_and_kinds():
    with pytest.raises(ValueError, match=r"logits must have at least 1 dimensions, got shape \(\)"):
        checks.array("logits", 3.0, min_ndim=1)
    x = np.zeros(2)
    assert checks.array("x", x, dtype=np.float64) is x
    with pytest.raises(TypeError, match="x must have dtype float64, got dtype float32"):
        checks.array("x", x.astype(np.float32), dtype=np.float64)
    with pytest.raises(ValueError, match=r"p must hold values >= 0 and <= 1, got values in "
                                         r"\[-0.5, 1.0\]"):
        checks.array("p", [-0.5, 1.0], minimum=0, maximum=1)
    with pytest.raises(ValueError, match=r"price must hold values > 0"):
        checks.array("price", [0.0, 1.0], minimum=0, low_open=True)
    labels = np.arange(3)
    assert checks.array("y", labels, kind="numeric") is labels  # dtype kept, unlike "float"
    with pytest.raises(TypeError, match="params must hold floating-point numbers, got dtype int"):
        checks.array("params", labels, kind="floating")
    for bad in (None, "abc", {"a": 1}):
        with pytest.raises(TypeError, match="x must be a numeric array"):
            checks.array("x", bad)


def test_boolean_text_and_instance():
    assert checks.boolean("flag", np.bool_(True)) is True
    for bad in (1, "yes", None):
        with pytest.raises(TypeError, match="flag must be True or False"):
            checks.boolean("flag", bad)
    assert checks.text("h", "ab12", pattern="[0-9a-f]+") == "ab12"
    with pytest.raises(ValueError, match=r"h must be a str matching \[0-9a-f\]\+, got 'xyz'"):
        checks.text("h", "xyz", pattern="[0-9a-f]+")
    with pytest.raises(TypeError, match="label must be a str, got int 3"):
        checks.text("label", 3)
    assert checks.instance("m", [1], list) == [1]
    with pytest.raises(TypeError, match="m must be an instance of list, got str"):
        checks.instance("m", "x", list)
    with pytest.raises(TypeError, match="m must be a model, got int"):
        checks.instance("m", 3, list, "a model")


def test_sequence_and_integers_never_take_a_string_for_its_characters():
    assert checks.sequence("s", (x for x in [1, 2])) == (1, 2)
    with pytest.raises(TypeError, match="drop must be a sequence .*got str 'area'"):
        checks.sequence("drop", "area")
    with pytest.raises(ValueError, match="betas must hold 2 items, got 3"):
        checks.sequence("betas", [0.9, 0.99, 0.5], length=2)
    with pytest.raises(ValueError, match="layer_sizes must hold at least 2 items, got 1"):
        checks.integers("layer_sizes", [3], min_length=2)
    assert checks.integers("sizes", [np.int64(3), 4], minimum=1) == (3, 4)
    with pytest.raises(ValueError, match=r"sizes\[1\] must be an integer >= 1, got 0"):
        checks.integers("sizes", [3, 0], minimum=1)
    with pytest.raises(TypeError, match=r"sizes\[0\] must be an integer, got float"):
        checks.integers("sizes", [3.0])


def test_dtype_and_device():
    assert checks.dtype("dtype", "float32", [np.float32, np.float64]) == np.float32
    with pytest.raises(ValueError, match=r"dtype must be one of \['float32', 'float64'\], got "
                                         r"int64"):
        checks.dtype("dtype", np.int64, [np.float32, np.float64])
    for bad in (None, "no such dtype", True):
        with pytest.raises(TypeError, match="dtype must be a dtype"):
            checks.dtype("dtype", bad, [np.float64])
    assert checks.device("device", None) is None
    assert checks.device("device", "cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device must name a device such as 'cpu' or 'cuda', "
                                         "got 'gpu0'"):
        checks.device("device", "gpu0")
    with pytest.raises(TypeError, match="device must be a torch.device or a str"):
        checks.device("device", 0)


def test_same_shape_and_lengths_of_things_without_one():
    assert checks.same_shape(a=np.zeros((2, 3)), b=np.ones((2, 3))) == (2, 3)
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got a \(2,\), "
                                         r"b \(3,\)"):
        checks.same_shape(a=np.zeros(2), b=np.zeros(3))
    with pytest.raises(TypeError, match="rewards must be an array or a sequence, got NoneType"):
        checks.same_length(actions=[1], rewards=None)


def test_tensor_shape_and_long_choice_lists():
    t = torch.zeros(2, 3, 4)
    assert checks.tensor("x", t, shape=(None, None, 4)) is t
    with pytest.raises(ValueError, match=r"x must have shape \(n, n, 5\), got \(2, 3, 4\)"):
        checks.tensor("x", t, shape=(None, None, 5))
    names = [f"map{i}" for i in range(40)]
    with pytest.raises(ValueError, match=r"cmap must be one of \['map0', .*'map11', \.\.\. "
                                         r"\(40 in all\)\], got 'x'"):
        checks.choice("cmap", "x", names)


def test_integers_bounds_every_item_above_and_below():
    assert checks.integers("shifts", (0, 7), minimum=0, maximum=7) == (0, 7)
    with pytest.raises(ValueError, match=r"shifts\[1\] must be an integer >= 0 and <= 7, got 8"):
        checks.integers("shifts", [1, 8], minimum=0, maximum=7)
    with pytest.raises(ValueError, match=r"cols\[0\] must be an integer <= 3, got 4"):
        checks.integers("cols", [4], maximum=3)


def test_token_ids_range_emptiness_and_an_ignored_value():
    ids = torch.tensor([[0, 4], [2, 3]])
    assert checks.token_ids("idx", ids, 5, ndim=2) is ids
    with pytest.raises(ValueError, match=r"idx must hold token ids in \[0, 5\), got \[0, 5\]"):
        checks.token_ids("idx", torch.tensor([[0, 5]]), 5)
    with pytest.raises(ValueError, match=r"token must hold token ids in \[0, 5\), got \[-1, 4\]"):
        checks.token_ids("token", torch.tensor([-1, 4]), 5)
    with pytest.raises(TypeError, match="idx must be an integer tensor"):
        checks.token_ids("idx", ids.double(), 5)
    with pytest.raises(ValueError, match="idx must be 1-D"):
        checks.token_ids("idx", ids, 5, ndim=1)
    empty = torch.zeros(1, 0, dtype=torch.long)
    assert checks.token_ids("idx", empty, 5) is empty  # nothing out of range
    with pytest.raises(ValueError, match=r"idx must hold at least one token id, got shape"):
        checks.token_ids("idx", empty, 5, nonempty=True)
    # -100 is a target a loss skips: let through when ignored, and named in the message
    targets = torch.tensor([3, -100, 1])
    assert checks.token_ids("targets", targets, 5, ignore=-100) is targets
    with pytest.raises(ValueError, match=r"in \[0, 5\) or -100 \(ignored\), got \[-100, 7\]"):
        checks.token_ids("targets", torch.tensor([7, -100]), 5, ignore=-100)
    with pytest.raises(ValueError, match=r"targets must hold token ids in \[0, 5\), got"):
        checks.token_ids("targets", targets, 5)


def test_labelled_part_checks_features_lengths_and_classes():
    X, y = checks.labelled_part("train", [[0, 1], [2, 3]], np.array([0, 2]), n_features=2,
                                n_classes=3)
    assert X.dtype == np.float64 and y.tolist() == [0, 2]
    with pytest.raises(ValueError, match=r"X_val must have shape \(n, 3\), got \(2, 2\)"):
        checks.labelled_part("val", X, y, n_features=3, n_classes=3)
    with pytest.raises(ValueError, match=r"y_val \(class indices\) must have shape \(2,\)"):
        checks.labelled_part("val", X, np.array([0]), n_features=2, n_classes=3)
    with pytest.raises(ValueError, match=r"y_test \(class indices\) must hold values >= 0 and "
                                         r"<= 1, got values in \[0, 2\]"):
        checks.labelled_part("test", X, y, n_features=2, n_classes=2)
    with pytest.raises(TypeError, match=r"y_train \(class indices\) must hold integers"):
        checks.labelled_part("train", X, y.astype(float), n_features=2, n_classes=3)
