# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export DATA_DIR ?= $(CURDIR)/instance

.PHONY: run test system-packages install install-dev translations migrate demo lint bench clean assets vendor-axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d webapp/translations > /dev/null

migrate: install
	$(BIN)/flask --app webapp db upgrade

demo: migrate
	$(BIN)/flask --app webapp demo load

## run: the web server and a real Celery worker with the demo data (Ctrl-C stops both)
run: demo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python scripts/run.py

## system-packages: the Debian packages the tests need (installed when run as root)
system-packages:
	scripts/system-packages.sh

## test: the whole suite, against SQLite and PostgreSQL, a real Redis, worker and browser
test: system-packages install-dev
	source scripts/test-services.sh && $(BIN)/python -m pytest $(PYTEST_ARGS)

## vendor-axe: refresh the committed axe-core copy the browser tests inject (needs npm; CI does not)
vendor-axe:
	scripts/vendor-axe.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/python bench/render.py

## assets: the section editor's bundle (webapp/static/vendor/editor.js, committed) from package-lock.json; needs Node
assets:
	npm ci --no-audit --no-fund
	node scripts/build-assets.mjs

clean:
	rm -rf $(VENV) instance .pytest_cache
