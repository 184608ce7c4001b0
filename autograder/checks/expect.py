"""What checks use to state expectations and word their verdicts."""
from __future__ import annotations

import numpy as np

from ..wire import Opaque

RTOL, ATOL = 1e-4, 1e-5      # float32 arithmetic in the student's process, float64 reference here
TRUE_W, TRUE_B = np.array([2.0, -3.4]), 4.2       # the book's synthetic linear data (linreg_scratch, linreg_gluon)
PARAM_TOLERANCE = 0.01                            # how close learned linear-model parameters must come


class CheckFailed(Exception):
    """Raised by a check body; its message goes to the student."""


def fail(message: str):
    raise CheckFailed(message)


def shape(value) -> str:
    if isinstance(value, np.ndarray):
        return str(tuple(value.shape))
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return describe(value)


def describe(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, Opaque):
        return f"{article(value.type_name)} {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {tuple(value.shape)}"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return type(value).__name__


def article(noun: str) -> str:
    """'a' or 'an' as the noun is said: an NDArray, an int, a Sequential (acronyms by their first letter's name)."""
    if len(noun) > 1 and noun[:2].isupper():
        return "an" if noun[0] in "AEFHILMNORSX" else "a"
    return "an" if noun[:1].lower() in "aeiou" else "a"


def numbers(value, *, function: str, what: str = "returned") -> np.ndarray:
    """The value as a float64 array, or a failure saying what came back instead."""
    if isinstance(value, np.ndarray):
        return np.asarray(value, dtype=np.float64)
    fail(f"{function} {what} {describe(value)}, not an NDArray of numbers")


def show(array, limit: int = 6) -> str:
    flat = np.asarray(array, dtype=np.float64).ravel()
    text = np.array2string(flat[:limit], precision=4, separator=", ", suppress_small=True)
    return text[:-1] + ", …]" if flat.size > limit else text


def close(actual, expected, rtol: float = RTOL, atol: float = ATOL) -> bool:
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    return actual.shape == expected.shape and bool(np.allclose(actual, expected, rtol=rtol, atol=atol))


def hidden_linear_model(rng, n_features: int):
    """(true_w, true_b) for hidden linear-regression data: two decimals in [-5, 5], unlike the book's."""
    return np.round(rng.uniform(-5, 5, size=n_features), 2), float(np.round(rng.uniform(-5, 5), 2))


def param_error(w, b, true_w, true_b) -> float:
    """The largest absolute error of learned linear-model parameters; nan (never within tolerance) if not finite."""
    w, b = np.asarray(w, np.float64).reshape(-1), np.asarray(b, np.float64).reshape(-1)
    err = max(float(np.max(np.abs(w - np.asarray(true_w, np.float64)))), abs(float(b[0]) - float(true_b)))
    return err if np.isfinite(err) else float("nan")


def same_values(actual, expected, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Equal values once squeezed: for checks that forgive (n,) vs (n, 1) and scalars vs 1-element arrays."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    return actual.size == expected.size and bool(
        np.allclose(actual.reshape(-1), expected.reshape(-1), rtol=rtol, atol=atol))


def replies_checked(what: str):
    """Decorator form of `malformed_reply` for a check body or helper that reads scenario replies."""
    def wrap(fn):
        def checked(*args, **kwargs):
            with malformed_reply(what):
                return fn(*args, **kwargs)
        checked.__name__, checked.__doc__ = fn.__name__, fn.__doc__
        return checked
    return wrap


class malformed_reply:
    """Inside: a reply missing a field, or with a field of the wrong kind, fails the check with a named
    message instead of crashing it. The harness never sends such replies, so only code in the student's
    process that replaced a scenario can: that earns nothing, and is no grader fault."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, (KeyError, TypeError, IndexError, ValueError, AttributeError)):
            raise CheckFailed(f"{self.what}: the notebook's process sent a reply the grader's own code never "
                              f"sends ({kind.__name__}); did a cell replace part of the grader?") from None
        return False
