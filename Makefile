# The two commands of the quick start: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: demo test install install-dev messages lint serve clean-demo

demo: install messages  ## install, migrate, load the demo data, print the accounts and serve on :8000
	$(VENV)/bin/filrouge demo

test: install-dev messages  ## the whole suite on SQLite, then on PostgreSQL when reachable
	scripts/run-tests

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

install: $(RUNTIME)
install-dev: $(DEV)

$(PY):
	"$$(scripts/find-python)" -m venv $(VENV)

$(RUNTIME): requirements.txt pyproject.toml | $(PY)
	scripts/system-libs
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DEV): requirements-dev.txt $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Compiled catalogues are build products: made from the .po files on every run (it is quick).
messages: $(RUNTIME)
	@command -v msgfmt >/dev/null || scripts/apt-install gettext
	@cd filrouge && ../$(PY) ../manage.py compilemessages --verbosity 0
