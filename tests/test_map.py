"""Tests for lessons.map: the map data, what the figure draws, the place panel and the widget."""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from lessons import model
from lessons.figures import alt_text

REPO = Path(__file__).resolve().parent.parent
SHARED_GEO = REPO.parent / "shared" / "geo"


def gids(figure, prefix):
    return [artist for ax in figure.axes for artist in itertools.chain(ax.lines, ax.patches, ax.texts)
            if (artist.get_gid() or "").startswith(prefix)]


def make_place(place_id, name, place_type, role, background=False, **fields):
    evidence = model.Evidence(sources=("S1",)) if background else model.Evidence(fragments=("x",))
    return model.Place(id=place_id, name=name, type=place_type, role=role, evidence=evidence, background=background,
                       **fields)


@pytest.fixture(scope="module")
def mini():
    """Two article provinces, one background province, the Turkish border only, an airport, a region."""
    places = [
        make_place("tav", "Tavush", "province", "Posts <leave>.", iso_3166_2="AM-TV", capital="Ijevan", lat=40.88,
                   lon=45.15),
        make_place("syu", "Syunik", "province", "Posts leave.", iso_3166_2="AM-SU", capital="Kapan", lat=39.20,
                   lon=46.42),
        make_place("arm", "Armavir", "province", "Maybe the airport's province.", background=True,
                   iso_3166_2="AM-AV", confidence="low"),
        make_place("tr", "Armenian-Turkish border", "border", "Guards stay."),
        make_place("air", "Zvartnots International Airport", "airport", "Guards leave.", aliases=("Zvartnots",),
                   lat=40.147, lon=44.396),
        make_place("nk", "Nagorno-Karabakh", "region", "Background region."),
        make_place("far", "Minsk", "city", "Far away."),
    ]
    article = model.Article(text="x", headline="h", photo_caption="c", outlet="o", url="https://x",
                            published=dt.date(2024, 5, 9), published_inferred=True, published_confidence="medium",
                            published_reasoning="r", spelling="s", outlet_actor="rferl")
    sources = {"S1": model.Source(id="S1", title="T", outlet="O", url="https://example.org")}
    return model.Course(article=article, sources=sources, actors={}, places={p.id: p for p in places}, events={},
                        claims={}, numbers={}, terms={}, flags={}, misconceptions={})


# --------------------------------------------------------------------------- the data


def test_geometry_has_eleven_provinces_and_six_countries():
    from lessons.map import geometry

    data = geometry()
    assert len(data.provinces) == 11 and all(code.startswith("AM-") for code in data.provinces)
    assert set(data.countries) == {"ARM", "AZE", "GEO", "TUR", "IRN", "RUS"}


def test_shared_edges_are_the_turkish_and_iranian_borders():
    from lessons.map import border_length_km, contains, geometry, shared_edges

    turkey, iran = border_length_km("TUR"), border_length_km("IRN")
    assert turkey > 0 and iran > 0
    assert turkey > iran  # the Turkish border is several times the Iranian one
    assert shared_edges("RUS") == ()  # Russia does not touch Armenia
    # Iran's border with Armenia is Syunik's southern edge: every point of it lies on Syunik's outline.
    syunik_points = {tuple(p) for ring in geometry().provinces["AM-SU"].rings for p in ring}
    assert all(tuple(p) in syunik_points for line in shared_edges("IRN") for p in line)
    # Points of the shared edge are not strictly inside either country.
    point = shared_edges("TUR")[0][1]
    assert not (contains(geometry().countries["TUR"], point[0] + 1e-6, point[1])
                and contains(geometry().countries["ARM"], point[0] + 1e-6, point[1]))


def test_sources_md_is_kept_with_the_data():
    from lessons.map import GEO_DIR, data_credit, map_caveats

    caveats = map_caveats()
    assert "Scale" in caveats and "46.40" in caveats["Scale"]
    assert "Disputed areas and Nagorno-Karabakh" in caveats
    assert "Natural Earth" in data_credit() and "1:10m" in data_credit()
    if SHARED_GEO.is_dir():
        for name in ("armenia_provinces.geojson", "neighbours.geojson"):
            assert (GEO_DIR / name).read_bytes() == (SHARED_GEO / name).read_bytes(), name
        # The course's SOURCES.md is the shared one, word for word, plus the section on the regional map's layer.
        assert (GEO_DIR / "SOURCES.md").read_bytes().startswith((SHARED_GEO / "SOURCES.md").read_bytes())


def test_kapan_marker_is_moved_inside_syunik():
    from lessons.map import contains, geometry, nudge_inside

    syunik = geometry().provinces["AM-SU"]
    assert not contains(syunik, 46.42, 39.20)  # as SOURCES.md warns
    lon, lat, moved = nudge_inside(syunik, 46.42, 39.20)
    assert contains(syunik, lon, lat) and 0 < moved < 3
    assert 46.38 <= lon <= 46.42
    assert nudge_inside(geometry().provinces["AM-TV"], 45.15, 40.88)[2] == 0  # Ijevan is already inside


# --------------------------------------------------------------------------- the figure, on a hand-built course


def test_mini_highlights_only_the_article_provinces_and_its_border(mini):
    from lessons.map import LEAVE_COLOUR, map_figure
    from matplotlib.colors import to_hex

    figure = map_figure(course=mini)
    assert figure.lessons_highlighted == ("AM-SU", "AM-TV")
    filled = {a.get_gid().split(":")[1] for a in gids(figure, "province:")
              if to_hex(a.get_facecolor()) == LEAVE_COLOUR.lower()}
    assert filled == {"AM-SU", "AM-TV"}
    assert {a.get_gid().split(":")[1] for a in gids(figure, "border:")} == {"TUR"}
    assert gids(figure, "airport:air") and len(gids(figure, "capital:")) == 2
    text = alt_text(figure)
    assert "Syunik, Tavush" in text and "Armenian-Turkish border" in text and "Iranian" not in text
    assert "about 1 km" in text  # the scale caveat, in a learner's words


def test_mini_airport_note_names_its_province_and_confidence(mini):
    from lessons.map import map_places

    entry = next(e for e in map_places(mini) if e.key == "air")
    assert "Armavir" in entry.note and "confidence: low" in entry.note
    region = next(e for e in map_places(mini) if e.key == "nk")
    assert region.point is None and "Not drawn" in region.note and "Nagorno-Karabakh" in region.note
    far = next(e for e in map_places(mini) if e.key == "far")
    assert "Not marked on this map" in far.note


def test_selection_outlines_the_place_and_unknown_selection_says_so(mini):
    from lessons.map import map_figure

    figure = map_figure("Syunik", course=mini)
    assert [a.get_gid() for a in gids(figure, "selected:")] == ["selected:syu"]
    figure = map_figure("AM-LO", course=mini)  # a province the content does not describe
    assert [a.get_gid() for a in gids(figure, "selected:")] == ["selected:province:AM-LO"]
    figure = map_figure("tr", course=mini)
    assert gids(figure, "selected:tr") and all(a.get_gid() == "selected:tr" for a in gids(figure, "selected:"))
    figure = map_figure("Atlantis", course=mini)
    assert gids(figure, "selected:") == [] and "Atlantis" in figure.lessons_messages[0]


def test_place_panel_is_escaped_and_has_evidence(mini):
    from lessons.map import map_places, place_html

    entries = {e.key: e for e in map_places(mini)}
    html = place_html(mini, entries["tav"])
    assert "Posts &lt;leave&gt;." in html and "<leave>" not in html
    assert "lessons-evidence-quote" in html
    html = place_html(mini, entries["province:AM-LO"])
    assert "does not mention Lori" in html


# --------------------------------------------------------------------------- the real content


def test_real_map_highlights_exactly_the_five_named_provinces(course):
    from lessons.map import geometry, map_figure

    figure = map_figure(course=course)
    expected = {p.iso_3166_2 for p in course.places.values() if p.type == "province" and not p.background}
    assert set(figure.lessons_highlighted) == expected and len(expected) == 5
    assert {a.get_gid().split(":")[1] for a in gids(figure, "province:") if a.get_gid().endswith(":highlight")} \
        == expected
    names = [geometry().provinces[code].name for code in expected]
    # The five come from one list in the article: one sentence names them all.
    sentences = course.article.text.replace("\n", " ").split(". ")
    assert any(all(name in sentence for name in names) for sentence in sentences)


def test_real_map_marks_both_borders_and_the_airport(course):
    from lessons.map import map_figure

    figure = map_figure(course=course)
    borders = {a.get_gid().split(":")[1] for a in gids(figure, "border:")}
    assert borders == {"TUR", "IRN"}
    assert figure.lessons_border_km["TUR"] > 0 and figure.lessons_border_km["IRN"] > 0
    airports = gids(figure, "airport:")
    assert len(airports) == 1
    airport = next(p for p in course.places.values() if p.type == "airport")
    assert (airports[0].get_xdata()[0], airports[0].get_ydata()[0]) == (airport.lon, airport.lat)
    assert gids(figure, "city:") and gids(figure, "scale-bar")
    for code in ("TUR", "IRN", "GEO", "AZE"):
        assert gids(figure, f"neighbour-label:{code}")
    text = alt_text(figure)
    assert "Nagorno-Karabakh" in text and "confidence: low" in text and "Kapan lies right by the border" in text


def test_real_every_place_can_be_selected_and_explained(course):
    from lessons.map import _highlight, map_figure, map_places, place_html

    figure = map_figure(course=course)
    for entry in map_places(course):
        _highlight(figure, entry)
        html = place_html(course, entry)
        assert html.startswith("<section")
        if entry.place is not None:
            assert "Evidence" in html


def test_widget_selection_updates_map_and_panel(course):
    from lessons.map import course_map

    box = course_map(course)
    assert "lessons-map" in box._dom_classes
    view = box._lessons_view
    assert "lessons-map-panel" in view.panel._dom_classes
    assert view.dropdown.description == "Place"
    assert "Choose a place" in view.panel.value
    syunik = next(p for p in course.places.values() if p.iso_3166_2 == "AM-SU")
    view.dropdown.value = syunik.id
    assert [a.get_gid() for a in gids(view.figure, "selected:")] == [f"selected:{syunik.id}"]
    assert "Syunik" in view.panel.value and 'alt="Map of Armenia' in view.figure_area.value
    assert "Scale." in view.caveats.value
    view.dropdown.value = None
    assert gids(view.figure, "selected:") == []
    assert "No place called" in course_map(course, selected="Atlantis")._lessons_view.status.value


def test_alt_text_names_only_countries_that_border_armenia():
    from lessons.figures import alt_text
    from lessons.map import map_figure

    opening = alt_text(map_figure()).split(").", 1)[0]
    assert "Russia" not in opening, opening  # drawn on the map, but Armenia does not border Russia
    for neighbour in ("Georgia", "Azerbaijan", "Turkey", "Iran"):
        assert neighbour in opening
