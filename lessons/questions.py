"""Quiz questions and learning objectives: built and checked from data, graded by pure functions."""
from __future__ import annotations

import dataclasses
import difflib
import math
import random
import re
from dataclasses import dataclass
from typing import Any, Callable

from . import model
from .names import fold_text, names_of

LESSONS = ("00-start-here", "01-reading-the-article", "02-context", "03-actors", "04-places", "05-timeline",
           "06-claims", "07-csto", "08-checking-sources", "09-review")
TYPES = ("single", "multiple", "truefalse", "text", "numeric", "ordering", "matching")
OUTCOMES = ("correct", "partial", "wrong", "empty")
OBJECTIVES_FILE = "objectives.yaml"

# The answer fields each question type uses; any other answer field on it is a mistake worth reporting.
ANSWER_FIELDS = ("options", "answer", "answers", "accept", "number", "unit", "units", "tolerance", "close",
                 "events", "match", "clues")
FIELDS_OF_TYPE = {
    "single": ("options", "answer"),
    "multiple": ("options", "answers"),
    "truefalse": ("answer",),
    "text": ("answers", "accept"),
    "numeric": ("answer", "number", "unit", "units", "tolerance", "close"),
    "ordering": ("events",),
    "matching": ("match", "clues"),
}
# Ids a question names, and the kind each must be (checked by lessons.content.check_references).
REFERENCES = {
    ("question", "objectives"): "objective",
    ("question", "misconceptions"): "misconception",
    ("question", "events"): "event",
}
NAMED_KINDS = ("actor", "place", "term")  # kinds whose names a text question can accept


# ---------------------------------------------------------------------------------------------------------------
# Records

@dataclass(frozen=True)
class Result:
    """The grade of one answer: outcome (correct | partial | wrong | empty), score 0..1, and why."""

    outcome: str
    score: float
    message: str


@dataclass(frozen=True)
class Choice:
    """Something a learner can pick: the value the grader sees and the text the learner reads."""

    value: Any
    label: str


@dataclass(frozen=True, kw_only=True)
class Objective(model.Item):
    """A learning objective of one lesson. Its evidence is that of the questions that assess it."""

    lesson: str
    text: str
    questions: tuple[str, ...] = ()  # ids of the questions that assess it, filled in when the course loads


@dataclass(frozen=True, kw_only=True)
class Question(model.Item):
    """One quiz question. Ordering and matching keys are derived from the content, never typed."""

    lesson: str  # e.g. "02-context"; the quiz topic is the part after the number
    type: str
    prompt: str
    explanation: str
    objectives: tuple[str, ...]
    hints: tuple[str, ...] = ()
    misconceptions: tuple[str, ...] = ()
    checkpoint: int | None = None  # asked at checkpoint N inside the lesson instead of in its closing quiz
    options: tuple[str, ...] = ()  # single, multiple
    answer: Any = None  # single: the right option; truefalse: bool; numeric: the value
    answers: tuple[str, ...] = ()  # multiple: every right option; text: accepted answers
    accept: tuple[str, ...] = ()  # text: item ids whose names and aliases are accepted
    number: str | None = None  # numeric: a number item to take value and unit from
    unit: str = ""
    units: tuple[str, ...] = ()
    tolerance: float = 0.0
    close: float | None = None  # numeric: answers within this distance earn half credit
    events: tuple[str, ...] = ()  # ordering
    match: tuple[str, ...] = ()  # matching: actor or place ids
    clues: tuple[tuple[str, str], ...] = ()  # matching: (id, clue) shown instead of the item's role text
    # Filled in from the content when the course loads:
    accepted: tuple[str, ...] = ()  # text: every accepted answer, authored and from `accept`
    value: float | None = None  # numeric: the right value
    key: tuple[str, ...] = ()  # ordering: event ids in date order; matching: the left ids
    labels: tuple[tuple[str, str], ...] = ()  # (id, text): event titles, or names of the left items
    roles: tuple[tuple[str, str], ...] = ()  # matching: (id, text shown): its clue, else its role
    solution: str = ""  # the right answer in words, shown when the learner asks for it

    @property
    def topic(self) -> str:
        return topic_of(self.lesson)

    def label(self, item_id: str) -> str:
        return dict(self.labels).get(item_id, item_id)

    def role(self, item_id: str) -> str:
        return dict(self.roles).get(item_id, item_id)


# ---------------------------------------------------------------------------------------------------------------
# Lessons and topics

def topic_of(lesson: str) -> str:
    """'02-context' -> 'context'."""
    return lesson.split("-", 1)[1] if re.match(r"^\d\d-", lesson) else lesson


def resolve_lesson(name: str) -> str:
    """The lesson a learner means: 'context', '02-context', '02' or '2' all mean '02-context'."""
    text = str(name).strip().lower().replace("_", "-").removesuffix(".yaml")
    for lesson in LESSONS:
        number = lesson[:2]
        if text in (lesson, topic_of(lesson), number, number.lstrip("0") or "0"):
            return lesson
    topics = ", ".join(topic_of(lesson) for lesson in LESSONS)
    raise KeyError(f"no quiz called {name!r}; the quizzes are: {topics}")


def questions_of(course: model.Course, lesson: str) -> list[Question]:
    """The questions of one lesson, in the order they are written."""
    lesson = resolve_lesson(lesson)
    return [q for q in course.extra.get("question", {}).values() if q.lesson == lesson]


def closing_questions(course: model.Course, lesson: str) -> list[Question]:
    """The questions of a lesson's closing quiz: those not asked at a checkpoint along the way."""
    return [q for q in questions_of(course, lesson) if q.checkpoint is None]


def checkpoint_questions(course: model.Course, lesson: str, number: int) -> list[Question]:
    """The one or two questions of checkpoint `number` inside a lesson."""
    return [q for q in questions_of(course, lesson) if q.checkpoint == number]


def checkpoints_of(course: model.Course, lesson: str) -> list[int]:
    """The checkpoint numbers a lesson's questions name, in order."""
    return sorted({q.checkpoint for q in questions_of(course, lesson) if q.checkpoint is not None})


# ---------------------------------------------------------------------------------------------------------------
# Text and numbers as learners type them

def normalise_text(text: str) -> str:
    """Fold case, diacritics, punctuation and spacing: ' Vayots-Dzor! ' and 'vayots dzor' are equal."""
    return fold_text(text)


_NUMBER = re.compile(r"[-+\u2212]?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?|[-+\u2212]?\.\d+")


def parse_number(answer: Any) -> tuple[float | None, str]:
    """(value, unit text) from a typed answer like '2,000 troops'; value None when there is no number."""
    if isinstance(answer, bool):
        return None, ""
    if isinstance(answer, (int, float)):
        return (float(answer), "") if math.isfinite(answer) else (None, "")
    if not isinstance(answer, str):
        return None, ""
    found = _NUMBER.search(answer)
    if not found:
        return None, answer.strip()
    digits = re.sub(r"[,\u00a0\u202f ]", "", found.group()).replace("\u2212", "-")
    try:
        value = float(digits)
    except ValueError:
        return None, answer.strip()
    return (value if math.isfinite(value) else None), answer[found.end():].strip()


# ---------------------------------------------------------------------------------------------------------------
# Grading: pure functions, answer -> Result. They never raise, whatever the answer is.

def _is_blank(answer: Any) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, (list, tuple, set, frozenset, dict)):
        return all(_is_blank(value) for value in (answer.values() if isinstance(answer, dict) else answer))
    return False


def _strings(answer: Any) -> list[str]:
    """The distinct strings in an answer that may be one string or a collection of them."""
    if isinstance(answer, str):
        values = [answer]
    elif isinstance(answer, (list, tuple, set, frozenset)):
        values = [value for value in answer if isinstance(value, str)]
    else:
        values = []
    return list(dict.fromkeys(values))


EMPTY = Result("empty", 0.0, "No answer yet: give an answer, then press Check.")


def grade_single(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    if isinstance(answer, str) and answer == question.answer:
        return Result("correct", 1.0, "That is the right option.")
    if isinstance(answer, str) and answer in question.options:
        return Result("wrong", 0.0, "That option is not the right one.")
    return Result("wrong", 0.0, "That is not one of the options.")


def grade_multiple(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    chosen = [value for value in _strings(answer) if value in question.options]
    if not chosen:
        return Result("wrong", 0.0, "None of that is one of the options.")
    right = [value for value in chosen if value in question.answers]
    wrong = len(chosen) - len(right)
    total = len(question.answers)
    if len(right) == total and not wrong:
        return Result("correct", 1.0, f"You found all {total} right options and no wrong one.")
    score = max(0.0, (len(right) - wrong) / total)
    message = f"{len(right)} of {total} right options chosen"
    message += f", and {wrong} option{'s' if wrong != 1 else ''} that {'are' if wrong != 1 else 'is'} not right." \
        if wrong else "."
    return Result("partial" if score > 0 else "wrong", score, message)


def grade_truefalse(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    if isinstance(answer, str) and answer.strip().lower() in ("true", "false"):
        answer = answer.strip().lower() == "true"
    if not isinstance(answer, bool):
        return Result("wrong", 0.0, "Answer True or False.")
    if answer is question.answer:
        return Result("correct", 1.0, f"Yes: the statement is {'true' if answer else 'false'}.")
    return Result("wrong", 0.0, "Not this time: check the statement word by word against the article.")


def grade_text(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    if not isinstance(answer, str):
        return Result("wrong", 0.0, "Type your answer as words.")
    typed = normalise_text(answer)
    if not typed:
        return Result("wrong", 0.0, "Type your answer as words.")
    accepted = [normalise_text(text) for text in question.accepted]
    if typed in accepted:
        return Result("correct", 1.0, "That answer is accepted.")
    # Long typed text cannot be a spelling slip of a short answer; skip the comparison cheaply.
    near = [text for text in accepted if abs(len(text) - len(typed)) <= max(2, len(text) // 4)]
    if len(typed) >= 4 and any(difflib.SequenceMatcher(None, typed, text).ratio() >= 0.8 for text in near):
        return Result("partial", 0.5, "Almost: check the spelling.")
    return Result("wrong", 0.0, "That answer is not accepted.")


def _unit_ok(question: Question, unit_text: str) -> bool:
    typed = normalise_text(unit_text)
    if not typed:
        return True
    accepted = {normalise_text(unit) for unit in (question.unit, *question.units) if unit}
    return not accepted or typed in accepted or typed.rstrip("s") in {u.rstrip("s") for u in accepted}


def grade_numeric(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    value, unit_text = parse_number(answer)
    if value is None:
        return Result("wrong", 0.0, "Type a number.")
    target = question.value if question.value is not None else math.nan
    distance = abs(value - target)
    slack = 1e-9 * max(1.0, abs(target))  # so 0.1 + 0.2 counts as 0.3
    if not _unit_ok(question, unit_text):
        if distance <= question.tolerance + slack:
            return Result("partial", 0.5, f"The number is right, but the unit is not {unit_text!r}.")
        return Result("wrong", 0.0, f"Not that number, and the unit is not {unit_text!r}.")
    if distance <= question.tolerance + slack:
        return Result("correct", 1.0, "That number is right.")
    if question.close is not None and distance <= question.close + slack:
        return Result("partial", 0.5, "Close, but not the number asked for.")
    direction = "high" if value > target else "low"
    return Result("wrong", 0.0, f"That number is too {direction}.")


def grade_ordering(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    if not isinstance(answer, (list, tuple)):
        return Result("wrong", 0.0, "Give the events as a list, earliest first.")
    placed = [value if isinstance(value, str) else None for value in answer]
    total = len(question.key)
    in_place = sum(1 for position, event_id in enumerate(question.key)
                   if position < len(placed) and placed[position] == event_id)
    notes = []
    empty_slots = total - sum(1 for value in placed[:total] if value)
    if empty_slots > 0:
        notes.append(f"{empty_slots} position{'s are' if empty_slots != 1 else ' is'} still empty")
    used = [value for value in placed if value]
    if len(used) != len(set(used)):
        notes.append("an event is used more than once")
    if in_place == total and len(placed) == total:
        return Result("correct", 1.0, "Every event is in the right place.")
    message = f"{in_place} of {total} events in the right place" + (f"; {'; '.join(notes)}." if notes else ".")
    return Result("partial" if in_place else "wrong", in_place / total if total else 0.0, message)


def grade_matching(question: Question, answer: Any) -> Result:
    if _is_blank(answer):
        return EMPTY
    if not isinstance(answer, dict):
        return Result("wrong", 0.0, "Give one match for each item.")
    roles = dict(question.roles)
    by_role = {normalise_text(text): item_id for item_id, text in roles.items()}
    total = len(question.key)
    right = unmatched = 0
    for left in question.key:
        chosen = answer.get(left)
        if not isinstance(chosen, str) or not chosen.strip():
            unmatched += 1
            continue
        owner = chosen if chosen in roles else by_role.get(normalise_text(chosen))
        right += owner == left
    if right == total:
        return Result("correct", 1.0, "Every match is right.")
    message = f"{right} of {total} matches right"
    message += f"; {unmatched} item{'s' if unmatched != 1 else ''} not matched yet." if unmatched else "."
    return Result("partial" if right else "wrong", right / total if total else 0.0, message)


GRADERS: dict[str, Callable[[Question, Any], Result]] = {
    "single": grade_single, "multiple": grade_multiple, "truefalse": grade_truefalse, "text": grade_text,
    "numeric": grade_numeric, "ordering": grade_ordering, "matching": grade_matching,
}


def grade(question: Question, answer: Any) -> Result:
    """Grade any answer to any question; never raises."""
    return GRADERS[question.type](question, answer)


# ---------------------------------------------------------------------------------------------------------------
# What the learner sees: choices in a seeded order, so every run shows the same order

def choices(question: Question) -> tuple[Choice, ...]:
    """The choices of a question in the order shown; shuffled with the question id as seed."""
    shuffle = random.Random(question.id).shuffle
    if question.type == "truefalse":
        return Choice(True, "True"), Choice(False, "False")
    if question.type in ("single", "multiple"):
        items = [Choice(option, option) for option in question.options]
        shuffle(items)
        return tuple(items)
    if question.type == "ordering":
        items = [Choice(event_id, question.label(event_id)) for event_id in question.events]
        order_to_avoid = list(question.key)
    elif question.type == "matching":
        items = [Choice(item_id, question.role(item_id)) for item_id in question.match]
        order_to_avoid = list(question.match)
    else:
        return ()
    shuffle(items)
    if [choice.value for choice in items] == order_to_avoid:
        items = items[1:] + items[:1]  # a shown order that is already the answer would give it away
    return tuple(items)


def answer_text(question: Question, answer: Any) -> str:
    """A learner's answer in words, for exports and for showing a stored answer."""
    if _is_blank(answer):
        return ""
    if question.type == "ordering" and isinstance(answer, (list, tuple)):
        return " \u2192 ".join(question.label(v) if isinstance(v, str) else "?" for v in answer)
    if question.type == "matching" and isinstance(answer, dict):
        return " | ".join(f"{question.label(left)} \u2192 {question.role(answer[left])}"
                          for left in question.key if isinstance(answer.get(left), str))
    if isinstance(answer, bool):
        return "True" if answer else "False"
    if isinstance(answer, (list, tuple)):
        return " | ".join(str(value) for value in answer)
    return str(answer)


# ---------------------------------------------------------------------------------------------------------------
# Building from data (called by lessons.content while it loads the course)

def _lesson_of_file(file: str) -> str | None:
    stem = file.rsplit("/", 1)[-1].removesuffix(".yaml")
    return stem if stem in LESSONS else None


def _build_objective(kind: str, entry: dict, report: Callable[[str, str], None]) -> Objective:
    return Objective(id=entry["id"], lesson=entry["lesson"], text=entry["text"], evidence=model.Evidence())


def _build_question(lesson: str, kind: str, entry: dict, report: Callable[[str, str], None]) -> Question | None:
    """The authored fields, checked for what fits the question's type; content-derived fields come later."""
    qtype = entry["type"]
    used = FIELDS_OF_TYPE[qtype]
    for field in ANSWER_FIELDS:
        if field in entry and field not in used:
            report(field, f"not used by a {qtype} question (it uses: {', '.join(used)})")
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in entry.items()}
    if isinstance(entry.get("clues"), dict):
        values["clues"] = tuple((str(item_id), text) for item_id, text in entry["clues"].items())
    evidence = entry["evidence"]
    values["evidence"] = model.Evidence(fragments=tuple(evidence.get("fragments", ())),
                                        sources=tuple(evidence.get("sources", ())))
    ok = True

    def duplicates(field: str, texts) -> None:
        nonlocal ok
        seen: dict[str, str] = {}
        for text in texts:
            folded = normalise_text(text)
            if folded in seen:
                report(field, f"{text!r} is listed twice")
                ok = False
            seen[folded] = text

    if qtype in ("single", "multiple"):
        duplicates("options", entry["options"])
        right = [entry["answer"]] if qtype == "single" else entry["answers"]
        field = "answer" if qtype == "single" else "answers"
        for text in right:
            if text not in entry["options"]:
                report(field, f"{text!r} is not one of the options")
                ok = False
        if qtype == "multiple":
            duplicates("answers", entry["answers"])
    if qtype == "text" and not entry.get("answers") and not entry.get("accept"):
        report("answers", "a text question needs `answers`, `accept`, or both")
        ok = False
    if qtype == "numeric":
        if "number" in entry and ("answer" in entry or "unit" in entry):
            report("number", "give either `number` (value and unit come from it) or `answer` and `unit`, not both")
            ok = False
        elif "number" not in entry:
            for field in ("answer", "unit"):
                if field not in entry:
                    report(field, "required field is missing (or give `number` instead)")
                    ok = False
        if "close" in entry and entry["close"] < entry.get("tolerance", 0):
            report("close", "must not be smaller than `tolerance`")
            ok = False
        values["tolerance"] = float(entry.get("tolerance", 0))
        if "answer" in entry:
            values["value"] = float(entry["answer"])
    if qtype in ("ordering", "matching"):
        field = "events" if qtype == "ordering" else "match"
        if len(set(entry[field])) != len(entry[field]):
            report(field, "an id is listed twice")
            ok = False
    if qtype == "matching" and "clues" in entry:
        # All or none: a mix of clues and role texts would read unevenly and hint at which is which.
        clued, matched = set(entry["clues"]), set(entry["match"])
        if clued != matched:
            missing, extra = sorted(matched - clued), sorted(clued - matched)
            report("clues", "give a clue for every id in `match` and no other"
                   + (f"; missing: {', '.join(missing)}" if missing else "")
                   + (f"; not in `match`: {', '.join(extra)}" if extra else ""))
            ok = False
    if not ok:
        return None
    return Question(lesson=lesson, **values)


def _derive(question: Question, course: model.Course, checker, report: Callable[[str, str], None]):
    """Fill in the fields that come from the content: accepted names, values, keys, labels, the solution."""
    qtype = question.type
    derived: dict[str, Any] = {}
    if qtype == "single":
        derived["solution"] = question.answer
    elif qtype == "multiple":
        derived["solution"] = " | ".join(question.answers)
    elif qtype == "truefalse":
        derived["solution"] = "True" if question.answer else "False"
    elif qtype == "text":
        accepted = list(question.answers)
        for item_id in question.accept:
            kind = checker.kinds_by_id.get(item_id)
            if kind is None:
                report("accept", f"unknown actor, place or term id {item_id!r}")
            elif kind not in NAMED_KINDS:
                report("accept", f"{item_id!r} is a {kind}; `accept` takes actors, places or terms")
            else:
                accepted += names_of(course).forms(item_id)  # names, aliases, both spellings, titles
        derived["accepted"] = tuple(dict.fromkeys(accepted))
        derived["solution"] = derived["accepted"][0] if accepted else ""
    elif qtype == "numeric":
        value, unit = question.value, question.unit
        if question.number is not None:
            number = course.numbers.get(question.number)
            if number is None:
                kind = checker.kinds_by_id.get(question.number)
                report("number", f"unknown number id {question.number!r}" if kind is None
                       else f"{question.number!r} is a {kind}, not a number")
                return None
            value, unit = number.value, number.unit
        derived.update(value=value, unit=unit)
        within = f" (within {question.tolerance:g})" if question.tolerance else ""
        derived["solution"] = f"{value:.10g} {unit}{within}"
    elif qtype == "ordering":
        events = [course.events[event_id] for event_id in question.events if event_id in course.events]
        if len(events) != len(question.events):
            return None  # unknown ids are reported by the reference check
        in_order = sorted(events, key=lambda event: (event.date.start, event.date.end))
        overlapping = False
        for index, first in enumerate(in_order):
            for second in in_order[index + 1:]:
                if first.date.start <= second.date.end and second.date.start <= first.date.end:
                    overlapping = True
                    report("events", f"events {first.id!r} ({first.date.label}) and {second.id!r} "
                                     f"({second.date.label}) overlap in time, so their order is ambiguous; "
                                     "use events whose dates do not overlap")
        if overlapping:
            return None
        derived["key"] = tuple(event.id for event in in_order)
        # Short titles where given: a few words to place in time, without names a lesson has not yet introduced.
        derived["labels"] = tuple((event.id, event.short_title or event.title) for event in events)
        derived["solution"] = " | ".join(f"{position}. {event.short_title or event.title} ({event.date.label})"
                                        for position, event in enumerate(in_order, start=1))
    elif qtype == "matching":
        items = []
        for item_id in question.match:
            kind = checker.kinds_by_id.get(item_id)
            if kind is None:
                report("match", f"unknown actor or place id {item_id!r}")
            elif kind not in ("actor", "place"):
                report("match", f"{item_id!r} is a {kind}; `match` takes actors or places")
            else:
                items.append(course.get(item_id))
        if len(items) != len(question.match):
            return None
        clues = dict(question.clues)
        shown = {item.id: clues.get(item.id, item.role) for item in items}
        seen: dict[str, str] = {}
        for item in items:
            folded = normalise_text(shown[item.id])
            if folded in seen:
                field = "clues" if clues else "match"
                report(field, f"{seen[folded]!r} and {item.id!r} have the same {'clue' if clues else 'role text'}, "
                              "so the match is ambiguous")
                return None
            seen[folded] = item.id
        derived["key"] = question.match
        derived["labels"] = tuple((item.id, item.name) for item in items)
        derived["roles"] = tuple((item.id, shown[item.id]) for item in items)
        derived["solution"] = " | ".join(f"{item.name} \u2192 {shown[item.id]}" for item in items)
    return dataclasses.replace(question, **derived)


def build(raw_quizzes: dict[str, Any], raw_objectives: Any, course: model.Course, checker) -> dict[str, dict]:
    """Build every question and objective, reporting each problem to `checker` (lessons.content._Checker)."""
    from .content import check_evidence, check_references  # here: lessons.content imports this module lazily

    objectives: dict[str, Objective] = {}
    for item_id, objective in checker.items_of(OBJECTIVES_FILE, "objective", raw_objectives, build=_build_objective):
        if checker.register(OBJECTIVES_FILE, "objective", item_id) and objective is not None:
            objectives[item_id] = objective

    authored: dict[str, tuple[str, Question]] = {}
    assessed_by: dict[str, list[str]] = {item_id: [] for item_id in objectives}
    for file, raw in raw_quizzes.items():
        lesson = _lesson_of_file(file)
        if lesson is None:
            checker.report(file, None, None, "a quiz file is named after its lesson, one of: "
                           + ", ".join(f"{lesson}.yaml" for lesson in LESSONS))
            continue

        def build_question(kind, entry, report, lesson=lesson):
            return _build_question(lesson, kind, entry, report)

        for item_id, question in checker.items_of(file, "question", raw, build=build_question):
            if checker.register(file, "question", item_id) and question is not None:
                authored[item_id] = (file, question)
        # Count what each entry says it assesses even if the entry has problems, so they don't cascade.
        for entry in raw if isinstance(raw, list) else ():
            named = entry.get("objectives") if isinstance(entry, dict) else None
            for objective_id in named if isinstance(named, list) else ():
                if isinstance(objective_id, str) and isinstance(entry.get("id"), str):
                    assessed_by.setdefault(objective_id, []).append(entry["id"])

    questions: dict[str, Question] = {}
    for item_id, (file, question) in authored.items():
        check_evidence(checker, file, question, course.sources)
        check_references(checker, file, "question", question, REFERENCES)
        if question.confidence is not None:
            checker.report(file, item_id, "confidence", "a question states no grade of its own: the content item "
                           "it is about (the one with its facts_id) states it once")
        derived = _derive(question, course, checker,
                          lambda field, message, file=file, item_id=item_id:
                          checker.report(file, item_id, field, message))
        if derived is not None:
            questions[item_id] = derived

    for item_id, objective in list(objectives.items()):
        question_ids = assessed_by[item_id]
        if not question_ids:
            checker.report(OBJECTIVES_FILE, item_id, "id",
                           "no question assesses this objective; name it in a question's `objectives`")
        backing = [authored[qid][1].evidence for qid in question_ids if qid in authored]
        fragments = [fragment for evidence in backing for fragment in evidence.fragments]
        sources = [source for evidence in backing for source in evidence.sources]
        objectives[item_id] = dataclasses.replace(
            objective, questions=tuple(question_ids), background=not fragments,
            evidence=model.Evidence(tuple(dict.fromkeys(fragments)), tuple(dict.fromkeys(sources))))
    return {"question": questions, "objective": objectives}
