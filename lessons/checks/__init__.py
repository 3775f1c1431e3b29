"""Exercise self-checks: `check(name, answer)` judges an answer against a key derived from the content data.

One job per module: `registry` (which checks exist), `reading` (reading answers fairly), `tasks` (what the
exercises hand learners), `keys` (answer keys from the content), `judges` (how each answer is judged),
`result` (what a check shows) and `api` (`check` itself).
"""
from __future__ import annotations

from .api import answer_key, check
from .registry import (CORRECT, ERROR, EXERCISES, NOT_ATTEMPTED, OUTCOMES, REGISTRY, WRONG, Check, NotAttempted,
                       NotYet, checks_for)
from .result import MIME_TYPE, CheckResult
from .tasks import FILTER_ACTOR, FILTER_THEME, claims_to_classify


def __getattr__(name: str):
    # Key derivations (e.g. disputed_events, TALKS) are for instructors and tests; imported only when asked for.
    from .api import grading

    if grading():  # a submission's kernel never derives a key
        raise AttributeError(f"module 'lessons.checks' has no attribute {name!r} while grading")
    from . import keys

    try:
        return getattr(keys, name)
    except AttributeError:
        raise AttributeError(f"module 'lessons.checks' has no attribute {name!r}") from None


__all__ = ["CORRECT", "ERROR", "EXERCISES", "FILTER_ACTOR", "FILTER_THEME", "MIME_TYPE", "NOT_ATTEMPTED", "OUTCOMES",
           "REGISTRY", "WRONG", "Check", "CheckResult", "NotAttempted", "NotYet", "answer_key", "check", "checks_for",
           "claims_to_classify"]
