# The two commands: `make run` and `make test`. Everything they need, they install.
SHELL := /bin/bash
VENV := .venv
FLASK := $(VENV)/bin/flask --app wsgi
SAMPLE := data/salaries_aijobs_2020_2024.csv

# What supervisord reads (scripts/supervisord.conf), for `make run` only; e.g. `make run SALARYGUIDE_WORKERS=3`.
run status: export SALARYGUIDE_INSTANCE_PATH ?= $(CURDIR)/instance
run status: export SALARYGUIDE_WORKERS ?= 1
run status: export SALARYGUIDE_FEED_URL ?= $(CURDIR)/data/feeds/jobposting.html

.PHONY: run status test install install-test db sample bench cluster lint lock clean deploy-check

run: install db sample ## Install, migrate, load the sample data, then start Redis, web, workers, scheduler and mail sink
	@echo "Starting on http://127.0.0.1:8000 (Ctrl-C stops everything)"
	@mkdir -p "$(SALARYGUIDE_INSTANCE_PATH)"
	@exec $(VENV)/bin/supervisord -c scripts/supervisord.conf

status: ## While `make run` runs: each process, its pid and uptime
	@$(VENV)/bin/supervisorctl -c scripts/supervisord.conf status

test: install-test ## Install what the tests need and run the whole suite
	scripts/test.sh

install:
	@scripts/install-system.sh
	@scripts/install-python.sh

install-test:
	@scripts/install-system.sh --test
	@scripts/install-python.sh test
	@scripts/install-node.sh

db: install
	@$(FLASK) db upgrade

sample: db
	@$(FLASK) salaries import $(SAMPLE) --format aijobs --if-empty

bench: install-test ## Benchmarks: figures and ratios (see docs/benchmarks.md)
	@scripts/install-system.sh --bench
	$(VENV)/bin/python -m bench

lock: install-test ## Pin every dependency again from pyproject.toml (uv), for `make run` and `make test`
	$(VENV)/bin/pip install -q uv
	$(VENV)/bin/uv pip compile -q pyproject.toml --python-version 3.11 -o requirements/run.lock
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra test --python-version 3.11 -o requirements/test.lock

cluster: install-test ## A benchmark: 2 gunicorn nodes (then 1) behind nginx, 3 workers, scheduler, a bucket; load through nginx
	@scripts/install-system.sh --bench
	$(VENV)/bin/python -m bench.cluster

deploy-check: install-test ## Check deploy/ statically: systemd-analyze verify, nginx -t, compose schema, hadolint
	$(VENV)/bin/python scripts/deploy_check.py

lint:
	$(VENV)/bin/ruff check service workers pdf tests bench

clean:
	rm -rf instance .pytest_cache
