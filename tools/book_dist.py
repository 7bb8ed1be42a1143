"""The book's downloads: its notebooks as a zip, its HTML site as a zip that works from disk.

What `make dist` runs, after `make pdf`:

    .venv/bin/python tools/book_dist.py _build/html chapters \
        _build/pdf/large-models-visualized.pdf _build/dist

writes into _build/dist/

- ``large-models-visualized-notebooks.zip``: the chapters (notebooks with their outputs, and the
  appendices), the package ``lmvis`` they import (lib/, pyproject.toml), the exact pins
  (requirements.txt, environment.yml), the JupyterLab settings of `make lab`, and a README on
  how to install and run them;
- ``large-models-visualized-html.zip``: the built site, to unzip and open at index.html (its
  downloads/ folder left out: the other two files are downloads of their own);

and puts all three into the site's downloads/ folder, where the download menu of every page
(_ext/downloads.py) links them: serve _build/html and the book offers them. Each edition is one
call with its own HTML folder, chapters and ``--edition``: the English call zips the whole
site (both editions, the Chinese one in zh/), the Chinese call (`_build/html/zh zh/chapters
... --edition zh`) adds the Chinese PDF and notebooks and offers the same HTML archive. The
zips are the same bytes for the same inputs (fixed dates, sorted).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from downloads import DOWNLOADS_DIR, download_names  # noqa: E402

#: What the notebooks need to run, besides the chapters: the package and how to install it.
NOTEBOOK_SUPPORT = ("lib", "pyproject.toml", "requirements.txt", "environment.yml",
                    "jupyter/labconfig")
ZIP_DATE = (2026, 1, 1, 0, 0, 0)  # every entry's date, so that a zip's bytes depend on content only

NOTEBOOKS_README = """\
# {title}: the notebooks

The book's chapters as Jupyter notebooks, each with its stored outputs, the appendices
(glossary, FAQ, references), and `lmvis`, the small tested package the chapters import.
The book itself, in HTML and as a PDF: {repository}

## Install (once)

Python 3.11 (the book is tested on Linux); no network is needed after the install.

```bash
python3.11 -m venv .venv
# The exact versions the book is tested with; PyTorch's CPU build is enough for every chapter.
.venv/bin/pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt
.venv/bin/pip install --no-deps -e .   # lmvis, from lib/
```

(On Windows, `.venv\\Scripts\\pip` and `.venv\\Scripts\\jupyter`. With conda instead:
`conda env create -f environment.yml && conda activate lmvis && pip install --no-deps -e .`)

## Run

```bash
JUPYTER_CONFIG_PATH=jupyter .venv/bin/jupyter lab chapters
```

Open a chapter and run it top to bottom (Run > Run All Cells): each takes under a minute on a
laptop CPU (chapter 9 about 90 s), and prints the numbers the book prints. `jupyter/` turns
JupyterLab's autosave off, so running a chapter changes nothing on disk until you save.
The widgets (sliders) work here, not in the HTML book or the PDF.
"""


NOTEBOOKS_README_ZH = """\
# {title}：笔记本

本书各章的 Jupyter 笔记本（中文版，附带已保存的输出），附录（术语表、常见问题、参考文献），以及各章
导入的小型代码包 `lmvis`（有完整测试）。网页版和 PDF 版见：{repository}

## 安装（一次）

Python 3.11（本书在 Linux 上测试）；安装之后不再需要网络。

```bash
python3.11 -m venv .venv
# 本书测试所用的确切版本；每一章用 PyTorch 的 CPU 版就够了。
.venv/bin/pip install --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt
.venv/bin/pip install --no-deps -e .   # lmvis，来自 lib/
```

（Windows 上用 `.venv\\Scripts\\pip` 和 `.venv\\Scripts\\jupyter`。若用 conda：
`conda env create -f environment.yml && conda activate lmvis && pip install --no-deps -e .`）

## 运行

```bash
LMVIS_LANGUAGE=zh JUPYTER_CONFIG_PATH=jupyter .venv/bin/jupyter lab chapters
```

打开一章，从头到尾运行（Run > Run All Cells）：在笔记本电脑的 CPU 上每章不到一分钟（第 9 章约
90 秒），打印出的数字与书中相同。`LMVIS_LANGUAGE=zh` 让代码打印的表格（第 1 章）使用中文。
`jupyter/` 关闭了 JupyterLab 的自动保存，所以在你保存之前，运行一章不会改动磁盘上的任何文件。
交互控件（滑块）在这里可以用，在网页版和 PDF 中不能用。
"""


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def tracked_files(paths: tuple[str, ...]) -> list[Path]:
    """The files git tracks under ``paths`` (no caches, builds or local edits' leftovers)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--", *paths], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    return sorted(ROOT / name for name in listed.split("\0") if name)


def notebooks_zip(chapters: Path, out: Path, folder: str, title: str, repository: str,
                  readme: str = NOTEBOOKS_README) -> list[str]:
    """The chapters, what they need to run and a README, under ``folder/``; returns the names."""
    files = {f"chapters/{p.name}": p for p in sorted(chapters.iterdir())
             if p.suffix in (".ipynb", ".md")}
    files |= {str(p.relative_to(ROOT)): p for p in tracked_files(NOTEBOOK_SUPPORT)}
    readme = readme.format(title=title, repository=repository)
    with zipfile.ZipFile(out, "w") as archive:
        _add(archive, f"{folder}/README.md", readme.encode())
        for name in sorted(files):
            _add(archive, f"{folder}/{name}", files[name].read_bytes())
    return ["README.md", *sorted(files)]


def site_zip(site: Path, out: Path, folder: str) -> int:
    """The built site under ``folder/``, less its downloads (each edition's); returns the number
    of files."""
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name != ".buildinfo"
                   and DOWNLOADS_DIR not in p.relative_to(site).parts[:-1])
    with zipfile.ZipFile(out, "w") as archive:
        for path in files:
            _add(archive, f"{folder}/{path.relative_to(site).as_posix()}", path.read_bytes())
    return len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="an edition's built HTML folder (_build/html)")
    parser.add_argument("chapters", type=Path, help="its chapters' folder (chapters)")
    parser.add_argument("pdf", type=Path, help="its PDF (make pdf)")
    parser.add_argument("out", type=Path, help="where the zips go (_build/dist)")
    parser.add_argument("--edition", choices=("en", "zh"), default="en",
                        help="the edition (zh: its site is _build/html/zh; the HTML archive of "
                             "both editions, made by the English call, is offered there too)")
    args = parser.parse_args()
    for needed, how in ((args.site / "index.html", "make book"), (args.pdf, "make pdf")):
        if not needed.is_file():
            sys.exit(f"{needed} not found: run `{how}` first")
    names = download_names(args.edition)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    title, repository = config["title"], config["repository"]["url"]
    args.out.mkdir(parents=True, exist_ok=True)
    downloads = args.site / DOWNLOADS_DIR
    downloads.mkdir(exist_ok=True)
    shutil.copyfile(args.pdf, downloads / names["pdf"])

    notebooks = args.out / names["notebooks"]
    readme = NOTEBOOKS_README if args.edition == "en" else NOTEBOOKS_README_ZH
    listed = notebooks_zip(args.chapters, notebooks, Path(names["notebooks"]).stem, title,
                           repository, readme)
    shutil.copyfile(notebooks, downloads / names["notebooks"])
    html = args.out / names["html"]
    if args.edition == "en":
        count = site_zip(args.site, html, Path(names["html"]).stem)
    elif not html.is_file():
        sys.exit(f"{html} not found: the English call makes it (make dist)")
    else:
        with zipfile.ZipFile(html) as archive:
            count = len(archive.namelist())
    shutil.copyfile(html, downloads / names["html"])
    for path, what in ((notebooks, f"{len(listed)} files"), (html, f"{count} files")):
        print(f"{path}: {what}, {path.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
