# Newsroom: `make run` serves the demo site, `make test` runs the whole suite.
# Both start from nothing: they create .venv and install the pinned requirements.

SHELL := /bin/bash
PYTHON ?= $(or $(shell command -v python3.13 2>/dev/null),$(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13)),python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lock lint format clean bench bench-moderation bench-readership lighthouse screenshots drills drill-load drill-redis drill-postgres drill-smtp

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else "Newsroom needs Python 3.13 (see .python-version); set PYTHON=/path/to/python3.13")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements-dev.txt
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.txt
	touch $@

# The page checkers (axe-core, vnu.jar) come from npm; without npm the tests that
# need them are skipped (or fail in CI), so a missing npm does not stop `make`.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent --ignore-scripts
	touch $@

install: $(VENV)/.installed $(if $(shell command -v npm 2>/dev/null),node_modules/.installed)

# Links (feeds, mail, the Sites domain load_demo sets for "View on site") name the port
# served, unless SITE_URL is set: newsroom.run gives its three processes the same.
run: install
	$(BIN)/python manage.py migrate --noinput
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py load_demo
	$(BIN)/python -m newsroom.run --port $(PORT)   # web server, task worker and newsletter scheduler

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production stack under load (not a test; about 6 minutes, 4–5 once seeded): installs wrk
# and nginx from Debian's packages if missing, seeds PostgreSQL's newsroom_bench, starts granian
# and nginx on 127.0.0.1, runs wrk and prints one table (also bench/results/latest.md). Needs
# PostgreSQL and Redis on 127.0.0.1 (5432, 6379). `make bench BENCH_ARGS=--quick` for 3-second runs.
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.moderation
	$(BIN)/python -m bench.readership $(filter --quick,$(BENCH_ARGS)) $(BENCH_READERSHIP_ARGS)

# The moderators' queue on 200,000 comments, 10,000 waiting (bench/moderation.py): each tab's
# and scope's first page through Django's test client, median, p95 and SQL queries; prints one
# table (also bench/results/moderation.md). PostgreSQL's newsroom_bench_moderation is built
# once (1-2 minutes), then reused. BENCH_MODERATION_ARGS=--compare also measures without the
# queue's indexes (comments/migrations/0006), --explain writes the slowest queries' plans.
bench-moderation: install
	$(BIN)/python -m bench.moderation $(BENCH_MODERATION_ARGS)

# Readership beacons under load (bench/readership.py, issue 18's bar): readers load the story page
# through nginx with wrk, 30 s alone, then 60 s beside 2,000 beacons a second from 200 client
# addresses (bench/beacons.py); a fold, and the views added in PostgreSQL against the beacons
# answered. Prints one table (also bench/results/readership.md) and exits 1 if a bar is missed.
# Same stack and database as `make bench`, which runs it too; BENCH_READERSHIP_ARGS=--quick for
# 5 and 10 seconds.
bench-readership: install
	$(BIN)/python -m bench.readership $(BENCH_READERSHIP_ARGS)

# Lighthouse (mobile, its defaults) on home, a story, a section and a search of the demo newsroom,
# served as in production (bench/demo_site.py: granian, nginx, collected static files); prints
# the four scores of each page and what cost points, and exits 1 if any is under 100.
# About a minute (more on a busy machine); needs Chromium and npm.
lighthouse: install
	$(BIN)/python -m bench.lighthouse

# docs/screenshots/<page>-<width>.png: every reader page type of the demo newsroom at 390 and
# 1366 px wide, taken with Chromium from the same production-like site (about a minute).
screenshots: install
	$(BIN)/python -m bench.screenshots

# Resilience drills (docs/reliability.md), not tests: each seeds PostgreSQL's newsroom_drill
# (the PostgreSQL drill a throwaway cluster of its own), starts what it needs on 127.0.0.1,
# prints a result block ending in PASS or FAIL, and stops everything it started.
DRILL_DB ?= postgres://postgres@127.0.0.1:5432/newsroom_drill
drill-load: install
	$(BIN)/python -m bench.drills.load --database-url $(DRILL_DB) $(DRILL_ARGS)

drill-redis: install
	$(BIN)/python -m bench.drills.redis_outage --database-url $(DRILL_DB) $(DRILL_ARGS)

drill-postgres: install
	$(BIN)/python -m bench.drills.postgres_restart $(DRILL_ARGS)

drill-smtp: install
	$(BIN)/python -m bench.drills.smtp_outage --database-url $(DRILL_DB) $(DRILL_ARGS)

drills: drill-load drill-postgres drill-smtp drill-redis

# ruff, and the direction of imports between the apps ([tool.importlinter] in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-pin every dependency after editing pyproject.toml.
lock: install
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links --allow-unsafe --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .import_linter_cache
