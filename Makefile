# Two commands for a newcomer (README.md): `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint e2e-deps stack lock

# The exact versions and their hashes (requirements-dev.lock: the portal's and the tests' dependencies), so that
# a fresh machine installs what CI installed; `make lock` makes the locks again from pyproject.toml's ranges.
$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

# The relatives' languages: each catalog of locale/ (core.catalogs) compiled by GNU gettext's msgfmt, which
# refuses a translation that lost a placeholder (--check). `python manage.py catalogs extract` reads new texts in.
CATALOGS := $(wildcard locale/*/LC_MESSAGES/*.po */locale/*/LC_MESSAGES/*.po)
%.mo: %.po
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)
	msgfmt --check -o $@ $<

install: $(VENV)/.installed $(CATALOGS:.po=.mo)

# After a change of pyproject.toml's dependencies, or to take newer versions: both lock files made again with
# pip-tools (in a venv of its own), then `make install`. Commit pyproject.toml and the two locks together;
# tests/config/test_lock_files.py fails while they disagree. Production installs requirements.lock only.
LOCK_TOOLS := build/lock-tools
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet "pip-tools>=7.4,<8")
	$(LOCK_TOOLS)/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(LOCK_TOOLS)/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

# The portal on the embedded default (SQLite, tasks run eagerly, stand-ins on) with the demo data, at
# http://$(HOST):$(PORT) (`make run PORT=8822`): the stand-ins follow the address the browser uses (core/addresses.py).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite: PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set, else SQLite.
test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The browser tests' tools (tests/e2e/): Debian's chromium (never a browser downloaded by Playwright)
# and axe-core from npm into tests/e2e/node_modules.
e2e-deps:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	cd tests/e2e && npm ci --silent --no-audit --no-fund

# The production-shaped stack on this machine: gunicorn, a Celery worker and Celery beat on PostgreSQL
# and Redis (loopback), static files by whitenoise. See docs/deployment.md.
stack: install
	bash scripts/stack.sh
