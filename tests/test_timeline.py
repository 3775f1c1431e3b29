"""Tests for lessons.timeline_view on small hand-built courses and on the real content."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from lessons import dates, model
from lessons.figures import alt_text

ARTICLE_TEXT = "On May 8 they met. In March he spoke. In the autumn 2020 troops came."


def make_date(precision, value, wording=None, year_inferred=False, inference=None, discrepancy=None):
    start, end = dates.resolve(precision, value)
    other = None
    if discrepancy:
        o_precision, o_value = discrepancy
        o_start, o_end = dates.resolve(o_precision, o_value)
        other = model.Discrepancy(note="Other sources give another date.", sources=("S1",), precision=o_precision,
                                  value=o_value, start=o_start, end=o_end, flag=None)
    return model.EventDate(precision=precision, value=value, start=start, end=end, wording=wording,
                           year_inferred=year_inferred, inference=inference, discrepancy=other)


def make_event(event_id, title, date, themes, actors=(), background=False, fragment=None):
    evidence = model.Evidence(fragments=(fragment,) if fragment else (), sources=() if fragment else ("S1",))
    return model.Event(id=event_id, title=title, date=date, themes=tuple(themes), actors=tuple(actors),
                       evidence=evidence, background=background)


def make_course(events, actors=None) -> model.Course:
    article = model.Article(text=ARTICLE_TEXT, headline="h", photo_caption="c", outlet="o", url="https://x",
                            published=dt.date(2024, 5, 9), published_inferred=True, published_confidence="medium",
                            published_reasoning="r", spelling="s", outlet_actor="rferl")
    sources = {"S1": model.Source(id="S1", title="A <source>", outlet="Outlet & Co", url="https://example.org")}
    actors = actors if actors is not None else {
        a_id: model.Actor(id=a_id, name=name, type="person", role="r", evidence=model.Evidence(sources=("S1",)),
                          background=True, aliases=aliases)
        for a_id, name, aliases in (("putin", "Vladimir Putin", ("Putin",)),
                                    ("pashinian", "Nikol Pashinian", ("Pashinyan",)),
                                    ("csto", "CSTO", ()))}
    return model.Course(article=article, sources=sources, actors=actors, places={},
                        events={e.id: e for e in events}, claims={}, numbers={}, terms={}, flags={},
                        misconceptions={})


@pytest.fixture(scope="module")
def mini():
    """Seven events: old and new, every precision, one background, one inferred year, one discrepancy."""
    return make_course([
        make_event("treaty", "Treaty <signed>", make_date("day", "1992-05-15"), ["csto"], ["csto"], background=True),
        make_event("posts", "Troops deployed", make_date("season", "2020-autumn", wording="In the autumn 2020"),
                   ["forces"], ["pashinian"], fragment="In the autumn 2020 troops came."),
        make_event("war", "War", make_date("range", "2020-09-27/2020-11-10"), ["war"], background=True),
        make_event("interview", "Interview", make_date("month", "2024-03", wording="In March", year_inferred=True,
                                                       inference="The article dates from 2024.",
                                                       discrepancy=("day", "2024-02-22")),
                   ["csto", "diplomacy"], ["pashinian"], fragment="In March he spoke."),
        make_event("talks", "Talks", make_date("day", "2024-05-08", wording="May 8", year_inferred=True,
                                               inference="2024."), ["diplomacy"], ["putin", "pashinian"],
                   fragment="On May 8 they met."),
        make_event("announce", "Announcement", make_date("day", "2024-05-09"), ["diplomacy"], ["putin"],
                   background=True),
        make_event("year_event", "A year", make_date("year", "2023"), ["forces"], ["mystery_actor"],
                   background=True),
    ])


def drawn_event_ids(figure) -> set[str]:
    return {artist.get_gid().split(":")[1] for ax in figure.axes
            for artist in itertools.chain(ax.lines, ax.patches)
            if (artist.get_gid() or "").startswith("event:")}


def artists_with_prefix(figure, prefix):
    return [artist for ax in figure.axes for artist in itertools.chain(ax.lines, ax.patches, ax.texts)
            if (artist.get_gid() or "").startswith(prefix)]


def label_boxes(figure):
    renderer = figure.canvas.get_renderer()
    texts = [t for t in figure.texts if (t.get_gid() or "").startswith("key:")]
    texts += [t for ax in figure.axes for t in ax.texts if (t.get_gid() or "").startswith("label:")]
    return texts, [t.get_window_extent(renderer) for t in texts]


def assert_no_overlaps(figure):
    texts, boxes = label_boxes(figure)
    assert texts, "no labels were drawn"
    for (a, box_a), (b, box_b) in itertools.combinations(zip(texts, boxes), 2):
        assert not box_a.overlaps(box_b), f"{a.get_gid()} ({a.get_text()}) overlaps {b.get_gid()} ({b.get_text()})"
    # Labels also keep clear of every mark.
    renderer = figure.canvas.get_renderer()
    marks = artists_with_prefix(figure, "event:") + artists_with_prefix(figure, "discrepancy:")
    for text, box in zip(texts, boxes):
        for mark in marks:
            assert not box.overlaps(mark.get_window_extent(renderer)), f"{text.get_gid()} overlaps {mark.get_gid()}"


def test_every_event_is_drawn_once_per_lane_with_honest_spans(mini):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini)
    assert drawn_event_ids(figure) == set(mini.events)
    assert figure.lessons_events == tuple(e.id for e in mini.events_in_order())
    by_id = {}
    for artist in artists_with_prefix(figure, "event:"):
        _, event_id, theme, panel = artist.get_gid().split(":")
        by_id.setdefault(event_id, []).append((theme, artist))
    # The interview sits in two lanes (csto and diplomacy); everything else in one.
    assert sorted(theme for theme, _ in by_id["interview"]) == ["csto", "diplomacy"]
    # A month is a bar ~30 days wide; a season ~91; a year 365; a range its own length; a day a point.
    widths = {event_id: {round(a.get_width()) for _, a in artists if hasattr(a, "get_width")}
              for event_id, artists in by_id.items()}
    assert widths["interview"] == {31}
    assert widths["posts"] == {91}
    assert widths["year_event"] == {365}
    assert widths["war"] == {(dt.date(2020, 11, 10) - dt.date(2020, 9, 27)).days + 1}
    for day_event in ("talks", "announce", "treaty"):
        (theme, artist), = by_id[day_event]
        assert artist.get_marker() == "o" and len(artist.get_xdata()) == 1


def test_background_is_hollow_and_article_is_filled(mini):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini)
    for artist in artists_with_prefix(figure, "event:"):
        event = mini.events[artist.get_gid().split(":")[1]]
        face = artist.get_markerfacecolor() if hasattr(artist, "get_markerfacecolor") else artist.get_facecolor()
        from matplotlib.colors import to_hex

        is_white = to_hex(face) == "#ffffff"
        assert is_white == event.background, artist.get_gid()


def test_discrepancy_and_inferred_year_are_marked(mini):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini)
    others = artists_with_prefix(figure, "discrepancy:")
    assert {a.get_gid().split(":")[1] for a in others} == {"interview"}
    point = others[0]
    # The sources' day is drawn as large and as coloured as an article's point (equal weight).
    from lessons.timeline_view import MARKER_POINTS

    assert point.get_marker() == "D" and point.get_markerfacecolor() not in ("white", "none")
    assert point.get_markersize() == MARKER_POINTS
    assert abs(point.get_xdata()[0] - ((dt.date(2024, 2, 22) - dt.date(1970, 1, 1)).days + 0.5)) < 1e-9
    assert artists_with_prefix(figure, "discrepancy-link:")
    labels = {t.get_gid().split(":")[1]: t.get_text() for t in artists_with_prefix(figure, "label:")}
    assert labels["interview"].endswith("*") and labels["talks"].endswith("*")
    assert not labels["announce"].endswith("*")
    text = alt_text(figure)
    assert "Interview" in text and "March 2024" in text and "22 February 2024" in text
    assert text.startswith("Timeline of 7 events from 1992 to 2024 in four lanes")


def test_two_panels_when_events_span_decades(mini):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini)
    panels = {a.get_gid().split(":")[3] for a in artists_with_prefix(figure, "event:")}
    assert panels == {"overview", "detail"}
    detail = {a.get_gid().split(":")[1] for a in artists_with_prefix(figure, "event:")
              if a.get_gid().endswith("detail")}
    # The detail panel covers the twelve months up to the last article event; the 2023 bar reaches into it.
    assert detail == {"interview", "talks", "announce", "year_event"}


def test_labels_do_not_overlap_at_ten_inches(mini):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini, width=10)
    assert abs(figure.get_figwidth() - 10) < 1e-9
    figure.canvas.draw()
    assert_no_overlaps(figure)


def test_filters_change_what_is_drawn(mini):
    from lessons.timeline_view import timeline_figure

    assert drawn_event_ids(timeline_figure(mini, themes=["diplomacy"])) == {"interview", "talks", "announce"}
    assert drawn_event_ids(timeline_figure(mini, actors=["putin"])) == {"talks", "announce"}
    assert drawn_event_ids(timeline_figure(mini, actors=["Pashinyan"])) == {"posts", "interview", "talks"}
    assert drawn_event_ids(timeline_figure(mini, include_background=False)) == {"posts", "interview", "talks"}
    # Only the chosen lanes are drawn.
    figure = timeline_figure(mini, themes=["csto"])
    assert {a.get_gid().split(":")[2] for a in artists_with_prefix(figure, "event:")} == {"csto"}


def test_unknown_actor_and_empty_result_give_a_message(mini):
    from lessons.timeline_view import events_table, select_events, timeline_figure

    selection = select_events(mini, actors=["nobody"])
    assert selection.events == ()
    assert any("nobody" in m for m in selection.messages)
    figure = timeline_figure(mini, actors=["nobody"])
    assert "No actor called 'nobody'" in alt_text(figure) and "No events match" in alt_text(figure)
    assert drawn_event_ids(figure) == set()
    # A known and an unknown actor: the known one filters, the unknown one is reported.
    figure = timeline_figure(mini, actors=["putin", "nobody"])
    assert drawn_event_ids(figure) == {"talks", "announce"}
    assert any("nobody" in m for m in figure.lessons_messages)
    # An actor id used by an event but missing from the actor list still filters, with a note.
    selection = select_events(mini, actors=["mystery_actor"])
    assert [e.id for e in selection.events] == ["year_event"]
    assert any("not in the course's list of actors" in m for m in selection.messages)
    # No themes at all: an empty result, said plainly.
    figure = timeline_figure(mini, themes=[])
    assert "No events match" in alt_text(figure)
    table = events_table(mini, themes=["war"], include_background=False)
    assert len(table) == 0 and "No events match" in str(table) and "No events match" in table._repr_html_()


def test_events_table_is_escaped_and_complete(mini):
    from lessons.timeline_view import events_table

    table = events_table(mini)
    assert [row["id"] for row in table.rows] == [e.id for e in mini.events_in_order()]
    html = table._repr_html_()
    assert "<caption>" in html and "Treaty &lt;signed&gt;" in html and "Treaty <signed>" not in html
    assert "Outlet &amp; Co" in html
    text = str(table)
    assert "In March" in text and "22 February 2024" in text and "year inferred" in text
    assert "mystery_actor (unknown actor)" in text
    assert [row["number"] for row in events_table(mini, actors=["putin"]).rows] == [6, 7]


def test_event_panel_shows_wording_date_actors_and_evidence(mini):
    from lessons.timeline_view import event_html

    html = event_html(mini, mini.events["interview"], 4)
    assert "\u201cIn March\u201d" in html and "March 2024" in html and "a month" in html
    assert "Nikol Pashinian" in html and "In March he spoke." in html
    assert "22 February 2024" in html and "The article dates from 2024." in html
    treaty = event_html(mini, mini.events["treaty"])
    assert "&lt;signed&gt;" in treaty and "<signed>" not in treaty


def test_widget_filters_steps_and_reports(mini):
    from lessons.timeline_view import timeline

    box = timeline(mini)
    assert "lessons-timeline" in box._dom_classes
    view = box._lessons_view
    assert "lessons-timeline-panel" in view.panel._dom_classes
    assert drawn_event_ids(view.figure) == set(mini.events)
    assert 'alt="Timeline of 7 events' in view.figure_area.value
    first = view.selected
    view.next_button.click()
    assert view.selected != first and view.slider.value == 2
    view.previous_button.click()
    assert view.selected == first
    view.theme_boxes["forces"].value = False
    assert drawn_event_ids(view.figure) == set(mini.events) - {"posts", "year_event"}
    view.background_box.value = False
    assert drawn_event_ids(view.figure) == {"interview", "talks"}
    view.select("talks")
    assert "Talks" in view.panel.value and "May 8" in view.panel.value
    for theme_box in view.theme_boxes.values():
        theme_box.value = False
    assert view.figure is None and "No events match" in view.status.value
    assert view.next_button.disabled
    view.next_button.click()  # does nothing, raises nothing
    view.theme_boxes["diplomacy"].value = True
    view.table_box.value = True
    assert "<table>" in view.table_area.value and view.table_area.layout.display is None
    for control in (*view.theme_boxes.values(), view.actor_select, view.background_box, view.slider,
                    view.previous_button, view.next_button, view.table_box):
        assert control.description, control


def test_widget_reports_unknown_actor_filter(mini):
    from lessons.timeline_view import timeline

    view = timeline(mini, actors=["nobody"])._lessons_view
    assert "No actor called" in view.status.value


# --------------------------------------------------------------------------- the real content


def test_real_course_timeline(course):
    from lessons.timeline_view import events_table, timeline_figure

    figure = timeline_figure(course)
    assert drawn_event_ids(figure) == set(course.events)
    figure.canvas.draw()
    assert_no_overlaps(figure)
    with_discrepancy = [e for e in course.events.values() if e.date.discrepancy]
    assert {a.get_gid().split(":")[1] for a in artists_with_prefix(figure, "discrepancy:")} == \
        {e.id for e in with_discrepancy}
    assert alt_text(figure).startswith(f"Timeline of {len(course.events)} events")
    assert len(events_table(course)) == len(course.events)


@pytest.mark.parametrize("width", [7.5, 12.0])
def test_real_course_labels_do_not_overlap_at_other_widths(course, width):
    from lessons.timeline_view import timeline_figure

    disputed = next(e.id for e in course.events_in_order() if e.date.discrepancy)
    figure = timeline_figure(course, width=width, selected=disputed)
    figure.canvas.draw()
    assert_no_overlaps(figure)


def test_real_course_month_spans(course):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(course)
    for artist in artists_with_prefix(figure, "event:"):
        event = course.events[artist.get_gid().split(":")[1]]
        if event.date.precision == "day":
            assert artist.get_marker() == "o"
        else:
            assert artist.get_width() == (event.date.end - event.date.start).days + 1
            if event.date.precision == "month":
                assert 28 <= artist.get_width() <= 31


def test_selected_event_is_outlined_in_every_lane(mini):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini, selected="interview")
    outlined = artists_with_prefix(figure, "selected:")
    assert sorted(a.get_gid() for a in outlined) == ["selected:interview:csto:detail",
                                                     "selected:interview:diplomacy:detail"]
    assert figure.lessons_selected == "interview"
    assert artists_with_prefix(timeline_figure(mini, selected="no_such_event"), "selected:") == []


def test_figures_show_themselves_as_accessible_html(mini):
    from lessons.figures import figure_html
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(mini, themes=["csto"])
    html = figure._repr_html_()
    assert html.startswith("<figure") and 'src="data:image/png;base64,' in html
    assert f'alt="{alt_text(figure)[:40]}' in html and "<figcaption>" in html
    assert 'alt="a &lt;b&gt;"' in figure_html(figure, alt="a <b>", caption="c")


# --------------------------------------------------------------------------- the widget's redrawn figure


def placed_artists(figure):
    """(gid, pixel box) of every named artist on the visible axes: what a picture of the figure shows."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return sorted((artist.get_gid(), tuple(round(v, 1) for v in artist.get_window_extent(renderer).bounds))
                  for ax in figure.axes if ax.get_visible()
                  for artist in itertools.chain(ax.lines, ax.patches, ax.texts) if artist.get_gid())


def test_a_redrawn_figure_matches_a_fresh_one(mini):
    """The widget keeps one figure and replaces only lanes and marks: nothing of an earlier filter may remain."""
    from lessons.timeline_view import _Drawing, select_events

    filters = [{}, {"themes": ["diplomacy"]}, {"include_background": False}, {"actors": ["putin"]},
               {"themes": ["war", "csto"]}, {}]
    reused = _Drawing(mini, key=False, lean=True)
    for chosen in filters:
        selection = select_events(mini, **chosen)
        figure = reused.draw(selection)
        fresh = _Drawing(mini, key=False, lean=True).draw(selection)
        assert placed_artists(figure) == placed_artists(fresh), chosen
        assert tuple(figure.get_size_inches()) == tuple(fresh.get_size_inches()), chosen
        assert sum(ax.get_visible() for ax in figure.axes) == sum(ax.get_visible() for ax in fresh.axes), chosen
        assert drawn_event_ids(figure) == {e.id for e in selection.events}, chosen
    # Diplomacy alone lies in the detail window: the overview's axes are hidden, then shown again.
    reused.draw(select_events(mini, themes=["diplomacy"]))
    assert sum(ax.get_visible() for ax in reused.figure.axes) == 1


def test_widget_figure_leaves_title_and_legend_to_html_and_static_figure_keeps_them(mini):
    from lessons.timeline_view import LEGEND_ENTRIES, timeline, timeline_figure

    view = timeline(mini)._lessons_view
    figure = view.figure
    assert figure.texts == [] and len(figure.axes) == 2  # two panels; no title, legend or key in the image
    assert_no_overlaps(figure)
    assert "Timeline: 7 events, 1992\u20132024" in view.figure_area.value
    legend = view.legend_area.value
    assert "lessons-timeline-legend" in legend
    for _symbol, label in LEGEND_ENTRIES:
        assert label in legend
    assert "grey band in the overview" in legend
    # The static figure explains itself: title, legend and the grey band in the overview's title.
    static = timeline_figure(mini)
    texts = [t.get_text() for t in static.texts] + [t.get_text() for ax in static.axes for t in ax.texts]
    texts += [ax.get_title(loc="left") for ax in static.axes]
    assert "Timeline: 7 events, 1992\u20132024" in texts
    assert all(label in texts for _symbol, label in LEGEND_ENTRIES)
    assert any("grey band" in text for text in texts)
    view.theme_boxes["war"].value = False
    assert view.figure is figure and "Timeline: 6 events" in view.figure_area.value


def test_stamped_text_draws_the_same_pixels_as_agg(mini):
    """The widget's canvas draws each line of text once and reuses its pixels; the picture must not change."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from lessons import figures
    from lessons.timeline_view import _Drawing, select_events

    drawing = _Drawing(mini, key=False, lean=True)
    for chosen in ({}, {"themes": ["diplomacy", "forces"]}, {}):  # the last draw reuses stamps
        figure = drawing.draw(select_events(mini, **chosen))
        figure.canvas.draw()
    assert figures._TEXT_STAMPS
    stamped = np.asarray(figure.canvas.buffer_rgba()).astype(int)
    plain = FigureCanvasAgg(figure)
    plain.draw()
    reference = np.asarray(plain.buffer_rgba()).astype(int)
    assert stamped.shape == reference.shape
    ink = np.count_nonzero(reference[..., :3].min(axis=2) < 128)
    differing = np.count_nonzero(np.abs(stamped - reference).max(axis=2) > 16)
    assert ink > 1000 and differing <= ink // 1000, (differing, ink)


def test_detail_panel_labels_events_with_short_titles_and_keeps_the_text_alternative(course):
    from lessons.timeline_view import timeline_figure

    figure = timeline_figure(course)
    labels = {t.get_gid(): t.get_text() for t in artists_with_prefix(figure, "label:")}
    detail = {gid: text for gid, text in labels.items() if gid.endswith(":detail")}
    overview = {gid: text for gid, text in labels.items() if gid.endswith(":overview")}
    assert detail and overview
    talks = next(text for gid, text in detail.items() if gid.startswith("label:talks_2024_05_08:"))
    assert talks.endswith(course.events["talks_2024_05_08"].short_title)
    assert all(text.rstrip("*").isdigit() for text in overview.values())  # years scale: numbers only
    assert course.events["talks_2024_05_08"].title in alt_text(figure)  # the full title stays in the alt text
