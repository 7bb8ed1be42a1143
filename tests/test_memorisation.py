"""lmvis.memorisation against a brute-force search written out."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lmvis.memorisation import longest_shared_runs


def _brute(text, corpus):
    best = ""
    for i in range(len(text)):
        for j in range(i + len(best) + 1, len(text) + 1):
            if text[i:j] in corpus:
                best = text[i:j]
            else:
                break
    return best


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="abc山", max_size=12), max_size=5),
       st.text(alphabet="abc山\n", min_size=1, max_size=60))
def test_equals_brute_force(texts, corpus):
    assert longest_shared_runs(texts, corpus) == [_brute(t, corpus) for t in texts]


def test_a_run_never_spans_two_texts_and_bad_input_raises():
    assert longest_shared_runs(["ab", "cd"], "bc") == ["b", "c"]
    assert longest_shared_runs(["xyz"], "abc") == [""]
    with pytest.raises(TypeError):
        longest_shared_runs("abc", "abc")
    with pytest.raises(ValueError, match="corpus"):
        longest_shared_runs(["a"], "")
