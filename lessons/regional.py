"""The regional map for newcomers: Armenia, Azerbaijan with Nakhchivan and Nagorno-Karabakh, the five provinces and the
two borders where the Russian guards stay."""
from __future__ import annotations

import functools
import json
import math

import numpy as np

from . import map as course_map_module
from .figures import GREY, alt_text, figure_html, new_figure, resolve_course, set_alt_text
from .map import HOME, LEAVE_COLOUR, NEIGHBOUR_FILL, STAY_COLOUR, _azerbaijan_parts, _path, data_credit, geometry, \
    highlighted_provinces, label_point, shared_edges
from .model import Course
from .views import View

__all__ = ["regional_map", "regional_map_figure", "karabakh_shapes", "alt_text"]

KARABAKH_FILE = "karabakh.geojson"
EXTENT = (43.3, 38.75, 47.5, 41.35)  # west, south, east, north: Armenia and Nagorno-Karabakh with room round them
KARABAKH_COLOUR = "#6A3D9A"  # purple: far from the orange and blue of the other layers, also in greyscale
STAY_BORDERS = ("TUR", "IRN")

# What the data cannot show, said on the map itself (lessons/geo/SOURCES.md gives the details).
NOT_IN_DATA = ("Nagorno-Karabakh has no boundary of its own in this data. Shaded: the Azerbaijani districts that "
               "Natural Earth notes as part of it (dense) or partly in it (light); the region's edge inside the "
               "light ones is not known here. The Lachin corridor is not in the data and is not drawn.")


@functools.lru_cache(maxsize=None)
def karabakh_shapes() -> dict:
    """The Nagorno-Karabakh layer: 'karabakh_districts' and 'karabakh_partly' (Shapes) and 'karabakh_label'."""
    collection = json.loads((course_map_module.GEO_DIR / KARABAKH_FILE).read_text(encoding="utf-8"))
    shapes = {}
    for feature in collection["features"]:
        key, geometry_ = feature["properties"]["key"], feature["geometry"]
        if geometry_["type"] == "Point":
            shapes[key] = tuple(geometry_["coordinates"])
        else:
            shapes[key] = course_map_module._shape(key, feature["properties"]["name"], geometry_)
    return shapes


def _legend_handles(provinces: str) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Patch(facecolor=LEAVE_COLOUR, edgecolor="#444444", hatch="//",
              label=f"The five provinces the Russian posts leave:\n{provinces}"),
        Line2D([], [], color=STAY_COLOUR, linewidth=4.5,
               label="Borders with Turkey and Iran,\nwhere the Russian border guards stay"),
        Patch(facecolor="white", edgecolor=KARABAKH_COLOUR, hatch="xxx", linestyle="--",
              label="Nagorno-Karabakh (inside Azerbaijan), where\nthe Russian peacekeepers served (see note)"),
        Patch(facecolor=NEIGHBOUR_FILL, edgecolor=GREY, label="Neighbouring country"),
    ]


def regional_map_figure(course: Course | None = None, width: float = 10.0):
    """The regional map as a matplotlib Figure, with `lessons_alt_text` and `lessons_caption`."""
    from matplotlib.patches import PathPatch

    course = resolve_course(course)
    data = geometry()
    karabakh = karabakh_shapes()
    west, south, east, north = EXTENT
    middle = (south + north) / 2
    figure = new_figure(width, width * 0.62)
    map_width = 6.3
    ax = figure.add_axes([0.02, 0.16, map_width / width, 0.76])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians(middle)))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#F7F7F7")

    highlighted = highlighted_provinces(course)
    for code, shape in data.countries.items():
        if code != HOME:
            ax.add_patch(PathPatch(_path(shape.polygons), facecolor=NEIGHBOUR_FILL, edgecolor=GREY, linewidth=0.6,
                                   gid=f"neighbour:{code}", zorder=1))
    for code, shape in data.provinces.items():
        leave = code in highlighted
        ax.add_patch(PathPatch(_path(shape.polygons), facecolor=LEAVE_COLOUR if leave else "white",
                               edgecolor="#444444", linewidth=0.6, hatch="//" if leave else None,
                               gid=f"province:{code}:{'leave' if leave else 'plain'}", zorder=2))
    for key, hatch, alpha in (("karabakh_partly", "..", 0.6), ("karabakh_districts", "xxx", 1.0)):
        ax.add_patch(PathPatch(_path(karabakh[key].polygons), facecolor="none", edgecolor=KARABAKH_COLOUR,
                               hatch=hatch, linewidth=1.2, linestyle="--", alpha=alpha, gid=f"karabakh:{key}",
                               zorder=3))
    for code in STAY_BORDERS:
        for index, line in enumerate(shared_edges(code)):
            ax.plot(line[:, 0], line[:, 1], color=STAY_COLOUR, linewidth=4.5, solid_capstyle="round",
                    gid=f"border:{code}:{index}", zorder=4)

    box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    label_lon, label_lat = karabakh["karabakh_label"]
    ax.text(label_lon, label_lat, "Nagorno-\nKarabakh", ha="center", va="center", fontsize=8.5, fontweight="bold",
            color=KARABAKH_COLOUR, bbox=box, gid="label:karabakh", zorder=7)
    names = {"ARM": "ARMENIA", "AZE": "AZERBAIJAN", "GEO": "GEORGIA", "TUR": "TURKEY", "IRN": "IRAN"}
    for code, text in names.items():
        if code == "AZE":
            lon, lat = label_point("part", "0", EXTENT, avoid=(label_lon, label_lat))
        else:
            lon, lat = label_point("country", code, EXTENT)
        ax.text(lon, lat, text, ha="center", va="center", fontsize=11 if code == HOME else 10,
                fontweight="bold" if code == HOME else "normal", color="black" if code == HOME else "#444444",
                gid=f"label:{code}", zorder=6)
    if len(_azerbaijan_parts()) > 1:
        lon, lat = label_point("part", "1", EXTENT)
        ax.text(lon, lat, "Nakhchivan\n(Azerbaijan)", ha="center", va="center", fontsize=8.5, color="#444444",
                style="italic", gid="label:nakhchivan", zorder=6)
    for code in highlighted:
        lon, lat = label_point("province", code)
        ax.text(lon, lat, data.provinces[code].name, ha="center", va="center", fontsize=7.5, fontweight="bold",
                bbox=box, gid=f"label:{code}", zorder=7)

    provinces = ", ".join(place.name for place in sorted(highlighted.values(), key=lambda place: place.name))
    legend_left = 0.02 + map_width / width + 0.015
    figure.legend(handles=_legend_handles(provinces), loc="upper left", bbox_to_anchor=(legend_left, 0.92),
                  fontsize=8, frameon=False, handlelength=2.4, labelspacing=1.1, title="Key", title_fontsize=9,
                  alignment="left")
    figure.text(legend_left + 0.005, 0.17, _wrap(NOT_IN_DATA, 44), fontsize=7, va="bottom", ha="left",
                gid="note:not-in-data", parse_math=False)
    figure.text(0.02, 0.03, _wrap(data_credit(), 150), fontsize=6.5, va="bottom", ha="left", color="#444444",
                gid="credit", parse_math=False)
    figure.text(0.02, 0.95, "The region: Armenia, Azerbaijan and Nagorno-Karabakh", fontsize=12, fontweight="bold",
                ha="left", va="bottom", parse_math=False)
    set_alt_text(figure, _alt_text(provinces, len(highlighted)))
    figure.lessons_caption = f"{NOT_IN_DATA} {data_credit()}"
    figure.lessons_highlighted = tuple(sorted(highlighted))
    return figure


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _alt_text(provinces: str, count: int) -> str:
    return (f"Map of Armenia and its neighbours: Georgia to the north, Azerbaijan to the east, Turkey to the west, "
            f"Iran to the south, and Azerbaijan's Nakhchivan exclave to the south-west. {count} Armenian provinces are "
            f"filled orange with hatching: {provinces}, where the Russian border guard and military posts leave; "
            "all of them border Azerbaijan or Nakhchivan. Thick blue lines mark Armenia's borders with Turkey "
            "(west) and Iran (south), where the Russian border guards stay. Inside Azerbaijan, east of Armenia, "
            "purple hatching marks Nagorno-Karabakh, where the Russian peacekeepers served: a different place "
            f"from the five provinces, which are inside Armenia. {NOT_IN_DATA}")


def regional_map(course: Course | None = None) -> View:
    """The regional map as an accessible figure with its caption; print() gives its text alternative."""
    figure = regional_map_figure(course)
    caption = figure.lessons_caption
    return View(figure_html(figure, caption=caption), f"[Map] {alt_text(figure)}\n{caption}")
