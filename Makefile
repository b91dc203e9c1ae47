# Vigie: `make run` starts everything, `make test` checks everything.
SWIFT       ?= swift
CONFIG      ?= debug
BUILD_FLAGS ?= -c $(CONFIG)
BIN          = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path 2>/dev/null)
VENV        ?= .venv
PYTHON       = $(VENV)/bin/python

# Debian packages the build and the tests need (checked with dpkg, installed with apt-get).
DEB_PACKAGES = pkg-config libmongoc-dev libbson-dev libcurl4-openssl-dev libssl-dev \
               libsqlite3-dev zlib1g-dev python3-venv python3-pip \
               nodejs node-ws chromium chromium-driver curl cron util-linux

.PHONY: all deps venv build run test test-swift test-compat test-browser test-docs bench clean

all: build

deps:
	@scripts/install-deps.sh $(DEB_PACKAGES)

venv: $(VENV)/.installed
$(VENV)/.installed: Tests/requirements.txt
	@python3 -m venv $(VENV) || { echo "make: python3 -m venv failed: install python3-venv (make deps)" >&2; exit 1; }
	@$(PYTHON) -m pip install -q --disable-pip-version-check -r Tests/requirements.txt
	@touch $@

build:
	$(SWIFT) build $(BUILD_FLAGS)

run: deps build
	$(BIN)/vigie up $(ARGS)

test: deps venv build
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --no-parallel
	@$(MAKE) --no-print-directory test-docs test-compat test-browser

test-compat:
	VIGIE_BIN=$(BIN)/vigie $(PYTHON) -m pytest -q Tests/compat

test-browser:
	@if [ -d Tests/browser ]; then VIGIE_BROWSER_TARGET=real VIGIE_BIN=$(BIN)/vigie $(PYTHON) -m pytest -q Tests/browser; fi

test-docs:
	@if [ -x scripts/check-docs.sh ]; then scripts/check-docs.sh $(BIN)/vigie; fi

bench: deps
	$(SWIFT) build -c release
	$$($(SWIFT) build -c release --show-bin-path)/vigie-bench all

clean:
	rm -rf .build $(VENV)
