"""The extension's magics: `%ctx` (where the kernel computes) and `%check` (a stub's public checks).

    %ctx                     show the context selector (text where widgets cannot render)
    %ctx gpu:0               switch without the widget; %ctx --forget drops the remembered choice
    %check square_loss       run the public checks of one stub, show a pass/fail table with hints
    %check                   every public check of the notebook's assignment (all stubs, and outcomes)
    %check -a linreg_scratch square_loss

The assignment comes from `-a`, else `D2L_ASSIGNMENT` in the notebook (its first cell sets it), else
from which stubs are defined. The checks are the grader's own (`autograder.incell`), run in this
kernel for instant feedback; the grade itself is computed by the grader, not here.
"""
from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from . import context

ASSIGNMENT_VAR = "D2L_ASSIGNMENT"


def resolve_assignment(name: str | None, explicit: str | None, namespace: dict, assignments: dict) -> str:
    """The assignment id `%check` should use, or a UsageError saying how to name it."""
    fits = [aid for aid, a in assignments.items() if name is None or name in a.stubs] or list(assignments)
    how = f"name it: %check -a ASSIGNMENT {name or ''}".rstrip() + f" (one of: {', '.join(fits)})"
    chosen = explicit or namespace.get(ASSIGNMENT_VAR)
    if chosen is None:
        chosen = _infer(name, namespace, assignments)
        if chosen is None:
            raise UsageError(f"%check cannot tell which assignment this notebook is: run its first cell "
                             f"(it sets {ASSIGNMENT_VAR}) or {how}")
    if chosen not in assignments:
        raise UsageError(f"unknown assignment {chosen!r}; known: {', '.join(sorted(assignments))}")
    stubs = assignments[chosen].stubs
    if name is not None and name not in stubs:
        raise UsageError(f"{chosen} has no stub {name!r}; its stubs: {', '.join(stubs)}")
    return chosen


def _infer(name: str | None, namespace: dict, assignments: dict) -> str | None:
    """The one assignment with the most of its stubs defined (and containing `name`), if unique.

    Counts, not fractions: a lone `net` fits three assignments equally and must not pick one."""
    scores = {}
    for aid, assignment in assignments.items():
        if name is not None and name not in assignment.stubs:
            continue
        defined = sum(stub in namespace for stub in assignment.stubs)
        if defined:
            scores[aid] = defined
    if not scores:
        return None
    best = max(scores.values())
    winners = [aid for aid, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


@magics_class
class D2LMagics(Magics):
    """Holds what the extension added to a shell, so unloading can take all of it away again."""

    def __init__(self, shell):
        super().__init__(shell)
        self._selector = None

    @property
    def in_kernel(self) -> bool:
        """True under ipykernel, whose frontends (JupyterLab, nbconvert) take rich output."""
        return getattr(self.shell, "kernel", None) is not None

    def selector(self):
        """The kernel's one ContextSelector: every `%ctx` shows a view of the same widget."""
        if self._selector is None:
            from .widget import ContextSelector     # ipywidgets only when first asked for
            self._selector = ContextSelector()
        else:
            self._selector.refresh()
        return self._selector

    @magic_arguments()
    @argument("spec", nargs="?", help="switch without the widget: cpu, gpu, gpu:1 (remembered for new kernels)")
    @argument("--forget", action="store_true", help="forget the context remembered for new kernels")
    @line_magic
    def ctx(self, line):
        """Show the compute-context selector, or switch context by name."""
        args = parse_argstring(self.ctx, line)
        if args.forget:
            context.forget()
            print("Forgot the remembered context; new kernels use $D2L_CTX, else cpu.")
        if args.spec:
            try:
                context.parse_context_spec(args.spec)
            except ValueError as err:
                raise UsageError(str(err)) from None
            chosen = context.set_default_context(args.spec)
            context.remember(context.format_spec(chosen))
            if self._selector is not None:
                self._selector.refresh()
            print(f"Default context: {chosen}")
        elif not args.forget:
            if self.in_kernel:
                display(self.selector())
            else:
                print(self.selector().summary())

    @magic_arguments()
    @argument("-a", "--assignment", help=f"assignment id; default: {ASSIGNMENT_VAR} in the notebook, "
                                         "else guessed from the stubs defined")
    @argument("name", nargs="?", help="the stub to check, e.g. square_loss; all stubs if left out")
    @line_magic
    def check(self, line):
        """Run the public checks of one stub (or all) in this kernel and show a pass/fail table."""
        args = parse_argstring(self.check, line)
        from autograder.registry import discover
        assignment = resolve_assignment(args.name, args.assignment, self.shell.user_ns, discover())
        if args.name is not None and args.name not in self.shell.user_ns:
            raise UsageError(f"{args.name} is not defined yet: run the cell that defines it, "
                             f"then %check {args.name} again")
        from autograder.incell import check
        # `...` asks for every public check of the assignment (its stubs and outcomes); None would
        # mean the outcome checks only.
        report = check(assignment, args.name if args.name is not None else ..., self.shell.user_ns)
        # Displayed, not returned: a report left as a cell's value would confuse nbgrader's grade cells.
        display({"text/plain": report.summary(), "text/html": report._repr_html_()}, raw=True)

    def pre_run_cell(self, info) -> None:
        """Before each cell: MXNet's default context is per thread; keep it on the chosen one."""
        context.apply_to_mxnet()

    def close(self) -> None:
        if self._selector is not None:
            self._selector.close()
            self._selector = None
