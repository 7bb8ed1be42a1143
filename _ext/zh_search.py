"""Chinese search: every Chinese term of the glossary is one searchable word.

With ``html_search_language: zh`` Sphinx cuts Chinese text into words with jieba and still indexes
(and stems) English words. jieba's dictionary cuts 梯度下降 into 梯度 + 下降 and 反向传播 into
反向 + 传播, and the search box looks a query up as one word, so a reader who typed the book's
own term would find nothing. The glossary (chapters/glossary.md, its 中文 column) lists every key
term, so its words are added to jieba before the index is built. Without jieba Sphinx's Chinese
search silently indexes no Chinese at all, so a missing jieba stops the build instead.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from sphinx.errors import ExtensionError

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")  # two or more CJK ideographs


def glossary_terms(markdown: str, column: str = "中文") -> list[str]:
    """The Chinese words of one column of the glossary's table, in order, without repeats.

    A cell such as "查询、键、值" or "Transformer 模型" gives each run of two or more Chinese
    characters (a one-character word needs no help from the dictionary).
    """
    rows = [line.strip().strip("|").split("|") for line in markdown.splitlines()
            if line.lstrip().startswith("|")]
    if not rows:
        raise ValueError("the glossary has no table")
    header = [cell.strip() for cell in rows[0]]
    if column not in header:
        raise ValueError(f"the glossary's table has no column {column!r}; it has {header}")
    at = header.index(column)
    terms: list[str] = []
    for row in rows[2:]:  # after the header and the |---| line
        for term in _HAN_RUN.findall(row[at] if at < len(row) else ""):
            if term not in terms:
                terms.append(term)
    return terms


def _add_glossary_words(app):
    if app.config.html_search_language != "zh":
        return
    try:
        import jieba
    except ImportError as err:
        raise ExtensionError("zh_search: html_search_language is zh but jieba is not "
                             "installed (run `make install`)") from err
    jieba.setLogLevel(logging.WARNING)  # not its "Building prefix dict ..." lines
    path = Path(app.srcdir) / app.config.zh_search_glossary
    if not path.is_file():
        raise ExtensionError(f"zh_search: no glossary at {path} (zh_search_glossary)")
    for term in glossary_terms(path.read_text(encoding="utf-8")):
        jieba.add_word(term)


def setup(app):
    app.add_config_value("zh_search_glossary", "chapters/glossary.md", "html")
    app.connect("builder-inited", _add_glossary_words)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
