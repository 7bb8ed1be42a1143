"""Build both HTML editions: English in _build/html/, Chinese (中文版) in _build/html/zh/.

The Chinese book is the same sources built by Sphinx with ``language: zh_CN`` and the catalogue
of locale/zh_CN/LC_MESSAGES/ (`make catalogue` keeps it in step with the English), and with the
labels in Chinese (图 4.2, 表 1, 式 (3)). Both are built with warnings as errors, and every page's
header links to the same page in the other edition (_ext/editions.py). `make book` runs::

    .venv/bin/python tools/zh_book.py

Each build is Jupyter Book's own, from a configuration derived from _config.yml and written
under _build/ (the English one differs only in turning the edition switch on).
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT / "tools")]
import zh_edition  # noqa: E402
from downloads import DOWNLOADS_DIR  # noqa: E402

BUILD = ROOT / "_build"
JB = Path(sys.executable).with_name("jupyter-book")

#: Sphinx settings of the Chinese edition, over those of _config.yml.
ZH = {
    "language": "zh_CN",
    "edition": "zh",
    "numfig_format": {"figure": "图 %s", "table": "表 %s", "code-block": "代码 %s"},
    "math_eqref_format": "式 ({number})",
    # myst-nb's words on a collapsed cell (the book collapses inputs only: hide-input).
    "nb_code_prompt_show": "显示代码",
    "nb_code_prompt_hide": "隐藏代码",
}


def edition_config(base: dict, edition: str) -> dict:
    """_config.yml's settings for one edition, with the switch to the other edition on."""
    if edition not in ("en", "zh"):
        raise ValueError(f"edition must be 'en' or 'zh', got {edition!r}")
    config = copy.deepcopy(base)
    # The derived file lives under _build/: Jupyter Book finds local extensions from its folder.
    local = config.get("sphinx", {}).get("local_extensions", {})
    for name, folder in local.items():
        local[name] = str(ROOT / folder)
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["edition_switch"] = True
    if edition == "zh":
        sphinx.update(copy.deepcopy(ZH))
        # The rocket button opens the Chinese Colab edition (tools/colab_edition.py --edition zh).
        config.setdefault("repository", {})["path_to_book"] = "zh/colab"
    return config


def edition_toc(toc: dict, catalogue: dict[str, str]) -> dict:
    """_toc.yml with its parts' captions translated. sphinx-external-toc inserts the toctrees
    after Sphinx has translated the page, so the catalogue's entry never reaches the sidebar."""
    toc = copy.deepcopy(toc)
    for part in toc.get("parts", []):
        if "caption" in part:
            part["caption"] = catalogue.get(part["caption"], part["caption"])
    return toc


def build(edition: str) -> None:
    base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    folder = BUILD / f"config-{edition}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "_config.yml"
    path.write_text(yaml.safe_dump(edition_config(base, edition), allow_unicode=True),
                    encoding="utf-8")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    if edition == "zh":
        toc = edition_toc(toc, zh_edition.load_catalogue(zh_edition.catalogue_path("intro")))
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    output = ROOT if edition == "en" else BUILD / "zh"
    subprocess.run([str(JB), "build", ".", "--builder", "html", "-W", "--keep-going",
                    "--config", str(path), "--toc", str(folder / "_toc.yml"),
                    "--path-output", str(output)], cwd=ROOT, check=True)
    if edition == "zh":
        replace_site(output / "_build" / "html", BUILD / "html" / "zh")


def replace_site(built: Path, target: Path) -> None:
    """Put a freshly built site at `target`, keeping the downloads that `make dist` put there
    (the PDF and the zips are made after the site; rebuilding the book must not drop them)."""
    downloads = target / DOWNLOADS_DIR
    kept = target.with_name(f".{target.name}-{DOWNLOADS_DIR}")
    shutil.rmtree(kept, ignore_errors=True)
    if downloads.is_dir():
        downloads.rename(kept)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(built, target)
    if kept.is_dir():
        shutil.rmtree(target / DOWNLOADS_DIR, ignore_errors=True)
        kept.rename(target / DOWNLOADS_DIR)


def main() -> None:
    for edition in ("zh", "en"):  # English last: a fresh `make book` would drop zh/ otherwise
        start = time.perf_counter()
        build(edition)
        print(f"zh_book: the {edition} edition built in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
