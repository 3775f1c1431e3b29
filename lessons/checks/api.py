"""`check(name, answer)`: judge an answer in the learner's notebook and show the result."""
from __future__ import annotations

import difflib
import sys
from typing import Any

from ..content import load_course
from ..model import Course
from .registry import CORRECT, ERROR, NOT_ATTEMPTED, REGISTRY, WRONG, Check, NotAttempted, NotYet
from .result import CheckResult
from .reading import _short


def answer_key(name: str, course: Course | None = None) -> Any:
    """The key a check compares against (for instructors and tests; do not show it to learners)."""
    from .judges import JUDGES

    return JUDGES[name].key(course or load_course())


def check(name: str, answer: Any = None) -> CheckResult:
    """Judge `answer` for the check `name`, show the result in the notebook and return it.

    Three outcomes for a learner: correct; not yet, with a hint; or not attempted (the answer is
    still None). Wrong types get a sentence, never a traceback.
    """
    spec = REGISTRY.get(name)
    if spec is None:
        close = difflib.get_close_matches(str(name), REGISTRY, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        result = CheckResult("", str(name), ERROR, 0, 0, f"There is no check called {name!r}.{hint}")
    else:
        result = _judge(spec, answer)
    if "IPython" in sys.modules:  # only a notebook or IPython shell displays; plain Python just returns
        from IPython import get_ipython

        if get_ipython() is not None:
            result._ipython_display_()
    return result


def _judge(spec: Check, answer: Any) -> CheckResult:
    from .judges import JUDGES

    rule = JUDGES[spec.name]

    def result(outcome: str, message: str) -> CheckResult:
        points = spec.points if outcome == CORRECT else 0
        return CheckResult(spec.exercise, spec.name, outcome, points, spec.points, message)

    try:
        key = rule.key(load_course())
    except Exception as exc:  # the content itself is broken: not the learner's fault
        return result(ERROR, f"The course content could not be loaded ({type(exc).__name__}), so this "
                             "check cannot run. Tell your instructor.")
    try:
        return result(CORRECT, rule.judge(answer, key))
    except NotAttempted as exc:
        return result(NOT_ATTEMPTED, str(exc) or "Replace None with your answer, then run this cell again.")
    except NotYet as exc:
        return result(WRONG, str(exc))
    except Exception as exc:  # a judge must never show a learner a traceback
        return result(WRONG, f"This answer could not be checked ({type(exc).__name__}: {_short(exc)}). "
                             "Look at its type and shape against the task.")
