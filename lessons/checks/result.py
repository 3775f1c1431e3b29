"""What a check decided, shown to the learner (text and HTML) and carried as a plain record."""
from __future__ import annotations

import html
from dataclasses import dataclass

from .registry import CORRECT, ERROR, NOT_ATTEMPTED, WRONG

MIME_TYPE = "application/vnd.lessons.check+json"  # the record a formative check shows in a notebook
_SHOW = {  # outcome -> (symbol and words for the learner, CSS modifier); never colour alone
    CORRECT: ("\u2714 Correct", "correct"),
    WRONG: ("\u2718 Not yet", "wrong"),
    NOT_ATTEMPTED: ("\u2026 Not attempted", "not-attempted"),
    ERROR: ("\u26a0 Could not check", "error"),
}
_BORDER = {CORRECT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#757575", ERROR: "#ef6c00"}


@dataclass(frozen=True)
class CheckResult:
    """What a check decided, shown to the learner and carried as a record for the grader."""

    exercise: str
    check: str
    outcome: str
    points: int
    max_points: int
    message: str

    @property
    def passed(self) -> bool:
        return self.outcome == CORRECT

    def record(self) -> dict:
        return {"exercise": self.exercise, "check": self.check, "outcome": self.outcome,
                "points": self.points, "max_points": self.max_points, "message": self.message}

    def __str__(self) -> str:
        return f"{_SHOW[self.outcome][0]} [{self.check}]: {self.message}"

    def _repr_html_(self) -> str:
        words, modifier = _SHOW[self.outcome]
        return (f'<div class="lessons-check lessons-check--{modifier}" role="status" '
                f'style="border-left: 4px solid {_BORDER[self.outcome]}; padding: 0.3em 0.8em; margin: 0.3em 0">'
                f"<strong>{html.escape(words)}</strong> <code>{html.escape(self.check)}</code>: "
                f"{html.escape(self.message)}</div>")

    def mimebundle(self) -> dict:
        return {"text/plain": str(self), "text/html": self._repr_html_(), MIME_TYPE: self.record()}

    def _ipython_display_(self) -> None:
        # check() displays the result once; when the result is also the cell's last expression, IPython
        # calls this again, and showing it twice would give the grader two records of one call.
        if getattr(self, "_shown", False):
            return
        from IPython.display import display

        object.__setattr__(self, "_shown", True)
        display(self.mimebundle(), raw=True)
