"""The course as a static website: ``python -m tools.site`` (``make site``) -> build/site/.

The site is the executed notebooks with their STORED outputs (nothing is re-executed),
rendered by Sphinx + MyST-NB with the Sphinx Book Theme (the engine of Jupyter Book 1.x,
without its wrapper), plus a home page with the course map from ``lstm_course.course`` and
the instructor guide. Everything the pages need is served from the site itself, so it reads
offline: MathJax 3 (from the npm registry, version and sha512 pinned below) and a local copy
of the "Open in Colab" badge image (the badge still links to Colab).

Steps: stage build/site-src/ (conf.py, index.md, INSTRUCTORS.md, notebooks/*.ipynb in the
course order of ``lstm_course.course.LESSONS``, MathJax under _static/), then
``sphinx-build -b html``. Exit codes: 0 built, 1 the build failed, 2 a missing tool or input.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from lstm_course.course import BADGE_IMAGE, LESSONS, Lesson, colab_url, prerequisites_text

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"
ASSETS = Path(__file__).resolve().parent / "site_assets"
DEFAULT_OUT = REPO_ROOT / "build" / "site"
DEFAULT_SRC = REPO_ROOT / "build" / "site-src"
CACHE = REPO_ROOT / "build" / "site-cache"

# MathJax 3 from the npm registry (`npm pack mathjax@3.2.2`); the tarball is checked against
# this sha512 before use. MathJax 3 is self-contained (its fonts ship in the package), MathJax
# 4 loads its fonts from a CDN unless a font package is configured, hence 3.
MATHJAX_VERSION = "3.2.2"
MATHJAX_SHA512 = (
    "06df9249553c7811b6ef30a155ec0e89c62ced7b1db78d2a9b8f94a47c97ee4d"
    "3f3bd36588f73ec7bee4d7f144b0fb2328f64626fb5164cd6f3be81e5b43a11b"
)
# What the site needs from the package's es5/ folder: the TeX-to-HTML bundle and what it loads
# on demand (TeX extensions, CHTML fonts, the context menu and its accessibility parts).
MATHJAX_PARTS = ("tex-chtml.js", "input", "output/chtml", "a11y", "ui", "sre")
MATHJAX_DIR = "mathjax"  # under _static/


class SiteError(Exception):
    """A problem the user can fix; the message says how."""


def repository(root: Path = REPO_ROOT) -> str:
    """ "owner/name" from pyproject's [project.urls] Repository."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^Repository\s*=\s*"https://github\.com/([^/"]+/[^/"]+?)/?"', text, re.M)
    if not match:
        raise SiteError(
            'pyproject.toml needs [project.urls] Repository = "https://github.com/OWNER/NAME"'
        )
    return match.group(1)


def course_pages(notebooks: Path = NOTEBOOKS) -> list[Lesson]:
    """Lessons whose executed notebook exists, in course order; unknown notebooks are an error."""
    known = {lesson.file for lesson in LESSONS}
    strays = sorted(p.name for p in notebooks.glob("[0-9][0-9]_*.ipynb") if p.name not in known)
    if strays:
        raise SiteError(
            f"notebooks not in the course map (lstm_course/course.py LESSONS): {strays}; "
            "register them with `python -m tools new-notebook` or rename them"
        )
    pages = [lesson for lesson in LESSONS if (notebooks / lesson.file).is_file()]
    if not pages:
        raise SiteError(f"no executed notebooks in {notebooks}: run `make notebooks` first")
    for lesson in pages:
        nb = json.loads((notebooks / lesson.file).read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and c["source"]]
        if code and not any(c.get("outputs") for c in code):
            raise SiteError(
                f"{lesson.file} has no stored outputs: the site shows stored outputs only, "
                f"run `make notebooks NB={lesson.number:02d}` first"
            )
    return pages


def course_map(pages: list[Lesson], owner_repo: str, badge: str) -> str:
    """The course map table: a row per lesson, a link and a Colab badge for each built page."""
    built = {lesson.number for lesson in pages}
    rows = [
        "| # | notebook | the idea | after | study | CPU run |",
        "|---|---|---|---|---|---|",
    ]
    for lesson in LESSONS:
        if lesson.number in built:
            name = (
                f"[{lesson.title}](notebooks/{lesson.file}) "
                f"[![Open In Colab]({badge})]({colab_url(lesson, owner_repo)})"
            )
            run = f"≤ {lesson.run_budget_s} s"
        else:
            name, run = f"{lesson.title} *(coming soon)*", "—"
        rows.append(
            f"| {lesson.number:02d} | {name} | {lesson.idea} | {prerequisites_text(lesson)} "
            f"| {lesson.study_minutes} min | {run} |"
        )
    return "\n".join(rows) + "\n"


def readme_section(readme: str, heading: str | None) -> str:
    """README's text before the first "## " heading (None), or one "## heading" section."""
    if heading is None:
        body = readme.split("\n## ", 1)[0]
        return re.sub(r"^# .*\n", "", body).strip() + "\n"
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    if not match:
        raise SiteError(f"README.md has no '## {heading}' section for the home page")
    return match.group(1).strip() + "\n"


def index_page(pages: list[Lesson], owner_repo: str) -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    toc = "\n".join(f"notebooks/{lesson.file.removesuffix('.ipynb')}" for lesson in pages)
    return f"""# The LSTM Course

{readme_section(readme, None)}
## Course map

Each title opens the notebook with its stored outputs; the badge opens it in Google Colab.

{{.course-map}}
{course_map(pages, owner_repo, "_static/colab-badge.svg")}
## Run it yourself

{readme_section(readme, "The two commands")}
**Instructors:** the [instructor guide](INSTRUCTORS.md) has objectives, every exercise with
what it assesses, the answers to the review questions, and how to grade with nbgrader or Otter.

```{{toctree}}
:hidden:
:caption: Notebooks

{toc}
```

```{{toctree}}
:hidden:
:caption: Teaching

INSTRUCTORS
```
"""


CONF = """# Generated by tools/site.py: edit that file, not this one.
project = "The LSTM Course"
author = "The LSTM Course contributors"
copyright = "the LSTM Course contributors, MIT licence"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
nb_execution_mode = "off"  # stored outputs only
nb_render_markdown_format = "myst"  # Markdown outputs (00's course map) with tables and links
nb_merge_streams = False  # True would gather a cell's prints above its audio players
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "attrs_block"]
myst_dmath_double_inline = True  # $$...$$ inside a paragraph, as Jupyter renders it
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # notebooks use ### for exercises under ## sections
html_theme = "sphinx_book_theme"
html_title = "The LSTM Course"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_favicon = "_static/favicon.svg"  # else browsers ask for /favicon.ico (a 404)
html_context = {{"default_mode": "light"}}  # outputs are drawn for a light page
html_last_updated_fmt = None
html_theme_options = {{
    "repository_url": "https://github.com/{owner_repo}",
    "repository_branch": "main",
    "use_repository_button": True,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "navigation_with_keys": False,
    "secondary_sidebar_items": {{"**": ["page-toc"], "index": []}},  # a wide course map
}}
# MathJax served from the site itself (offline): _static/{mathjax_dir}/ from npm mathjax@{version}
mathjax_path = "{mathjax_dir}/tex-chtml.js"
"""


def mathjax_tarball(cache: Path = CACHE) -> Path:
    """npm's mathjax tarball, fetched once with `npm pack` and checked against its sha512."""
    tarball = cache / f"mathjax-{MATHJAX_VERSION}.tgz"
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SiteError(
                "npm not found: the site bundles MathJax from the npm registry "
                "(Debian: apt-get install npm), or put mathjax-"
                f"{MATHJAX_VERSION}.tgz in {cache}"
            )
        cache.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--pack-destination", str(cache)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not tarball.is_file():
            raise SiteError(f"npm pack mathjax@{MATHJAX_VERSION} failed:\n{result.stderr.strip()}")
    digest = hashlib.sha512(tarball.read_bytes()).hexdigest()
    if digest != MATHJAX_SHA512:
        tarball.unlink()
        raise SiteError(
            f"{tarball.name}: sha512 {digest[:16]}… is not the pinned {MATHJAX_SHA512[:16]}…; "
            "removed it, run again (or update MATHJAX_SHA512 in tools/site.py on purpose)"
        )
    return tarball


def unpack_mathjax(tarball: Path, dest: Path) -> int:
    """Extract MATHJAX_PARTS of es5/ into dest; returns the number of files."""
    prefixes = tuple(f"package/es5/{part}" for part in MATHJAX_PARTS)
    count = 0
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith(prefixes):
                continue
            relative = Path(member.name).relative_to("package/es5")
            if ".." in relative.parts:
                raise SiteError(f"unsafe path in {tarball.name}: {member.name}")
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            count += 1
    if not (dest / "tex-chtml.js").is_file():
        raise SiteError(f"{tarball.name} has no es5/tex-chtml.js: not MathJax 3?")
    return count


def merge_adjacent_streams(nb: dict) -> dict:
    """Join consecutive stdout (or stderr) outputs of a cell into one, as Jupyter shows them.

    MyST-NB's own nb_merge_streams gathers ALL of a cell's prints into the first one, which
    would move them away from the audio players and figures printed between them.
    """
    for cell in nb["cells"]:
        merged = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (
                prev is not None
                and out.get("output_type") == "stream"
                and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")
            ):
                prev["text"] = "".join(prev["text"]) + "".join(out["text"])
            else:
                merged.append(dict(out))
        if "outputs" in cell:
            cell["outputs"] = merged
    return nb


def stage(src: Path, pages: list[Lesson], owner_repo: str) -> None:
    """Write the Sphinx project in src (emptied first)."""
    if src.exists():
        shutil.rmtree(src)
    (src / "notebooks").mkdir(parents=True)
    static = src / "_static"
    static.mkdir()
    for asset in ASSETS.iterdir():
        shutil.copy2(asset, static / asset.name)
    unpack_mathjax(mathjax_tarball(), static / MATHJAX_DIR)
    (src / "conf.py").write_text(
        CONF.format(owner_repo=owner_repo, mathjax_dir=MATHJAX_DIR, version=MATHJAX_VERSION),
        encoding="utf-8",
    )
    (src / "index.md").write_text(index_page(pages, owner_repo), encoding="utf-8")
    shutil.copy2(REPO_ROOT / "INSTRUCTORS.md", src / "INSTRUCTORS.md")
    for lesson in pages:
        text = json.dumps(
            merge_adjacent_streams(
                json.loads((NOTEBOOKS / lesson.file).read_text(encoding="utf-8"))
            ),
            ensure_ascii=False,
        )
        # The badge keeps its link to Colab; its image is served from the site (offline).
        text = text.replace(BADGE_IMAGE, "../_static/colab-badge.svg")
        (src / "notebooks" / lesson.file).write_text(text, encoding="utf-8")


def build(out: Path = DEFAULT_OUT, src: Path = DEFAULT_SRC, strict: bool = True) -> int:
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as err:
        raise SiteError(
            f"{err.name} is not installed: `make site` installs the site tools into .venv-site "
            "from site-constraints.txt"
        ) from None
    pages = course_pages()
    owner_repo = repository()
    stage(src, pages, owner_repo)
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto"]
    if strict:
        command += ["-W", "--keep-going"]  # any warning (a broken link, a bad ref) fails
    command += ["-d", str(src / ".doctrees"), str(src), str(out)]
    env = dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning")
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        print(
            f"site: sphinx-build failed (exit {result.returncode}); see the warnings above",
            file=sys.stderr,
        )
        return 1
    # The theme's download button serves _sources/: give learners the notebooks as stored
    # (Colab badge image and streams as in the repository), not the staged copies.
    for lesson in pages:
        download = out / "_sources" / "notebooks" / lesson.file
        if download.is_file():
            shutil.copy2(NOTEBOOKS / lesson.file, download)
    html = sorted(out.rglob("*.html"))
    print(
        f"site: {len(pages)} notebooks + home + instructor guide -> {out} ({len(html)} HTML files)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.site", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (build/site)")
    parser.add_argument(
        "--src", type=Path, default=DEFAULT_SRC, help="staging folder (build/site-src)"
    )
    parser.add_argument("--no-strict", action="store_true", help="do not fail on Sphinx warnings")
    args = parser.parse_args(argv)
    try:
        return build(args.out.resolve(), args.src.resolve(), strict=not args.no_strict)
    except SiteError as err:
        print(f"site: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
