# Two commands on a fresh machine: `make sandbox` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
# The catalogues compiled, and the part of babel's CLDR data the bot formats with (bot/i18n.py).
COMPILED := $(CATALOGS:.po=.mo) $(patsubst %/LC_MESSAGES/messages.po,%/cldr.pickle,$(CATALOGS))

.PHONY: setup lock test test-shifted lint run sandbox i18n compile bench clean

# The danger model's training loop in C (bot/safety/adagrad.c): the same floats as its Python
# loop, a whole training ~3× faster; without a C compiler the model trains in Python.
ADAGRAD := $(VENV)/safety_adagrad.so

setup: $(STAMP) $(COMPILED) $(ADAGRAD)

$(ADAGRAD): bot/safety/adagrad.c $(STAMP)
	cc -O2 -ffp-contract=off -shared -fPIC -o $@ $< -lm || echo "no C compiler: the danger model trains in Python"

# Exactly the versions in requirements.lock, checked by hash (pip, setuptools and wheel too);
# then the project itself, editable, built with those locked tools and nothing downloaded.
# Reinstall only when the lock or the project's metadata change.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python scripts/check_lock.py --prune requirements.lock
	touch $(STAMP)

# Resolve pyproject.toml's ranges (and the install tools) into exact versions with hashes,
# for every platform and Python 3.11. Run after changing a dependency; commit the result.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml requirements/tools.in --extra dev --generate-hashes \
		--universal --python-version 3.11 --quiet -o requirements.lock

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales -D messages -l $*

locales/%/cldr.pickle: bot/i18n.py $(STAMP)
	$(BIN)/python -c "from bot.i18n import write_cldr_subset; write_cldr_subset('$*')"

compile: $(COMPILED)

# Style, lint and types: `ruff format` decides the layout, mypy checks the whole code base
# (pyproject's [tool.mypy]; its list of modules not yet clean only shrinks).
lint: setup
	$(BIN)/ruff format --check --quiet .
	$(BIN)/ruff check .
	$(BIN)/mypy

# On both cores (pytest-xdist): tests that share a costly fixture are kept in one worker by
# their `xdist_group` (tests/test_safety_corpus.py).
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadgroup

test: setup lint
	$(PYTEST)

# The whole suite again with the real clock moved (libfaketime, Debian's `faketime`) into quiet
# hours just before a new year: 23:50 on 31 December in Ho Chi Minh City, so the run crosses
# midnight and the year. No test may depend on the hour or the date; CI runs this after `test`.
# FAKETIME is the offset from now to SHIFTED_START, computed once: the suite and every process it
# starts (a bot under test) share one clock (an '@…' start would restart each child's clock at
# SHIFTED_START, minutes behind the suite's). The monotonic clock stays real (Python's
# timed waits hang otherwise) and scripts/faketime_monotonic_fix.c works around libfaketime's
# monotonic sleeps and waits. LD_PRELOAD reaches the bot processes the tests start, too.
SHIFTED_START ?= 2026-12-31 16:50:00
PYTEST_ARGS ?=
FAKETIME_LIB = $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1))
SLEEP_FIX := $(VENV)/faketime_monotonic_fix.so

$(SLEEP_FIX): scripts/faketime_monotonic_fix.c $(STAMP)
	cc -O2 -shared -fPIC -o $@ $< -ldl

test-shifted: setup $(SLEEP_FIX)
	@test -n "$(FAKETIME_LIB)" || { echo "libfaketime missing: apt-get install faketime"; exit 2; }
	OFFSET=$$(python3 -c "import datetime as d, time; print(f'{int(d.datetime.fromisoformat(\"$(SHIFTED_START)+00:00\").timestamp() - time.time()):+d}')") && \
	LD_PRELOAD="$(abspath $(SLEEP_FIX)) $(FAKETIME_LIB)" FAKETIME="$$OFFSET" \
		FAKETIME_DONT_FAKE_MONOTONIC=1 TZ=UTC $(PYTEST) $(PYTEST_ARGS)

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
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo locales/*/cldr.pickle
