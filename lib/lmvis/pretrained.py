"""Chapter 9's longer-trained GPT, shipped with the package and verified on load.

``weights/tang_gpt.pt`` is written by ``tools/train_gpt.py`` from the same data, model and
training loop as the chapter's live run, in float64 with the weights kept on a grid of 2⁻²⁰
(:func:`lmvis.training.quantize_`), so that anyone who reruns the script gets the same bytes.
The grid values fit exactly in float32, which is how they are stored. The file is read with
``torch.load(weights_only=True)`` (tensors and plain Python values only, no code) after its
SHA-256 has been checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmvis import checks
from lmvis.datasets import sha256_file, verified_bytes

if TYPE_CHECKING:
    import torch

    from lmvis.gpt import GPT, GPTConfig

__all__ = ["SETTINGS", "TANG_GPT_SHA256", "Pretrained", "load_tang_gpt", "save_checkpoint",
           "weights_path"]

#: The settings of the chapter's live run and of every run of tools/train_gpt.py: vocabulary,
#: model and optimiser (only the number of steps differs between runs).
SETTINGS = {
    "max_chars": 2000, "context": 49, "d_model": 64, "n_layers": 2, "n_heads": 4,
    "batch_size": 16, "lr": 7e-3, "warmup": 30, "min_lr_factor": 0.1, "weight_decay": 0.1,
    "grad_clip": 1.0, "seed": 0, "init_seed": 0,
}
#: SHA-256 of ``weights/tang_gpt.pt`` as tools/train_gpt.py writes it.
TANG_GPT_SHA256 = "2de08adfdb28c3feba4b5318b79f690c740ab5efc986568b7f5f65b1fa23a64d"


def weights_path() -> Path:
    """Where the installed package keeps the checkpoint."""
    return Path(__file__).with_name("weights") / "tang_gpt.pt"


@dataclass(kw_only=True)
class Pretrained:
    """A loaded checkpoint: the float64 model, its vocabulary and what the script recorded."""

    model: GPT  # in float64, in eval mode
    chars: str  # the tokenizer's characters in id order (id 0, <unk>, excluded)
    settings: dict
    log: dict  # the grid, and per run (by its number of steps) its validation curve
    snapshots: dict  # training step -> state_dict (float32 tensors) of the longest run

    def __post_init__(self):
        from lmvis.gpt import GPT

        checks.instance("model", self.model, GPT)
        checks.text("chars", self.chars)
        for name in ("settings", "log", "snapshots"):
            checks.instance(name, getattr(self, name), dict)

    def model_at(self, step: int) -> GPT:
        """The longest run's model as it was after ``step`` steps (float64, eval mode)."""
        step = checks.integer("step", step, minimum=0)
        if step not in self.snapshots:
            raise ValueError(f"step: no snapshot at step {step}; have {sorted(self.snapshots)}")
        return _model(self.model.config, self.snapshots[step])


def _model(config: GPTConfig, state: dict[str, torch.Tensor]) -> GPT:
    import torch

    from lmvis.gpt import GPT

    model = GPT(config).double()
    model.load_state_dict({k: v.to(torch.float64) for k, v in state.items()})
    return model.eval()


def save_checkpoint(path: str | Path, model: GPT, *, chars: str, settings: dict[str, Any],
                    log: dict[str, Any], snapshots: dict[int, dict[str, torch.Tensor]]) -> str:
    """Write a checkpoint (weights as float32, which must hold them exactly); return its SHA-256."""
    import dataclasses

    import torch

    from lmvis.gpt import GPT

    checks.instance("path", path, (str, Path))
    checks.instance("model", model, GPT)
    chars = checks.text("chars", chars)
    for name, value in (("settings", settings), ("log", log), ("snapshots", snapshots)):
        checks.instance(name, value, dict)

    def exact32(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out, done = {}, {}
        for k, v in state.items():
            if v.data_ptr() not in done:  # a tied matrix is stored once
                v32 = v.detach().to(torch.float32).contiguous()
                if not torch.equal(v32.to(v.dtype), v):
                    raise ValueError(f"{k} does not fit exactly in float32; quantise it first")
                done[v.data_ptr()] = v32
            out[k] = done[v.data_ptr()]
        return out

    blob = {
        "format": 1,
        "config": dataclasses.asdict(model.config),
        "chars": str(chars),
        "settings": dict(settings),
        "log": log,
        "state_dict": exact32(model.state_dict()),
        "snapshots": {int(s): exact32(sd) for s, sd in sorted(snapshots.items())},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(blob, path)
    return sha256_file(path)


def load_tang_gpt(*, expected_sha256: str = TANG_GPT_SHA256, path: str | Path | None = None
                  ) -> Pretrained:
    """The shipped checkpoint as a float64 :class:`~lmvis.gpt.GPT` (raises RuntimeError when the
    file is missing or its SHA-256 is not ``expected_sha256``)."""
    import torch

    from lmvis.gpt import GPTConfig

    path = weights_path() if path is None else Path(checks.instance("path", path, (str, Path)))
    data = verified_bytes(path, expected_sha256,
                          missing_hint="the checkpoint; run tools/train_gpt.py")
    blob = torch.load(io.BytesIO(data), weights_only=True)  # the bytes that were checked
    config = GPTConfig(**blob["config"])
    return Pretrained(model=_model(config, blob["state_dict"]), chars=blob["chars"],
                      settings=blob["settings"], log=blob["log"], snapshots=blob["snapshots"])
