"""Property-based tests over answer forms, for every check: generated fair variants of the key are accepted,
generated near-misses rejected, and arbitrary objects never raise."""
from __future__ import annotations

import datetime as dt
import textwrap

import numpy
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lessons import checks
from lessons.checks import CORRECT, NOT_ATTEMPTED, OUTCOMES, WRONG, check
from lessons.content import load_course
from lessons.names import fold, fold_text, names_of

COURSE = load_course()
NAMES = names_of(COURSE)
KEY = {name: checks.answer_key(name, COURSE) for name in checks.REGISTRY}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
FIGURES = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
PLACE_WORDS = {"province", "region", "marz"}


def _own_forms(item_id, among):
    """Forms the content gives an item that find it among `among` (so not 'Yerevan' for Armenia)."""
    return [form for form in NAMES.forms(item_id) if NAMES.find(form, among) == item_id]


def _accepted(name, answer):
    result = check(name, answer)
    assert result.outcome == CORRECT, f"rejected a fair answer {answer!r}: {result.message}"


def _rejected(name, answer):
    result = check(name, answer)
    assert result.outcome == WRONG, f"accepted a near-miss {answer!r}: {result.message}"
    assert result.message.strip()


@st.composite
def typed(draw, text):
    """`text` as a learner might type it: case, spacing, hyphen or space, curly or straight apostrophes."""
    words = text.split(" ")
    out = words[0]
    for word in words[1:]:
        out += draw(st.sampled_from([" ", "  "])) + word
    if "-" in out and draw(st.booleans()):
        out = out.replace("-", draw(st.sampled_from([" ", "\u2010", "-"])))
    out = out.replace("'", draw(st.sampled_from(["'", "\u2019"])))
    case = draw(st.sampled_from([str, str.lower, str.upper, str.title]))
    return draw(st.sampled_from(["", " "])) + case(out) + draw(st.sampled_from(["", " ", "."]))


@st.composite
def container(draw, items):
    """The same entries in any order, as a list, tuple, set or generator."""
    items = draw(st.permutations(items))
    kind = draw(st.sampled_from(["list", "tuple", "set", "generator"]))
    if kind == "set":
        return set(items) if len({fold(i) for i in items}) == len(items) else list(items)
    return {"list": list, "tuple": tuple, "generator": lambda xs: (x for x in xs)}[kind](items)


@st.composite
def names_for(draw, ids, among, place_words=False):
    forms = []
    for item_id in ids:
        form = draw(st.sampled_from(_own_forms(item_id, among)))
        if place_words and not PLACE_WORDS & set(fold(form).split()) and draw(st.booleans()):
            form = f"{form} {draw(st.sampled_from(sorted(PLACE_WORDS)))}"
        forms.append(draw(typed(form)))
    return forms


PROVINCES = [p.id for p in COURSE.places.values() if p.type == "province"]
BORDERS = [p.id for p in COURSE.places.values() if p.type in ("border", "province")]
STATES = [a.id for a in COURSE.actors.values() if a.type == "state"]
ACTORS = list(COURSE.actors)
EVENTS = list(COURSE.events)
PEOPLE = [a.id for a in checks.article_people(COURSE)]
NAME_CHECKS = {  # check -> (the items it looks among, whether province words count)
    "provinces": (PROVINCES, True), "staying_borders": (BORDERS, False), "csto_members": (STATES, False),
    "csto_listed": (STATES, False), "csto_left_out": (STATES, False), "filtered_events": (EVENTS, False),
}


@pytest.mark.parametrize("name", sorted(NAME_CHECKS))
@SETTINGS
@given(data=st.data())
def test_name_lists_fair_variants_are_accepted(name, data):
    among, place_words = NAME_CHECKS[name]
    forms = data.draw(names_for(KEY[name], among, place_words))
    _accepted(name, data.draw(container(forms)))


@pytest.mark.parametrize("name", sorted(NAME_CHECKS))
@SETTINGS
@given(data=st.data())
def test_name_lists_near_misses_are_rejected(name, data):
    among, _ = NAME_CHECKS[name]
    forms = data.draw(names_for(KEY[name], among))
    miss = data.draw(st.sampled_from(["drop", "extra", "twice", "and", "capital"]))
    if miss == "drop":
        forms.pop(data.draw(st.integers(0, len(forms) - 1)))
        assume(forms or name != "csto_left_out")
    elif miss == "extra":
        others = [i for i in among if i not in KEY[name]]
        assume(others)
        forms.append(data.draw(st.sampled_from(_own_forms(data.draw(st.sampled_from(others)), among))))
    elif miss == "twice":
        forms.append(forms[0])
    elif miss == "and":
        forms[-1] = "and " + forms[-1]
    else:
        capitals = {"armenia": "Yerevan", "russia": "Moscow"}
        assume(any(i in capitals for i in KEY[name]))
        forms = [capitals.get(i, f) for i, f in zip(KEY[name], forms)]
    _rejected(name, forms)


@SETTINGS
@given(data=st.data())
def test_quotes_fair_variants_and_near_misses(data):
    quotes = [data.draw(st.sampled_from([q, q.strip(".,"), f'"{q}"', f"\u201c{q}\u201d"])) for q in KEY["quotes"]]
    _accepted("quotes", data.draw(container(quotes)))
    index = data.draw(st.integers(0, len(quotes) - 1))
    broken = list(quotes)
    miss = data.draw(st.sampled_from(["part", "drop", "twice"]))
    if miss == "part":
        broken[index] = KEY["quotes"][index][: len(KEY["quotes"][index]) // 2]
    elif miss == "drop":
        broken.pop(index)
    else:
        broken.append(broken[index])
    _rejected("quotes", broken)


@st.composite
def speaker_answer(draw, key, among, keys=lambda passage, draw: passage):
    return {keys(p, draw): draw(typed(draw(st.sampled_from(_own_forms(s, among))))) for p, s in key.items()}


def _quote_start(passage, draw):
    return draw(typed(passage[: draw(st.integers(min(12, len(passage)), len(passage)))].strip()))


def _unrelated(first, second):
    a, b = COURSE.actors[first], COURSE.actors[second]
    return first != second and first not in b.part_of and second not in a.part_of


@SETTINGS
@given(data=st.data())
def test_speakers_fair_variants_and_near_misses(data):
    key = KEY["speakers"]
    answer = data.draw(speaker_answer(key, ACTORS, _quote_start))
    _accepted("speakers", data.draw(st.sampled_from([answer, list(answer.items())])))
    passage = data.draw(st.sampled_from(list(key)))
    wrong_speaker = data.draw(st.sampled_from([a for a in ACTORS if _unrelated(a, key[passage])]))
    wrong = {p: (COURSE.actors[wrong_speaker].name if p == passage else v) for p, v in
             zip(key, answer.values())}
    wrong = {k: v for k, v in zip(answer, wrong.values())}
    _rejected("speakers", wrong)
    short = {(k[:6] if p == passage else k): v for (k, v), p in zip(answer.items(), key)}
    _rejected("speakers", short)


@SETTINGS
@given(data=st.data())
def test_claim_speakers_and_stances_fair_variants_and_near_misses(data):
    key = KEY["claim_speakers"]
    answer = {c: data.draw(typed(data.draw(st.sampled_from(_own_forms(s, ACTORS))))) for c, s in key.items()}
    _accepted("claim_speakers", answer)
    claim = data.draw(st.sampled_from(list(key)))
    other = data.draw(st.sampled_from([a for a in ACTORS if _unrelated(a, key[claim])]))
    _rejected("claim_speakers", answer | {claim: COURSE.actors[other].name})
    stances = KEY["claim_stances"]
    fair = {c: data.draw(st.sampled_from([s, s.replace("_", " "), s.upper(), f" {s.title()} "])) for c, s in
            stances.items()}
    _accepted("claim_stances", fair)
    claim = data.draw(st.sampled_from(list(stances)))
    other = data.draw(st.sampled_from(sorted({"reported fact", "statement", "accusation", "rejection", "interpretation"} - {stances[claim].replace("_", " ")})))
    _rejected("claim_stances", fair | {claim: other})


def _number_forms(value):
    return st.sampled_from([value, float(value), numpy.int64(value), numpy.float64(value)])


@SETTINGS
@given(data=st.data())
def test_numbers_fair_variants_and_near_misses(data):
    days, months = KEY["days_to_deadline"], KEY["months_to_agreement"]
    _accepted("days_to_deadline", data.draw(st.one_of(_number_forms(days), st.just(dt.timedelta(days=days)))))
    _accepted("months_to_agreement", data.draw(_number_forms(months)))
    off = data.draw(st.integers(-40, 40).filter(bool))
    _rejected("days_to_deadline", data.draw(_number_forms(days + off)))
    _rejected("months_to_agreement", data.draw(_number_forms(months + off)))
    _rejected("days_to_deadline", str(days))


@SETTINGS
@given(data=st.data())
def test_counts_fair_variants_and_near_misses(data):
    counts = KEY["mention_counts"]
    answer = {data.draw(typed(data.draw(st.sampled_from(_own_forms(p, PEOPLE))))): data.draw(_number_forms(n))
              for p, n in counts.items()}
    assume(len({fold(k) for k in answer}) == len(answer))
    _accepted("mention_counts", data.draw(st.sampled_from([answer, list(answer.items())])))
    person = data.draw(st.sampled_from(list(counts)))
    wrong = dict(zip(answer, (n + (data.draw(st.integers(1, 5)) if p == person else 0)
                              for p, n in counts.items())))
    _rejected("mention_counts", wrong)
    second = data.draw(st.sampled_from(_own_forms(person, PEOPLE)))
    _rejected("mention_counts", list(zip(answer, counts.values())) + [(second, counts[person])])
    before = KEY["sources_before"]
    fair = {e: data.draw(_number_forms(n)) for e, n in before.items()}
    _accepted("sources_before", data.draw(st.sampled_from([fair, list(fair.items())])))
    event = data.draw(st.sampled_from(list(before)))
    _rejected("sources_before", fair | {event: before[event] + data.draw(st.integers(1, 3))})


def _resolver(shift_day=None, shift_year=0, form=lambda d: d):
    def resolve(wording, published, future=False):
        start, end = checks.resolve_reference(wording, published, future)
        day = start.replace(year=start.year + shift_year)
        if shift_day and start != end:
            day = day.replace(day=shift_day)
        return form(day)
    return resolve


@SETTINGS
@given(data=st.data())
def test_resolve_fair_variants_and_near_misses(data):
    form = data.draw(st.sampled_from([lambda d: d, lambda d: d.isoformat(),
                                      lambda d: dt.datetime(d.year, d.month, d.day, 9, 30)]))
    _accepted("resolve", _resolver(form=form))
    _rejected("resolve", _resolver(shift_day=data.draw(st.integers(2, 28)), form=form))
    _rejected("resolve", _resolver(shift_year=data.draw(st.sampled_from([-2, -1, 1])), form=form))


ROWS = checks.events_table_rows(COURSE)


@SETTINGS
@given(data=st.data())
def test_events_table_fair_variants_and_near_misses(data):
    date_form = data.draw(st.sampled_from([lambda d: d, lambda d: d.isoformat(),
                                           lambda d: dt.datetime(d.year, d.month, d.day)]))
    seq = data.draw(st.sampled_from([list, tuple, set]))
    key_case = data.draw(st.sampled_from([str, str.title, str.upper]))
    rows = [{key_case(k): (date_form(v) if k == "date" else seq(v) if k in ("themes", "actors") else v)
             for k, v in row.items()} for row in ROWS]
    _accepted("events_table", rows)
    index = data.draw(st.integers(0, len(rows) - 1))
    miss = data.draw(st.sampled_from(["drop", "reorder", "date"]))
    broken = list(rows)
    if miss == "drop":
        broken.pop(index)
    elif miss == "reorder":
        assume(ROWS[index]["date"] != ROWS[-1]["date"])
        broken[index], broken[-1] = broken[-1], broken[index]
    else:
        date_key = key_case("date")
        broken[index] = dict(broken[index], **{date_key: date_form(ROWS[index]["date"] + dt.timedelta(days=40))})
    _rejected("events_table", broken)


def _draw_timeline(events, order, how, wrap):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    placed = [events[i] for i in order]
    xs, ys = [e.date.start for e in placed], [order.index(i) for i in order]
    label = (lambda e: textwrap.fill(e.title, wrap)) if wrap else (lambda e: e.title)
    if how == "scatter":
        ax.scatter(xs, ys)
        for e, x, y in zip(placed, xs, ys):
            ax.annotate(label(e), (x, y))
    else:
        ax.plot(xs, ys, "o")
        ax.set_yticks(ys, [label(e) for e in placed])
    ax.set_title("Events")
    plt.close(fig)
    return fig, ax


ARTICLE_EVENTS = [COURSE.events[i] for i in KEY["timeline_plot"]]


@FIGURES
@given(order=st.permutations(range(len(ARTICLE_EVENTS))), how=st.sampled_from(["scatter", "ticks"]),
       wrap=st.one_of(st.none(), st.integers(8, 30)))
def test_timeline_any_draw_order_and_wrapping_is_fair(order, how, wrap):
    fig, _ = _draw_timeline(ARTICLE_EVENTS, list(order), how, wrap)
    _accepted("timeline_plot", fig)


@FIGURES
@given(order=st.permutations(range(len(ARTICLE_EVENTS))), drop=st.integers(0, len(ARTICLE_EVENTS) - 1))
def test_timeline_near_misses(order, drop):
    events = [e for i, e in enumerate(ARTICLE_EVENTS) if i != drop]
    fig, _ = _draw_timeline(events, list(range(len(events))), "scatter", None)
    _rejected("timeline_plot", fig)  # one event missing
    fig, ax = _draw_timeline(ARTICLE_EVENTS, list(order), "scatter", None)
    for text in list(ax.texts)[:1]:
        text.remove()
    _rejected("timeline_plot", fig)  # one point without a label


@FIGURES
@given(data=st.data())
def test_mentions_bar_fair_variants_and_near_misses(data):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = KEY["mention_counts"]
    people = data.draw(st.permutations(list(counts)))
    labels = [data.draw(st.sampled_from(_own_forms(p, PEOPLE))) for p in people]
    horizontal = data.draw(st.booleans())
    off = data.draw(st.sampled_from([None, *people]))

    fig, ax = plt.subplots()
    heights = [counts[p] + (1 if p == off else 0) for p in people]
    (ax.barh if horizontal else ax.bar)(labels, heights)
    (ax.set_xlabel if horizontal else ax.set_ylabel)("mentions")
    plt.close(fig)
    (_accepted if off is None else _rejected)("mentions_bar", fig)


@SETTINGS
@given(data=st.data())
def test_wrong_date_fair_variants_and_near_misses(data):
    event = COURSE.events[KEY["wrong_date"][0]]
    form = data.draw(st.sampled_from([event.id, event.title, event.id.upper()]))
    _accepted("wrong_date", data.draw(st.sampled_from([form, [form], (form,)])))
    other = data.draw(st.sampled_from([e for e in EVENTS if e not in KEY["wrong_date"]]))
    _rejected("wrong_date", data.draw(st.sampled_from([other, COURSE.events[other].title])))


class Hostile:
    """An answer whose every dunder misbehaves (its repr is a megabyte long)."""

    def __repr__(self):
        return "H" * 1_000_000

    def __iter__(self):
        raise ValueError("no iteration")

    def __eq__(self, other):
        raise RuntimeError("no comparison")

    __hash__ = None

    def __len__(self):
        raise RuntimeError("no len")


ANYTHING = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50),
              st.binary(max_size=20), st.dates(), st.datetimes(), st.timedeltas(), st.just(Ellipsis),
              st.builds(Hostile), st.just(float("inf")), st.integers(0, 3).map(lambda n: 10 ** (5000 + n)),
              st.builds(object)),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner), st.frozensets(st.text(max_size=5)),
                            st.dictionaries(st.text(max_size=10), inner, max_size=5),
                            st.lists(inner, max_size=5).map(iter)),
    max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.sampled_from(sorted(checks.REGISTRY)), answer=ANYTHING)
def test_arbitrary_objects_never_raise(name, answer):
    result = check(name, answer)
    assert result.outcome in OUTCOMES
    assert result.message.strip() and len(result.message) < 800
    assert "Traceback" not in result.message


class NoRepr(Hostile):
    def __repr__(self):
        raise RuntimeError("no repr")


@pytest.mark.parametrize("name", sorted(checks.REGISTRY))
def test_an_answer_that_cannot_be_shown_still_gets_a_sentence(name):
    for answer in (NoRepr(), [NoRepr()], {"a": NoRepr()}, {NoRepr.__name__: [NoRepr()]}):
        result = check(name, answer)
        assert result.outcome in (WRONG, NOT_ATTEMPTED) and result.message.strip()
