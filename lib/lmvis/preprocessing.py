"""Tabular preprocessing fitted on the training split only: impute, scale, one-hot.

The classic leak is to compute means and standard deviations on all the data; the classic
crash is dividing by a standard deviation of zero (a column constant in training, or a
category never seen in training). :class:`TabularPreprocessor` avoids both.
"""

from __future__ import annotations

import numpy as np


def train_val_test_split(n: int, fractions=(0.7, 0.15, 0.15), seed: int = 0):
    """Shuffle ``range(n)`` with a seeded generator and cut it into train/val/test indices."""
    if not isinstance(n, int | np.integer) or n < 3:
        raise ValueError(f"n must be an int >= 3, got {n!r}")
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f <= 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(
            f"fractions must be three positive numbers summing to 1, got {fractions!r}"
        )
    perm = np.random.default_rng(seed).permutation(n)
    n_train, n_val = int(round(f[0] * n)), int(round(f[1] * n))
    return perm[:n_train], perm[n_train : n_train + n_val], perm[n_train + n_val :]


class TabularPreprocessor:
    """Numeric columns: median-impute, then standardise; other columns: one-hot.

    Statistics come from :meth:`fit` (the training split) only. Missing categories become their
    own level ``"<missing>"``; categories unseen in training encode as all zeros. A column whose
    training standard deviation is zero is divided by 1 instead (it becomes all zeros).
    """

    MISSING = "<missing>"

    def __init__(self, target: str | None = None, drop: tuple[str, ...] = ()):
        self.target = target
        self.drop = tuple(drop)
        self.fitted = False

    def _check_frame(self, df):
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")

    def fit(self, df):
        """Learn medians, means, standard deviations and category levels from ``df``."""
        self._check_frame(df)
        if len(df) == 0:
            raise ValueError("cannot fit on an empty DataFrame")
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        cols = [c for c in df.columns if c != self.target and c not in self.drop]
        self.numeric_ = [
            c for c in cols if is_numeric_dtype(df[c]) and not is_bool_dtype(df[c])
        ]
        self.categorical_ = [c for c in cols if c not in self.numeric_]
        num = df[self.numeric_].astype(float)
        self.median_ = num.median().fillna(0.0).to_numpy()
        filled = num.fillna(dict(zip(self.numeric_, self.median_, strict=True))).to_numpy()
        self.mean_ = filled.mean(axis=0)
        std = filled.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)  # zero std guard: constant column -> zeros
        self.levels_ = {
            c: sorted(df[c].astype(object).where(df[c].notna(), self.MISSING).astype(str).unique())
            for c in self.categorical_
        }
        self.feature_names_ = list(self.numeric_) + [
            f"{c}={v}" for c in self.categorical_ for v in self.levels_[c]
        ]
        self.fitted = True
        return self

    def transform(self, df) -> np.ndarray:
        """Return the design matrix ``X`` (n, d) in float64, with the fitted statistics."""
        if not self.fitted:
            raise ValueError("call fit(train_df) before transform")
        self._check_frame(df)
        missing = [c for c in self.numeric_ + self.categorical_ if c not in df.columns]
        if missing:
            raise ValueError(f"DataFrame lacks columns seen in fit: {missing[:5]}")
        num = df[self.numeric_].astype(float).to_numpy()
        num = np.where(np.isnan(num), self.median_, num)
        blocks = [(num - self.mean_) / self.std_]  # (n, d_num)
        for c in self.categorical_:
            vals = df[c].astype(object).where(df[c].notna(), self.MISSING).astype(str).to_numpy()
            levels = np.asarray(self.levels_[c])
            blocks.append((vals[:, None] == levels[None, :]).astype(float))  # (n, n_levels)
        return np.concatenate(blocks, axis=1)

    def fit_transform(self, df) -> np.ndarray:
        return self.fit(df).transform(df)


def log_target(price) -> np.ndarray:
    """Natural log of prices: errors become relative and the skewed distribution symmetric."""
    p = np.asarray(price, dtype=float)
    if np.any(~np.isfinite(p)) or np.any(p <= 0):
        raise ValueError("prices must be finite and positive to take their log")
    return np.log(p)
