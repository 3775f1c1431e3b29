"""`check(name, answer)`: capture the answer, then judge it here (a learner's notebook) or only record it (grading).

Both modes judge the same captured data (lessons.checks.capture), so a grade and the learner's own check
agree. With LESSONS_GRADING=1 (set by the grader inside its sandbox) nothing is judged in the kernel and no
key is imported: the answer is recorded as an output, and the grader judges it in its own process.
"""
from __future__ import annotations

import difflib
import json
import os
import sys
from typing import Any

from ..content import load_course
from ..model import Course
from .registry import CORRECT, ERROR, NOT_ATTEMPTED, REGISTRY, WRONG, Check, NotAttempted, NotYet
from . import capture
from .reading import _short
from .result import CheckResult

GRADING_ENV = "LESSONS_GRADING"


def answer_key(name: str, course: Course | None = None) -> Any:
    """The key a check compares against (for instructors and tests; do not show it to learners).

    Not available while grading: a submission's kernel never derives a key."""
    if grading():
        raise RuntimeError("answer keys are not available while grading")
    from .judges import JUDGES

    return JUDGES[name].key(course or load_course())


def check(name: str, answer: Any = None) -> CheckResult | "Recorded":
    """Judge `answer` for the check `name`, show the result in the notebook and return it.

    Three outcomes for a learner: correct; not yet, with a hint; or not attempted (the answer is
    still None). Wrong types get a sentence, never a traceback. When grading, the answer is only recorded.
    """
    spec = REGISTRY.get(name)
    if spec is None:
        close = difflib.get_close_matches(str(name), REGISTRY, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        result = CheckResult("", str(name), ERROR, 0, 0, f"There is no check called {name!r}.{hint}")
    else:
        plain = capture_answer(spec, answer)
        result = Recorded(spec.name, plain) if grading() else judge_captured(spec.name, plain)
    if "IPython" in sys.modules:  # only a notebook or IPython shell displays; plain Python just returns
        from IPython import get_ipython

        if get_ipython() is not None:
            result._ipython_display_()
    return result


def grading() -> bool:
    return os.environ.get(GRADING_ENV) == "1"


def capture_answer(spec: Check, answer: Any) -> Any:
    """The answer as bounded plain data, by the fixed routine for what this check is given."""
    try:
        if spec.answer == "function":
            from .tasks import resolve_calls

            plain = capture.capture_call(answer, resolve_calls(load_course()))
        elif spec.answer == "figure":
            plain = capture.capture_figure(answer)
        else:
            plain = capture.to_plain(answer)
        size = len(json.dumps(plain))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 - an answer that cannot even be read is still an answer
        return {"$opaque": [type(answer).__name__, f"an answer that could not be read ({type(error).__name__})"]}
    if size > capture.MAX_RECORD:
        return {"$opaque": [type(answer).__name__, f"an answer too big to check ({size:,} bytes as data)"]}
    return plain


def judge_captured(name: str, plain: Any, course: Course | None = None) -> CheckResult:
    """Judge captured answer data for the check `name` with its key; never raises, never runs learner code."""
    spec = REGISTRY[name]
    try:
        answer = capture.revive(plain)
    except Exception:  # data no capture produces (a forged record): an unreadable answer
        answer = capture.Opaque("data", "an unreadable answer")
    return _judge(spec, answer, course)


class Recorded:
    """What `check` returns while grading: the answer was recorded; the grader judges it later."""

    passed = False

    def __init__(self, name: str, plain: Any):
        self.check, self.plain = name, plain

    def __str__(self) -> str:
        return f"Answer for {self.check!r} recorded for grading."

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"text/plain": str(self), capture.MIME_TYPE: {"check": self.check, "answer": self.plain}}, raw=True)


def _judge(spec: Check, answer: Any, course: Course | None = None) -> CheckResult:
    from .judges import JUDGES

    rule = JUDGES[spec.name]

    def result(outcome: str, message: str) -> CheckResult:
        points = spec.points if outcome == CORRECT else 0
        return CheckResult(spec.exercise, spec.name, outcome, points, spec.points, message)

    try:
        course = course or load_course()
        key = rule.key(course)
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
        return result(WRONG, f"This answer could not be checked ({getattr(exc, 'type_name', type(exc).__name__)}: "
                             f"{_short(exc)}). "
                             "Look at its type and shape against the task.")
