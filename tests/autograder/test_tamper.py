"""Tamper flags: code that reaches for the grader is flagged for the instructor, correct code never is,
and a flag never changes a score.

Fast tests scan cells statically (`autograder.tamper`); slow ones grade real notebooks in the sandbox, where
the student process's tripwire (`autograder.student.tripwire`) adds what the code's text hides.
"""
from __future__ import annotations

import glob
import json
import textwrap
from pathlib import Path

import pytest

from autograder.registry import discover

from autograder import tamper
from autograder.grade import GradeOptions, grade_notebook
from autograder.grade_all import GRADED, Row, summary_table
from autograder.notebook import Cell, read_cells
from autograder.results import CheckResult, Report

from .test_adversarial import ATTACKS
from .test_classic_mistakes import MISTAKES, PRELUDE, STYLES

ROOT = Path(__file__).resolve().parents[2]
SETUP = ("import extension; extension.ensure_loaded()\nfrom extension import d2l\n"
         "D2L_ASSIGNMENT = \"ndarray\"\n")

# One small attack cell per flag kind: (code expected, cell source).
ATTACK_CELLS = [
    ("replaces-grader-code", """
        import autograder.harness
        autograder.harness.SCENARIOS["inplace_update"] = lambda ns, **kw: {"allocations": 0}
        """),
    ("replaces-grader-code", """
        from autograder import harness as h
        import contextlib
        h.count_allocations = contextlib.nullcontext    # the allocation counter switched off
        """),
    ("patches-ndarray", """
        from mxnet.ndarray.ndarray import NDArray
        NDArray.__init__ = lambda self, *a, **k: None
        """),
    ("patches-ndarray", """
        import mxnet as mx
        setattr(mx.nd.NDArray, "__init__", lambda self, *a, **k: None)
        """),
    ("reads-protocol-fds", """
        import os
        pipes = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")]
        """),
    ("reads-protocol-fds", """
        import os
        print(os.listdir(f"/proc/{os.getpid()}/fd"))
        """),
    ("uses-inherited-fds", """
        import os
        os.write(4, b"forged reply")
        """),
    ("uses-inherited-fds", """
        pipe = open(5, "wb", closefd=False)
        """),
    ("walks-gc", """
        import gc
        kit = [o for o in gc.get_objects() if getattr(type(o), "__module__", "").startswith("autograder")]
        """),
    ("walks-gc", """
        from gc import get_referrers
        owners = get_referrers(dict)
        """),
    ("walks-sys-modules", """
        import sys
        harness = [m for name, m in sys.modules.items() if "harness" in name][0]
        """),
    ("imports-grader", """
        import importlib
        h = importlib.import_module("autograder.harness")
        """),
    ("imports-grader", "from autograder.checks import ndarray\n"),
    ("imports-grader", "from extension import magics\n"),
    ("hooks-interpreter", """
        import sys
        sys.addaudithook(lambda event, args: None)
        """),
    ("hooks-interpreter", "get_ipython().ast_transformers.append(object())\n"),
    ("inspects-frames", """
        import sys
        def add_into(X, Y, Z):
            sys._getframe(1).f_locals["allocations"]["n"] = 0
        """),
    ("uses-ctypes", "import ctypes\nctypes.memmove(0, 0, 0)\n"),
    ("patches-library", "import numpy\nnumpy.allclose = lambda *a, **k: True\n"),
]


def cells(*sources: str) -> list[Cell]:
    return [Cell(i, textwrap.dedent(s).strip() + "\n", None, False) for i, s in enumerate(sources)]


def codes(flags) -> set[str]:
    return {f["code"] for f in flags}


@pytest.mark.parametrize("expected, source", ATTACK_CELLS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ATTACK_CELLS)])
def test_each_attack_is_flagged_in_its_cell(expected, source):
    flags = tamper.static_flags(cells(SETUP, "%ctx", source))
    assert expected in codes(flags), flags
    flag = next(f for f in flags if f["code"] == expected)
    first_line = textwrap.dedent(source).strip().splitlines()[0][:40]
    assert flag["cell"] == 3 and first_line in flag["where"] and flag["origin"] == "static"
    assert not [f for f in flags if f["cell"] != 3], flags         # the setup cell and %ctx are the API


@pytest.mark.parametrize("name", ["patched_checks", "patched_harness", "patched_numpy_testing",
                                  "assert_removing_transformer"])
def test_the_adversarial_suites_attacks_are_flagged(name):
    assert tamper.static_flags(cells(ATTACKS[name]))


def test_the_pipe_takeover_is_flagged_statically():
    flags = tamper.static_flags(cells(PIPE_TAKEOVER.replace("FORGE", "True")))
    assert {"reads-protocol-fds", "uses-inherited-fds"} <= codes(flags), flags


def test_magics_shell_lines_and_unparseable_cells_do_not_break_the_scan():
    flags = tamper.static_flags(cells("%matplotlib inline\n!ls /tmp\n%check square_loss",
                                      "def broken(:\n    pass",
                                      "%%time\nimport gc\ngc.get_objects()"))
    assert [(f["code"], f["cell"]) for f in flags] == [("walks-gc", 3)]


def test_temporary_files_opened_by_descriptor_are_not_flagged():
    flags = tamper.static_flags(cells("""
        import os, tempfile
        fd, path = tempfile.mkstemp()
        with os.fdopen(fd, "w") as fh:
            fh.write("x")
        os.write(1, b"printed")
        """))
    assert flags == []
    assert codes(tamper.static_flags(cells("import os\nos.fdopen(4, 'wb')"))) == {"uses-inherited-fds"}


def test_a_name_imported_in_one_cell_is_followed_into_the_next():
    flags = tamper.static_flags(cells("import autograder.harness as h", "x = 1", "h.plain = print"))
    assert ("replaces-grader-code", 3) in {(f["code"], f["cell"]) for f in flags}


# ---- never on correct code ----

def _notebooks():
    found = sorted(glob.glob(str(ROOT / "course/examples/submitted/*/*/*.ipynb")))
    found += sorted(glob.glob(str(ROOT / "course/source/*/*.ipynb")))
    found += sorted(glob.glob(str(ROOT / "course/release/*/*.ipynb")))
    assert len(found) >= 20
    return found


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_no_flag_on_the_course_notebooks(path):
    """Every cell of the shipped notebooks (test cells too: they import the student API)."""
    assert tamper.static_flags(read_cells(path)) == []


@pytest.mark.parametrize("case", STYLES + MISTAKES, ids=lambda c: f"{c[0]}-{c[1]}" if isinstance(c, tuple) else "")
def test_no_flag_on_the_correct_styles_and_classic_mistakes(case):
    assert tamper.static_flags(cells(SETUP, PRELUDE, case[2])) == []


# ---- plumbing ----

FLAG = {"code": "walks-gc", "cell": 7, "where": "cell 7 (import gc)", "detail": "gc.get_objects()",
        "origin": "static"}


def test_report_keeps_the_five_keys_without_flags_and_round_trips_with_them():
    check = CheckResult("ndarray.l2_norm.values", "l2_norm", True, 1.0, 1.0, "")
    clean = Report("ndarray", [check])
    assert set(clean.to_dict()) == {"assignment", "score", "max_score", "checks", "errors"}
    flagged = Report("ndarray", [check], flags=[FLAG])
    data = json.loads(json.dumps(flagged.to_dict()))
    assert data["flags"] == [FLAG] and data["score"] == clean.score
    assert Report.from_dict(data) == flagged and Report.from_dict(clean.to_dict()) == clean


def test_flags_are_lines_for_the_instructor_not_in_the_students_summary():
    report = Report("ndarray", [CheckResult("ndarray.l2_norm.values", "l2_norm", True, 1.0, 1.0, "")],
                    flags=[FLAG])
    (line,) = report.flag_lines()
    assert line.startswith("flag: walks-gc in cell 7 (import gc)") and "does not change the score" in line
    assert "walks-gc" not in report.summary() and "walks-gc" not in report._repr_html_()


def test_grade_all_summary_has_a_flags_column():
    report = Report("ndarray", flags=[FLAG]).to_dict()
    rows = [Row("alice", "ndarray", "ndarray", GRADED, 0.0, 10.0, report=report),
            Row("bob", "ndarray", "ndarray", GRADED, 0.0, 10.0, report=Report("ndarray").to_dict())]
    table = summary_table(rows).splitlines()
    assert table[0].split()[:5] == ["student", "assignment", "score", "status", "flags"]
    assert "walks-gc" in table[2] and table[3].split()[4] == "-"
    assert "1 flagged for review" in table[-1]


def test_merge_keeps_static_flags_and_adds_what_only_run_time_saw():
    static = [FLAG]
    runtime = [dict(FLAG, origin="runtime", detail="gc.get_objects()"),
               dict(FLAG, code="patches-ndarray", origin="runtime", detail="NDArray.__init__ was replaced"),
               dict(FLAG, code="walks-gc", cell=None, origin="runtime")]
    merged = tamper.merge(static, runtime)
    assert [(f["code"], f["cell"], f["origin"]) for f in merged] == [
        ("walks-gc", 7, "static"), ("patches-ndarray", 7, "runtime"), ("walks-gc", None, "runtime")]


# ---- graded in the sandbox: the tripwire, and scores ----

# Finds the protocol pipes in /proc/self/fd and answers the judge itself: the cell never returns, so the
# runner never reads another request. FORGE=True computes the answers a naive check would accept.
PIPE_TAKEOVER = """
import os, fcntl
import numpy as np
from autograder.student.framing import pack, read_message
links = {}
for name in os.listdir('/proc/self/fd'):
    try:
        links[int(name)] = os.readlink('/proc/self/fd/' + name)
    except (OSError, ValueError):
        pass
ends = {}
for fd, link in links.items():
    if fd > 2 and link.startswith('pipe:') and link != links.get(2):
        mode = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
        ends['in' if mode == os.O_RDONLY else 'out'] = fd
def reply(tree):
    os.write(ends['out'], pack(tree))
def forge(name, kw):
    if FORGE and name == 'call':
        f, args = kw.get('function'), kw.get('args', [])
        if f == 'arange_matrix':
            r, c = int(args[0]), int(args[1])
            return {'value': np.arange(r * c, dtype='float32').reshape(r, c), 'type': 'NDArray'}
        if f == 'l2_norm':
            return {'value': float(np.sqrt((np.asarray(args[0]) ** 2).sum())), 'type': 'float'}
        if f == 'l1_norm':
            return {'value': float(np.abs(np.asarray(args[0])).sum()), 'type': 'float'}
    if FORGE and name == 'inplace_update':
        x = [np.asarray(a, dtype='float32') for a in kw['inputs']]
        return {'target_after': x[0] + x[1], 'same_handle': True, 'allocations': 0}
    return {'value': 0.0, 'type': 'NDArray'}
reply({'status': 'ok'})                     # for the run_cell the runner is still executing
while True:
    message = read_message(lambda n: os.read(ends['in'], n))
    op = message.get('op')
    if op == 'scenario':
        reply({'status': 'ok', 'value': forge(message.get('name'), message.get('kwargs') or {})})
    elif op == 'flags':
        reply({'status': 'ok', 'value': []})        # the tripwire's testimony, silenced
    else:
        reply({'status': 'ok'})
"""

# The same attacks written so that their text hides them: only the tripwire can see these.
HIDDEN_ATTACKS = """
m = __import__('o' + 's')
getattr(m, 'list' + 'dir')('/pr' + 'oc/self/fd')
getattr(__import__('g' + 'c'), 'get_' + 'objects')()
mods = getattr(__import__('s' + 'ys'), 'mod' + 'ules')
h = mods['auto' + 'grader.harness']
table = getattr(h, '_SCEN' + 'ARIOS')                 # the writable dict behind the read-only view
inner = table['call']
table['call'] = lambda ns, **kw: inner(ns, **kw)                  # inert: the same answers
nda = mods['mxnet.ndarray.ndarray'].NDArray
original = nda.__init__
setattr(nda, '__in' + 'it__', lambda self, *a, **k: original(self, *a, **k))
getattr(m, 'fd' + 'open')(min(int(fd) for fd in getattr(m, 'list' + 'dir')('/pr' + 'oc/self/fd') if int(fd) > 2), 'rb', closefd=False)
"""

OPTIONS = GradeOptions(cell_timeout=120, total_timeout=600)


def _grade(notebook_builder, assignment, extra=None, **kwargs):
    insert = {"setup": textwrap.dedent(extra)} if extra else None
    return grade_notebook(notebook_builder(assignment, insert_after=insert, **kwargs), assignment, OPTIONS)


@pytest.mark.slow
def test_the_tripwire_sees_what_the_text_hides_and_the_score_stays(notebook_builder):
    clean = _grade(notebook_builder, "ndarray")
    attacked = _grade(notebook_builder, "ndarray", HIDDEN_ATTACKS)
    assert clean.flags == [] and clean.score == clean.max_score, clean.summary()
    runtime = {(f["code"], f["cell"]) for f in attacked.flags if f["origin"] == "runtime"}
    assert {("reads-protocol-fds", 3), ("walks-gc", 3), ("replaces-grader-code", 3), ("patches-ndarray", 3),
            ("uses-inherited-fds", 3)} <= runtime, attacked.flags
    assert attacked.score == clean.score
    assert [(c.id, c.score) for c in attacked.checks] == [(c.id, c.score) for c in clean.checks]


@pytest.fixture(scope="module")
def clean_linreg(tmp_path_factory):
    from .conftest import build_notebook
    path = build_notebook(tmp_path_factory.mktemp("clean") / "linreg_scratch.ipynb", "linreg_scratch")
    return grade_notebook(path, "linreg_scratch", OPTIONS)


@pytest.mark.slow
@pytest.mark.parametrize("attack, code", [("patched_checks", "replaces-grader-code"),
                                          ("patched_numpy_testing", "patches-library")])
def test_flags_never_change_a_score(attack, code, clean_linreg, notebook_builder):
    """Correct stubs and an attack that changes nothing grading relies on: the same score as without it."""
    attacked = _grade(notebook_builder, "linreg_scratch", ATTACKS[attack])
    assert code in codes(attacked.flags) and clean_linreg.flags == []
    assert attacked.score == clean_linreg.score == clean_linreg.max_score


@pytest.mark.slow
def test_the_pipe_takeover_is_flagged_though_it_silences_the_tripwire(notebook_builder):
    report = _grade(notebook_builder, "ndarray", PIPE_TAKEOVER.replace("FORGE", "True"))
    assert {"reads-protocol-fds", "uses-inherited-fds", "imports-grader"} <= codes(report.flags)
    assert all(f["origin"] == "static" for f in report.flags)        # it answered {"op": "flags"} itself


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(a for a, found in discover().items() if found.shipped))
def test_no_flag_when_the_correct_styles_are_graded(assignment, notebook_builder):
    """Other correct styles, all at once, graded (their cells only: the flags come from the text and the
    tripwire, not from training). The shipped example submissions of every assignment — correct, buggy and
    crashing — are held to no flags where the demo course grades them (tests/classgrading/
    test_class_report_demo.py)."""
    styles = {stub: source for a, stub, source in STYLES if a == assignment}
    assert styles, f"{assignment} declares no other correct style in its examples.py"
    report = _grade(notebook_builder, assignment, replace=styles, stubs_only=True)
    assert report.flags == [], report.flag_lines()


@pytest.mark.slow
def test_grade_prints_one_line_per_flag_and_writes_them_to_the_json(notebook_builder, tmp_path):
    import subprocess
    import sys
    path = notebook_builder("ndarray", stubs_only=True,
                            insert_after={"setup": "import gc\nobjects = gc.get_objects()\n"})
    out = tmp_path / "report.json"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--assignment", "ndarray",
                          "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("flag: ")]
    assert lines == ["flag: walks-gc in cell 3 (import gc): gc.get_objects() (found in the code; walks the "
                     "garbage collector's objects), for the instructor to review; it does not change the score"]
    assert run.stdout.index("total") < run.stdout.index(lines[0])         # under the table
    report = json.loads(out.read_text())
    assert [(f["code"], f["cell"], f["origin"]) for f in report["flags"]] == [("walks-gc", 3, "static")]
    assert report["score"] == report["max_score"] == 10
