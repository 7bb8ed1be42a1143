"""Does a model copy its training text? The longest run of characters that a text shares with it.

For each text, the longest substring that also occurs somewhere in the training corpus. A model
that memorised passages writes long shared runs; a model that learned the style writes short
ones, like held-out text by other authors. Computed for all texts at once, growing n = 1, 2, ...:
every n-gram gets a polynomial hash (NumPy, wrapping mod 2⁶⁴), and only the positions whose
n-gram was found, in the texts and in the corpus, are extended to n + 1. Every reported run is
then checked with an exact substring search, so a hash collision could not go unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lmvis import checks

__all__ = ["longest_shared_runs"]

_BASE = np.uint64(1_000_003)  # an odd multiplier for the rolling hash


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def longest_shared_runs(texts: Sequence[str], corpus: str) -> list[str]:
    """For each text, its longest substring that occurs in ``corpus`` ('' if none; the first
    such substring when several are equally long). Texts are matched on their own: a run never
    spans two texts."""
    texts = [checks.text(f"texts[{i}]", t) for i, t in enumerate(checks.sequence("texts", texts))]
    if not checks.text("corpus", corpus):
        raise ValueError("corpus must be a non-empty str")
    best = [""] * len(texts)
    if not any(texts):
        return best
    c, q = _codes(corpus), _codes("".join(texts))  # (N,), (M,): all texts end to end
    owner = np.repeat(np.arange(len(texts)), [len(t) for t in texts])  # (M,) text of a position
    offsets = np.cumsum([0] + [len(t) for t in texts])
    pos_c, hash_c = np.arange(len(c)), c.copy()  # corpus n-grams still in play, and hashes
    pos_q, hash_q = np.arange(len(q)), q.copy()  # the texts' n-grams still in play
    n = 1
    with np.errstate(over="ignore"):
        while True:
            end = pos_q + n - 1  # last position of each n-gram of the texts
            keep = (end < len(q)) & (owner[pos_q] == owner[np.minimum(end, len(q) - 1)])
            pos_q, hash_q = pos_q[keep], hash_q[keep]  # n-grams within one text
            found = np.isin(hash_q, hash_c)
            pos_q, hash_q = pos_q[found], hash_q[found]  # ... that occur in the corpus
            if len(pos_q) == 0:
                break
            texts_hit, first = np.unique(owner[pos_q], return_index=True)
            for i, k in zip(texts_hit, pos_q[first], strict=True):
                best[i] = texts[i][k - offsets[i]:k - offsets[i] + n]
            in_play = np.isin(hash_c, hash_q)  # corpus n-grams that some text shares
            pos_c, hash_c = pos_c[in_play], hash_c[in_play]
            grow_c, grow_q = pos_c + n < len(c), pos_q + n < len(q)
            pos_c, pos_q = pos_c[grow_c], pos_q[grow_q]
            hash_c = hash_c[grow_c] * _BASE + c[pos_c + n]  # hash of the (n + 1)-gram
            hash_q = hash_q[grow_q] * _BASE + q[pos_q + n]
            n += 1
    for run in best:
        if run and run not in corpus:  # pragma: no cover - a 64-bit hash collision
            raise RuntimeError(f"hash collision: {run!r} reported but not in the corpus")
    return best
