"""The assignments the grader knows. Each is one folder, found — never listed — in two places:

    autograder/assignments/<id>/        shipped with the kit (installed with it, so CI and students have them)
    <course>/source/<id>/grader/         an instructor's own, beside the source notebook (nbgrader releases
                                         it with the notebook, so students' %check and test cells find it)

Both are authored the same way, four files a folder (and an optional fifth):

    assignment.py   the declaration: ID, STUBS, OUTCOME, VARIABLES (DATASETS, SIGNATURES) — plain literals,
                    read without running it
    checks.py       judge side: @check functions and hidden-data generators (never mounted in the sandbox)
    scenarios.py    student side: @scenario functions and @stand_in references (run inside the sandbox)
    examples.py     example submissions for `selftest`, the demo and the tests
    book.py         optional: the book's result the reference notebook must reach (tests/course and
                    benchmarks/book_results.py run the source notebook top to bottom, then its PROBE)

    find("linreg_scratch")                              # the kit's
    find("my_lab", course_dir="course")                 # a course's own
    discover(course_dir="course")                       # every assignment, by id

Where no course directory is given, the current directory and its parents are searched for the course root
(`nbgrader_config.py`), and the current directory's own `grader/` folder is found too (a student's kernel
runs beside the released notebook).
"""
from __future__ import annotations

import ast
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

SHIPPED = Path(__file__).resolve().parent / "assignments"
GRADER_FOLDER = "grader"
PARTS = ("assignment", "checks", "scenarios", "examples", "book")
KNOWN_DATASETS = ("fashion-mnist", "tang-poems", "zh-en-pairs")   # what autograder.course_data resolves and mounts
DECLARATION = {"ID": str, "STUBS": tuple, "OUTCOME": bool, "VARIABLES": tuple, "DATASETS": tuple,
               "SIGNATURES": dict, "DATA_LIMIT": int}


class AssignmentError(Exception):
    """An assignment folder that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Assignment:
    id: str
    stubs: tuple[str, ...]
    outcome: bool                    # has a test_outcome cell (whole-notebook outcomes)
    variables: tuple[str, ...]       # notebook names the outcome checks read
    folder: Path
    shipped: bool                    # part of the kit (False: a course's own)
    datasets: tuple[str, ...] = ()   # course data the notebook loads (see autograder.course_data)
    signatures: tuple = ()           # (stub, parameter names) pairs, for the stubs that are functions
    data_limit: int = 0              # in grading, the course's loaders give the notebook at most this many
                                     # examples per split (0: all), so its own training takes seconds

    @property
    def test_cells(self) -> dict[str, str | None]:
        """grade_id of each test cell → the function its checks concern (None: outcomes)."""
        cells = {f"test_{stub}": stub for stub in self.stubs}
        if self.outcome:
            cells["test_outcome"] = None
        return cells

    def file(self, part: str) -> Path:
        return self.folder / f"{part}.py"


def read_declaration(path: Path, shipped: bool = False) -> Assignment:
    """The declaration in `path` (assignment.py), evaluated as literals only: nothing in it runs."""
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except (OSError, SyntaxError, ValueError) as exc:
        raise AssignmentError(f"{path}: cannot read the declaration ({exc})") from None
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in DECLARATION:
                try:
                    values[name] = ast.literal_eval(node.value)
                except ValueError:
                    raise AssignmentError(f"{path}: {name} must be a literal (a string, tuple or bool)") from None
    values.setdefault("VARIABLES", ())
    values.setdefault("OUTCOME", False)
    values.setdefault("DATASETS", ())
    values.setdefault("SIGNATURES", {})
    values.setdefault("DATA_LIMIT", 0)
    for name, kind in DECLARATION.items():
        if name not in values:
            raise AssignmentError(f"{path}: missing {name} (see docs/authoring.md)")
        if isinstance(values[name], list):
            values[name] = tuple(values[name])
        if not isinstance(values[name], kind):
            raise AssignmentError(f"{path}: {name} must be a {kind.__name__}, not {type(values[name]).__name__}")
    unknown = [name for name in values["DATASETS"] if name not in KNOWN_DATASETS]
    if unknown:
        raise AssignmentError(f"{path}: DATASETS names {', '.join(map(repr, unknown))}; the kit provides "
                              f"{', '.join(map(repr, KNOWN_DATASETS))} (see autograder/course_data.py)")
    if values["DATA_LIMIT"] < 0:
        raise AssignmentError(f"{path}: DATA_LIMIT must be 0 (no limit) or a positive number of examples")
    if not values["ID"].isidentifier() or not all(isinstance(s, str) and s.isidentifier() for s in values["STUBS"]):
        raise AssignmentError(f"{path}: ID and every stub name must be Python identifiers")
    signatures = tuple((stub, tuple(params)) for stub, params in values["SIGNATURES"].items())
    return Assignment(values["ID"], values["STUBS"], values["OUTCOME"], values["VARIABLES"], path.parent, shipped,
                      values["DATASETS"], signatures, values["DATA_LIMIT"])


def course_root(start: str | Path | None = None) -> Path | None:
    """The nbgrader course root at or above `start` (default: the current directory), if any."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    return None


def _folders(course_dir: str | Path | None):
    """(folder, shipped, the id its place requires or None) for every candidate folder, the kit's first."""
    if SHIPPED.is_dir():
        for folder in sorted(SHIPPED.iterdir()):
            if (folder / "assignment.py").is_file():
                yield folder, True, folder.name
    root = Path(course_dir).resolve() if course_dir else course_root()
    if root is not None and (root / "source").is_dir():
        for folder in sorted((root / "source").iterdir()):
            if (folder / GRADER_FOLDER / "assignment.py").is_file():
                yield folder / GRADER_FOLDER, False, folder.name
    here = Path(os.getcwd()) / GRADER_FOLDER
    if course_dir is None and (here / "assignment.py").is_file():
        yield here.resolve(), False, None


def discover(course_dir: str | Path | None = None) -> dict[str, Assignment]:
    """Every assignment the kit and the course hold, by id. A course's own may not reuse a kit's id."""
    found: dict[str, Assignment] = {}
    for folder, shipped, required_id in _folders(course_dir):
        assignment = read_declaration(folder / "assignment.py", shipped)
        if required_id is not None and assignment.id != required_id:
            raise AssignmentError(f"{folder / 'assignment.py'}: ID {assignment.id!r} differs from the folder it "
                                  f"is in ({required_id})")
        other = found.get(assignment.id)
        if other is not None:
            if other.shipped and not shipped:
                raise AssignmentError(f"{folder}: the kit already has an assignment {assignment.id!r}; "
                                      "give yours another id")
            continue                  # the course's folder and the released copy beside the notebook: one
        found[assignment.id] = assignment
    return found


def find(assignment_id: str, course_dir: str | Path | None = None) -> Assignment:
    known = discover(course_dir)
    try:
        return known[assignment_id]
    except KeyError:
        raise KeyError(f"unknown assignment {assignment_id!r}; known: {', '.join(sorted(known))}") from None


_LOADED: dict[Path, ModuleType] = {}


def load(assignment: Assignment, part: str) -> ModuleType | None:
    """Import one part of an assignment from its file (once per file); None when the folder has no such file.
    Module names are private (`d2l_assignment_<id>_<part>`), so a course's folders need no package."""
    if part not in PARTS:
        raise ValueError(f"no part {part!r}; parts: {', '.join(PARTS)}")
    path = assignment.file(part)
    if not path.is_file():
        return None
    return load_file(path, f"d2l_assignment_{assignment.id}_{part}")


def load_file(path: str | Path, name: str) -> ModuleType:
    """Import the Python file `path` as module `name`, once per file in this process."""
    path = Path(path).resolve()
    if path in _LOADED:
        return _LOADED[path]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    _LOADED[path] = module
    return module


def get_assignment(assignment, course_dir: str | Path | None = None) -> Assignment:
    """The Assignment itself, or the one with this id (the kit's, or the course's own)."""
    if isinstance(assignment, Assignment):
        return assignment
    return find(assignment, course_dir)
