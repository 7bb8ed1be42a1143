"""Data parallelism on one machine: processes joined by ``torch.distributed`` over loopback.

Real multi-accelerator training runs one process per device; each computes the gradient of its
share of the batch and an **all-reduce** (全归约) sums the gradients so every process takes the
same step. :func:`run_workers` starts such a group here: ``world_size`` fresh Python processes
(``spawn``), the CPU backend ``gloo``, a rendezvous on 127.0.0.1 at a free port, and the
loopback interface only, so it needs no network. It never hangs: the group has a timeout, the
parent waits at most ``timeout_s``, and every worker is terminated on error or timeout.
:func:`data_parallel_gradients` and :func:`ddp_gradients` are the two steps the book runs on
chapter 9's :class:`~lmvis.gpt.GPT`: the all-reduce written out, and the same step through
``DistributedDataParallel``. The group's fork server stays up, idle, until the calling process
exits, so later groups start in a fraction of a second.
"""

from __future__ import annotations

import os
import pickle
import queue as queue_module
import socket
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lmvis import checks
from lmvis.training import _next_token_loss as _lm_loss  # the name chapter 10 prints

if TYPE_CHECKING:
    import torch

    from lmvis.gpt import GPT

#: Seconds to wait, after one worker fails, for the others' errors (the first to arrive is often
#: a consequence, e.g. "connection reset" from a peer that raised).
_GRACE_S = 2.0

__all__ = ["data_parallel_gradients", "ddp_gradients", "free_port", "full_batch_gradients",
           "loopback_interface", "run_workers"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_interface() -> str | None:
    """The name of the loopback network interface ("lo" on Linux, "lo0" on macOS), or None."""
    try:
        names = [name for _, name in socket.if_nameindex()]
    except (OSError, AttributeError):  # pragma: no cover - platforms without if_nameindex
        return None
    return next((n for n in names if n.startswith("lo")), None)


def _plain(obj: Any) -> Any:
    """Tensors as NumPy arrays (copied), so results cross the process boundary by value."""
    import torch

    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu().numpy().copy()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_plain(v) for v in obj)
    return obj


def _tensors(obj: Any) -> Any:
    import numpy as np
    import torch

    if isinstance(obj, np.ndarray):
        return torch.from_numpy(obj)
    if isinstance(obj, dict):
        return {k: _tensors(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_tensors(v) for v in obj)
    return obj


def _worker(rank: int, world_size: int, port: int, ifname: str | None, timeout_s: float,
            fn: Callable[..., Any], payload: bytes, results: Any) -> None:
    """One process of the group: join it, run ``fn(rank, world_size, *args)``, report, leave."""
    try:
        args = pickle.loads(payload)  # this process's own copy of the model and the batch
        if ifname and "GLOO_SOCKET_IFNAME" not in os.environ:
            os.environ["GLOO_SOCKET_IFNAME"] = ifname  # bind gloo to loopback, not the hostname
        import torch
        import torch.distributed as dist

        torch.set_num_threads(1)  # one core each: the workers share the machine
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=world_size, timeout=timedelta(seconds=timeout_s))
        try:
            out = fn(rank, world_size, *args)
        finally:
            dist.destroy_process_group()
        results.put((rank, True, _plain(out)))
    except BaseException:  # noqa: BLE001 - every failure goes back to the parent, with its trace
        results.put((rank, False, traceback.format_exc()))


def _context() -> Any:
    """Processes forked from a clean server process that has imported torch once (fast, and no
    threads of the caller are inherited), or fresh interpreters where fork is unavailable."""
    import multiprocessing as mp

    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        # DistributedDataParallel's constructor imports torch._dynamo (hundreds of modules):
        # done once here, not in every worker.
        ctx.set_forkserver_preload(["torch", "torch.distributed", "torch._dynamo",
                                    "torch.nn.parallel", "lmvis.distributed"])
        return ctx
    return mp.get_context("spawn")  # pragma: no cover - Windows


def run_workers(fn: Callable[..., Any], *args: Any, world_size: int = 2,
                timeout_s: float = 60.0) -> list[Any]:
    """Run ``fn(rank, world_size, *args)`` in ``world_size`` processes of one gloo group.

    ``fn`` must be importable (defined at module level, as under ``spawn`` it is imported by
    name). Returns the results in rank order (tensors come back as tensors, by value). Raises
    RuntimeError with the worker's traceback if one fails, TimeoutError if they have not all
    finished within ``timeout_s`` seconds; in every case no worker is left running.
    """
    checks.is_callable("fn", fn)
    world_size = checks.integer("world_size", world_size, minimum=1)
    timeout_s = checks.real("timeout_s", timeout_s, minimum=0, low_open=True)
    ctx = _context()
    # Plain pickle copies tensors by value. Passed as Process arguments, torch would move them to
    # shared memory instead, and the workers' updates would change the caller's model.
    payload = pickle.dumps(args)
    results = ctx.Queue()
    port, ifname = free_port(), loopback_interface()
    procs = [ctx.Process(target=_worker, daemon=True,
                         args=(r, world_size, port, ifname, timeout_s, fn, payload, results))
             for r in range(world_size)]
    deadline = time.monotonic() + timeout_s
    got: dict[int, object] = {}
    failed: dict[int, str] = {}
    first_failure = 0.0
    try:
        for p in procs:
            p.start()
        while len(got) + len(failed) < world_size:
            left = deadline - time.monotonic()
            if failed:  # one worker failed: give the others a moment to report why they did
                left = min(left, _GRACE_S - (time.monotonic() - first_failure))
            if left <= 0:
                break
            try:
                rank, ok, value = results.get(timeout=min(left, 0.5))
            except queue_module.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead and results.empty() and not failed:
                    raise RuntimeError(f"worker process exited with code {dead[0].exitcode} "
                                       "before reporting") from None
                continue
            if ok:
                got[rank] = value
            else:
                if not failed:
                    first_failure = time.monotonic()
                failed[rank] = value
        if failed:
            raise RuntimeError("\n".join(f"worker {r} failed:\n{failed[r]}"
                                         for r in sorted(failed)))
        if len(got) < world_size:
            raise TimeoutError(f"{world_size - len(got)} of {world_size} workers did not "
                               f"finish within timeout_s={timeout_s:g} s")
        for p in procs:
            p.join(timeout=max(0.1, deadline - time.monotonic()))
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
            if p.is_alive():  # pragma: no cover - terminate is not always enough
                p.kill()
                p.join(timeout=5)
        results.close()
        results.join_thread()
    return [_tensors(got[r]) for r in range(world_size)]


# --- The training steps the book runs -----------------------------------------------------


def _check_batch(model: GPT, inputs: torch.Tensor, targets: torch.Tensor, world_size: int
                 ) -> int:
    """Everything a worker could trip over, checked here, before any process starts."""
    from lmvis.gpt import GPT

    checks.instance("model", model, GPT)
    V, C = model.config.vocab_size, model.config.context
    for name, ids in (("inputs", inputs), ("targets", targets)):
        checks.token_ids(name, ids, V, ndim=2, nonempty=True)
    if inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must have one shape, got {tuple(inputs.shape)} "
                         f"and {tuple(targets.shape)}")
    if inputs.shape[1] > C:
        raise ValueError(f"inputs must have at most context={C} positions, got "
                         f"{inputs.shape[1]}")
    world_size = checks.integer("world_size", world_size, minimum=1)
    if len(inputs) % world_size:
        raise ValueError(f"the batch of {len(inputs)} must split evenly into world_size="
                         f"{world_size} shards")
    return world_size


def full_batch_gradients(model: GPT, inputs: torch.Tensor, targets: torch.Tensor
                         ) -> dict[str, torch.Tensor]:
    """The gradient of the mean next-token cross-entropy over the whole batch, one process:
    {parameter name: gradient}. The reference that data parallelism must reproduce."""
    _check_batch(model, inputs, targets, 1)
    model.zero_grad()
    _lm_loss(model, inputs, targets).backward()
    return {n: p.grad.detach().clone() for n, p in model.named_parameters()}


def _allreduce_step(rank: int, world_size: int, model: GPT, inputs: torch.Tensor,
                    targets: torch.Tensor) -> dict[str, torch.Tensor]:
    import torch.distributed as dist

    shard = len(inputs) // world_size
    mine = slice(rank * shard, (rank + 1) * shard)  # this process's part of the batch
    model.zero_grad()
    _lm_loss(model, inputs[mine], targets[mine]).backward()  # gradient of my shard's mean loss
    grads = {}
    for name, p in model.named_parameters():
        g = p.grad.detach().clone()
        dist.all_reduce(g, op=dist.ReduceOp.SUM)  # every process now holds the sum
        grads[name] = g / world_size  # mean of equal shards' means = mean over the whole batch
    return grads


def data_parallel_gradients(model: GPT, inputs: torch.Tensor, targets: torch.Tensor, *,
                            world_size: int = 2, timeout_s: float = 60.0
                            ) -> list[dict[str, torch.Tensor]]:
    """Each of ``world_size`` processes takes its equal shard of the batch, computes the gradient
    of its mean loss and all-reduces it (sum, then divide by world_size). Returns every rank's
    averaged gradients, {parameter name: gradient}, which should all equal
    :func:`full_batch_gradients` up to rounding."""
    world_size = _check_batch(model, inputs, targets, world_size)
    timeout_s = checks.real("timeout_s", timeout_s, minimum=0, low_open=True)
    return run_workers(_allreduce_step, model, inputs, targets, world_size=world_size,
                       timeout_s=timeout_s)


def _ddp_step(rank: int, world_size: int, model: GPT, inputs: torch.Tensor,
              targets: torch.Tensor, lr: float) -> dict[str, dict[str, torch.Tensor]]:
    import torch
    from torch.nn.parallel import DistributedDataParallel

    shard = len(inputs) // world_size
    mine = slice(rank * shard, (rank + 1) * shard)
    ddp = DistributedDataParallel(model)  # broadcasts rank 0's weights, hooks the all-reduce
    ddp.zero_grad()
    _lm_loss(ddp, inputs[mine], targets[mine]).backward()  # all-reduces during the backward pass
    grads = {n: p.grad.detach().clone() for n, p in ddp.module.named_parameters()}
    torch.optim.SGD(ddp.parameters(), lr=lr).step()  # the same step on every replica
    weights = {n: p.detach().clone() for n, p in ddp.module.named_parameters()}
    return {"grads": grads, "weights": weights}


def ddp_gradients(model: GPT, inputs: torch.Tensor, targets: torch.Tensor, *,
                  world_size: int = 2, lr: float = 0.1, timeout_s: float = 60.0
                  ) -> list[dict[str, dict[str, torch.Tensor]]]:
    """The same data-parallel step through ``torch.nn.parallel.DistributedDataParallel``: each
    rank's gradients (averaged by DDP during the backward pass) and its weights after one SGD
    step of ``lr``; the replicas must end with identical weights."""
    world_size = _check_batch(model, inputs, targets, world_size)
    lr = checks.real("lr", lr, minimum=0)
    timeout_s = checks.real("timeout_s", timeout_s, minimum=0, low_open=True)
    return run_workers(_ddp_step, model, inputs, targets, lr, world_size=world_size,
                       timeout_s=timeout_s)
