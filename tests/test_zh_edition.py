"""The Chinese edition's machinery (tools/zh_edition.py, tools/zh_book.py, _ext/editions.py), on a
fixture: a tiny notebook and its translated catalogue under tests/zh_fixture/.

The checks of the real edition (every message translated, every code cell its English twin) are
tests/test_zh_complete.py.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "zh_fixture"
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import editions  # noqa: E402
import zh_book  # noqa: E402
import zh_edition as z  # noqa: E402

NOTEBOOK = FIXTURE / "chapters" / "01_tiny.ipynb"


@pytest.fixture(scope="module")
def english():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue():
    return z.load_catalogue(z.catalogue_path("chapters/01_tiny", FIXTURE / "locale"))


@pytest.fixture(scope="module")
def chinese(english, catalogue):
    return z.translate_notebook(english, catalogue)


def test_messages_are_the_blocks_captions_and_comments(english):
    messages = [m for m, _ in z.notebook_messages(english)]
    # A wrapped paragraph is one message, its lines joined as Sphinx's gettext builder joins them.
    assert ("Backpropagation (反向传播) sends the error from the output back to every weight, one "
            "layer at a time, by the chain rule.") in messages
    for expected in ("compute the loss of the forward pass;", "what it means in the book",
                     "Common pitfall: the gradient of a sum", "the input of the unit",
                     "the slope of x squared at x"):
        assert expected in messages
    assert ":class: warning" not in " ".join(messages)  # a directive's option is no text
    assert "$\\delta$" not in messages  # math alone: nothing to translate
    # The caption in the metadata and the caption cell (remove-cell) share one message.
    caption = "The loss falls as the weights follow the negative gradient."
    assert messages.count(caption) == 2


def test_every_text_of_the_fixture_is_translated(english, chinese):
    for cell in chinese["cells"]:
        if cell["cell_type"] == "markdown":
            assert z.latin_runs(z.source(cell), limit=1) == [], z.source(cell)
    text = "".join(z.source(c) for c in chinese["cells"])
    for phrase in ("# 反向传播", "- 计算前向传播的损失；", "| 符号 | 在本书中的含义 |",
                   ":::{admonition} 常见错误：和的梯度\n:class: warning\n和的梯度",
                   "x = 2.0  # 该单元的输入", "# x 的平方在 x 处的斜率",
                   "(fig-tiny)=\n**图 1.1** 权重沿负梯度方向移动"):
        assert phrase in text
    assert z.caption(chinese["cells"][4]) == "权重沿负梯度方向移动，损失随之下降。"
    assert chinese["cells"][5]["metadata"] == english["cells"][5]["metadata"]  # still remove-cell


def test_code_and_outputs_are_the_englishs(english, chinese):
    assert z.twin_differences(english, chinese) == []
    changed = json.loads(json.dumps(chinese))
    changed["cells"][3]["source"] = ["x = 3.0  # 该单元的输入\n", "print(2 * x)"]
    changed["cells"][4]["outputs"][0]["text"] = "another\n"
    assert z.twin_differences(english, changed) == [
        "cell 3: the code differs beyond comments", "cell 4: the stored outputs differ"]


def test_an_untranslated_message_stays_english_and_is_reported(english, catalogue, tmp_path):
    partial = {k: v for k, v in catalogue.items() if not k.startswith("The gradient of a sum")}
    chinese = z.translate_notebook(english, partial)
    assert "The gradient of a sum is the sum" in z.source(chinese["cells"][2])
    po = polib.pofile(str(z.catalogue_path("chapters/01_tiny", FIXTURE / "locale")))
    assert z.unfinished([z.catalogue_path("chapters/01_tiny", FIXTURE / "locale")]) == []
    po[0].flags.append("fuzzy")
    po[1].msgstr = ""
    po.save(str(tmp_path / "x.po"))
    assert [m.split(": ")[1] for m in z.unfinished([tmp_path / "x.po"])] == [
        "fuzzy", "untranslated"]


def test_latin_runs_skip_code_math_and_citations():
    assert z.latin_runs("一个 `a very long piece of code with many words` 和 $a b c d e f g h$，"
                        "见 [Rumelhart, Hinton and Williams (1986), Nature](#rumelhart)。") == []
    assert z.latin_runs("这句 has seven English words in a row 吗") == [
        "has seven English words in a row"]
    assert z.latin_runs("one two three four five six") == []  # six is allowed (names, titles)


def test_extraction_and_update_make_a_changed_message_fuzzy(english, tmp_path):
    """The round trip of `make catalogue`: templates, then sphinx-intl's update of the .po."""
    sphinx_intl = pytest.importorskip("sphinx_intl.basic")
    pot_dir, locale = tmp_path / "pot", tmp_path / "locale"
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "01_tiny.ipynb").write_text(json.dumps(english), encoding="utf-8")
    assert z.extract(pot_dir, [chapters / "01_tiny.ipynb"], root=tmp_path) == 13
    sphinx_intl.update(str(locale), str(pot_dir), ("zh_CN",), jobs=1)
    po_path = z.catalogue_path("chapters/01_tiny", locale)
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "译文"
    po.save(str(po_path))
    assert z.unfinished([po_path]) == []
    changed = json.loads(json.dumps(english))
    changed["cells"][2]["source"] = changed["cells"][2]["source"][:2] + [
        "The gradient of a sum is the sum of the gradients, never their product.\n", ":::"]
    (chapters / "01_tiny.ipynb").write_text(json.dumps(changed), encoding="utf-8")
    (pot_dir / "chapters" / "01_tiny.pot").unlink()
    z.extract(pot_dir, [chapters / "01_tiny.ipynb"], root=tmp_path)
    sphinx_intl.update(str(locale), str(pot_dir), ("zh_CN",), jobs=1)
    assert [m.split(": ", 1)[1] for m in z.unfinished([po_path])] == [
        "fuzzy: 'The gradient of a sum is the sum of the gradients, never their product'"]


def test_build_writes_the_edition_and_check_finds_it_current(tmp_path):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "01_tiny.ipynb").write_bytes(NOTEBOOK.read_bytes())
    out = tmp_path / "zh"
    kwargs = {"out": out, "locale": FIXTURE / "locale", "root": tmp_path}
    assert z.build([chapters / "01_tiny.ipynb"], check=True, **kwargs) == [
        out / "chapters" / "01_tiny.ipynb"]
    z.build([chapters / "01_tiny.ipynb"], **kwargs)
    assert z.build([chapters / "01_tiny.ipynb"], check=True, **kwargs) == []
    nb = json.loads((out / "chapters" / "01_tiny.ipynb").read_text(encoding="utf-8"))
    assert z.source(nb["cells"][0]).startswith("# 反向传播")


def test_the_chinese_book_config_labels_and_switches():
    base = {"sphinx": {"config": {"numfig_format": {"figure": "Figure %s"}}},
            "repository": {"path_to_book": "colab"}}
    zh = zh_book.edition_config(base, "zh")
    config = zh["sphinx"]["config"]
    assert config["language"] == "zh_CN" and config["edition_switch"] is True
    assert config["numfig_format"]["figure"] % "4.2" == "图 4.2"
    assert config["math_eqref_format"].format(number=3) == "式 (3)"
    assert zh["repository"]["path_to_book"] == "zh/colab"  # the rocket opens the Chinese notebook
    assert base["sphinx"]["config"]["numfig_format"] == {"figure": "Figure %s"}  # not changed
    en = zh_book.edition_config(base, "en")
    assert en["sphinx"]["config"]["edition_switch"] is True and "language" not in en["sphinx"][
        "config"]
    with pytest.raises(ValueError, match="edition must be"):
        zh_book.edition_config(base, "fr")


@pytest.mark.parametrize(("page", "edition", "url"), [
    ("intro", "en", "zh/intro.html"),
    ("chapters/04_backprop", "en", "../zh/chapters/04_backprop.html"),
    ("chapters/04_backprop", "zh", "../../chapters/04_backprop.html"),
    ("intro", "zh", "../intro.html"),
])
def test_the_language_switch_leads_to_the_same_page(page, edition, url):
    assert editions.other_edition_url(page, edition) == url


def test_the_web_font_covers_every_chinese_character_of_the_book():
    import make_cjk_font
    from fontTools.ttLib import TTFont

    font = editions.FONT
    assert font.is_file() and font.stat().st_size < 1_000_000
    cmap = TTFont(str(font)).getBestCmap()
    missing = [c for c in make_cjk_font.web_characters() if ord(c) not in cmap]
    assert missing == [], f"run tools/make_cjk_font.py --web: {''.join(missing[:40])}"
    css = (editions.STATIC / "cjk-font.css").read_text(encoding="utf-8")
    ranges = re.search(r"unicode-range: ([^;]+);", css).group(1)
    assert ranges == ", ".join(f"U+{lo:04X}-{hi:04X}" for lo, hi in make_cjk_font.WEB_RANGES)


@pytest.mark.parametrize("page", z.sources(), ids=lambda p: p.name)
def test_every_message_of_the_book_finds_its_place(page):
    """With every message of a real page translated (by a placeholder), the page parses into the
    same blocks, each now the translation: no message is left English or misplaced, and the
    code is untouched. So a new Markdown shape in a chapter fails here, not in the later round."""
    md = z.parser()
    if page.suffix == ".md":
        text = page.read_text(encoding="utf-8")
        zh = z.translate_markdown(text, {s.text: "译文" for s in z.segments(text, md)}, md)
        texts = [zh]
    else:
        nb = json.loads(page.read_text(encoding="utf-8"))
        chinese = z.translate_notebook(nb, {m: "译文" for m, _ in z.notebook_messages(nb, md)}, md)
        assert z.twin_differences(nb, chinese) == []
        texts = [z.source(c) for c in chinese["cells"] if c["cell_type"] == "markdown"]
    done = re.compile(r"(\*\*[图表] [\d.]+\*\* )?译文")  # a caption cell: label and text
    left = [s.text for t in texts for s in z.segments(t, md) if not done.fullmatch(s.text)]
    assert left == []
    assert [run for t in texts for run in z.latin_runs(t)] == []


def test_a_translation_must_keep_the_math_code_targets_and_numbers_of_its_english():
    english = ("Document 000 uses $\\mathbf{x} = [1, 2]$ and `MLP`, as {ref}`the box <bp-init>` "
               "shows; see [Rosenblatt (1958)](#rosenblatt1958perceptron). **Forward (前向)**")
    good = ("文档 000 使用 $\\mathbf{x} = [1, 2]$ 和 `MLP`，如 {ref}`该框 <bp-init>` 所示；"
            "见 [Rosenblatt (1958)](#rosenblatt1958perceptron)。**前向**（forward）")
    assert z.markup_differences(english, good) == []
    bad = good.replace("[1, 2]", "[1, 3]").replace("`MLP`", "MLP").replace("<bp-init>", "<bp>")
    found = " ".join(z.markup_differences(english, bad.replace("文档 000", "文档 001")))
    for kind in ("math:", "code:", "role:", "number:"):
        assert kind in found


def test_a_count_may_change_its_unit_but_not_its_value():
    assert z.markup_differences("175 billion and 60 million", "1750 亿和 6000 万") == []
    assert z.markup_differences("175 billion", "175 亿") != []
    assert z.markup_differences("0.56 to 0.93 million hours", "56 万至 93 万小时") == []


def test_markdown_that_code_prints_is_translated_and_the_package_holds_the_tables_chinese():
    known = z.printed_translations()
    assert known["60 million"] == "6000 万" and known["year"] == "年份"
    assert known["a trainable linear threshold unit"] == "可训练的线性阈值单元"
    output = {"output_type": "display_data", "metadata": {},
              "data": {"text/plain": ["<Markdown>"], "text/markdown": ["| year |\n", "|---|\n"]}}
    en = {"cells": [{"cell_type": "code", "source": "x", "metadata": {}, "outputs": [output]}]}
    zh = z.translate_notebook(en, known)
    assert zh["cells"][0]["outputs"][0]["data"]["text/markdown"] == ["| 年份 |\n", "|---|\n"]
    assert z.twin_differences(en, zh) == []  # translated Markdown is not a different output
    zh["cells"][0]["outputs"][0]["data"]["text/plain"] = ["other"]
    assert z.twin_differences(en, zh) == ["cell 0: the stored outputs differ"]


def test_the_chinese_books_sidebar_has_its_parts_captions_translated():
    toc = {"root": "intro", "parts": [{"caption": "Chapters", "chapters": [{"file": "a"}]},
                                      {"caption": "Appendices", "chapters": [{"file": "b"}]}]}
    translated = zh_book.edition_toc(toc, {"Chapters": "章节"})
    assert [p["caption"] for p in translated["parts"]] == ["章节", "Appendices"]
    assert toc["parts"][0]["caption"] == "Chapters"  # the English toc is left as it is


def test_rebuilding_the_chinese_site_keeps_its_downloads(tmp_path):
    """`make book` after `make dist` must not drop the Chinese PDF and notebooks."""
    built, target = tmp_path / "built", tmp_path / "html" / "zh"
    (built / "chapters").mkdir(parents=True)
    (built / "index.html").write_text("new")
    (target / "downloads").mkdir(parents=True)
    (target / "downloads" / "book-zh.pdf").write_bytes(b"%PDF")
    (target / "stale.html").write_text("old")
    zh_book.replace_site(built, target)
    assert (target / "index.html").read_text() == "new" and not (target / "stale.html").exists()
    assert (target / "downloads" / "book-zh.pdf").read_bytes() == b"%PDF"
    zh_book.replace_site(built, target)  # and again, with nothing left over beside it
    assert sorted(p.name for p in target.parent.iterdir()) == ["zh"]
