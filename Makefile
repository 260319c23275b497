SHELL := /bin/bash
# The LSTM Course. Two commands are the contract with users:
#   make lab    set up .venv and open JupyterLab on notebooks/
#   make test   set up .venv and run every unit test and nbval over every notebook
# CI also runs `make test-colab`: the course on Colab's versions (colab-constraints.txt).
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

# The website (`make site`): Sphinx + MyST-NB + the Sphinx Book Theme, and Selenium for its
# headless-Chromium check, in a venv of their own pinned by site-constraints.txt.
SITE_VENV  ?= .venv-site
SITE_STAMP := $(SITE_VENV)/.installed
SITE_PACKAGES := myst-nb sphinx-book-theme selenium numpy pytest

.PHONY: help setup grading lab test unit nbval notebooks student instructors new-notebook lint constraints grading-constraints colab-constraints test-colab clean site site-setup site-check site-constraints browser lab-check

help:
	@echo "make lab        set up .venv and open JupyterLab on notebooks/"
	@echo "make test       set up .venv, run unit tests and nbval over every notebook"
	@echo "make notebooks  rebuild notebooks/*.ipynb from notebooks/src and execute them"
	@echo "make student    student notebooks, no solutions, in build/student/ [FORMAT=nbgrader|otter BADGE_BASE=URL]"
	@echo "make instructors  regenerate INSTRUCTORS.md's exercise tables"
	@echo "make new-notebook NN=06 SLUG=weather [TITLE=... IDEA=...]  start the next notebook"
	@echo "make lint       ruff on the package, tests and notebooks"
	@echo "make site       the course as a static website in build/site/ (stored outputs, no re-execution)"
	@echo "make site-check every page of build/site in headless Chromium (needs: make browser)"
	@echo "make lab-check  notebook 00 run through JupyterLab's UI in headless Chromium"
	@echo "make test-colab the package, unit tests and every notebook on Colab's versions, in .venv-colab"

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

# Colab's stack (colab-constraints.txt) in a fresh .venv-colab on Python 3.13 (COLAB_PYTHON=...
# to choose; the newest Python found otherwise, said loudly): install the package as the
# setup cell does and fail if pip would change a Colab package, run the unit tests, execute
# every notebook. COLAB_FLAGS: e.g. --only 00 05, --student, --reuse-venv (see the script).
test-colab:
	$(PYTHON) -m tools.colab_mirror $(COLAB_FLAGS)

# Rewrite colab-constraints.txt from a newer Colab `pip freeze` (googlecolab/backend-info):
# make colab-constraints FREEZE=pip-freeze.txt SOURCE=URL-at-commit DATE=YYYY-MM-DD COLAB_PY=3.13.x
# (after a `make test-colab`, its venv's packages count too; run test-colab again afterwards)
colab-constraints:
	$(PYTHON) -m tools.colab_constraints $(FREEZE) --source "$(SOURCE)" --date $(DATE) --python "$(COLAB_PY)" \
		$(if $(wildcard build/colab/pip-freeze.txt),--installed build/colab/pip-freeze.txt)

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

# The website of the executed notebooks, from their stored outputs: build/site/index.html.
site-setup: $(SITE_STAMP)

$(SITE_STAMP): site-constraints.txt
	rm -rf $(SITE_VENV)
	$(PYTHON) -m venv $(SITE_VENV)
	set -o pipefail; $(SITE_VENV)/bin/python -m pip install -q -c site-constraints.txt $(SITE_PACKAGES) 2>&1 | $(PIP_QUIET)
	touch $(SITE_STAMP)

site: $(SITE_STAMP)
	$(SITE_VENV)/bin/python -m tools.site

# Loads every page in headless Chromium; screenshots go to build/site-check/.
site-check: site
	SITE_CHECK_REQUIRED=1 $(SITE_VENV)/bin/python -m pytest --noconftest -p no:cacheprovider tests/test_site.py

# `make lab`'s JupyterLab (.venv) driven by headless Chromium (Selenium from .venv-site): notebook
# 00, copied to a temporary folder, run with Run -> Run All Cells; no cell may show an error.
lab-check: $(STAMP) $(SITE_STAMP)
	SITE_CHECK_REQUIRED=1 LAB_JUPYTER=$(BIN)/jupyter $(SITE_VENV)/bin/python -m pytest --noconftest -p no:cacheprovider tests/test_lab_browser.py

# Debian's Chromium and ChromeDriver for the browser checks (root, or sudo).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@chromium --version && chromedriver --version

site-constraints:
	rm -rf $(SITE_VENV).fresh
	$(PYTHON) -m venv $(SITE_VENV).fresh
	set -o pipefail; $(SITE_VENV).fresh/bin/python -m pip install -q $(SITE_PACKAGES) 2>&1 | $(PIP_QUIET)
	@{ echo "# Exact versions of the website tools in .venv-site (make site, make site-check): Sphinx + MyST-NB"; \
	   echo "# + the Sphinx Book Theme (Jupyter Book 1.x's engine), Selenium for the headless-Chromium check,"; \
	   echo "# numpy for lstm_course.course. MathJax comes from npm (pinned with its sha512 in tools/site.py)."; \
	   echo "# Regenerate: make site-constraints."; \
	   $(SITE_VENV).fresh/bin/python -m pip freeze | grep -v -iE "^(pip|setuptools|wheel)=="; } > site-constraints.txt
	rm -rf $(SITE_VENV).fresh

clean:
	rm -rf build .pytest_cache .ruff_cache
