"""What the class got wrong: one assignment's graded reports, read back from the gradebook and counted.

    python -m autograder report linreg_scratch --course-dir course [--html report.html] [--csv mistakes.csv]

    graded, not_graded = read_rows("course", "linreg_scratch")   # the gradebook and submitted/
    report = summarise("linreg_scratch", graded, not_graded)      # pure: hand-made rows test it
    print(report.text())

Every check names a classic mistake in its message, so counting the messages of failed checks over a
class tells an instructor which mistakes the class made. Messages of one check can differ per student
only in the numbers they quote (a shape, a value), so they are grouped by their text with numbers
blanked (`mistake_key`); each group shows one real message. Outcome checks (function None) judge the
whole notebook and are ranked separately from the stubs' checks.

Source of truth: our `d2l_grader_graded` table (status "graded" with the full report, or "rejected" with
the reason) plus nbgrader's submitted/ tree, whose notebooks without a row are "not graded yet" — either
`grade-all` has not run on them or a grader-side fault left them for a retry (grade-all records nothing
then). The scores are the autograder's; manual scores from formgrader are not part of this report.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import statistics
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from .gradebook import MARKERS, CourseError, CourseGradebook, load_coursedir
from .results import Report

NO_ROW = ("not graded yet: submitted but no gradebook row (grade-all has not run on it, or a grader-side "
          "fault left it for a retry): run grade-all again")


@dataclass(frozen=True)
class Graded:
    """One graded submission notebook."""
    student: str
    notebook: str
    report: Report
    stale: bool = False          # the submitted file changed since it was graded


@dataclass(frozen=True)
class NotGraded:
    """A submission with no grade from its checks: rejected (unreadable) or no row yet."""
    student: str
    notebook: str
    reason: str


@dataclass
class Mistake:
    """Failures of one check whose messages match once numbers are blanked."""
    key: str
    example: str                 # the most frequent real message of the group
    students: list[str]


@dataclass
class CheckCount:
    id: str
    function: str | None
    max_score: float
    graded: int                  # submissions whose report has this check
    failed: list[str]            # students who failed it, sorted
    mistakes: list[Mistake]      # most frequent first

    @property
    def share(self) -> float:
        return len(self.failed) / self.graded if self.graded else 0.0

    @property
    def top(self) -> Mistake | None:
        return self.mistakes[0] if self.mistakes else None

    @property
    def short_id(self) -> str:
        """`SGD.step` for `linreg_scratch.SGD.step`: the assignment is in the report's title."""
        return self.id.split(".", 1)[-1]


@dataclass
class Bin:
    label: str
    low: float
    high: float                  # exclusive, except the full-marks bin (low == high == max)
    count: int


@dataclass
class ClassReport:
    assignment: str
    graded: list[Graded]
    not_graded: list[NotGraded]
    checks: list[CheckCount]     # ranked: most failed first
    histogram: list[Bin]
    max_score: float
    errors: list[Mistake] = field(default_factory=list)   # notebook-level errors (a cell raised, ...)

    @property
    def scores(self) -> list[float]:
        return [g.report.score for g in self.graded]

    @property
    def function_checks(self) -> list[CheckCount]:
        return [c for c in self.checks if c.function is not None]

    @property
    def outcome_checks(self) -> list[CheckCount]:
        return [c for c in self.checks if c.function is None]

    @property
    def stale(self) -> list[Graded]:
        return [g for g in self.graded if g.stale]

    def text(self) -> str:
        return render_text(self)

    def csv(self) -> str:
        return render_csv(self)


# --- reading -------------------------------------------------------------------------------------------

def gradebook_file(course_dir: str | Path) -> Path | None:
    """The SQLite file of the course's gradebook (None for another database). CourseError when the
    course has no config or the file does not exist: opening it with nbgrader would create an empty one."""
    coursedir = load_coursedir(course_dir)
    url = make_url(coursedir.db_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    path = Path(url.database)
    if not path.is_file():
        raise CourseError(f"{course_dir} has no gradebook ({path}): run `nbgrader generate_assignment` and "
                          "`python -m autograder grade-all` there first")
    return path


def read_rows(course_dir: str | Path, assignment: str) -> tuple[list[Graded], list[NotGraded]]:
    """Every submission of `assignment` the gradebook or submitted/ knows, graded or not.
    CourseError when there is no gradebook or nbgrader never generated the assignment."""
    from .grade_all import find_submissions
    gradebook_file(course_dir)
    graded: list[Graded] = []
    not_graded: list[NotGraded] = []
    with CourseGradebook(course_dir) as book:
        book.notebooks_of(assignment)                 # CourseError if never generated
        markers = book.gb.db.execute(select(MARKERS).where(MARKERS.c.assignment == assignment)).all()
        seen = {}
        for row in markers:
            seen[(row.student, row.notebook)] = row.sha256
            payload = json.loads(row.report)
            if row.status == "graded":
                graded.append(Graded(row.student, row.notebook, Report.from_dict(payload)))
            else:
                not_graded.append(NotGraded(row.student, row.notebook,
                                            f"{row.status}: {payload.get('reason', 'no reason recorded')}"))
        stale = set()
        for sub in find_submissions(book, [assignment]):
            key = (sub.student, sub.notebook)
            if key not in seen:
                if sub.path.is_file():
                    not_graded.append(NotGraded(sub.student, sub.notebook, NO_ROW))
            elif sub.path.is_file() and hashlib.sha256(sub.path.read_bytes()).hexdigest() != seen[key]:
                stale.add(key)
    graded = [Graded(g.student, g.notebook, g.report, (g.student, g.notebook) in stale) for g in graded]
    return (sorted(graded, key=lambda g: (g.student, g.notebook)),
            sorted(not_graded, key=lambda n: (n.student, n.notebook)))


# --- counting (pure) -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\b(?:nan|inf)\b")
_RUN = re.compile(r"#(?:[\s,;]+#)+")        # a printed array or list of any length is one "#"
_TRACEBACK = re.compile(r"\s*Traceback \(most recent call last\):\s*$")
_FRAME = re.compile(r'^\s*File ".*", line \d+')
_REPEATED_NAME = re.compile(r"\b(\w+Error): \1: ")


def one_line(message: str) -> str:
    """A message on one line for a table row. Some exception texts (MXNet's) carry a traceback with C++
    source frames; the frames say nothing about the student's mistake, so they are dropped here."""
    kept = [_TRACEBACK.sub("", line).strip() for line in message.splitlines() if not _FRAME.match(line)]
    return _REPEATED_NAME.sub(r"\1: ", " ".join(line for line in kept if line))


def mistake_key(message: str) -> str:
    """The message with every number (and run of numbers) blanked: messages of one check that differ
    only in the values they quote are one mistake."""
    return _RUN.sub("#", _NUMBER.sub("#", message)).strip()


def group_mistakes(failures: list[tuple[str, str]]) -> list[Mistake]:
    """(student, message) pairs → mistakes, most students first (ties: alphabetical by example)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for student, message in failures:
        message = one_line(message)
        groups.setdefault(mistake_key(message), []).append((student, message))
    mistakes = []
    for key, members in groups.items():
        counts = Counter(message for _, message in members)
        example = min(counts, key=lambda m: (-counts[m], m))
        mistakes.append(Mistake(key, example, sorted({s for s, _ in members})))
    return sorted(mistakes, key=lambda m: (-len(m.students), m.example))


NICE_WIDTHS = (0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 250, 500, 1000)


def score_histogram(scores: list[float], max_score: float, most_bins: int = 10) -> list[Bin]:
    """Bins of a round width (1 point for a 10-point assignment) over [0, max), at most `most_bins` of
    them, and one bin for full marks, so "everything right" stands out."""
    if max_score <= 0:
        return [Bin("0", 0.0, 0.0, len(scores))]
    width = next((w for w in NICE_WIDTHS if math.ceil(max_score / w - 1e-9) <= most_bins), max_score / most_bins)
    bins = math.ceil(max_score / width - 1e-9)
    out = []
    for i in range(bins):
        low, high = i * width, min((i + 1) * width, max_score)
        out.append(Bin(f"[{low:g}, {high:g})", low, high, 0))
    out.append(Bin(f"{max_score:g}", max_score, max_score, 0))
    for score in scores:
        if score >= max_score:
            out[-1].count += 1
        else:
            out[min(int(max(score, 0.0) / width + 1e-9), bins - 1)].count += 1
    return out


def summarise(assignment: str, graded: list[Graded], not_graded: list[NotGraded]) -> ClassReport:
    """Count each check's failures over the graded reports and rank them."""
    seen: dict[str, CheckCount] = {}
    failures: dict[str, list[tuple[str, str]]] = {}
    errors: list[tuple[str, str]] = []
    for g in graded:
        who = g.student if g.notebook == assignment else f"{g.student}/{g.notebook}"
        for c in g.report.checks:
            count = seen.get(c.id)
            if count is None:
                count = seen[c.id] = CheckCount(c.id, c.function, c.max_score, 0, [], [])
            count.graded += 1
            if not c.passed:
                count.failed.append(who)
                failures.setdefault(c.id, []).append((who, c.message or "(no message)"))
        errors += [(who, e) for e in g.report.errors]
    for check_id, count in seen.items():
        count.failed.sort()
        count.mistakes = group_mistakes(failures.get(check_id, []))
    # Advisory checks (0 points: a note even the book's solution can get) rank after every scored check.
    ranked = sorted(seen.values(), key=lambda c: (c.max_score == 0, -len(c.failed), -c.max_score, c.id))
    maxima = Counter(g.report.max_score for g in graded)
    max_score = maxima.most_common(1)[0][0] if maxima else 0.0
    return ClassReport(assignment, list(graded), list(not_graded), ranked,
                       score_histogram([g.report.score for g in graded], max_score), max_score,
                       group_mistakes(errors))


# --- text and CSV --------------------------------------------------------------------------------------

def _examples(students: list[str], n: int = 2) -> str:
    more = len(students) - n
    return ", ".join(students[:n]) + (f" (+{more} more)" if more > 0 else "")


def _points(c: CheckCount) -> str:
    return "advisory, 0 pts" if c.max_score == 0 else f"{c.max_score:g} pts"


def _check_lines(rank: int, c: CheckCount) -> list[str]:
    lines = [f"{rank:>3}. {c.short_id} ({_points(c)}): failed by {len(c.failed)} of {c.graded} "
             f"({100 * c.share:.0f}%)"]
    top = c.top
    lines.append(f"     {len(top.students)}x {top.example}")
    lines.append(f"        e.g. {_examples(top.students)}")
    others = c.mistakes[1:]
    if others:
        rest = sum(len(m.students) for m in others)
        lines.append(f"     +{len(others)} other message{'s' if len(others) > 1 else ''} "
                     f"({rest} student{'s' if rest > 1 else ''})")
    return lines


def _ranked_section(title: str, checks: list[CheckCount]) -> list[str]:
    failed = [c for c in checks if c.failed]
    clean = [c.short_id for c in checks if not c.failed]
    lines = [title]
    for rank, c in enumerate(failed, 1):
        lines += _check_lines(rank, c)
    if not failed:
        lines.append("  no failures")
    if clean:
        lines += textwrap.wrap(f"passed by every graded submission: {', '.join(clean)}", width=100,
                               initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False)
    return lines


def _merge_empty(bins: list[Bin]) -> list[Bin]:
    """Runs of empty bins below full marks as one row: a small class leaves most bins empty."""
    out: list[Bin] = []
    for b in bins:
        prev = out[-1] if out else None
        if prev and prev.count == 0 and b.count == 0 and b.low < b.high and prev.high == b.low:
            out[-1] = Bin(f"[{prev.low:g}, {b.high:g})", prev.low, b.high, 0)
        else:
            out.append(b)
    return out


def render_text(r: ClassReport) -> str:
    total = len(r.graded) + len(r.not_graded)
    lines = [f"{r.assignment}: what the class got wrong",
             f"{total} submissions: {len(r.graded)} graded, {len(r.not_graded)} not graded"]
    rejected = [n for n in r.not_graded if n.reason != NO_ROW]
    if rejected:
        width = max(len(n.student) for n in rejected)
        lines += [f"  {n.student:<{width}}  {n.reason}" for n in rejected]
    no_row = [n.student for n in r.not_graded if n.reason == NO_ROW]
    if no_row:
        lines.append(f"  {len(no_row)} {NO_ROW}: {_examples(no_row, 10)}")
    if r.stale:
        lines.append(f"  {len(r.stale)} changed since graded (their grade is of the earlier file; grade-all "
                     f"regrades them): {_examples([g.student for g in r.stale], 5)}")
    if not r.graded:
        return "\n".join(lines)
    scores = r.scores
    lines += ["", f"scores (out of {r.max_score:g}): mean {statistics.mean(scores):.2f}, "
                  f"median {statistics.median(scores):g}"]
    shown = _merge_empty(r.histogram)
    peak = max(b.count for b in shown) or 1
    label_width = max(len(b.label) for b in shown)
    for b in shown:
        bar = "#" * round(30 * b.count / peak)
        lines.append(f"  {b.label:>{label_width}}  {b.count:>4}  {bar}".rstrip())
    lines += [""] + _ranked_section("mistakes in the stubs, by students failing each check:", r.function_checks)
    if r.outcome_checks:
        lines += [""] + _ranked_section("outcomes (the whole notebook):", r.outcome_checks)
    if r.errors:
        lines += ["", "notebook errors (a cell raised, a test cell was edited, ...):"]
        lines += [f"  {len(m.students)}x {m.example}\n     e.g. {_examples(m.students)}" for m in r.errors[:5]]
        if len(r.errors) > 5:
            lines.append(f"  +{len(r.errors) - 5} other errors")
    return "\n".join(lines)


CSV_FIELDS = ("kind", "rank", "check", "function", "points", "failed", "graded", "share",
              "mistake_students", "mistake", "examples")


def render_csv(r: ClassReport) -> str:
    """One row per (check, mistake), ranked; a check nobody failed is one row with an empty mistake."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for kind, checks in (("stub", r.function_checks), ("outcome", r.outcome_checks)):
        for rank, c in enumerate(checks, 1):
            base = {"kind": kind, "rank": rank, "check": c.id, "function": c.function or "",
                    "points": f"{c.max_score:g}", "failed": len(c.failed), "graded": c.graded,
                    "share": f"{c.share:.3f}"}
            for m in c.mistakes or [None]:
                writer.writerow({**base, "mistake_students": len(m.students) if m else 0,
                                 "mistake": m.example if m else "",
                                 "examples": "; ".join(m.students[:2]) if m else ""})
    return out.getvalue()


def pointer(assignments: list[str], course_dir: str | Path) -> str:
    """grade-all's last line: where to look next."""
    shown = sorted(set(assignments))
    name = shown[0] if len(shown) == 1 else "ASSIGNMENT"
    line = f"what the class got wrong: python -m autograder report {name} --course-dir {course_dir} [--html report.html]"
    return line + (f"  (ASSIGNMENT: {', '.join(shown)})" if len(shown) > 1 else "")
