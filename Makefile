# TikTok Refugee Observatory: the only entry points a user needs.
#   make run    set up, crawl the bundled synthetic demo sources, serve Datasette on 127.0.0.1:8001
#   make test   set up and run the whole test suite
# Everything installs into .venv from the pinned requirements files; nothing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= datasets/observatory.db
PORT   ?= 8001
HOST   ?= 127.0.0.1
PIP_VERSION := 26.3

.PHONY: venv run test crawl serve import bench lint clean help

help:
	@grep -E '^#   make' Makefile | sed 's/^#   //'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

## run: crawl the synthetic demo sources into $(DB), then serve it (Ctrl-C stops)
run: venv
	$(BIN)/python -m crawler.runall --demo --db $(DB) -s LOG_LEVEL=WARNING; \
	  rc=$$?; if [ $$rc -ge 2 ]; then exit $$rc; fi
	$(MAKE) --no-print-directory serve DB=$(DB)

## test: the whole suite (real Scrapy engine over loopback HTTP, real SQLite, real Datasette)
test: venv
	$(BIN)/python -m pytest

## crawl: every source against the live endpoints of the topic file
crawl: venv
	$(BIN)/python -m crawler.runall --db $(DB)

## serve: Datasette alone on an existing database
serve: venv
	$(BIN)/python -m datasette serve $(DB) --metadata datasets/metadata.yml \
	  --plugins-dir plugins --host $(HOST) --port $(PORT) --setting sql_time_limit_ms 5000

## bench: benchmark scripts (print figures; never part of make test)
bench: venv
	$(BIN)/python bench/bench_pipeline.py

## lint: ruff
lint: venv
	$(BIN)/ruff check crawler pipelines plugins tests bench

clean:
	rm -rf $(VENV) .pytest_cache
