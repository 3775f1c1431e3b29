"""What the exercises hand learners: the claims to classify and the filter to apply. No answers here."""
from __future__ import annotations

from ..content import load_course
from ..model import Course

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
