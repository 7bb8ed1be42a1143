"""What scale costs, by formula: parameters, FLOPs, memory, time and money of a GPT.

Everything here works from a :class:`lmvis.gpt.GPTConfig` (or a bare parameter count), so a
GPT-3 can be costed without allocating it. The parameter counter is chapter 9's
:func:`lmvis.gpt.gpt_param_count` (one formula in the package, split into named parts by
:func:`lmvis.gpt.gpt_param_breakdown`); this module adds what follows from it:

* FLOPs. :func:`forward_flops` counts the multiply-adds of chapter 9's GPT exactly as
  ``torch.utils.flop_counter.FlopCounterMode`` does (2 FLOPs per multiply-add, matrix products
  only), :func:`training_flops` is three times that (the backward pass does two matrix products
  per forward one), and :func:`flops_6nd` is the rule of thumb C ≈ 6·N·D (Kaplan et al., 2020,
  §2.1; Brown et al., 2020, Table D.1).
* Memory. Bytes of weights at a precision (:func:`weight_bytes`), the bytes per parameter of
  training with Adam (:func:`adam_bytes_per_param`), the KV cache (:func:`kv_cache_bytes`), and
  the model-state bytes per device under data, tensor and pipeline parallelism and the three
  ZeRO stages (:func:`model_state_bytes_per_device`, Rajbhandari et al., 2020, §5).
* Time and money from compute, a device's peak throughput and the fraction of it achieved
  (:func:`training_time_s`, :func:`training_cost`).
"""

from __future__ import annotations

from lmvis import checks
from lmvis.gpt import GPTConfig, gpt_param_breakdown, gpt_param_count

__all__ = [
    "BYTES_PER_PARAM", "GPT2_CONFIGS", "GPT3_CONFIGS", "PublishedModel", "adam_bytes_per_param",
    "flops_6nd", "forward_flops", "gpt_param_breakdown", "gpt_param_count",
    "kv_cache_bytes", "matmul_params", "model_state_bytes_per_device", "non_embedding_params",
    "training_cost", "training_flops", "training_time_s", "weight_bytes",
]

#: Bytes that one number takes in each storage format (int4: two numbers per byte).
BYTES_PER_PARAM = {"fp64": 8, "fp32": 4, "bf16": 2, "fp16": 2, "int8": 1, "int4": 0.5}


def _config(config: GPTConfig) -> GPTConfig:
    return checks.instance("config", config, GPTConfig)


def _count(name: str, n: float) -> float:
    """A positive count (parameters, tokens, devices) as a float; ints stay exact below 2**53."""
    return checks.real(name, n, minimum=0, low_open=True)


# --- Parameters ---------------------------------------------------------------------------


def non_embedding_params(config: GPTConfig) -> int:
    """Parameters outside the token and position embeddings (Kaplan et al.'s N): the blocks and
    the final LayerNorm; an untied output layer counts as an embedding, as in Kaplan et al."""
    parts = gpt_param_breakdown(_config(config))
    return sum(v for k, v in parts.items() if k not in ("token embedding", "position embedding",
                                                         "output layer"))


def matmul_params(config: GPTConfig) -> int:
    """Weights that multiply an activation in a forward pass: W_Q, W_K, W_V, W_O and the two FFN
    matrices of every block, and the output layer (V × d, tied or not). The embedding lookups,
    biases and LayerNorm gains do no matrix product, so they cost FLOPs only in bookkeeping."""
    c = _config(config)
    return c.n_layers * (4 * c.d_model * c.d_model + 2 * c.d_model * c.d_ff) + \
        c.vocab_size * c.d_model


# --- FLOPs --------------------------------------------------------------------------------


def forward_flops(config: GPTConfig, seq_len: int, batch: int = 1) -> int:
    """Matrix-product FLOPs of one forward pass of ``GPT(config)`` on ``batch`` × ``seq_len`` ids.

    2 FLOPs per multiply-add: 2·B·T·(matmul_params) for the projections and the output layer, plus
    2·2·B·L·T²·d for Q Kᵀ and for the weights times V (the causal mask zeroes half of the T × T
    weights, but chapter 9's model computes them all, as do most simple implementations).
    This is what ``FlopCounterMode`` reports; softmax, LayerNorm, ReLU and the loss are not
    counted (they are O(B·T·d), not O(B·T·d²)).
    """
    c = _config(config)
    T = checks.integer("seq_len", seq_len, minimum=1, maximum=c.context)
    B = checks.integer("batch", batch, minimum=1)
    return 2 * B * T * matmul_params(c) + 4 * B * c.n_layers * T * T * c.d_model


def training_flops(config: GPTConfig, seq_len: int, batch: int = 1) -> int:
    """FLOPs of one training step (forward and backward): 3 × :func:`forward_flops`, because the
    backward pass of each product A·B computes two products of the same size (∂A and ∂B)."""
    return 3 * forward_flops(config, seq_len, batch)


def flops_6nd(n_params: float, n_tokens: float) -> float:
    """The rule of thumb for training compute: C ≈ 6·N·D (2 FLOPs per parameter per token in the
    forward pass, 4 in the backward). Attention's T² term and the free embedding lookup are
    what it leaves out."""
    return 6.0 * _count("n_params", n_params) * _count("n_tokens", n_tokens)


# --- Memory -------------------------------------------------------------------------------


def weight_bytes(n_params: float, dtype: str = "fp32") -> float:
    """Bytes to store ``n_params`` numbers in ``dtype`` (a key of :data:`BYTES_PER_PARAM`)."""
    dtype = checks.choice("dtype", dtype, tuple(BYTES_PER_PARAM))
    return _count("n_params", n_params) * BYTES_PER_PARAM[dtype]


def adam_bytes_per_param(precision: str = "mixed") -> dict[str, int]:
    """Bytes per parameter of the model states when training with Adam.

    ``"mixed"``: fp16/bf16 weights and gradients (2 + 2) and, in fp32, a master copy of the
    weights and Adam's two moments (4 + 4 + 4): 16 bytes, Rajbhandari et al. (2020, §3.1)'s
    2Ψ + 2Ψ + KΨ with K = 12. ``"fp32"``: weights, gradients and both moments in fp32, also 16.
    Activations, buffers and fragmentation come on top.
    """
    precision = checks.choice("precision", precision, ("mixed", "fp32"))
    if precision == "mixed":
        return {"weights (16-bit)": 2, "gradients (16-bit)": 2, "master weights (fp32)": 4,
                "Adam m (fp32)": 4, "Adam v (fp32)": 4}
    return {"weights (fp32)": 4, "gradients (fp32)": 4, "Adam m (fp32)": 4, "Adam v (fp32)": 4}


def kv_cache_bytes(config: GPTConfig, seq_len: int, batch: int = 1, dtype: str = "fp32"
                   ) -> float:
    """Bytes of the keys and values that generation keeps for ``batch`` sequences of ``seq_len``
    tokens: 2 (K and V) × n_layers × d_model numbers per token (all heads together)."""
    c = _config(config)
    T = checks.integer("seq_len", seq_len, minimum=1)
    B = checks.integer("batch", batch, minimum=1)
    dtype = checks.choice("dtype", dtype, tuple(BYTES_PER_PARAM))
    return 2 * c.n_layers * c.d_model * T * B * BYTES_PER_PARAM[dtype]


def model_state_bytes_per_device(n_params: float, *, data: int = 1, tensor: int = 1,
                                 pipeline: int = 1, zero_stage: int = 0, k: float = 12) -> float:
    """Bytes of weights, gradients and optimizer states that each device holds (mixed-precision
    Adam: 2Ψ + 2Ψ + KΨ), on data × tensor × pipeline devices.

    Tensor parallelism splits every weight matrix over ``tensor`` devices and pipeline
    parallelism splits the layers over ``pipeline`` stages, so each model replica's Ψ is divided
    by tensor × pipeline (ideally; small replicated tensors are ignored). Data parallelism keeps
    ``data`` replicas; ZeRO stage 1 shards the optimizer states across them, stage 2 also the
    gradients, stage 3 also the weights (Rajbhandari et al., 2020, §5, Fig. 1):
    stage 0: (2 + 2 + K)Ψ, 1: (2 + 2)Ψ + KΨ/N_d, 2: 2Ψ + (2 + K)Ψ/N_d, 3: (2 + 2 + K)Ψ/N_d.
    """
    psi = _count("n_params", n_params)
    nd = checks.integer("data", data, minimum=1)
    t = checks.integer("tensor", tensor, minimum=1)
    p = checks.integer("pipeline", pipeline, minimum=1)
    stage = checks.integer("zero_stage", zero_stage, minimum=0, maximum=3)
    k = checks.real("k", k, minimum=0)
    psi = psi / (t * p)
    weights, grads, states = 2 * psi, 2 * psi, k * psi
    if stage >= 1:
        states /= nd
    if stage >= 2:
        grads /= nd
    if stage >= 3:
        weights /= nd
    return weights + grads + states


# --- Time and money -----------------------------------------------------------------------


def training_time_s(flops: float, n_devices: int, peak_flops_per_s: float, utilisation: float
                    ) -> float:
    """Seconds to do ``flops`` on ``n_devices`` that each reach ``utilisation`` (model FLOPs
    utilisation, 0 < u ≤ 1) of ``peak_flops_per_s``."""
    flops = _count("flops", flops)
    n = checks.integer("n_devices", n_devices, minimum=1)
    peak = _count("peak_flops_per_s", peak_flops_per_s)
    u = checks.real("utilisation", utilisation, minimum=0, maximum=1, low_open=True)
    return flops / (n * peak * u)


def training_cost(device_hours: float, price_per_device_hour: float) -> float:
    """Money for ``device_hours`` at ``price_per_device_hour`` (the unit of the price)."""
    return _count("device_hours", device_hours) * checks.real(
        "price_per_device_hour", price_per_device_hour, minimum=0)


# --- Published configurations -------------------------------------------------------------

from dataclasses import dataclass  # noqa: E402 - kept next to the tables it defines


@dataclass(frozen=True, kw_only=True)
class PublishedModel:
    """A model as its paper describes it: the configuration and the parameter count it states."""

    name: str
    config: GPTConfig
    published_params: float  # as stated by the source
    cite: str  # BibTeX key of the source of the configuration and count
    note: str = ""

    def __post_init__(self) -> None:
        checks.text("name", self.name)
        checks.instance("config", self.config, GPTConfig)
        object.__setattr__(self, "published_params",
                           checks.real("published_params", self.published_params, minimum=0,
                                       low_open=True))
        checks.text("cite", self.cite)
        checks.text("note", self.note)


def _gpt2(name, n_layers, d_model, published, cite, note=""):
    # GPT-2 paper §2.3: vocabulary 50,257, context 1,024, pre-LN with a final LayerNorm; Table 2:
    # layers and d_model. The heads (d_model / 64) are not in the paper; they change no count.
    cfg = GPTConfig(vocab_size=50_257, context=1024, d_model=d_model, n_layers=n_layers,
                    n_heads=d_model // 64)
    return PublishedModel(name=name, config=cfg, published_params=published, cite=cite, note=note)


#: GPT-2's four sizes. ``published_params``: the sizes OpenAI's repository names its released
#: checkpoints by (124M, 355M, 774M, 1558M; the model card: "1.5 billion" for the last); the
#: paper's Table 2 states 117M, 345M, 762M, 1542M (``GPT2_PAPER_PARAMS``).
GPT2_CONFIGS: tuple[PublishedModel, ...] = (
    _gpt2("GPT-2 small", 12, 768, 124e6, "openai2019gpt2repo"),
    _gpt2("GPT-2 medium", 24, 1024, 355e6, "openai2019gpt2repo"),
    _gpt2("GPT-2 large", 36, 1280, 774e6, "openai2019gpt2repo"),
    _gpt2("GPT-2 XL", 48, 1600, 1558e6, "openai2019gpt2repo"),
)
#: The counts of the GPT-2 paper's Table 2, in the order of ``GPT2_CONFIGS``.
GPT2_PAPER_PARAMS = (117e6, 345e6, 762e6, 1542e6)


def _gpt3(name, n_layers, d_model, n_heads, published, note=""):
    # GPT-3 paper Table 2.1: layers, d_model, heads; §2.1: context 2,048 tokens, d_ff = 4 d_model,
    # the GPT-2 architecture and tokenizer (vocabulary 50,257). Table D.1 gives the counts in
    # millions used for its compute column.
    cfg = GPTConfig(vocab_size=50_257, context=2048, d_model=d_model, n_layers=n_layers,
                    n_heads=n_heads)
    return PublishedModel(name=name, config=cfg, published_params=published,
                          cite="brown2020language", note=note)


#: GPT-3's eight sizes, with the parameter counts of Table D.1 (in millions there).
GPT3_CONFIGS: tuple[PublishedModel, ...] = (
    _gpt3("GPT-3 Small", 12, 768, 12, 125e6),
    _gpt3("GPT-3 Medium", 24, 1024, 16, 356e6),
    _gpt3("GPT-3 Large", 24, 1536, 16, 760e6),
    _gpt3("GPT-3 XL", 24, 2048, 16, 1320e6,
          note="Table 2.1 prints 24 heads of 128, which do not make d_model = 2048 (16 do)"),
    _gpt3("GPT-3 2.7B", 32, 2560, 32, 2650e6),
    _gpt3("GPT-3 6.7B", 32, 4096, 32, 6660e6),
    _gpt3("GPT-3 13B", 40, 5120, 40, 12_850e6,
          note="Table 2.1 prints d_model = 5140, which 40 heads of 128 cannot make (5120)"),
    _gpt3("GPT-3 175B", 96, 12_288, 96, 174_600e6),
)
