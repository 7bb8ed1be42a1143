"""The FAQ repeats numbers the chapters compute: each must still be what a chapter prints.

Every number in chapters/faq.md with a decimal point, a thousands separator or three or more
digits (years and section numbers aside) must occur in a chapter's stored outputs or text,
exactly or as a printed value that rounds to it (in the FAQ's units). A re-executed chapter
whose numbers move then fails here instead of leaving the FAQ quietly wrong.
"""

import json
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_START = r"(?<![\w.,§$^{])"  # not inside another number, a section sign or a LaTeX exponent
NUMBER = re.compile(
    _START + r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])"  # 231,296 or 1,287.5
    "|" + _START + r"\d+\.\d+(?![\w])"  # 4.83
    "|" + _START + r"\d{3,}(?![\w.,])"  # 570
)


def _chapter_text():
    parts = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            parts.append("".join(cell["source"]))
            for out in cell.get("outputs", []):
                parts.append("".join(out.get("text", "")))
                parts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def _faq_numbers():
    text = (ROOT / "chapters" / "faq.md").read_text(encoding="utf-8")
    text = re.sub(r"\{(?:ref|cite)\}`[^`]*`", "", text)  # labels and keys hold digits too
    return [n for n in NUMBER.findall(text) if not re.fullmatch(r"(19|20)\d\d", n)]


def _rounds_to(printed, wanted):
    """Whether `printed`, times a power of ten (1.746 × 10^11 quotes 174,604,259,328), rounds
    to `wanted` at its number of decimals, half up or half to even."""
    unit = Decimal(1).scaleb(Decimal(wanted).as_tuple().exponent)
    for shift in range(-12, 13):
        value = Decimal(printed).scaleb(shift)
        if any(
            value.quantize(unit, mode) == Decimal(wanted)
            for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)
        ):
            return True
    return False


def test_the_faq_quotes_numbers_some_chapter_prints():
    chapters = _chapter_text()
    printed = {n.replace(",", "") for n in NUMBER.findall(chapters)}
    numbers = _faq_numbers()
    assert len(numbers) > 20  # the FAQ does quote the chapters
    missing = []
    for n in numbers:
        if n in chapters:
            continue
        plain = n.replace(",", "")
        if "." in plain and any(_rounds_to(p, plain) for p in printed):
            continue
        missing.append(n)
    assert not missing, f"numbers in chapters/faq.md that no chapter prints: {missing}"
