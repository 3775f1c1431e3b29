"""The course map: Armenia's provinces, the borders where Russian guards stay, and the places the article names."""
from __future__ import annotations

import functools
import json
import math
import re
import textwrap
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np

from .evidence import evidence_html
from .figures import GREY, OKABE_ITO, QuickRenderer, alt_text, figure_html, new_figure, png_html, \
    resolve_course, set_alt_text
from .model import Course, Place

__all__ = ["course_map", "map_figure", "map_places", "geometry", "shared_edges", "map_caveats", "alt_text",
           "figure_html"]

GEO_DIR = Path(__file__).resolve().parent / "geo"
PROVINCES_FILE = "armenia_provinces.geojson"
NEIGHBOURS_FILE = "neighbours.geojson"
SOURCES_FILE = "SOURCES.md"
HOME = "ARM"
EARTH_RADIUS_KM = 6371.0088
MARGIN_DEGREES = 0.3  # room round Armenia in the view
MIN_INSIDE_KM = 0.3  # a marker nudged into its province keeps at least this far from the edge
LABEL_CLEAR_KM = 24.0  # a province label keeps this far sideways (a quarter of it up or down) from a marker

LEAVE_COLOUR = OKABE_ITO["orange"]  # provinces the Russian posts leave
STAY_COLOUR = OKABE_ITO["blue"]  # borders where the Russian border guards stay
AIRPORT_COLOUR = OKABE_ITO["vermillion"]
PLAIN_PROVINCE = "#FFFFFF"
NEIGHBOUR_FILL = "#E4E4E4"
SELECT_COLOUR = "#000000"


# --------------------------------------------------------------------------- geometry (read once)


@dataclass(frozen=True)
class Shape:
    """One feature: its name and polygons, each a list of rings (outer first), each an (n, 2) lon/lat array."""

    key: str
    name: str
    polygons: tuple[tuple[np.ndarray, ...], ...]

    @property
    def rings(self):
        return [ring for polygon in self.polygons for ring in polygon]

    def bounds(self) -> tuple[float, float, float, float]:
        points = np.vstack([polygon[0] for polygon in self.polygons])
        return points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()


@dataclass(frozen=True)
class Geometry:
    """The map data: provinces by ISO 3166-2 code and countries by ISO 3166-1 alpha-3 code."""

    provinces: dict[str, Shape]
    countries: dict[str, Shape]


def _shape(key: str, name: str, geometry: dict) -> Shape:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return Shape(key, name, tuple(tuple(np.asarray(ring, dtype=float) for ring in polygon)
                                  for polygon in polygons))


@functools.lru_cache(maxsize=None)
def geometry(folder: str | None = None) -> Geometry:
    """Read the two GeoJSON files once per process (stdlib json; no GIS libraries needed)."""
    base = Path(folder) if folder else GEO_DIR
    provinces = json.loads((base / PROVINCES_FILE).read_text(encoding="utf-8"))
    neighbours = json.loads((base / NEIGHBOURS_FILE).read_text(encoding="utf-8"))
    return Geometry(
        provinces={f["properties"]["iso_3166_2"]: _shape(f["properties"]["iso_3166_2"], f["properties"]["name"],
                                                         f["geometry"]) for f in provinces["features"]},
        countries={f["properties"]["iso_a3"]: _shape(f["properties"]["iso_a3"], f["properties"]["name"],
                                                     f["geometry"]) for f in neighbours["features"]})


def _segments(shape: Shape) -> set[frozenset]:
    return {frozenset((tuple(a), tuple(b))) for ring in shape.rings for a, b in zip(ring[:-1], ring[1:])
            if tuple(a) != tuple(b)}


@functools.lru_cache(maxsize=None)
def shared_edges(code: str, home: str = HOME, folder: str | None = None) -> tuple[np.ndarray, ...]:
    """The border between `home` and country `code`, as polylines of the edges their polygons share.

    The files round every vertex the same way, so a shared edge is the same pair of points in both
    (SOURCES.md); runs of shared edges along the neighbour's rings are joined into lines.
    """
    data = geometry(folder)
    return _shared_lines(data.countries[code].rings, _segments(data.countries[home]))


def _shared_lines(rings, home_segments: set[frozenset]) -> tuple[np.ndarray, ...]:
    lines = []
    for ring in rings:
        shared = [frozenset((tuple(a), tuple(b))) in home_segments for a, b in zip(ring[:-1], ring[1:])]
        runs, current = [], []
        for index, is_shared in enumerate(shared):
            if is_shared:
                current.append(index)
            elif current:
                runs.append(current)
                current = []
        if current:
            # A run that reaches the ring's closing point continues from its first point.
            if runs and runs[0][0] == 0:
                runs[0] = current + runs[0]
            else:
                runs.append(current)
        for run in runs:
            points = [ring[run[0]]] + [ring[i + 1] for i in run]
            lines.append(np.asarray(points))
    return tuple(lines)


def line_length_km(line: np.ndarray) -> float:
    """Great-circle length of a lon/lat polyline, in kilometres."""
    lon, lat = np.radians(line[:, 0]), np.radians(line[:, 1])
    dlat, dlon = np.diff(lat), np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    return float(np.sum(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))))


def border_length_km(code: str) -> float:
    """Length of Armenia's shared border with `code` as the map data draws it."""
    return sum(line_length_km(line) for line in shared_edges(code))


def _inside_ring(x: np.ndarray, y: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Even-odd ray casting for many points against one ring."""
    inside = np.zeros(np.shape(x), dtype=bool)
    xs, ys = ring[:, 0], ring[:, 1]
    for x1, y1, x2, y2 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:]):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < x_cross)
    return inside


def contains(shape: Shape, lon, lat) -> np.ndarray | bool:
    """Whether points lie in the shape (inside an outer ring and outside its holes)."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    result = np.zeros(np.shape(x), dtype=bool)
    for polygon in shape.polygons:
        inside = _inside_ring(x, y, polygon[0])
        for hole in polygon[1:]:
            inside &= ~_inside_ring(x, y, hole)
        result |= inside
    return result if result.shape else bool(result)


def _edge_distance_km(shape: Shape, lon, lat) -> np.ndarray:
    """Distance from points to the nearest edge of the shape (local flat approximation, fine at this scale)."""
    x, y = np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))
    km_x = math.radians(1) * EARTH_RADIUS_KM * math.cos(math.radians(float(np.mean(y))))
    km_y = math.radians(1) * EARTH_RADIUS_KM
    best = np.full(x.shape, np.inf)
    for ring in shape.rings:
        ax, ay = ring[:-1, 0] * km_x, ring[:-1, 1] * km_y
        bx, by = ring[1:, 0] * km_x, ring[1:, 1] * km_y
        px, py = x[:, None] * km_x, y[:, None] * km_y
        dx, dy = bx - ax, by - ay
        length2 = np.where(dx * dx + dy * dy == 0, 1, dx * dx + dy * dy)
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0, 1)
        distance = np.hypot(px - (ax + t * dx), py - (ay + t * dy))
        best = np.minimum(best, distance.min(axis=1))
    return best


@functools.lru_cache(maxsize=None)
def label_point(kind: str, key: str, extent: tuple[float, float, float, float] | None = None,
                avoid: tuple[float, float] | None = None) -> tuple[float, float]:
    """A point well inside a province, country or Azerbaijani part (the grid point farthest from its edges).

    `avoid` is a marker the label must keep clear of: a label is wide and short, so it needs about
    LABEL_CLEAR_KM sideways or a quarter of that up or down.
    """
    data = geometry()
    if kind == "part":
        shape = Shape(f"AZE#{key}", "", (_azerbaijan_parts()[int(key)],))
    else:
        shape = (data.provinces if kind == "province" else data.countries)[key]
    west, south, east, north = shape.bounds()
    if extent:
        west, south = max(west, extent[0]), max(south, extent[1])
        east, north = min(east, extent[2]), min(north, extent[3])
    lon, lat = np.meshgrid(np.linspace(west, east, 40), np.linspace(south, north, 40))
    lon, lat = lon.ravel(), lat.ravel()
    inside = contains(shape, lon, lat)
    if not inside.any():
        return float((west + east) / 2), float((south + north) / 2)
    lon, lat = lon[inside], lat[inside]
    if avoid is not None:
        clear = np.maximum(np.abs(lon - avoid[0]) * 111.32 * math.cos(math.radians(avoid[1])),
                           np.abs(lat - avoid[1]) * 110.57 * 4) >= LABEL_CLEAR_KM
        if clear.any():
            lon, lat = lon[clear], lat[clear]
    distance = _edge_distance_km(shape, lon, lat)
    if extent:  # keep labels off the frame too
        frame = np.minimum.reduce([lon - extent[0], extent[2] - lon, lat - extent[1], extent[3] - lat]) * 111
        distance = np.minimum(distance, frame)
    best = int(np.argmax(distance))
    return float(lon[best]), float(lat[best])


def nudge_inside(shape: Shape, lon: float, lat: float) -> tuple[float, float, float]:
    """The nearest point to (lon, lat) that lies inside `shape` and MIN_INSIDE_KM from its edge.

    Returns (lon, lat, distance moved in km); a point already well inside is returned as it is.
    At 1:10m a town within about a kilometre of a border can plot on the wrong side (SOURCES.md).
    """
    if contains(shape, lon, lat) and _edge_distance_km(shape, lon, lat)[0] >= MIN_INSIDE_KM:
        return lon, lat, 0.0
    step = 0.0025
    offsets = np.arange(-40, 41) * step
    dx, dy = np.meshgrid(offsets, offsets)
    km = np.hypot(dx * 111.32 * math.cos(math.radians(lat)), dy * 110.57)
    order = np.argsort(km.ravel(), kind="stable")
    cand_lon, cand_lat = (lon + dx.ravel())[order], (lat + dy.ravel())[order]
    inside = contains(shape, cand_lon, cand_lat)
    cand_lon, cand_lat, moved = cand_lon[inside], cand_lat[inside], km.ravel()[order][inside]
    clear = _edge_distance_km(shape, cand_lon, cand_lat) >= MIN_INSIDE_KM
    if not clear.any():
        return lon, lat, 0.0
    first = int(np.argmax(clear))
    return float(cand_lon[first]), float(cand_lat[first]), float(moved[first])


def which_province(lon: float, lat: float) -> str | None:
    """The ISO 3166-2 code of the province polygon that contains the point, if any."""
    for code, shape in geometry().provinces.items():
        if contains(shape, lon, lat):
            return code
    return None


def _direction(from_lon, from_lat, to_lon, to_lat) -> str:
    """'north', 'south-east' ... from one point to another (eight compass points)."""
    angle = math.degrees(math.atan2(to_lat - from_lat, (to_lon - from_lon) * math.cos(math.radians(from_lat))))
    names = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"]
    return names[int(((angle + 22.5) % 360) // 45)]


# --------------------------------------------------------------------------- SOURCES.md, read not retyped


@functools.lru_cache(maxsize=None)
def _sources_text() -> str:
    return (GEO_DIR / SOURCES_FILE).read_text(encoding="utf-8")


def _bullets(heading: str) -> dict[str, str]:
    """The '- **Title.** text' bullets of one '## heading' section of lessons/geo/SOURCES.md: title -> text."""
    section = _sources_text().split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    section = "\n".join(line for line in section.splitlines() if line.startswith(("-", " ")))
    caveats = {}
    for bullet in re.split(r"\n- ", "\n" + section.strip()):
        bullet = " ".join(bullet.split())
        match = re.match(r"\*\*(.+?)\*\*\s*(.*)", bullet)
        if match:
            caveats[match.group(1).rstrip(".")] = match.group(2)
    return caveats


def map_caveats() -> dict[str, str]:
    """The caveats of the map data, for the instructor: the '## Caveats' section of lessons/geo/SOURCES.md."""
    return _bullets("Caveats")


def learner_notes() -> dict[str, str]:
    """The same caveats in a learner's words: the '## What learners read about the map' section."""
    return _bullets("What learners read about the map")


def caption_note() -> str:
    """The caveats a map's caption carries: its scale and what it leaves out."""
    notes = learner_notes()
    return " ".join(notes[title] for title in ("Scale", "Recent changes"))


def dataset_line() -> str:
    """The dataset line of SOURCES.md, e.g. 'Natural Earth, 1:10m Cultural Vectors, ...' (for the instructor)."""
    match = re.search(r"\*\*Dataset:\*\*\s*(.+?)(?:\n-|\n\n)", _sources_text(), re.S)
    return " ".join(match.group(1).split()).rstrip(".") if match else "Natural Earth"


def data_credit() -> str:
    """The credit a learner reads under a map: who drew the boundaries, at what scale, and their licence."""
    scale = re.search(r"1:[0-9]+m", dataset_line())
    return f"Boundaries: Natural Earth{f' ({scale.group(0)} scale)' if scale else ''}, public domain."


# --------------------------------------------------------------------------- content joined to the map


@dataclass(frozen=True)
class MapPlace:
    """A dropdown entry: a content place and/or a map feature, and how the map shows it."""

    key: str  # place id, or "province:AM-LO" for a province the content does not describe
    label: str
    place: Place | None
    province: str | None = None  # ISO 3166-2 code
    country: str | None = None  # ISO alpha-3 code of a border's neighbour
    point: tuple[float, float] | None = None  # lon, lat as drawn
    note: str = ""  # how it is drawn, or why it is not


def _country_for_border(place: Place, countries: dict[str, Shape]) -> str | None:
    """The neighbour a border place faces, by the country name its name or aliases use.

    Names are matched by their first four letters so adjectives count ("Turkish" ~ "Turkey",
    "Iranian" ~ "Iran"); Armenia itself is skipped because every border here is Armenia's.
    """
    words = [w.lower() for text in (place.name, *place.aliases) for w in re.findall(r"[A-Za-z]+", text)]
    for code, shape in countries.items():
        if code == HOME:
            continue
        stem = shape.name.lower()[:4]
        if any(word.startswith(stem) for word in words):
            return code
    return None


def highlighted_provinces(course: Course) -> dict[str, Place]:
    """The provinces the article names (type province, not background), by ISO 3166-2 code."""
    return {p.iso_3166_2: p for p in course.places.values()
            if p.type == "province" and not p.background and p.iso_3166_2}


def _azerbaijan_parts():
    """Azerbaijan's parts by area, largest first: SOURCES.md lists the mainland, then Nakhchivan, then exclaves."""
    shape = geometry().countries.get("AZE")
    if shape is None:
        return []

    def area(ring):
        x, y = ring[:, 0], ring[:, 1]
        return abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2

    return sorted(shape.polygons, key=lambda polygon: -area(polygon[0]))


def map_places(course: Course | None = None) -> list[MapPlace]:
    """Every place the map can show or explain, article places first, then background, then other provinces."""
    course = resolve_course(course)
    data = geometry()
    entries = []
    described = set()
    for place in sorted(course.places.values(), key=lambda p: (p.background, p.type != "province", p.name)):
        entry = MapPlace(key=place.id, label=place.name + (" (background)" if place.background else ""),
                         place=place)
        if place.iso_3166_2 and place.iso_3166_2 in data.provinces:
            described.add(place.iso_3166_2)
            entry = _with(entry, province=place.iso_3166_2, note="Outlined on the map.")
            if place.lat is not None and place.lon is not None:
                lon, lat, moved = nudge_inside(data.provinces[place.iso_3166_2], place.lon, place.lat)
                note = f"The dot marks the capital, {place.capital or 'its capital'}."
                if moved:  # the town sits within the map's ~1 km accuracy of the border line
                    note += (f" {place.capital or 'The capital'} lies right by the border, so the dot is drawn "
                             f"{moved:.1f} km {_direction(place.lon, place.lat, lon, lat)} of it, inside "
                             f"{place.name}.")
                entry = _with(entry, point=(lon, lat), note=entry.note + " " + note)
        elif place.type == "border":
            code = _country_for_border(place, data.countries)
            if code in data.countries:
                entry = _with(entry, country=code, note=f"The whole border with {data.countries[code].name} is "
                                                            "outlined.")
        elif place.lat is not None and place.lon is not None:
            code = which_province(place.lon, place.lat)
            note = f"Marked at {place.lat:.3f} N, {place.lon:.3f} E."
            if code:
                province_place = next((p for p in course.places.values() if p.iso_3166_2 == code), None)
                note += f" On this map the point falls in {data.provinces[code].name} province"
                if province_place is not None and province_place.confidence not in (None, "high"):
                    note += (f"; the sources for placing it there are weak (confidence: "
                             f"{province_place.confidence})")
                note += "."
            entry = _with(entry, point=(place.lon, place.lat), note=note)
        elif place.name in {shape.name for shape in data.provinces.values()}:
            code = next(c for c, s in data.provinces.items() if s.name == place.name)
            entry = _with(entry, province=code, note=(
                f"{place.name} is a city with the standing of a province; the map outlines it."))
        elif place.name == "Nakhchivan" or "Nakhchivan" in place.aliases:
            entry = _with(entry, country="AZE", point=None, note=(
                "Outlined: the Nakhchivan exclave, a part of Azerbaijan separated from the rest by Armenia."))
        else:
            entry = _with(entry, note=_not_drawn_note(place))
        entries.append(entry)
    for code, shape in sorted(data.provinces.items(), key=lambda item: item[1].name):
        if code not in described and shape.name not in {p.name for p in course.places.values()}:
            entries.append(MapPlace(key=f"province:{code}", label=f"{shape.name} (not in the article)", place=None,
                                    province=code, note="Outlined on the map."))
    return entries


def _not_drawn_note(place: Place) -> str:
    if place.type == "region":
        # What SOURCES.md says about this region, sentence by sentence, where it names it.
        names = (place.name, *place.aliases)
        sentences = [sentence for caveat in learner_notes().values() for sentence in re.split(r"(?<=\.)\s+", caveat)
                     if any(name in sentence for name in names)]
        said = f" {sentences[0]}" if sentences else ""
        return (f"Not drawn: the boundary data this map uses has no area of its own for {place.name}.{said}"
                f"{_mainland_words()}")
    return "Not marked on this map."


@functools.lru_cache(maxsize=1)
def _mainland_words() -> str:
    """Which side of Armenia mainland Azerbaijan lies on, from the edges the two share in the map data."""
    parts = _azerbaijan_parts()
    if not parts:
        return ""
    lines = _shared_lines(parts[0], _segments(geometry().countries[HOME]))
    if not lines:
        return ""
    points = np.vstack(lines)
    west, south, east, north = geometry().countries[HOME].bounds()
    direction = _direction((west + east) / 2, (south + north) / 2, float(points[:, 0].mean()),
                           float(points[:, 1].mean()))
    return f" Azerbaijan's mainland borders Armenia to the {direction} on this map."


def _with(entry: MapPlace, **changes) -> MapPlace:
    from dataclasses import replace

    return replace(entry, **changes)


# --------------------------------------------------------------------------- drawing


def _path(polygons):
    """One matplotlib Path for polygons with holes (outer rings anticlockwise, holes clockwise)."""
    from matplotlib.path import Path as MplPath

    vertices, codes = [], []
    for polygon in polygons:
        for ring in polygon:
            vertices.extend(ring.tolist())
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
    return MplPath(np.asarray(vertices), codes)


def _extent() -> tuple[float, float, float, float]:
    west, south, east, north = geometry().countries[HOME].bounds()
    return (west - MARGIN_DEGREES, south - MARGIN_DEGREES, east + MARGIN_DEGREES, north + MARGIN_DEGREES)


def _wrap(text: str, width: int = 44) -> str:
    return "\n".join(textwrap.wrap(text, width))


def _scale_bar(ax, extent) -> None:
    """A 50 km bar in the lower-left corner, sized for the map's middle latitude."""
    west, south, east, north = extent
    middle = (south + north) / 2
    km_per_degree = math.radians(1) * EARTH_RADIUS_KM * math.cos(math.radians(middle))
    length = 50 / km_per_degree
    x0, y0 = west + 0.12, south + 0.12
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=3, solid_capstyle="butt", gid="scale-bar",
            zorder=8)
    ax.text(x0 + length / 2, y0 + 0.04, "50 km", ha="center", va="bottom", fontsize=8, zorder=8)


def _draw_map(figure, course: Course, entries: list[MapPlace]):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch

    data = geometry()
    extent = _extent()
    west, south, east, north = extent
    middle = (south + north) / 2
    map_width = 6.6
    ax = figure.add_axes([0.06, 0.13, map_width / figure.get_figwidth(), 0.81])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians(middle)))
    ax.set_facecolor("#F7F7F7")
    highlighted = highlighted_provinces(course)

    for code, shape in data.countries.items():
        if code == HOME:
            continue
        ax.add_patch(PathPatch(_path(shape.polygons), facecolor=NEIGHBOUR_FILL, edgecolor=GREY, linewidth=0.6,
                               gid=f"neighbour:{code}", zorder=1))
        lon, lat = label_point("country", code, extent)
        ax.text(lon, lat, shape.name, ha="center", va="center", fontsize=10, color="#555555", style="italic",
                gid=f"neighbour-label:{code}", zorder=6)
    for code, shape in data.provinces.items():
        is_highlighted = code in highlighted
        ax.add_patch(PathPatch(_path(shape.polygons), facecolor=LEAVE_COLOUR if is_highlighted else PLAIN_PROVINCE,
                               edgecolor="#444444", linewidth=0.7, hatch="//" if is_highlighted else None,
                               gid=f"province:{code}:{'highlight' if is_highlighted else 'plain'}", zorder=2))
    cities = {e.province: e for e in entries if e.place is not None and e.place.type == "city" and e.province}
    capitals = {e.province: e.point for e in entries if e.province and e.point}
    # Province names: the highlighted ones bold. A city province (Yerevan) is labelled at its star instead.
    for code, shape in data.provinces.items():
        if code in cities:
            continue
        lon, lat = label_point("province", code, None, capitals.get(code))
        is_highlighted = code in highlighted
        ax.text(lon, lat, shape.name, ha="center", va="center", fontsize=7.5 if is_highlighted else 7,
                fontweight="bold" if is_highlighted else "normal", color="black",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
                if is_highlighted else None, gid=f"province-label:{code}", zorder=7)

    stay_places = {}
    for entry in entries:
        if entry.country and entry.place is not None and entry.place.type == "border" and not entry.place.background:
            stay_places[entry.country] = entry.place
    for code, place in stay_places.items():
        for index, line in enumerate(shared_edges(code)):
            ax.plot(line[:, 0], line[:, 1], color=STAY_COLOUR, linewidth=4.5, solid_capstyle="round",
                    gid=f"border:{code}:{index}", zorder=4, label=place.name if index == 0 else None)
    for entry in entries:
        if entry.point is None or entry.place is None:
            continue
        lon, lat = entry.point
        if entry.place.type == "airport":
            ax.plot([lon], [lat], marker="^", markersize=11, color=AIRPORT_COLOUR, markeredgecolor="black",
                    linestyle="none", gid=f"airport:{entry.key}", zorder=9)
            ax.annotate(entry.place.aliases[0] if entry.place.aliases else entry.place.name, (lon, lat),
                        xytext=(-8, -12), textcoords="offset points", ha="right", va="top", fontsize=8,
                        fontweight="bold", gid=f"airport-label:{entry.key}", zorder=9,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        elif entry.province:
            ax.plot([lon], [lat], marker="o", markersize=4, color="black", linestyle="none",
                    gid=f"capital:{entry.key}", zorder=8)
    for code, city in cities.items():
        lon, lat = label_point("province", code)
        ax.plot([lon], [lat], marker="*", markersize=13, color="black", markeredgecolor="white", linestyle="none",
                gid=f"city:{city.key}", zorder=9)
        ax.annotate(city.place.name, (lon, lat), xytext=(7, 3), textcoords="offset points", ha="left",
                    va="bottom", fontsize=8, fontweight="bold", gid=f"city-label:{city.key}", zorder=9,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    for entry in entries:
        if entry.country == "AZE" and entry.place is not None and entry.place.type == "region":
            lon, lat = label_point("part", "1", extent)
            ax.text(lon, lat, f"{entry.place.name}\n({data.countries['AZE'].name})", ha="center", va="center",
                    fontsize=8, color="#555555", style="italic", gid=f"region-label:{entry.key}", zorder=6)
    yerevan = next(iter(cities.values()), None)
    # Graticule every half degree, labelled on the axes.
    ax.set_xticks(np.arange(math.ceil(west * 2) / 2, east, 0.5))
    ax.set_yticks(np.arange(math.ceil(south * 2) / 2, north, 0.5))
    ax.set_xticklabels([f"{x:g}\u00b0E" for x in ax.get_xticks()], fontsize=7)
    ax.set_yticklabels([f"{y:g}\u00b0N" for y in ax.get_yticks()], fontsize=7)
    ax.grid(color="#9A9A9A", linewidth=0.4, linestyle=":", zorder=3)
    ax.set_axisbelow(False)
    _scale_bar(ax, extent)

    # Legend, built from the content.
    names = ", ".join(p.name for p in sorted(highlighted.values(), key=lambda p: p.name))
    handles = [Patch(facecolor=LEAVE_COLOUR, edgecolor="#444444", hatch="//",
                     label=_wrap(f"Russian border guard and military posts leave: {names} "
                                 f"(the {_count_word(len(highlighted))} provinces the article names)"))]
    for code, place in stay_places.items():
        handles.append(Line2D([], [], color=STAY_COLOUR, linewidth=4.5, label=_wrap(f"{place.name}: {place.role}")))
    for entry in entries:
        if entry.place is not None and entry.place.type == "airport" and entry.point:
            handles.append(Line2D([], [], marker="^", markersize=10, color=AIRPORT_COLOUR, markeredgecolor="black",
                                  linestyle="none", label=_wrap(f"{entry.place.name}: {entry.place.role}")))
    if yerevan:
        handles.append(Line2D([], [], marker="*", markersize=12, color="black", linestyle="none",
                              label=_wrap(f"{yerevan.place.name}: {yerevan.place.role}")))
    if any(e.province and e.point for e in entries):
        handles.append(Line2D([], [], marker="o", markersize=4, color="black", linestyle="none",
                              label="Province capital (as the content gives it)"))
    handles.append(Patch(facecolor=PLAIN_PROVINCE, edgecolor="#444444", label="Other Armenian province"))
    handles.append(Patch(facecolor=NEIGHBOUR_FILL, edgecolor=GREY, label="Neighbouring country"))
    handles.append(Patch(facecolor="none", edgecolor=SELECT_COLOUR, linewidth=2.5, label="Selected place"))
    legend_left = 0.05 + map_width / figure.get_figwidth() + 0.015
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(legend_left, 0.94), fontsize=7.5,
                  frameon=False, handlelength=2.2, labelspacing=0.9, title="Key", title_fontsize=9,
                  alignment="left")
    notes = [e for e in entries if e.place is not None and e.place.type == "region" and e.point is None
             and e.country is None]
    note_text = [_wrap(_region_words(e), 46) for e in notes]
    if note_text:
        figure.text(legend_left + 0.005, 0.13, "\n\n".join(note_text), fontsize=7, va="bottom", ha="left",
                    gid="region-notes", parse_math=False)
    figure.text(0.02, 0.012, _wrap(f"{data_credit()} {caption_note()}", 180), fontsize=6.5,
                va="bottom", ha="left", color="#444444", gid="credit", parse_math=False)
    figure.text(0.05, 0.965, "Where the Russian border guards leave and where they stay", fontsize=12,
                fontweight="bold", ha="left", va="bottom", parse_math=False)
    return ax


def _region_words(entry: MapPlace) -> str:
    """A region the map cannot draw, in words: what the content says, the article's words, the map's note."""
    place = entry.place
    quote = f" The article: \u201c{place.evidence.fragments[0]}\u201d." if place.evidence.fragments else ""
    return f"{place.name}: {place.description or place.role}{quote} {entry.note}"


def _count_word(number: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"]
    return words[number] if 0 <= number < len(words) else str(number)


def _map_alt_text(course: Course, entries: list[MapPlace]) -> str:
    data = geometry()
    highlighted = highlighted_provinces(course)
    names = ", ".join(p.name for p in sorted(highlighted.values(), key=lambda p: p.name))
    # Only countries that share an edge with Armenia are its neighbours; the map also draws others (Russia).
    bordering = [s.name for c, s in data.countries.items() if c != HOME and shared_edges(c)]
    parts = [f"Map of Armenia's {len(data.provinces)} provinces and its neighbours "
             f"({', '.join(bordering)}). "
             f"{_count_word(len(highlighted)).capitalize()} provinces are filled orange with hatching: {names}, "
             f"where the Russian border "
             f"guard and military posts leave."]
    for entry in entries:
        if entry.place is None:
            continue
        if entry.place.type == "border" and entry.country and not entry.place.background:
            parts.append(f"A thick blue line marks the {entry.place.name}: {entry.place.role}")
        elif entry.place.type == "airport" and entry.point:
            parts.append(f"A triangle marks {entry.place.name}: {entry.place.role} {entry.note}")
        elif entry.place.type == "city" and entry.province:
            parts.append(f"A star marks {entry.place.name}.")
        elif entry.place.type == "region" and entry.point is None and entry.country is None:
            parts.append(_region_words(entry))
    moved = [e for e in entries if e.point and e.province and "right by the border" in e.note]
    for entry in moved:
        parts.append(entry.note.split("Outlined on the map. ", 1)[-1])
    parts.append(caption_note())
    return " ".join(parts)


def _resolve_selection(entries: list[MapPlace], selected) -> MapPlace | None:
    if selected is None:
        return None
    key = str(selected)
    for entry in entries:
        if key == entry.key or key == entry.province or (entry.place is not None and (
                key.casefold() in {entry.place.name.casefold(), *(a.casefold() for a in entry.place.aliases)})):
            return entry
    for entry in entries:  # a plain province name, e.g. "Lori"
        if entry.province and geometry().provinces[entry.province].name.casefold() == key.casefold():
            return entry
    return None


def _highlight(figure, entry: MapPlace | None) -> None:
    """Outline the selected place; undo the previous outline."""
    from matplotlib.patches import PathPatch

    ax = figure.lessons_axes
    for artist in getattr(figure, "_lessons_highlight", ()):
        artist.remove()
    added = []
    if entry is not None:
        data = geometry()
        if entry.province:
            added.append(ax.add_patch(PathPatch(_path(data.provinces[entry.province].polygons), facecolor="none",
                                                edgecolor=SELECT_COLOUR, linewidth=2.8, zorder=5,
                                                gid=f"selected:{entry.key}")))
        elif entry.country == "AZE" and entry.place is not None and entry.place.type == "region":
            parts = _azerbaijan_parts()
            if len(parts) > 1:
                added.append(ax.add_patch(PathPatch(_path([parts[1]]), facecolor="none", edgecolor=SELECT_COLOUR,
                                                    linewidth=2.8, zorder=5, gid=f"selected:{entry.key}")))
        elif entry.country:
            for line in shared_edges(entry.country):
                added += ax.plot(line[:, 0], line[:, 1], color=SELECT_COLOUR, linewidth=1.6, linestyle="--",
                                 zorder=5, gid=f"selected:{entry.key}")
        if entry.point and not entry.province:
            added += ax.plot([entry.point[0]], [entry.point[1]], marker="o", markersize=20, markerfacecolor="none",
                             markeredgecolor=SELECT_COLOUR, markeredgewidth=2.2, linestyle="none", zorder=10,
                             gid=f"selected:{entry.key}")
    figure._lessons_highlight = added
    figure.lessons_selected = entry.key if added else None


def map_figure(selected: str | None = None, course: Course | None = None, width: float = 10.0):
    """The static map (matplotlib Figure) with `lessons_alt_text`; `selected` (id, name or ISO code) is outlined."""
    course = resolve_course(course)
    entries = map_places(course)
    figure = new_figure(width, width * 0.72)
    figure.lessons_axes = _draw_map(figure, course, entries)
    figure.lessons_entries = entries
    figure.lessons_highlighted = tuple(sorted(highlighted_provinces(course)))
    figure.lessons_border_km = {code: border_length_km(code) for code in ("TUR", "IRN")
                                if any(e.country == code for e in entries)}
    set_alt_text(figure, _map_alt_text(course, entries))
    figure.lessons_caption = f"{data_credit()} {caption_note()}"
    entry = _resolve_selection(entries, selected)
    _highlight(figure, entry)
    if selected is not None and entry is None:
        figure.lessons_messages = (f"No place called {selected!r} on this map.",)
    else:
        figure.lessons_messages = ()
    return figure


# --------------------------------------------------------------------------- the place panel and the widget


def place_html(course: Course, entry: MapPlace) -> str:
    """What the article and the content say about a place, with evidence, as escaped HTML."""
    data = geometry()
    if entry.place is None:
        name = data.provinces[entry.province].name
        return (f'<section aria-label="{escape(name)}"><h4>{escape(name)}</h4>'
                f"<p>The article does not mention {escape(name)}, and the course content says nothing about it. "
                f"{escape(entry.note)}</p></section>")
    place = entry.place
    rows = [("Type", place.type), ("What happens there", place.role)]
    if place.description:
        rows.append(("More", place.description))
    rows.append(("Source of this place", "background: outside sources only, not the article" if place.background
                 else "named in the article"))
    rows.append(("Confidence", place.confidence or "not graded"))
    if place.capital:
        rows.append(("Capital", place.capital))
    rows.append(("On the map", entry.note))
    events = [e for e in course.events_in_order() if place.id in e.places]
    table = "".join(f'<tr><th scope="row" style="text-align:left;vertical-align:top;padding-right:1em">'
                    f"{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    events_html = ""
    if events:
        events_html = "<h5>Events here</h5><ul>" + "".join(
            f"<li>{escape(e.date.in_words)}: {escape(e.title)}{' (background)' if e.background else ''}</li>"
            for e in events) + "</ul>"
    return (f'<section aria-label="{escape(place.name)}"><h4>{escape(place.name)}</h4><table>{table}</table>'
            f"{events_html}<h5>Evidence</h5>{evidence_html(course, place.evidence)}</section>")


def caveats_html() -> str:
    """What a learner should know about the map (SOURCES.md's learner notes), as an HTML list under a heading."""
    items = "".join(f"<li><strong>{escape(title)}.</strong> {escape(text)}</li>"
                    for title, text in learner_notes().items())
    return (f'<details class="lessons-map-caveats"><summary>About the map: credit and caveats</summary>'
            f"<p>{escape(data_credit())}</p><ul>{items}</ul></details>")


class MapView:
    """A place dropdown, the map (outline on the selection) and a panel of what the content says."""

    def __init__(self, course: Course, selected: str | None = None):
        import ipywidgets as widgets

        self.course = course
        self.entries = map_places(course)
        self._by_key = {e.key: e for e in self.entries}
        self._figure = map_figure(None, course)
        self._renderer = QuickRenderer(self._figure)  # the map is drawn once; a selection redraws its outline
        self._cache: dict[str | None, str] = {}
        start = _resolve_selection(self.entries, selected)
        self.dropdown = widgets.Dropdown(
            options=[("(choose a place)", None)] + [(e.label, e.key) for e in self.entries],
            value=start.key if start else None, description="Place",
            tooltip="Choose a province or place to see what the article and the sources say about it")
        self.status = widgets.HTML(value="")
        if selected is not None and start is None:
            self.status.value = (f'<p role="status">No place called {escape(str(selected))} on this map; '
                                 f"choose one from the list.</p>")
        self.figure_area = widgets.HTML(value="")
        self.panel = widgets.HTML(value="")
        self.panel.add_class("lessons-map-panel")
        self.caveats = widgets.HTML(value=caveats_html())
        self.widget = widgets.VBox([self.dropdown, self.status, self.figure_area, self.panel, self.caveats])
        self.widget.add_class("lessons-map")
        self.widget._lessons_view = self
        self.dropdown.observe(self._on_select, names="value")
        self._show()

    @property
    def figure(self):
        """The map figure, outlined for the current selection."""
        entry = self._by_key.get(self.dropdown.value)
        if getattr(self._figure, "lessons_selected", None) != (entry.key if entry else None):
            _highlight(self._figure, entry)
        return self._figure

    def _on_select(self, change):
        self.status.value = ""
        self._show()

    def _show(self):
        key = self.dropdown.value
        if key not in self._cache:
            figure = self.figure  # moves the outline only; the map itself is drawn once
            self._cache[key] = png_html(self._renderer.png(figure._lessons_highlight), alt_text(figure) + (
                f" Selected: {self._by_key[key].label}." if key in self._by_key else ""),
                None, "lessons-map-figure")
        self.figure_area.value = self._cache[key]
        entry = self._by_key.get(key)
        self.panel.value = (place_html(self.course, entry) if entry else
                            "<p>Choose a place from the list to see what the article and the sources say "
                            "about it.</p>")


def course_map(course: Course | None = None, selected: str | None = None):
    """The interactive map (an ipywidgets VBox): choose a place, see it outlined and what the content says."""
    return MapView(resolve_course(course), selected).widget
