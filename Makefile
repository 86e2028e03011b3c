# Campus — the two commands are `make run` and `make test`; the rest helps development.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Two workers: one per core of the CI machine (pytest-xdist); PYTEST_ARGS= runs serially.
PYTEST_ARGS ?= -n 2
STAMP := $(VENV)/.installed-dev.lock

.PHONY: run test install lint format worker bench lock messages clean

# The stamp is a copy of the lock it was installed from: the venv is rebuilt only when the
# lock changes, so a second `make run` / `make test` installs nothing.
$(STAMP): requirements/dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@cp requirements/dev.lock $(STAMP)

install: $(STAMP)

run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo
	@echo "Campus: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	DEBUG=$${DEBUG:-1} $(BIN)/daphne -b 127.0.0.1 -p $(PORT) campus.asgi:application

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/python manage.py db_worker

# The HTTP-server comparison (self-contained: it starts and stops its own servers on
# loopback). The other scripts in bench/ take an endpoint: see bench/README.md.
bench: install
	$(BIN)/python bench/servers.py

# Re-pin every dependency from pyproject.toml (needs network access to PyPI).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -o requirements/base.lock --python-version 3.11 --generate-hashes --custom-compile-command "make lock"
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.lock --python-version 3.11 --generate-hashes --custom-compile-command "make lock"

# Extract the interface's messages into locale/*/django.po, then compile the .mo files
# (committed, so that a machine without gettext still runs Campus in French).
messages:
	DEBUG=1 $(BIN)/python manage.py makemessages -l fr -l en --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" --ignore "lrs/xapi/*"
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
