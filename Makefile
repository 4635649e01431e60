# Two commands for a newcomer: `make demo` (score demo data on DuckDB) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
LEADS ?= 10000

# Telemetry off and a per-project PREFECT_HOME come from one place, flows/leadscore/environment.py
# (the CLI and the tests apply it; dbt_project.yml's flag covers the bare dbt commands of `lint`).

.PHONY: setup demo test test-fast test-lane lint format clean

setup: $(VENV)/.installed

# Installs the versions tested together (requirements.lock), then this project without deps.
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Demo data, half a year of score history (every 45th day, so the calibration report has scores
# older than its 90-day conversion window), then today's daily run and report.
demo: setup
	$(BIN)/leadscore demo-data --leads $(LEADS)
	$(BIN)/leadscore backfill --start $$(date -u -d '180 days ago' +%F) --end $$(date -u -d yesterday +%F) --every 45 --force
	$(BIN)/leadscore run

# pytest includes the lint checks below (tests/python/project/test_project_hygiene.py) and, when a
# PostgreSQL server is reachable (LEADSCORE_PG_*), the same project on Postgres and Spark.
# Tests sharing a module's build stay in one worker (loadfile); the costliest modules start
# first (conftest.py COSTLIEST_MODULES). Three workers on two cores:
# with two, the cores idle a third of the time (subprocess start-ups, Spark, PostgreSQL waits).
TEST_WORKERS ?= 3
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# While you work: pure Python tests and every dbt unit test on an empty build (about a minute).
test-fast: setup
	$(BIN)/pytest -m fast

# One lane at a time (tests/python/<lane>/): make test-lane LANE=dbt (unit, dbt, flow, engines, project).
LANE ?= dbt
test-lane: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder tests/python/$(LANE)

# ruff over the Python (`make format` fixes what it can), sqlfluff over models/ and macros/,
# then dbt-bouncer's conventions on the parsed project.
lint: setup
	$(BIN)/ruff check flows tests bench
	$(BIN)/ruff format --check flows tests bench
	$(BIN)/sqlfluff lint models macros
	$(BIN)/dbt parse --quiet
	$(BIN)/dbt-bouncer --config-file dbt-bouncer.yml

format: setup
	$(BIN)/ruff check --fix flows tests bench
	$(BIN)/ruff format flows tests bench

clean:
	rm -rf target logs warehouse data/landing .prefect
