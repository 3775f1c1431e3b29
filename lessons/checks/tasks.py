"""What the exercises hand learners: the claims to classify and the filter to apply. No answers here."""
from __future__ import annotations

import datetime as dt
import re

from ..content import load_course
from ..model import Course

_MONTH_WORDING = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November"
                            r"|December)(?: (\d{1,2}))?\b")

FILTER_ACTOR, FILTER_THEME = "pashinian", "csto"  # the filter the events-table task asks for (ids)


def claims_to_classify(course: Course | None = None) -> list:
    """The claims the critical-reading exercise asks about: the first claim of each stance among the
    article's attributed claims (FACTS.md section 5), in the order they appear in the text."""
    course = course or load_course()
    text = course.article.text
    claims = sorted((c for c in course.claims.values() if c.facts_id), key=lambda c: text.find(c.quote))
    first_of_stance = {}
    for claim in claims:
        first_of_stance.setdefault(claim.stance, claim)
    return sorted(first_of_stance.values(), key=lambda c: text.find(c.quote))


def resolve_inputs(course: Course) -> list[tuple[str, dt.date, bool]]:
    """(wording, published, future) on which the resolve task's function is run: the article's year-less month
    dates, against the article's publication date and two others, so that a hard-coded year cannot pass."""
    published = course.article.published
    wordings = []
    for event in course.events_in_order():
        wording = event.date.wording
        if wording and event.date.year_inferred and _MONTH_WORDING.search(wording):
            wordings.append((_MONTH_WORDING.search(wording).group(0), event.date.start > published))
    return [(words, when, future)
            for when in (published, published - dt.timedelta(days=3 * 365), published + dt.timedelta(days=200))
            for words, future in wordings]


def resolve_calls(course: Course) -> list[tuple[tuple, dict]]:
    """The calls the resolve check makes of a learner's function: (args, kwargs), as the task states them."""
    return [((words, when), {"future": True} if future else {}) for words, when, future in resolve_inputs(course)]
