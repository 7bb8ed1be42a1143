"""Tokens (词元): text as a sequence of integer ids, by characters or by byte-pair merges.

:class:`CharTokenizer` makes each character a token, the natural choice for Chinese; characters
outside its vocabulary become one ``<unk>`` token (shown as ``□`` when decoded). :func:`bpe_train`
and :func:`bpe_encode` are byte-pair encoding as Sennrich et al. (2016) introduced it for words:
start from characters and repeatedly merge the most frequent adjacent pair. GPT-2 runs the same
algorithm on bytes (Radford et al., 2019).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from lmvis import checks

__all__ = ["UNK", "UNK_GLYPH", "END_OF_WORD", "CharTokenizer", "bpe_encode", "bpe_train"]

#: The name of the unknown-character token, and the single character that decoding shows for it.
UNK = "<unk>"
UNK_GLYPH = "□"


def _text(name: str, text: object) -> str:
    return checks.text(name, text)


class CharTokenizer:
    """One token per character, ids ``0 .. vocab_size - 1``.

    ``chars`` are the vocabulary's characters in id order. With ``unk=True`` id 0 is ``<unk>``,
    every character outside the vocabulary encodes to it, and it decodes to ``□``; with
    ``unk=False`` an unknown character raises ValueError naming it.
    """

    def __init__(self, chars: Sequence[str], unk: bool = True):
        if isinstance(chars, str) or not isinstance(chars, Sequence):
            raise TypeError(f"chars must be a sequence of single characters, got {chars!r:.60}")
        unk = checks.boolean("unk", unk)
        chars = list(chars)
        bad = [c for c in chars if not (isinstance(c, str) and len(c) == 1)]
        if bad:
            raise ValueError(f"chars must be single characters, got {bad[:5]}")
        if len(set(chars)) != len(chars):
            dup = [c for c, k in Counter(chars).items() if k > 1]
            raise ValueError(f"chars must be distinct, got duplicates {dup[:5]}")
        if unk and UNK_GLYPH in chars:
            raise ValueError(f"{UNK_GLYPH!r} shows the unknown token; it cannot be in chars")
        if not chars and not unk:
            raise ValueError("a tokenizer needs at least one character or unk=True")
        self.unk = unk
        self.tokens: list[str] = ([UNK] if unk else []) + list(chars)
        self._id = {c: i for i, c in enumerate(self.tokens) if c != UNK}
        self._glyphs = [UNK_GLYPH if t == UNK else t for t in self.tokens]

    @classmethod
    def from_text(cls, text: str, max_chars: int | None = None, unk: bool = True
                  ) -> CharTokenizer:
        """The ``max_chars`` most frequent characters of ``text`` (all if None), most frequent
        first; equal counts are ordered by code point, so the vocabulary is deterministic."""
        text = _text("text", text)
        if max_chars is not None:
            max_chars = checks.integer("max_chars", max_chars, minimum=1)
        counts = Counter(text)
        chars = sorted(counts, key=lambda c: (-counts[c], c))[:max_chars]
        return cls(chars, unk=unk)

    @property
    def vocab_size(self) -> int:
        return len(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size}, unk={self.unk})"

    def __contains__(self, char: object) -> bool:
        return char in self._id

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``'s characters (unknown ones to ``<unk>``, or ValueError)."""
        text = _text("text", text)
        if self.unk:
            return [self._id.get(c, 0) for c in text]
        try:
            return [self._id[c] for c in text]
        except KeyError as e:
            raise ValueError(
                f"character {e.args[0]!r} is not in the vocabulary of {self.vocab_size} tokens "
                f"(build the tokenizer with unk=True to map unknown characters to {UNK})"
            ) from None

    def decode(self, ids: Iterable[int]) -> str:
        """The text of a sequence of ids, ``<unk>`` shown as ``□`` (one character per id)."""
        if hasattr(ids, "tolist"):  # a tensor or an array
            ids = ids.tolist()
        items = checks.sequence("ids", ids)
        out = []
        for k, i in enumerate(items):
            i = checks.integer(f"ids[{k}]", i, minimum=0, maximum=self.vocab_size - 1)
            out.append(self._glyphs[i])
        return "".join(out)


#: The marker of a word's end, so that merges never cross words (Sennrich et al., 2016).
END_OF_WORD = "</w>"


def _words(corpus: str) -> Counter[tuple[str, ...]]:
    corpus = _text("corpus", corpus)
    return Counter(tuple(w) + (END_OF_WORD,) for w in corpus.split())


def bpe_train(corpus: str, n_merges: int) -> list[tuple[str, str]]:
    """Learn up to ``n_merges`` byte-pair merges from the whitespace-separated words of ``corpus``.

    Each word starts as its characters plus ``</w>``. Each step counts adjacent symbol pairs,
    weighted by word frequency, and merges the most frequent one everywhere; equal counts go to
    the pair that sorts first, so the result does not depend on dictionary order. Stops early
    when every word is a single symbol. Returns the merges in the order learned.
    """
    n_merges = checks.integer("n_merges", n_merges, minimum=0)
    words = _words(corpus)
    if not words:
        raise ValueError("corpus must contain at least one word")
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for word, freq in words.items():
            for pair in zip(word, word[1:], strict=False):
                pairs[pair] += freq
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        words = Counter({_merge(w, best): f for w, f in words.items()})
    return merges


def _merge(word: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    """``word`` with every non-overlapping occurrence of ``pair``, left to right, joined."""
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def bpe_encode(word: str, merges: Sequence[tuple[str, str]]) -> list[str]:
    """Split one word into subword tokens by applying ``merges`` in the order they were learned."""
    word = _text("word", word)
    if not word or any(ch.isspace() for ch in word):
        raise ValueError(f"word must be one non-empty word without spaces, got {word!r}")
    pairs = checks.sequence("merges", merges)
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, tuple | list) and len(pair) == 2
                and all(isinstance(x, str) and x for x in pair)):
            raise TypeError(f"merges[{i}] must be a pair of non-empty str, got {pair!r:.60}")
    symbols = tuple(word) + (END_OF_WORD,)
    for pair in pairs:
        symbols = _merge(symbols, tuple(pair))
    return list(symbols)
