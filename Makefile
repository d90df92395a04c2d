# Partnership CRM: `make run` sets everything up and serves the app;
# `make test` sets everything up and runs the whole suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

ASSET_SOURCES := $(shell find crm/static/scss crm/static/js -type f) scripts/build-assets.mjs

.PHONY: run test lint setup python assets db reset-demo clean screenshots bench

run: setup db
	@$(FLASK) crm demo-logins
	@echo "\nPartnership CRM is at http://$(HOST):$(PORT)/ (Ctrl+C to stop)\n"
	CRM_BASE_URL="$${CRM_BASE_URL:-http://$(HOST):$(PORT)}" $(FLASK) run --host $(HOST) --port $(PORT)

test: setup lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Ruff: the lint rules and the formatting, both from pyproject.toml.
lint: python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: python assets

python: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: crm/static/dist/.built

crm/static/dist/.built: node_modules/.installed $(ASSET_SOURCES)
	npm run --silent build
	@touch $@

# Create or migrate the SQLite database under instance/ (or DATABASE_URL),
# and load the demo data when it is empty.
db: python
	$(FLASK) db upgrade
	$(FLASK) crm seed-demo --if-empty

# Screenshots of the app running at HOST:PORT (make run PORT=... in another terminal).
# Start again from the demo data: deletes the SQLite database under instance/.
reset-demo: python
	rm -f instance/crm.sqlite3 instance/crm.sqlite3-wal instance/crm.sqlite3-shm
	$(MAKE) db

screenshots: setup
	$(BIN)/python scripts/screenshots.py http://$(HOST):$(PORT)

# The lists and the dashboard at 1,000 and 100,000 organisations on SQLite and
# PostgreSQL (test-artifacts/bench.json), then the printed minutes of a typical
# and a very long meeting (test-artifacts/bench-minutes.json). A quick run:
# make bench BENCH_ARGS="--sizes 1000" BENCH_MINUTES_ARGS="--meetings typical"
bench: setup
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_minutes.py $(BENCH_MINUTES_ARGS)

clean:
	rm -rf $(VENV) node_modules crm/static/dist .pytest_cache
