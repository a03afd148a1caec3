# Two commands: `make demo` sets up and runs the default scenario; `make test` sets up and
# runs the test suite. Both create the virtual environment when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz lint format bench clean

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
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# the fuzz suite at full size (over 1,500 generated command lines, random); the normal test run
# has a few hundred (THAAD_FUZZ=ci). Prints the counts by outcome: exit 0, exit 2, failures.
fuzz: $(STAMP)
	THAAD_FUZZ=full $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	for f in bench/*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
	find src -name __pycache__ -type d -exec rm -rf {} +
