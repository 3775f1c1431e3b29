"""Which checks exist: their names, exercises, tasks and points. Importable without any answer key."""
from __future__ import annotations

from dataclasses import dataclass

CORRECT, WRONG, NOT_ATTEMPTED, ERROR = "correct", "wrong", "not attempted", "error"
OUTCOMES = (CORRECT, WRONG, NOT_ATTEMPTED, ERROR)

# Exercise notebooks (exercises/NN-slug.ipynb), in order of difficulty: stem -> title.
EXERCISES = {
    "01-find-the-provinces": "Find the provinces in the text",
    "02-csto-sets": "CSTO members with sets",
    "03-quotes-and-speakers": "Quotes and who said them",
    "04-counting-days": "Counting days and resolving dates",
    "05-events-table": "A table of events, and who is mentioned",
    "06-plot-timeline": "Plot a timeline and a bar chart",
    "07-critical-reading": "Critical reading: claims and a wrong date",
}


class NotYet(Exception):
    """A wrong answer; the message is the hint the learner sees."""


class NotAttempted(Exception):
    """The answer is still the stub (None), so there is nothing to judge yet."""


@dataclass(frozen=True)
class Check:
    """One check an exercise calls: its name, its exercise, what it looks at (one line) and its points."""

    name: str
    exercise: str
    task: str
    points: int = 1
    answer: str = "value"  # what the learner passes: a value, a function (run on the task's inputs), a figure


_CHECKS = (
    Check("provinces", "01-find-the-provinces", "the provinces the Russian posts leave, found in the text"),
    Check("staying_borders", "01-find-the-provinces", "the two borders where the Russian guards stay"),
    Check("csto_members", "02-csto-sets", "every CSTO member, from the actors' member_of"),
    Check("csto_listed", "02-csto-sets", "the members named in the article's own list"),
    Check("csto_left_out", "02-csto-sets", "members the article's list leaves out (a set difference)"),
    Check("quotes", "03-quotes-and-speakers", "every passage in double quote marks, straight or curly"),
    Check("speakers", "03-quotes-and-speakers", "who said each quoted passage"),
    Check("days_to_deadline", "04-counting-days", "days from the Moscow talks to the airport deadline"),
    Check("months_to_agreement", "04-counting-days", "calendar months from the offensive to the agreement"),
    Check("resolve", "04-counting-days", "a function that resolves year-less dates against a publication date",
          answer="function"),
    Check("events_table", "05-events-table", "one row per event, in date order, with date, title, themes, actors"),
    Check("filtered_events", "05-events-table", "events with a given actor on a given theme"),
    Check("mention_counts", "05-events-table", "how often the article names each person"),
    Check("timeline_plot", "06-plot-timeline", "your timeline figure: points, dates, order, labels, title",
          answer="figure"),
    Check("mentions_bar", "06-plot-timeline", "your bar chart of mentions: one labelled bar per person",
          answer="figure"),
    Check("claim_speakers", "07-critical-reading", "who makes each selected claim"),
    Check("claim_stances", "07-critical-reading", "the stance of each selected claim"),
    Check("sources_before", "07-critical-reading", "for each disputed date, how many sources were published before it"),
    Check("wrong_date", "07-critical-reading", "the article's date that the sources contradict"),
)
REGISTRY: dict[str, Check] = {c.name: c for c in _CHECKS}
assert all(c.exercise in EXERCISES for c in _CHECKS), "a check names an unknown exercise"


def checks_for(exercise: str) -> list[Check]:
    """The checks an exercise notebook is expected to call, in the order they are listed."""
    return [c for c in REGISTRY.values() if c.exercise == exercise]
