# Two commands for a newcomer (README.md): `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

# The portal on the embedded default (SQLite, tasks run eagerly, stand-ins on) with the demo data.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite: PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set, else SQLite.
test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)
