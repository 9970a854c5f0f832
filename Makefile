# TikTok Refugee Observatory: the only entry points a user needs.
#   make run    set up, crawl the bundled synthetic demo sources, serve Datasette on 127.0.0.1:8001
#   make test   set up and run the whole test suite
# Everything installs into .venv from the pinned requirements files; nothing by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= datasets/observatory.db
# The demo has a database of its own: demo and live data never share one.
DEMO_DB ?= datasets/demo.db
PORT   ?= 8001
HOST   ?= 127.0.0.1
# The demo sources' port is part of every demo URL (and so of every id): keep it fixed so a
# second `make run` updates the same rows instead of adding copies under another port.
DEMO_PORT ?= 8765
PIP_VERSION := 26.3

.PHONY: venv run test test-fast crawl cluster serve publish import bench lint clean help cron cron-install replay forget export methods

## help: this list (also what `make` alone prints)
help:
	@grep -E '^## [a-z-]+:' Makefile | sed -e 's/^## /make /' -e 's|\$$(DEMO_DB)|$(DEMO_DB)|g' -e 's|\$$(DB)|$(DB)|g'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## venv: build .venv from the pinned requirements (every other target does this first)
venv: $(BIN)/.installed

## run: crawl the synthetic demo sources into $(DEMO_DB), then serve it (Ctrl-C stops)
run: venv
	$(BIN)/python -m crawler.ops.runall --demo --demo-port $(DEMO_PORT) --db $(DEMO_DB) -s LOG_LEVEL=WARNING; \
	  rc=$$?; if [ $$rc -ge 2 ]; then exit $$rc; fi
	@echo "open http://$(HOST):$(PORT)  (Datasette on $(DEMO_DB); Ctrl-C stops)"
	@$(MAKE) --no-print-directory serve DB=$(DEMO_DB)

## test: the whole suite (real Scrapy engine over loopback HTTP, real SQLite, real Datasette)
test: venv
	$(BIN)/python -m pytest -n 2

## test-fast: the suite without the slow end-to-end tests (marked `slow`: kills, cron, replay, live serving)
test-fast: venv
	$(BIN)/python -m pytest -n 2 -m "not slow"

## cluster: near-duplicate clustering of every stored document without a cluster yet (runs after each make crawl)
cluster: venv
	$(BIN)/python -m crawler.ops.cluster --db $(DB)

## crawl: every source against the live endpoints of the topic file (WORKERS=N: N workers on a Redis frontier, one writer; docs/scaling.md)
crawl: venv
ifdef WORKERS
	$(BIN)/python -m crawler.ops.scaleout --workers $(WORKERS) --db $(DB)
else
	$(BIN)/python -m crawler.ops.runall --db $(DB)
endif

## serve: Datasette alone on an existing database
# Search pages at 1M posts (bench/bench_datasette.py): no facet suggestions (they try every column
# over every match), a facet gives up after 150 ms (the page says it timed out), 10 values a facet.
DATASETTE_SETTINGS := --setting sql_time_limit_ms 5000 --setting suggest_facets off \
  --setting facet_time_limit_ms 150 --setting default_facet_size 10
serve: venv
	$(BIN)/python -m datasette serve $(DB) --metadata datasets/metadata.yml \
	  --plugins-dir plugins --host $(HOST) --port $(PORT) $(DATASETTE_SETTINGS)

## publish: serve $(DB) read-only for the public (immutable, no arbitrary SQL, capped results; BLOCK_ROBOTS=1)
publish: venv
	$(BIN)/python -m crawler.ops.publish --db $(DB) --host $(HOST) --port $(PORT) $(if $(BLOCK_ROBOTS),--block-robots)

## import: a Zeeschuimer NDJSON export or a MediaCrawler JSON/JSONL/CSV/SQLite export into $(DB) (format detected)
import: venv
	@test -n "$(FILE)" || { echo "usage: make import FILE=zeeschuimer-export-....ndjson | MediaCrawler .json/.jsonl/.csv/.db" >&2; exit 2; }
	@test -r "$(FILE)" || { echo "error: cannot read $(FILE)" >&2; exit 2; }
	@spider=$$($(BIN)/python -m crawler.ops.import_kind "$(FILE)") || exit 2; \
	  echo "importing $(FILE) with the $$spider spider"; \
	  $(BIN)/python -m scrapy crawl $$spider -a path="$(FILE)" -s OBSERVATORY_DB=$(DB)

## bench: benchmark scripts (print figures; never part of make test)
bench: venv
	$(BIN)/python bench/bench_pipeline.py

## cron: print the crontab line for a nightly crawl (scripts/cron-crawl.sh: lock, dated logs)
CRON_SCHEDULE ?= 17 3 * * *
CRON_LINE = $(CRON_SCHEDULE) DB=$(abspath $(DB)) $(CURDIR)/scripts/cron-crawl.sh  \# observatory-crawl
cron:
	@echo '$(CRON_LINE)'

## cron-install: put that line into your crontab (idempotent: replaces an earlier observatory line)
cron-install:
	@( crontab -l 2>/dev/null | grep -v '# observatory-crawl$$'; echo '$(CRON_LINE)' ) | crontab -
	@echo "installed: $(CRON_LINE)"

## replay: re-run an archived crawl through today's parsers and pipelines (make replay WARC=path [DB=...])
replay: venv
	@test -n "$(WARC)" || { echo "usage: make replay WARC=datasets/archive/<run_id>.warc.gz [DB=...]"; exit 2; }
	$(BIN)/python -m crawler.ops.replay $(WARC) --db $(DB)

## forget: takedown - make forget URL=... or make forget AUTHOR=handle [PLATFORM=mastodon]
forget: venv
	@test -n "$(URL)$(AUTHOR)" || { echo "usage: make forget URL=... | AUTHOR=handle [PLATFORM=...]"; exit 2; }
	$(BIN)/python -m crawler.ops.forget --db $(DB) $(if $(URL),--url '$(URL)') $(if $(AUTHOR),--author '$(AUTHOR)') $(if $(PLATFORM),--platform '$(PLATFORM)') $(if $(DELETE_WARCS),--delete-warcs)

## export: NDJSON, CSV (UTF-8 with a BOM), Parquet, datapackage.json and METHODS.md of $(DB) into OUT=... (default exports/<db name>)
export: venv
	$(BIN)/python -m crawler.ops.export --db $(DB) $(if $(OUT),--out '$(OUT)')

## methods: print the methods statement of $(DB): sources and queries, topic terms, window, counts, rules, versions, run ids
methods: venv
	@$(BIN)/python -m crawler.ops.methods --db $(DB)

## lint: ruff check and ruff format --check (CI runs the same)
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## clean: remove .venv and the pytest cache (databases and archives are kept)
clean:
	rm -rf $(VENV) .pytest_cache
