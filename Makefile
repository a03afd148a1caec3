# Two commands: `make demo` sets up and runs the default scenario; `make test` sets up and
# runs the test suite (which builds the documentation site too). Both create the one virtual
# environment when it is missing. `make demo` installs only what the demo needs
# (`pip install -e .`: no dev tools, no Chromium, no CesiumJS); `make test` adds the dev
# extras, Chromium and CesiumJS; `make web` only CesiumJS (for thaad view). Each step has its
# own stamp file, so the light one never pulls the heavy one. `make docs` builds the site into
# site/ (offline); `make gallery` redraws its gallery (docs/gallery/, committed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_DEMO := $(VENV)/.installed-demo
STAMP_DEV := $(VENV)/.installed-dev
STAMP_WEB := $(VENV)/.installed-web

.PHONY: demo test web docs gallery fuzz lint format bench clean

# thaad view and the browser tests: CesiumJS from the npm registry (into the venv, never
# committed; keep the version in step with thaad.output.viewer.CESIUM_VERSION) and Debian's Chromium.
CESIUM_VERSION := 1.145.0
WEB := $(VENV)/share/thaad-web
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

$(STAMP_DEMO): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): $(STAMP_DEMO)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	test -x $(CHROMIUM) || { $(APT) update -q && $(APT) install -y -q chromium; }
	touch $@

$(STAMP_WEB): $(STAMP_DEMO)
	command -v npm >/dev/null || { $(APT) update -q && $(APT) install -y -q nodejs npm; }
	npm install --prefix $(WEB) --no-audit --no-fund --loglevel=error cesium@$(CESIUM_VERSION)
	touch $@

demo: $(STAMP_DEMO)
	$(BIN)/thaad run

web: $(STAMP_WEB)

test: $(STAMP_DEV) $(STAMP_WEB)
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

docs: $(STAMP_DEV)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# the fuzz suite at full size (over 1,500 generated command lines, random); the normal test run
# has a few hundred (THAAD_FUZZ=ci). Prints the counts by outcome: exit 0, exit 2, failures.
fuzz: $(STAMP_DEV)
	THAAD_FUZZ=full $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py


gallery: $(STAMP_DEV)
	$(BIN)/python docs/gallery/make_gallery.py

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench docs

format: $(STAMP_DEV)
	$(BIN)/ruff format src tests bench docs

bench: $(STAMP_DEV)
	for f in bench/*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) out site .pytest_cache .ruff_cache
	find src -name __pycache__ -type d -exec rm -rf {} +
