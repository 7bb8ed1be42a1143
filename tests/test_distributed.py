"""lmvis.distributed: a gloo group on loopback gives the one-process gradient, and never hangs."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis import distributed
from lmvis.gpt import GPT, GPTConfig

ROOT = Path(__file__).resolve().parents[1]


def _batch(cfg, n, seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, cfg.vocab_size, (n, cfg.context + 1), generator=g)
    return ids[:, :-1], ids[:, 1:]


def _model(cfg, seed):
    torch.manual_seed(seed)
    return GPT(cfg).double()


@settings(max_examples=3, deadline=None)
@given(st.sampled_from([(16, 2), (12, 3)]), st.sampled_from([2, 4]), st.integers(0, 1000))
def test_all_reduced_shard_gradients_equal_the_full_batch_gradient(dims, n, seed):
    d_model, n_heads = dims
    cfg = GPTConfig(vocab_size=11, context=6, d_model=d_model, n_layers=2, n_heads=n_heads)
    model = _model(cfg, seed)
    x, y = _batch(cfg, n, seed)
    full = distributed.full_batch_gradients(model, x, y)
    ranks = distributed.data_parallel_gradients(model, x, y, world_size=2)
    assert len(ranks) == 2
    for grads in ranks:
        assert grads.keys() == full.keys()
        for name, g in full.items():
            assert grads[name].dtype == torch.float64
            assert torch.allclose(grads[name], g, rtol=0, atol=1e-12), name


def test_ddp_averages_like_the_all_reduce_and_keeps_replicas_equal():
    cfg = GPTConfig(vocab_size=13, context=5, d_model=8, n_layers=1, n_heads=2)
    model = _model(cfg, 3)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    x, y = _batch(cfg, 4, 3)
    full = distributed.full_batch_gradients(model, x, y)
    ranks = distributed.ddp_gradients(model, x, y, lr=0.5)
    for r in ranks:
        for name, g in full.items():
            assert torch.allclose(r["grads"][name], g, rtol=0, atol=1e-12), name
            expected = before[name] - 0.5 * g  # one SGD step on the full-batch gradient
            assert torch.allclose(r["weights"][name], expected, rtol=0, atol=1e-12), name
    for name in full:
        assert torch.equal(ranks[0]["weights"][name], ranks[1]["weights"][name])
    # the caller's model is untouched: the workers had copies, not shared memory
    for name, p in model.named_parameters():
        assert torch.equal(p.detach(), before[name])


def _rank_and_sum(rank, world_size):
    import torch.distributed as dist

    t = torch.tensor([float(rank + 1)])
    dist.all_reduce(t)
    return {"rank": rank, "world_size": world_size, "sum": t}


def test_run_workers_returns_results_in_rank_order():
    out = distributed.run_workers(_rank_and_sum, world_size=3)
    assert [o["rank"] for o in out] == [0, 1, 2]
    assert all(o["world_size"] == 3 and float(o["sum"]) == 6.0 for o in out)


def _fail_on_rank_1(rank, world_size):
    if rank == 1:
        raise ValueError("boom on rank 1")
    import torch.distributed as dist

    dist.barrier()  # rank 0 would wait for rank 1 forever, were it not for the timeouts


def test_a_failing_worker_raises_its_traceback_and_leaves_no_process():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="boom on rank 1"):
        distributed.run_workers(_fail_on_rank_1, timeout_s=30)
    assert time.monotonic() - start < 30


def _sleep_and_record(rank, world_size, folder):
    Path(folder, f"{rank}.pid").write_text(str(os.getpid()))
    time.sleep(120)


def test_a_hanging_worker_times_out_and_is_killed(tmp_path):
    distributed.run_workers(_rank_and_sum)  # start the fork server outside the timed part
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="did not finish within timeout_s=4 s"):
        distributed.run_workers(_sleep_and_record, str(tmp_path), timeout_s=4)
    assert time.monotonic() - start < 15
    pids = [int(p.read_text()) for p in tmp_path.glob("*.pid")]
    assert pids, "the workers never started"
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_input_errors():
    cfg = GPTConfig(vocab_size=5, context=4, d_model=4, n_layers=1, n_heads=1)
    model = GPT(cfg)
    x, y = _batch(cfg, 3, 0)
    with pytest.raises(ValueError, match="must split evenly into world_size=2"):
        distributed.data_parallel_gradients(model, x, y)
    with pytest.raises(ValueError, match="one shape"):
        distributed.full_batch_gradients(model, x, y[:, :2])
    with pytest.raises(TypeError, match="model must be an instance of lmvis.gpt.GPT"):
        distributed.ddp_gradients("model", x, y)
    with pytest.raises(ValueError, match="world_size must be an integer >= 1"):
        distributed.run_workers(_rank_and_sum, world_size=0)
    with pytest.raises(TypeError, match="fn must be callable"):
        distributed.run_workers("not a function")


def test_free_port_and_loopback_interface():
    port = distributed.free_port()
    assert 0 < port < 65536
    assert distributed.loopback_interface() in ("lo", "lo0")


def _unshare_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    r = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs `unshare -n` (a network namespace)")
def test_works_with_no_network_but_loopback():
    """As CI runs it: a fresh network namespace in which only `lo` is up."""
    code = (
        "import torch, sys; sys.path.insert(0, 'tests'); "
        "from lmvis import distributed; import test_distributed as t; "
        "out = distributed.run_workers(t._rank_and_sum, timeout_s=60); "
        "print([float(o['sum']) for o in out])"
    )
    r = subprocess.run(["unshare", "-n", "bash", "-c",
                        f"ip link set lo up && {sys.executable} -c \"{code}\""],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[3.0, 3.0]"
