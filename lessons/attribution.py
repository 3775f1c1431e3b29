"""Whose words a fragment is, read from the article itself: inside its quotation marks or the outlet's own."""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["INSIDE", "OUTSIDE", "CROSSING", "ABSENT", "Placement", "quotations", "placement", "chain_text",
           "claim_chain", "claim_words", "short_label"]

# Double quotation marks only: the article uses ' and ’ as apostrophes (Pashinian's, Azerbaijan’s), never as quotes.
_QUOTATION = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')

INSIDE = "inside"  # every character lies within one pair of quotation marks: the quoted person's words
OUTSIDE = "outside"  # the outlet's own words; it may contain whole quotations, but cuts none
CROSSING = "crossing"  # starts or ends between a pair of marks: part quotation, part narration
ABSENT = "absent"  # not in the article at all (the verbatim check reports that)


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation in `text`, marks included, in order."""
    return [match.span() for match in _QUOTATION.finditer(text)]


@dataclass(frozen=True)
class Placement:
    """Where a fragment stands relative to the article's quotation marks."""

    kind: str  # INSIDE | OUTSIDE | CROSSING | ABSENT
    quotation: str | None = None  # the quotation it lies inside or cuts through, marks included


def _occurrences(text: str, fragment: str):
    start = text.find(fragment)
    while fragment and start >= 0:
        yield start, start + len(fragment)
        start = text.find(fragment, start + 1)


def _place(spans, text: str, start: int, end: int) -> Placement:
    for q_start, q_end in spans:
        if q_start <= start and end <= q_end:
            inner_start, inner_end = q_start + 1, q_end - 1  # a fragment of only the marks says nothing
            if end > inner_start and start < inner_end:
                return Placement(INSIDE, text[q_start:q_end])
        if start < q_end and q_start < end and not (start <= q_start and q_end <= end):
            return Placement(CROSSING, text[q_start:q_end])
    return Placement(OUTSIDE)


def placement(text: str, fragment: str, want_inside: bool | None = None) -> Placement:
    """Whether `fragment` lies inside the article's quotation marks, outside them, or cuts through them.

    A fragment that occurs more than once is placed at the occurrence that fits `want_inside` best
    (inside when True, outside when False); CROSSING is returned only when no occurrence fits better.
    """
    spans = quotations(text)
    found = [_place(spans, text, start, end) for start, end in _occurrences(text, fragment)]
    if not found:
        return Placement(ABSENT)
    preferred = (INSIDE, OUTSIDE) if want_inside is not False else (OUTSIDE, INSIDE)
    for kind in (*preferred, CROSSING):
        for place in found:
            if place.kind == kind:
                return place
    return found[0]


def chain_text(speaker: str, relayed_by: list[str], writer: str) -> str:
    """'Pashinian, relayed by Peskov, written by RFE/RL': who a claim comes from, in words."""
    if speaker == writer and not relayed_by:
        return f"{writer} (the article's own words)"
    parts = [speaker]
    if relayed_by:
        parts.append("relayed by " + " and ".join(relayed_by))
    parts.append(f"written by {writer}")
    return ", ".join(parts)


def short_label(actors: dict, actor_id: str) -> str:
    """An actor's name, or its shortest capitalised alias when the name is long ("RFE/RL")."""
    actor = actors.get(actor_id)
    if actor is None:
        return actor_id
    if len(actor.name) <= 22:
        return actor.name
    aliases = [alias for alias in actor.aliases if alias[:1].isupper()]
    return min(aliases, key=len) if aliases else actor.name


def claim_chain(course, claim) -> str:
    """Who a claim comes from, who relayed it and who wrote it, in words."""
    actors = course.actors
    return chain_text(short_label(actors, claim.speaker), [short_label(actors, a) for a in claim.relayed_by],
                      short_label(actors, course.article.outlet_actor))


def claim_words(course, claim) -> str:
    """Whose words the claim's quote is, and how the article shows it."""
    outlet = course.article.outlet_actor
    if claim.words_of == outlet:
        about = f", reporting {short_label(course.actors, claim.speaker)}" if claim.speaker != outlet else ""
        return f"{short_label(course.actors, outlet)}'s words{about}; not in quotation marks"
    return f"{short_label(course.actors, claim.words_of)}'s words, inside the article's quotation marks"
