"""Sweep entries (tests/test_sweep.py) for chapter 10's modules: lmvis.scale, lmvis.kvcache,
lmvis.distributed, lmvis.datasets.scaling, and lmvis.gpt.gpt_param_breakdown.

Kept in a file of their own so that test_sweep.py only calls :func:`register`. The workers of
lmvis.distributed import their function by name, so the one they run here lives at module level.
"""

from __future__ import annotations

import torch
from lmvis import distributed, kvcache, scale
from lmvis.datasets import scaling
from lmvis.gpt import GPT, GPTConfig, gpt_param_breakdown
from sweep_kinds import Choice, Func, Int, Obj, Real, Ten, Text

CFG = dict(vocab_size=7, context=5, d_model=4, n_layers=1, n_heads=2)


def _config() -> GPTConfig:
    return GPTConfig(**CFG)


def _model() -> GPT:
    torch.default_generator.manual_seed(0)
    return GPT(_config()).double().eval()


def _ids(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(0, CFG["vocab_size"], shape, generator=torch.Generator().manual_seed(seed))


def rank_and_sum(rank: int, world_size: int) -> dict:
    """The worker of run_workers' entry: every rank returns the all-reduced sum of ranks + 1."""
    import torch.distributed as dist

    t = torch.tensor([float(rank + 1)])
    dist.all_reduce(t)
    return {"rank": rank, "sum": t}


CONFIG = Obj(others=[{"d_model": 4}, GPT(GPTConfig(**CFG))])
MODEL = Obj(others=[torch.nn.Linear(2, 2)])
IDS = Ten(ints=True, lo=0, hi=CFG["vocab_size"] - 1)
CACHE = Obj(others={"empty list": [], "not pairs": [torch.zeros(1, 2, 4)],
                    "wrong shapes": [(torch.zeros(2, 2, 4), torch.zeros(2, 3, 4))],
                    "two layers": [(torch.zeros(2, 2, 4), torch.zeros(2, 2, 4))] * 2})
POSITIVE = Real(0.0, low_open=True)


def register(spec, kw_call) -> None:
    """Add the entries with test_sweep's ``spec``."""
    # --- lmvis.gpt (chapter 10's split of the one parameter formula) ---------------------------
    spec("lmvis.gpt.gpt_param_breakdown", kw_call(gpt_param_breakdown),
         lambda: {"config": _config()}, {"config": CONFIG})

    # --- lmvis.scale ---------------------------------------------------------------------------
    for name in ("non_embedding_params", "matmul_params"):
        spec(f"lmvis.scale.{name}", kw_call(getattr(scale, name)), lambda: {"config": _config()},
             {"config": CONFIG})
    for name in ("forward_flops", "training_flops"):
        spec(f"lmvis.scale.{name}", kw_call(getattr(scale, name)),
             lambda: {"config": _config(), "seq_len": 4, "batch": 2},
             {"config": CONFIG, "seq_len": Int(1, CFG["context"]), "batch": Int(1)})
    spec("lmvis.scale.flops_6nd", kw_call(scale.flops_6nd),
         lambda: {"n_params": 175e9, "n_tokens": 300e9},
         {"n_params": POSITIVE, "n_tokens": POSITIVE})
    spec("lmvis.scale.weight_bytes", kw_call(scale.weight_bytes),
         lambda: {"n_params": 1e9, "dtype": "bf16"},
         {"n_params": POSITIVE, "dtype": Choice(scale.BYTES_PER_PARAM)})
    spec("lmvis.scale.adam_bytes_per_param", kw_call(scale.adam_bytes_per_param),
         lambda: {"precision": "mixed"}, {"precision": Choice(["mixed", "fp32"])})
    spec("lmvis.scale.kv_cache_bytes", kw_call(scale.kv_cache_bytes),
         lambda: {"config": _config(), "seq_len": 5, "batch": 2, "dtype": "fp16"},
         {"config": CONFIG, "seq_len": Int(1), "batch": Int(1),
          "dtype": Choice(scale.BYTES_PER_PARAM)})
    spec("lmvis.scale.model_state_bytes_per_device",
         kw_call(scale.model_state_bytes_per_device),
         lambda: {"n_params": 7.5e9, "data": 64, "tensor": 2, "pipeline": 2, "zero_stage": 1,
                  "k": 12.0},
         {"n_params": POSITIVE, "data": Int(1), "tensor": Int(1), "pipeline": Int(1),
          "zero_stage": Int(0, 3), "k": Real(0.0)})
    spec("lmvis.scale.training_time_s", kw_call(scale.training_time_s),
         lambda: {"flops": 3.14e23, "n_devices": 1024, "peak_flops_per_s": 312e12,
                  "utilisation": 0.4},
         {"flops": POSITIVE, "n_devices": Int(1), "peak_flops_per_s": POSITIVE,
          "utilisation": Real(0.0, 1.0, low_open=True)})
    spec("lmvis.scale.training_cost", kw_call(scale.training_cost),
         lambda: {"device_hours": 1e6, "price_per_device_hour": 4.1},
         {"device_hours": POSITIVE, "price_per_device_hour": Real(0.0)})
    spec("lmvis.scale.PublishedModel", kw_call(scale.PublishedModel),
         lambda: {"name": "tiny", "config": _config(), "published_params": 300.0,
                  "cite": "brown2020language", "note": ""},
         {"name": Text(), "config": CONFIG, "published_params": POSITIVE, "cite": Text(),
          "note": Text()})

    # --- lmvis.kvcache -------------------------------------------------------------------------
    spec("lmvis.kvcache.prefill", kw_call(kvcache.prefill),
         lambda: {"model": _model(), "idx": _ids(2, 3)}, {"model": MODEL, "idx": IDS},
         goods=False)

    def decode(kw):
        return kvcache.decode_step(**kw)

    def decode_valid():
        model = _model()
        return {"model": model, "cache": kvcache.prefill(model, _ids(2, 3))[1],
                "token": _ids(2, seed=1)}

    spec("lmvis.kvcache.decode_step", decode, decode_valid,
         {"model": MODEL, "cache": CACHE, "token": IDS}, goods=False)
    spec("lmvis.kvcache.cache_bytes", kw_call(kvcache.cache_bytes),
         lambda: {"cache": kvcache.prefill(_model(), _ids(2, 3))[1]},
         {"cache": Obj(others={"empty list": [], "not pairs": [torch.zeros(1, 2, 4)]})},
         goods=False)

    # --- lmvis.distributed (the valid calls start real process groups; bad ones must not) ----
    spec("lmvis.distributed.run_workers",
         lambda kw: distributed.run_workers(kw["fn"], world_size=kw["world_size"],
                                            timeout_s=kw["timeout_s"]),
         lambda: {"fn": rank_and_sum, "world_size": 2, "timeout_s": 60.0},
         {"fn": Func(), "world_size": Int(1), "timeout_s": POSITIVE},
         unswept={"args": "passed through to fn unchanged"})
    batch = {"inputs": IDS, "targets": IDS}
    spec("lmvis.distributed.full_batch_gradients", kw_call(distributed.full_batch_gradients),
         lambda: {"model": _model(), "inputs": _ids(2, 4), "targets": _ids(2, 4, seed=1)},
         {"model": MODEL, **batch}, goods=False)
    spec("lmvis.distributed.data_parallel_gradients",
         kw_call(distributed.data_parallel_gradients),
         lambda: {"model": _model(), "inputs": _ids(2, 4), "targets": _ids(2, 4, seed=1),
                  "world_size": 2, "timeout_s": 60.0},
         {"model": MODEL, **batch, "world_size": Int(1), "timeout_s": POSITIVE}, goods=False)
    spec("lmvis.distributed.ddp_gradients", kw_call(distributed.ddp_gradients),
         lambda: {"model": _model(), "inputs": _ids(2, 4), "targets": _ids(2, 4, seed=1),
                  "world_size": 2, "lr": 0.1, "timeout_s": 60.0},
         {"model": MODEL, **batch, "world_size": Int(1), "lr": Real(0.0),
          "timeout_s": POSITIVE}, goods=False)

    # --- lmvis.datasets.scaling ----------------------------------------------------------------
    spec("lmvis.datasets.scaling.load_sweep", kw_call(scaling.load_sweep),
         lambda: {"expected_sha256": scaling.SWEEP_SHA256},
         {"expected_sha256": Text(bad=["abc", "Z" * 64, scaling.SWEEP_SHA256.upper()])},
         goods=False)
    spec("lmvis.datasets.scaling.sweep_table", kw_call(scaling.sweep_table),
         lambda: {"sweep": scaling.load_sweep()},
         {"sweep": Obj(optional=True, others={"no runs": {"runs": []},
                                              "a run lacking keys": {"runs": [{"d_model": 8}]}})},
         goods=False)
