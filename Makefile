# Two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
PORT ?= 5000

.PHONY: run test test-browser browser-suite bench bench-scale bench-lockout bench-voice bench-export install install-test translations migrate demo translate-update vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-browser: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,browser]"
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

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

# The whole suite: tests/ (on SQLite, and on TEST_DATABASE_URL when set), then the browser suite in
# Chromium. Without Chromium it stops and says so; SKIP_BROWSER=1 runs without it, on purpose only.
test: $(VENV)/.installed-browser
	$(FLASK) translate compile
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory browser-suite

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

# National scale on the local PostgreSQL (TEST_DATABASE_URL, or a database it makes), beside a hello
# app, with wrk; SCALE=0.01 for a set a hundred times smaller. Takes about half an hour at SCALE=1.
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
