# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-browser test-multinode lint format demo messages migrate test-postgres bench fonts clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "Serving http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(PY) manage.py makemigrations --check --dry-run --settings=cms.settings.test
	$(PY) -m pytest -n auto

# Journeys in Debian's Chromium against a live server on PostgreSQL; screenshots in artifacts/.
test-browser: $(STAMP)
	command -v chromium >/dev/null || apt-get install -y chromium
	npm install --no-audit --no-fund --silent
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/judging} \
		$(PY) -m pytest -m browser tests/browser
	@echo "Screenshots: artifacts/screenshots/"

# Two gunicorn app servers, a task worker, Redis and an S3-compatible server (moto) on this
# machine, with production settings, against PostgreSQL (README, "The multi-node check").
test-multinode: $(STAMP)
	$(PY) tests/multinode/run.py

test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/judging} $(PY) -m pytest

# The aggregation engine against its peers (pandas + scipy, krippendorff, pingouin), the
# pure-Python baseline, PostgreSQL and the bootstrap; figures go to BENCHMARKS.md.
bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	$(PY) bench/aggregation.py --repeat 3

# Message catalogues: extract, then compile (the compiled .mo files are committed).
messages: $(STAMP)
	$(PY) manage.py makemessages -l pl -l en --ignore=.venv --ignore=node_modules --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# The site's type face, Source Sans 3 (SIL Open Font License 1.1), is committed in static/fonts/ so
# `make run` and `make test` need no npm; this target refreshes it from the npm package pinned in
# package.json (@fontsource-variable/source-sans-3). Only the latin and latin-ext subsets: latin-ext
# holds ą ć ę ł ń ś ź ż (ó is in latin); the browser fetches a subset only for the letters a page uses.
fonts:
	npm install --no-audit --no-fund --silent
	for subset in latin latin-ext; do for style in normal italic; do \
		cp node_modules/@fontsource-variable/source-sans-3/files/source-sans-3-$$subset-wght-$$style.woff2 static/fonts/; \
	done; done
	cp node_modules/@fontsource-variable/source-sans-3/LICENSE static/fonts/OFL.txt

clean:
	rm -rf $(VENV) db.sqlite3 artifacts
