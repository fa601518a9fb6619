# Avustamo: `make demo` runs the demo on SQLite with realistic data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# The demo runs as in production (DEBUG off) on plain http on this machine only: the https protections, on by
# default in production, are turned off by name (docs/reliability.md, "Security settings").
DEMO_ENV = SECRET_KEY="$$(cat var/demo_secret_key)" ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://127.0.0.1:$(PORT) \
	SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0

.PHONY: demo test install messages lint format system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $(STAMP)

install: $(STAMP)

# Compiled with Babel, so gettext's msgfmt is not needed.
messages: install
	$(BIN)/pybabel compile --domain django --directory locale --statistics

var/demo_secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# The demo's secrets and the local Suomi.fi stand-ins' settings, made once (docs/identity.md).
var/demo-$(PORT).env: | var/demo_secret_key
	$(DEMO_ENV) $(BIN)/python manage.py demo_environment --port $(PORT) > $@.tmp && mv $@.tmp $@

demo: install messages system-deps var/demo_secret_key var/demo-$(PORT).env
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py createcachetable
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	set -a; . ./var/demo-$(PORT).env; set +a; $(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo "Serving Avustamo on http://127.0.0.1:$(PORT), with the task worker and the local stand-ins of Suomi.fi"
	@echo "e-Identification (port $$(($(PORT) + 101))), e-Authorizations (port $$(($(PORT) + 102))) and the State's invoice"
	@echo "circulation (SFTP, port $$(($(PORT) + 103)); exchanged with every minute) beside it; Ctrl-C stops them all."
	set -a; . ./var/demo-$(PORT).env; set +a; $(DEMO_ENV) sh -c '\
		$(BIN)/python -m stand_ins.identification --port $$(($(PORT) + 101)) & identification=$$!; \
		$(BIN)/python -m stand_ins.authorizations --port $$(($(PORT) + 102)) & authorizations=$$!; \
		$(BIN)/python -W "ignore:DSA is deprecated" -m stand_ins.invoice_circulation --port $$(($(PORT) + 103)) --root var/invoice-circulation/sftp \
			--host-key var/invoice-circulation/host_key --authorized-key var/invoice-circulation/client_key.pub \
			& circulation=$$!; \
		while sleep 60; do $(BIN)/python manage.py exchange_invoice_circulation; done & exchange=$$!; \
		$(BIN)/python manage.py task_worker & worker=$$!; \
		trap "kill $$worker $$identification $$authorizations $$circulation $$exchange 2>/dev/null" EXIT INT TERM; \
		$(BIN)/gunicorn avustamo.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -'

# Debian packages: WeasyPrint's text layout and fonts for PDFs, and chromium for the browser tests (nothing
# is downloaded by Playwright). Installed only when missing.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium
system-deps:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then APT=""; else APT="sudo -n"; fi; \
		( $$APT apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$APT apt-get install -y -qq $$missing >/dev/null ) \
			|| echo "WARNING: could not install$$missing; PDFs or the browser tests will fail and say so."; \
	fi

# Browser tests run in a process of their own: while Playwright's event loop runs, Django keeps database
# connections per asyncio context, and in a worker shared with other tests one would outlive the test database.
test: install messages system-deps
	DJANGO_SETTINGS_MODULE=avustamo.test_settings $(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python -m pytest -n 2 -m "not browser"
	$(BIN)/python -m pytest -m browser

# ruff, the migrations' check, and the layers' contract ([tool.importlinter] in pyproject.toml, docs/adr/0008-layers.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=avustamo.test_settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/static .pytest_cache
