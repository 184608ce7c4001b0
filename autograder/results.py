"""Check results and grading reports: plain dataclasses that render as text, HTML and dicts.

A check never prints its verdict; it returns a `CheckResult`. A `Report` gathers them for one
notebook and is what the terminal table, the JSON/JUnit files and the gradebook are written from.
"""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class CheckResult:
    id: str                    # "linreg_scratch.square_loss.shape"
    function: str | None       # the stub the check concerns; None for whole-notebook outcomes
    passed: bool
    score: float
    max_score: float
    message: str               # what was given, what came back, the likely mistake; "" when passed

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def verdict(self) -> str:
        """'pass', 'FAIL', or 'note' for a failed advisory check worth no points."""
        return "pass" if self.passed else ("note" if self.max_score == 0 else "FAIL")

    def summary(self) -> str:
        mark = self.verdict.upper()
        line = f"{mark} {self.id} ({self.score:g}/{self.max_score:g})"
        return f"{line}: {self.message}" if self.message else line


@dataclass
class Report:
    assignment: str
    checks: list[CheckResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # problems with the notebook as a whole
    # tamper flags (`autograder.tamper`): for the instructor, never part of the score or the student's feedback
    flags: list[dict] = field(default_factory=list)
    hidden_points: float = 0.0     # points of hidden checks not run here (in the kernel); not in to_dict

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)

    @property
    def passed(self) -> bool:
        return not self.errors and all(c.passed for c in self.checks)

    def for_function(self, function: str | None) -> list[CheckResult]:
        return [c for c in self.checks if c.function == function]

    def to_dict(self) -> dict:
        """The ◆ JSON report; "flags" is added only when there are some, so a clean report keeps the five keys."""
        data = {"assignment": self.assignment, "score": self.score, "max_score": self.max_score,
                "checks": [c.to_dict() for c in self.checks], "errors": list(self.errors)}
        if self.flags:
            data["flags"] = [dict(f) for f in self.flags]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        return cls(assignment=data["assignment"],
                   checks=[CheckResult(**c) for c in data["checks"]],
                   errors=list(data.get("errors", [])),
                   flags=[dict(f) for f in data.get("flags", [])])

    def flag_lines(self) -> list[str]:
        """One line per tamper flag, for the instructor (not part of `summary`, which students see)."""
        from .tamper import flag_line
        return [f"flag: {flag_line(f)}, for the instructor to review; it does not change the score"
                for f in self.flags]

    def summary(self) -> str:
        """A terminal table: one row per check, the failures' messages below it."""
        hints = [f"- {line}" for line in self.hint_lines()]
        return "\n".join([self.table()] + ([""] + hints if hints else []))

    def table(self) -> str:
        """The table alone: check, result, score; the total."""
        width = max([len(c.id) for c in self.checks] + [5])
        rows = [f"{'check':<{width}}  result  score", f"{'-' * width}  ------  -----"]
        for c in self.checks:
            rows.append(f"{c.id:<{width}}  {c.verdict:<6}  {c.score:g}/{c.max_score:g}")
        later = f" ({self.later_note()})" if self.hidden_points else ""
        rows.append(f"{'total':<{width}}          {self.score:g}/{self.max_score:g}{later}")
        return "\n".join(rows)

    def later_note(self) -> str:
        """What the total leaves out, so a public-only total is not read as the grade."""
        if not self.hidden_points:
            return ""
        points = "point" if self.hidden_points == 1 else "points"
        return (f"+ {self.hidden_points:g} {points} of hidden checks, graded later: "
                f"{self.max_score + self.hidden_points:g} in all")

    def hint_lines(self) -> list[str]:
        """One line per failed check with a message, then the notebook's errors: what feedback lists."""
        lines = [f"{c.id}: {c.message}" for c in self.checks if not c.passed and c.message]
        return lines + [f"error: {e}" for e in self.errors]

    def _repr_html_(self) -> str:
        cells = []
        for c in self.checks:
            colour = {"pass": "#1a7f37", "note": "#9a6700"}.get(c.verdict, "#cf222e")
            cells.append(
                f"<tr><td style='{_CELL}'><code>{html.escape(c.id)}</code></td>"
                f"<td style='{_CELL};color:{colour};font-weight:bold'>{c.verdict}</td>"
                f"<td style='{_CELL}'>{c.score:g}/{c.max_score:g}</td>"
                f"<td style='{_CELL};{_WRAP}'>{html.escape(c.message)}</td></tr>")
        head = "".join(f"<th style='{_CELL};font-weight:bold'>{h}</th>" for h in ("check", "result", "score", "hint"))
        note = html.escape(self.later_note())
        errors = html_list([f"error: {e}" for e in self.errors], colour="#cf222e") if self.errors else ""
        return (f"<table class='d2l-check-report' style='border-collapse:collapse;text-align:left'>"
                f"<thead><tr>{head}</tr></thead><tbody>" + "".join(cells) +
                f"</tbody><tfoot><tr><td style='{_CELL};font-weight:bold'>total</td><td style='{_CELL}'></td>"
                f"<td style='{_CELL};font-weight:bold'>{self.score:g}/{self.max_score:g}</td>"
                f"<td style='{_CELL};{_WRAP}'>{note}</td></tr></tfoot></table>" + errors)


# Inline styles, not a stylesheet: JupyterLab, VS Code and nbconvert's feedback pages each style tables
# differently (some not at all: "resultscorehint"), and long hints must wrap rather than run off the edge.
_CELL = "padding:4px 10px;vertical-align:top;border-bottom:1px solid #d0d7de;text-align:left"
_WRAP = "white-space:normal;overflow-wrap:anywhere;max-width:60em"


def html_list(lines: list[str], colour: str | None = None) -> str:
    """Lines as an HTML list: each its own element, long ones wrapped instead of cut off at the edge."""
    style = f"{_WRAP};margin:2px 0" + (f";color:{colour}" if colour else "")
    items = "".join(f"<li class='d2l-hint' style='{style}'>{html.escape(line)}</li>" for line in lines)
    return f"<ul class='d2l-hints' style='padding-left:1.5em'>{items}</ul>"
