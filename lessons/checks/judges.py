"""How each check judges an answer against its key: the praise for a right answer, a hint for a wrong one."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from ..content import load_course
from ..model import Course
from .capture import AxesRecord, FigureRecord
from .keys import (AIRPORT_DEADLINE, OFFENSIVE, TALKS, _months_between, article_events, article_people,
                   article_provinces, contradicted_events, csto_listed, csto_members, events_table_rows,
                   filtered_events, mention_counts, parse_source_date, quote_speakers, quoted_passages,
                   relative_date_cases, sources_before, staying_borders)
from ..names import fold, fold_text, names_of
from .reading import (_among, _as_interval, _describe, _items, _judge_names, _mapping, _norm, _pairs, _plural, _short,
                      _stub, _whole_number)
from .registry import REGISTRY, NotAttempted, NotYet
from .tasks import FILTER_ACTOR, FILTER_THEME, claims_to_classify


@dataclass(frozen=True)
class Rule:
    """How one check is decided: its key from the content, and its judge (answer, key) -> praise."""

    key: Callable[[Course], Any]
    judge: Callable[[Any, Any], str]


JUDGES: dict[str, Rule] = {}


def _register(name: str, exercise: str, task: str, key: Callable[[Course], Any]):
    def add(judge):
        spec = REGISTRY.get(name)
        if spec is None or (spec.exercise, spec.task) != (exercise, task):
            raise ValueError(f"judge {name!r} does not match the registry entry {spec}")
        JUDGES[name] = Rule(key, judge)
        return judge
    return add


# ---------------------------------------------------------------------------------------------------
# 01 Find the provinces

def _no_and(items: list, found: list) -> str | None:
    for item in items:
        if fold(item).startswith("and ") or fold(item).endswith(" and"):
            return f"{_short(item)} still has the word 'and' attached; split it off."
    return None


@_register("provinces", "01-find-the-provinces", "the provinces the Russian posts leave, found in the text",
           key=lambda course: [p.id for p in article_provinces(course)])
def _provinces(answer, key):
    course = load_course()
    names = _among(course, (p for p in course.places.values() if p.type == "province"))
    return _judge_names(answer, key, names, "provinces", lambda i: course.places[i].name, hints=(_no_and,))


@_register("staying_borders", "01-find-the-provinces", "the two borders where the Russian guards stay",
           key=lambda course: [p.id for p in staying_borders(course)])
def _staying_borders(answer, key):
    course = load_course()
    names = _among(course, (p for p in course.places.values() if p.type in ("border", "province")))

    def provinces_given(items, found):
        if any(f and course.places[f].type == "province" for f in found):
            return "Those are provinces. This task asks for the borders where the guards stay."
        return None

    return _judge_names(answer, key, names, "borders", lambda i: course.places[i].name,
                        hints=(_no_and, provinces_given))


# ---------------------------------------------------------------------------------------------------
# 02 CSTO sets

def _country_names(course: Course):
    return _among(course, (a for a in course.actors.values() if a.type == "state"))


@_register("csto_members", "02-csto-sets", "every CSTO member, from the actors' member_of",
           key=lambda course: [a.id for a in csto_members(course)])
def _csto_members(answer, key):
    course = load_course()
    listed = {a.id for a in csto_listed(course)}

    def only_the_list(items, found):
        if set(found) == listed:
            return ("That is the list the article gives. The article names two more members elsewhere; "
                    "use the actors' member_of, not the list in the text.")
        return None

    return _judge_names(answer, key, _country_names(course), "CSTO members", lambda i: course.actors[i].name,
                        hints=(only_the_list,))


@_register("csto_listed", "02-csto-sets", "the members named in the article's own list",
           key=lambda course: [a.id for a in csto_listed(course)])
def _csto_listed(answer, key):
    course = load_course()
    return _judge_names(answer, key, _country_names(course), "members the article lists",
                        lambda i: course.actors[i].name, hints=(_no_and,))


@_register("csto_left_out", "02-csto-sets", "members the article's list leaves out (a set difference)",
           key=lambda course: [a.id for a in csto_members(course) if a not in csto_listed(course)])
def _csto_left_out(answer, key):
    course = load_course()
    members = {a.id for a in csto_members(course)}
    listed = {a.id for a in csto_listed(course)}

    def wrong_direction(items, found):
        if items and set(found) <= listed:
            return "Those members are in the article's list. Subtract the list from all members, not the other way."
        if set(found) == members:
            return ("That is every member: nothing was taken away. A set difference removes only equal strings, "
                    "so if you wrote members - listed, check that both sets hold the same kind of thing: names "
                    "in both, not ids (\"belarus\") in one and names (\"Belarus\") in the other. Otherwise, "
                    "keep only the members the article's list does not name.")
        return None

    _stub(answer)
    if isinstance(answer, (set, frozenset, list, tuple)) and not answer:
        raise NotYet("Your answer is empty: did you subtract all members from the list, instead of the "
                     "list from all members?")
    return _judge_names(answer, key, _country_names(course), "members left out", lambda i: course.actors[i].name,
                        hints=(wrong_direction,))


# ---------------------------------------------------------------------------------------------------
# 03 Quotes and who said them

def _match_passage(text: Any, passages: list[str]) -> str | None:
    """The passage a learner's quote (or the start of it, at least 12 characters) stands for."""
    if not isinstance(text, str):
        return None
    mine = _norm(text)
    for passage in passages:
        theirs = _norm(passage)
        if mine == theirs or (len(mine) >= 12 and (mine in theirs)):
            return passage
    return None


@_register("quotes", "03-quotes-and-speakers", "every passage in double quote marks, straight or curly",
           key=lambda course: quoted_passages(course.article.text))
def _quotes(answer, key):
    items = _items(answer, "quoted passages")
    if not items:
        raise NotYet("Your list is empty; the article does quote people.")
    for item in items:
        if not isinstance(item, str):
            raise NotYet(f"Each quote should be a string; found one {_describe(item)}.")
    whole = {_norm(p) for p in key}
    matched, unmatched = [], []
    for item in items:
        passage = _match_passage(item, key)
        if passage is None or _norm(item) not in whole:
            unmatched.append(item)
        else:
            matched.append(passage)
    if unmatched:
        item = unmatched[0]
        if '"' in item or "\u201c" in item or "\u201d" in item:
            raise NotYet(f"One entry still contains quote marks inside it ({_short(item, 50)}): your pattern "
                         "ran past the closing mark. Stop at the first closing quote.")
        if _match_passage(item, key):
            raise NotYet(f"{_short(item, 50)} is only part of a quoted passage; give the whole passage "
                         "between the marks.")
        raise NotYet(f"{_short(item, 50)} is not a passage between double quote marks in the article.")
    if len(set(matched)) < len(matched):
        raise NotYet("One quote appears more than once in your list.")
    if len(matched) < len(key):
        straight = [p for p in key if f'"{p}"' in load_course().article.text]
        if set(matched) == set(straight):
            raise NotYet(f"You found {len(matched)} of {len(key)}. The article uses curly quote marks "
                         "(\u201c \u201d) as well as straight ones (\").")
        raise NotYet(f"You found {len(matched)} of the {len(key)} quoted passages.")
    return f"All {len(key)} quoted passages found, with both straight and curly quote marks."


@_register("speakers", "03-quotes-and-speakers", "who said each quoted passage",
           key=lambda course: quote_speakers(course))
def _speakers(answer, key):
    course = load_course()
    given = _pairs(answer, "each quote (or its first words) to who said it")
    if all(v is None for _, v in given):
        raise NotAttempted("Fill in who said each quote, then run this cell again.")
    names = _among(course, course.actors.values())
    passages = list(key)
    seen, key_of = {}, {}
    for quote, speaker in given:
        passage = _match_passage(quote, passages)
        if passage is None:
            mine = _norm(quote) if isinstance(quote, str) else ""
            if mine and any(mine in _norm(p) for p in passages):
                raise NotYet(f"The key {_short(quote)} is part of a quote, but shorter than 12 characters, "
                             "too short to tell the quotes apart: use at least 12 characters of the quote's "
                             "first words.")
            raise NotYet(f"{_short(quote)} does not match the start of any quoted passage; use the "
                         "quote's first words, copied exactly, as the key.")
        if passage in key_of:
            raise NotYet(f"The keys {_short(key_of[passage], 40)} and {_short(quote, 40)} stand for the same "
                         "quote; give each quote once.")
        seen[passage], key_of[passage] = speaker, quote
    missing = [p for p in passages if p not in seen]
    if missing:
        raise NotYet(f"Say who said each of the {len(passages)} quotes; the one starting "
                     f"{_short(missing[0][:30], 40)} is missing.")
    for passage in passages:
        speaker = seen[passage]
        if speaker is None or (isinstance(speaker, str) and not speaker.strip()):
            raise NotYet(f"You have not said who said the quote starting {_short(passage[:30], 40)}.")
        found = names.find(speaker)
        if found is None:
            raise NotYet(names.explain(speaker, "people and bodies the article names"))
        if found != key[passage]:
            expected = course.actors[key[passage]]
            near = ""
            if found in expected.part_of or key[passage] in course.actors[found].part_of:
                near = " Close: look at exactly whom the sentence names."
            elif course.actors[found].type == "person" and expected.type != "person":
                near = " The article attributes this one to a body, not to a single person."
            raise NotYet(f"The quote starting {_short(passage[:30], 40)} is not {_short(speaker, 40)}'s; read the words "
                         f"around it ('X said', 'criticized for').{near}")
    return "Every quote is matched with its speaker."


# ---------------------------------------------------------------------------------------------------
# 04 Counting days and resolving dates

def _event_day(course: Course, event_id: str) -> dt.date:
    return course.events[event_id].date.start




@_register("days_to_deadline", "04-counting-days", "days from the Moscow talks to the airport deadline",
           key=lambda course: (_event_day(course, AIRPORT_DEADLINE) - _event_day(course, TALKS)).days)
def _days_to_deadline(answer, key):
    days = _whole_number(answer, "the number of days")
    if days == -key:
        raise NotYet("Your number is negative: subtract the earlier date from the later one.")
    if abs(days - key) == 1:
        raise NotYet("Off by one. Subtracting two dates counts the days between them; do not add or take away 1.")
    if days != key:
        raise NotYet(f"{_short(days)} days is not right. Take the two dates from the events and subtract: "
                     "(later - earlier).days.")
    return f"{key} days."


@_register("months_to_agreement", "04-counting-days", "calendar months from the offensive to the agreement",
           key=lambda course: _months_between(_event_day(course, OFFENSIVE), _event_day(course, TALKS)))
def _months_to_agreement(answer, key):
    months = _whole_number(answer, "the number of months")
    course = load_course()
    days = (_event_day(course, TALKS) - _event_day(course, OFFENSIVE)).days
    if months == -key:
        raise NotYet("Your number is negative: count from the offensive forward to the agreement.")
    if months in (days // 30, round(days / 30), days // 31) and months != key:
        raise NotYet("Counting blocks of 30 days is not counting calendar months. Use "
                     "(year difference) * 12 + (month difference).")
    if months == days:
        raise NotYet("That is a number of days; the task asks for calendar months.")
    if months != key:
        raise NotYet(f"{_short(months)} months is not right. Count calendar months: (year difference) * 12 + "
                     "(month difference).")
    return f"{key} calendar months."


@_register("resolve", "04-counting-days", "a function that resolves year-less dates against a publication date",
           key=relative_date_cases)
def _resolve(answer, key):
    _stub(answer)
    if not callable(answer):
        raise NotYet(f"Pass your function itself: check(\"resolve\", resolve). This answer is {_describe(answer)}.")
    results, nones = [], 0
    for wording, published, future, expected in key:
        try:
            value = answer(wording, published, future=future) if future else answer(wording, published)
        except NotImplementedError:
            raise NotAttempted("Write the body of resolve(), then run this cell again.") from None
        except TypeError as exc:
            raise NotYet(f"resolve({wording!r}, {published!r}{', future=True' if future else ''}) failed: "
                         f"{_short(exc)}. Keep the signature resolve(wording, published, future=False).") from None
        except Exception as exc:
            raise NotYet(f"resolve({wording!r}, {published!r}) raised "
                         f"{getattr(exc, 'type_name', type(exc).__name__)}: {_short(exc)}.") from None
        nones += value is None
        results.append((wording, published, future, expected, value))
    if nones == len(results):
        raise NotAttempted("resolve() still returns None. Write its body, then run this cell again.")
    for wording, published, future, (start, end), value in results:
        call = f"resolve({wording!r}, {published.isoformat()!r}{', future=True' if future else ''})"
        if value is None:
            raise NotYet(f"{call} returned None.")
        interval = _as_interval(value)
        if interval is None:
            raise NotYet(f"{call} returned a value {_describe(value)}; return a datetime.date.")
        if not (start <= interval[0] and interval[1] <= end):
            if interval[0].month != start.month:
                raise NotYet(f"{call} gave {interval[0].isoformat()}: the month is not the one in the wording.")
            side = "on or after" if future else "on or before"
            if (future and interval[0] < published) or (not future and interval[0] > published):
                raise NotYet(f"{call} gave {interval[0].isoformat()}, which is not {side} the publication date.")
            raise NotYet(f"{call} gave {interval[0].isoformat()}: not the {'earliest' if future else 'latest'} "
                         f"such date {side} the publication date.")
        if interval[0] != start:  # a month-only wording: the task asks for the first day, not any day of it
            raise NotYet(f"{call} gave {interval[0].isoformat()}. For a month without a day, return the first "
                         "day of that month, as the task says: date(year, month, 1).")
    return (f"resolve() gives the right date for all {len(results)} cases, including other publication dates, "
            "so it does not depend on a hard-coded year.")


# ---------------------------------------------------------------------------------------------------
# 05 A table of events, and who is mentioned

_TABLE_KEYS = ("date", "title", "themes", "actors")


@_register("events_table", "05-events-table", "one row per event, in date order, with date, title, themes, actors",
           key=events_table_rows)
def _events_table(answer, key):
    rows = _items(answer, "rows (one dict per event)")
    if not rows:
        raise NotYet("Your table is empty.")
    for row in rows:
        if not isinstance(row, dict):
            raise NotYet(f"Each row should be a dict like {{'date': ..., 'title': ...}}; found one {_describe(row)}.")
        missing = [k for k in _TABLE_KEYS if k not in {str(c).lower() for c in row}]
        if missing:
            raise NotYet(f"A row lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")
    rows = [{str(c).lower(): v for c, v in row.items()} for row in rows]
    by_title = {_norm(r["title"]): r for r in key}
    unknown = [r["title"] for r in rows if not isinstance(r["title"], str) or _norm(r["title"]) not in by_title]
    if unknown:
        raise NotYet(f"{_short(unknown[0], 50)} is not the title of an event; use each event's title.")
    if len(rows) < len(key):
        raise NotYet(f"Your table has {_plural(len(rows), 'row')}; it should have one for every event "
                     "(those from the sources too).")
    if len({_norm(r["title"]) for r in rows}) < len(rows):
        raise NotYet("An event appears twice in your table.")
    for row in rows:
        expected = by_title[_norm(row["title"])]
        interval = _as_interval(row["date"])
        if interval is None or interval[0] != expected["date"]:
            raise NotYet(f"The date in the row {_short(row['title'], 40)} should be the start of the event's "
                         f"date (event.date.start); it is {_short(row['date'])}.")
        for column in ("themes", "actors"):
            value = row[column]
            if isinstance(value, str) or not hasattr(value, "__iter__") or set(value) != set(expected[column]):
                raise NotYet(f"The {column} in the row {_short(row['title'], 40)} should be the event's "
                             f"{column} (a list of ids).")
    starts = [_as_interval(r["date"])[0] for r in rows]
    if starts != sorted(starts):
        raise NotYet("Your rows are not in date order. Sort them by date.")
    return f"{len(rows)} rows in date order."


@_register("filtered_events", "05-events-table", "events with a given actor on a given theme",
           key=lambda course: [e.id for e in filtered_events(course)])
def _filtered_events(answer, key):
    course = load_course()
    items = _items(answer, "events")  # read once: a generator answer is not read again below
    if items and all(isinstance(i, dict) and "title" in i for i in items):
        items = [i["title"] for i in items]  # rows of the table are fine too

    def one_condition(items, found):
        theme_only = {e.id for e in course.events.values() if FILTER_THEME in e.themes}
        actor_only = {e.id for e in course.events.values() if FILTER_ACTOR in e.actors}
        either = theme_only | actor_only
        if set(found) == theme_only or set(found) == actor_only:
            return "Your list meets only one of the two conditions; keep the events that meet both (and)."
        if set(found) == either:
            return "Your list meets either condition; keep only the events that meet both (and, not or)."
        return None

    return _judge_names(items, key, _among(course, course.events.values()), "matching events",
                        lambda i: course.events[i].title, hints=(one_condition,))


@_register("mention_counts", "05-events-table", "how often the article names each person",
           key=mention_counts)
def _mention_counts(answer, key):
    course = load_course()
    given = _pairs(answer, "each person's name to a count")
    if not given or all(v is None for _, v in given):
        raise NotAttempted()
    names = _among(course, article_people(course))
    counts, key_of = {}, {}
    for person, count in given:
        found = names.find(person)
        if found is None:
            raise NotYet(names.explain(person, "people the article names") + " Use their names as keys.")
        if found in key_of:
            raise NotYet(f"The keys {_short(key_of[found], 40)} and {_short(person, 40)} are the same person "
                         f"({course.actors[found].name}); give each person once, with one count.")
        key_of[found] = person
        counts[found] = _whole_number(count, f"the count for {_short(person, 40)}")
    missing = [course.actors[i].name for i in key if i not in counts]
    if missing:
        raise NotYet(f"Count every person the article names; {missing[0]} is missing.")
    text = course.article.text
    for person_id, count in counts.items():
        surname = course.actors[person_id].name.split()[-1]
        if count == key[person_id]:
            continue
        if count == text.split().count(surname):
            raise NotYet(f"The count for {surname} misses mentions followed by punctuation or 's. Count with "
                         r"a word-boundary pattern such as re.findall(r'\bName\b', text).")
        body = text.split("\n\n", 2)[-1]
        if count == len(re.findall(rf"\b{surname}\b", body)):
            raise NotYet(f"The count for {surname} leaves out the headline or the photo caption; count in "
                         "the whole text.")
        raise NotYet(f"The count for {surname} ({_short(count)}) is not right.")
    return "Every count is right: " + ", ".join(f"{course.actors[i].name.split()[-1]} {n}" for i, n in key.items()) + "."


# ---------------------------------------------------------------------------------------------------
# 06 Plots: judge the description of the learner's figure (lessons.checks.capture), never the figure itself

def _figure_axes(answer: Any) -> tuple[FigureRecord, list[AxesRecord]]:
    """The captured figure and its axes; not attempted when there is no figure or it is empty."""
    _stub(answer)
    if not isinstance(answer, FigureRecord):
        raise NotYet(f"Pass your figure: check(name, fig). This answer is {_describe(answer)}.")
    if not any(ax.points or ax.lines or ax.bars or ax.texts for ax in answer.axes):
        raise NotAttempted("Your figure is still empty. Draw on it, then run this cell again.")
    return answer, answer.axes


def _one_line(text: str) -> str:
    """A label as one line: a word broken at its hyphen joins up again ("Nagorno-\\nKarabakh")."""
    return " ".join(re.sub(r"-\s*\n\s*", "-", text).split())


def _label_texts(ax: AxesRecord) -> list[str]:
    texts = [t.text for t in ax.texts] + [label for _, label in ax.yticks + ax.xticks]
    return [_one_line(t) for t in texts if t and t.strip()]


def _compact_text(text: str) -> str:
    """Text folded and without spaces, so that line breaks anywhere (textwrap.fill) do not matter."""
    return fold_text(text).replace(" ", "")


def _names_event(label: str, event) -> bool:
    """Whether a label names the event: its whole title, its id, or (cut short) the title's first words."""
    mine, title = _compact_text(label), _compact_text(event.title)
    return title in mine or mine == _compact_text(event.id) or (len(mine) >= 10 and title.startswith(mine))


def _match_points(days: list[dt.date], events: list) -> list:
    """Match each point to an event whose date interval (one day of slack) holds it; return the unmatched."""
    slack = dt.timedelta(days=1)
    open_events = sorted(events, key=lambda e: e.date.end)
    for day in sorted(days):
        for event in open_events:
            if event.date.start - slack <= day <= event.date.end + slack:
                open_events.remove(event)
                break
    return open_events


@_register("timeline_plot", "06-plot-timeline", "your timeline figure: points, dates, order, labels, title",
           key=lambda course: [e.id for e in article_events(course)])
def _timeline_plot(answer, key):
    import matplotlib.dates as mdates

    course = load_course()
    events = [course.events[i] for i in key]
    figure, axes = _figure_axes(answer)
    ax = max(axes, key=lambda a: len(a.points))
    points = ax.points
    if not points:
        raise NotYet("I found no points. Draw each event as a marker, e.g. ax.plot(dates, levels, 'o') or ax.scatter.")
    xs = [x for x, _ in points]
    if max(xs) < 3000:
        raise NotYet("The x values do not look like dates. Plot the events' dates (datetime.date objects) on "
                     "the x axis, not years or positions.")
    days = [mdates.num2date(x).date() for x in xs]
    if len(points) != len(events):
        raise NotYet(f"Your timeline has {_plural(len(points), 'point')}; the article mentions "
                     f"{len(events)} dated events. Plot each of them once, and leave out the background events "
                     "(event.background is True). A line without markers does not count as points.")
    unmatched = _match_points(days, events)
    if unmatched:
        raise NotYet(f"No point lies at the date of \u201c{unmatched[0].title}\u201d. Use event.date.start for x.")
    # The order a timeline shows is the order of its x values, so the order points were drawn in does not matter.
    labels = _label_texts(ax)
    named = [[e for e in events if _names_event(label, e)] for label in labels]
    if any(sum(_compact_text(e.title) in _compact_text(label) for e in events) > 1 for label in labels):
        raise NotYet("One text on your figure names several events. Give each point a label of its own "
                     "(one ax.annotate per event), next to its point.")
    unlabelled = [e for e in events if not any(e in events_named for events_named in named)]
    if unlabelled:
        raise NotYet(f"{_plural(len(unlabelled), 'event')} ha{'s' if len(unlabelled) == 1 else 've'} no label, "
                     f"e.g. \u201c{unlabelled[0].title}\u201d. Label each point with its title (ax.annotate).")
    if not (ax.title.strip() or figure.suptitle.strip()):
        raise NotYet("Give your timeline a title (ax.set_title).")
    return f"{len(events)} events, at their dates, each labelled."


@_register("mentions_bar", "06-plot-timeline", "your bar chart of mentions: one labelled bar per person",
           key=mention_counts)
def _mentions_bar(answer, key):
    course = load_course()
    figure, axes = _figure_axes(answer)
    ax = max(axes, key=lambda a: len(a.bars))
    bars = ax.bars
    if not bars:
        raise NotYet("I found no bars. Draw the chart with ax.bar (or ax.barh).")
    horizontal = all(bar.horizontal for bar in bars)
    if len(bars) != len(key):
        raise NotYet(f"Your chart has {_plural(len(bars), 'bar')}; draw one bar for each of the "
                     f"{len(key)} people the article names.")
    ticks = ax.yticks if horizontal else ax.xticks
    names = _among(course, article_people(course))
    seen = {}
    for bar in bars:
        centre = bar.y + bar.height / 2 if horizontal else bar.x + bar.width / 2
        size = bar.height if horizontal else bar.width
        label = next((_one_line(text) for tick, text in ticks if abs(tick - centre) <= abs(size) / 2), "")
        person = names.find(label)
        if person is None:
            raise NotYet("Label each bar with the person's name (pass the names as the bars' positions, or set "
                         "the tick labels).")
        seen[person] = bar.width if horizontal else bar.height
    for person, count in key.items():
        surname = course.actors[person].name.split()[-1]
        if person not in seen:
            raise NotYet(f"There is no bar for {surname}.")
        if seen[person] != count:
            raise NotYet(f"The bar for {surname} is {seen[person]:g}, which is not how often the article names "
                         "him. Use the counts from exercise 5.")
    value_label = ax.xlabel if horizontal else ax.ylabel
    if not value_label.strip():
        raise NotYet(f"Label the axis that shows the counts (ax.set_{'x' if horizontal else 'y'}label).")
    return "One labelled bar per person, with the right heights and a labelled axis."


# ---------------------------------------------------------------------------------------------------
# 07 Critical reading

_STANCE_WORDS = {"reported fact", "statement", "accusation", "rejection", "interpretation"}


def _claim_labels(answer, key: dict, what: str, read: Callable[[Any], str | None],
                  unknown_hint: Callable[[Any], str],
                  near: Callable[[str, Any, str, str], str | None] = lambda claim, given, found, expected: None) -> str:
    given = _mapping(answer, f"each claim id to its {what}")
    if not given or all(v is None for v in given.values()):
        raise NotAttempted(f"Fill in the {what} of each claim, then run this cell again.")
    unknown = [k for k in given if k not in key]
    if unknown:
        raise NotYet(f"{_short(unknown[0])} is not one of the claim ids to classify; use the ids printed above.")
    missing = [k for k in key if given.get(k) is None]
    if missing:
        raise NotYet(f"Give the {what} of every claim; {missing[0]!r} has none yet.")
    wrong = []
    for claim_id, expected in key.items():
        value = read(given[claim_id])
        if value is None:
            raise NotYet(f"For {claim_id}: {unknown_hint(given[claim_id])}")
        if value != expected:
            wrong.append(claim_id)
            hint = near(claim_id, given[claim_id], value, expected)
            if hint:
                raise NotYet(hint)
    if wrong:
        raise NotYet(f"{len(key) - len(wrong)} of {len(key)} right. Look again at: {', '.join(wrong)}.")
    return f"All {len(key)} claims classified correctly."


@_register("claim_speakers", "07-critical-reading", "who makes each selected claim",
           key=lambda course: {c.id: c.speaker for c in claims_to_classify(course)})
def _claim_speakers(answer, key):
    course = load_course()
    names = _among(course, course.actors.values())

    def unknown(value):
        return names.explain(value, "speakers") + " Use a name from the article, e.g. a person, a state or the " \
            "outlet (RFE/RL)."

    def near(claim_id, given, found, expected):
        """A part for the whole (or the whole for a part): say which words of the sentence name the speaker."""
        found_actor, expected_actor = course.actors[found], course.actors[expected]
        if found not in expected_actor.part_of and expected not in found_actor.part_of:
            return None
        quote = fold(course.claims[claim_id].quote)
        words = next((form for form in names_of(course).forms(expected) if f" {fold(form)} " in f" {quote} "),
                     None)
        said = f"; the sentence says \u201c{words}\u201d, which the course counts as a different actor" if words else ""
        return (f"Close, for {claim_id}: {_short(given, 40)} is {found_actor.name}{said}. Name exactly the "
                "speaker the sentence gives.")

    return _claim_labels(answer, key, "speaker", names.find, unknown, near)


@_register("claim_stances", "07-critical-reading", "the stance of each selected claim",
           key=lambda course: {c.id: c.stance for c in claims_to_classify(course)})
def _claim_stances(answer, key):
    def read(value):
        word = _norm(value) if isinstance(value, str) else None
        return word.replace(" ", "_") if word in _STANCE_WORDS else None

    words = ", ".join(sorted(w.replace(" ", "_") for w in _STANCE_WORDS))
    return _claim_labels(answer, key, "stance", read,
                         lambda value: f"{_short(value)} is not a stance this check knows. Use one of: {words}.")


@_register("sources_before", "07-critical-reading",
           "for each disputed date, how many sources were published before it", key=sources_before)
def _sources_before(answer, key):
    course = load_course()
    given = _mapping(answer, "each event id to a number of sources")
    if not given or all(v is None for v in given.values()):
        raise NotAttempted()
    unknown = [k for k in given if k not in key]
    if unknown:
        raise NotYet(f"{_short(unknown[0])} is not one of the events with a disputed date; use their ids as keys.")
    missing = [k for k in key if k not in given]
    if missing:
        raise NotYet(f"Give a number for every disputed event (0 counts too); {missing[0]!r} is missing.")
    for event_id, expected in key.items():
        count = _whole_number(given[event_id], f"the count for {event_id}")
        if count == expected:
            continue
        event = course.events[event_id]
        iso_only = sum(1 for s in event.date.discrepancy.sources
                       if re.fullmatch(r"\d{4}-\d{2}-\d{2}", course.sources[s].published or "")
                       and parse_source_date(course.sources[s].published) < event.date.start)
        if count == iso_only:
            raise NotYet(f"The count for {event_id} misses sources whose date is written another way "
                         "(e.g. day first). Try several formats with datetime.strptime.")
        if count == len(event.date.discrepancy.sources):
            raise NotYet(f"The count for {event_id} includes every source; count only those published "
                         "before the article's date for the event (some have no date at all).")
        raise NotYet(f"The count for {event_id} ({_short(count)}) is not right.")
    return "Every count is right: a source cannot report an event before it has happened."


@_register("wrong_date", "07-critical-reading", "the article's date that the sources contradict",
           key=lambda course: [e.id for e in contradicted_events(course)])
def _wrong_date(answer, key):
    course = load_course()
    _stub(answer)
    if isinstance(answer, (list, tuple, set)) and len(answer) == 1:
        answer = next(iter(answer))
    if not isinstance(answer, str):
        raise NotYet(f"Give the event's id (a string); this answer is {_describe(answer)}.")
    found = names_of(course).find(answer, course.events)
    if found is None:
        raise NotYet(f"{_short(answer)} is not an event id; use the id of an event from course.events.")
    if found in key:
        return "Yes: the sources contradict the article's date for this event."
    event = course.events[found]
    if event.date.discrepancy and event.date.discrepancy.flag:
        severity = course.flags[event.date.discrepancy.flag].severity
        raise NotYet(f"The course's flags call this date {severity}, not wrong: no source was published before it. "
                     "Look for a date the sources contradict.")
    if event.background:
        raise NotYet("That event comes from the sources, not the article. Pick one of the article's dates.")
    raise NotYet("No source disputes the article's date for that event. Look at the events with a discrepancy.")
