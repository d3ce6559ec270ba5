# RSE — the two commands a newcomer needs: `make run` and `make test`.
# Any of Python 3.11, 3.12 and 3.13 (CI tests the oldest and the newest): the first one
# found, or the one given (`make test PYTHON=python3.13 VENV=.venv313`).
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n auto
# `make run PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: run test bench soak lighthouse lint audit format messages frontend constraints clean api-check

# The environment is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13) and "RSE needs Python 3.11, 3.12 or 3.13")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]" -c constraints.txt
	touch $@

# axe-core for the accessibility checks of the browser tests, oidc-provider for the
# identity provider of the SSO tests (both skipped without npm).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

frontend: node_modules/axe-core/axe.min.js

run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(BIN)/.installed frontend
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark (PostgreSQL needed): builds the generated company, serves it with
# gunicorn and times the main pages. `make bench BENCH_ARGS="--size small"`.
BENCH_ARGS ?= --size large
bench: $(BIN)/.installed
	$(BIN)/python -m bench $(BENCH_ARGS)

# The soak (README, "Operations"): the production stack on private PostgreSQL and Redis,
# under load for SOAK_MINUTES with faults injected. `make soak SOAK_ARGS="--minutes 3"`.
SOAK_ARGS ?= --minutes 30 --size small
soak: $(BIN)/.installed
	$(BIN)/python -m bench soak $(SOAK_ARGS)
# Lighthouse (npm, package.json) on home, a community, a post, people and search, signed in
# as the plain employee, mobile and desktop presets: `make lighthouse` (README, "Performance").
LIGHTHOUSE_ARGS ?=
lighthouse: $(BIN)/.installed frontend
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy core access rse profiles audit charter communities posts notifications moderation consultation questions events ideas alerts lifecycle search identity directory privacy observatory api webhooks bench

# Known vulnerabilities in the pinned dependencies (pip-audit reads constraints.txt; it
# needs PyPI's JSON API, or OSV with AUDIT_ARGS="-s osv"; README, "Security").
AUDIT_ARGS ?=
audit: $(BIN)/.installed
	$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r constraints.txt $(AUDIT_ARGS)

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract UI strings into locale/fr and compile them (needs GNU gettext).
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=node_modules
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

# Re-pin every transitive dependency after changing pyproject.toml.
constraints: $(BIN)/.installed
	{ echo "# Exact versions of every package, direct and transitive, that CI tested."; \
	  echo "# Regenerate with: make constraints"; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache staticfiles

# The API against schemathesis (README, "API"): serves the app on PostgreSQL, makes tokens
# for several roles and runs schemathesis from the OpenAPI schema (needs DATABASE_URL).
api-check: $(BIN)/.installed
	RSE_REQUIRE_SERVICES=postgres $(BIN)/python -m pytest tests/test_api_schemathesis.py -n 0
