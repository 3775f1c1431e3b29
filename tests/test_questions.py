"""Quiz questions as data: building and checking them, deriving keys from content, and grading answers."""
from __future__ import annotations

import copy
import dataclasses
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import content, dates, model, questions
from lessons.content import ContentError, Problem
from lessons.questions import grade

REPO = Path(__file__).resolve().parent.parent
QUIZ_FILE = "quizzes/02-context.yaml"


# ---------------------------------------------------------------------------------------------------------------
# A small course, built by hand, so these tests do not depend on the size of the real content

def _event(event_id, precision, value, title):
    start, end = dates.resolve(precision, value)
    return model.Event(id=event_id, title=title, themes=("forces",), background=True,
                       evidence=model.Evidence(sources=("S2",)),
                       date=model.EventDate(precision=precision, value=value, start=start, end=end))


def _small_content():
    evidence = model.Evidence(sources=("S2",))
    sources = {
        "S2": model.Source(id="S2", title="Putin and Pashinyan agree", outlet="Trend", url="https://example.org/s2"),
        "S29": model.Source(id="S29", title="Statement of 10 November 2020", outlet="Armenian Government",
                            url="https://example.org/s29"),
    }
    actors = {
        "putin": model.Actor(id="putin", name="Vladimir Putin", type="person", evidence=evidence, background=True,
                             role="Russian president; agreed to the withdrawal", aliases=("Putin",)),
        "pashinian": model.Actor(id="pashinian", name="Nikol Pashinian", type="person", evidence=evidence,
                                 background=True, role="Armenian prime minister; asked for the withdrawal",
                                 aliases=("Pashinian", "Pashinyan", "Nikol Pashinyan")),
    }
    places = {
        "vayots_dzor": model.Place(id="vayots_dzor", name="Vayots Dzor", type="province", evidence=evidence,
                                   background=True, role="Russian posts leave"),
        "armenia_iran_border": model.Place(id="armenia_iran_border", name="Armenian-Iranian border", type="border",
                                           evidence=evidence, background=True, role="Russian border guards stay"),
    }
    events = {e.id: e for e in (
        _event("war", "range", "2020-09-27/2020-11-10", "The 2020 war"),
        _event("deployment", "season", "2020-autumn", "Russian troops deployed to Armenian regions"),
        _event("talks", "day", "2024-05-08", "Talks in Moscow"),
        _event("announcement", "day", "2024-05-09", "The Kremlin announces the agreement"),
    )}
    numbers = {"some_2000": model.Number(id="some_2000", value=2000.0, unit="peacekeepers", wording="Some 2,000",
                                         refers_to="peacekeepers", evidence=evidence, background=True)}
    misconceptions = {"m_all_troops": model.Misconception(
        id="m_all_troops", belief="Russia is withdrawing all its troops from Armenia.",
        correction="Only the posts in five provinces leave.", evidence=evidence, background=True)}
    return sources, actors, places, events, numbers, misconceptions


def small_questions() -> list[dict]:
    """One question of every type, in the YAML shape authors write."""
    fragment = {"fragments": ["agreed upon at Pashinian's request"]}
    return [
        {"id": "q_single", "type": "single", "prompt": "Who asked for the withdrawal?",
         "options": ["Nikol Pashinian", "Vladimir Putin", "Dmitry Peskov"], "answer": "Nikol Pashinian",
         "hints": ["Read what Peskov says about whose request it was.", "It was the Armenian side."],
         "explanation": "Peskov said it was agreed at Pashinian's request.", "evidence": fragment,
         "objectives": ["obj_request"], "misconceptions": ["m_all_troops"]},
        {"id": "q_multiple", "type": "multiple", "prompt": "Which provinces does the agreement list?",
         "options": ["Tavush", "Syunik", "Shirak", "Lori"], "answers": ["Tavush", "Syunik"],
         "explanation": "The article lists five provinces; Shirak and Lori are not among them.",
         "evidence": {"fragments": ["located in Tavush, Syunik, Vayots Dzor, Gegharkunik, and Ararat"]},
         "objectives": ["obj_places"]},
        {"id": "q_truefalse", "type": "truefalse", "prompt": "Russian border guards leave the Iranian border.",
         "answer": False, "explanation": "They stay on the Turkish and Iranian borders.",
         "evidence": {"fragments": ["will continue to be deployed on the Armenian-Turkish and Armenian-Iranian "
                                    "border"]}, "objectives": ["obj_places"]},
        {"id": "q_text", "type": "text", "prompt": "Name Armenia's prime minister.", "accept": ["pashinian"],
         "explanation": "Nikol Pashinian is Armenia's prime minister.",
         "evidence": {"fragments": ["Armenian Prime Minister Nikol Pashinian"]}, "objectives": ["obj_request"]},
        {"id": "q_text_place", "type": "text", "prompt": "Name the province whose capital is Yeghegnadzor.",
         "answers": ["Vayots Dzor"], "explanation": "Yeghegnadzor is the capital of Vayots Dzor.",
         "evidence": {"sources": ["S2"]}, "background": True, "objectives": ["obj_places"]},
        {"id": "q_numeric", "type": "numeric", "prompt": "How many peacekeepers does the article say left?",
         "number": "some_2000", "tolerance": 0, "close": 100,
         "explanation": "The article says some 2,000.", "evidence": {"fragments": ["Some 2,000 Russian peacekeepers"]},
         "objectives": ["obj_request"]},
        {"id": "q_numeric_literal", "type": "numeric", "prompt": "How many servicemen did the statement set?",
         "answer": 1960, "unit": "servicemen", "units": ["troops", "soldiers"], "tolerance": 0, "close": 50,
         "explanation": "The trilateral statement specifies 1,960.", "evidence": {"sources": ["S29"]},
         "background": True, "objectives": ["obj_request"]},
        {"id": "q_ordering", "type": "ordering", "prompt": "Put these in order.",
         "events": ["announcement", "talks", "war"], "explanation": "The war came first, then the talks.",
         "evidence": {"fragments": ["talks between the two leaders in Moscow on May 8"]},
         "objectives": ["obj_dates"]},
        {"id": "q_matching", "type": "matching", "prompt": "Match each leader with his role.",
         "match": ["putin", "pashinian"], "explanation": "Pashinian asked; Putin agreed.",
         "evidence": fragment, "objectives": ["obj_request"]},
    ]


def small_objectives() -> list[dict]:
    return [
        {"id": "obj_request", "lesson": "02-context", "text": "Say who asked for the withdrawal"},
        {"id": "obj_places", "lesson": "02-context", "text": "Name where the guards leave and where they stay"},
        {"id": "obj_dates", "lesson": "02-context", "text": "Order the events"},
    ]


def small_course(question_data=None, objective_data=None, events=None) -> model.Course:
    """Build the small course through `questions.build`, raising ContentError as the loader does."""
    sources, actors, places, default_events, numbers, misconceptions = _small_content()
    events = events if events is not None else default_events
    course = model.Course(article=None, sources=sources, actors=actors, places=places, events=events, claims={},
                          numbers=numbers, terms={}, flags={}, misconceptions=misconceptions)
    checker = content._Checker((content.seed_dir() / content.SEED_FILE).read_text(encoding="utf-8"))
    for kind, table in (("actor", actors), ("place", places), ("event", events), ("number", numbers),
                        ("misconception", misconceptions)):
        for item_id in table:
            checker.register("small.yaml", kind, item_id)
    built = questions.build(
        {QUIZ_FILE: small_questions() if question_data is None else question_data},
        small_objectives() if objective_data is None else objective_data, course, checker)
    if checker.problems:
        raise ContentError(checker.problems)
    course.extra.update(built)
    return course


@pytest.fixture(scope="module")
def small():
    return small_course()


def problems_of(**changes) -> list[Problem]:
    with pytest.raises(ContentError) as caught:
        small_course(**changes)
    return caught.value.problems


# ---------------------------------------------------------------------------------------------------------------
# Building

def test_small_course_builds_every_type(small):
    built = small.extra["question"]
    assert {q.type for q in built.values()} == set(questions.TYPES)
    assert all(q.lesson == "02-context" and q.topic == "context" for q in built.values())
    assert small.extra["objective"]["obj_dates"].questions == ("q_ordering",)


def test_ordering_key_comes_from_event_dates(small):
    question = small.extra["question"]["q_ordering"]
    assert question.events == ("announcement", "talks", "war")  # as authored
    assert question.key == ("war", "talks", "announcement")  # by date
    assert "27 September" in question.solution and question.solution.index("Talks") < question.solution.index("Kremlin")


def test_ordering_key_follows_an_edited_date():
    sources, actors, places, events, *_ = _small_content()
    events = dict(events, talks=_event("talks", "day", "2019-01-01", "Talks in Moscow"))
    question = small_course(events=events).extra["question"]["q_ordering"]
    assert question.key == ("talks", "war", "announcement")


def test_matching_roles_and_text_names_come_from_content(small):
    matching = small.extra["question"]["q_matching"]
    assert dict(matching.roles) == {"putin": "Russian president; agreed to the withdrawal",
                                    "pashinian": "Armenian prime minister; asked for the withdrawal"}
    text = small.extra["question"]["q_text"]
    assert {"Nikol Pashinian", "Pashinyan", "Pashinian"} <= set(text.accepted)
    numeric = small.extra["question"]["q_numeric"]
    assert (numeric.value, numeric.unit) == (2000.0, "peacekeepers")


def test_matching_clues_replace_the_role_text_everywhere_it_is_shown():
    data = small_questions()
    data[8]["clues"] = {"putin": "Said yes once asked", "pashinian": "Asked for it"}
    matching = small_course(question_data=data).extra["question"]["q_matching"]
    assert dict(matching.roles) == data[8]["clues"]
    assert matching.solution == "Vladimir Putin \u2192 Said yes once asked | Nikol Pashinian \u2192 Asked for it"
    assert {choice.label for choice in questions.choices(matching)} == set(data[8]["clues"].values())
    assert grade(matching, {"putin": "pashinian", "pashinian": "putin"}).outcome == "wrong"
    assert grade(matching, {"putin": "said yes once asked", "pashinian": "Asked for it"}).outcome == "correct"


@pytest.mark.parametrize("clues, message", [
    ({"putin": "Said yes"}, "give a clue for every id in `match` and no other; missing: pashinian"),
    ({"putin": "Said yes", "pashinian": "Asked", "peskov": "Spoke"},
     "give a clue for every id in `match` and no other; not in `match`: peskov"),
    ({"putin": "Said yes", "pashinian": "said YES!"}, "'putin' and 'pashinian' have the same clue, so the match is "
                                                      "ambiguous"),
])
def test_problem_matching_clues(clues, message):
    data = small_questions()
    data[8]["clues"] = clues
    assert Problem(QUIZ_FILE, "q_matching", "clues", message) in problems_of(question_data=data)


def test_ordering_labels_use_short_titles_where_the_content_gives_them():
    sources, actors, places, events, *_ = _small_content()
    events = dict(events, talks=dataclasses.replace(events["talks"], short_title="Talks"))
    question = small_course(events=events).extra["question"]["q_ordering"]
    assert question.label("talks") == "Talks"
    assert question.label("war") == events["war"].title
    assert "2. Talks (8 May 2024)" in question.solution  # the solution names them as the learner saw them


def test_objective_evidence_is_its_questions_evidence(small):
    objective = small.extra["objective"]["obj_places"]
    assert objective.questions == ("q_multiple", "q_truefalse", "q_text_place")
    assert "S2" in objective.evidence.sources and objective.evidence.fragments and not objective.background


def test_problem_unknown_content_id():
    data = small_questions()
    data[7]["events"] = ["announcement", "talks", "nope"]
    data[8]["match"] = ["putin", "nobody"]
    problems = problems_of(question_data=data)
    assert Problem(QUIZ_FILE, "q_ordering", "events", "unknown event id 'nope'") in problems
    assert Problem(QUIZ_FILE, "q_matching", "match", "unknown actor or place id 'nobody'") in problems


def test_problem_objective_without_question_and_unknown_objective():
    data = small_questions()
    data[7]["objectives"] = ["obj_request", "obj_missing"]
    problems = problems_of(question_data=data)
    assert problems == [
        Problem(QUIZ_FILE, "q_ordering", "objectives", "unknown objective id 'obj_missing'"),
        Problem("objectives.yaml", "obj_dates", "id",
                "no question assesses this objective; name it in a question's `objectives`"),
    ]


def test_problem_overlapping_ordering_events():
    data = small_questions()
    data[7]["events"] = ["war", "deployment", "talks"]
    problems = problems_of(question_data=data)
    assert problems == [Problem(
        QUIZ_FILE, "q_ordering", "events",
        "events 'deployment' (autumn 2020) and 'war' (27 September \u2013 10 November 2020) overlap in time, so "
        "their order is ambiguous; use events whose dates do not overlap")]


@pytest.mark.parametrize("index, change, expected", [
    (0, {"answer": "Someone else"}, ("answer", "'Someone else' is not one of the options")),
    (1, {"answers": ["Tavush", "Yerevan"]}, ("answers", "'Yerevan' is not one of the options")),
    (0, {"options": ["A", "a", "Nikol Pashinian"]}, ("options", "'a' is listed twice")),
    (2, {"events": ["war", "talks"]}, ("events", "not used by a truefalse question (it uses: answer)")),
    (3, {"accept": [], "answers": None}, None),
    (5, {"unit": "troops"}, ("number", "give either `number` (value and unit come from it) or `answer` and "
                                       "`unit`, not both")),
    (6, {"unit": None}, ("unit", "required field is missing (or give `number` instead)")),
    (8, {"match": ["putin", "talks"]}, ("match", "'talks' is a event; `match` takes actors or places")),
    (0, {"evidence": {}}, ("evidence", "evidence is empty: give an article fragment or a source id")),
    (0, {"explanation": None}, ("explanation", "required field is missing")),
    (2, {"answer": "no"}, ("answer", "expected boolean, got str 'no'")),
])
def test_problem_messages(index, change, expected):
    data = small_questions()
    for key, value in change.items():
        if value is None:
            data[index].pop(key, None)
        else:
            data[index][key] = value
    problems = problems_of(question_data=data)
    if expected is None:  # text question with neither answers nor accept
        expected = ("answers", "a text question needs `answers`, `accept`, or both")
    assert Problem(QUIZ_FILE, data[index]["id"], *expected) in problems


def test_problem_duplicate_question_id_and_bad_file_name():
    sources, actors, places, events, numbers, misconceptions = _small_content()
    course = model.Course(article=None, sources=sources, actors=actors, places=places, events=events, claims={},
                          numbers=numbers, terms={}, flags={}, misconceptions=misconceptions)
    checker = content._Checker("")
    data = small_questions()
    questions.build({QUIZ_FILE: data, "quizzes/02-contexts.yaml": data}, small_objectives(), course, checker)
    assert Problem("quizzes/02-contexts.yaml", None, None,
                   "a quiz file is named after its lesson, one of: " + ", ".join(
                       f"{lesson}.yaml" for lesson in questions.LESSONS)) in checker.problems


# ---------------------------------------------------------------------------------------------------------------
# Grading: every type, every outcome

def q(course, question_id):
    return course.extra["question"][question_id]


@pytest.mark.parametrize("question_id, answer, outcome, score", [
    ("q_single", "Nikol Pashinian", "correct", 1.0),
    ("q_single", "Vladimir Putin", "wrong", 0.0),
    ("q_single", "Somebody", "wrong", 0.0),
    ("q_single", None, "empty", 0.0),
    ("q_multiple", ["Syunik", "Tavush"], "correct", 1.0),
    ("q_multiple", ["Tavush"], "partial", 0.5),
    ("q_multiple", ["Tavush", "Syunik", "Lori"], "partial", 0.5),
    ("q_multiple", ["Tavush", "Lori"], "wrong", 0.0),
    ("q_multiple", ["Shirak", "Lori"], "wrong", 0.0),
    ("q_multiple", [], "empty", 0.0),
    ("q_truefalse", False, "correct", 1.0),
    ("q_truefalse", "false", "correct", 1.0),
    ("q_truefalse", True, "wrong", 0.0),
    ("q_truefalse", None, "empty", 0.0),
    ("q_text", "  PASHINYAN ", "correct", 1.0),
    ("q_text", "nikol pashinian.", "correct", 1.0),
    ("q_text", "Pashinan", "partial", 0.5),
    ("q_text", "Putin", "wrong", 0.0),
    ("q_text", "   ", "empty", 0.0),
    ("q_text_place", "Vayots-Dzor", "correct", 1.0),
    ("q_text_place", "vayots  dzor!", "correct", 1.0),
    ("q_text_place", "Vayóts Dzór", "correct", 1.0),
    ("q_numeric", "2,000", "correct", 1.0),
    ("q_numeric", 2000, "correct", 1.0),
    ("q_numeric", "about 2000 peacekeepers", "correct", 1.0),
    ("q_numeric", "1960", "partial", 0.5),
    ("q_numeric", "2000 km", "partial", 0.5),
    ("q_numeric", "5000", "wrong", 0.0),
    ("q_numeric", "lots", "wrong", 0.0),
    ("q_numeric", "", "empty", 0.0),
    ("q_numeric_literal", "1 960 troops", "correct", 1.0),
    ("q_numeric_literal", "1960 soldiers", "correct", 1.0),
    ("q_numeric_literal", "2000", "partial", 0.5),
    ("q_numeric_literal", "1000", "wrong", 0.0),
    ("q_ordering", ["war", "talks", "announcement"], "correct", 1.0),
    ("q_ordering", ["war", "announcement", "talks"], "partial", 1 / 3),
    ("q_ordering", ["war", None, None], "partial", 1 / 3),
    ("q_ordering", ["announcement", "war", "talks"], "wrong", 0.0),
    ("q_ordering", [None, None, None], "empty", 0.0),
    ("q_matching", {"putin": "putin", "pashinian": "pashinian"}, "correct", 1.0),
    ("q_matching", {"putin": "Russian president; agreed to the withdrawal",
                    "pashinian": "armenian prime minister, asked for the withdrawal"}, "correct", 1.0),
    ("q_matching", {"putin": "putin", "pashinian": None}, "partial", 0.5),
    ("q_matching", {"putin": "pashinian", "pashinian": "putin"}, "wrong", 0.0),
    ("q_matching", {"putin": None, "pashinian": None}, "empty", 0.0),
])
def test_grading(small, question_id, answer, outcome, score):
    result = grade(q(small, question_id), answer)
    assert (result.outcome, result.score) == (outcome, pytest.approx(score))
    assert result.message


def test_partial_messages_say_what_is_right(small):
    assert grade(q(small, "q_multiple"), ["Tavush", "Lori"]).message == \
        "1 of 2 right options chosen, and 1 option that is not right."
    assert grade(q(small, "q_ordering"), ["war", None, None]).message == \
        "1 of 3 events in the right place; 2 positions are still empty."
    assert grade(q(small, "q_numeric"), "2000 km").message == "The number is right, but the unit is not 'km'."


@pytest.mark.parametrize("text, expected", [
    ("Vayots-Dzor", "vayots dzor"), ("  Vayots   Dzor. ", "vayots dzor"), ("PASHINIAN", "pashinian"),
    ("Gegharkunik\u2019s", "gegharkuniks"), ("Zvartnóts", "zvartnots"), ("Ararat\u2014province", "ararat province"),
])
def test_normalise_text(text, expected):
    assert questions.normalise_text(text) == expected


def test_choices_are_shuffled_the_same_way_every_time(small):
    for question in small.extra["question"].values():
        first, second = questions.choices(question), questions.choices(copy.deepcopy(question))
        assert first == second
    ordering = q(small, "q_ordering")
    assert [c.value for c in questions.choices(ordering)] != list(ordering.key)  # shown order never the answer
    assert sorted(c.value for c in questions.choices(ordering)) == sorted(ordering.events)


ANY_ANSWER = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
    | st.sampled_from(["Tavush", "war", "putin", "2,000", "1e309", "-", ".", "true", "Nikol Pashinian"]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10) | st.sampled_from(
        ["putin", "pashinian"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(answer=ANY_ANSWER)
def test_graders_never_raise(small, answer):
    for question in small.extra["question"].values():
        result = grade(question, answer)
        assert result.outcome in questions.OUTCOMES
        assert 0.0 <= result.score <= 1.0
        assert isinstance(result.message, str) and result.message


@settings(max_examples=100, deadline=None)
@given(text=st.text())
def test_normalise_and_parse_never_raise(text):
    assert isinstance(questions.normalise_text(text), str)
    value, unit = questions.parse_number(text)
    assert value is None or isinstance(value, float)


def test_resolve_lesson():
    assert questions.resolve_lesson("context") == "02-context"
    assert questions.resolve_lesson("02-context") == "02-context"
    assert questions.resolve_lesson("9") == "09-review"
    assert questions.resolve_lesson("start-here") == "00-start-here"
    with pytest.raises(KeyError, match="the quizzes are: start-here, reading-the-article"):
        questions.resolve_lesson("contxt")


# ---------------------------------------------------------------------------------------------------------------
# The real course: loaded through lessons.content, every rule of the issue

@pytest.fixture(scope="module")
def real():
    course = content.load_course()
    if not course.extra.get("question"):
        pytest.skip("no quiz questions written yet")
    return course


def test_real_quizzes_have_enough_questions_of_every_type(real):
    built = real.extra["question"]
    per_lesson = Counter(question.lesson for question in built.values())
    for lesson in questions.LESSONS[1:9]:
        assert per_lesson[lesson] >= 6, lesson
    assert 1 <= per_lesson["00-start-here"] <= 3
    assert per_lesson["09-review"] >= 12
    assert {question.type for question in built.values()} == set(questions.TYPES)


def test_real_questions_have_evidence_explanation_and_objectives(real):
    objectives = real.extra["objective"]
    for question in real.extra["question"].values():
        assert question.explanation.strip() and question.objectives
        assert question.evidence.fragments or question.evidence.sources
        assert all(objective_id in objectives for objective_id in question.objectives)


def test_real_objectives_are_each_assessed_and_three_to_five_per_lesson(real):
    objectives = real.extra["objective"].values()
    per_lesson = Counter(objective.lesson for objective in objectives)
    assert set(per_lesson) == set(questions.LESSONS)
    assert all(3 <= count <= 5 for count in per_lesson.values()), per_lesson
    assessed = {oid for question in real.extra["question"].values() for oid in question.objectives}
    assert {objective.id for objective in objectives} == assessed


def test_real_ordering_and_matching_keys_are_derived(real):
    for question in real.extra["question"].values():
        if question.type == "ordering":
            events = [real.events[event_id] for event_id in question.key]
            assert sorted(question.events) == sorted(question.key)
            assert all(a.date.end < b.date.start for a, b in zip(events, events[1:]))
        if question.type == "matching":
            clues = dict(question.clues)
            for left, role in question.roles:
                assert role == clues.get(left, real.get(left).role)


def test_real_wrong_options_that_are_misconceptions_are_only_options(real):
    """A misconception's belief may be offered as an option, never as the right answer or a true statement."""
    for question in real.extra["question"].values():
        for misconception_id in question.misconceptions:
            belief = questions.normalise_text(real.misconceptions[misconception_id].belief)
            right = [question.answer] if question.type == "single" else list(question.answers)
            assert all(questions.normalise_text(text) != belief for text in right if isinstance(text, str))
            if question.type == "truefalse" and questions.normalise_text(question.prompt) == belief:
                assert question.answer is False


def _copy_of_the_content(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(content.DATA_DIR, data)
    return data


def test_editing_an_event_date_changes_the_ordering_key(real, tmp_path):
    ordering = next(q for q in real.extra["question"].values() if q.type == "ordering")
    first = ordering.key[0]
    data = _copy_of_the_content(tmp_path)
    events_file = data / "events.yaml"
    events = yaml.load(events_file.read_text(encoding="utf-8"), Loader=content._ContentLoader)
    for event in events:
        if event["id"] == first:  # move the earliest event to after every other one, with no overlap
            event["date"] = {"precision": "day", "value": "2030-01-01"}
    events_file.write_text(yaml.safe_dump(events, allow_unicode=True, sort_keys=False), encoding="utf-8")
    edited = content.load_course(data_dir=data).extra["question"][ordering.id]
    assert edited.key == ordering.key[1:] + (first,)


def test_loader_reports_question_problems_with_file_item_and_field(real, tmp_path):
    data = _copy_of_the_content(tmp_path)
    quiz_file = sorted((data / "quizzes").glob("05-*.yaml"))[0]
    raw = yaml.load(quiz_file.read_text(encoding="utf-8"), Loader=content._ContentLoader)
    ordering = next(entry for entry in raw if entry["type"] == "ordering")
    ordering["events"] = [*ordering["events"], "no_such_event"]
    quiz_file.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    objectives_file = data / "objectives.yaml"
    objectives = yaml.load(objectives_file.read_text(encoding="utf-8"), Loader=content._ContentLoader)
    objectives.append({"id": "obj_never_assessed", "lesson": "05-timeline", "text": "An objective no question tests"})
    objectives_file.write_text(yaml.safe_dump(objectives, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        content.load_course(data_dir=data)
    problems = caught.value.problems
    assert Problem(f"quizzes/{quiz_file.name}", ordering["id"], "events",
                   "unknown event id 'no_such_event'") in problems
    assert Problem("objectives.yaml", "obj_never_assessed", "id",
                   "no question assesses this objective; name it in a question's `objectives`") in problems
