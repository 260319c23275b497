"""Student copies of the notebooks: for learners (plain), for nbgrader, and for Otter Assign.

An exercise's answer sits between two marker lines in a code cell (exercise format v2,
CONTRIBUTING.md "Add an exercise")::

    def clip_by_global_norm(grads, max_norm):        # a function exercise: the def line
        \"\"\"Rescale ... (docstring).\"\"\"            # and docstring stay outside
        # BEGIN SOLUTION
        ...the answer...
        # END SOLUTION

    # BEGIN SOLUTION                                  # a value exercise: its skeleton first
    # STUB: layer_shapes = {"last": ..., "state": ...}
    layer_shapes = {"last": (32, 8), "state": [(32, 8), (32, 8)]}
    # END SOLUTION

``python -m lstm_course student OUT_DIR [--format plain|nbgrader|otter]`` writes, for every
``NN_topic.ipynb``:

- ``plain`` (learners): each solution block replaced by its stub (a function body by
  ``raise NotImplementedError("Exercise NN.k: write your answer here")``, a value block by
  its ``# STUB:`` skeleton, uncommented, else ``...``); **every** output cleared (nothing
  computed from a solution can leak); ``# NBVAL_…`` lines (CI-only) removed; the Colab badge
  pointing at the student copy (``badge_base``) or removed, never at the solutions.
- ``nbgrader``: an nbgrader course folder, ``nbgrader_config.py`` + ``source/NN_topic/
  NN_topic.ipynb``: solutions kept, marked ``### BEGIN SOLUTION`` (the delimiter the config
  sets), value skeletons placed above the solution region, cells carrying nbgrader's
  metadata (answer: solution cell; check: autograded test worth the exercise's points;
  prompt: locked). ``nbgrader generate_assignment NN_topic`` then writes the release.
- ``otter``: Otter Assign master notebooks, ``NN_topic.ipynb`` + ``requirements.txt``: an
  assignment-config raw cell, and per exercise ``# BEGIN QUESTION`` (name, points), the
  answer in a solution block (skeletons as Otter prompts) and a test that runs the check
  cell. ``otter assign NN_topic.ipynb dist/NN_topic`` then writes the student and
  autograder versions.

Exercises are found from their check cells (``registry.find_exercises``), not from stored
metadata, so the student build never depends on a stale notebook.
"""

from __future__ import annotations

import ast
import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lstm_course._checks import check_bool, check_choice, check_int, describe
from lstm_course.exercises import registry
from lstm_course.exercises.registry import BEGIN, END, METADATA_KEY, cell_source

STUB = "# STUB:"
FORMATS = ("plain", "nbgrader", "otter")
STUDENT_STUB = 'raise NotImplementedError("Exercise: write your answer here")'
NBGRADER_BEGIN, NBGRADER_END = "### BEGIN SOLUTION", "### END SOLUTION"
NBGRADER_CODE_STUB = "# YOUR CODE HERE\n..."
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
# In a checkout (or an editable install) the notebooks sit beside the package.
DEFAULT_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# A link (badge or text) to one of the course's notebooks on another site: Colab, GitHub,
# nbviewer. In a student copy it would open the notebook *with* its solutions.
_NOTEBOOK_LINK = re.compile(
    r"(?P<badge>\[!\[[^\]]*\]\([^)\s]*\)\]|\[(?P<text>[^\]]*)\])"
    r"\((?P<url>https?://[^)\s]*/(?P<file>\d\d_[A-Za-z0-9_]+\.ipynb))\)"
)
_REQUIREMENT = re.compile(r"[\"'](lstm_course @ git\+https://[^\"'\s]+)[\"']")


# ----------------------------------------------------------------------------- solution blocks


@dataclass(frozen=True)
class SolutionBlock:
    """One ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` block of a code cell.

    begin, end: line indexes of the two markers; indent: the BEGIN line's indentation;
    stub: the skeleton from its leading ``# STUB:`` lines (indentation relative to
    ``indent``); solution: the lines after them; in_function: the block is a function body.
    """

    begin: int
    end: int
    indent: str
    stub: tuple[str, ...]
    solution: tuple[str, ...]
    in_function: bool


def _function_lines(source: str) -> list[tuple[int, int]] | None:
    """(first, last) line numbers (1-based) of every function defined in the source; None
    when it is not plain Python (IPython magics)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    return [(n.lineno, n.end_lineno) for n in ast.walk(tree) if isinstance(n, kinds)]


def _stub_text(line: str) -> str:
    text = line.strip()[len(STUB) :]
    return text[1:] if text.startswith(" ") else text


def solution_blocks(source: str, index: int = 0) -> list[SolutionBlock]:
    """The solution blocks of a code cell's source; ValueError names the cell when markers
    do not pair up or a ``# STUB:`` line comes after solution code."""
    if not isinstance(source, str):
        raise TypeError(f"source must be a code cell's source, a str, got {describe(source)}")
    index = check_int("index", index, minimum=0)
    lines, blocks, begin = source.splitlines(), [], None
    functions = _function_lines(source)
    for number, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise ValueError(f"nb: cell {index} opens '{BEGIN}' twice:\n{source}")
            begin = number
        elif marker == END:
            if begin is None:
                raise ValueError(f"nb: cell {index} has '{END}' without '{BEGIN}':\n{source}")
            body = lines[begin + 1 : number]
            stub = []
            while len(stub) < len(body) and body[len(stub)].strip().startswith(STUB):
                stub.append(_stub_text(body[len(stub)]))
            if any(line.strip().startswith(STUB) for line in body[len(stub) :]):
                raise ValueError(
                    f"nb: cell {index} has '{STUB}' lines after solution code: they must "
                    f"open the block:\n{source}"
                )
            opening = lines[begin]
            indent = opening[: len(opening) - len(opening.lstrip())]
            if functions is None:  # not parseable: an indented block is taken for a body
                inside = bool(indent)
            else:
                inside = any(first <= begin + 1 <= last for first, last in functions)
            blocks.append(
                SolutionBlock(
                    begin, number, indent, tuple(stub), tuple(body[len(stub) :]),
                    inside,
                )
            )  # fmt: skip
            begin = None
    if begin is not None:
        raise ValueError(f"nb: cell {index} has '{BEGIN}' without '{END}':\n{source}")
    return blocks


def _replace_blocks(source: str, blocks: list[SolutionBlock], render) -> str:
    """The source with each block (markers included) replaced by ``render(block)`` lines."""
    lines, out, position = source.splitlines(), [], 0
    for block in blocks:
        out += lines[position : block.begin] + render(block)
        position = block.end + 1
    return "\n".join(out + lines[position:])


def _plain_stub(block: SolutionBlock, exercise_id: str | None) -> list[str]:
    if block.stub:
        return [block.indent + line for line in block.stub]
    if block.in_function:
        label = f"Exercise {exercise_id}" if exercise_id else "Exercise"
        return [f'{block.indent}raise NotImplementedError("{label}: write your answer here")']
    return [block.indent + "..."]


# ----------------------------------------------------------------------------- shared steps


def _check_badge_base(badge_base) -> str | None:
    if badge_base is None:
        return None
    if not isinstance(badge_base, str):
        raise TypeError(f"badge_base must be a str URL or None, got {describe(badge_base)}")
    if not re.fullmatch(r"https?://[^\s()\[\]<>\"']+", badge_base):
        raise ValueError(
            "badge_base must be the http(s) address of the folder holding the student "
            f"notebooks (e.g. https://colab.research.google.com/github/OWNER/REPO/blob/main), "
            f"got {badge_base!r}"
        )
    return badge_base.rstrip("/")


def _relink(markdown: str, badge_base: str | None) -> str:
    """Links to the course's notebooks repointed at ``badge_base``, or removed."""

    def replace(match: re.Match) -> str:
        if badge_base is not None:
            return match.group(0).replace(match.group("url"), f"{badge_base}/{match.group('file')}")
        return "" if match.group("badge") else match.group("text")

    text = _NOTEBOOK_LINK.sub(replace, markdown)
    return re.sub(r"\n{3,}", "\n\n", text) if text != markdown else text


def _drop_ci_comments(source: str) -> str:
    """Without the ``# NBVAL_…`` lines, which only tell CI how to compare outputs."""
    return "\n".join(
        line for line in source.splitlines() if not line.strip().startswith("# NBVAL_")
    )


def _clean_copy(nb, badge_base: str | None):
    """A copy with outputs cleared, CI comments dropped, links fixed, grader metadata reset."""
    copied = copy.deepcopy(nb)
    for cell in copied["cells"]:
        cell["source"] = cell_source(cell)
        metadata = cell.setdefault("metadata", {})
        metadata.pop("nbgrader", None)
        metadata.pop(METADATA_KEY, None)
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            cell["source"] = _drop_ci_comments(cell["source"])
        elif cell.get("cell_type") == "markdown":
            cell["source"] = _relink(cell["source"], badge_base)
    return copied


def _exercise_roles(nb) -> dict[int, tuple[str, registry.Exercise]]:
    """``{cell index: (role, exercise)}``; ValueError when one cell serves two exercises."""
    roles = {}
    for place in registry.find_exercises(nb):
        for index, role in place.roles().items():
            if index in roles:
                raise ValueError(
                    f"nb: cell {index} belongs to exercises {roles[index][1].id} and "
                    f"{place.item.id}: give each exercise its own prompt, answer and check"
                )
            roles[index] = (role, place.item)
    return roles


def _check_notebook(nb) -> None:
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise TypeError(
            f"nb must be a notebook as nbformat.read(path, as_version=4) returns it, "
            f"got {describe(nb)}"
        )


# ----------------------------------------------------------------------------- formats


def strip_solutions(nb, *, badge_base: str | None = None):
    """The plain student copy of a notebook (see the module docstring); ``nb`` is unchanged.

    Raises:
        ValueError: a cell whose markers do not pair up (the message shows the cell).
    """
    _check_notebook(nb)
    badge_base = _check_badge_base(badge_base)
    roles = _exercise_roles(nb)
    student = _clean_copy(nb, badge_base)
    for index, cell in enumerate(student["cells"]):
        if index in roles:
            role, item = roles[index]
            cell["metadata"][METADATA_KEY] = {"exercise": item.id, "role": role}
        if cell.get("cell_type") != "code":
            continue
        exercise_id = roles[index][1].id if index in roles else None
        blocks = solution_blocks(cell["source"], index)
        cell["source"] = _replace_blocks(
            cell["source"], blocks, lambda block, eid=exercise_id: _plain_stub(block, eid)
        )
    return student


def nbgrader_source(nb, *, badge_base: str | None = None):
    """The notebook as an nbgrader *source* notebook (instructor side; solutions kept).

    Solution regions use ``### BEGIN SOLUTION`` / ``### END SOLUTION``, the delimiters the
    ``nbgrader_config.py`` written beside it sets (prose quoting the course's own markers
    then stays prose); a value exercise's skeleton stands above its region, so the release
    keeps it. Every cell with a solution is an nbgrader solution cell; exercises' prompts,
    answers and checks get the metadata of ``registry.annotate``.
    """
    _check_notebook(nb)
    roles = _exercise_roles(nb)
    source = _clean_copy(nb, _check_badge_base(badge_base))

    def render(block: SolutionBlock) -> list[str]:
        skeleton = [block.indent + line for line in block.stub]
        body = list(block.solution)
        return [*skeleton, block.indent + NBGRADER_BEGIN, *body, block.indent + NBGRADER_END]

    for index, cell in enumerate(source["cells"]):
        role, item = roles.get(index, (None, None))
        blocks = solution_blocks(cell["source"], index) if cell["cell_type"] == "code" else []
        if blocks:
            cell["source"] = _replace_blocks(cell["source"], blocks, render)
        if item is not None:
            grade_id = f"{item.grade_id}_{role}"
            cell["metadata"][METADATA_KEY] = {"exercise": item.id, "role": role}
        elif blocks:  # a solution outside a format-v2 exercise: still a solution cell
            role, grade_id = "answer", f"cell{index:03d}_answer"
        if role is not None:
            cell["metadata"]["nbgrader"] = registry.nbgrader_metadata(role, item, grade_id)
    return source


def _otter_render(exercise_id: str | None):
    """Solution blocks in Otter's syntax: a skeleton (or the function stub) as its prompt."""

    def render(block: SolutionBlock) -> list[str]:
        prompt = list(block.stub) if block.stub else []
        if not prompt and block.in_function:
            prompt = [_plain_stub(block, exercise_id)[0].lstrip()]
        if not prompt:
            return [block.indent + BEGIN, *block.solution, block.indent + END]
        quote = "'''" if any('"""' in line for line in prompt) else '"""'
        return [
            f"{block.indent}{quote}  # BEGIN PROMPT",  # a string in the solution version
            *(block.indent + line for line in prompt),
            f"{block.indent}{quote}  # END PROMPT",
            f"{block.indent}{BEGIN} NO PROMPT",
            *block.solution,
            block.indent + END,
        ]

    return render


def _otter_config(name: str) -> str:
    return "\n".join(
        [
            "# ASSIGNMENT CONFIG",
            f"name: {name}",
            "requirements: requirements.txt",
            "strip_solutions_from_all_cells: true",
            "export_cell:",
            "  pdf: false",
            "tests:",
            "  files: false",
            "  ok_format: false",
        ]
    )


def _otter_test(item: registry.Exercise, check_source: str) -> str:
    return (
        f"def test_{item.grade_id}(env):\n"
        f'    """Exercise {item.id}: its check cell, run in the notebook\'s namespace."""\n'
        f"    exec({check_source!r}, env)\n"
    )


def otter_master(nb, *, name: str, badge_base: str | None = None):
    """The notebook as an Otter Assign master notebook (see the module docstring).

    Args:
        name: the assignment's name (Otter checks submissions against it), e.g. "02_bptt".
    """
    import nbformat  # noqa: PLC0415 - only the grader formats need it

    _check_notebook(nb)
    if not isinstance(name, str):
        raise TypeError(f"name must be the assignment's name, a str, got {describe(name)}")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name in {".", ".."}:
        raise ValueError(f"name must be letters, digits, '_', '.' or '-', got {name!r}")
    roles = _exercise_roles(nb)
    source = _clean_copy(nb, _check_badge_base(badge_base))
    raw = nbformat.v4.new_raw_cell
    cells, opened = [raw(_otter_config(name))], set()
    for index, cell in enumerate(source["cells"]):
        role, item = roles.get(index, (None, None))
        if item is not None and item.id not in opened:
            opened.add(item.id)
            cells.append(raw(f"# BEGIN QUESTION\nname: {item.grade_id}\npoints: {item.points}"))
        if role == "answer":
            blocks = solution_blocks(cell["source"], index)
            cell["source"] = _replace_blocks(cell["source"], blocks, _otter_render(item.id))
            cells += [raw("# BEGIN SOLUTION"), cell, raw("# END SOLUTION")]
        elif role == "check":
            test = nbformat.v4.new_code_cell(_otter_test(item, cell["source"]))
            cells += [raw("# BEGIN TESTS"), test, raw("# END TESTS"), raw("# END QUESTION")]
        else:
            if cell["cell_type"] == "code":
                solution_blocks(cell["source"], index)  # refuse unbalanced markers here too
            cells.append(cell)
    source["cells"] = cells
    return source


# ----------------------------------------------------------------------------- writing


def _as_directory(name: str, value) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder path (str or Path), got {describe(value)}")
    if str(value).strip() == "":
        raise ValueError(f"{name} must name a folder, got an empty path {str(value)!r}")
    return Path(value)


def _check_output_folder(out_dir: Path, notebooks_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir {out_dir} exists and is not a folder")
    if out_dir.resolve() == notebooks_dir.resolve():
        raise ValueError(
            f"out_dir {out_dir} is the notebooks folder itself: the student copies would "
            "overwrite the notebooks with their solutions; choose another folder"
        )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise ValueError(
            f"out_dir {out_dir} is not empty; choose an empty or new folder, or pass "
            "force=True (--force) to overwrite the notebooks in it"
        )


NBGRADER_CONFIG = f'''"""nbgrader configuration for the LSTM course.

Written by `python -m lstm_course student --format nbgrader`; release an assignment with
`nbgrader generate_assignment NN_topic`.
"""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it reads this file
c.CourseDirectory.course_id = "lstm-course"
# Three '#': prose that quotes the course's own "# BEGIN SOLUTION" markers stays prose.
c.ClearSolutions.begin_solution_delimeter = "{NBGRADER_BEGIN}"
c.ClearSolutions.end_solution_delimeter = "{NBGRADER_END}"
# A stub that never fails where it stands, so "Run All" reaches every check cell: a value
# exercise keeps its skeleton above it; an unwritten function returns None, which its
# check reports.
c.ClearSolutions.code_stub = {{"python": {NBGRADER_CODE_STUB!r}}}
'''


def _requirement(notebooks: dict[str, dict]) -> str:
    """What Otter's autograder installs: the package as the notebooks' setup cells do."""
    for nb in notebooks.values():
        for cell in nb["cells"]:
            match = _REQUIREMENT.search(cell_source(cell))
            if match:
                return match.group(1)
    return "lstm_course"


def _student_files(notebooks: dict[str, dict], format: str, badge_base) -> dict[str, object]:
    """``{relative path: notebook or text}`` for one format; raises before anything is written."""
    files: dict[str, object] = {}
    for name, nb in notebooks.items():
        stem = name.removesuffix(".ipynb")
        if format == "plain":
            files[name] = strip_solutions(nb, badge_base=badge_base)
        elif format == "nbgrader":
            files[f"source/{stem}/{name}"] = nbgrader_source(nb, badge_base=badge_base)
        else:
            files[name] = otter_master(nb, name=stem, badge_base=badge_base)
    if format == "nbgrader":
        files["nbgrader_config.py"] = NBGRADER_CONFIG
    elif format == "otter":
        files["requirements.txt"] = _requirement(notebooks) + "\n"
    return files


def write_student_notebooks(
    out_dir,
    *,
    notebooks_dir=None,
    force: bool = False,
    format: str = "plain",
    badge_base: str | None = None,
) -> list[Path]:
    """Write the student build of every ``NN_*.ipynb`` notebook in one format.

    Args:
        out_dir: folder to write to; created if missing. It must be empty unless ``force``.
        notebooks_dir: folder holding the notebooks (default: the checkout's notebooks/).
        force: overwrite same-named files in a non-empty ``out_dir``.
        format: "plain" (learners), "nbgrader" (a course folder) or "otter" (masters).
        badge_base: address of the folder where the student notebooks are published (e.g.
            ``https://colab.research.google.com/github/OWNER/REPO/blob/main``); each Colab
            badge then opens ``<badge_base>/NN_topic.ipynb``. None removes the badges.
    Returns:
        The notebooks written, in course order.
    Raises:
        ValueError: an empty path, a non-empty ``out_dir`` without ``force``, ``out_dir``
            equal to ``notebooks_dir``, no notebooks found, or malformed exercises. Every
            notebook is converted before anything is written.
    """
    import nbformat  # noqa: PLC0415 - keeps `import lstm_course` light

    out_dir = _as_directory("out_dir", out_dir)
    source_dir = _as_directory(
        "notebooks_dir", DEFAULT_NOTEBOOKS if notebooks_dir is None else notebooks_dir
    )
    force = check_bool("force", force)
    if not isinstance(format, str):
        raise TypeError(f"format must be one of {list(FORMATS)}, got {describe(format)}")
    format = check_choice("format", format, FORMATS)
    badge_base = _check_badge_base(badge_base)
    paths = sorted(source_dir.glob(NOTEBOOK_GLOB)) if source_dir.is_dir() else []
    if not paths:
        raise ValueError(
            f"notebooks_dir {source_dir} holds no notebooks named NN_topic.ipynb; "
            "point notebooks_dir (--notebooks) at the course's notebooks/ folder"
        )
    _check_output_folder(out_dir, source_dir, force)
    notebooks = {path.name: nbformat.read(path, as_version=4) for path in paths}
    files = _student_files(notebooks, format, badge_base)
    written = []
    for relative, content in files.items():
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
            continue
        nbformat.write(content, target)
        written.append(target)
    return written
