# Every target installs what it needs first, from nothing, into .venv/.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
# Every notebook kernel runs with the same code paths and thread count, written once in
# tools/numerics.py; test-portable re-checks the same stored outputs under another code path.
PINNED    := $(BIN)/python tools/numerics.py --
ALTERNATE := $(BIN)/python tools/numerics.py --alternate --
# Sanitised, strict output comparison; warnings inside the notebook kernel are not pytest's business.
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg -o filterwarnings= -p no:cacheprovider

.PHONY: help install test test-package test-notebooks test-portable book test-html vendor execute lab lint clean

help:
	@echo "make test     package tests, then every notebook under nbval (installs first)"
	@echo "make test-portable  nbval again under another CPU code path and thread count"
	@echo "make book     HTML book into _build/html/ with warnings as errors (installs first)"
	@echo "make test-html  every page of the book in headless Chromium, network cut (builds first)"
	@echo "make vendor   re-vendor the pinned npm assets into _vendor/ (needs npm; rarely needed)"
	@echo "make execute  re-execute every notebook in place, fresh kernel, top to bottom"
	@echo "make lab      JupyterLab on the chapters"
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
# test is test-html's.
test-package: $(STAMP)
	$(BIN)/python -m pytest tests -p no:cacheprovider --ignore=tests/test_html.py

test-notebooks: $(STAMP)
	$(PINNED) $(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS)

test-portable: $(STAMP)
	$(ALTERNATE) $(BIN)/python -m pytest $(NBVAL) $(NOTEBOOKS)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W --keep-going

# Needs Debian's Chromium (apt-get install -y chromium); skipped with that hint where it is missing.
test-html: book
	$(BIN)/python -m pytest tests/test_html.py -p no:cacheprovider

vendor:
	$(PYTHON) tools/vendor_assets.py

execute: $(STAMP)
	$(PINNED) $(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

lab: $(STAMP)
	$(PINNED) $(BIN)/jupyter lab chapters

lint: $(STAMP)
	$(BIN)/ruff check lib tests tools chapters _ext

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
