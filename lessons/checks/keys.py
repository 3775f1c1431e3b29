"""Answer keys, derived from the content data: ids and rules only, nothing restated. Never in a grading sandbox."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ..model import Course
from .reading import _FOLD
from .tasks import _MONTH_WORDING, FILTER_ACTOR, FILTER_THEME, resolve_inputs

TALKS, AIRPORT_DEADLINE, OFFENSIVE = "talks_2024_05_08", "zvartnots_handover_2024_08_01", "azerbaijan_offensive_2023_09"



def _shared_fragment(items) -> str:
    """The article fragment shared by most of `items`: e.g. the article's list of the five provinces."""
    counts = Counter(f for item in items for f in set(item.evidence.fragments))
    return counts.most_common(1)[0][0]


def article_provinces(course: Course) -> list:
    """The provinces the article lists, in the article's order."""
    provinces = [p for p in course.places.values() if p.type == "province" and not p.background]
    fragment = _shared_fragment(provinces)
    listed = [p for p in provinces if fragment in p.evidence.fragments]
    return sorted(listed, key=lambda p: fragment.find(p.name))


def staying_borders(course: Course) -> list:
    """The borders where, according to the article, the Russian border guards stay."""
    return [p for p in course.places.values() if p.type == "border" and not p.background]


def csto_members(course: Course) -> list:
    """Every member of the CSTO, from the actors' member_of."""
    return [a for a in course.actors.values() if "csto" in a.member_of]


def csto_listed(course: Course) -> list:
    """The members the article's own list names (the fragment most members share as evidence)."""
    members = csto_members(course)
    fragment = _shared_fragment(members)
    return sorted((a for a in members if fragment in a.evidence.fragments), key=lambda a: fragment.find(a.name))


_QUOTED = re.compile(r'"([^"]+)"|\u201c([^\u201d]+)\u201d')


def quoted_passages(text: str) -> list[str]:
    """Every passage inside double quote marks, straight or curly, without the marks."""
    return [a or b for a, b in _QUOTED.findall(text)]


def quote_speakers(course: Course) -> dict[str, str]:
    """Each quoted passage -> the speaker of the claim that covers most of it."""
    def overlap(claim, passage: str) -> int:
        quote, folded = claim.quote.translate(_FOLD), passage.translate(_FOLD)
        return len(quote) if quote in folded else len(folded) if folded in quote else 0

    speakers = {}
    for passage in quoted_passages(course.article.text):
        best = max(course.claims.values(), key=lambda claim: overlap(claim, passage))
        if overlap(best, passage):
            speakers[passage] = best.speaker
    return speakers


def article_people(course: Course) -> list:
    """The people the article names (not the background people from the sources)."""
    return [a for a in course.actors.values() if a.type == "person" and not a.background]


def mention_counts(course: Course) -> dict[str, int]:
    """Person id -> how often the article text (headline and caption included) names them by surname."""
    text = course.article.text
    return {a.id: len(re.findall(rf"\b{re.escape(a.name.split()[-1])}\b", text)) for a in article_people(course)}


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month




def resolve_reference(wording: str, published: dt.date, future: bool = False) -> tuple[dt.date, dt.date]:
    """The days a year-less 'May 8' or 'March' can mean: the latest on or before `published`, or with
    `future` the earliest on or after it. The rule the `resolve` exercise asks learners to write."""
    month_name, day = _MONTH_WORDING.search(wording).groups()
    month = dt.datetime.strptime(month_name, "%B").month
    from ..dates import resolve

    def interval(year: int) -> tuple[dt.date, dt.date]:
        return resolve("day", f"{year}-{month:02d}-{int(day):02d}") if day else resolve("month", f"{year}-{month:02d}")

    year = published.year
    if future:
        return interval(year) if interval(year)[1] >= published else interval(year + 1)
    return interval(year) if interval(year)[0] <= published else interval(year - 1)


def relative_date_cases(course: Course) -> list[tuple[str, dt.date, bool, tuple[dt.date, dt.date]]]:
    """(wording, published, future, expected days) for each input of the resolve task."""
    return [(words, when, future, resolve_reference(words, when, future))
            for words, when, future in resolve_inputs(course)]


def events_table_rows(course: Course) -> list[dict]:
    return [{"date": e.date.start, "title": e.title, "themes": tuple(e.themes), "actors": tuple(e.actors)}
            for e in course.events_in_order()]


def filtered_events(course: Course) -> list:
    return [e for e in course.events_in_order() if FILTER_ACTOR in e.actors and FILTER_THEME in e.themes]


def article_events(course: Course) -> list:
    """Events the article itself mentions, in date order (background events left out)."""
    return [e for e in course.events_in_order() if not e.background]


def disputed_events(course: Course) -> list:
    """The article's events whose date other sources give differently (they carry a discrepancy)."""
    return [e for e in course.events_in_order() if e.date.discrepancy and not e.background]


def contradicted_events(course: Course) -> list:
    """Events whose article date the sources contradict (a discrepancy flagged 'contradicted')."""
    return [e for e in disputed_events(course) if e.date.discrepancy.flag
            and course.flags[e.date.discrepancy.flag].severity == "contradicted"]


_SOURCE_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%d %b %Y", "%d/%m/%Y", "%d.%m.%Y", "%b %d, %Y")


def parse_source_date(text: str | None) -> dt.date | None:
    """A source's publication date, in any of the formats sources.yaml uses; None if absent or unknown."""
    for form in _SOURCE_DATE_FORMATS if text else ():
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


def sources_before(course: Course) -> dict[str, int]:
    """Disputed event id -> how many of the disputing sources were published before the article's date for it."""
    counts = {}
    for event in disputed_events(course):
        dates = [parse_source_date(course.sources[s].published) for s in event.date.discrepancy.sources]
        counts[event.id] = sum(1 for d in dates if d and d < event.date.start)
    return counts

