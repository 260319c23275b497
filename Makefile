SHELL := /bin/bash
# The LSTM Course. Two commands are the contract with users:
#   make lab    set up .venv and open JupyterLab on notebooks/
#   make test   set up .venv and run every unit test and nbval over every notebook
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader and Otter, which the tests run on every notebook, in a venv of their own:
# otter-grader needs wrapt < 2, TensorFlow's pin in constraints.txt is wrapt 2.
GRADING_VENV  ?= .venv-grading
GRADING_STAMP := $(GRADING_VENV)/.installed
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
# `make student FORMAT=nbgrader BADGE_BASE=https://...`: plain (default), nbgrader or otter
FORMAT ?= plain
STUDENT_DIR ?= build/student$(if $(filter-out plain,$(FORMAT)),-$(FORMAT))
PIP_QUIET := { grep -v "is ignored: it is neither a file nor a directory" || true; }

.PHONY: help setup grading lab test unit nbval notebooks student instructors new-notebook lint constraints grading-constraints clean

help:
	@echo "make lab        set up .venv and open JupyterLab on notebooks/"
	@echo "make test       set up .venv, run unit tests and nbval over every notebook"
	@echo "make notebooks  rebuild notebooks/*.ipynb from notebooks/src and execute them"
	@echo "make student    student notebooks, no solutions, in build/student/ [FORMAT=nbgrader|otter BADGE_BASE=URL]"
	@echo "make instructors  regenerate INSTRUCTORS.md's exercise tables"
	@echo "make new-notebook NN=06 SLUG=weather [TITLE=... IDEA=...]  start the next notebook"
	@echo "make lint       ruff on the package, tests and notebooks"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	set -o pipefail; $(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]" 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	$(BIN)/python -c "import importlib.util as u; missing = [m for m in ('lstm_course', 'tensorflow', 'keras', 'nbval', 'jupyterlab') if u.find_spec(m) is None]; assert not missing, f'not installed: {missing}'"
	touch $(STAMP)

# The graders' venv: rebuilt from scratch whenever grading-constraints.txt changes.
grading: $(GRADING_STAMP)

$(GRADING_STAMP): grading-constraints.txt
	rm -rf $(GRADING_VENV)
	$(PYTHON) -m venv $(GRADING_VENV)
	set -o pipefail; $(GRADING_VENV)/bin/python -m pip install -q -c grading-constraints.txt nbgrader otter-grader 2>&1 | $(PIP_QUIET)
	$(GRADING_VENV)/bin/nbgrader --version > /dev/null && $(GRADING_VENV)/bin/otter --version > /dev/null
	touch $(GRADING_STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_FLAGS)

# Slow tests (student notebooks run top to bottom, the real graders on every notebook) are
# marked `slow`: `make unit PYTEST_FLAGS='-m "not slow"'` leaves them out.
test: $(STAMP) $(GRADING_STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) $(PYTEST_FLAGS) tests notebooks

unit: $(STAMP) $(GRADING_STAMP)
	$(BIN)/python -m pytest $(PYTEST_FLAGS) tests

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) notebooks

# Maintainer tools live in tools/ (not shipped in the wheel): python -m tools --help
notebooks: $(STAMP)
	$(BIN)/python -m tools build $(NB)

# build/student* is this target's own output: rewriting it is expected, hence --force
student: $(STAMP)
	$(BIN)/python -m lstm_course student $(STUDENT_DIR) --force --format $(FORMAT) $(if $(BADGE_BASE),--badge-base "$(BADGE_BASE)")

instructors: $(STAMP)
	$(BIN)/python -m tools instructors

new-notebook: $(STAMP)
	$(BIN)/python -m tools new-notebook $(NN) $(SLUG) $(if $(TITLE),--title "$(TITLE)") $(if $(IDEA),--idea "$(IDEA)")

lint: $(STAMP)
	$(BIN)/ruff check lstm_course tools tests notebooks conftest.py
	$(BIN)/ruff format --check lstm_course tools tests conftest.py

constraints: $(STAMP)
	@{ echo "# Exact versions used by make and CI; stored notebook outputs are generated against these."; \
	   echo "# Regenerate: make constraints (from a fresh .venv), then make notebooks."; \
	   $(BIN)/python -m pip freeze --exclude-editable | grep -v -iE "^(pip|setuptools|wheel)=="; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

# Regenerate grading-constraints.txt from a fresh venv with the newest nbgrader and Otter.
grading-constraints:
	rm -rf $(GRADING_VENV).fresh
	$(PYTHON) -m venv $(GRADING_VENV).fresh
	set -o pipefail; $(GRADING_VENV).fresh/bin/python -m pip install -q nbgrader otter-grader 2>&1 | $(PIP_QUIET)
	@{ echo "# Exact versions of the grading tools (nbgrader, Otter) in .venv-grading, which make test uses"; \
	   echo "# to check that both accept every notebook. A separate venv: otter-grader needs wrapt<2,"; \
	   echo "# TensorFlow's pin in constraints.txt is wrapt 2. Regenerate: make grading-constraints."; \
	   $(GRADING_VENV).fresh/bin/python -m pip freeze | grep -v -iE "^(pip|setuptools|wheel)=="; } > grading-constraints.txt
	rm -rf $(GRADING_VENV).fresh

clean:
	rm -rf build .pytest_cache .ruff_cache
