"""lmvis.training's language-model loop: windows, padded examples, loss, the grid, one step."""

import math

import pytest
import torch
import torch.nn.functional as F
from lmvis.gpt import GPT, GPTConfig
from lmvis.schedules import warmup_cosine
from lmvis.training import (
    adamw_for,
    lm_examples,
    lm_loss,
    lm_windows,
    quantize_,
    train_language_model,
)


def test_windows_start_where_allowed_and_targets_are_the_next_tokens():
    ids = torch.arange(100)
    starts = torch.tensor([0, 10, 50])
    x, y = lm_windows(ids, starts, batch_size=64, length=8,
                      generator=torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (64, 8)
    assert set(x[:, 0].tolist()) == {0, 10, 50}
    assert torch.equal(y[:, :-1], x[:, 1:]) and torch.equal(y[:, -1], x[:, -1] + 1)
    with pytest.raises(ValueError, match="window of length"):
        lm_windows(ids, torch.tensor([95]), batch_size=2, length=8)


def test_examples_pad_with_ignored_targets_and_reject_overlong_sequences():
    X, Y = lm_examples([[5, 6, 7], [1, 2, 3, 4, 9]], 4)
    assert X.tolist() == [[5, 6, 0, 0], [1, 2, 3, 4]]
    assert Y.tolist() == [[6, 7, -100, -100], [2, 3, 4, 9]]
    with pytest.raises(ValueError, match=r"sequences\[0\] has 6 ids"):
        lm_examples([[1] * 6], 4)


def test_lm_loss_is_the_mean_over_scored_targets_whatever_the_batch_size():
    torch.manual_seed(0)
    model = GPT(GPTConfig(12, 6, 8, 1, 2)).double()
    seqs = [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10], [11, 0]]
    X, Y = lm_examples(seqs, 6)
    by_hand = []
    for s in seqs:  # each sequence alone, unpadded
        logits, _ = model(torch.tensor([s[:-1]]))
        by_hand += F.cross_entropy(logits[0], torch.tensor(s[1:]), reduction="none").tolist()
    expected = sum(by_hand) / len(by_hand)
    for b in (1, 2, 64):
        assert lm_loss(model, X, Y, batch_size=b) == pytest.approx(expected, rel=1e-12)


def test_quantize_rounds_to_the_grid_exactly_and_normalises_negative_zero():
    p = torch.tensor([0.3, -1e-9, 2.0**-21 * 3, -0.7], dtype=torch.float64)
    quantize_([p], 2.0**-20)
    k = p * 2**20
    assert torch.equal(k, k.round())
    assert math.copysign(1.0, p[1].item()) == 1.0  # -1e-9 rounds to +0.0, not -0.0
    with pytest.raises(ValueError, match="power of two"):
        quantize_([p], 0.001)


def _toy():
    torch.manual_seed(0)
    model = GPT(GPTConfig(5, 8, 16, 1, 2)).double()
    ids = torch.tensor([0, 1, 2, 3, 4] * 40)  # a cycle: each token fixes the next
    return model, ids, torch.arange(0, 150)


def test_the_loop_equals_adamw_steps_written_out():
    model, ids, starts = _toy()
    ref = GPT(model.config).double()
    ref.load_state_dict(model.state_dict())
    train_language_model(model, ids, starts, steps=5, batch_size=4, length=8, lr=0.01,
                         warmup=2, seed=3, progress=False)
    g = torch.Generator().manual_seed(3)
    opt = adamw_for(ref, 0.01)
    schedule = warmup_cosine(2, 5, 0.1)
    for t in range(5):
        for group in opt.param_groups:
            group["lr"] = 0.01 * schedule(t)
        x, y = lm_windows(ids, starts, batch_size=4, length=8, generator=g)
        loss = F.cross_entropy(ref(x)[0].reshape(-1, 5), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
        opt.step()
    for a, b in zip(model.parameters(), ref.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-13, rtol=0)


def test_training_learns_a_cycle_records_evaluations_and_keeps_snapshots():
    model, ids, starts = _toy()
    X, Y = lm_examples([[0, 1, 2, 3, 4, 0, 1]], 8)
    before = lm_loss(model, X, Y)
    reported = []
    run = train_language_model(model, ids, starts, steps=60, batch_size=8, length=8, lr=0.01,
                               warmup=5, eval_fn=lambda m: lm_loss(m, X, Y), eval_every=20,
                               snapshot_steps=(0, 30), quantum=2.0**-20, progress=False,
                               report=lambda r: reported.append((len(r.train_loss),
                                                                 r.val_loss[-1])))
    assert reported == list(zip(run.eval_steps, run.val_loss, strict=True))  # as it trained
    assert before > 1.0 and run.val_loss[-1] < 0.05  # log 5 = 1.61 at the start
    assert run.eval_steps == [20, 40, 60] and len(run.train_loss) == len(run.lr) == 60
    assert sorted(run.snapshots) == [0, 30]
    snap = run.snapshots[0]
    assert snap["tok.weight"] is snap["head.weight"]  # the tied matrix is copied once
    for p in model.parameters():
        assert torch.equal(p * 2**20, (p * 2**20).round())  # on the grid after training
    with pytest.raises(ValueError, match="eval_fn"):
        train_language_model(model, ids, starts, steps=1, batch_size=1, length=8, lr=0.01,
                             warmup=0, eval_every=1, progress=False)
