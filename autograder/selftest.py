"""`python -m autograder selftest ID [--course-dir DIR]`: prove an assignment before it is released.

Each row is one promise the assignment makes; any row that fails makes the command exit 1:

    declaration     the folder's assignment.py, checks.py and scenarios.py load; every check names a stub
    cells           one solution cell per stub and a locked test cell test_<stub> after it (test_outcome when
                    declared); nbgrader cell ids equal grade ids
    points          each test cell's points equal the points of the checks it runs (public and hidden)
    release         release/<id>/ is what `nbgrader generate_assignment` makes of source/<id>/ today
    solution        the source notebook's solutions earn full marks, with no error
    release zero    the untouched release notebook earns 0, and grading it is no grader fault
    example <name>  each example fails exactly the checks it declares (and passes the rest it is judged on);
                    every failed stub check's message names its stub and shows no traceback or source path
    coverage        every scored check is failed by at least one example (else: untested)

Grading is the real thing (`grade_notebook`: a separate, sandboxed process unless told otherwise).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import registry
from .examples import Example, example_notebook


@dataclass(frozen=True)
class Finding:
    what: str
    ok: bool
    detail: str = ""


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) if cell.cell_type == "code" else {}


def check_declaration(assignment) -> list[Finding]:
    from .checks import checks_for
    try:
        checks = checks_for(assignment)
        registry.load(assignment, "scenarios")
        examples = examples_of(assignment)
    except Exception as exc:                          # noqa: BLE001 - the instructor's code: report, don't crash
        return [Finding("declaration", False, f"{type(exc).__name__}: {exc}")]
    stray = sorted({c.function for c in checks if c.function is not None} - set(assignment.stubs))
    if stray:
        return [Finding("declaration", False, f"checks name functions that are not stubs: {', '.join(stray)}")]
    if not checks:
        return [Finding("declaration", False, "checks.py registers no check")]
    return [Finding("declaration", True, f"{len(checks)} checks, {len(examples)} examples")]


def examples_of(assignment) -> tuple[Example, ...]:
    module = registry.load(assignment, "examples")
    return tuple(getattr(module, "EXAMPLES", ())) if module else ()


def check_cells(assignment, source: Path) -> list[Finding]:
    nb = nbformat.read(str(source), as_version=4)
    problems = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    solutions = [_meta(c).get("grade_id") for c in code if _meta(c).get("solution")]
    for stub in assignment.stubs:
        if solutions.count(stub) != 1:
            problems.append(f"{solutions.count(stub)} solution cells with grade_id {stub!r} (expected 1)")
    for i, cell in enumerate(code):
        meta = _meta(cell)
        if meta.get("solution") and meta.get("grade_id") in assignment.stubs:
            following = _meta(code[i + 1]).get("grade_id") if i + 1 < len(code) else None
            if following != f"test_{meta['grade_id']}":
                problems.append(f"the stub {meta['grade_id']} is not followed by its test cell test_{meta['grade_id']}")
    tests = {_meta(c).get("grade_id"): c for c in code if _meta(c).get("grade")}
    for grade_id in assignment.test_cells:
        cell = tests.get(grade_id)
        if cell is None:
            problems.append(f"no test cell {grade_id}")
        elif not _meta(cell).get("locked"):
            problems.append(f"the test cell {grade_id} is not locked")
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id and cell.get("id") != grade_id:
            problems.append(f"the cell with grade_id {grade_id!r} has cell id {cell.get('id')!r} (they must agree)")
    return [Finding("cells", not problems, "; ".join(problems) or f"{len(assignment.stubs)} stubs, test cells locked")]


def check_points(assignment, source: Path) -> list[Finding]:
    from .checks import checks_for
    nb = nbformat.read(str(source), as_version=4)
    written = {_meta(c)["grade_id"]: float(_meta(c).get("points", 0)) for c in nb.cells
               if _meta(c).get("grade") and _meta(c).get("grade_id") in assignment.test_cells}
    owed: dict[str, float] = {}
    for c in checks_for(assignment):
        cell = f"test_{c.function}" if c.function else "test_outcome"
        owed[cell] = owed.get(cell, 0.0) + c.points
    wrong = [f"{cell} has {written.get(cell, 0):g} points, its checks {owed.get(cell, 0):g}"
             for cell in assignment.test_cells if abs(written.get(cell, 0) - owed.get(cell, 0)) > 1e-9]
    return [Finding("points", not wrong, "; ".join(wrong) or f"{sum(owed.values()):g} points in all")]


def regenerate_release(course: Path, assignment_id: str, into: Path) -> Path:
    """What stock nbgrader makes of source/<id>/ today, in a scratch copy of the course."""
    from .jupyter_env import isolated_jupyter_env
    scratch = into / "course"
    scratch.mkdir(parents=True)
    shutil.copy(course / "nbgrader_config.py", scratch / "nbgrader_config.py")
    shutil.copytree(course / "source" / assignment_id, scratch / "source" / assignment_id)
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment_id, "--force"],
                          cwd=scratch, env=isolated_jupyter_env(into / "jupyter"), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {assignment_id} failed: {proc.stderr.strip()[-500:]}")
    return scratch / "release" / assignment_id / f"{assignment_id}.ipynb"


def check_release(course: Path, assignment_id: str) -> list[Finding]:
    committed_path = course / "release" / assignment_id / f"{assignment_id}.ipynb"
    hint = f"run `nbgrader generate_assignment {assignment_id} --force` in {course}"
    if not committed_path.is_file():
        return [Finding("release", False, f"no {committed_path.relative_to(course)}: {hint}")]
    with tempfile.TemporaryDirectory(prefix="d2l-selftest-") as tmp:
        try:
            fresh = nbformat.read(str(regenerate_release(course, assignment_id, Path(tmp))), as_version=4)
        except RuntimeError as exc:
            return [Finding("release", False, str(exc))]
    committed = nbformat.read(str(committed_path), as_version=4)
    same = ([(c.cell_type, c.get("id"), c.source, c.metadata) for c in fresh.cells] ==
            [(c.cell_type, c.get("id"), c.source, c.metadata) for c in committed.cells])
    return [Finding("release", same, "in sync with source" if same else f"out of date: {hint}")]


def _graded(path: Path, assignment, options):
    from .faults import GraderFault
    from .grade import grade_notebook
    try:
        return grade_notebook(path, assignment.id, options), None
    except GraderFault as exc:
        return None, f"grader fault: {exc.reason}"


def _failed(report) -> set[str]:
    return {c.id.split(".", 1)[1] for c in report.checks if not c.passed and c.max_score > 0}


_LEAKS = ("Traceback", 'File "', ".cc:", "src/operator", "mxnet/base.py")


def message_faults(checks) -> list[str]:
    """What a student must never read: a failed stub check whose message does not name its stub (the reader
    cannot tell which function to fix), or any message showing a traceback or a C++/library source path."""
    faults = []
    for c in checks:
        if c.passed:
            continue
        if c.function and c.function not in c.message and not c.message.startswith("see above"):
            faults.append(f"{c.id}: message does not name {c.function}: {c.message[:120]}")
        leak = next((s for s in _LEAKS if s in c.message), None)
        if leak:
            faults.append(f"{c.id}: message shows {leak!r}: {c.message[:120]}")
    return faults


def judge_example(example: Example, report) -> tuple[Finding, set[str]]:
    """Did the graded example fail exactly the checks it declares, with messages a student may read?
    (Finding, the scored checks it failed.) Outcomes count only for examples that run whole: a quick
    example's training cells are cut short. `report` is a grade Report, or its JSON form from grade_all."""
    if isinstance(report, dict):
        from .results import Report
        report = Report.from_dict(report)
    checks = report.checks
    scored = {c.id.split(".", 1)[1] for c in checks if c.max_score > 0}
    judged = scored if example.whole else {c for c in scored if not c.startswith("outcome.")}
    failed = _failed(report) & judged
    unknown = set(example.fails) - scored
    leaks = message_faults(checks)
    what = f"example {example.name}"
    if failed == set(example.fails) and not unknown and not leaks:
        return Finding(what, True, "fails " + ", ".join(sorted(failed)) if failed
                       else "full marks on what it is judged on"), failed
    if failed == set(example.fails) and not unknown:
        return Finding(what, False, "; ".join(leaks)), failed
    missing, extra = set(example.fails) - failed - unknown, failed - set(example.fails)
    detail = "; ".join(part for part in (
        f"declares checks that do not exist: {', '.join(sorted(unknown))}" if unknown else "",
        f"should fail but passed: {', '.join(sorted(missing))}" if missing else "",
        "also failed: " + "; ".join(f"{c.id}: {c.message[:160]}" for c in checks
                                     if c.id.split('.', 1)[1] in extra) if extra else ""
    ) if part)
    return Finding(what, False, detail), failed


def check_gradings(assignment, source: Path, release: Path, options, workdir: Path,
                   examples: str = "all") -> list[Finding]:
    findings = []
    report, fault = _graded(source, assignment, options)
    if fault or report.score != report.max_score or report.errors:
        detail = fault or "; ".join([f"{c.id}: {c.message}" for c in report.checks if not c.passed] + report.errors)
        findings.append(Finding("solution", False, detail[:600]))
    else:
        findings.append(Finding("solution", True, f"{report.score:g}/{report.max_score:g}"))
    if release.is_file():
        report, fault = _graded(release, assignment, options)
        ok = fault is None and report.score == 0
        findings.append(Finding("release zero", ok, fault or f"{report.score:g}/{report.max_score:g}"))
    covered: set[str] = set()
    scored = None
    chosen = [ex for ex in examples_of(assignment) if examples == "all" or (ex.whole and not ex.student)]
    for number, example in enumerate(chosen):
        path = workdir / f"example-{number}.ipynb"
        nbformat.write(example_notebook(source, example), str(path))
        report, fault = _graded(path, assignment, options)
        if fault:
            findings.append(Finding(f"example {example.name}", False, fault))
            continue
        scored = {c.id.split(".", 1)[1] for c in report.checks if c.max_score > 0}
        finding, failed = judge_example(example, report)
        covered |= failed
        findings.append(finding)
    if scored is None:
        from .checks import checks_for
        scored = {c.id.split(".", 1)[1] for c in checks_for(assignment) if c.points > 0}
    if len(chosen) < len(examples_of(assignment)):
        findings.append(Finding("coverage", True, f"not judged here: {len(examples_of(assignment)) - len(chosen)} "
                                "examples left to the caller (examples='whole')"))
        return findings
    untested = sorted(scored - covered)
    findings.append(Finding("coverage", not untested,
                            f"untested (no example fails them): {', '.join(untested)}" if untested
                            else f"every one of the {len(scored)} scored checks is failed by some example"))
    return findings


def selftest(assignment_id: str, course_dir: str | Path | None = None, options=None,
             grade: bool = True, examples: str = "all") -> list[Finding]:
    """Every finding for one assignment, in the order of the module docstring. `examples="whole"` grades only
    the examples that run whole and are not demo students; the kit's test suite does that, judges the quick
    ones in-process (tests/autograder/test_classic_mistakes.py, a second each instead of a sandboxed process)
    and the demo students where the demo course grades them anyway (tests/classgrading/
    test_class_report_demo.py, with `judge_example`)."""
    from .grade import GradeOptions
    course = Path(course_dir).resolve() if course_dir else registry.course_root() or Path.cwd()
    assignment = registry.find(assignment_id, course)
    source = course / "source" / assignment.id / f"{assignment.id}.ipynb"
    release = course / "release" / assignment.id / f"{assignment.id}.ipynb"
    findings = check_declaration(assignment)
    if not source.is_file():
        return findings + [Finding("cells", False, f"no source notebook {source}")]
    findings += check_cells(assignment, source) + check_points(assignment, source) + check_release(course, assignment.id)
    if grade and all(f.ok for f in findings[:1]):
        options = options or GradeOptions(course_dir=course)
        with tempfile.TemporaryDirectory(prefix="d2l-selftest-") as tmp:
            findings += check_gradings(assignment, source, release, options, Path(tmp), examples)
    return findings


def table(assignment_id: str, findings: list[Finding]) -> str:
    width = max(len(f.what) for f in findings)
    rows = [f"selftest {assignment_id}"]
    rows += [f"  {'ok  ' if f.ok else 'FAIL'}  {f.what:<{width}}  {f.detail}" for f in findings]
    bad = sum(not f.ok for f in findings)
    rows.append(f"{len(findings) - bad} ok, {bad} failed" + ("" if bad else ": ready to release"))
    return "\n".join(rows)
