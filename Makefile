# The two commands: `make run` and `make test`. See the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV_ENV := DEBUG=1

.PHONY: run test lint format install install-test serve migrate demo demo-code messages bench load clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs are pinned by constraints.txt, so every machine gets the same versions.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(VENV)/.installed $@

# axe-core for the browser tests' accessibility checks, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test node_modules/.installed

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_demo --with-users

run: demo
	@echo ""
	@echo "Demo users (development only):"
	@echo "  contributor / contributor-demo-2026"
	@echo "  reviewer    / reviewer-demo-2026"
	@echo "  admin       / admin-demo-2026"
	@echo "The reviewer and admin also need a code: make demo-code USER=reviewer (see the README)."
	@echo "Passkeys work at http://localhost:$(PORT)/ (not at an IP address)."
	@echo ""
	@echo "The task worker (spreadsheet imports) runs beside the server and stops with it."
	@echo ""
	@# The worker in the background, the server in the foreground; when the server stops (Ctrl+C
	@# or otherwise) the trap stops the worker too. No autoreload for the worker: a reloader's
	@# child would outlive its parent; restart `make run` after changing task code.
	$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The code of the demo reviewer's or admin's authenticator app now: make demo-code USER=reviewer
demo-code: install
	@$(DEV_ENV) $(BIN)/python manage.py demo_code $(USER)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tracker.settings_test
	$(BIN)/pytest

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[bench]'
	touch $(VENV)/.installed $@

# Loads synthetic data into PostgreSQL and SQLite (BENCH_CLAIMS, default 100000), serves it with
# production's gunicorn settings, and prints every target, measured, met or not (see the README).
bench: $(VENV)/.installed-bench
	$(BIN)/python tests/bench/run.py $(BENCH_ARGS)

# A bounded load run on loopback (gunicorn + PostgreSQL): list, search and claim page, zero errors.
load: install
	$(BIN)/python tests/bench/load.py $(LOAD_ARGS)

# Backups: with SECRET_KEY in the environment (production) the environment is used as it is;
# without it, the development database.
BACKUP_ENV := $(if $(SECRET_KEY),,$(DEV_ENV))

backup: install
	$(BACKUP_ENV) $(BIN)/python manage.py backup $(if $(FILE),--output $(FILE))

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/tracker-YYYYMMDD-HHMMSS.tar.gz"; exit 2; }
	$(BACKUP_ENV) $(BIN)/python manage.py migrate --noinput
	$(BACKUP_ENV) $(BIN)/python manage.py restore $(FILE)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles test-artifacts
