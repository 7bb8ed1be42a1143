"""The glossary (chapters/glossary.md) and the chapters name the same terms.

How a chapter names a term. In a chapter's Markdown cells (headings included; code cells and
outputs are not read), a term is *named* where its Chinese name follows it in parentheses:
``term (中文)``. The parentheses may be ASCII or full-width; the Chinese name has at least one
CJK character and otherwise only Latin letters, digits, spaces and hyphens, so "S 型函数" or
"Transformer 块" are names while "(曲率, curvature)" or "(`self嵌入层` is ...)" are not. The
book's form at a term's first use is the bold one, ``**term (中文)**``: the English term and its
Chinese name inside one bold span.

The rules, one test each:

1. Every Chinese name a chapter names has exactly one glossary row whose 中文 cell is that name
   (whitespace collapsed): one name per row, one row per name.
2. Every row's Chinese name is named in some chapter.
3. A row's Chapter is the number (the ``NN`` of ``chapters/NN_name.ipynb``) of the first
   chapter that names it, bold or not.
4. Wherever a chapter bolds ``**term (中文)**``, the bold English and the row's Term agree in
   their first four letters, ignoring case (so "parameters" matches "parameter" and
   "saturated" matches "saturation", but a Chinese name attached to the wrong English fails).
5. Rows are in chapter order.
6. Capitalisation: a Term starts with a lower-case letter unless its first word is a name or an
   acronym (``NAMES`` below, or a word in capitals such as "XOR"); a Meaning starts with a
   lower-case letter or a symbol, on the same exception, and has no final full stop.

A new chapter's terms therefore need rows here before the test passes; see README, "Adding a
chapter".
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
GLOSSARY = ROOT / "chapters" / "glossary.md"

CJK = "\u4e00-\u9fff"
# "(中文)" or "（中文）": CJK, Latin letters, digits, spaces and hyphens, at least one CJK
NAME = rf"[A-Za-z0-9 \-{CJK}]*[{CJK}][A-Za-z0-9 \-{CJK}]*"
NAMED = re.compile(rf"[(（]\s*({NAME}?)\s*[)）]")
BOLD = re.compile(rf"\*\*([^*]+?)\s*[(（]\s*({NAME}?)\s*[)）]\*\*")
#: First words that keep their capital: names of people and models, and the book's usage.
NAMES = {"Transformer", "He", "Xavier", "Leaky", "ReLU", "S", "Multinomial", "Hessian", "Nesterov"}


def _squash(text: str) -> str:
    return " ".join(text.split())


def _markdown(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    return "\n\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
    )


def _chapter_number(path: Path) -> int:
    return int(path.name[:2])


def _scan():
    """{Chinese name: first chapter naming it}, [(chapter, bold English, Chinese name)]."""
    first, bold = {}, []
    for path in CHAPTERS:
        text, n = _markdown(path), _chapter_number(path)
        for m in NAMED.finditer(text):
            first.setdefault(_squash(m.group(1)), n)
        bold += [(n, _squash(m.group(1)), _squash(m.group(2))) for m in BOLD.finditer(text)]
    return first, bold


def _rows():
    """The glossary table as [(term, 中文, meaning, chapter)], in file order."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 4 or cells[0] in ("Term", "---"):
            continue
        term, chinese, meaning, chapter = cells
        rows.append((term, _squash(chinese), meaning, int(chapter)))
    return rows


FIRST, BOLD_TERMS = _scan()
ROWS = _rows()
BY_CHINESE = {}
for _row in ROWS:
    BY_CHINESE.setdefault(_row[1], []).append(_row)


def _first_word_is_a_name(text: str) -> bool:
    word = re.split(r"[\s,(/-]", text, maxsplit=1)[0]
    return word in NAMES or (len(word) > 1 and word.isupper())


def test_the_scan_finds_the_books_terms():
    # guards the regular expressions: a broken pattern would make every other test vacuous
    assert len(ROWS) > 50 and len(FIRST) > 50 and len(BOLD_TERMS) > 50
    assert FIRST["反向传播"] == 4 and ("Backpropagation", "反向传播") in {
        (e, c) for _, e, c in BOLD_TERMS}
    assert NAMED.search("(曲率, curvature)") is None and NAMED.search("(`self嵌入层`)") is None
    assert NAMED.search("（S 型函数）").group(1) == "S 型函数"


def test_every_chinese_name_in_the_chapters_has_exactly_one_glossary_row():
    missing = sorted(c for c in FIRST if c not in BY_CHINESE)
    assert not missing, f"named in the chapters but not in the glossary: {missing}"
    repeated = sorted(c for c, rows in BY_CHINESE.items() if len(rows) > 1)
    assert not repeated, f"Chinese names with more than one glossary row: {repeated}"


def test_every_glossary_row_is_named_in_a_chapter():
    unused = sorted(c for c in BY_CHINESE if c not in FIRST)
    assert not unused, f"glossary rows no chapter names as 'term (中文)': {unused}"


def test_each_row_gives_the_chapter_of_first_use():
    wrong = [(term, chinese, chapter, FIRST[chinese]) for term, chinese, _, chapter in ROWS
             if chinese in FIRST and FIRST[chinese] != chapter]
    assert not wrong, f"(term, 中文, glossary chapter, first chapter naming it): {wrong}"


@pytest.mark.parametrize("chapter, english, chinese", BOLD_TERMS,
                         ids=[f"{n:02d}-{c}" for n, _, c in BOLD_TERMS])
def test_bold_terms_match_their_row(chapter, english, chinese):
    rows = BY_CHINESE.get(chinese)
    assert rows, f"chapter {chapter}: **{english} ({chinese})** has no glossary row"
    term = rows[0][0]
    k = min(4, len(term), len(english))
    assert english[:k].lower() == term[:k].lower(), (
        f"chapter {chapter} bolds '{english} ({chinese})' but the glossary row says '{term}'"
    )


def test_rows_are_in_chapter_order():
    chapters = [row[3] for row in ROWS]
    out_of_order = [ROWS[i][0] for i in range(1, len(ROWS)) if chapters[i] < chapters[i - 1]]
    assert not out_of_order, f"rows out of chapter order: {out_of_order}"


def test_capitalisation_is_consistent():
    for term, _, meaning, _ in ROWS:
        assert term[0].islower() or _first_word_is_a_name(term), f"Term {term!r}: lower case"
        first = meaning[0]
        assert not (first.isupper() and not _first_word_is_a_name(meaning)), (
            f"{term}: the Meaning starts with a capital: {meaning!r}")
        assert not meaning.endswith("."), f"{term}: the Meaning ends with a full stop"
