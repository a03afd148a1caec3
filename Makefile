# Two commands: `make demo` sets up and runs the default scenario; `make test` sets up and
# runs the test suite (which builds the documentation site too). Both create the virtual
# environment when it is missing. `make docs` builds the site into site/ (offline);
# `make gallery` redraws its gallery (docs/gallery/, committed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs gallery lint format bench clean

# thaad view and the browser tests: CesiumJS from the npm registry (into the venv, never
# committed; keep the version in step with thaad.output.viewer.CESIUM_VERSION) and Debian's Chromium.
CESIUM_VERSION := 1.145.0
WEB := $(VENV)/share/thaad-web
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	test -x $(CHROMIUM) || { $(APT) update -q && $(APT) install -y -q chromium; }
	command -v npm >/dev/null || { $(APT) update -q && $(APT) install -y -q nodejs npm; }
	npm install --prefix $(WEB) --no-audit --no-fund --loglevel=error cesium@$(CESIUM_VERSION)
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/thaad run

test: $(STAMP)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

gallery: $(STAMP)
	$(BIN)/python docs/gallery/make_gallery.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench docs

format: $(STAMP)
	$(BIN)/ruff format src tests bench docs

bench: $(STAMP)
	for f in bench/*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) out site .pytest_cache .ruff_cache
	find src -name __pycache__ -type d -exec rm -rf {} +
