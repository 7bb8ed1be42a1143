"""Milestones of neural networks, 1958 to today, each with its primary citation.

Parameter counts are the ones a published source states: the model's own paper, or where that
paper gives none, the source in ``params_cite`` (GPT's in the GPT-2 paper, whose smallest model
"is equivalent to the original GPT"; GoogLeNet's in the Inception-v3 paper by the same group;
ResNet-152's in the EfficientNet paper); ``None`` where no source states a count. ``year`` is
the year of first public release (a preprint may precede the cited venue). ``org`` is where
the work was done, because the source documents misattribute some of it. Each citation key
is an entry of the book's ``references.bib``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from lmvis import checks, notebook

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
    org: str  # where the work was done (the first authors' laboratory or company)
    tokens: float | None = None  # training tokens, where the paper states them
    params_cite: str | None = None  # where the count is stated, if not in ``cite`` itself

    def __post_init__(self):
        checks.integer("year", self.year, minimum=1900)
        for name in ("name", "authors", "what", "cite", "org"):
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
              None, "rosenblatt1958perceptron",
              org="Cornell Aeronautical Laboratory"),
    Milestone(1986, "Backpropagation", "Rumelhart, Hinton, Williams",
              "gradients of every weight by the chain rule", None, "rumelhart1986learning",
              org="UC San Diego, Carnegie Mellon"),
    Milestone(1989, "Convolutional net (zip codes)", "LeCun et al.",
              "shared convolutional weights, trained by backprop", 9_760, "lecun1989backprop",
              org="AT&T Bell Laboratories"),
    Milestone(1997, "LSTM", "Hochreiter, Schmidhuber", "gated recurrent memory",
              None, "hochreiter1997lstm",
              org="TU Munich, IDSIA"),
    Milestone(1998, "LeNet-5", "LeCun, Bottou, Bengio, Haffner",
              "convolutional network for document recognition", 60_000, "lecun1998gradient",
              org="AT&T Labs"),
    Milestone(2006, "Deep belief network", "Hinton, Osindero, Teh",
              "greedy layer-wise pre-training", None, "hinton2006fast",
              org="University of Toronto"),
    Milestone(2009, "Deep Boltzmann machine", "Salakhutdinov, Hinton",
              "undirected deep generative model", None, "salakhutdinov2009dbm",
              org="University of Toronto"),
    Milestone(2012, "AlexNet", "Krizhevsky, Sutskever, Hinton",
              "GPU-trained CNN wins ImageNet (ILSVRC 2012)", 60e6, "krizhevsky2012imagenet",
              org="University of Toronto"),
    Milestone(2014, "GoogLeNet (Inception)", "Szegedy et al.",
              "wins ILSVRC 2014 classification with 12× fewer parameters than AlexNet",
              5e6, "szegedy2015going", params_cite="szegedy2016rethinking",
              org="Google"),
    Milestone(2015, "FaceNet", "Schroff, Kalenichenko, Philbin",
              "face embeddings learned with a triplet loss", None, "schroff2015facenet",
              org="Google"),
    Milestone(2015, "ResNet-152", "He, Zhang, Ren, Sun",
              "residual connections; a ResNet ensemble wins ILSVRC 2015 classification",
              60e6, "he2016deep", params_cite="tan2019efficientnet",
              org="Microsoft Research"),
    Milestone(2017, "Transformer (big)", "Vaswani et al.", "attention is all you need",
              213e6, "vaswani2017attention",
              org="Google"),
    Milestone(2018, "GPT", "Radford et al.", "generative pre-training of a Transformer decoder",
              117e6, "radford2018improving", params_cite="radford2019language",
              org="OpenAI"),
    Milestone(2018, "BERT-Large", "Devlin et al.", "bidirectional Transformer encoder",
              340e6, "devlin2019bert",
              org="Google"),
    Milestone(2019, "GPT-2", "Radford et al.", "zero-shot multitask language model",
              1.542e9, "radford2019language",
              org="OpenAI"),
    Milestone(2019, "T5-11B", "Raffel et al.", "text-to-text transfer Transformer",
              11e9, "raffel2020t5",
              org="Google"),
    Milestone(2020, "GPT-3", "Brown et al.", "text model: few-shot learning in context",
              175e9, "brown2020language", tokens=300e9,
              org="OpenAI"),
    Milestone(2021, "Gopher", "Rae et al.", "scaling to 280B parameters",
              280e9, "rae2021gopher", tokens=300e9,
              org="DeepMind"),
    Milestone(2022, "Chinchilla", "Hoffmann et al.",
              "compute-optimal: fewer parameters, more tokens",
              70e9, "hoffmann2022chinchilla", tokens=1.4e12,
              org="DeepMind"),
    Milestone(2022, "PaLM", "Chowdhery et al.", "540B dense Transformer on TPU v4 pods",
              540e9, "chowdhery2023palm", tokens=780e9,
              org="Google"),
    Milestone(2023, "LLaMA-65B", "Touvron et al.", "open weights, public data only",
              65e9, "touvron2023llama", tokens=1.4e12,
              org="Meta AI"),
    Milestone(2024, "Llama 3.1 405B", "Grattafiori et al.", "405B dense, 15.6T tokens",
              405e9, "grattafiori2024llama3", tokens=15.6e12,
              org="Meta AI"),
)


#: Where the work was done, in the Chinese edition (the names Chinese readers use; a company
#: keeps its own name).
ORG_CHINESE: dict[str, str] = {
    "Cornell Aeronautical Laboratory": "康奈尔航空实验室",
    "UC San Diego, Carnegie Mellon": "加州大学圣迭戈分校、卡内基梅隆大学",
    "AT&T Bell Laboratories": "AT&T 贝尔实验室",
    "TU Munich, IDSIA": "慕尼黑工业大学、IDSIA",
    "AT&T Labs": "AT&T 实验室",
    "University of Toronto": "多伦多大学",
    "Microsoft Research": "微软研究院",
}

#: The Chinese edition's name and description of each milestone, by its English name (the
#: authors and sources are names, the same in both editions).
CHINESE: dict[str, tuple[str, str]] = {
    "Perceptron": ("感知机", "可训练的线性阈值单元"),
    "Backpropagation": ("反向传播", "用链式法则求出每个权重的梯度"),
    "Convolutional net (zip codes)": ("卷积网络（邮政编码）", "共享的卷积权重，用反向传播训练"),
    "LSTM": ("LSTM", "带门控的循环记忆"),
    "LeNet-5": ("LeNet-5", "用于文档识别的卷积网络"),
    "Deep belief network": ("深度信念网络", "逐层贪心预训练"),
    "Deep Boltzmann machine": ("深度玻尔兹曼机", "无向的深度生成模型"),
    "AlexNet": ("AlexNet", "用 GPU 训练的卷积网络赢得 ImageNet（ILSVRC 2012）"),
    "GoogLeNet (Inception)": ("GoogLeNet（Inception）",
                              "赢得 ILSVRC 2014 分类任务，参数量比 AlexNet 少 12 倍"),
    "FaceNet": ("FaceNet", "用三元组损失学习的人脸嵌入"),
    "ResNet-152": ("ResNet-152", "残差连接；一个 ResNet 集成赢得 ILSVRC 2015 分类任务"),
    "Transformer (big)": ("Transformer（big）", "注意力就是你所需要的一切"),
    "GPT": ("GPT", "Transformer 解码器的生成式预训练"),
    "BERT-Large": ("BERT-Large", "双向 Transformer 编码器"),
    "GPT-2": ("GPT-2", "零样本的多任务语言模型"),
    "T5-11B": ("T5-11B", "文本到文本的迁移 Transformer"),
    "GPT-3": ("GPT-3", "文本模型：在上下文中少样本学习"),
    "Gopher": ("Gopher", "扩展到 2800 亿参数"),
    "Chinchilla": ("Chinchilla", "计算最优：更少的参数，更多的词元"),
    "PaLM": ("PaLM", "在 TPU v4 集群上训练的 5400 亿参数稠密 Transformer"),
    "LLaMA-65B": ("LLaMA-65B", "公开权重，只用公开数据"),
    "Llama 3.1 405B": ("Llama 3.1 405B", "4050 亿参数稠密模型，15.6 万亿词元"),
}


def milestones_table() -> pd.DataFrame:
    """The milestones as a pandas DataFrame (one row each, in chronological order)."""
    import pandas as pd

    return pd.DataFrame([m.__dict__ for m in MILESTONES])


#: The units of a count in each language, largest first, and the count below which none is used.
_UNITS = {"en": (1e6, ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))),
          "zh": (1e6, ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")))}


def format_count(n: float, language: str = "en") -> str:
    """A parameter or token count for readers: ``9,760``, ``60 million``, ``1.54 billion``;
    in Chinese ``6000 万``, ``15.4 亿`` (Chinese counts in 万 and 亿).

    At most three significant digits in the largest unit that fits (sources round too).
    """
    n = checks.real("n", n, minimum=0.0, low_open=True)
    smallest, units = _UNITS[checks.choice("language", language, notebook.LANGUAGES)]
    if n < smallest:
        return f"{n:,.0f}"
    n = float(f"{n:.3g}")  # round first, so that 999.6 million reads "1 billion"
    for scale, unit in units:
        if n >= scale:
            value = format(Decimal(f"{n / scale:.3g}"), "f")  # 1750, not 1.75e+03
            return f"{value} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


#: Author-year text of every source above, as the HTML book prints it and as
#: tools/portable_markup.py writes it from references.bib (a test keeps them equal).
CITATION_TEXT = {
    "rosenblatt1958perceptron": "Rosenblatt (1958)",
    "rumelhart1986learning": "Rumelhart et al. (1986)",
    "lecun1989backprop": "LeCun et al. (1989)",
    "hochreiter1997lstm": "Hochreiter and Schmidhuber (1997)",
    "lecun1998gradient": "LeCun et al. (1998)",
    "hinton2006fast": "Hinton et al. (2006)",
    "salakhutdinov2009dbm": "Salakhutdinov and Hinton (2009)",
    "krizhevsky2012imagenet": "Krizhevsky et al. (2012)",
    "szegedy2015going": "Szegedy et al. (2015)",
    "szegedy2016rethinking": "Szegedy et al. (2016)",
    "schroff2015facenet": "Schroff et al. (2015)",
    "he2016deep": "He et al. (2016)",
    "tan2019efficientnet": "Tan and Le (2019)",
    "vaswani2017attention": "Vaswani et al. (2017)",
    "radford2018improving": "Radford et al. (2018)",
    "radford2019language": "Radford et al. (2019)",
    "devlin2019bert": "Devlin et al. (2019)",
    "raffel2020t5": "Raffel et al. (2020)",
    "brown2020language": "Brown et al. (2020)",
    "rae2021gopher": "Rae et al. (2021)",
    "hoffmann2022chinchilla": "Hoffmann et al. (2022)",
    "chowdhery2023palm": "Chowdhery et al. (2023)",
    "touvron2023llama": "Touvron et al. (2023)",
    "grattafiori2024llama3": "Grattafiori et al. (2024)",
}


def source_markdown(m: Milestone, language: str = "en") -> str:
    """The milestone's sources as author-year links, e.g. ``[Rosenblatt (1958)](#key)``.

    The portable form of a citation (tools/portable_markup.py): the HTML book resolves the
    link to the bibliography entry, and JupyterLab and Colab show the author and year. Where
    the parameter count comes from another source, that source is named too.
    """
    m = checks.instance("m", m, Milestone, "a Milestone")
    language = checks.choice("language", language, notebook.LANGUAGES)
    count_from = {"en": "; count from ", "zh": "；参数量出自 "}[language]
    for key in (m.cite, m.params_cite):
        if key is not None and key not in CITATION_TEXT:
            raise ValueError(f"m cites {key!r}, which has no entry in CITATION_TEXT (add its "
                             f"author-year text, as references.bib gives it)")
    text = f"[{CITATION_TEXT[m.cite]}](#{m.cite})"
    if m.params_cite is not None:
        text += f"{count_from}[{CITATION_TEXT[m.params_cite]}](#{m.params_cite})"
    return text


#: The table's header in each language.
_HEADER = {"en": "| year | name | where | what | parameters | source |",
           "zh": "| 年份 | 名称 | 机构 | 内容 | 参数量 | 出处 |"}


def markdown_table(milestones: Sequence[Milestone] = MILESTONES,
                   language: str | None = None) -> str:
    """The milestones as a MyST Markdown table: year, name, where, what, size and sources.

    In the language of the edition (``lmvis.notebook.language``) unless ``language`` is given:
    the Chinese edition prints the names and descriptions of ``CHINESE``. A notebook displays
    it with ``IPython.display.Markdown``; the cell's metadata ``{"mystnb": {"markdown_format":
    "myst"}}`` makes myst-nb parse the citations in it.
    """
    language = notebook.language(language)
    rows = [_HEADER[language], "|---|---|---|---|---|---|"]
    for i, m in enumerate(checks.sequence("milestones", milestones)):
        m = checks.instance(f"milestones[{i}]", m, Milestone, "a Milestone")
        size = "" if m.params is None else format_count(m.params, language)
        name, org, what = m.name, m.org, m.what
        if language == "zh":
            if m.name not in CHINESE:
                raise ValueError(f"milestones[{i}] ({m.name}) has no Chinese name and "
                                 f"description in CHINESE")
            name, what = CHINESE[m.name]
            org = ORG_CHINESE.get(m.org, m.org)
        cells = [str(m.year), name, org, what, size]
        if any("|" in c for c in cells):
            raise ValueError(f"milestones[{i}] ({m.name}) must have no field with a '|', which "
                             f"would break the table")
        rows.append("| " + " | ".join([*cells, source_markdown(m, language)]) + " |")
    return "\n".join(rows) + "\n"


def growth_per_year(year0: int, params0: float, year1: int, params1: float) -> float:
    """Average multiplicative growth per year between two (year, parameter count) points."""
    year0 = checks.integer("year0", year0)
    year1 = checks.integer(f"year1 (after year0 = {year0})", year1, minimum=year0 + 1)
    params0 = checks.real("params0 (a parameter count)", params0, minimum=0.0, low_open=True)
    params1 = checks.real("params1 (a parameter count)", params1, minimum=0.0, low_open=True)
    return float((params1 / params0) ** (1.0 / (year1 - year0)))
