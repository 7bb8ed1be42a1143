"""The stored scaling sweep: verified on load, and consistent with the package's own formulas."""

import re

import pytest
from lmvis import scale
from lmvis.datasets import scaling
from lmvis.gpt import GPTConfig


@pytest.fixture(scope="module")
def sweep():
    return scaling.load_sweep()


def test_sizes_and_flops_agree_with_the_formulas(sweep):
    s = sweep["settings"]
    assert s["tokens"] == s["steps"] * s["batch_size"] * s["context"]
    assert len(sweep["runs"]) == 6
    for run in sweep["runs"]:
        cfg = GPTConfig(s["vocab_size"], s["context"], run["d_model"], run["n_layers"],
                        run["n_heads"])
        assert run["params"] == scale.gpt_param_count(cfg)
        assert run["non_embedding_params"] == scale.non_embedding_params(cfg)
        assert run["training_flops"] == \
            scale.training_flops(cfg, s["context"], s["batch_size"]) * s["steps"]
        assert run["eval_steps"][-1] == s["steps"]
        assert len(run["eval_steps"]) == len(run["val_loss"]) == s["steps"] // s["eval_every"]
        assert all(0 < v < 10 for v in run["val_loss"])
    sizes = [r["non_embedding_params"] for r in sweep["runs"]]
    assert sizes == sorted(sizes) and sizes[-1] / sizes[0] > 30  # over a decade and a half


def test_provenance_names_a_clean_commit_and_the_run_time(sweep):
    p = sweep["provenance"]
    assert re.fullmatch(r"[0-9a-f]{40}", p["commit"]), p["commit"]
    assert p["script"] == "tools/scaling_sweep.py"
    assert p["cpu_seconds"] > 0 and p["wall_seconds"] > 0
    assert p["numerics"]["OMP_NUM_THREADS"] == "1"


def test_table_has_one_row_per_model(sweep):
    table = scaling.sweep_table(sweep)
    assert list(table["d_model"]) == [r["d_model"] for r in sweep["runs"]]
    assert list(table["val_loss"]) == [r["val_loss"][-1] for r in sweep["runs"]]


def test_a_wrong_checksum_is_refused():
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        scaling.load_sweep(expected_sha256="0" * 64)
    with pytest.raises(ValueError, match=r"expected_sha256 \(64 .*\) must be a str matching"):
        scaling.load_sweep(expected_sha256="abc")
    with pytest.raises(ValueError, match="sweep run 0 lacks"):
        scaling.sweep_table({"runs": [{"d_model": 8}]})
