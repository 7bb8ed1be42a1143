"""Tabular preprocessing fitted on the training split only: impute, scale, one-hot.

The classic leak is to compute means and standard deviations on all the data; the classic
crash is dividing by a standard deviation of zero (a column constant in training, or a
category never seen in training). :class:`TabularPreprocessor` avoids both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from lmvis import checks

if TYPE_CHECKING:
    import pandas as pd


def train_val_test_split(n: int, fractions: Sequence[float] = (0.7, 0.15, 0.15), seed: int = 0
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` with a seeded generator and cut it into train/val/test indices.

    Every part gets at least one index; an ``n`` too small for that raises ValueError.
    """
    n = checks.integer("n", n, minimum=3)
    f = checks.array("fractions", fractions, shape=(3,), minimum=0.0, low_open=True)
    if not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must sum to 1, got {tuple(f.tolist())} (sum {f.sum():g})")
    perm = np.random.default_rng(checks.integer("seed", seed, minimum=0)).permutation(n)
    n_train, n_val = int(round(f[0] * n)), int(round(f[1] * n))
    sizes = {"train": n_train, "validation": n_val, "test": n - n_train - n_val}
    if min(sizes.values()) < 1:
        raise ValueError(f"n = {n} is too small for fractions {tuple(f.tolist())}: the parts "
                         f"would have {sizes} indices, and each needs at least one")
    return perm[:n_train], perm[n_train : n_train + n_val], perm[n_train + n_val :]


class TabularPreprocessor:
    """Numeric columns: median-impute, then standardise; other columns: one-hot.

    Statistics come from :meth:`fit` (the training split) only. Missing categories become their
    own level ``"<missing>"``; categories unseen in training encode as all zeros. A column whose
    training standard deviation is zero is divided by 1 instead (it becomes all zeros).

    ``target`` (the column to predict) and ``drop`` (a column name or a list of them) must be
    columns of the frame given to :meth:`fit`: a misspelt target would otherwise stay among
    the features (target leakage), and a misspelt drop would drop nothing.
    """

    MISSING = "<missing>"

    def __init__(self, target: str | None = None, drop: str | Sequence[str] = ()):
        self.target = None if target is None else checks.text("target", target)
        names = (drop,) if isinstance(drop, str) else checks.sequence("drop", drop)
        self.drop = tuple(checks.text(f"drop[{i}]", c) for i, c in enumerate(names))
        self.fitted = False

    @staticmethod
    def _check_frame(df: pd.DataFrame, columns: Sequence[str]) -> None:
        import pandas as pd

        checks.instance("df", df, pd.DataFrame, "a pandas DataFrame")
        absent = [c for c in columns if c not in df.columns]
        if absent:
            raise ValueError(f"df lacks the columns {absent[:5]} (of {len(absent)} missing); "
                             f"it has {list(df.columns)[:5]}...")

    @staticmethod
    def _numeric(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """The numeric columns as float64, NaN for missing; ±inf is refused, naming the column."""
        num = df[columns].astype(float)
        bad = np.isinf(num.to_numpy()).any(axis=0)
        if bad.any():
            raise ValueError(f"df must have finite numeric values, got inf in the columns "
                             f"{[c for c, b in zip(columns, bad, strict=True) if b][:5]}")
        return num

    def fit(self, df: pd.DataFrame) -> TabularPreprocessor:
        """Learn medians, means, standard deviations and category levels from ``df``."""
        named = ([] if self.target is None else [self.target]) + list(self.drop)
        self._check_frame(df, named)
        if len(df) == 0:
            raise ValueError("df must have at least one row to fit on, got an empty DataFrame")
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        cols = [c for c in df.columns if c != self.target and c not in self.drop]
        self.numeric_ = [
            c for c in cols if is_numeric_dtype(df[c]) and not is_bool_dtype(df[c])
        ]
        self.categorical_ = [c for c in cols if c not in self.numeric_]
        num = self._numeric(df, self.numeric_)  # refuses ±inf, naming the column
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

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """Return the design matrix ``X`` (n, d) in float64, with the fitted statistics."""
        if not self.fitted:
            raise ValueError("call fit(train_df) before transform")
        self._check_frame(df, self.numeric_ + self.categorical_)
        num = self._numeric(df, self.numeric_).to_numpy()
        num = np.where(np.isnan(num), self.median_, num)
        blocks = [(num - self.mean_) / self.std_]  # (n, d_num)
        for c in self.categorical_:
            vals = df[c].astype(object).where(df[c].notna(), self.MISSING).astype(str).to_numpy()
            levels = np.asarray(self.levels_[c])
            blocks.append((vals[:, None] == levels[None, :]).astype(float))  # (n, n_levels)
        return np.concatenate(blocks, axis=1)

    def fit_transform(self, df: pd.DataFrame) -> np.ndarray:
        """:meth:`fit` on ``df``, then :meth:`transform` it."""
        return self.fit(df).transform(df)


def log_target(price: ArrayLike) -> np.ndarray:
    """Natural log of prices: errors become relative and the skewed distribution symmetric."""
    return np.log(checks.array("price", price, minimum=0.0, low_open=True))
