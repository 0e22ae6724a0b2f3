# Two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
PORT ?= 5000
# tests/ runs on this many pytest-xdist workers, each with databases of its own (tests/conftest.py); an idle
# worker takes tests queued for the other (worksteal), so one long test does not hold the rest back.
WORKERS ?= 2
# The lock files: exact versions with their hashes, which every install here takes. pyproject.toml keeps the
# ranges the wheel declares; `make lock` writes these from them.
LOCK := requirements.txt
TEST_LOCK := requirements-test.txt
UV_VERSION := 0.13.9

.PHONY: run test lint lock mutate test-browser browser-suite bench bench-scale bench-lockout bench-voice bench-export install install-test translations migrate demo translate-update vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What the lock names, then the app itself with nothing more; pip check fails on a lock older than pyproject.toml.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

# The test lock holds the test and browser extras both.
$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r $(TEST_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@ $(VENV)/.installed

$(VENV)/.installed-browser: $(VENV)/.installed-test
	touch $@

# Both lock files again from pyproject.toml, keeping every pinned version that still fits (UPGRADE=1 takes
# the newest allowed), for every Python from 3.11 with one version of each package where one will do.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) pyproject.toml -o $(LOCK)
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) pyproject.toml --extra test --extra browser -c $(LOCK) -o $(TEST_LOCK)

LOCK_FLAGS = --universal --fork-strategy fewest --generate-hashes --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade)

# ruff's lint and format, and the import contracts (pyproject.toml).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: install
	$(FLASK) translate compile

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

# The demo's staff sign in with the password alone, and the demo says so; production leaves it unset (on).
run: export STAFF_SECOND_FACTOR := off
run: translations demo
	@$(FLASK) demo pair-links
	@# gunicorn, as a community house would run it on one machine: two processes of four threads.
	$(BIN)/gunicorn -c python:webapp.gunicorn_conf --workers 2 --threads 4 --bind 127.0.0.1:$(PORT) "webapp:create_app()"

# The whole suite: the lint, tests/ on WORKERS workers (on SQLite, and on TEST_DATABASE_URL when set), then
# the browser suite in Chromium, one test at a time. Without Chromium it stops and says so; SKIP_BROWSER=1
# runs without it, on purpose only.
test: $(VENV)/.installed-browser
	@$(MAKE) --no-print-directory lint
	$(FLASK) translate compile
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory browser-suite

# Mutation testing (mutmut), not part of `make test`: policy, redirects, the lockout, barriers, appointments and
# disclosure, each against its own tests, on SQLite, and a score per module. MODULES="redirects lockout" for some.
# About an hour on two busy cores, the lockout half of it; docs/mutation.md explains the survivors left.
mutate: $(VENV)/.installed-test
	$(FLASK) translate compile
	$(BIN)/python scripts/mutate.py $(MODULES)

# Only the browser suite: every main screen in every language on phone, tablet and desk, and the journeys.
# Screenshots of every screen land in build/screenshots (SCREENSHOTS=... to choose another folder).
test-browser: $(VENV)/.installed-browser
	$(FLASK) translate compile
	@$(MAKE) --no-print-directory browser-suite

browser-suite:
	@if [ "$(SKIP_BROWSER)" = "1" ]; then \
	  echo "Browser suite skipped: SKIP_BROWSER=1."; \
	elif ! command -v "$${CHROMIUM:-chromium}" >/dev/null 2>&1; then \
	  echo "No Chromium found, so the browser suite cannot run: apt-get install chromium (or SKIP_BROWSER=1 to leave it out)."; \
	  exit 1; \
	else \
	  $(BIN)/python -m pytest browser_tests $(PYTEST_ARGS); \
	fi

# Figures for the notes: page time at 5 and 5,000 entries, page weight; then the resident home opened
# cold in Chromium on slow 4G with a slow CPU (bytes, requests, LCP, CLS) beside a hello page.
bench: $(VENV)/.installed-browser
	$(FLASK) translate compile
	$(BIN)/python -m benchmarks.timeline
	$(BIN)/python -m benchmarks.page_load

# National scale on the local PostgreSQL (TEST_DATABASE_URL, or a database it makes), then a community
# house on SQLite: the working tree beside BASELINE (a git ref; empty for none) and a hello app, with wrk.
# SCALE=0.01 for a set a hundred times smaller; REUSE=1 keeps the set built before (its build is most of the
# hour that SCALE=1 takes).
bench-scale: install-test
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(FLASK) translate compile
	$(BIN)/python -m benchmarks.scale

# Parallel wrong PINs against the lock, with the production hash cost.
bench-lockout: install-test
	$(FLASK) translate compile
	$(BIN)/python -m benchmarks.lockout

# 8 voice bombs at once against `make run`'s gunicorn while an advisor opens the caseload every 100 ms:
# the caseload's median and slowest answer beside its answers alone, and each upload's answer time.
bench-voice: install-test
	$(FLASK) translate compile
	$(BIN)/python -m benchmarks.voice_bomb

# "Download my data" for residents with 50, 5,000 and 25,000 entries (SQLite, or DATABASE_URL): time, size,
# and peak memory (tracemalloc's peak of the export alone, and the process's ru_maxrss growth).
bench-export: install-test
	$(FLASK) translate compile
	$(BIN)/python -m benchmarks.export

# For developers: after changing user-visible text, then translate every new entry.
translate-update: install
	$(FLASK) translate update

# For developers: fetch htmx and the icons again from the npm registry (results are committed).
vendor:
	./scripts/vendor_frontend.sh

clean:
	rm -rf $(VENV) instance translations/*/LC_MESSAGES/*.mo
