"""The stored model selection of chapter 7: verified on load, and consistent with its own rule."""

import math

import numpy as np
import pytest
from lmvis.datasets import digit_models
from lmvis.datasets.digits import TEST_SPLIT_SEED, load_digits_development
from lmvis.mlp import MLP


@pytest.fixture(scope="module")
def selection():
    return digit_models.load_selection()


def test_the_selection_is_of_the_fresh_development_set(selection):
    s = selection["settings"]
    data = load_digits_development()
    assert s["split_seed"] == TEST_SPLIT_SEED
    assert (s["development_images"], s["test_images_not_read"]) == (len(data.y_dev),
                                                                     len(data.y_test))
    assert selection["provenance"]["script"] == "tools/select_digits_models.py"
    assert selection["provenance"]["wall_seconds"] > 0


def test_the_choice_follows_the_one_standard_error_rule(selection):
    for name in digit_models.MODELS:
        m = selection["models"][name]
        means = {i: np.mean(c["fold_accuracy"]) for i, c in enumerate(m["candidates"])}
        best = max(means, key=means.get)
        scores = m["candidates"][best]["fold_accuracy"]
        se = np.std(scores, ddof=1) / math.sqrt(len(scores))
        assert m["best"] == m["candidates"][best] and math.isclose(m["standard_error"], se)
        close = [i for i in means if means[i] >= means[best] - se]
        assert m["within_one_se"] == len(close)
        chosen = min(close, key=lambda i: (m["candidates"][i]["params"], -means[i]))
        assert m["chosen"] == m["candidates"][chosen]
        for c in m["candidates"]:
            assert c["params"] == MLP([64, *c["hidden"], 10]).n_params
            assert len(c["fold_accuracy"]) == selection["settings"]["folds"]


def test_chosen_setting_reads_the_choice(selection):
    mlp = digit_models.chosen_setting("MLP", selection)
    assert mlp["hidden"] == tuple(selection["models"]["MLP"]["chosen"]["hidden"])
    assert digit_models.chosen_setting("linear softmax")["hidden"] == ()
    with pytest.raises(ValueError, match="selection"):
        digit_models.chosen_setting("MLP", {"models": {}})


def test_a_changed_file_is_refused():
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        digit_models.load_selection(expected_sha256="0" * 64)
