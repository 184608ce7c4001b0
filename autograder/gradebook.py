"""Write grading Reports into an nbgrader course's gradebook, so formgrader, `generate_feedback` and
`export` work unchanged on our grades.

    with CourseGradebook("course") as book:
        sub = book.submission("alice", "linreg_scratch", "linreg_scratch")
        if not book.is_done(sub):
            book.record(sub, report)          # or book.record(sub, None, reason="not JSON ...")

What one `record` writes, in ONE database transaction (a crash leaves all of it or none of it):
- nbgrader's rows, through its own ORM (`nbgrader.api`): the student (if new), the SubmittedAssignment
  mirroring the assignment's structure (as `Gradebook.add_submission` does), each test cell's
  `Grade.auto_score` (the sum of the checks of the stub it tests; a grader's manual score is kept and
  flagged for review, as `nbgrader autograde` does), and each stub's solution-cell `Comment.auto_comment`
  (our messages for that stub); a submission with tamper flags gets nbgrader's `flagged` review mark;
- a row in our own table `d2l_grader_graded` (same SQLite file) saying which file content (sha256) was
  graded, when, and the full JSON report: `is_done` is "that row exists for this content and nbgrader
  still has the submission", which is what makes `grade-all` resumable.

Before the transaction it writes, atomically (tmp file + rename), the autograded notebook nbgrader's
feedback is rendered from: the submission with its test cells restored from the gradebook *minus the
hidden tests* (nbgrader's ClearHiddenTests), our check results as each test cell's output, and a report
cell at the top.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Comment, Grade, Gradebook, MissingEntry, Student, SubmittedAssignment, SubmittedNotebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, and_, delete, insert, select
from traitlets.config.loader import PyFileConfigLoader

from .registry import get_assignment
from .results import Report, html_list

CONFIG_FILE = "nbgrader_config.py"

MARKERS = Table(
    "d2l_grader_graded", MetaData(),
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("notebook", String(128), primary_key=True),
    Column("sha256", String(64), nullable=False),       # of the submitted file that was graded
    Column("graded_at", DateTime, nullable=False),
    Column("status", String(16), nullable=False),       # "graded" | "rejected" (could not be read)
    Column("report", Text, nullable=False),             # Report.to_dict() as JSON, or {"reason": ...}
)


class CourseError(Exception):
    """The course directory cannot be graded into (no config, assignment not generated, ...)."""


@dataclass(frozen=True)
class Submission:
    """One submitted notebook: submitted/<student>/<assignment>/<notebook>.ipynb."""
    student: str
    assignment: str
    notebook: str
    path: Path
    timestamp: dt.datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.student}/{self.assignment}"

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def load_coursedir(course_dir: str | Path) -> CourseDirectory:
    """nbgrader's CourseDirectory configured from the course's own nbgrader_config.py."""
    course_dir = Path(course_dir).resolve()
    if not (course_dir / CONFIG_FILE).is_file():
        raise CourseError(f"{course_dir} has no {CONFIG_FILE}: give the nbgrader course root (where you run nbgrader)")
    config = PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config()
    coursedir = CourseDirectory(config=config)
    if not config.CourseDirectory.get("root"):
        coursedir.root = str(course_dir)
    return coursedir


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cell_output(lines: list[str]) -> list:
    # A list, not a stream: feedback HTML shows streams in <pre>, one line per check, cut off at the edge.
    return [nbformat.v4.new_output("display_data", data={"text/plain": "\n".join(lines),
                                                        "text/html": html_list(lines)})]


def _report_cell(report: Report | None, reason: str | None):
    if report is None:
        body = html_list([f"Could not grade this notebook: {reason}"])
    else:
        body = "<pre>" + html.escape(report.table()) + "</pre>" + html_list(report.hint_lines())
    return nbformat.v4.new_markdown_cell(
        "**d2l-grader report**\n\n" + body,
        metadata={"d2l_grader": {"report": True}})


class CourseGradebook:
    """nbgrader's gradebook of one course, opened for writing our reports. A context manager."""

    def __init__(self, course_dir: str | Path):
        self.coursedir = load_coursedir(course_dir)
        self.root = Path(self.coursedir.root)
        self.db_url = self.coursedir.db_url
        self.course_id = self.coursedir.course_id
        self.gb: Gradebook | None = None

    def __enter__(self) -> "CourseGradebook":
        self.gb = Gradebook(self.db_url, course_id=self.course_id)
        MARKERS.create(self.gb.engine, checkfirst=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.gb is not None:
            self.gb.close()
            self.gb = None

    # --- paths ---------------------------------------------------------------------------------------

    def submitted_root(self) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", ".")).resolve()

    def submission(self, student: str, assignment: str, notebook: str) -> Submission:
        folder = Path(self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment))
        return Submission(student, assignment, notebook, folder / f"{notebook}.ipynb",
                          self.coursedir.get_existing_timestamp(str(folder)))

    def autograded_path(self, sub: Submission) -> Path:
        folder = self.coursedir.format_path(self.coursedir.autograded_directory, sub.student, sub.assignment)
        return Path(folder) / f"{sub.notebook}.ipynb"

    def release_path(self, assignment: str, notebook: str) -> Path:
        folder = self.coursedir.format_path(self.coursedir.release_directory, ".", assignment)
        return Path(folder) / f"{notebook}.ipynb"

    # --- reading -------------------------------------------------------------------------------------

    def notebooks_of(self, assignment: str) -> list[str]:
        """The notebook names nbgrader knows for `assignment`; CourseError if it was never generated."""
        try:
            found = self.gb.find_assignment(assignment)
        except MissingEntry:
            # With release/ already there (the course ships it), nbgrader only logs "Skipping existing
            # assignment" and registers nothing: --force regenerates it and registers it.
            force = " --force" if self.release_path(assignment, assignment).parent.is_dir() else ""
            raise CourseError(f"assignment {assignment!r} is not in the gradebook {self.db_url}: run "
                              f"`nbgrader generate_assignment {assignment}{force}` in {self.root} first") from None
        return [nb.name for nb in found.notebooks]

    def marker(self, sub: Submission):
        return self.gb.db.execute(select(MARKERS).where(and_(
            MARKERS.c.assignment == sub.assignment, MARKERS.c.student == sub.student,
            MARKERS.c.notebook == sub.notebook))).first()

    def is_done(self, sub: Submission, sha256: str | None = None) -> bool:
        """Graded already: our marker matches the file's content and nbgrader still has the submission."""
        row = self.marker(sub)
        if row is None or row.sha256 != (sha256 or sub.sha256()):
            return False
        try:
            self.gb.find_submission_notebook(sub.notebook, sub.assignment, sub.student)
        except MissingEntry:
            return False
        return True

    def stored_result(self, sub: Submission) -> tuple[str, dict] | None:
        row = self.marker(sub)
        return None if row is None else (row.status, json.loads(row.report))

    # --- writing -------------------------------------------------------------------------------------

    def record(self, sub: Submission, report: Report | None, reason: str | None = None,
               sha256: str | None = None) -> None:
        """Write `report` (or, when None, a zero grade with `reason`) for `sub`, in one transaction."""
        sha256 = sha256 or sub.sha256()
        db = self.gb.db
        notebook = self.gb.find_notebook(sub.notebook, sub.assignment)
        self._write_autograded(sub, notebook, report, reason)
        try:
            submitted = self._submitted_notebook(sub, notebook)
            self._set_grades(sub, submitted, report, reason)
            key = and_(MARKERS.c.assignment == sub.assignment, MARKERS.c.student == sub.student,
                       MARKERS.c.notebook == sub.notebook)
            db.execute(delete(MARKERS).where(key))
            payload = report.to_dict() if report is not None else {"reason": reason}
            db.execute(insert(MARKERS).values(
                assignment=sub.assignment, student=sub.student, notebook=sub.notebook, sha256=sha256,
                graded_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
                status="graded" if report is not None else "rejected", report=json.dumps(payload)))
            db.commit()
        except BaseException:
            db.rollback()
            raise

    def _submitted_notebook(self, sub: Submission, notebook) -> SubmittedNotebook:
        """Find or create the submission's rows, like Gradebook.add_submission but without committing."""
        db = self.gb.db
        try:
            student = self.gb.find_student(sub.student)
        except MissingEntry:
            student = Student(id=sub.student)
            db.add(student)
        try:
            submission = self.gb.find_submission(sub.assignment, sub.student)
        except MissingEntry:
            # Read the assignment's structure first: building rows while lazy loads autoflush half-made ones
            # makes SQLAlchemy warn (nbgrader's add_submission does exactly that).
            shape = [(nb, list(nb.grade_cells), list(nb.solution_cells), list(nb.task_cells))
                     for nb in notebook.assignment.notebooks]
            with db.no_autoflush:
                submission = SubmittedAssignment(assignment=notebook.assignment, student=student)
                db.add(submission)
                for nb, grade_cells, solution_cells, task_cells in shape:
                    snb = SubmittedNotebook(assignment=submission, notebook=nb)
                    db.add(snb)
                    db.add_all([Grade(cell_id=cell.id, notebook=snb) for cell in grade_cells + task_cells])
                    db.add_all([Comment(cell_id=cell.id, notebook=snb) for cell in solution_cells + task_cells])
            db.flush()      # load the new rows' cells (grade.name, max_score); still one transaction
        if sub.timestamp is not None:
            submission.timestamp = sub.timestamp.replace(tzinfo=None) if sub.timestamp.tzinfo else sub.timestamp
        return next(n for n in submission.notebooks if n.name == sub.notebook)

    def _set_grades(self, sub: Submission, submitted: SubmittedNotebook, report: Report | None,
                    reason: str | None) -> None:
        test_cells = get_assignment(sub.assignment, self.root).test_cells
        for grade in submitted.grades:
            if grade.name not in test_cells:
                continue          # a cell we do not grade (manually graded answer): left for the grader
            if report is None:
                score = 0.0
            else:
                checks = report.for_function(test_cells[grade.name])
                got, most = sum(c.score for c in checks), sum(c.max_score for c in checks)
                score = 0.0 if most == 0 else round(got / most * grade.max_score, 6)
            grade.auto_score = score
            grade.needs_manual_grade = grade.manual_score is not None
        if report is not None and report.flags:
            # nbgrader's own review mark (formgrader shows it; feedback does not). The flags' text stays in our
            # table's report: a cell comment would be rendered into the student's feedback.
            submitted.flagged = True
        stubs = set(get_assignment(sub.assignment, self.root).stubs)
        for comment in submitted.comments:
            if comment.name not in stubs:
                continue
            if report is None:
                comment.auto_comment = f"Could not grade this notebook: {reason}"
                continue
            failed = [c.message or c.id for c in report.for_function(comment.name) if not c.passed]
            # nbgrader renders comments as Markdown, which joins lines into one paragraph: a list keeps them apart
            comment.auto_comment = html_list(failed) if failed else "All checks passed."

    def _write_autograded(self, sub: Submission, notebook, report: Report | None, reason: str | None) -> None:
        try:
            nb = nbformat.read(sub.path, as_version=4) if report is not None else None
        except Exception:          # graded from our own reader but nbformat refuses it: show the release
            nb = None
        if nb is None:
            release = self.release_path(sub.assignment, sub.notebook)
            if not release.is_file():
                return
            nb = nbformat.read(release, as_version=4)
        sources = {cell.name: cell.source for cell in notebook.source_cells}
        test_cells = get_assignment(sub.assignment, self.root).test_cells
        hide = ClearHiddenTests(config=self.coursedir.config, enforce_metadata=False)
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            name = meta.get("grade_id")
            if not meta.get("grade") or name not in sources:
                continue
            cell.source = sources[name]          # a student's edits to a test cell are undone, as nbgrader does
            hide.preprocess_cell(cell, {}, index)  # only on our restored cells: student text cannot trip it
            if cell.cell_type == "code":
                cell.outputs = _cell_output(self._cell_lines(report, reason, test_cells.get(name, "")))
                cell.execution_count = None
        nb.cells.insert(0, _report_cell(report, reason))
        _atomic_write(self.autograded_path(sub), nbformat.writes(nb))
        # Copied along as `nbgrader autograde` does: generate_feedback passes them on to feedback/, where
        # release_feedback needs them (the secret names the student's feedback in the exchange).
        for name in ("timestamp.txt", "submission_secret.txt"):
            if (sub.path.parent / name).is_file():
                _atomic_write(self.autograded_path(sub).parent / name, (sub.path.parent / name).read_text())

    @staticmethod
    def _cell_lines(report: Report | None, reason: str | None, function) -> list[str]:
        if report is None:
            return [f"Could not grade this notebook: {reason}"]
        if function == "":
            return ["(not graded by d2l-grader)"]
        return [c.summary() for c in report.for_function(function)] or ["(no checks)"]
