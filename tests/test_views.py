"""The content views: every item renders with its evidence, HTML is escaped, and lookups fail loudly."""
from __future__ import annotations

import datetime as dt
import re
from html import escape, unescape
from types import SimpleNamespace

import pytest

from lessons import model, views

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture(scope="module")
def seed_text(repo) -> str:
    return (repo / "seeds" / "000_b867ea8f7cc554b5.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_course(seed_text):
    """A small hand-built course whose free text is full of markup that must come out escaped."""
    evidence = model.Evidence(fragments=("Russian President Vladimir Putin",), sources=("S1",))
    article = model.Article(
        text=seed_text, headline=seed_text.splitlines()[0], photo_caption=seed_text.splitlines()[2],
        outlet=f"Outlet {HOSTILE}", url="https://example.org/a?b=1&c=2", published=dt.date(2024, 5, 9),
        published_inferred=True, published_confidence="medium", published_reasoning=f"Because {HOSTILE}",
        spelling=HOSTILE, outlet_actor="rferl")
    source = model.Source(id="S1", title=f"Title {HOSTILE}", outlet="RFE/RL", url="https://example.org/?x=1&y=2")
    actor = model.Actor(id="putin", name=f"Putin {HOSTILE}", type="person", role=f"Role {HOSTILE}",
                        evidence=evidence)
    misconception = model.Misconception(
        id="t_demo", facts_id="T1", belief=f"Belief {HOSTILE}", correction=f"Correction {HOSTILE}",
        evidence=evidence)
    opinion = model.Actor(id="opinion_demo", name="An opinion", type="media", role="Frames the news",
                          evidence=evidence, confidence=None)
    term = model.Term(id="term_demo", term=f"Term {HOSTILE}", definition=f"Definition {HOSTILE}",
                      evidence=model.Evidence(sources=("S1",)), background=True)
    objectives = {
        "obj_a": SimpleNamespace(id="obj_a", lesson="02-context", text=f"Explain {HOSTILE}"),
        "obj_b": SimpleNamespace(id="obj_b", lesson="02-context", text="Date the offensive"),
        "obj_c": SimpleNamespace(id="obj_c", lesson="03-actors", text="Name the actors"),
    }
    return model.Course(
        article=article, sources={"S1": source}, actors={"putin": actor, "opinion_demo": opinion}, places={}, events={}, claims={},
        numbers={}, terms={"term_demo": term}, flags={}, misconceptions={"t_demo": misconception},
        extra={"objective": objectives})


def assert_no_raw_markup(html: str) -> None:
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert escape(HOSTILE) in html


@pytest.mark.parametrize("render", [
    lambda c: views.show_item("putin", course=c),
    lambda c: views.show_item("t_demo", course=c),
    lambda c: views.show_item("S1", course=c),
    lambda c: views.show_table("actors", course=c),
    lambda c: views.show_table("misconception", course=c),
    lambda c: views.show_glossary(course=c),
    lambda c: views.show_sources(course=c),
    lambda c: views.show_article(course=c),
    lambda c: views.show_objectives("02-context", course=c),
], ids=["item", "misconception", "source", "table", "misconceptions", "glossary", "sources", "article",
        "objectives"])
def test_every_view_escapes_html(hostile_course, render):
    view = render(hostile_course)
    assert_no_raw_markup(view._repr_html_())
    assert HOSTILE in view.text  # plain text is shown as text, so it stays unescaped
    assert repr(view) == str(view) == view.text


def test_links_are_escaped_in_attributes(hostile_course):
    html = views.show_item("S1", course=hostile_course)._repr_html_()
    assert 'href="https://example.org/?x=1&amp;y=2"' in html


def test_misconception_is_framed_as_not_true(hostile_course):
    view = views.show_item("t_demo", course=hostile_course)
    assert "Misconception (not true): Belief" in view.text
    assert view.text.index("Misconception (not true)") < view.text.index("Correction:")
    table = views.show_table("misconceptions", course=hostile_course)
    assert "NOT true" in table.text and "Misconception (not true)" in table._repr_html_()


def test_objectives_come_from_the_data_for_either_lesson_name(hostile_course):
    full = views.show_objectives("02-context", course=hostile_course)
    short = views.show_objectives("context", course=hostile_course)
    assert full.text == short.text
    assert "1. Explain" in full.text and "2. Date the offensive" in full.text
    assert "Name the actors" not in full.text


def test_missing_objectives_raise_and_name_the_lesson(hostile_course):
    with pytest.raises(LookupError, match="07-csto"):
        views.show_objectives("07-csto", course=hostile_course)


def test_unknown_kind_and_id_fail_loudly(hostile_course):
    with pytest.raises(ValueError, match="unknown kind"):
        views.show_table("weather", course=hostile_course)
    with pytest.raises(KeyError, match="nobody"):
        views.show_table("actors", ["nobody"], course=hostile_course)
    with pytest.raises(KeyError, match="nobody"):
        views.show_item("nobody", course=hostile_course)
    with pytest.raises(KeyError, match="S999"):
        views.show_sources(["S999"], course=hostile_course)


def test_fragment_must_be_verbatim(hostile_course):
    with pytest.raises(ValueError, match="not verbatim"):
        views.show_fragment("Putin agreed to leave Armenia entirely", course=hostile_course)


def test_fragment_shows_where_it_stands_and_who_cites_it(hostile_course):
    view = views.show_fragment("Russian President Vladimir Putin", course=hostile_course)
    # The first occurrence is in the photo caption, and the actor cites this fragment.
    assert "photo caption" in view.text
    assert "actor Putin" in view.text


def test_article_parts_are_labelled_in_order(hostile_course, seed_text):
    paragraphs = views.article_paragraphs(hostile_course)
    assert paragraphs[0] == seed_text.splitlines()[0]
    text = views.show_article(course=hostile_course).text
    assert text.index("[Headline]") < text.index("[Photo caption]") < text.index("[Lede]") < text.index(
        "[Paragraph 2]")
    assert f"[Paragraph {len(paragraphs) - 2}]" in text
    assert "inferred, medium confidence" in text


# ------------------------------------------------------------------ against the real course data


def test_every_item_renders_with_all_its_evidence(course):
    for item in course.items():
        if type(item) not in model.KIND_OF_CLASS:
            continue  # quiz questions and objectives have their own views
        view = views.show_item(item.id, course=course)
        html = view._repr_html_()
        for fragment in item.evidence.fragments:
            assert escape(fragment) in html, (item.id, fragment)
            assert fragment in view.text, (item.id, fragment)
        for source_id in item.evidence.sources:
            source = course.sources[source_id]
            assert escape(source.url) in html and source.citation in view.text, (item.id, source_id)


@pytest.mark.parametrize("kind", ["actors", "places", "events", "claims", "numbers", "terms", "flags",
                                  "misconceptions", "sources"])
def test_every_table_has_one_row_per_item(course, kind):
    html = views.show_table(kind, course=course)._repr_html_()
    rows = len(re.findall(r"<tr>", html)) - 1 if kind != "sources" else len(re.findall(r"<li>", html))
    assert rows == len(getattr(course, kind))


def test_events_table_is_in_date_order(course):
    ids = [event.id for event in course.events_in_order()]
    text = views.show_table("events", course=course).text
    position = 0
    for event_id in ids:  # each title is found after the previous one
        position = text.index(course.events[event_id].title, position) + 1


def test_sources_for_items_are_exactly_those_cited(course):
    flags = list(course.flags.values())
    cited = {s for flag in flags for s in flag.evidence.sources}
    html = views.show_sources(for_items=[f.id for f in flags], course=course).html
    by_url = {source.url: source.id for source in course.sources.values()}
    shown = {by_url[unescape(url)] for url in re.findall(r'href="([^"]+)"', html)}
    assert shown == cited
    assert "More sources" not in html  # a list of sources asked for shows every one


def test_items_without_a_confidence_grade_render(hostile_course):
    assert "confidence: n/a" in views.show_item("opinion_demo", course=hostile_course).text
    assert "n/a" in views.show_table("actors", ["opinion_demo"], course=hostile_course).text


def test_dates_the_sources_dispute_show_both_dates(course):
    disputed = [event for event in course.events.values() if event.date.discrepancy]
    assert disputed, "the content should date at least one event differently from the article (F1)"
    text = views.show_table("events", [e.id for e in disputed], course=course).text
    for event in disputed:
        other = event.date.discrepancy
        item_text = views.show_item(event.id, course=course).text
        # Both readings are labelled by who gives them, the article's first only as the article's.
        assert f"Date, by {event.date.read_by}: {event.date.label}" in item_text
        assert f"Date, by {other.said_by}: {other.label}" in item_text
        assert f"How sure the correction is: {course.flags[other.flag].confidence}" in item_text
        assert f"{event.date.read_by}: {event.date.label}" in text and f"{other.said_by}: {other.label}" in text
    # Peskov's "autumn 2020" is his, inside the article's quotation marks; the others are the article's.
    assert course.events["troops_deployed_autumn_2020"].date.read_by.startswith("Peskov")
    assert course.events["france24_interview"].date.read_by == "the article's reading"


def test_a_single_report_is_not_shown_as_other_sources(course):
    # F3 rests on one report about Tavush only (graded low-medium): it must not read as "other sources".
    event = course.events["troops_deployed_autumn_2020"]
    assert event.date.discrepancy.said_by.startswith("one report")
    assert "other sources" not in event.date.in_words
    assert course.flags[event.date.discrepancy.flag].confidence == "low-medium"


def test_progress_location_names_the_configured_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("LESSONS_PROGRESS_DIR", str(tmp_path))
    view = views.show_progress_location()
    assert str(tmp_path) in view.text and "LESSONS_PROGRESS_DIR" in view.text
    assert escape(str(tmp_path)) in view._repr_html_()
    monkeypatch.delenv("LESSONS_PROGRESS_DIR")
    assert "per-user data folder" in views.show_progress_location().text


def test_flags_and_misconceptions_by_facts_number(course):
    assert "Misconception (not true)" in views.show_misconceptions("T2", course=course).text
    one = views.show_flags("F1", course=course).text
    assert course.flags[next(f.id for f in course.flags.values() if f.facts_id == "F1")].title in one
    with pytest.raises(KeyError, match="T99"):
        views.show_misconceptions("T99", course=course)


def test_progress_location_in_an_export_names_no_folder_of_this_machine(monkeypatch, tmp_path):
    from lessons.views import show_progress_location

    monkeypatch.setenv("LESSONS_PROGRESS_DIR", str(tmp_path))
    assert str(tmp_path) in show_progress_location()._repr_html_()
    monkeypatch.setenv("LESSONS_STATIC", "1")
    exported = show_progress_location()
    assert str(tmp_path) not in exported._repr_html_() and str(tmp_path) not in str(exported)
    assert "This exported page keeps no progress." in exported._repr_html_()


def test_sources_show_the_two_strongest_and_keep_the_rest_behind_more_sources(course):
    from lessons import evidence as ev
    from lessons.model import Evidence

    by_type = {}
    for source in course.sources.values():
        by_type.setdefault(source.outlet_type, []).append(source.id)
    listed = [by_type["reference"][0], by_type["news"][0], by_type["reference"][1], by_type["official"][0]]
    html = ev.evidence_html(course, Evidence(fragments=(), sources=tuple(listed)))
    shown, more = html.split("<details>")
    # official first, then news; the two reference works wait behind the disclosure, in the order listed
    for source_id in (by_type["official"][0], by_type["news"][0]):
        assert escape(course.sources[source_id].url) in shown
    assert "More sources (2)" in more
    assert more.index(escape(course.sources[listed[0]].url)) < more.index(escape(course.sources[listed[2]].url))
    text = ev.evidence_text(course, Evidence(fragments=(), sources=tuple(listed)))
    assert text.splitlines()[0] == f"Source: {course.sources[by_type['official'][0]].citation}"
    assert text.splitlines()[-1].startswith("More sources: ")
    assert not re.search(r"\bS[0-9]+\b", html + text)


def test_two_sources_or_fewer_need_no_disclosure(course):
    from lessons import evidence as ev
    from lessons.model import Evidence

    assert "<details>" not in ev.evidence_html(course, Evidence(fragments=(), sources=("S2", "S3")))
