"""Which assignment `%check` uses: -a, else D2L_ASSIGNMENT, else the stubs defined, else a UsageError."""
import pytest
from IPython.core.error import UsageError

from autograder.registry import discover

ASSIGNMENTS = {a: found for a, found in discover().items() if found.shipped}
from extension.magics import resolve_assignment


def stubs(assignment):
    return {name: object() for name in ASSIGNMENTS[assignment].stubs}


def test_explicit_assignment_wins():
    ns = {"D2L_ASSIGNMENT": "softmax_scratch", **stubs("softmax_scratch")}
    assert resolve_assignment("net", "linreg_scratch", ns, ASSIGNMENTS) == "linreg_scratch"


def test_the_notebook_variable_names_it():
    assert resolve_assignment("SGD", None, {"D2L_ASSIGNMENT": "linreg_scratch"}, ASSIGNMENTS) == "linreg_scratch"


STUB_SETS = [set(a.stubs) for a in ASSIGNMENTS.values()]
UNIQUE = sorted(a for a, found in ASSIGNMENTS.items() if STUB_SETS.count(set(found.stubs)) == 1)
SHARED = sorted(a for a in ASSIGNMENTS if a not in UNIQUE)      # linreg_gluon, softmax_gluon: net, loss, trainer


@pytest.mark.parametrize("assignment", UNIQUE)
def test_inferred_from_the_stubs_defined(assignment):
    assert resolve_assignment(None, None, stubs(assignment), ASSIGNMENTS) == assignment


@pytest.mark.parametrize("assignment", SHARED)
def test_the_same_stubs_in_two_assignments_are_not_guessed(assignment):
    """Two assignments with the same stub names (the Gluon cells net, loss, trainer): %check asks, listing them."""
    with pytest.raises(UsageError, match="cannot tell which assignment"):
        resolve_assignment(None, None, stubs(assignment), ASSIGNMENTS)


def test_a_name_in_several_assignments_is_not_guessed():
    with pytest.raises(UsageError, match=r"-a ASSIGNMENT net \(one of: [^)]*linreg_gluon, linreg_scratch, [^)]*softmax"):
        resolve_assignment("net", None, {"net": object()}, ASSIGNMENTS)


def test_nothing_defined_says_how_to_name_it():
    with pytest.raises(UsageError, match="D2L_ASSIGNMENT"):
        resolve_assignment(None, None, {}, ASSIGNMENTS)


def test_unknown_assignment_lists_the_known_ones():
    with pytest.raises(UsageError, match="unknown assignment 'mlp'; known: [^;]*linreg_gluon"):
        resolve_assignment(None, "mlp", {}, ASSIGNMENTS)


def test_a_name_that_is_not_a_stub_lists_the_stubs():
    with pytest.raises(UsageError, match="linreg_scratch has no stub 'softmax'; its stubs: data_iter, net"):
        resolve_assignment("softmax", None, {"D2L_ASSIGNMENT": "linreg_scratch"}, ASSIGNMENTS)
