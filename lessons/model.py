"""Typed, immutable records for every kind of course content."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Why an item is true: verbatim article fragments and/or source ids from FACTS.md section 9."""

    fragments: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields every content item shares."""

    id: str
    evidence: Evidence
    background: bool = False  # True when the item rests only on outside sources, not on the article
    confidence: str | None = None  # high | medium | low-medium | low, as FACTS.md grades it; None for opinion (n/a)
    facts_id: str | None = None  # the FACTS.md row this item comes from, e.g. "A1", "E8", "T2"

    @property
    def kind(self) -> str:
        return KIND_OF_CLASS.get(type(self), type(self).__name__.lower())


@dataclass(frozen=True, kw_only=True)
class Source:
    """A public source from FACTS.md section 9."""

    id: str
    title: str
    outlet: str
    url: str
    outlet_type: str = "news"  # official | news | reference: what publishes it; official is the strongest
    published: str | None = None
    note: str | None = None

    @property
    def kind(self) -> str:
        return "source"

    @property
    def citation(self) -> str:
        date = f", {self.published}" if self.published else ""
        return f"{self.outlet}, \u201c{self.title}\u201d{date}"


@dataclass(frozen=True, kw_only=True)
class Actor(Item):
    """A person, state, organisation or force named in the article or its background."""

    name: str
    type: str  # person | state | organisation | institution | force | media | group
    role: str
    aliases: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()  # actor ids, e.g. the CSTO
    part_of: tuple[str, ...] = ()  # actor ids, e.g. border guards are part of Russia's FSB
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class Place(Item):
    """A province, border, airport, city or region."""

    name: str
    type: str  # province | border | airport | city | region | base | country
    role: str  # what the article (or the background) says happens there
    aliases: tuple[str, ...] = ()
    iso_3166_2: str | None = None  # joins a province to the map data
    capital: str | None = None
    lat: float | None = None  # of the place itself, or of a province's capital
    lon: float | None = None
    description: str = ""


# Who gives a disputed date, where the data does not say otherwise.
ARTICLE_READING = "the article's reading"
OTHER_SOURCES = "other sources"


@dataclass(frozen=True, kw_only=True)
class Discrepancy:
    """Where other sources date an event differently from the article (FACTS.md section 7)."""

    note: str
    sources: tuple[str, ...]
    precision: str
    value: str
    start: dt.date
    end: dt.date
    flag: str | None = None  # flag id, e.g. "f1_france24_month"
    said_by: str = OTHER_SOURCES  # who gives this date, in a learner's words, e.g. "one report (Tavush only)"
    approximate: tuple[str, ...] = ()  # which ends the sources give only roughly

    @property
    def label(self) -> str:
        from .dates import format_value

        return format_value(self.precision, self.value, self.approximate)


@dataclass(frozen=True, kw_only=True)
class EventDate:
    """A date as honest as its evidence: precision, wording, resolved interval and inference."""

    precision: str  # day | month | season | year | range
    value: str  # as authored: 2024-05-08, 2024-03, 2020-autumn, 2020, 2020-09-27/2020-11-10
    start: dt.date  # first day the value can mean
    end: dt.date  # last day the value can mean
    wording: str | None = None  # the article's words, e.g. "In March"; None for background events
    year_inferred: bool = False
    inference: str | None = None  # why the year or day was resolved as it was
    discrepancy: Discrepancy | None = None
    approximate: tuple[str, ...] = ()  # which ends ("start", "end") the sources give only roughly
    read_by: str = ARTICLE_READING  # whose date this is where sources differ, e.g. a quoted speaker's

    @property
    def midpoint(self) -> dt.date:
        return self.start + (self.end - self.start) / 2

    @property
    def label(self) -> str:
        """A human-readable form of the resolved date, at its precision."""
        from .dates import format_value

        return format_value(self.precision, self.value, self.approximate)

    @property
    def readings(self) -> tuple[tuple[str, str], ...]:
        """(who, date) pairs: the article's reading and, where sources differ, theirs, with equal weight."""
        if self.discrepancy is None:
            return (("", self.label),)
        return ((self.read_by, self.label), (self.discrepancy.said_by, self.discrepancy.label))

    @property
    def in_words(self) -> str:
        """The date, or both readings labelled by who gives them, e.g. "the article's reading: March 2024; ..."."""
        return "; ".join(f"{who}: {when}" if who else when for who, when in self.readings)


@dataclass(frozen=True, kw_only=True)
class Event(Item):
    """Something that happened, dated honestly, on one or more timeline themes."""

    title: str
    date: EventDate
    themes: tuple[str, ...]  # war | forces | csto | diplomacy
    short_title: str = ""  # a few words, for labels drawn on the timeline and in ordering questions
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class Claim(Item):
    """Something someone said or the article asserts: who it comes from, who relayed it, and whose words the quote is.

    The chain reads speaker -> relayed_by -> the article's outlet, e.g. Pashinian, relayed by Peskov, written by
    RFE/RL. `words_of` is whose words `quote` is: the quoted person's only when the quote lies inside the
    article's quotation marks; otherwise the outlet's, even when it reports what someone said. The loader reads
    that from the article and rejects a claim that says otherwise.
    """

    speaker: str  # actor id: who the claim comes from
    stance: str  # reported_fact | statement | accusation | rejection | interpretation
    verb: str  # requests | agrees | announces | accuses | rejects | criticizes | reports | interprets | states
    concerns: tuple[str, ...]  # actor ids the claim is about or addressed to
    quote: str  # verbatim from the article
    words_of: str  # actor id whose words `quote` is: the speaker, someone who relayed it, or the outlet
    summary: str = ""
    relayed_by: tuple[str, ...] = ()  # actor ids who passed the claim on, nearest the speaker first


@dataclass(frozen=True, kw_only=True)
class Number(Item):
    """A number in the article and what it refers to."""

    value: float
    unit: str
    wording: str
    refers_to: str
    check: str = ""  # what the sources say about it


@dataclass(frozen=True, kw_only=True)
class Term(Item):
    """A glossary entry."""

    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()  # term ids


@dataclass(frozen=True, kw_only=True)
class Flag(Item):
    """A place where the article is wrong or imprecise (FACTS.md section 7)."""

    title: str
    severity: str  # contradicted | imprecise | simplified | wording | ambiguous | unattributed
    article_says: str  # verbatim fragment
    correction: str
    events: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Misconception(Item):
    """A learner misconception (FACTS.md section 8). `belief` is never to be shown as fact."""

    belief: str
    correction: str


KIND_OF_CLASS: dict[type, str] = {
    Actor: "actor",
    Place: "place",
    Event: "event",
    Claim: "claim",
    Number: "number",
    Term: "term",
    Flag: "flag",
    Misconception: "misconception",
}


@dataclass(frozen=True)
class Article:
    """The seed article: its text and metadata."""

    text: str
    headline: str
    photo_caption: str
    outlet: str
    url: str
    published: dt.date
    published_inferred: bool
    published_confidence: str
    published_reasoning: str
    spelling: str
    outlet_actor: str  # the actor id of the outlet: every fragment outside quotation marks is its words


@dataclass(frozen=True)
class Course:
    """The whole validated course. Built only by `lessons.content.load_course`."""

    article: Article
    sources: dict[str, Source]
    actors: dict[str, Actor]
    places: dict[str, Place]
    events: dict[str, Event]
    claims: dict[str, Claim]
    numbers: dict[str, Number]
    terms: dict[str, Term]
    flags: dict[str, Flag]
    misconceptions: dict[str, Misconception]
    extra: dict[str, dict] = field(default_factory=dict)  # further kinds (quiz questions, objectives)

    def items(self):
        """Every evidence-bearing item, in a stable order."""
        for table in (self.actors, self.places, self.events, self.claims, self.numbers,
                      self.terms, self.flags, self.misconceptions):
            yield from table.values()
        for table in self.extra.values():
            yield from table.values()

    def get(self, item_id: str):
        """Any item or source by id; KeyError names the id."""
        for table in (self.sources, self.actors, self.places, self.events, self.claims,
                      self.numbers, self.terms, self.flags, self.misconceptions, *self.extra.values()):
            if item_id in table:
                return table[item_id]
        raise KeyError(f"no content item with id {item_id!r}")

    def events_in_order(self):
        """Events sorted by resolved start date, then end date, then id."""
        return sorted(self.events.values(), key=lambda e: (e.date.start, e.date.end, e.id))
