# Two commands on a fresh machine: `make sandbox` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: setup test lint run sandbox i18n compile bench clean

setup: $(STAMP) $(COMPILED)

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales -D messages -l $*

compile: $(COMPILED)

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/python -m pytest -q

run: setup
	$(BIN)/python -m bot

sandbox: setup
	$(BIN)/python -m bot sandbox

# Extract and update under one lock with scripts/po_fill.py, so concurrent edits never clash.
i18n: $(STAMP)
	flock locales/.lock sh -c '$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location \
		--sort-output --project=bvte-bot -o locales/messages.pot . && \
		$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages \
		--no-fuzzy-matching --ignore-obsolete'
	$(MAKE) compile

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
