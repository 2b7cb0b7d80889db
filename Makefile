# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=wsgi.py $(BIN)/flask
HOST ?= 127.0.0.1
PORT ?= 5000
STRIPE_PORT ?= 12111
WORKERS ?= 4
# Parallel test processes; 2 suits this project's 2-core CI machine.
TEST_WORKERS ?= 2
CHROMIUM ?= /usr/bin/chromium
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: help run serve worker test test-postgres lint format bench install install-dev chromium migrate seed clean

help:
	@echo "make run     install, migrate, seed demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test    install test tools (Chromium included) and run the whole suite"
	@echo "make lint    ruff (lint and format check) and the import contracts of the layers"
	@echo "make serve   run under gunicorn with $(WORKERS) workers"
	@echo "make worker  run background jobs (RQ workers when REDIS_URL is set)"
	@echo "make bench   seed 100k ideas / 5M votes (once) and load-test on SQLite and PostgreSQL"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# Without STRIPE_SECRET_KEY the local Stripe emulator runs beside the app (stopped with it), its
# signed webhooks sent to the app with a secret made for this run.
run: seed
	@echo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop); sign in with a demo account above."
	@if [ -z "$$STRIPE_SECRET_KEY" ]; then \
		secret="whsec_local_$$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"; \
		$(BIN)/python -m challenges.payments.emulator --host 127.0.0.1 --port $(STRIPE_PORT) --webhook-backoff 0.5 \
			--webhook http://$(HOST):$(PORT)/payments/webhook --webhook-secret "$$secret" & emulator=$$!; \
		trap 'kill $$emulator 2>/dev/null' EXIT; \
		export STRIPE_SECRET_KEY=sk_test_local STRIPE_API_BASE=http://127.0.0.1:$(STRIPE_PORT) STRIPE_WEBHOOK_SECRET="$$secret"; \
		echo "Payments go to the local Stripe emulator: http://127.0.0.1:$(STRIPE_PORT)/"; \
	fi; \
	$(FLASK) run --host $(HOST) --port $(PORT) --debug --no-reload

serve: migrate
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Background jobs (mail, webhooks) on RQ workers when REDIS_URL is set; without Redis, a loop
# that runs whatever is due (jobs otherwise run inside the web process).
worker: migrate
	@if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/rq worker --url "$$REDIS_URL" --with-scheduler ideaforge; \
	else \
		$(FLASK) jobs run --loop; \
	fi

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM). Install it with:"; \
		echo "    sudo apt-get install chromium"; \
		echo "or point CHROMIUM=/path/to/chromium at another build."; exit 1; \
	fi

test: install-dev chromium
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# House rules a tool keeps: ruff's lint and format check, and import-linter's contracts (the
# layers, no import cycle, stripe only in the gateway); settings in pyproject.toml.
LINT_PATHS := app ideas voting challenges tests bench migrations wsgi.py
lint: install-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/lint-imports

# Applies ruff's fixes and formatting.
format: install-dev
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

test-postgres: install-dev chromium
	TEST_DATABASE_URL=$(PG_TEST_URL) CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Benchmarks (not part of `make test`): seeds bench databases once (instance/bench.db and the
# PostgreSQL database in BENCH_PG_URL, never the dev or test ones), then measures the app against a
# bare Flask yardstick under gunicorn with wrk. BENCH_DBS=sqlite skips PostgreSQL;
# BENCH_ARGS="--seconds 30" lengthens the rounds. Results: bench/results/<time>/, bench/RESULTS.md.
BENCH_DBS ?= sqlite postgres
BENCH_ARGS ?=
bench: install-dev
	@for db in $(BENCH_DBS); do $(BIN)/python -m bench.seed --db $$db --if-missing || exit 1; done
	$(BIN)/python -m bench.run $(foreach db,$(BENCH_DBS),--db $(db)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
