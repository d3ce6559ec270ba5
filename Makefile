# RSE — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n auto
# `make run PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: run test bench lint audit format messages frontend constraints clean api-check

# The environment is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "RSE needs Python 3.11")'
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

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy core access rse profiles audit charter communities posts notifications moderation lifecycle search identity directory api bench

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
