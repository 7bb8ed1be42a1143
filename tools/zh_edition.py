"""The Chinese edition (中文版) from the English notebooks and the gettext catalogue.

The English notebooks in chapters/ stay the single source. Their text is cut into messages (one
per paragraph, heading, list-item paragraph, table cell, admonition title and code comment) by
the same Markdown parser as the book (myst-parser's markdown-it-py), so a message is the source
text of that block and maps back onto the notebook. The translations live in
locale/zh_CN/LC_MESSAGES/<document>.po, one catalogue per page, shared with Sphinx's gettext
builder, which extracts the HTML book's messages into the same files (`make catalogue`).

    .venv/bin/python tools/zh_edition.py extract _build/gettext  # add the notebooks' messages
    .venv/bin/python tools/zh_edition.py build                   # write zh/ (every page)
    .venv/bin/python tools/zh_edition.py build --check           # fail if zh/ is stale
    .venv/bin/python tools/zh_edition.py check [x.po ...]        # a translation's markup kept
    .venv/bin/python tools/zh_edition.py printed                 # the package's own Chinese

In the generated notebook every Markdown cell, caption (the figure caption in the cell's
metadata and the caption cell tagged remove-cell), admonition ("Common pitfall" box), table and
list is translated; a code cell is the English one with its comments translated, and its stored
outputs are carried over unchanged. A message not yet translated (or fuzzy) stays English:
`make test` (tests/test_zh_complete.py) fails until none is left.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portable_markup import _source as source  # noqa: E402  (a cell's text, list or string)

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
LANGUAGE = "zh_CN"
OUT = ROOT / "zh"
#: The caption cell under a figure: an optional (target)= line, then "**Figure 4.2.** caption".
CAPTION = re.compile(r"^(?P<target>\([^)\s]+\)=[ \t]*\n)?\*\*(?P<kind>Figure|Table) "
                     r"(?P<number>[\d.]+)\.\*\* (?P<text>.*)\Z", re.S)
LABELS = {"Figure": "图", "Table": "表"}
#: Blocks whose text is a message. Their `inline` child holds the text, its map the lines.
_TEXT_BLOCKS = {"paragraph_open", "heading_open", "th_open", "td_open"}
_OPTION = re.compile(r"^:[\w-]+:")
_ADMONITION = re.compile(r"^\{(admonition|note|warning|tip|important)\}\s*(.*)$")


def parser():
    """The book's Markdown parser (myst-parser with the extensions of _config.yml)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(enable_extensions={"amsmath", "colon_fence", "dollarmath",
                                               "deflist", "substitution"})
    return create_md_parser(config, RendererHTML)


@dataclass(frozen=True)
class Segment:
    """One message of a Markdown text: its source text and the lines [start, end) it spans."""

    text: str
    start: int
    end: int
    kind: str  # "block" (the inline text of a block, perhaps behind a prefix) or "cell"/"title"
    head: str  # the text's first source line, as written


def segments(markdown: str, md=None) -> list[Segment]:
    """The messages of a Markdown text, in order: the text of every paragraph, heading and table
    cell (also inside lists, block quotes and admonitions) and every admonition title."""
    md = md or parser()
    found: list[Segment] = []
    _walk(md, markdown, 0, found)
    return found


def _walk(md, markdown: str, offset: int, found: list[Segment]) -> None:
    tokens = md.parse(markdown)
    for n, tok in enumerate(tokens):
        if tok.type == "colon_fence":
            match = _ADMONITION.match(tok.info.strip())
            if match is None:
                continue
            start = offset + tok.map[0]
            if match.group(2):
                found.append(Segment(match.group(2).strip(), start, start + 1, "title",
                                     match.group(2).strip()))
            body = tok.content.split("\n")
            skip = 0  # the directive's options, ":class: warning", are no text
            while skip < len(body) and _OPTION.match(body[skip]):
                skip += 1
            _walk(md, "\n".join(body[skip:]), start + 1 + skip, found)
        elif tok.type in _TEXT_BLOCKS:
            inline = tokens[n + 1]
            text = inline.content.replace("\n", " ").strip()  # as Sphinx's extract_messages
            if not is_text(text) or inline.map is None and tok.map is None:
                continue  # nothing to translate: empty, math or code only
            where = inline.map or tok.map
            kind = "cell" if tok.type in ("th_open", "td_open") else "block"
            found.append(Segment(text, offset + where[0], offset + where[1], kind,
                                 inline.content.strip().split("\n")[0].strip()))


def is_text(message: str) -> bool:
    """Whether a message has words to translate (not only math, code, links or numbers)."""
    return bool(re.search(r"[^\W\d_]", _NOT_PROSE.sub("", message)))


def comments(code: str) -> list[tuple[int, int, str]]:
    """The comments of a code cell: (line, column, text without the leading '#' and spaces)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.COMMENT:
                text = tok.string.lstrip("#").strip()
                if text and not text.startswith(("noqa", "type:", "fmt:")):
                    found.append((tok.start[0] - 1, tok.start[1], text))
    except (tokenize.TokenError, SyntaxError, IndentationError):  # IPython magics, partial code
        pass
    return found


def code_tokens(code: str) -> list[tuple[int, str]]:
    """The tokens of a code cell without its comments and layout: what must equal the English."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENCODING, tokenize.ENDMARKER}
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(code).readline)
            if t.type not in skip]


def caption(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")


def notebook_messages(nb: dict, md=None) -> list[tuple[str, str]]:
    """(message, where) for every translatable text of a notebook, in order."""
    md = md or parser()
    found = []
    for n, cell in enumerate(nb["cells"]):
        where = f"cell {n}"
        text = source(cell)
        if cell["cell_type"] == "markdown":
            match = CAPTION.match(text)
            if match:  # the caption cell: the same message as the caption in the metadata
                found.append((match.group("text").strip(), where))
                continue
            found += [(seg.text, where) for seg in segments(text, md)]
        elif cell["cell_type"] == "code":
            if caption(cell):
                found.append((caption(cell), where))
            found += [(c, where) for _, _, c in comments(text)]
    return found


def load_catalogue(path: Path) -> dict[str, str]:
    """msgid -> msgstr for every translated, not fuzzy, not obsolete entry of a .po file."""
    import polib

    if not path.is_file():
        return {}
    return {e.msgid: e.msgstr for e in polib.pofile(str(path))
            if e.msgstr and not e.fuzzy and not e.obsolete}


def _replace_block(lines: list[str], seg: Segment, new: str) -> None:
    """Put `new` where the text of `seg` stands, keeping the first line's prefix (list marker,
    '> ', heading hashes, indentation); the block's other lines are dropped."""
    first = lines[seg.start]
    head = seg.head
    stripped = first.rstrip()  # the text ends its first line: the prefix is what comes before
    at = len(stripped) - len(head) if stripped.endswith(head) else first.find(head)
    if at < 0:
        raise ValueError(f"cannot place the message {seg.text[:60]!r} in line {first!r}")
    if seg.kind == "title" or seg.end - seg.start == 1:
        lines[seg.start] = first[:at] + new.replace("\n", " ") + first[at + len(head):]
        return
    indent = " " * at if first[:at].strip() else first[:at]
    body = ("\n" + indent).join(new.split("\n"))
    ending = "\n" if lines[seg.end - 1].endswith("\n") else ""
    lines[seg.start] = first[:at] + body + ending
    for i in range(seg.start + 1, seg.end):
        lines[i] = ""


def _replace_cells(line: str, texts: dict[str, str]) -> str:
    """Translate the cells of one table row, '| a | b |'."""
    parts = re.split(r"(?<!\\)\|", line)
    for i, part in enumerate(parts):
        key = part.strip()
        if key in texts:
            parts[i] = part.replace(key, texts[key])
    return "|".join(parts)


def translate_markdown(text: str, catalogue: dict[str, str], md=None) -> str:
    """A Markdown cell's text with each translated message put in place of its English."""
    match = CAPTION.match(text)
    if match:
        label = f"**{LABELS[match.group('kind')]} {match.group('number')}** "
        body = catalogue.get(match.group("text").strip())
        return (match.group("target") or "") + label + body if body else text
    lines = text.splitlines(keepends=True)
    segs = segments(text, md)
    # Last first, so that the lines of earlier segments keep their numbers.
    for seg in sorted(segs, key=lambda s: (s.start, s.kind != "title"), reverse=True):
        new = catalogue.get(seg.text)
        if not new:
            continue
        if seg.kind == "cell":
            lines[seg.start] = _replace_cells(lines[seg.start], {seg.text: new})
        else:
            _replace_block(lines, seg, new)
    return "".join(lines)


def translate_code(code: str, catalogue: dict[str, str]) -> str:
    lines = code.splitlines(keepends=True)
    for line, col, text in reversed(comments(code)):
        new = catalogue.get(text)
        if new:
            old = lines[line]
            hashes = old[col:].split(text, 1)[0]  # "# " or "#: " as written
            lines[line] = old[:col] + hashes + new.replace("\n", " ") + old[col:].split(text, 1)[1]
    return "".join(lines)


def translate_notebook(nb: dict, catalogue: dict[str, str], md=None) -> dict:
    """The Chinese twin of a notebook: text translated, code and outputs as they are."""
    md = md or parser()
    out = json.loads(json.dumps(nb))
    for cell in out["cells"]:
        text = source(cell)
        if cell["cell_type"] == "markdown":
            cell["source"] = translate_markdown(text, catalogue, md)
        elif cell["cell_type"] == "code":
            cell["source"] = translate_code(text, catalogue)
            cap = caption(cell)
            if cap and catalogue.get(cap):
                cell["metadata"]["mystnb"]["figure"]["caption"] = catalogue[cap]
            for output in cell.get("outputs", []):  # Markdown that code prints (a table)
                printed = output.get("data", {}).get("text/markdown")
                if printed is not None:
                    new = translate_markdown("".join(printed), catalogue, md)
                    output["data"]["text/markdown"] = (new.splitlines(keepends=True)
                                                       if isinstance(printed, list) else new)
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    return out


#: The pages whose code prints Markdown that the package also holds in Chinese.
PRINTED_ON = ["chapters/01_background"]


def printed_translations() -> dict[str, str]:
    """English message -> Chinese for the Markdown that the package prints in both languages
    (chapter 1's milestone table): the package holds its Chinese, so the catalogue takes it
    from there and the notebook, the HTML book and a reader's own run all say the same."""
    from lmvis.datasets import milestones

    def cells(language: str) -> list[str]:
        table = milestones.markdown_table(language=language)
        return [c.strip() for row in table.splitlines() for c in row.strip("|").split(" | ")]

    return dict(zip(cells("en"), cells("zh"), strict=True))


def fill_printed(po_paths: list[Path]) -> int:
    """Set the msgstr of every entry that printed_translations() knows; how many changed."""
    import polib

    known, changed = printed_translations(), 0
    for path in po_paths:
        po = polib.pofile(str(path))
        entries = [e for e in po if e.msgid in known and (e.msgstr != known[e.msgid] or e.fuzzy)]
        for e in entries:
            e.msgstr = known[e.msgid]
            if e.fuzzy:
                e.flags.remove("fuzzy")
        if entries:
            po.save()
            changed += len(entries)
    return changed


def catalogue_path(document: str, locale: Path = LOCALE) -> Path:
    """The .po of a page: chapters/x -> locale/zh_CN/LC_MESSAGES/chapters/x.po"""
    return locale / LANGUAGE / "LC_MESSAGES" / f"{document}.po"


def extract(pot_dir: Path, notebooks: list[Path], root: Path = ROOT) -> int:
    """Add each notebook's messages that Sphinx did not extract (caption cells, code comments,
    blocks Sphinx segments differently) to the page's template, <pot_dir>/<document>.pot."""
    import polib

    md = parser()
    added = 0
    for path in notebooks:
        if path.suffix != ".ipynb":  # a Markdown page: Sphinx extracts all of it
            continue
        document = path.relative_to(root).with_suffix("").as_posix()
        pot_path = pot_dir / f"{document}.pot"
        pot = polib.pofile(str(pot_path)) if pot_path.is_file() else polib.POFile()
        if not pot_path.is_file():
            pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        known = {e.msgid for e in pot}
        nb = json.loads(path.read_text(encoding="utf-8"))
        for text, where in notebook_messages(nb, md):
            if text not in known:
                known.add(text)
                pot.append(polib.POEntry(msgid=text, msgstr="", comment=f"notebook, {where}",
                                         occurrences=[(f"{document}.ipynb", "")]))
                added += 1
        pot_path.parent.mkdir(parents=True, exist_ok=True)
        pot.save(str(pot_path))
    return added


def build(notebooks: list[Path], out: Path = OUT, locale: Path = LOCALE, root: Path = ROOT,
          check: bool = False) -> list[Path]:
    """Write (or with check, compare) out/<document>.ipynb for each notebook; the stale ones."""
    md = parser()
    stale = []
    for path in notebooks:
        document = path.relative_to(root).with_suffix("").as_posix()
        catalogue = load_catalogue(catalogue_path(document, locale))
        if path.suffix == ".md":  # the landing page and the appendices (glossary, FAQ, ...)
            text = translate_markdown(path.read_text(encoding="utf-8"), catalogue, md)
        else:
            nb = json.loads(path.read_text(encoding="utf-8"))
            text = json.dumps(translate_notebook(nb, catalogue, md), ensure_ascii=False,
                              indent=1) + "\n"
        target = out / path.relative_to(root)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return stale


# The checks of tests/zh/ (the real catalogue) and tests/test_zh_edition.py (the fixture).

def to_translate(entry) -> bool:
    """Whether a catalogue entry is owed a translation: untranslated or fuzzy, with words."""
    return not entry.obsolete and (entry.fuzzy or not entry.msgstr) and is_text(entry.msgid)


def unfinished(po_paths: list[Path]) -> list[str]:
    """'file: message' for every untranslated or fuzzy entry of the catalogues."""
    import polib

    found = []
    for path in po_paths:
        for e in polib.pofile(str(path)):
            if to_translate(e):
                found.append(f"{path.name}: {'fuzzy' if e.fuzzy else 'untranslated'}: "
                             f"{e.msgid[:70]!r}")
    return found


def _untranslated(outputs: list | None) -> list | None:
    """A cell's outputs less the Markdown that code prints, which the Chinese edition translates."""
    if outputs is None:
        return None
    return [{**o, "data": {k: v for k, v in o["data"].items() if k != "text/markdown"}}
            if "data" in o else o for o in outputs]


def twin_differences(en: dict, zh: dict) -> list[str]:
    """Where a Chinese notebook differs from its English twin beyond text and comments: cell
    kinds and count, code tokens with comments removed, stored outputs."""
    if len(en["cells"]) != len(zh["cells"]):
        return [f"{len(zh['cells'])} cells, the English has {len(en['cells'])}"]
    found = []
    for n, (a, b) in enumerate(zip(en["cells"], zh["cells"], strict=True)):
        if a["cell_type"] != b["cell_type"]:
            found.append(f"cell {n}: {b['cell_type']}, the English is {a['cell_type']}")
        elif a["cell_type"] == "code":
            if code_tokens(source(a)) != code_tokens(source(b)):
                found.append(f"cell {n}: the code differs beyond comments")
            if _untranslated(a.get("outputs")) != _untranslated(b.get("outputs")):
                found.append(f"cell {n}: the stored outputs differ")
    return found


#: What may stay Latin in a Chinese Markdown cell: code, math, links' text and targets
#: (citations are links, "[Rumelhart et al. (1986)](#key)"), HTML tags, MyST targets, roles and
#: directive options (":class: warning") and MyST comments ("% ...").
_NOT_PROSE = re.compile(
    r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\[[^\]]*\]\([^)]*\)|<[^>]+>|^\([^)\s]+\)=|"
    r"\{[a-z:-]+\}|^:[\w-]+:.*$|^%.*$|https?://\S+", re.S | re.M)
_LATIN_RUN = re.compile(r"[A-Za-z][\w'’-]*(?:[\s,;:.()\"“”-]+[A-Za-z][\w'’-]*)*")


def latin_runs(markdown: str, limit: int = 6) -> list[str]:
    """The runs of more than `limit` Latin words in the prose of a Markdown text."""
    prose = _NOT_PROSE.sub(" ", markdown)
    return [run for run in (m.group(0) for m in _LATIN_RUN.finditer(prose))
            if len(re.findall(r"[A-Za-z][\w'’-]*", run)) > limit]


#: What a translation keeps exactly as the English has it (README, "The Chinese edition"): math,
#: code, roles with their targets, link targets, footnote references, HTML tags, numbers, bold.
_KEPT = {
    # A dollar escaped as \$ is a price, not math.
    "math": re.compile(r"(?<!\\)\$\$.*?(?<!\\)\$\$|(?<!\\)\$[^$]+?(?<!\\)\$", re.S),
    "code": re.compile(r"`[^`]+`"),
    "link target": re.compile(r"\]\(([^)]*)\)"),
    "footnote": re.compile(r"\[\^[^\]]+\]"),
    "HTML tag": re.compile(r"</?[a-zA-Z][^>]*>"),
    "bold marker": re.compile(r"\*\*"),
}
_ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:[\s-]?(?:thousand|million|billion|trillion|万亿|千万|百万|"
                     r"千|万|亿)(?![a-z])|[KMBT]\b)?")
#: A count may change its unit ("175 billion" is "1750 亿"): compared by value.
_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "thousand": 1e3, "million": 1e6,
          "billion": 1e9, "trillion": 1e12, "千": 1e3, "万": 1e4, "百万": 1e6, "千万": 1e7,
          "亿": 1e8, "万亿": 1e12}
#: A range with one unit, "0.56 to 0.93 million": the unit belongs to both ends.
_RANGE = re.compile(r"(\d[\d.,]*)(\s+(?:to|or|and)\s+|\s?[-–]\s?)(\d[\d.,]*)\s?"
                    r"(thousand|million|billion|trillion)\b")


def _number(text: str) -> str:
    """A count by its value ('60 million', '6000 万' and '60,000,000' -> '6e+07'); a decimal as
    written."""
    m = re.fullmatch(r"([\d.,]+?)[\s-]?(\D*)", text)
    if "." in m.group(1) and not m.group(2):
        return text  # a decimal or a section number (§3.1) as written
    return f"{float(m.group(1).replace(',', '')) * _SCALE.get(m.group(2), 1):.6g}"


def _kept(text: str) -> dict[str, list[str]]:
    """The pieces of a message that its translation must keep, by kind, sorted."""
    found = {}
    # A role keeps its name and target; its displayed text ("title <target>") is translated.
    roles = [f"{name}:{m.group(1) if (m := re.search(r'<([^>]*)>$', body)) else body}"
             for name, body in _ROLE.findall(text)]
    found["role"] = sorted(roles)
    rest = _ROLE.sub(" ", text)
    for kind, pattern in _KEPT.items():
        pieces = pattern.findall(rest)
        found[kind] = sorted(pieces)
        if kind in ("math", "code"):
            rest = pattern.sub(" ", rest)
    rest = _RANGE.sub(r"\1 \4\2\3 \4", rest)
    found["number"] = sorted(_number(n) for n in _NUMBER.findall(rest))
    return found


def markup_differences(msgid: str, msgstr: str) -> list[str]:
    """What a translation lost or changed of the math, code, roles, links, footnotes, HTML,
    numbers and bold of its English (empty when it keeps them all)."""
    en, zh = _kept(msgid), _kept(msgstr)
    return [f"{kind}: English {en[kind]}, Chinese {zh[kind]}"
            for kind in en if en[kind] != zh[kind]]


def check_catalogues(po_paths: list[Path]) -> list[str]:
    """Every problem of the translated entries: lost markup, English prose left (more than six
    Latin words in a row), and how many entries are still to translate."""
    import polib

    problems = []
    for path in po_paths:
        todo = 0
        for e in polib.pofile(str(path)):
            todo += to_translate(e)
            if e.obsolete or e.fuzzy or not e.msgstr:
                continue
            where = f"{path.name}: {e.msgid[:60]!r}"
            problems += [f"{where}: {d}" for d in markup_differences(e.msgid, e.msgstr)]
            problems += [f"{where}: English left: {run!r}" for run in latin_runs(e.msgstr)]
        if todo:
            problems.append(f"{path.name}: {todo} entries to translate")
    return problems


def sources(root: Path = ROOT) -> list[Path]:
    """The English pages the Chinese edition is made from: chapters, appendices, landing page."""
    return sorted((root / "chapters").glob("*.ipynb")) + sorted(
        (root / "chapters").glob("*.md")) + [root / "intro.md"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="add the notebooks' own messages to Sphinx's templates")
    ex.add_argument("pot_dir", type=Path)
    bu = sub.add_parser("build", help="write zh/chapters/*.ipynb")
    bu.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    sub.add_parser("printed", help="the catalogue's entries for the Markdown the package "
                   "prints in Chinese too (chapter 1's milestone table), from the package")
    ch = sub.add_parser("check", help="translated entries keep math, code, links and numbers")
    ch.add_argument("catalogues", nargs="*", type=Path)
    for p in (ex, bu):
        p.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args()
    if args.command == "printed":
        changed = fill_printed([catalogue_path(page) for page in PRINTED_ON])
        print(f"{changed} entries set from the package's Chinese")
        return
    if args.command == "check":
        paths = args.catalogues or sorted((LOCALE / LANGUAGE).rglob("*.po"))
        problems = check_catalogues(paths)
        print("\n".join(problems) or f"{len(paths)} catalogues: no problem")
        sys.exit(1 if problems else 0)
    notebooks = [p.resolve() for p in args.notebooks] or sources()
    if args.command == "extract":
        print(f"{extract(args.pot_dir, notebooks)} notebook messages added to {args.pot_dir}")
    else:
        stale = build(notebooks, check=args.check)
        for path in stale:
            print(("stale: " if args.check else "wrote ") + str(path.relative_to(ROOT)))
        if args.check and stale:
            sys.exit("the Chinese edition is stale: make zh")


if __name__ == "__main__":
    main()
