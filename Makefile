# The two commands of the README:
#   make run    set everything up and run the product on its embedded default
#               (SQLite, Celery tasks eager, e-mail to the console, demo data)
#   make test   set everything up and run the whole test suite against PostgreSQL
# Both work on a fresh Debian machine with Python >= 3.11, Node.js >= 20.19 and npm;
# `make test` also needs PostgreSQL and Redis running (see the README).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite's PostgreSQL server: TEST_DATABASE_URL, else DATABASE_URL, else the local
# server's postgres role without a password (pytest-django creates and drops test_<name>,
# so the role needs CREATEDB). Redis: database 15 is used by the test that runs a real
# Celery worker.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/ombudsman)
export TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-fast setup static lint typecheck check-services ci lock clean

run: setup static
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@echo "Open http://$(HOST):$(PORT)/ and sign in with one of the accounts above."
	$(PY) manage.py runserver $(HOST):$(PORT)

PYTEST := DATABASE_URL='$(TEST_DATABASE_URL)' $(PY) -m pytest

test: setup static check-services
	$(PYTEST) $(PYTEST_ARGS)

# The tests that take seconds, not minutes: all but those tests/conftest.py marks slow
# (browser, real workers, Hypothesis, the demo, anything over about two seconds).
test-fast: setup static check-services
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

setup: $(STAMP)

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "): set PYTHON=python3.12 or similar.")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

static:
	@command -v npm >/dev/null || { echo "Node.js >= 20.19 and npm are needed to build the GOV.UK styles (see the README)."; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
		|| { echo "Node.js >= 20.19 is needed to build the styles (found $$(node --version)): see the README."; exit 1; }
	bash scripts/build-static.sh

check-services: setup
	@DATABASE_URL='$(TEST_DATABASE_URL)' $(PY) scripts/check_services.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Type checking ([tool.mypy] in pyproject.toml).
typecheck: setup
	$(VENV)/bin/mypy

# What CI runs after the tests (see .ci/run).
ci: lint typecheck
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Re-lock after changing dependencies in pyproject.toml.
lock: setup
	$(VENV)/bin/pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --all-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles db.sqlite3
