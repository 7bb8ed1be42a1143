"""Every formula in the chapters' Markdown is parsed as math: rendered with the book's own MyST
settings, no dollar sign (other than a price) and no TeX command is left in the running text.
A display formula written inside a paragraph of a list item can pair its dollars wrongly, and
the page then shows a stray $ and raw TeX; the HTML build gives no warning for it."""

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parents[1]
EXTENSIONS = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["parse"][
    "myst_enable_extensions"]
PARSER = create_md_parser(MdParserConfig(enable_extensions=set(EXTENSIONS)), RendererHTML)
# Math and code as the parser marks them; what is left is what a reader reads as text.
MARKED = re.compile(r'<(span|div) class="math[^"]*">.*?</\1>|<code[^>]*>.*?</code>'
                    r'|<pre[^>]*>.*?</pre>', re.S)
RAW_TEX = re.compile(r"\\[A-Za-z]+|\$(?![\d.,])")  # a TeX command, or a $ that is not a price


def _markdown_sources():
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                yield f"{path.name} cell {i}", "".join(cell["source"])
    for path in sorted((ROOT / "chapters").glob("*.md")) + [ROOT / "intro.md"]:
        yield path.name, path.read_text(encoding="utf-8")


def _raw_tex(source: str) -> list[str]:
    text = html.unescape(MARKED.sub(" ", PARSER.render(source)))
    return [text[max(0, m.start() - 30):m.end() + 30] for m in RAW_TEX.finditer(text)]


@pytest.mark.parametrize("where, source", list(_markdown_sources()))
def test_no_raw_tex_in_text(where, source):
    assert _raw_tex(source) == [], f"{where}: TeX outside math"


def test_the_check_sees_a_wrongly_paired_display():
    wrong = "1. so\n   $$a = b,$$\n   and $c$ so\n   $$d \\odot e,$$\n   where $\\odot$ is.\n"
    right = wrong.replace("\n   $$", "\n\n   $$").replace("$$\n", "$$\n\n")
    assert _raw_tex(wrong) and not _raw_tex(right)
    assert _raw_tex("An error of \\$20,000 is a price.") == []
