"""Milestones of neural networks, 1958 to today, each with its primary citation.

Parameter counts are the ones stated in the primary source (for GPT, in the GPT-2 paper, whose
smallest model "is equivalent to the original GPT"); ``None`` where a source states no count.
``year`` is the year of first public release (a preprint may precede the cited venue). Each
citation key is an entry of the book's ``references.bib``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lmvis import checks

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Milestone:
    year: int
    name: str
    authors: str
    what: str
    params: float | None  # number of trainable parameters, as published
    cite: str  # BibTeX key of the primary source
    tokens: float | None = None  # training tokens, where the paper states them
    params_cite: str | None = None  # where the count is stated, if not in ``cite`` itself

    def __post_init__(self):
        checks.integer("year", self.year, minimum=1900)
        for name in ("name", "authors", "what", "cite"):
            checks.text(name, getattr(self, name))
        for name in ("params", "tokens"):
            if getattr(self, name) is not None:
                checks.real(name, getattr(self, name), minimum=0.0, low_open=True)
        if self.params_cite is not None:
            checks.text("params_cite", self.params_cite)
        if self.tokens is not None and self.params is None:
            raise ValueError("params must be given when tokens is, got params=None")


MILESTONES: tuple[Milestone, ...] = (
    Milestone(1958, "Perceptron", "Rosenblatt", "a trainable linear threshold unit",
              None, "rosenblatt1958perceptron"),
    Milestone(1986, "Backpropagation", "Rumelhart, Hinton, Williams",
              "gradients of every weight by the chain rule", None, "rumelhart1986learning"),
    Milestone(1989, "Convolutional net (zip codes)", "LeCun et al.",
              "shared convolutional weights, trained by backprop", 9_760, "lecun1989backprop"),
    Milestone(1997, "LSTM", "Hochreiter, Schmidhuber", "gated recurrent memory",
              None, "hochreiter1997lstm"),
    Milestone(1998, "LeNet-5", "LeCun, Bottou, Bengio, Haffner",
              "convolutional network for document recognition", 60_000, "lecun1998gradient"),
    Milestone(2006, "Deep belief network", "Hinton, Osindero, Teh",
              "greedy layer-wise pre-training", None, "hinton2006fast"),
    Milestone(2009, "Deep Boltzmann machine", "Salakhutdinov, Hinton",
              "undirected deep generative model", None, "salakhutdinov2009dbm"),
    Milestone(2012, "AlexNet", "Krizhevsky, Sutskever, Hinton",
              "GPU-trained CNN wins ImageNet (ILSVRC 2012)", 60e6, "krizhevsky2012imagenet"),
    Milestone(2017, "Transformer (big)", "Vaswani et al.", "attention is all you need",
              213e6, "vaswani2017attention"),
    Milestone(2018, "GPT", "Radford et al.", "generative pre-training of a Transformer decoder",
              117e6, "radford2018improving", params_cite="radford2019language"),
    Milestone(2018, "BERT-Large", "Devlin et al.", "bidirectional Transformer encoder",
              340e6, "devlin2019bert"),
    Milestone(2019, "GPT-2", "Radford et al.", "zero-shot multitask language model",
              1.542e9, "radford2019language"),
    Milestone(2019, "T5-11B", "Raffel et al.", "text-to-text transfer Transformer",
              11e9, "raffel2020t5"),
    Milestone(2020, "GPT-3", "Brown et al.", "few-shot learning in context",
              175e9, "brown2020language", tokens=300e9),
    Milestone(2021, "Gopher", "Rae et al.", "scaling to 280B parameters",
              280e9, "rae2021gopher", tokens=300e9),
    Milestone(2022, "Chinchilla", "Hoffmann et al.",
              "compute-optimal: fewer parameters, more tokens",
              70e9, "hoffmann2022chinchilla", tokens=1.4e12),
    Milestone(2022, "PaLM", "Chowdhery et al.", "540B dense Transformer on TPU v4 pods",
              540e9, "chowdhery2023palm", tokens=780e9),
    Milestone(2023, "LLaMA-65B", "Touvron et al.", "open weights, public data only",
              65e9, "touvron2023llama", tokens=1.4e12),
    Milestone(2024, "Llama 3.1 405B", "Grattafiori et al.", "405B dense, 15.6T tokens",
              405e9, "grattafiori2024llama3", tokens=15.6e12),
)


def milestones_table() -> pd.DataFrame:
    """The milestones as a pandas DataFrame (one row each, in chronological order)."""
    import pandas as pd

    return pd.DataFrame([m.__dict__ for m in MILESTONES])


def growth_per_year(year0: int, params0: float, year1: int, params1: float) -> float:
    """Average multiplicative growth per year between two (year, parameter count) points."""
    year0 = checks.integer("year0", year0)
    year1 = checks.integer(f"year1 (after year0 = {year0})", year1, minimum=year0 + 1)
    params0 = checks.real("params0 (a parameter count)", params0, minimum=0.0, low_open=True)
    params1 = checks.real("params1 (a parameter count)", params1, minimum=0.0, low_open=True)
    return float((params1 / params0) ** (1.0 / (year1 - year0)))
