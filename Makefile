# cop: `make run` starts the whole platform, `make test` runs the whole suite.
#
# Variables (set on the command line or in the environment):
#   PYTHON=python3.11        interpreter that creates the virtualenv
#   PORT=8000                port of the web server (`make run`)
#   PYTEST_ARGS=...          extra pytest arguments, e.g. PYTEST_ARGS="-k readyz -x"
#   PYTEST_PARALLEL=...      xdist options of `make test`; PYTEST_PARALLEL= runs serially
#   DATA_COMMANDS=...        manage.py commands that load reference and demo data
#   DATABASE_URL, REDIS_URL  PostgreSQL and Redis instead of the embedded default
#   USERS=50 DURATION=60 SCALE=large   `make loadtest`: locust users, seconds, seed scale
#   BENCH="pages digest"     `make bench`: which benchmarks (pages digest fanout seed)
#   BENCH_ARGS=... PROFILE_ARGS=...   options of `make bench` pages and `make profile`
#   FAULTTEST_ARGS=...       `make faulttest`, e.g. FAULTTEST_ARGS="--short --only redis-kill"
#   FILE=...                 `make restore`: the .cop-backup file to restore

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=
# pytest-xdist: one worker per core (at most 4); tests marked xdist_group share one.
PYTEST_PARALLEL ?= -n auto --maxprocesses 4 --dist loadgroup
# Both commands are idempotent: a second `make run` neither fails nor duplicates rows.
DATA_COMMANDS ?= load_privacy_framework seed_demo
# Rebuilt only when the lock or the project file changes.
SYNCED := $(VENV)/.cop-synced

USERS ?= 50
DURATION ?= 60
SCALE ?= large
FAULTTEST_ARGS ?=
# `make bench`: which benchmarks (pages digest fanout seed) and the pages' options.
BENCH ?= pages
BENCH_ARGS ?=
PROFILE_ARGS ?=

.PHONY: help install migrate data run test lint format bench profile loadtest faulttest backup restore

help:
	@echo "make run     install, migrate, load data, start web + worker + beat (PORT=$${PORT:-8000})"
	@echo "make test    run the whole test suite (PYTEST_ARGS=... for extra pytest arguments)"
	@echo "make lint    ruff check, ruff format --check and mypy (strict)"
	@echo "make format  ruff check --fix and ruff format"
	@echo "make bench   pages vs. a bare Django hello-world with wrk (BENCH=\"pages digest fanout seed\", BENCH_ARGS=...)"
	@echo "make profile where the time of one page goes, in-process (PROFILE_ARGS=...)"
	@echo "make loadtest  locust on gunicorn + PostgreSQL + Redis (USERS=50 DURATION=60 SCALE=large)"
	@echo "make faulttest the platform under failing Redis, PostgreSQL, workers and SMTP"
	@echo "make backup  write an encrypted backup into COP_BACKUP_DIR (needs COP_BACKUP_KEY)"
	@echo "make restore FILE=...  restore a backup and replay later erasures (asks first)"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create $(VENV) with $(PYTHON). On Debian: apt-get install python3.11-venv" >&2; \
	  rm -rf $(VENV); exit 1; }

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(SYNCED): uv.lock pyproject.toml | $(BIN)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --locked --inexact
	@touch $@

install: $(SYNCED)

migrate: install
	$(MANAGE) migrate --noinput

data: migrate
	@set -e; for command in $(DATA_COMMANDS); do $(MANAGE) $$command; done

run: data
	$(MANAGE) run_platform

# Two passes: the suite on every core, then the browser tests in one process of their
# own (their live server and serialized rollback must not share a worker's database
# with transaction-wrapped tests). Status 5 ("no tests collected") is fine for one
# pass when the other ran tests (e.g. PYTEST_ARGS="-k readyz"), and fails otherwise.
test: install
	@$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser" $(PYTEST_ARGS); first=$$?; \
	  $(BIN)/pytest -m browser $(PYTEST_ARGS); second=$$?; \
	  if [ $$first -eq 5 ] && [ $$second -eq 5 ]; then echo "pytest collected no tests" >&2; exit 5; fi; \
	  for status in $$first $$second; do \
	    if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; \
	  done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pages: tests.bench (wrk against gunicorn on PostgreSQL + Redis, see README); digest
# and fanout: tests.bench.digest and tests.bench.reply_fanout; seed: the large seed's
# targets. wrk is installed with apt-get when it is missing.
bench: install
	@set -e; for scenario in $(BENCH); do case $$scenario in \
	  pages) \
	    if ! command -v wrk >/dev/null; then \
	      if command -v apt-get >/dev/null; then \
	        echo "make bench: installing wrk (apt-get install wrk)"; \
	        apt-get install -y -q wrk || { echo "make bench: could not install wrk; run: sudo apt-get install wrk" >&2; exit 1; }; \
	      else \
	        echo "make bench: wrk is missing and apt-get is unavailable; install wrk (https://github.com/wg/wrk) and run again" >&2; exit 1; \
	      fi; \
	    fi; \
	    $(BIN)/python -m tests.bench $(BENCH_ARGS);; \
	  digest) $(BIN)/python -m tests.bench.digest;; \
	  fanout) $(BIN)/python -m tests.bench.reply_fanout;; \
	  seed) $(BIN)/pytest tests/bench/test_seeding_large.py $(PYTEST_ARGS);; \
	  *) echo "make bench: unknown benchmark '$$scenario' (pages digest fanout seed)" >&2; exit 2;; \
	esac; done

profile: install
	$(BIN)/python -m tests.bench.profile $(PROFILE_ARGS)

# Both need PostgreSQL on 127.0.0.1:5432 (COP_OPS_POSTGRES_URL) and redis-server; they
# create and drop their own database and start their own Redis on a free port.
loadtest: install
	$(BIN)/python -m tests.ops.loadtest --users $(USERS) --duration $(DURATION) --scale $(SCALE)

faulttest: install
	$(BIN)/python -m tests.ops.faulttest $(FAULTTEST_ARGS)

backup: install
	$(MANAGE) backup

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=path/to/cop-backup-....cop-backup" >&2; exit 2; }
	$(MANAGE) restore "$(FILE)"
