"""lmvis.tokenizers: the character tokenizer's round trip and errors; BPE by hand."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.tokenizers import (
    END_OF_WORD,
    UNK,
    UNK_GLYPH,
    CharTokenizer,
    bpe_encode,
    bpe_train,
)

ALPHABET = "山风月花人，。\n"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_encode_decode_round_trip_for_known_characters(text):
    tok = CharTokenizer(list(ALPHABET))
    ids = tok.encode(text)
    assert len(ids) == len(text)
    assert tok.decode(ids) == text
    assert all(1 <= i < tok.vocab_size for i in ids)  # id 0 is <unk>


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ALPHABET + "雪江x", max_size=40))
def test_unknown_characters_become_unk_and_decode_to_the_box(text):
    tok = CharTokenizer(list(ALPHABET))
    ids = tok.encode(text)
    expected = "".join(c if c in ALPHABET else UNK_GLYPH for c in text)
    assert tok.decode(ids) == expected
    assert [i == 0 for i in ids] == [c not in ALPHABET for c in text]
    assert tok.encode(tok.decode(ids)) == ids  # the box is itself unknown: a stable round trip


def test_without_unk_an_unknown_character_raises_naming_it():
    tok = CharTokenizer(list("山风"), unk=False)
    assert tok.tokens == ["山", "风"] and tok.encode("风山") == [1, 0]
    with pytest.raises(ValueError, match="'雪' is not in the vocabulary"):
        tok.encode("山雪")


def test_from_text_orders_by_frequency_then_code_point_and_truncates():
    tok = CharTokenizer.from_text("bbaacccd", max_chars=3)
    assert tok.tokens == [UNK, "c", "a", "b"]  # c:3, then a:2 and b:2 by code point; d dropped
    assert tok.encode("d") == [0]
    assert CharTokenizer.from_text("bbaacccd").tokens == [UNK, "c", "a", "b", "d"]
    assert len(tok) == tok.vocab_size == 4 and "c" in tok and "d" not in tok


def test_constructor_and_decode_reject_bad_input():
    with pytest.raises(TypeError, match="sequence of single characters"):
        CharTokenizer("abc")
    with pytest.raises(ValueError, match="single characters"):
        CharTokenizer(["ab"])
    with pytest.raises(ValueError, match="distinct"):
        CharTokenizer(["a", "a"])
    with pytest.raises(ValueError, match="shows the unknown token"):
        CharTokenizer([UNK_GLYPH])
    with pytest.raises(TypeError, match="text must be a str"):
        CharTokenizer(["a"]).encode(3)
    with pytest.raises(ValueError, match=r"ids\[0\] must be an integer >= 0 and <= 1"):
        CharTokenizer(["a"]).decode([2])
    with pytest.raises(ValueError, match="max_chars"):
        CharTokenizer.from_text("abc", max_chars=0)


# BPE, worked by hand. Words (with </w> = end of word): low ×5, lower ×2, newest ×6, widest ×3.
# Pair counts at the start: (e,s) 9, (s,t) 9, (t,</w>) 9, (w,e) 8, (l,o) 7, (o,w) 7, ...
#  1. (e, s): three pairs tie at 9; ("e","s") sorts first.
#  2. (es, t): 9, ties with (t, </w>); "es" < "t".
#  3. (est, </w>): 9.
#  4. (l, o): 7, ties with (o, w).          5. (lo, w): 7.
#  6. (e, w): 6, ties with (n, e) and (w, est</w>); "e" < "n" < "w".
#  7. (ew, est</w>): 6, ties with (n, ew).  8. (n, ewest</w>): 6.
#  9. (low, </w>): 5.
# 10. (d, est</w>): 3, ties with (i, d) and (w, i).
HAND_WORKED = [
    ("e", "s"), ("es", "t"), ("est", END_OF_WORD), ("l", "o"), ("lo", "w"), ("e", "w"),
    ("ew", "est" + END_OF_WORD), ("n", "ewest" + END_OF_WORD), ("low", END_OF_WORD),
    ("d", "est" + END_OF_WORD),
]
CORPUS = " ".join(["low"] * 5 + ["lower"] * 2 + ["newest"] * 6 + ["widest"] * 3)


def test_bpe_learns_the_hand_worked_merges():
    assert bpe_train(CORPUS, 10) == HAND_WORKED


def test_bpe_encodes_seen_and_unseen_words_by_the_merges_in_order():
    assert bpe_encode("newest", HAND_WORKED) == ["newest" + END_OF_WORD]
    assert bpe_encode("lower", HAND_WORKED) == ["low", "e", "r", END_OF_WORD]
    # "lowest" was never seen, yet it splits into two known pieces:
    assert bpe_encode("lowest", HAND_WORKED) == ["low", "est" + END_OF_WORD]
    assert bpe_encode("lowest", []) == list("lowest") + [END_OF_WORD]


def test_bpe_stops_when_every_word_is_one_symbol_and_rejects_bad_input():
    merges = bpe_train("ab ab", 10)
    assert merges == [("a", "b"), ("ab", END_OF_WORD)]
    assert bpe_train(CORPUS, 0) == []
    with pytest.raises(ValueError, match="at least one word"):
        bpe_train("   ", 3)
    with pytest.raises(ValueError, match="n_merges"):
        bpe_train(CORPUS, -1)
    with pytest.raises(ValueError, match="one non-empty word"):
        bpe_encode("two words", HAND_WORKED)
