"""Every exercise check accepts right answers in fair variants, rejects realistic wrong ones, and knows a stub."""
from __future__ import annotations

import datetime as dt
import re

import numpy
import pytest
from drawing import figure as _figure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons import checks
from lessons.checks import CORRECT, ERROR, MIME_TYPE, NOT_ATTEMPTED, OUTCOMES, WRONG, REGISTRY, CheckResult, check
from lessons.content import load_course

COURSE = load_course()
KEYS = {name: checks.answer_key(name, COURSE) for name in REGISTRY}


def _names(ids, table):
    return [table[i].name for i in ids]


def _surname(actor_id):
    return COURSE.actors[actor_id].name.split()[-1]


# ----------------------------------------------------------------------------------------------------
# Answers, built from the content (never retyped): for each check, correct variants and wrong answers.

def _resolve_right(wording, published, future=False):
    return checks.resolve_reference(wording, published, future)[0]


def _resolve_iso(wording, published, future=False):
    return _resolve_right(wording, published, future).isoformat()


def _resolve_datetime(wording, published, future=False):
    day = _resolve_right(wording, published, future)
    return dt.datetime(day.year, day.month, day.day, 12, 0)


def _resolve_fixed_year(wording, published, future=False):
    day = _resolve_right(wording, COURSE.article.published, future)  # ignores the publication date given
    return day


def _resolve_ignores_future(wording, published, future=False):
    return _resolve_right(wording, published, False)


def _resolve_strictly_before(wording, published, future=False):
    day = _resolve_right(wording, published, future)
    return day.replace(year=day.year - 1) if not future and day == published else day


def _resolve_stub(wording, published, future=False):
    return None


def _resolve_not_implemented(wording, published, future=False):
    raise NotImplementedError


def _table_rows(events, date=lambda e: e.date.start, themes=list, keys=("date", "title", "themes", "actors")):
    rows = [{"date": date(e), "title": e.title, "themes": themes(e.themes), "actors": list(e.actors)} for e in events]
    return [{k: row[k.lower()] for k in keys} for row in rows]




ARTICLE_EVENTS = [COURSE.events[i] for i in KEYS["timeline_plot"]]
ALL_EVENTS = COURSE.events_in_order()


def _timeline(events=ARTICLE_EVENTS, labels=True, title=True, order=lambda e: e, how="plot", x=lambda e: e.date.start):
    events = order(list(events))

    def draw(fig, ax):
        xs, ys = [x(e) for e in events], list(range(len(events)))
        if how == "plot":
            ax.plot(xs, ys, "o")
            if labels:
                ax.set_yticks(ys, [e.title for e in events])
        elif how == "scatter":
            ax.scatter(xs, ys)
            for e, xv, yv in zip(events, xs, ys):
                if labels:
                    ax.annotate(e.title, (xv, yv))
        else:  # the matplotlib gallery's style: stems, markers on a baseline, annotations
            ax.vlines(xs, 0, [1 + i % 3 for i in ys])
            ax.plot(xs, [0] * len(xs), "-o")
            for e, xv in zip(events, xs):
                if labels:
                    ax.annotate(e.title[:14] + "\u2026", (xv, 0))
        if title:
            ax.set_title("timeline")
    return _figure(draw)


def _bars(counts, horizontal=False, label_axis=True, tick_labels=True):
    def draw(fig, ax):
        names, values = list(counts), list(counts.values())
        positions = names if tick_labels else list(range(len(names)))
        (ax.barh if horizontal else ax.bar)(positions, values)
        if label_axis:
            (ax.set_xlabel if horizontal else ax.set_ylabel)("mentions")
    return _figure(draw)


def _cases():
    k = KEYS
    provinces = _names(k["provinces"], COURSE.places)
    borders = _names(k["staying_borders"], COURSE.places)
    members = _names(k["csto_members"], COURSE.actors)
    listed = _names(k["csto_listed"], COURSE.actors)
    left_out = _names(k["csto_left_out"], COURSE.actors)
    quotes = k["quotes"]
    text = COURSE.article.text
    straight = [q for q in quotes if f'"{q}"' in text]
    speakers = k["speakers"]
    days, months = k["days_to_deadline"], k["months_to_agreement"]
    rows = _table_rows(ALL_EVENTS)
    filtered = [COURSE.events[i] for i in k["filtered_events"]]
    from lessons.checks import FILTER_ACTOR, FILTER_THEME
    theme_only = [e.title for e in ALL_EVENTS if FILTER_THEME in e.themes]
    actor_only = [e.title for e in ALL_EVENTS if FILTER_ACTOR in e.actors]
    either = [e.title for e in ALL_EVENTS if FILTER_THEME in e.themes or FILTER_ACTOR in e.actors]
    counts = k["mention_counts"]
    by_surname = {_surname(i): n for i, n in counts.items()}
    split_counts = {_surname(i): text.split().count(_surname(i)) for i in counts}
    body = text.split("\n\n", 2)[-1]
    body_counts = {_surname(i): len(re.findall(rf"\b{_surname(i)}\b", body)) for i in counts}
    speakers_c, stances_c = k["claim_speakers"], k["claim_stances"]
    before = k["sources_before"]
    wrong_event = k["wrong_date"][0]
    disputed = [e for e in checks.disputed_events(COURSE) if e.id != wrong_event]
    passage_start = {p: p[:20] for p in speakers}
    people = [a for a in checks.article_people(COURSE)]
    first_person = {p: next(a.name for a in people if a.name.split()[-1] in p and a.id != s) if any(
        a.name.split()[-1] in p and a.id != s for a in people) else "Putin" for p, s in speakers.items()}
    body_speaker = next(p for p, s in speakers.items() if COURSE.actors[s].type != "person")
    person_near_body = next(a.name for a in people if a.name.split()[-1] in COURSE.actors[speakers[body_speaker]].name)

    return {
        "provinces": dict(
            right=[provinces, tuple(reversed(provinces)), {p.upper() for p in provinces},
                   [f"  {p.lower()}. " for p in provinces], k["provinces"]],
            wrong=[provinces[:-1] + ["and " + provinces[-1]], provinces[:-1], ", ".join(provinces),
                   provinces + provinces[:1]]),
        "staying_borders": dict(
            right=[borders, [b.replace(" border", "") for b in borders], {b.lower() for b in borders}],
            wrong=[provinces[:2], borders[:1], [" and ".join(b.replace(" border", "") for b in borders)]]),
        "csto_members": dict(
            right=[set(members), k["csto_members"], tuple(m.upper() for m in members)],
            wrong=[set(listed), set(members) | {COURSE.actors["azerbaijan"].name}, set(members[1:])]),
        "csto_listed": dict(
            right=[set(listed), sorted(listed, reverse=True), {m.lower() for m in listed}],
            wrong=[set(members), listed[:-1] + ["and " + listed[-1]]]),
        "csto_left_out": dict(
            right=[set(left_out), k["csto_left_out"], [m.lower() for m in left_out]],
            wrong=[set(), set(listed), set(members), left_out[:1]]),
        "quotes": dict(
            right=[quotes, tuple(reversed(quotes)), [q.strip(".,") for q in quotes], [f'"{q}"' for q in quotes]],
            wrong=[straight, [text[text.index('"'):text.rindex('"')]], [quotes[0][:40]] + quotes[1:]]),
        "speakers": dict(
            right=[{passage_start[p]: COURSE.actors[s].name for p, s in speakers.items()},
                   {p: COURSE.actors[s].aliases[0] if COURSE.actors[s].aliases else COURSE.actors[s].name
                    for p, s in speakers.items()},
                   [(p[:15].upper(), s) for p, s in speakers.items()],
                   {passage_start[p]: ("Pashinyan" if s == "pashinian" else COURSE.actors[s].name)
                    for p, s in speakers.items()}],
            wrong=[{passage_start[p]: first_person[p] for p in speakers},
                   {passage_start[p]: (person_near_body if p == body_speaker else COURSE.actors[s].name)
                    for p, s in speakers.items()},
                   {passage_start[p]: COURSE.actors[s].name for p, s in list(speakers.items())[1:]},
                   {passage_start[p]: None for p in speakers} | {passage_start[quotes[0]]: "the author"}]),
        "days_to_deadline": dict(
            right=[days, dt.timedelta(days=days), float(days)],
            wrong=[days + 1, days - 1, -days, str(days)]),
        "months_to_agreement": dict(
            right=[months, float(months), numpy.int64(months)],
            wrong=[months - 1, months + 1, (COURSE.events[checks.TALKS].date.start
                                            - COURSE.events[checks.OFFENSIVE].date.start).days]),
        "resolve": dict(
            right=[_resolve_right, _resolve_iso, _resolve_datetime],
            wrong=[_resolve_fixed_year, _resolve_ignores_future, _resolve_strictly_before, "resolve"],
            stubs=[_resolve_stub, _resolve_not_implemented]),
        "events_table": dict(
            right=[rows, _table_rows(ALL_EVENTS, themes=tuple), _table_rows(ALL_EVENTS, date=lambda e: e.date.start.isoformat()),
                   _table_rows(ALL_EVENTS, keys=("Date", "Title", "Themes", "Actors"))],
            wrong=[_table_rows([e for e in ALL_EVENTS if not e.background]), list(reversed(rows)),
                   [{key: v for key, v in row.items() if key != "actors"} for row in rows],
                   _table_rows(ALL_EVENTS, date=lambda e: e.date.end)]),
        "filtered_events": dict(
            right=[[e.title for e in filtered], [e.id for e in reversed(filtered)],
                   [r for r in rows if r["title"] in {e.title for e in filtered}]],
            wrong=[theme_only, actor_only, either]),
        "mention_counts": dict(
            right=[by_surname, {COURSE.actors[i].name: n for i, n in counts.items()},
                   {("Pashinyan" if i == "pashinian" else i): n for i, n in counts.items()}],
            wrong=[split_counts, body_counts, dict(list(by_surname.items())[1:]),
                   {name: str(n) for name, n in by_surname.items()}]),
        "timeline_plot": dict(
            right=[_timeline(), _timeline(how="scatter"), _timeline(how="stem").axes[0],
                   _timeline(x=lambda e: dt.datetime(e.date.start.year, e.date.start.month, e.date.start.day)),
                   _timeline(order=lambda es: list(reversed(es)))],  # drawn newest first: the same dates
            wrong=[_timeline(events=ALL_EVENTS),
                   _timeline(labels=False), _timeline(title=False),
                   _timeline(x=lambda e: e.date.start.year + e.date.start.timetuple().tm_yday / 366),
                   _timeline(events=ARTICLE_EVENTS[1:])],
            stubs=[None, _figure(lambda fig, ax: None), _figure(lambda fig, ax: fig.clear())]),
        "mentions_bar": dict(
            right=[_bars(by_surname), _bars(by_surname, horizontal=True),
                   _bars({COURSE.actors[i].name: n for i, n in counts.items()})],
            wrong=[_bars(split_counts), _bars(by_surname, label_axis=False), _bars(by_surname, tick_labels=False),
                   _bars(dict(list(by_surname.items())[1:])), "bar chart"],
            stubs=[None, _figure(lambda fig, ax: None)]),
        "claim_speakers": dict(
            right=[{c: COURSE.actors[s].name for c, s in speakers_c.items()}, dict(speakers_c),
                   {c: (COURSE.actors[s].aliases or (COURSE.actors[s].name,))[-1].upper() for c, s in speakers_c.items()}],
            wrong=[{c: "RFE/RL" for c in speakers_c},
                   {c: ("Pashinian" if s == "rferl" else COURSE.actors[s].name) for c, s in speakers_c.items()},
                   {c: COURSE.actors[s].name for c, s in list(speakers_c.items())[1:]} | {list(speakers_c)[0]: None},
                   {c: "the author" for c in speakers_c}],
            stubs=[None, {c: None for c in speakers_c}]),
        "claim_stances": dict(
            right=[dict(stances_c), {c: s.replace("_", " ") for c, s in stances_c.items()},
                   {c: s.upper() for c, s in stances_c.items()}],
            wrong=[{c: "statement" for c in stances_c},
                   {c: {"accusation": "rejection", "rejection": "accusation"}.get(s, s) for c, s in stances_c.items()},
                   {c: "opinion" for c in stances_c}],
            stubs=[None, {c: None for c in stances_c}]),
        "sources_before": dict(
            right=[dict(before), {e: float(n) for e, n in before.items()}, list(before.items())],
            wrong=[{e: (3 if n else 0) for e, n in before.items()},
                   {e.id: len(e.date.discrepancy.sources) for e in checks.disputed_events(COURSE)},
                   {e: n for e, n in before.items() if e != wrong_event}]),
        "wrong_date": dict(
            right=[wrong_event, COURSE.events[wrong_event].title, [wrong_event], wrong_event.upper()],
            wrong=[disputed[0].id, disputed[1].id, checks.TALKS, 5, "March"]),
    }


CASES = _cases()


def _flat(kind):
    for name, spec in CASES.items():
        answers = spec.get(kind, [None] if kind == "stubs" else [])
        for index, answer in enumerate(answers):
            yield pytest.param(name, answer, id=f"{name}-{kind}{index}")


def test_every_check_has_enough_cases():
    assert set(CASES) == set(REGISTRY), "every registered check needs a row of cases here"
    for name, spec in CASES.items():
        assert len(spec["right"]) >= 3, f"{name}: the solution and at least two variants"
        assert len(spec["wrong"]) >= 2, f"{name}: at least two realistic wrong answers"


def test_every_exercise_has_checks_and_every_check_an_exercise():
    assert all(checks.checks_for(e) for e in checks.EXERCISES)
    assert all(REGISTRY[name].exercise in checks.EXERCISES for name in REGISTRY)
    assert len(checks.EXERCISES) >= 6


@pytest.mark.parametrize("name, answer", list(_flat("right")))
def test_accepts_right_answers(name, answer):
    result = check(name, answer)
    assert result.outcome == CORRECT, result.message
    assert result.points == result.max_points == REGISTRY[name].points


@pytest.mark.parametrize("name, answer", list(_flat("wrong")))
def test_rejects_wrong_answers_with_a_hint(name, answer):
    result = check(name, answer)
    assert result.outcome == WRONG, f"accepted a wrong answer: {result.message}"
    assert result.points == 0
    assert result.message and "Traceback" not in result.message


@pytest.mark.parametrize("name, answer", list(_flat("stubs")))
def test_untouched_stub_is_not_attempted(name, answer):
    result = check(name, answer)
    assert result.outcome == NOT_ATTEMPTED, result.message
    assert result.points == 0


def test_hints_do_not_give_the_answer_away():
    for name in ("days_to_deadline", "months_to_agreement"):
        for answer in CASES[name]["wrong"]:
            assert str(KEYS[name]) not in check(name, answer).message.replace(str(answer), "")
    provinces = _names(KEYS["provinces"], COURSE.places)
    for answer in CASES["provinces"]["wrong"]:
        message = check("provinces", answer).message
        assert not all(p in message for p in provinces)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(REGISTRY)),
       answer=st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=30), st.booleans(),
                        st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=4),
                        st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(max_size=8)),
                                        max_size=4),
                        st.sets(st.integers(), max_size=3), st.dates(), st.tuples(st.integers(), st.text())))
def test_any_answer_gets_a_sentence_not_a_traceback(name, answer):
    result = check(name, answer)  # random values are almost always wrong; a lucky 8 may be right
    assert result.outcome in (CORRECT, WRONG, NOT_ATTEMPTED)
    assert result.message.strip()


def test_unknown_check_name_suggests_the_nearest():
    result = check("provnces", ["x"])
    assert result.outcome == ERROR and "'provinces'" in result.message


def test_result_shows_symbol_words_and_a_machine_readable_record():
    result = check("days_to_deadline", KEYS["days_to_deadline"] + 1)
    bundle = result.mimebundle()
    assert "\u2718 Not yet" in bundle["text/plain"] and "\u2718 Not yet" in bundle["text/html"]
    assert bundle[MIME_TYPE] == {"exercise": "04-counting-days", "check": "days_to_deadline", "outcome": WRONG,
                                 "points": 0, "max_points": 1, "message": result.message}
    shown = {outcome: CheckResult("e", "c", outcome, 0, 1, "m").mimebundle()["text/plain"] for outcome in OUTCOMES}
    assert "\u2714 Correct" in shown[CORRECT] and "\u2026 Not attempted" in shown[NOT_ATTEMPTED]


def test_html_is_escaped():
    html = CheckResult("e", "<c>", WRONG, 0, 1, '<script>alert("x")</script>').mimebundle()["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;c&gt;" in html


def test_displayed_once_even_as_the_cells_last_expression(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.append((objs, kw)))
    result = CheckResult("e", "c", CORRECT, 1, 1, "m")
    result._ipython_display_()
    result._ipython_display_()  # what IPython does when the result is also the cell's value
    assert len(shown) == 1 and shown[0][1] == {"raw": True} and MIME_TYPE in shown[0][0][0]


def test_check_returns_the_result_outside_ipython():
    result = check("provinces", _names(KEYS["provinces"], COURSE.places))
    assert isinstance(result, CheckResult) and result.passed and str(result).startswith("\u2714 Correct")


def test_keys_come_from_the_content():
    # The provinces are exactly the places of type province named in the article's list fragment.
    fragment = next(f for f in COURSE.places[KEYS["provinces"][0]].evidence.fragments
                    if all(COURSE.places[i].name in f for i in KEYS["provinces"]))
    assert fragment in COURSE.article.text
    assert all(COURSE.places[i].type == "province" and not COURSE.places[i].background for i in KEYS["provinces"])
    # CSTO members are the actors whose member_of names the CSTO; the left-out ones are not in the list.
    assert set(KEYS["csto_left_out"]) == set(KEYS["csto_members"]) - set(KEYS["csto_listed"])
    # Day and month counts come from the events' resolved dates.
    talks, deadline = COURSE.events[checks.TALKS].date.start, COURSE.events[checks.AIRPORT_DEADLINE].date.start
    assert KEYS["days_to_deadline"] == (deadline - talks).days
    # Every quoted passage is verbatim in the article.
    assert all(q in COURSE.article.text for q in KEYS["quotes"])


def test_resolve_cases_include_a_deadline_and_other_publication_dates():
    cases = KEYS["resolve"]
    assert any(future for _, _, future, _ in cases)
    assert len({published for _, published, _, _ in cases}) == 3


def test_every_registered_check_has_exactly_one_judge():
    from lessons.checks.judges import JUDGES

    assert set(JUDGES) == set(REGISTRY), "a check without a judge, or a judge without a registry entry"
