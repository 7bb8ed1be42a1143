"""Chapter 1: milestones, k-means, the bandit, and the rule-versus-model helpers."""

import dataclasses
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from lmvis import bandit, hand_rule, kmeans
from lmvis.datasets import digits, milestones
from lmvis.viz import history
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

BIB = (Path(__file__).resolve().parents[1] / "references.bib").read_text()
BIB_KEYS = set(re.findall(r"@\w+\{([^,]+),", BIB))


def test_milestones_are_chronological_and_cited():
    years = [m.year for m in milestones.MILESTONES]
    assert years == sorted(years)
    for m in milestones.MILESTONES:
        assert m.cite in BIB_KEYS, f"{m.name}: {m.cite} is not in references.bib"
        assert m.params_cite is None or m.params_cite in BIB_KEYS
        assert m.params is None or m.params > 0
        assert m.tokens is None or m.params is not None


def test_milestones_fix_the_sources_errors():
    by = {m.name: m for m in milestones.MILESTONES}
    assert by["GPT"].params == 117e6  # not 150 million (document 001)
    assert by["GPT-3"].params == 175e9 and by["GPT-3"].tokens == 300e9  # tokens, not "words"
    assert by["AlexNet"].authors == "Krizhevsky, Sutskever, Hinton"
    assert by["Deep belief network"].year == 2006 and by["Deep Boltzmann machine"].year == 2009


def test_milestones_fix_who_built_what():
    by = {m.name: m for m in milestones.MILESTONES}
    # ILSVRC classification: three winners from three laboratories, not "Inception three years
    # in a row" (document 004 §6.1)
    winners = {m.year: m for m in milestones.MILESTONES if "wins" in m.what and "ILSVRC" in m.what}
    assert sorted(winners) == [2012, 2014, 2015]
    assert [winners[y].org for y in (2012, 2014, 2015)] == [
        "University of Toronto", "Google", "Microsoft Research"]
    assert by["GoogLeNet (Inception)"].params == 5e6  # "12x fewer" than AlexNet's 60 million
    assert by["AlexNet"].params / by["GoogLeNet (Inception)"].params == 12
    assert by["ResNet-152"].params_cite == "tan2019efficientnet"
    # FaceNet and Inception are Google's, not Facebook's or DeepMind's (document 001 §6.2)
    assert by["FaceNet"].org == by["GoogLeNet (Inception)"].org == "Google"
    assert "text" in by["GPT-3"].what  # a language model, not an image generator (002 §6.2)
    assert all(m.org for m in milestones.MILESTONES)


@pytest.mark.parametrize(
    "n, text",
    [(9_760, "9,760"), (60_000, "60,000"), (5e6, "5 million"), (117e6, "117 million"),
     (1.542e9, "1.54 billion"), (175e9, "175 billion"), (15.6e12, "15.6 trillion"),
     (999.6e6, "1 billion")],
)
def test_format_count_reads_like_the_sources(n, text):
    assert milestones.format_count(n) == text


def test_format_count_rejects_non_positive_counts():
    with pytest.raises(ValueError, match="n must be a number > 0.0, got 0.0"):
        milestones.format_count(0)
    with pytest.raises(TypeError, match="n must be a real number"):
        milestones.format_count("60 million")


def test_markdown_table_has_one_row_per_milestone_and_cites_every_source():
    table = milestones.markdown_table()
    lines = table.strip().splitlines()
    assert len(lines) == 2 + len(milestones.MILESTONES)
    assert all(line.count("|") == 7 for line in lines)  # six columns, nothing broke the table
    cited = re.findall(r"\]\(#([^)]+)\)", table)
    wanted = [m.cite for m in milestones.MILESTONES] + [
        m.params_cite for m in milestones.MILESTONES if m.params_cite]
    assert sorted(cited) == sorted(wanted)
    assert set(cited) <= BIB_KEYS
    gpt = next(line for line in lines if line.startswith("| 2018 | GPT |"))
    assert "117 million" in gpt
    assert "count from [Radford et al. (2019)](#radford2019language)" in gpt
    with pytest.raises(TypeError, match=r"milestones\[0\] must be a Milestone, got str"):
        milestones.markdown_table(["GPT"])
    with pytest.raises(TypeError, match="m must be a Milestone, got dict"):
        milestones.source_markdown({"cite": "x"})


@pytest.mark.parametrize(
    "n, text",
    [(9_760, "9,760"), (60_000, "60,000"), (5e6, "500 万"), (60e6, "6000 万"),
     (117e6, "1.17 亿"), (1.542e9, "15.4 亿"), (175e9, "1750 亿"), (15.6e12, "15.6 万亿"),
     (999.6e6, "10 亿")],
)
def test_format_count_in_chinese_counts_in_wan_and_yi(n, text):
    assert milestones.format_count(n, "zh") == text


def test_the_chinese_table_is_the_english_one_with_chinese_words(monkeypatch):
    en = milestones.markdown_table(language="en").splitlines()
    zh = milestones.markdown_table(language="zh").splitlines()
    assert set(milestones.CHINESE) == {m.name for m in milestones.MILESTONES}
    assert len(zh) == len(en) and all(line.count("|") == 7 for line in zh)
    assert zh[0] == "| 年份 | 名称 | 机构 | 内容 | 参数量 | 出处 |"
    gpt = next(line for line in zh if line.startswith("| 2018 | GPT |"))
    assert "| 1.17 亿 |" in gpt and "；参数量出自 [Radford et al. (2019)]" in gpt
    for a, b in zip(en[2:], zh[2:], strict=True):  # the same years and sources
        assert a.split(" | ")[0] == b.split(" | ")[0]
        assert re.findall(r"\(#\w+\)", a) == re.findall(r"\(#\w+\)", b)
    assert "| 多伦多大学 |" in zh[9] and "| Google |" in zh[10]
    # The edition's language comes from the environment when not given.
    monkeypatch.setenv("LMVIS_LANGUAGE", "zh")
    assert milestones.markdown_table() == "\n".join(zh) + "\n"
    monkeypatch.setenv("LMVIS_LANGUAGE", "fr")
    with pytest.raises(ValueError, match="the environment variable LMVIS_LANGUAGE must be one "
                                         "of \\['en', 'zh'\\], got 'fr'"):
        milestones.markdown_table()
    monkeypatch.delenv("LMVIS_LANGUAGE")
    assert milestones.markdown_table() == "\n".join(en) + "\n"


def test_citation_texts_are_the_ones_the_book_prints():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from portable_markup import citation_texts

    from_bib = citation_texts()
    assert milestones.CITATION_TEXT == {k: from_bib[k] for k in milestones.CITATION_TEXT}
    used = {m.cite for m in milestones.MILESTONES} | {
        m.params_cite for m in milestones.MILESTONES if m.params_cite}
    assert used == set(milestones.CITATION_TEXT)
    unknown = dataclasses.replace(milestones.MILESTONES[0], cite="nobody2000")
    with pytest.raises(ValueError, match="'nobody2000', which has no entry in CITATION_TEXT"):
        milestones.source_markdown(unknown)


def test_growth_per_year_compounds_back_to_the_endpoint():
    g = milestones.growth_per_year(2012, 60e6, 2020, 175e9)
    assert 60e6 * g**8 == pytest.approx(175e9, rel=1e-12)
    with pytest.raises(ValueError, match=r"year1 \(after year0 = 2020\) must be an integer >= 20"):
        milestones.growth_per_year(2020, 1, 2012, 2)
    with pytest.raises(ValueError, match=r"params0 \(a parameter count\) must be a number > 0"):
        milestones.growth_per_year(2012, 0, 2020, 2)


def test_parameter_plot_has_one_point_per_sized_milestone():
    ax = history.plot_parameter_growth()
    n = sum(m.params is not None for m in milestones.MILESTONES)
    assert len(ax.collections[0].get_offsets()) == n
    assert ax.get_yscale() == "log"
    plt.close(ax.figure)


def test_kmeans_matches_scikit_learn():
    X, _ = make_blobs(n_samples=300, centers=3, cluster_std=0.6, random_state=0)
    centres, labels, history = kmeans.kmeans(X, k=3, seed=0)
    # scikit-learn's Lloyd iterations from the same starting centres
    ref = KMeans(n_clusters=3, init=history[0], n_init=1, algorithm="lloyd", tol=0).fit(X)
    np.testing.assert_allclose(centres, ref.cluster_centers_, rtol=1e-9)
    assert kmeans.inertia(X, centres, labels) == pytest.approx(ref.inertia_, rel=1e-9)
    # the same partition, up to renumbering
    pairs = set(zip(labels.tolist(), ref.labels_.tolist(), strict=True))
    assert len(pairs) == 3
    # Lloyd's algorithm never increases the inertia
    inertias = []
    for c in history[1:]:
        lab = ((X[:, None] - c[None]) ** 2).sum(2).argmin(1)
        inertias.append(kmeans.inertia(X, c, lab))
    assert all(a >= b - 1e-9 for a, b in zip(inertias, inertias[1:], strict=False))


@pytest.mark.parametrize(
    "X, k, message",
    [
        (np.zeros(5), 2, r"X must be 2-D, got shape \(5,\)"),
        (np.zeros((4, 2)), 5, r"k \(at most n = 4 rows of X\) must be an integer >= 1 and <= 4"),
        (np.array([[0.0, np.nan]]), 1, "X must contain only finite values, got 1 NaN"),
    ],
)
def test_kmeans_rejects_bad_input(X, k, message):
    with pytest.raises(ValueError, match=message):
        kmeans.kmeans(X, k)


def test_kmeans_needs_at_least_one_iteration_and_inertia_checks_its_labels():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    # the old silent result: n_iter=0 returned the label -1 for every point
    with pytest.raises(ValueError, match="n_iter must be an integer >= 1, got 0"):
        kmeans.kmeans(X, 2, n_iter=0)
    centres, labels, _ = kmeans.kmeans(X, 2, n_iter=1, seed=0)
    assert set(labels.tolist()) == {0, 1}  # one iteration labels every point
    with pytest.raises(ValueError, match=r"labels \(one per row of X.*\) must hold values >= 0 "
                                         r"and <= 1"):
        kmeans.inertia(X, centres, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="seed must be an integer"):
        kmeans.kmeans(X, 2, seed=0.5)


def test_bandit_learns_the_best_arm_and_its_value():
    means = np.array([0.0, 0.5, 1.5, 0.2])
    run = bandit.run_epsilon_greedy(means, steps=3000, epsilon=0.1, seed=1)
    assert run.best_arm == 2
    assert np.bincount(run.actions, minlength=4).argmax() == 2
    assert abs(run.estimates[-1, 2] - 1.5) < 0.1
    # the estimate is exactly the mean of the rewards received from that arm
    assert run.estimates[-1, 2] == pytest.approx(run.rewards[run.actions == 2].mean(), rel=1e-12)


def test_bandit_with_no_exploration_is_greedy_and_can_lock_onto_a_worse_arm():
    means = np.array([1.0, 2.0])
    locked_on_worse = 0
    for seed in range(20):
        run = bandit.run_epsilon_greedy(means, steps=50, epsilon=0.0, seed=seed)
        # independent reference: the estimates are the running means of each arm's rewards...
        for arm in range(2):
            pulled = run.actions == arm
            sums, counts = np.cumsum(run.rewards * pulled), np.cumsum(pulled)
            with np.errstate(invalid="ignore"):
                expected = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
            np.testing.assert_allclose(run.estimates[:, arm], expected, rtol=1e-12, atol=0)
        # ... and with ε = 0 every action is an arm of highest estimate before that step
        before = np.vstack([np.zeros(2), run.estimates[:-1]])
        assert all(before[t, a] == before[t].max() for t, a in enumerate(run.actions))
        locked_on_worse += int(np.all(run.actions == 0))  # never tried the better arm
    # greedy play locks onto the worse arm whenever arm 0 wins the first tie and pays > 0
    assert 0 < locked_on_worse < 20


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"true_means": [1.0]}, "number of arms in true_means must be an integer >= 2, got 1"),
        ({"true_means": [1.0, 2.0], "epsilon": 1.5}, "epsilon must be a number >= 0.0 and <= 1.0"),
        ({"true_means": [1.0, 2.0], "steps": 0}, "steps must be an integer >= 1, got 0"),
        ({"true_means": [1.0, np.nan]}, "true_means must contain only finite values"),
    ],
)
def test_bandit_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bandit.run_epsilon_greedy(**kwargs)


def test_rule_reads_centre_ink():
    zero = np.zeros((1, 8, 8))
    zero[0, 1:7, [2, 5]] = 16  # a ring: ink on the sides, none in the middle
    one = np.zeros((1, 8, 8))
    one[0, :, 3:5] = 16  # a vertical stroke through the middle
    assert hand_rule.zero_or_one_rule(np.concatenate([zero, one])).tolist() == [0, 1]
    assert hand_rule.centre_ink(one)[0] == 16


def test_shift_right_moves_columns_and_blanks_the_left():
    im = np.arange(64, dtype=float).reshape(1, 8, 8)
    out = digits.shift_right(im, 2)
    np.testing.assert_array_equal(out[0, :, 2:], im[0, :, :6])
    assert not out[0, :, :2].any()
    X, y = digits.with_shifted_copies(np.repeat(im, 3, 0), np.array([0, 1, 2]), shifts=(1, 2))
    assert X.shape == (9, 8, 8) and y.tolist() == [0, 1, 2] * 3


def test_rules_reject_bad_input():
    with pytest.raises(ValueError, match=r"shape \(n, 8, 8\)"):
        hand_rule.centre_ink(np.zeros((2, 64)))
    with pytest.raises(ValueError, match="pixels must be an integer >= 0 and <= 7, got 8"):
        digits.shift_right(np.zeros((1, 8, 8)), 8)
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)"):
        digits.with_shifted_copies(np.zeros((2, 8, 8)), np.zeros(3, int))
    with pytest.raises(TypeError, match=r"shifts\[0\] must be an integer"):
        digits.with_shifted_copies(np.zeros((2, 8, 8)), np.zeros(2, int), shifts=("1",))
