# Two commands on a fresh machine: `make run` serves the shop on demo data, `make test` proves it.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
PYTEST  := $(VENV)/bin/pytest
RUFF    := $(VENV)/bin/ruff
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 5000
PG_TEST_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install browser-deps run serve migrate seed test lint pytest test-postgres promises bench loadtest clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet --editable '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's chromium; Playwright's own browser download cannot work here.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

migrate: install
	$(FLASK) db upgrade

# The demo catalogue, then a modest year of demo traffic and orders (only into a shop without
# visits) and its rollup, so the statistics have something to show.
seed: migrate
	$(FLASK) bkm seed --if-empty
	$(FLASK) analytics demo-traffic --days 365 --visits-per-day 60 --if-empty
	$(FLASK) analytics rollup

run: seed
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-like: gunicorn with the repository's gunicorn.conf.py (BKM_ENV_NAME etc. from the environment).
serve: migrate
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# bandit fails on any finding of medium or high severity (-ll); each `# nosec` says why.
lint: install
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/bandit -q -r bkm analytics wsgi.py gunicorn.conf.py -ll

pytest: install browser-deps
	$(PYTEST)

test: lint pytest

test-postgres: install browser-deps
	BKM_TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST)

promises: install
	@$(PYTEST) --collect-only -q --promises | sed -n '/^=* promises =*$$/,$$p'

bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PYTHON) bench/run.py

# Mixed shoppers for 60 s against gunicorn on a throw-away PostgreSQL database, then the checks
# (no 5xx, no oversold item, no lost order or event); options via LOADTEST_ARGS="--sqlite" etc.
loadtest: install
	$(PYTHON) -m bench.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache test-results
