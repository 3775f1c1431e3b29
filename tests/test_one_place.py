"""Each confidence grade and each date is stated once, in the data; prose that mentions one agrees with it.

Prose (lesson and exercise markdown, the instructor guide, the README, quiz texts and the data's own
descriptions) may repeat a grade or a date only where a test can tie it to the item that states it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "lessons" / "data"
MONTHS = ("January February March April May June July August September October November December").split()

# A grade in prose: "medium confidence", "confidence: low", "(LOW)", "grades ... medium".
GRADE = re.compile(
    r"(?i:\b(?P<a>high|medium|low)(?:[-\u2013](?:medium|high))?\s+confidence\b"
    r"|\bconfidence\b[^.;]{0,25}?\b(?P<b>high|medium|low)\b"
    r"|\bgrad(?:e|es|ed|ing)\b[^.;]{0,60}?\b(?P<c>high|medium|low)\b)"
    r"|\b(?P<d>HIGH|MEDIUM|LOW)\b")
# The checking method defines the grades; defining them is not grading an item.
DEFINITIONS = ("Grade your confidence",)
# Every other grade in prose names what it grades; the words that name it, and where the data states it.
GRADED_IN_PROSE = (
    ("publication date", "article"),
    ("published on 9 May 2024", "article"),
    ("Armavir", "armavir"),
    ("placing the airport here", "armavir"),
)
FULL_DATE = re.compile(r"\b(\d{1,2})(?:[\u2013-]\d{1,2})? (%s) (\d{4})\b" % "|".join(MONTHS))
GENERATED = re.compile(r"<!-- (\w+)[^>]*-->.*?<!-- /\1 -->", re.DOTALL)
FENCED = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
HEDGES = re.compile(r"\b(probably|inferred|likely|about|possibly)\b", re.IGNORECASE)


def _strings(node, where):
    """Every string in a YAML document except the fields that are data, not prose."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("confidence", "id", "value", "fragments", "url"):
                yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}[{index}]")
    elif isinstance(node, str):
        yield where, node


def prose(include_data: bool) -> list[tuple[str, str]]:
    """(where, text) for every piece of prose a learner or instructor reads."""
    texts = []
    for path in sorted([*REPO.glob("notebooks/*.ipynb"), *REPO.glob("exercises/*.ipynb"),
                        *REPO.glob("exercises/solutions/*.ipynb")]):
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "markdown":
                texts.append((f"{path.relative_to(REPO)} cell {index}", "".join(cell["source"])))
    for name in ("notebooks/INSTRUCTOR-GUIDE.md", "README.md"):
        # Fenced blocks are code and data examples, not prose; generated blocks are rendered from the data.
        text = FENCED.sub("", (REPO / name).read_text(encoding="utf-8"))
        texts.append((name, GENERATED.sub("", text)))
    files = sorted((DATA / "quizzes").glob("*.yaml"))
    if include_data:
        files += [p for p in sorted(DATA.glob("*.yaml")) if p.name != "schema.yaml"]
    for path in files:
        texts.extend(_strings(yaml.safe_load(path.read_text(encoding="utf-8")), str(path.relative_to(REPO))))
    return texts


def sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n\n", 0, start), text.rfind("\n-", 0, start))
    rights = [i for i in (text.find(". ", end), text.find("\n\n", end), text.find("\n-", end)) if i != -1]
    return " ".join(text[left + 1:min(rights) if rights else len(text)].split())


def grade_of(course, target: str) -> str | None:
    return course.article.published_confidence if target == "article" else course.get(target).confidence


def grade_problems(texts, course) -> list[str]:
    """Each grade stated in prose that is not tied to the item grading it, or that differs from it."""
    problems = []
    for where, text in texts:
        for match in GRADE.finditer(text):
            grade = next(g for g in match.groups() if g).lower()
            sentence = sentence_around(text, match.start(), match.end())
            if any(words in sentence for words in DEFINITIONS):
                continue
            targets = [target for words, target in GRADED_IN_PROSE if words in sentence]
            if not targets:
                problems.append(f"{where}: states a grade ({match.group(0)!r}) for something the data does not "
                                f"tie it to; render it from the item's confidence or name the item: {sentence!r}")
            for target in targets:
                if grade_of(course, target) != grade:
                    problems.append(f"{where}: says {grade!r} but {target} is graded "
                                    f"{grade_of(course, target)!r} in the data: {sentence!r}")
    return problems


def dated_days(course) -> set[dt.date]:
    days = set()
    for event in course.events.values():
        days |= {event.date.start, event.date.end}
        if event.date.discrepancy:
            days |= {event.date.discrepancy.start, event.date.discrepancy.end}
    return days


def date_problems(texts, course) -> list[str]:
    """Full dates in prose that no event's date gives, and the inferred publication date stated as known."""
    days, problems = dated_days(course), []
    published = course.article.published
    for where, text in texts:
        for match in FULL_DATE.finditer(text):
            day = dt.date(int(match.group(3)), MONTHS.index(match.group(2)) + 1, int(match.group(1)))
            sentence = sentence_around(text, match.start(), match.end())
            if day not in days and day != published:
                problems.append(f"{where}: {match.group(0)} is not a date of any event in the data: {sentence!r}")
            if (day == published and course.article.published_inferred and re.search(r"publi", sentence)
                    and not HEDGES.search(sentence)):
                problems.append(f"{where}: gives the publication date {match.group(0)} as known, but the data "
                                f"says it is inferred: {sentence!r}")
    return problems


def test_every_grade_in_prose_is_the_data_grade_of_what_it_names(course):
    assert grade_problems(prose(include_data=True), course) == []


def test_every_full_date_in_prose_is_a_date_the_data_gives(course):
    assert date_problems(prose(include_data=False), course) == []


@pytest.mark.parametrize("text, expected", [
    ("The article's publication date is inferred (probably 9 May 2024, high confidence).", "says 'high'"),
    ("The flag about autumn 2020 is graded medium.", "does not tie it to"),
    ("Placing the airport in Armavir has MEDIUM support.", "says 'medium'"),
])
def test_a_grade_that_disagrees_or_floats_is_found(course, text, expected):
    [problem] = grade_problems([("lesson", text)], course)
    assert expected in problem


def test_grade_definitions_and_agreeing_grades_pass(course):
    texts = [("lesson", "4. **Grade your confidence**: high, medium or low, and say why."),
             ("lesson", "The publication date is inferred (probably 9 May 2024, medium confidence).")]
    assert course.article.published_confidence == "medium"
    assert grade_problems(texts, course) == []


@pytest.mark.parametrize("text, expected", [
    ("The interview ran on 23 February 2024.", "not a date of any event"),
    ("The article was published on 9 May 2024.", "as known"),
])
def test_a_date_no_event_gives_or_an_unhedged_publication_date_is_found(course, text, expected):
    [problem] = date_problems([("lesson", text)], course)
    assert expected in problem


def test_dates_the_data_gives_pass(course):
    texts = [("lesson", "The France 24 interview ran on 22 February 2024, not in March."),
             ("lesson", "The article was probably published on 9 May 2024.")]
    assert date_problems(texts, course) == []


# ------------------------------------------------------------------ one grade per fact, none on questions

def test_a_question_that_grades_itself_is_rejected(data_copy):
    data_copy("quizzes/08-checking-sources.yaml", "  facts_id: F3\n", "  facts_id: F3\n  confidence: medium\n")
    assert data_copy.problems() == [
        "quizzes/08-checking-sources.yaml: chk_autumn_2020: confidence: a question states no grade of its own: "
        "the content item it is about (the one with its facts_id) states it once"]


def test_two_grades_for_one_fact_are_rejected(data_copy):
    # F3 (low-medium) filed under F1's row (high): one fact-sheet row, two grades.
    data_copy("flags.yaml", "  facts_id: F3\n", "  facts_id: F1\n")
    assert data_copy.problems() == [
        "flags.yaml: f3_autumn_2020_simplified: confidence: graded low-medium, but 'f1_france24_month' from the "
        "same fact-sheet row (F1) is graded high; state one grade"]


def test_a_quoted_speakers_date_shown_as_the_articles_is_rejected(data_copy):
    # Peskov's "autumn 2020" lies inside the article's quotation marks: it is his reading, not RFE/RL's.
    data_copy("events.yaml", "    read_by: Peskov, quoted in the article\n", "")
    [problem] = data_copy.problems()
    assert problem.startswith("events.yaml: troops_deployed_autumn_2020: date.read_by: the date's words "
                              "'autumn 2020' are inside the article's quotation marks")
