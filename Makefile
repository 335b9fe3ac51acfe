# aidtrack — every target a newcomer needs. `make run` and `make test` are enough.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: run install migrate demo static serve test test-postgres lint format check-deploy demo-passwords clean \
	import-ocha bench-geo bench-map bench-bulk bench-load bench-faults cluster

# Set up everything and serve the app with the demo data on http://$(HOST):$(PORT).
run: install migrate demo static serve

# Create the virtualenv and install the pinned requirements (only when requirements.txt changed).
install: $(VENV)/.installed

# Nothing is installed when every pin is already met (a shared virtualenv is never reinstalled by surprise); a
# virtualenv that is a link to another checkout's is never installed into: the missing pins are listed instead.
$(VENV)/.installed: requirements.txt
	@if test -x $(PY) && $(PY) deploy/requirements_met.py requirements.txt; then touch $@; \
	elif test -L $(VENV); then echo "$(VENV) is a shared virtualenv: install the pins above by hand" \
	  "($(PIP) install -r requirements.txt) if its other users agree."; exit 1; \
	else test -x $(PY) || python3 -m venv $(VENV); $(PIP) install --quiet --upgrade pip && \
	  $(PIP) install --quiet -r requirements.txt && touch $@; fi

# Create or update the database schema (SQLite under var/ unless DATABASE_URL is set).
migrate: install
	$(PY) manage.py migrate --noinput

# Load the September 2016 demo scenario once; later runs keep the data and print the accounts.
demo: install
	$(PY) manage.py load_demo

# Collect static files for whitenoise to serve.
static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

# Serve with gunicorn (DEBUG off, static files served by the app) and a job worker beside it; Ctrl-C stops both.
serve: install
	@echo "aidtrack is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/). Stop with Ctrl-C."
	$(PY) manage.py jobs_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(VENV)/bin/gunicorn aidtrack.wsgi --bind $(HOST):$(PORT) $(GUNICORN_ARGS) --access-logfile - --log-level info

# Threads per gunicorn worker, timeouts and recycling: README, "Serving many people".
GUNICORN_ARGS ?= --workers $(WORKERS) --worker-class gthread --threads 4 --timeout 30 --graceful-timeout 20 \
	--keep-alive 5 --max-requests 2000 --max-requests-jitter 200

CLUSTER_PORT ?= 8120
# Two app servers, a job worker, PostgreSQL (local, database aidtrack_cluster) and Redis behind one port (README).
cluster: install
	$(PY) deploy/cluster.py --port $(CLUSTER_PORT)

# Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Run the suite against the local PostgreSQL server (127.0.0.1:5432, user postgres, database test).
test-postgres: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Lint with ruff.
lint: install
	$(VENV)/bin/ruff check .

# Format with ruff.
format: install
	$(VENV)/bin/ruff format .

# Run Django's deployment checks with production settings.
check-deploy: install
	DJANGO_ENV=production DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=access.example.org $(PY) manage.py check --deploy --fail-level WARNING

# Give the demo accounts new random passwords and print them.
demo-passwords: install
	$(PY) manage.py demo_accounts --reset-passwords

# Remove the virtualenv and local data (database, secret key, collected static files).
clean:
	rm -rf $(VENV) var

OCHA ?= ../shared/data/ocha-syria-2016
# Import OCHA's 2016 Syria boundaries, communities (with access status) and populations into the database.
import-ocha: migrate demo
	for level in 0 1 2 3; do $(PY) manage.py import_boundaries $(OCHA)/syr_adm$$level.geojson || exit 1; done
	$(PY) manage.py import_communities $(OCHA)/syr_communities_oct2016.csv --as-of 2016-10-31 \
		--source "OCHA HNO 2017" --user admin
	$(PY) manage.py import_population $(OCHA)/syr_severity_admin3_oct2016.csv --source "OCHA HNO 2017"
	$(PY) manage.py assign_admin_areas --user admin

# Benchmark the geodata importers, bulk assignment and map layers (prints figures; needs ../shared).
bench-geo: install
	$(PY) bench/geo_bench.py

# Benchmark the public map with 20,000 incidents in headless Chromium (prints figures; needs Debian's chromium).
bench-map: install
	$(PY) bench/map_bench.py

# Benchmark the incident import: 100,000 synthetic rows against a bare pandas read + bulk insert (prints figures).
bench-bulk: install
	$(PY) bench/bulk_bench.py

# Load-test the public lists with wrk beside a static file of the same bytes (prints figures). wrk is Debian's
# package, installed here when missing, as .ci/run installs chromium (as root, or through sudo).
bench-load: install
	@if ! command -v wrk >/dev/null 2>&1; then \
	  echo "--- installing Debian's wrk for the load bench"; \
	  sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
	    || { echo "Could not install wrk: install Debian's package by hand (apt-get install wrk)."; exit 1; }; \
	fi
	$(PY) bench/load_bench.py $(BENCH_ARGS)

# Stop the database, kill workers, mid-load and mid-import, and print what each fault did (own PostgreSQL instance).
bench-faults: install
	$(PY) bench/faults.py $(BENCH_ARGS)
