SHELL := /bin/bash
# The LSTM Course. Two commands are the contract with users:
#   make lab    set up .venv and open JupyterLab on notebooks/
#   make test   set up .venv and run every unit test and nbval over every notebook
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

.PHONY: help setup lab test unit nbval notebooks student new-notebook lint constraints clean

help:
	@echo "make lab        set up .venv and open JupyterLab on notebooks/"
	@echo "make test       set up .venv, run unit tests and nbval over every notebook"
	@echo "make notebooks  rebuild notebooks/*.ipynb from notebooks/src and execute them"
	@echo "make student    write exercise notebooks without solutions to build/student/"
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

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_FLAGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) tests notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest tests

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL_FLAGS) notebooks

# Maintainer tools live in tools/ (not shipped in the wheel): python -m tools --help
notebooks: $(STAMP)
	$(BIN)/python -m tools build $(NB)

# build/student is this target's own output: rewriting it is expected, hence --force
student: $(STAMP)
	$(BIN)/python -m lstm_course student --out build/student --force

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

clean:
	rm -rf build .pytest_cache .ruff_cache
