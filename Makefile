# Two commands on a fresh machine: `make site` and `make test` (see README.md).
VENV      := .venv
BIN       := $(VENV)/bin
INFOPAGES := $(BIN)/infopages
VNU_JAR   := .tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: site test fuzz setup system-deps test-deps golden bench act bench-a11y bench-check clean

site: setup system-deps
	$(INFOPAGES) update
	$(INFOPAGES) build
	$(INFOPAGES) check
	@echo "Site: $(CURDIR)/site/index.html"
	@echo "Accessibility report: $(CURDIR)/reports/a11y/report.html ($(CURDIR)/reports/a11y/results.json)"

test: setup test-deps
	@start=$$(date +%s); $(BIN)/python -m pytest; status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

# A long run of the differential test (incremental build = full build): hours.
# Hypothesis keeps what it finds in .hypothesis/ and replays it first next time;
# add every failure's steps to REGRESSIONS in the test file.
fuzz: setup
	INFOPAGES_FUZZ=1 $(BIN)/python -m pytest tests/engine/test_differential.py

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@PY=$$(scripts/find-python) && echo "Using $$PY" && "$$PY" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

system-deps:
	@scripts/system-deps

test-deps: $(VNU_JAR)
	@scripts/system-deps --test

$(VNU_JAR):
	@scripts/system-deps --test
	@mkdir -p .tools
	cd .tools && npm install --silent --no-audit --no-fund vnu-jar@26.9.27 >/dev/null

# Regenerate the golden files under tests/golden/ after an intended change.
golden: setup
	$(BIN)/python -m tests.golden

# Figures, not tests: see benchmarks/README.md.
bench: setup system-deps
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/build_bench.py --news 1000 --news 10000 --repeat 5
	$(BIN)/python benchmarks/merge_bench.py
	$(BIN)/python benchmarks/serve_reload.py
	$(BIN)/python benchmarks/a11y_throughput.py
	$(BIN)/python benchmarks/check_speed.py --slow --synthetic 1000

# Every W3C ACT rules test case axe maps, through our checker and plain axe.
act: setup system-deps
	$(BIN)/python benchmarks/act_rules.py

bench-a11y: setup system-deps
	$(BIN)/python benchmarks/a11y_throughput.py

# Cold check of the demo, the old checker and this one in one run (see benchmarks/README.md).
bench-check: setup system-deps
	$(BIN)/python benchmarks/check_speed.py --slow

clean:
	rm -rf site reports .infopages-cache
