"""The shipped checkpoint, the poem writer's callback at every extreme, and chapter 9's figures."""

import warnings

import matplotlib
import numpy as np
import pytest
import torch
from lmvis.datasets.poems import POEM_BREAK, load_poems, split_poems
from lmvis.gpt import GPT, GPTConfig
from lmvis.pretrained import SETTINGS, TANG_GPT_SHA256, load_tang_gpt, weights_path
from lmvis.tokenizers import CharTokenizer
from lmvis.training import lm_examples, lm_loss
from lmvis.widgets import POEM_SLIDERS, continue_poem

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def split():
    return split_poems(load_poems())


@pytest.fixture(scope="module")
def tok(split):
    text = POEM_BREAK + POEM_BREAK.join(split.train) + POEM_BREAK
    return CharTokenizer.from_text(text, max_chars=SETTINGS["max_chars"])


@pytest.fixture(scope="module")
def ckpt():
    return load_tang_gpt()


def test_checkpoint_is_verified_and_matches_the_chapter(ckpt, tok, split):
    assert weights_path().stat().st_size <= 10 * 2**20  # at most 10 MB
    assert ckpt.chars == "".join(tok.tokens[1:]) and ckpt.settings == SETTINGS
    assert ckpt.model.tok.weight.dtype == torch.float64
    assert ckpt.model.head.weight is ckpt.model.tok.weight
    # it reproduces the validation loss the script logged for it
    X, Y = lm_examples([tok.encode(POEM_BREAK + p + POEM_BREAK) for p in split.val],
                       SETTINGS["context"])
    runs = ckpt.log["runs"]
    assert lm_loss(ckpt.model, X, Y) == pytest.approx(runs[max(runs)]["val_loss"][-1], abs=1e-9)
    # the weights lie on the grid of 2^-20 (float32 holds them exactly)
    for p in ckpt.model.parameters():
        assert torch.equal(p * 2**20, (p * 2**20).round())
    first = ckpt.model_at(0)
    assert not torch.equal(first.tok.weight, ckpt.model.tok.weight)
    with pytest.raises(ValueError, match="no snapshot"):
        ckpt.model_at(12345)


def test_a_wrong_checksum_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        load_tang_gpt(expected_sha256="0" * 64)
    with pytest.raises(RuntimeError, match="missing"):
        load_tang_gpt(expected_sha256=TANG_GPT_SHA256, path=tmp_path / "none.pt")


@pytest.fixture(scope="module")
def small():
    tok = CharTokenizer(list("，。\n春风明月山"))
    torch.manual_seed(0)
    return GPT(GPTConfig(tok.vocab_size, 49, 8, 1, 2)).double(), tok


@pytest.mark.parametrize("temperature", [POEM_SLIDERS["temperature"][0],
                                         POEM_SLIDERS["temperature"][1], 0.0, -3.0, 1e9,
                                         float("inf")])
@pytest.mark.parametrize("top_k", [POEM_SLIDERS["top_k"][0], POEM_SLIDERS["top_k"][1], 1, -5])
def test_poem_writer_never_raises_at_slider_extremes(small, temperature, top_k):
    model, tok = small
    poem, _ = continue_poem(model, tok, "春风", temperature=temperature, top_k=top_k,
                            seed=POEM_SLIDERS["seed"][1])
    assert poem.startswith("春风") and POEM_BREAK not in poem


@pytest.mark.parametrize("prompt", ["", "雪江 春\n风", "春" * 200, "abc"])
def test_poem_writer_accepts_any_typed_prompt_and_says_what_it_changed(small, prompt):
    model, tok = small
    poem, note = continue_poem(model, tok, prompt, seed=0)
    assert POEM_BREAK not in poem
    kept = "".join(prompt.split())[:40]
    assert "□" not in poem[len(kept):]  # the model never writes <unk>
    if any(c not in tok for c in "".join(prompt.split())):
        assert "□" in note
    if len("".join(prompt.split())) > 40:
        assert "cut to 40" in note
    again, _ = continue_poem(model, tok, prompt, seed=0)
    assert again == poem  # seeded


def test_the_shipped_font_has_every_character_of_the_poems():
    from fontTools.ttLib import TTFont
    from lmvis.viz.gpt import CJK_FONT

    cmap = TTFont(str(CJK_FONT)).getBestCmap()
    needed = set("".join(load_poems())) | set("□，。")
    assert not [c for c in needed if ord(c) not in cmap]


def test_chapter_9_figures_draw_chinese_without_warnings():
    import matplotlib.pyplot as plt
    from lmvis.training import LMRun
    from lmvis.viz.gpt import (
        plot_char_attention,
        plot_lm_curves,
        plot_next_char_panels,
        plot_poem_grid,
        plot_run_lengths,
    )

    poem = "床前明月光，疑是地上霜。"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        run = LMRun(train_loss=list(np.linspace(7, 5, 50)), eval_steps=[25, 50],
                    val_loss=[6.0, 5.5])
        plot_lm_curves({"run": run}, {"bigram": 5.4})
        fig = plot_char_attention([np.tril(np.ones((2, 12, 12))) / 12], list(poem))
        fig.canvas.draw()
        fig = plot_next_char_panels([("step 0", np.full(4, 0.25))], ["春", "风", "□", "。"])
        fig.canvas.draw()
        fig = plot_poem_grid([[poem, poem]], ["τ 1"], ["top-k 1", "all"])
        fig.canvas.draw()
        plot_run_lengths({"GPT": [3, 4, 5], "test": [4, 12]})
    plt.close("all")
    with pytest.raises(ValueError, match="chars: 1 labels for"):
        plot_char_attention([np.ones((1, 3, 3))], ["a"])
