# Every target installs what it needs first, from nothing, into .venv/.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Longest first (README, "Timings"), so that no long chapter is left to run alone at the end.
LONGEST   := $(addprefix chapters/,09_gpt.ipynb 07_classification.ipynb 06_house_prices.ipynb \
	10_scale.ipynb 08_attention.ipynb 05_gradient_descent.ipynb)
NOTEBOOKS := $(LONGEST) $(filter-out $(LONGEST),$(sort $(wildcard chapters/*.ipynb)))
# As many workers as cores this process may use (`make JOBS=1 test` for one at a time).
JOBS ?= $(shell $(PYTHON) -c "import os; print(len(os.sched_getaffinity(0)) \
	if hasattr(os, 'sched_getaffinity') else os.cpu_count())")
# Every notebook kernel runs with the same code paths and thread count, written once in
# tools/numerics.py; test-portable re-checks the same stored outputs under another code path.
PINNED    := $(BIN)/python tools/numerics.py --
ALTERNATE := $(BIN)/python tools/numerics.py --alternate --
# Sanitised, strict output comparison; warnings inside the notebook kernel are not pytest's business.
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -o filterwarnings= -p no:cacheprovider
# The book to take away: the PDF of `make pdf`, the archives of `make dist` (README: "Downloads").
PDF    := _build/pdf/large-models-visualized.pdf
PDF_ZH := _build/pdf/large-models-visualized-zh.pdf
# Notebooks on all cores (pytest-xdist): every cell of a notebook on one worker, in order
# (loadscope: nbval's README, "Parallel execution"), the notebooks handed out in the order of
# NOTEBOOKS rather than by their number of cells (no reorder). Each kernel is on one thread.
PARALLEL := -n $(JOBS) --dist loadscope --no-loadscope-reorder

# Other library versions: the declared lower bounds, and what Google Colab ships. Each target
# builds its own environment from nothing (not .venv) and runs every chapter once, no comparison.
OLDEST := .venv-oldest
COLAB  := .venv-colab
PIP_Q  := -m pip install --disable-pip-version-check -q
# The kernel that runs the chapters there, as in Colab: ipykernel 7 with ipywidgets 7 now and
# then never reports a cell finished (chapter 5's widget; nbclient waits forever).
KERNEL := ipykernel==6.29.5 nbclient==0.10.2
# JupyterLab reads jupyter/labconfig/: no autosave (opening a chapter modifies nothing), no news.
LAB_ENV := JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter

.PHONY: help install test test-package test-notebooks test-portable test-oldest test-colab \
	book test-html pdf dist vendor execute portable colab lab lint clean \
	catalogue zh test-zh lab-zh

help:
	@echo "make test     package tests, then every notebook under nbval (installs first)"
	@echo "make test-portable  nbval again under another CPU code path and thread count"
	@echo "make book     both HTML editions, English in _build/html/, Chinese (中文版) in _build/html/zh/,"
	@echo "              with warnings as errors (installs first)"
	@echo "make test-oldest  every chapter under the lower bounds of pyproject.toml (own venv)"
	@echo "make test-colab   the setup cell's install on Colab's versions, then every chapter"
	@echo "make test-html  the book's pages, and two chapters in JupyterLab, in headless Chromium"
	@echo "make pdf      each edition as one PDF, _build/pdf/, printed by headless Chromium from the HTML"
	@echo "make dist     zips of the notebooks and of the HTML site into _build/dist/ (after make pdf)"
	@echo "make vendor   re-vendor the pinned npm assets into _vendor/ (needs npm; rarely needed)"
	@echo "make execute  re-execute every notebook in place, fresh kernel, top to bottom"
	@echo "make portable rewrite chapters into the markup the book and JupyterLab both render"
	@echo "make colab    regenerate the Colab edition, colab/chapters/ (from chapters/)"
	@echo "make lab      JupyterLab on the chapters"
	@echo "make catalogue  extract the English messages into locale/zh_CN/ (the Chinese catalogue)"
	@echo "make zh       the Chinese notebooks zh/chapters/ and their Colab edition zh/colab/"
	@echo "make test-zh  the Chinese edition's checks alone (part of make test): every message"
	@echo "              translated, code as the English, zh/ current"
	@echo "make lab-zh   JupyterLab on the Chinese chapters"
	@echo "make lint     ruff over the package, tests and notebooks"
	@echo "make clean    remove builds (keeps .venv; 'rm -rf .venv' for a full reset)"

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

test: test-package test-notebooks

# The tests of the built site (tests/test_site.py) skip until `make book` has run; the browser
# tests (the HTML book, and two chapters in JupyterLab: tests/test_lab.py) are test-html's.
# In parallel, a test file to a worker (loadfile): a file's tests may share module state.
test-package: $(STAMP)
	$(BIN)/python -m pytest tests -p no:cacheprovider -n $(JOBS) --dist loadfile \
		--ignore=tests/test_html.py --ignore=tests/test_lab.py

test-notebooks: $(STAMP)
	$(PINNED) $(BIN)/python -m pytest $(NBVAL) $(PARALLEL) $(NOTEBOOKS)

test-portable: $(STAMP)
	$(ALTERNATE) $(BIN)/python -m pytest $(NBVAL) $(PARALLEL) $(NOTEBOOKS)

test-oldest:
	rm -rf $(OLDEST) build
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python tools/lower_bounds.py > $(OLDEST)/constraints.txt
	$(OLDEST)/bin/python $(PIP_Q) -c $(OLDEST)/constraints.txt . $(KERNEL)
	rm -rf build
	$(OLDEST)/bin/python tools/run_chapters.py --jobs $(JOBS) $(NOTEBOOKS)

test-colab:
	rm -rf $(COLAB) build
	$(PYTHON) -m venv $(COLAB)
	$(COLAB)/bin/python $(PIP_Q) -r tools/colab_versions.txt
	$(COLAB)/bin/python tools/colab_install.py
	rm -rf build
	$(COLAB)/bin/python tools/run_chapters.py --jobs $(JOBS) $(NOTEBOOKS)

# Both editions (tools/zh_book.py): English in _build/html/, Chinese in _build/html/zh/.
book: $(STAMP)
	$(BIN)/python tools/zh_book.py

# Needs Debian's Chromium (apt-get install -y chromium); skipped with that hint where it is missing.
test-html: book
	$(BIN)/python -m pytest tests/test_html.py tests/test_lab.py -p no:cacheprovider

# Both need Debian's Chromium (and Chinese fonts): apt-get install -y chromium fonts-noto-cjk.
# Each edition is one call with its own HTML folder (the Chinese edition's, once it exists).
pdf: book
	$(BIN)/python tools/book_pdf.py _build/html $(PDF)
	$(BIN)/python tools/book_pdf.py _build/html/zh $(PDF_ZH)

# English first: it zips the whole site (both editions), which the Chinese edition offers too.
dist: pdf
	$(BIN)/python tools/book_dist.py _build/html chapters $(PDF) _build/dist
	$(BIN)/python tools/book_dist.py _build/html/zh zh/chapters $(PDF_ZH) _build/dist --edition zh

vendor:
	$(PYTHON) tools/vendor_assets.py

execute: $(STAMP)
	$(PINNED) $(BIN)/python tools/execute_notebooks.py --jobs $(JOBS) $(NOTEBOOKS)

portable: $(STAMP)
	$(BIN)/python tools/portable_markup.py $(NOTEBOOKS)

colab: $(STAMP)
	$(BIN)/python tools/colab_edition.py

lab: $(STAMP)
	$(LAB_ENV) $(PINNED) $(BIN)/jupyter lab chapters

# The Chinese edition (README, "The Chinese edition"): make book builds it, make test checks it
# (tests/test_zh_complete.py fails on every untranslated or fuzzy message and on a stale zh/).
# Sphinx's gettext builder extracts every page's messages (one template a page, gettext_compact
# off); tools/zh_edition.py adds what only the notebooks show (caption cells, code comments);
# sphinx-intl merges them into the .po files, marking a changed English message fuzzy.
# Its own output folder: the gettext environment in _build/.doctrees would stop `make book`.
POT := _build/catalogue/_build/gettext
catalogue: $(STAMP)
	rm -rf $(POT)
	$(BIN)/jupyter-book build . --builder custom --custom-builder gettext --path-output _build/catalogue
	$(BIN)/python tools/zh_edition.py extract $(POT)
	$(BIN)/sphinx-intl update -p $(POT) -d locale -l zh_CN -j 1
	$(BIN)/python tools/zh_edition.py printed

zh: $(STAMP)
	$(BIN)/python tools/zh_edition.py build
	$(BIN)/python tools/colab_edition.py --edition zh

test-zh: $(STAMP)
	$(BIN)/python -m pytest tests/test_zh_complete.py tests/test_zh_edition.py -p no:cacheprovider

lab-zh: $(STAMP)
	$(LAB_ENV) LMVIS_LANGUAGE=zh $(PINNED) $(BIN)/jupyter lab zh/chapters

lint: $(STAMP)
	$(BIN)/ruff check lib tests tools chapters _ext

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
