# The two commands a new user runs: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when pyproject.toml or the lock changed since the last install.
STAMP := $(VENV)/.installed
# The exact versions `make test` installs (runtime metadata has ranges only).
LOCK := requirements/ci.lock

.PHONY: test demo lint imports types pytest venv clean screenshots lock test-slow test-ssh

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	@touch $(STAMP)

# Refresh the lock to the newest versions the ranges in pyproject.toml allow; commit it
# with the snapshots it changes (`make test` then shows which).
lock: $(STAMP)
	$(BIN)/uv pip compile --upgrade --quiet pyproject.toml --extra dev --python-version 3.11 \
		--no-header --annotation-style line -o $(LOCK)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

imports: $(STAMP)
	$(BIN)/lint-imports

# mypy over tui and contracts ([tool.mypy] in pyproject.toml); its cache (.mypy_cache)
# makes a run after a small change take seconds.
types: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, never a silent pass.
pytest: $(STAMP)
	@$(BIN)/python -m pytest -n 2 -q -m "not slow and not ssh"; code=$$?; \
	if [ $$code -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$code

test: lint imports types pytest

# Minutes each, so outside `make test`: CI runs test-slow after it.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -p no:xdist -m slow

# The SSH end-to-end test alone (it is also part of `make test`).
test-ssh: $(STAMP)
	$(BIN)/python -m pytest -q -p no:xdist -m ssh

# The editor on the embedded Cognito backend with demo data, signed in as its first user.
demo: $(STAMP)
	$(BIN)/cognito-tui --demo

# The README's pictures are the snapshot tests' SVGs, exported by the app itself.
screenshots: $(STAMP)
	$(BIN)/python -m pytest -q -p no:xdist tests/tui/test_snapshots.py --cognito-no-replay \
		--snapshot-update -k "attribute_table or verification_screen"

clean:
	rm -rf $(VENV) build dist *.egg-info
