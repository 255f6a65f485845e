# The two commands of the quick start: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: demo test install install-dev messages lint serve clean-demo lock deploy-check

demo: install messages  ## install, migrate, load the demo data, print the accounts and serve on :8000
	$(VENV)/bin/filrouge demo

test: install-dev messages  ## the whole suite on SQLite, then on PostgreSQL when reachable
	scripts/run-tests

# docs/deployment.md run for real: the units verified, the wheel in a fresh environment, PostgreSQL's
# two roles, gunicorn behind the shipped nginx over HTTPS, checked with curl (free loopback ports).
deploy-check:  ## the production recipe, end to end on this machine (about 75 s)
	scripts/deploy-check

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

install: $(RUNTIME)
install-dev: $(DEV)

$(PY):
	"$$(scripts/find-python)" -m venv $(VENV)

$(RUNTIME): requirements.txt pyproject.toml | $(PY)
	scripts/system-libs
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DEV): requirements-dev.txt $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# The lock files: every package pinned with the hash of each of its files, for every platform and
# Python from 3.12 (installed with --require-hashes above). Run after changing a .in file; the
# versions already locked are kept unless a .in file asks otherwise (`make lock UPGRADE=1` takes
# the newest that fit). The development lock is constrained by the runtime one: same versions.
lock: install-dev
	$(VENV)/bin/uv pip compile requirements.in --generate-hashes --universal --python-version 3.12 \
		--quiet --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o requirements.txt
	$(VENV)/bin/uv pip compile requirements-dev.in -c requirements.txt --generate-hashes --universal \
		--python-version 3.12 --quiet --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o requirements-dev.txt

# Compiled catalogues are build products: made from the .po files on every run (it is quick).
messages: $(RUNTIME)
	@command -v msgfmt >/dev/null || scripts/apt-install gettext
	@cd filrouge && ../$(PY) ../manage.py compilemessages --verbosity 0
