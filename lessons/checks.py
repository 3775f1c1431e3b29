"""Exercise self-checks: `check(name, answer)` judges an answer against a key derived from the content data."""
from __future__ import annotations

import datetime as dt
import difflib
import html
import re
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from .content import load_course
from .model import Course

CORRECT, WRONG, NOT_ATTEMPTED, ERROR = "correct", "wrong", "not attempted", "error"
OUTCOMES = (CORRECT, WRONG, NOT_ATTEMPTED, ERROR)
MIME_TYPE = "application/vnd.lessons.check+json"  # the record the grader reads from a notebook's outputs

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

_SHOW = {  # outcome -> (symbol and words for the learner, CSS modifier); never colour alone
    CORRECT: ("\u2714 Correct", "correct"),
    WRONG: ("\u2718 Not yet", "wrong"),
    NOT_ATTEMPTED: ("\u2026 Not attempted", "not-attempted"),
    ERROR: ("\u26a0 Could not check", "error"),
}
_BORDER = {CORRECT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#757575", ERROR: "#ef6c00"}


class NotYet(Exception):
    """A wrong answer; the message is the hint the learner sees."""


class NotAttempted(Exception):
    """The answer is still the stub (None), so there is nothing to judge yet."""


@dataclass(frozen=True)
class Check:
    """One registered check: which exercise it belongs to, how its key is derived, how answers are judged."""

    name: str
    exercise: str
    task: str  # what the check looks at, in one line
    key: Callable[[Course], Any]  # the answer key, derived from the content
    judge: Callable[[Any, Any], str]  # (answer, key) -> praise; raises NotYet or NotAttempted
    points: int = 1


REGISTRY: dict[str, Check] = {}


def _register(name: str, exercise: str, task: str, key: Callable[[Course], Any], points: int = 1):
    def add(judge):
        if exercise not in EXERCISES:
            raise ValueError(f"check {name!r} names unknown exercise {exercise!r}")
        REGISTRY[name] = Check(name, exercise, task, key, judge, points)
        return judge
    return add


def checks_for(exercise: str) -> list[Check]:
    """The checks an exercise notebook is expected to call, in the order they were registered."""
    return [c for c in REGISTRY.values() if c.exercise == exercise]


def answer_key(name: str, course: Course | None = None) -> Any:
    """The key a check compares against (for instructors and tests; do not show it to learners)."""
    return REGISTRY[name].key(course or load_course())


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
    def result(outcome: str, message: str) -> CheckResult:
        points = spec.points if outcome == CORRECT else 0
        return CheckResult(spec.exercise, spec.name, outcome, points, spec.points, message)

    try:
        key = spec.key(load_course())
    except Exception as exc:  # the content itself is broken: not the learner's fault
        return result(ERROR, f"The course content could not be loaded ({type(exc).__name__}), so this "
                             "check cannot run. Tell your instructor.")
    try:
        return result(CORRECT, spec.judge(answer, key))
    except NotAttempted as exc:
        return result(NOT_ATTEMPTED, str(exc) or "Replace None with your answer, then run this cell again.")
    except NotYet as exc:
        return result(WRONG, str(exc))
    except Exception as exc:  # a judge must never show a learner a traceback
        return result(WRONG, f"This answer could not be checked ({type(exc).__name__}: {_short(exc)}). "
                             "Look at its type and shape against the task.")


# ---------------------------------------------------------------------------------------------------
# Reading answers fairly: types, spelling variants, names.

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                       "_": " "})


def _short(value: Any, width: int = 60) -> str:
    text = repr(value) if not isinstance(value, BaseException) else str(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _describe(value: Any) -> str:
    return f"of type {type(value).__name__}: {_short(value)}"


def _norm(text: str) -> str:
    """Fold case, quote marks, underscores and spacing; drop punctuation at either end."""
    folded = " ".join(str(text).translate(_FOLD).casefold().split())
    return folded.strip(" .,;:!?\"'()")


def _stub(answer: Any) -> None:
    if answer is None or answer is Ellipsis:
        raise NotAttempted()


def _items(answer: Any, noun: str) -> list:
    """An answer that should be a collection, as a list; list, tuple, set and other iterables all count."""
    _stub(answer)
    if isinstance(answer, (str, bytes)):
        raise NotYet(f"Give a list of {noun}, not one string: for example [\"first\", \"second\"].")
    if isinstance(answer, dict):
        raise NotYet(f"Give a list (or set) of {noun}, not a dict.")
    try:
        return list(answer)
    except TypeError:
        raise NotYet(f"Give a list of {noun}; this answer is {_describe(answer)}.") from None


def _mapping(answer: Any, noun: str) -> dict:
    """An answer that should map keys to values: a dict, or a list of (key, value) pairs."""
    _stub(answer)
    if isinstance(answer, dict):
        return dict(answer)
    try:
        pairs = list(answer) if not isinstance(answer, (str, bytes)) else None
        if pairs is not None and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
            return dict(pairs)
    except TypeError:
        pass
    raise NotYet(f"Give a dict that maps {noun}, e.g. {{key: value, ...}}; this answer is {_describe(answer)}.")


class Names:
    """Every spelling an item answers to (id, name, aliases, surname) -> its id."""

    def __init__(self, forms: dict[str, list[str]]):
        self.ids: dict[str, str] = {}
        for item_id, spellings in forms.items():
            for spelling in (item_id, *spellings):
                self.ids.setdefault(_norm(spelling), item_id)

    @classmethod
    def of(cls, items, surnames: bool = False, strip_suffix: str = "") -> "Names":
        forms = {}
        for item in items:
            spellings = [getattr(item, "name", getattr(item, "term", item.id)), *getattr(item, "aliases", ())]
            if surnames and getattr(item, "type", "") == "person":
                spellings += [s.split()[-1] for s in spellings]
            if strip_suffix:
                spellings += [s[: -len(strip_suffix)] for s in spellings if _norm(s).endswith(_norm(strip_suffix))]
            forms[item.id] = spellings
        return cls(forms)

    def find(self, value: Any) -> str | None:
        return self.ids.get(_norm(value)) if isinstance(value, str) else None


def _judge_names(answer: Any, expected: list[str], names: Names, noun: str, label: Callable[[str], str],
                 hints: tuple[Callable[[list, list], str | None], ...] = ()) -> str:
    """Judge a collection of names against expected ids, in any order and any listed spelling."""
    items = _items(answer, noun)
    if not items:
        raise NotYet(f"Your list is empty; it should hold {noun}.")
    for item in items:
        if not isinstance(item, str):
            raise NotYet(f"Each entry should be a name (a string); found one {_describe(item)}.")
    found = [names.find(item) for item in items]
    for hint in hints:
        message = hint(items, found)
        if message:
            raise NotYet(message)
    unknown = [item for item, item_id in zip(items, found) if item_id is None]
    if unknown:
        raise NotYet(f"{unknown[0]!r} is not one of the {noun} this check knows. Check the spelling, and that "
                     "no extra words or punctuation are attached.")
    twice = [item for item, n in Counter(found).items() if n > 1]
    if twice:
        raise NotYet(f"{label(twice[0])} appears more than once in your list.")
    right = [f for f in found if f in expected]
    extra = [f for f in found if f not in expected]
    if extra or len(right) < len(expected):
        parts = [f"You have {len(right)} of the {len(expected)} {noun}"]
        if extra:
            parts.append(f"and {len(extra)} that do{'es' if len(extra) == 1 else ''} not belong "
                         f"(e.g. {label(extra[0])})")
        raise NotYet(" ".join(parts) + ".")
    return f"All {len(expected)} {noun}: {', '.join(label(e) for e in expected)}."


def _as_interval(value: Any) -> tuple[dt.date, dt.date] | None:
    """A date answer as the days it can mean: a date, a datetime, or an ISO string (day or month)."""
    if isinstance(value, dt.datetime):
        return value.date(), value.date()
    if isinstance(value, dt.date):
        return value, value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        day = value.to_pydatetime().date()
        return day, day
    text = str(value).strip() if isinstance(value, str) or type(value).__name__ == "datetime64" else None
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ][\d:.]+)?", text)
    if not match:
        return None
    from .dates import DateError, resolve

    try:
        return resolve("day", text[:10]) if match.group(3) else resolve("month", text[:7])
    except DateError:
        return None


def _whole_number(answer: Any, what: str) -> int:
    _stub(answer)
    if isinstance(answer, dt.timedelta):
        if answer % dt.timedelta(days=1):
            raise NotYet(f"Your timedelta is not a whole number of days ({answer}).")
        return answer.days
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) and not hasattr(answer, "__index__"):
        if isinstance(answer, str) and answer.strip().lstrip("-").isdigit():
            raise NotYet(f"Give {what} as a number, not a string: drop the quote marks.")
        raise NotYet(f"Give {what} as a whole number; this answer is {_describe(answer)}.")
    if isinstance(answer, float) and not answer.is_integer():
        raise NotYet(f"{what.capitalize()} should be a whole number; you gave {answer}.")
    return int(answer)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------------------
# Keys derived from the content. Nothing here restates a fact: ids and rules only.

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
    """Each quoted passage -> whose words it is (`words_of`) by the claim that quotes most of it."""
    def overlap(claim, passage: str) -> int:
        quote, folded = claim.quote.translate(_FOLD), passage.translate(_FOLD)
        return len(quote) if quote in folded else len(folded) if folded in quote else 0

    quoting = [c for c in course.claims.values() if c.words_of != course.article.outlet_actor]
    speakers = {}
    for passage in quoted_passages(course.article.text):
        best = max(quoting, key=lambda claim: overlap(claim, passage), default=None)
        if best is not None and overlap(best, passage):
            speakers[passage] = best.words_of
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


_MONTH_WORDING = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November"
                            r"|December)(?: (\d{1,2}))?\b")


def resolve_reference(wording: str, published: dt.date, future: bool = False) -> tuple[dt.date, dt.date]:
    """The days a year-less 'May 8' or 'March' can mean: the latest on or before `published`, or with
    `future` the earliest on or after it. The rule the `resolve` exercise asks learners to write."""
    month_name, day = _MONTH_WORDING.search(wording).groups()
    month = dt.datetime.strptime(month_name, "%B").month
    from .dates import resolve

    def interval(year: int) -> tuple[dt.date, dt.date]:
        return resolve("day", f"{year}-{month:02d}-{int(day):02d}") if day else resolve("month", f"{year}-{month:02d}")

    year = published.year
    if future:
        return interval(year) if interval(year)[1] >= published else interval(year + 1)
    return interval(year) if interval(year)[0] <= published else interval(year - 1)


def relative_date_cases(course: Course) -> list[tuple[str, dt.date, bool, tuple[dt.date, dt.date]]]:
    """(wording, published, future, expected days) for the article's year-less month dates, against the
    article's publication date and two others, so that a hard-coded year cannot pass."""
    published = course.article.published
    wordings = []
    for event in course.events_in_order():
        wording = event.date.wording
        if wording and event.date.year_inferred and _MONTH_WORDING.search(wording):
            wordings.append((_MONTH_WORDING.search(wording).group(0), event.date.start > published))
    cases = []
    for when in (published, published - dt.timedelta(days=3 * 365), published + dt.timedelta(days=200)):
        cases += [(words, when, future, resolve_reference(words, when, future)) for words, future in wordings]
    return cases


def events_table_rows(course: Course) -> list[dict]:
    return [{"date": e.date.start, "title": e.title, "themes": tuple(e.themes), "actors": tuple(e.actors)}
            for e in course.events_in_order()]


FILTER_ACTOR, FILTER_THEME = "pashinian", "csto"  # the filter the events-table task asks for (ids)


def filtered_events(course: Course) -> list:
    return [e for e in course.events_in_order() if FILTER_ACTOR in e.actors and FILTER_THEME in e.themes]


def article_events(course: Course) -> list:
    """Events the article itself mentions, in date order (background events left out)."""
    return [e for e in course.events_in_order() if not e.background]


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


# ---------------------------------------------------------------------------------------------------
# 01 Find the provinces

def _no_and(items: list, found: list) -> str | None:
    for item in items:
        if _norm(item).startswith("and ") or _norm(item).endswith(" and"):
            return f"{item!r} still has the word 'and' attached; split it off."
    return None


@_register("provinces", "01-find-the-provinces", "the provinces the Russian posts leave, found in the text",
           key=lambda course: [p.id for p in article_provinces(course)])
def _provinces(answer, key):
    course = load_course()
    names = Names.of(p for p in course.places.values() if p.type == "province")
    return _judge_names(answer, key, names, "provinces", lambda i: course.places[i].name, hints=(_no_and,))


@_register("staying_borders", "01-find-the-provinces", "the two borders where the Russian guards stay",
           key=lambda course: [p.id for p in staying_borders(course)])
def _staying_borders(answer, key):
    course = load_course()
    names = Names.of((p for p in course.places.values() if p.type in ("border", "province")), strip_suffix=" border")

    def provinces_given(items, found):
        if any(f and course.places[f].type == "province" for f in found):
            return "Those are provinces. This task asks for the borders where the guards stay."
        return None

    return _judge_names(answer, key, names, "borders", lambda i: course.places[i].name,
                        hints=(_no_and, provinces_given))


# ---------------------------------------------------------------------------------------------------
# 02 CSTO sets

def _country_names(course: Course) -> Names:
    return Names.of(a for a in course.actors.values() if a.type == "state")


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
            return "That is every member. Keep only those the article's list does not name: a set difference."
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
    given = _mapping(answer, "each quote (or its first words) to who said it")
    if all(v is None for v in given.values()):
        raise NotAttempted("Fill in who said each quote, then run this cell again.")
    names = Names.of(course.actors.values(), surnames=True)
    passages = list(key)
    seen = {}
    for quote, speaker in given.items():
        passage = _match_passage(quote, passages)
        if passage is None:
            raise NotYet(f"{_short(quote, 50)} does not match the start of any quoted passage; use the "
                         "quote's first words as the key.")
        seen[passage] = speaker
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
            raise NotYet(f"{speaker!r} is not a name this check knows; use a person's or body's name as the "
                         "article gives it.")
        if found != key[passage]:
            expected = course.actors[key[passage]]
            near = ""
            if found in expected.part_of or key[passage] in course.actors[found].part_of:
                near = " Close: look at exactly whom the sentence names."
            elif course.actors[found].type == "person" and expected.type != "person":
                near = " The article attributes this one to a body, not to a single person."
            raise NotYet(f"The quote starting {_short(passage[:30], 40)} is not {speaker}'s; read the words "
                         f"around it ('X said', 'criticized for').{near}")
    return "Every quote is matched with its speaker."


# ---------------------------------------------------------------------------------------------------
# 04 Counting days and resolving dates

def _event_day(course: Course, event_id: str) -> dt.date:
    return course.events[event_id].date.start


TALKS, AIRPORT_DEADLINE, OFFENSIVE = "talks_2024_05_08", "zvartnots_handover_2024_08_01", "azerbaijan_offensive_2023_09"


@_register("days_to_deadline", "04-counting-days", "days from the Moscow talks to the airport deadline",
           key=lambda course: (_event_day(course, AIRPORT_DEADLINE) - _event_day(course, TALKS)).days)
def _days_to_deadline(answer, key):
    days = _whole_number(answer, "the number of days")
    if days == -key:
        raise NotYet("Your number is negative: subtract the earlier date from the later one.")
    if abs(days - key) == 1:
        raise NotYet("Off by one. Subtracting two dates counts the days between them; do not add or take away 1.")
    if days != key:
        raise NotYet(f"{days} days is not right. Take the two dates from the events and subtract: "
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
        raise NotYet(f"{months} months is not right. Count calendar months: (year difference) * 12 + "
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
                         f"{exc}. Keep the signature resolve(wording, published, future=False).") from None
        except Exception as exc:
            raise NotYet(f"resolve({wording!r}, {published!r}) raised {type(exc).__name__}: {_short(exc)}.") from None
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
    forms = {e.id: [e.title] for e in course.events.values()}
    items = _items(answer, "events")
    if items and all(isinstance(i, dict) and "title" in i for i in items):
        answer = [i["title"] for i in items]  # rows of the table are fine too

    def one_condition(items, found):
        theme_only = {e.id for e in course.events.values() if FILTER_THEME in e.themes}
        actor_only = {e.id for e in course.events.values() if FILTER_ACTOR in e.actors}
        either = theme_only | actor_only
        if set(found) == theme_only or set(found) == actor_only:
            return "Your list meets only one of the two conditions; keep the events that meet both (and)."
        if set(found) == either:
            return "Your list meets either condition; keep only the events that meet both (and, not or)."
        return None

    return _judge_names(answer, key, Names(forms), "matching events", lambda i: course.events[i].title,
                        hints=(one_condition,))


@_register("mention_counts", "05-events-table", "how often the article names each person",
           key=mention_counts)
def _mention_counts(answer, key):
    course = load_course()
    given = _mapping(answer, "each person's name to a count")
    if not given or all(v is None for v in given.values()):
        raise NotAttempted()
    names = Names.of(article_people(course), surnames=True)
    counts = {}
    for person, count in given.items():
        found = names.find(person)
        if found is None:
            raise NotYet(f"{person!r} is not one of the people the article names; use their names as keys.")
        counts[found] = _whole_number(count, f"the count for {person}")
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
        raise NotYet(f"The count for {surname} ({count}) is not right.")
    return "Every count is right: " + ", ".join(f"{course.actors[i].name.split()[-1]} {n}" for i, n in key.items()) + "."


# ---------------------------------------------------------------------------------------------------
# 06 Plots: inspect the learner's matplotlib figure

def _figure_axes(answer: Any):
    """The learner's figure and its axes; not attempted when there is no figure or it is empty."""
    _stub(answer)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(answer, Axes):
        figure, axes = answer.figure, [answer]
    elif isinstance(answer, (Figure, SubFigure)):
        figure, axes = answer, list(answer.axes)
    else:
        raise NotYet(f"Pass your figure: check(name, fig). This answer is {_describe(answer)}.")
    if not any(ax.lines or ax.collections or ax.patches or ax.texts or ax.containers for ax in axes):
        raise NotAttempted("Your figure is still empty. Draw on it, then run this cell again.")
    try:
        figure.draw_without_rendering()  # lays out ticks, so their labels can be read
    except Exception:
        pass
    return figure, axes


def _data_points(ax) -> list[tuple[float, float]]:
    """Markers the learner drew, in drawing order: scatter points and lines with markers."""
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D

    points = []
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and str(artist.get_marker()) not in ("None", "", " ", "none"):
            if artist.get_transform() == ax.transData:
                points += [tuple(p) for p in artist.get_xydata()]
        elif isinstance(artist, PathCollection) and len(artist.get_offsets()):
            points += [tuple(p) for p in artist.get_offsets()]
    return points


def _label_texts(figure, ax) -> list[str]:
    texts = [t.get_text() for t in ax.texts]
    texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    legend = ax.get_legend()
    if legend:
        texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t and t.strip()]


def _names_event(label: str, event) -> bool:
    mine, title = _norm(label), _norm(event.title)
    return title in mine or mine == _norm(event.id) or (len(mine) >= 12 and title.startswith(mine.rstrip("\u2026. ")))


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
    ax = max(axes, key=lambda a: len(_data_points(a)))
    points = _data_points(ax)
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
    if days != sorted(days):
        raise NotYet("Your points are not in chronological order; sort the events by date before plotting.")
    labels = _label_texts(figure, ax)
    unlabelled = [e for e in events if not any(_names_event(label, e) for label in labels)]
    if unlabelled:
        raise NotYet(f"{_plural(len(unlabelled), 'event')} ha{'s' if len(unlabelled) == 1 else 've'} no label, "
                     f"e.g. \u201c{unlabelled[0].title}\u201d. Label each point with its title (ax.annotate).")
    if not (ax.get_title().strip() or (figure._suptitle and figure._suptitle.get_text().strip())):
        raise NotYet("Give your timeline a title (ax.set_title).")
    return f"{len(events)} events, at their dates, in order, each labelled."


@_register("mentions_bar", "06-plot-timeline", "your bar chart of mentions: one labelled bar per person",
           key=mention_counts)
def _mentions_bar(answer, key):
    from matplotlib.container import BarContainer

    course = load_course()
    figure, axes = _figure_axes(answer)
    ax = max(axes, key=lambda a: sum(len(c) for c in a.containers if isinstance(c, BarContainer)))
    bars = [bar for c in ax.containers if isinstance(c, BarContainer) for bar in c]
    if not bars:
        raise NotYet("I found no bars. Draw the chart with ax.bar (or ax.barh).")
    horizontal = all(c.orientation == "horizontal" for c in ax.containers if isinstance(c, BarContainer))
    if len(bars) != len(key):
        raise NotYet(f"Your chart has {_plural(len(bars), 'bar')}; draw one bar for each of the "
                     f"{len(key)} people the article names.")
    ticks = ax.get_yticks() if horizontal else ax.get_xticks()
    tick_labels = [t.get_text() for t in (ax.get_yticklabels() if horizontal else ax.get_xticklabels())]
    names = Names.of(article_people(course), surnames=True)
    seen = {}
    for bar in bars:
        centre = bar.get_y() + bar.get_height() / 2 if horizontal else bar.get_x() + bar.get_width() / 2
        size = bar.get_height() if horizontal else bar.get_width()
        label = next((text for tick, text in zip(ticks, tick_labels) if abs(tick - centre) <= size / 2), "")
        person = names.find(label)
        if person is None:
            raise NotYet("Label each bar with the person's name (pass the names as the bars' positions, or set "
                         "the tick labels).")
        seen[person] = bar.get_width() if horizontal else bar.get_height()
    for person, count in key.items():
        surname = course.actors[person].name.split()[-1]
        if person not in seen:
            raise NotYet(f"There is no bar for {surname}.")
        if seen[person] != count:
            raise NotYet(f"The bar for {surname} is {seen[person]:g}, which is not how often the article names "
                         "him. Use the counts from exercise 5.")
    value_label = ax.get_xlabel() if horizontal else ax.get_ylabel()
    if not value_label.strip():
        raise NotYet(f"Label the axis that shows the counts (ax.set_{'x' if horizontal else 'y'}label).")
    return "One labelled bar per person, with the right heights and a labelled axis."


# ---------------------------------------------------------------------------------------------------
# 07 Critical reading

_STANCE_WORDS = {"reported fact", "statement", "accusation", "rejection", "interpretation"}


def _claim_labels(answer, key: dict, what: str, read: Callable[[Any], str | None], wrong_hint: str) -> str:
    given = _mapping(answer, f"each claim id to its {what}")
    if not given or all(v is None for v in given.values()):
        raise NotAttempted(f"Fill in the {what} of each claim, then run this cell again.")
    unknown = [k for k in given if k not in key]
    if unknown:
        raise NotYet(f"{unknown[0]!r} is not one of the claim ids to classify; use the ids printed above.")
    missing = [k for k in key if given.get(k) is None]
    if missing:
        raise NotYet(f"Give the {what} of every claim; {missing[0]!r} has none yet.")
    wrong = []
    for claim_id, expected in key.items():
        value = read(given[claim_id])
        if value is None:
            raise NotYet(f"{given[claim_id]!r} (for {claim_id}) is not a {what} this check knows. {wrong_hint}")
        if value != expected:
            wrong.append(claim_id)
    if wrong:
        raise NotYet(f"{len(key) - len(wrong)} of {len(key)} right. Look again at: {', '.join(wrong)}.")
    return f"All {len(key)} claims classified correctly."


@_register("claim_speakers", "07-critical-reading", "who makes each selected claim",
           key=lambda course: {c.id: c.speaker for c in claims_to_classify(course)})
def _claim_speakers(answer, key):
    names = Names.of(load_course().actors.values(), surnames=True)
    return _claim_labels(answer, key, "speaker", names.find,
                         "Use a name from the article, e.g. a person, a state or the outlet (RFE/RL).")


@_register("claim_stances", "07-critical-reading", "the stance of each selected claim",
           key=lambda course: {c.id: c.stance for c in claims_to_classify(course)})
def _claim_stances(answer, key):
    def read(value):
        word = _norm(value) if isinstance(value, str) else None
        return word.replace(" ", "_") if word in _STANCE_WORDS else None

    return _claim_labels(answer, key, "stance", read,
                        f"Use one of: {', '.join(sorted(w.replace(' ', '_') for w in _STANCE_WORDS))}.")


@_register("sources_before", "07-critical-reading",
           "for each disputed date, how many sources were published before it", key=sources_before)
def _sources_before(answer, key):
    course = load_course()
    given = _mapping(answer, "each event id to a number of sources")
    if not given or all(v is None for v in given.values()):
        raise NotAttempted()
    unknown = [k for k in given if k not in key]
    if unknown:
        raise NotYet(f"{unknown[0]!r} is not one of the events with a disputed date; use their ids as keys.")
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
        raise NotYet(f"The count for {event_id} ({count}) is not right.")
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
    forms = {e.id: [e.title] for e in course.events.values()}
    found = Names(forms).find(answer)
    if found is None:
        raise NotYet(f"{answer!r} is not an event id; use the id of an event from course.events.")
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
