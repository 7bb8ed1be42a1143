"""Five-character Tang poems (五言诗), shipped with the package and verified on load.

``tang_wuyan/wuyan.txt`` holds 17,871 poems of the Complete Tang Poems (全唐诗) from the
chinese-poetry compilation (MIT licence, ``tang_wuyan/LICENSE-chinese-poetry``; the poems are
in the public domain), one per line, each two or four couplets of the form ``XXXXX，XXXXX。``.
``tang_wuyan/README.md`` gives the source commit and the filter. The split is of whole groups
of near-duplicate poems (:func:`poem_groups`), so no held-out poem has a copy or a variant
sharing two whole lines on the training side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lmvis import checks
from lmvis.datasets import verified_bytes

if TYPE_CHECKING:
    import torch

    from lmvis.tokenizers import CharTokenizer

__all__ = [
    "MAX_POEM_CHARS", "N_POEMS", "POEMS_SHA256", "POEM_BREAK", "PoemSplit", "form_counts",
    "is_poem", "load_poems", "poem_groups", "poem_lines", "poems_path", "split_poems",
    "write_poems",
]

#: SHA-256 of ``tang_wuyan/wuyan.txt`` (the same as in its README).
POEMS_SHA256 = "73798abd278412b944fab609ceed53a06cdc43c32f1d86784104a6439dc0cb06"
N_POEMS = 17_871
#: A poem: 2 or 4 couplets of two five-character lines, "，" after the first and "。" after the
#: second. Any character but the two marks counts as a character here, so a generated poem with
#: the placeholder of an unknown character still has its shape judged.
_POEM = re.compile(r"(?:[^，。\n]{5}，[^，。\n]{5}。){2}(?:(?:[^，。\n]{5}，[^，。\n]{5}。){2})?")


def poems_path() -> Path:
    """Where the installed package keeps the poems."""
    return Path(__file__).with_name("tang_wuyan") / "wuyan.txt"


def is_poem(text: str) -> bool:
    """True when ``text`` has the shape of a five-character quatrain or regulated verse."""
    return _POEM.fullmatch(checks.text("text", text)) is not None


def load_poems(*, expected_sha256: str = POEMS_SHA256) -> list[str]:
    """All 17,871 poems, in file order, after checking the file's SHA-256 and every poem's shape.

    Raises RuntimeError when the file is missing, its checksum differs, or a line is not a poem.
    """
    data = verified_bytes(poems_path(), expected_sha256,
                          missing_hint="the poems file ships with the package; reinstall lmvis")
    poems = data.decode("utf-8").split("\n")  # the checked file has no \r
    if poems and poems[-1] == "":
        poems.pop()  # the file ends with a newline
    bad = [i for i, p in enumerate(poems) if not is_poem(p)]
    if len(poems) != N_POEMS or bad:
        raise RuntimeError(f"unexpected poems file: {len(poems)} lines, {len(bad)} not poems")
    return poems


@dataclass(frozen=True)
class PoemSplit:
    """Whole poems in three disjoint parts; each keeps the file order of its poems."""

    train: list[str]
    val: list[str]
    test: list[str]

    def __post_init__(self):
        for name in ("train", "val", "test"):
            part = [checks.text(f"{name}[{i}]", p)
                    for i, p in enumerate(checks.sequence(name, getattr(self, name)))]
            object.__setattr__(self, name, part)


def poem_groups(poems: Sequence[str], min_shared: int = 2) -> list[int]:
    """Each poem's group: poems that share at least ``min_shared`` whole lines are in one group,
    and so, transitively, are the poems linked through them.

    The Complete Tang Poems keeps variant versions of some poems (under two poets' names, or with
    a few characters changed); such variants share most of their lines without being equal. A line
    is a stretch between the marks "，" and "。" (the mark itself not compared); identical texts
    are always one group. Returns, per poem in order, the index of its group's first poem.
    """
    poems = [checks.text(f"poems[{i}]", p) for i, p in
             enumerate(checks.sequence("poems", poems))]
    min_shared = checks.integer("min_shared", min_shared, minimum=1)
    parent = list(range(len(poems)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[str, int] = {}
    by_line: dict[str, list[int]] = {}
    for i, p in enumerate(poems):
        if p in first:
            join(first[p], i)
            continue
        first[p] = i
        for line in {x for x in re.split(r"[，。]", p) if x}:
            by_line.setdefault(line, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for members in by_line.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                key = (members[a], members[b])
                shared[key] = shared.get(key, 0) + 1
    for (i, j), n in shared.items():
        if n >= min_shared:
            join(i, j)
    return [root(i) for i in range(len(poems))]


def split_poems(poems: Sequence[str], val_fraction: float = 0.05, test_fraction: float = 0.05,
                seed: int = 0, *, keep_groups: bool = True) -> PoemSplit:
    """A seeded random split of whole poems into train, validation and test, with every group of
    near-duplicates (:func:`poem_groups`) in one part.

    First ``round(fraction * d)`` of the d distinct texts are drawn for each held-out part by one
    permutation of ``np.random.default_rng(seed)`` (the same on every machine), the rest being
    training data; then every group whose poems were drawn for more than one part goes wholly to
    training. So no held-out poem occurs in training, verbatim or as a variant sharing two whole
    lines with a training poem; the held-out parts are a little smaller than the fractions.
    ``keep_groups=False`` skips that second step (the split as drawn, which lets variants of
    one poem fall on both sides).
    """
    poems = [checks.text(f"poems[{i}]", p) for i, p in
             enumerate(checks.sequence("poems", poems, min_length=1))]
    val_fraction = checks.real("val_fraction", val_fraction, minimum=0, maximum=1)
    test_fraction = checks.real("test_fraction", test_fraction, minimum=0, maximum=1)
    seed = checks.integer("seed", seed, minimum=0)
    part = _drawn_parts(poems, val_fraction, test_fraction, seed)
    if not checks.boolean("keep_groups", keep_groups):
        return PoemSplit(*([p for p, w in zip(poems, part, strict=True) if w == k]
                           for k in range(3)))
    groups = poem_groups(poems)
    parts_of: dict[int, set[int]] = {}
    for g, k in zip(groups, part, strict=True):
        parts_of.setdefault(g, set()).add(k)
    where = [0 if len(parts_of[g]) > 1 else k for g, k in zip(groups, part, strict=True)]
    train, val, test = ([p for p, w in zip(poems, where, strict=True) if w == k] for k in range(3))
    return PoemSplit(train=train, val=val, test=test)


def _drawn_parts(poems: list[str], val_fraction: float, test_fraction: float,
                 seed: int) -> list[int]:
    """Each poem's part (0 train, 1 validation, 2 test) as drawn for its text, before grouping."""
    distinct = list(dict.fromkeys(poems))  # first-occurrence order
    d = len(distinct)
    n_val, n_test = round(val_fraction * d), round(test_fraction * d)
    if n_val + n_test >= d:
        raise ValueError(
            f"val_fraction + test_fraction must leave training poems, got {n_val} + {n_test} "
            f"held out of {d} distinct poems"
        )
    order = np.random.default_rng(seed).permutation(d)
    part = np.zeros(d, dtype=np.int64)
    part[order[:n_val]], part[order[n_val:n_val + n_test]] = 1, 2
    where = {text: int(part[i]) for i, text in enumerate(distinct)}
    return [where[p] for p in poems]


#: The start and end of every poem in a token stream: a line break, as in the file.
POEM_BREAK = "\n"
#: The longest poem: four couplets of 2 × (5 characters + a mark).
MAX_POEM_CHARS = 48


def poem_lines(text: str) -> list[str]:
    """``text`` cut after each "，" and "。"; an unfinished tail counts as a line too."""
    return [line for line in re.split(r"(?<=[，。])", checks.text("text", text)) if line]


def form_counts(texts: Sequence[str]) -> dict[str, int]:
    """How many lines and poems have the right form.

    A line is right when it is five characters followed by "，" (lines 1, 3, 5, 7) or "。"
    (lines 2, 4, 6, 8); a poem is right when :func:`is_poem` (2 or 4 couplets, every line
    right). Returns ``{"lines_ok", "lines", "poems_ok", "poems"}``.
    """
    texts = [checks.text(f"texts[{i}]", t) for i, t in enumerate(checks.sequence("texts", texts))]
    counts = {"lines_ok": 0, "lines": 0, "poems_ok": 0, "poems": 0}
    for text in texts:
        lines = poem_lines(text)
        counts["lines"] += len(lines)
        counts["lines_ok"] += sum(
            re.fullmatch(r"[^，。\n]{5}" + ("，" if i % 2 == 0 else "。"), line) is not None
            for i, line in enumerate(lines))
        counts["poems"] += 1
        counts["poems_ok"] += is_poem(text)
    return counts


def _check_writer(model: Any, tokenizer: Any) -> None:
    """What :func:`write_poems` needs of its model and tokenizer (the poem writer widget checks
    the same before it shows a slider)."""
    import torch

    from lmvis.tokenizers import CharTokenizer

    checks.instance("model", model, torch.nn.Module)
    if not callable(getattr(model, "generate", None)):
        raise TypeError(f"model must have a generate() method, got {type(model).__name__}")
    checks.instance("tokenizer", tokenizer, CharTokenizer)


def write_poems(model: torch.nn.Module, tokenizer: CharTokenizer, n: int, prompt: str = "", *,
                temperature: float = 1.0, top_k: int | None = None,
                generator: torch.Generator | None = None) -> list[str]:
    """``n`` poems from a language model, each the ``prompt`` continued to the end of a poem.

    The model reads a poem break (the start of a poem), then ``prompt``, and samples up to
    ``MAX_POEM_CHARS + 1`` tokens in all; each poem is the text before the first break it
    writes (one that never writes it is cut at that length and cannot have a poem's shape).
    ``model.generate`` draws with ``temperature``, ``top_k`` and ``generator``; all ``n`` are
    written as one batch. ``<unk>`` is never drawn: it stands for every character outside the
    vocabulary at once, so it is likelier than any one of them, yet could never be written.
    """
    import torch

    _check_writer(model, tokenizer)
    n = checks.integer("n", n, minimum=1)
    checks.text("prompt", prompt)
    if POEM_BREAK in prompt:
        raise ValueError(f"prompt must be a str without line breaks, got {prompt!r}")
    if len(prompt) > MAX_POEM_CHARS:
        raise ValueError(f"prompt must have at most {MAX_POEM_CHARS} characters, got {len(prompt)}")
    start = tokenizer.encode(POEM_BREAK + prompt)
    new = MAX_POEM_CHARS + 1 - len(prompt)
    exclude = [0] if tokenizer.unk else []  # id 0 is <unk>
    out = model.generate(torch.tensor([start] * n), new, temperature=temperature, top_k=top_k,
                         generator=generator, exclude=exclude)  # (n, 1 + len(prompt) + new)
    texts = [tokenizer.decode(row[1:]) for row in out]
    return [t.split(POEM_BREAK)[0] for t in texts]
