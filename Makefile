# Métrokawa — `make run` sets up and serves; `make test` sets up and runs every test.
PYTHON ?= python3
# Recipes run in bash with pipefail: a command piped into a filter keeps its exit code.
SHELL       := bash
.SHELLFLAGS := -o pipefail -c
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The tablet client (TypeScript, Vite): installed from its lock file, rebuilt when a source changes.
UI         := clients/tablet
UI_DEPS    := $(UI)/node_modules/.installed
UI_BUILT   := $(UI)/dist/.vite/manifest.json
UI_SOURCES := $(shell find $(UI)/src $(UI)/scripts -type f 2>/dev/null) \
              $(wildcard $(UI)/*.html $(UI)/*.json $(UI)/*.ts)

.PHONY: setup run test lint typecheck ui-test unit bench clean

setup: $(STAMP) $(UI_BUILT)

# Each step says what it does, then shows its own progress: the first time, pip downloads the
# Python dependencies (about 150 MB, minutes on a slow line) and npm the client's.
say = @printf '\n▶ %s\n' $(1)

# A machine whose pip configuration names an index folder that does not exist (this CI image
# does) makes pip print « WARNING: Location … is ignored » for every package: harmless, and not the
# project's, so those lines (and pip's « Looking in indexes ») are left out; anything else pip says,
# warnings and errors included, is shown, and pip's exit code is kept (pipefail).
# (grep's 1 means only that nothing was left to print.)
PIP_NOISE = { grep -v -e 'is ignored: it is neither a file nor a directory' -e '^Looking in ' || [ $$? -eq 1 ]; }

# Idempotent: the virtualenv is rebuilt only when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(call say,"Python : environnement virtuel $(VENV) et pip à jour")
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | $(PIP_NOISE)
	$(call say,"Python : dépendances (pip ; la première fois, quelques minutes)")
	@$(BIN)/python -m pip install --progress-bar on -e '.[dev]' 2>&1 | $(PIP_NOISE)
	@touch $(STAMP)

$(UI_DEPS): $(UI)/package-lock.json
	$(call say,"Client : dépendances (npm ci)")
	@cd $(UI) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The build prints the participant bundle's size and fails above 120 KB gzipped.
$(UI_BUILT): $(UI_DEPS) $(UI_SOURCES)
	$(call say,"Client : construction (vite build)")
	@cd $(UI) && npm run --silent build

# `make run HOST=0.0.0.0 PORT=8001`, on the command line only: a HOST or PORT in the environment
# (some shells and platforms set them) is not taken. METROKAWA_PUBLIC_URL, from the environment
# or the command line, is the address the printed links use (a laptop's on the room's Wi-Fi).
# `make run ROOM=1` serves the room (`serve --room`): every address of the laptop, the links made
# from its address on the Wi-Fi, the join QR code in the terminal (a HOST given too is kept).
HOST = 127.0.0.1
PORT = 8000
ROOM =
PUBLIC_URL = $(if $(METROKAWA_PUBLIC_URL),METROKAWA_PUBLIC_URL='$(METROKAWA_PUBLIC_URL)')
GIVEN_HOST = $(if $(filter command line,$(origin HOST)),--host '$(HOST)')
WHERE = $(if $(filter 1 yes oui true,$(ROOM)),--room $(GIVEN_HOST),--host '$(HOST)')

run: setup
	@$(PUBLIC_URL) $(BIN)/metrokawa serve $(strip $(WHERE)) --port '$(PORT)'

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

ui-test: setup
	cd $(UI) && npm test

# Two processes, each running whole test files (a file's module-scoped server and browser stay
# in one process): about 11 minutes instead of 16 on this 2-core machine.
JOBS ?= 2

unit: setup
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

test: lint typecheck ui-test unit

# The benches' own extra (the python-socketio peer), on top of the dev set-up.
$(VENV)/.installed-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: setup $(VENV)/.installed-bench
	$(BIN)/python bench/bench_replay.py
	$(BIN)/python bench/bench_seating.py
	$(BIN)/python bench/bench_vote_burst.py
	$(BIN)/python bench/bench_similarity.py
	$(BIN)/python bench/bench_landscape.py
	$(BIN)/python bench/bench_forum_load.py
	cd $(UI) && npm run --silent bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build *.egg-info $(UI)/node_modules $(UI)/dist
