# The single way in: people and CI run the same targets.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Use a local wheel folder when the machine has one (it carries the CPU torch).
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
DEV_ENV := DJANGO_DEBUG=1

.PHONY: install run serve worker test lint fmt bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(FIND_LINKS) -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# The background worker runs beside the server and stops with it (Ctrl-C or exit).
run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py schedule_reminders
	$(DEV_ENV) $(BIN)/python manage.py schedule_forecasting
	$(DEV_ENV) $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python -m uvicorn project.asgi:application --host $(HOST) --port $(PORT)

# A background worker on its own (production runs one or more of these).
worker: install
	$(BIN)/python manage.py run_worker --no-reload

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two servers on PostgreSQL + Redis (DB clinic_bench, Redis db 5, ports 8101-8102);
# BENCH_ARGS=--quick for a smoke run. Results: bench/results/latest.json.
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
