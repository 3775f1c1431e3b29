"""The course timeline: an honest-dates figure, a table of events and an interactive ipywidgets view."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from html import escape

from .evidence import evidence_html, evidence_text
from .figures import GREY, LIGHT_GREY, OKABE_ITO, QuickRenderer, alt_text, figure_html, new_figure, png_html, \
    resolve_course, set_alt_text
from .model import Course, Event

__all__ = ["timeline", "timeline_figure", "events_table", "select_events", "event_html", "legend_html", "alt_text",
           "figure_html", "THEMES", "THEME_LABELS"]

THEMES = ("war", "forces", "csto", "diplomacy")
THEME_LABELS = {
    "war": "War and peacekeeping",
    "forces": "Russian forces in Armenia",
    "csto": "The CSTO",
    "diplomacy": "Diplomacy",
}
THEME_COLOURS = {
    "war": OKABE_ITO["vermillion"],
    "forces": OKABE_ITO["blue"],
    "csto": OKABE_ITO["bluish_green"],
    "diplomacy": OKABE_ITO["reddish_purple"],
}
PRECISION_WORDS = {"day": "a day", "month": "a month", "season": "a season", "year": "a year",
                   "range": "a range of days"}

# Layout, in inches and points. Rows are a fixed height so row packing can guarantee no overlaps.
FIGURE_WIDTH = 10.0
ROW_INCHES = 0.26
RIGHT_INCHES = 0.3
LANE_POINTS = 8.5
LABEL_POINTS = 8
KEY_POINTS = 7.5
MARKER_POINTS = 7
LABEL_GAP_INCHES = 0.07
ROW_GAP_INCHES = 0.06  # horizontal room left between two items sharing a row
# Heights: the figure's title (the widget's figure has none, only a top margin), a panel's title, its date
# labels, the gap after a panel, the symbol legend.
TITLE_INCHES, LEAN_TOP_INCHES, PANEL_TITLE_INCHES, DATES_INCHES, GAP_INCHES, LEGEND_INCHES = \
    0.45, 0.05, 0.3, 0.4, 0.15, 0.55
DETAIL_MONTHS = 12  # the detail panel starts this many months before the end of the last article event's month
DETAIL_MAX_MONTHS = 18  # ... and runs on to the last event, if that keeps it this short
SINGLE_PANEL_DAYS = 550  # a course whose events fit in this many days needs no overview panel


# --------------------------------------------------------------------------- selecting events


@dataclass(frozen=True)
class Selection:
    """The events a filter keeps, their stable numbers, the lanes to show and messages for the learner."""

    events: tuple[Event, ...]
    numbers: dict[str, int]  # event id -> its number in the whole course's chronological order
    themes: tuple[str, ...]
    actors: tuple[str, ...]  # actor ids the filter resolved to (empty: no actor filter)
    include_background: bool
    messages: tuple[str, ...] = ()
    actor_names: tuple[str, ...] = ()

    @property
    def empty_message(self) -> str:
        return "No events match these filters. " + describe_filters(self)


def actor_name(course: Course, actor_id: str) -> str:
    """An actor's display name; an id the course does not know is shown as such."""
    actor = course.actors.get(actor_id)
    return actor.name if actor else f"{actor_id} (unknown actor)"


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def resolve_actors(course: Course, keys) -> tuple[list[str], list[str]]:
    """Map ids, names or aliases to actor ids; return (ids, messages about keys that match no actor)."""
    referenced = {actor_id for event in course.events.values() for actor_id in event.actors}
    by_word = {}
    for actor in course.actors.values():
        for word in (actor.id, actor.name, *actor.aliases):
            by_word.setdefault(word.casefold(), actor.id)
    ids, messages = [], []
    for key in _as_list(keys):
        text = str(key)
        if text in course.actors:
            found = text
        else:
            found = by_word.get(text.strip().casefold())
        if found is None and text in referenced:
            found = text
            messages.append(f"{text!r} is named by an event but is not in the course's list of actors.")
        if found is None:
            messages.append(f"No actor called {text!r}: it was left out of the filter. "
                            f"Known actors: {', '.join(sorted(a.name for a in course.actors.values()))}.")
            continue
        if found not in ids:
            ids.append(found)
    return ids, messages


def select_events(course: Course | None = None, themes=None, actors=None, include_background: bool = True) -> Selection:
    """Filter the course's events by theme, actor and background; never raises on unknown names."""
    course = resolve_course(course)
    messages = []
    wanted_themes = _as_list(themes)
    unknown_themes = [t for t in wanted_themes if t not in THEMES]
    if unknown_themes:
        messages.append(f"Unknown theme(s) {', '.join(map(repr, unknown_themes))} left out; "
                        f"the themes are: {', '.join(THEMES)}.")
    lanes = tuple(t for t in THEMES if t in wanted_themes) if themes is not None else THEMES
    actor_ids, actor_messages = resolve_actors(course, actors)
    messages += actor_messages
    ordered = course.events_in_order()
    numbers = {event.id: position for position, event in enumerate(ordered, start=1)}
    actor_filter_given = bool(_as_list(actors))
    kept = []
    for event in ordered:
        if not set(event.themes) & set(lanes):
            continue
        if event.background and not include_background:
            continue
        if actor_filter_given and not set(event.actors) & set(actor_ids):
            continue
        kept.append(event)
    return Selection(events=tuple(kept), numbers=numbers, themes=lanes, actors=tuple(actor_ids),
                     include_background=include_background, messages=tuple(messages),
                     actor_names=tuple(actor_name(course, a) for a in actor_ids))


def describe_filters(selection: Selection) -> str:
    """The filters in words, e.g. 'Themes: The CSTO. Actors: Nikol Pashinian. Background events hidden.'"""
    parts = ["Themes: " + (", ".join(THEME_LABELS[t] for t in selection.themes) or "none") + "."]
    if selection.actors:
        parts.append("Actors: " + ", ".join(selection.actor_names or selection.actors) + ".")
    if not selection.include_background:
        parts.append("Background events hidden.")
    return " ".join(parts)


# --------------------------------------------------------------------------- dates in words


def date_words(event: Event) -> str:
    """The resolved date with its precision, the article's words, the inference and any discrepancy."""
    date = event.date
    first = f"{date.read_by}: {date.label}" if date.discrepancy else date.label
    parts = [f"{first} (precision: {date.precision})"]
    if date.wording:
        parts.append(f"article: \u201c{date.wording}\u201d")
    if date.year_inferred:
        parts.append(f"year inferred: {date.inference}" if date.inference else "year inferred")
    elif date.inference:
        parts.append(f"resolved as: {date.inference}")
    if date.discrepancy:
        other = date.discrepancy
        parts.append(f"{other.said_by}: {other.label}: {other.note}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class EventsTable:
    """The events as a table (number, date, event, actors, evidence): HTML for screen readers, text for print."""

    caption: str
    rows: tuple[dict, ...]
    messages: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        head = "".join(f'<th scope="col">{escape(name)}</th>' for name in ("No.", "Date", "Event", "Actors",
                                                                         "Evidence"))
        body = []
        for row in self.rows:
            origin = "background (outside sources)" if row["background"] else "article"
            body.append(
                "<tr>"
                f'<th scope="row">{row["number"]}</th>'
                f"<td>{escape(row['date'])}</td>"
                f"<td>{escape(row['event'])}<br><small>{escape(origin)}; themes: {escape(row['lanes'])}</small></td>"
                f"<td>{escape(row['actors'])}</td>"
                f"<td>{row['evidence_html']}</td>"
                "</tr>")
        notes = "".join(f'<p role="status">{escape(message)}</p>' for message in self.messages)
        if not self.rows:
            return f'<div class="lessons-events-table">{notes}<p>{escape(self.caption)}</p></div>'
        return (f'<div class="lessons-events-table">{notes}<table>'
                f"<caption>{escape(self.caption)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>")

    def to_text(self) -> str:
        lines = [*self.messages, self.caption]
        for row in self.rows:
            origin = "background" if row["background"] else "article"
            lines.append(f"\n{row['number']}. {row['event']} [{origin}; {row['lanes']}]")
            lines.append(f"   Date: {row['date']}")
            lines.append(f"   Actors: {row['actors'] or '-'}")
            for evidence_line in row["evidence"].splitlines():
                lines.append(f"   {evidence_line}")
        return "\n".join(lines)

    __str__ = to_text

    def __len__(self) -> int:
        return len(self.rows)


def events_table(course: Course | None = None, themes=None, actors=None,
                 include_background: bool = True) -> EventsTable:
    """The same events as the timeline, as a table with a caption (HTML via _repr_html_, text via str())."""
    course = resolve_course(course)
    selection = select_events(course, themes, actors, include_background)
    rows = tuple({
        "number": selection.numbers[event.id],
        "id": event.id,
        "date": date_words(event),
        "event": event.title,
        "lanes": ", ".join(THEME_LABELS.get(t, t) for t in event.themes),
        "actors": ", ".join(actor_name(course, a) for a in event.actors),
        "evidence": evidence_text(course, event.evidence),
        "evidence_html": evidence_html(course, event.evidence),
        "background": event.background,
    } for event in selection.events)
    if rows:
        caption = (f"{len(rows)} event{'s' if len(rows) != 1 else ''} in date order. "
                   f"{describe_filters(selection)}")
    else:
        caption = selection.empty_message
    return EventsTable(caption=caption, rows=rows, messages=selection.messages)


# --------------------------------------------------------------------------- the figure


@dataclass
class _Panel:
    title: str
    start: dt.date
    end: dt.date  # exclusive
    events: list
    ticks: str  # "years" | "months"
    rows: dict = field(default_factory=dict)  # theme -> number of rows
    items: list = field(default_factory=list)  # placed items
    window: tuple[dt.date, dt.date] | None = None  # the detail panel's span, shaded on the overview
    short_title: str = ""  # the widget's title, where the full one is explained beside the image

    @property
    def key(self) -> str:
        return "overview" if self.window else "detail"


def _span(event: Event) -> tuple[dt.date, dt.date]:
    """First day and last day the event and its discrepancy cover together."""
    start, end = event.date.start, event.date.end
    if event.date.discrepancy:
        start, end = min(start, event.date.discrepancy.start), max(end, event.date.discrepancy.end)
    return start, end


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    """The first day of `day`'s month, or of the month `months_back` months earlier (negative: later)."""
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s month."""
    return _month_start(day, -1)


def _detail_window(all_events: list[Event]) -> tuple[dt.date, dt.date] | None:
    """The months the detail panel shows, from the whole course so filters never move it; None: one panel.

    It ends with the month of the last event, or of the last article event if that would make it longer
    than DETAIL_MAX_MONTHS, and starts DETAIL_MONTHS - 1 months before the last article event's month.
    """
    first = min(_span(e)[0] for e in all_events)
    last = max(_span(e)[1] for e in all_events)
    if (last - first).days <= SINGLE_PANEL_DAYS:
        return None
    anchor = [e for e in all_events if not e.background] or all_events
    anchor_end = _next_month(max(e.date.end for e in anchor))
    window_start = _month_start(anchor_end, DETAIL_MONTHS)
    window_end = max(anchor_end, _next_month(last))
    if window_end > _month_start(window_start, -DETAIL_MAX_MONTHS):
        window_end = anchor_end
    return window_start, window_end


def _window_words(window: tuple[dt.date, dt.date]) -> str:
    return f"{window[0]:%B %Y} \u2013 {window[1] - dt.timedelta(days=1):%B %Y}"


def _panels(events: list[Event], all_events: list[Event]) -> list[_Panel]:
    """An overview and a detail panel (or one of them, if the events shown need only one)."""
    window = _detail_window(all_events)
    if window is None:
        start = _month_start(min(_span(e)[0] for e in all_events))
        end = _next_month(max(_span(e)[1] for e in all_events))
        return [_Panel(f"{start:%B %Y} \u2013 {end - dt.timedelta(days=1):%B %Y}", start, end, list(events),
                       "months")]
    window_start, window_end = window
    first = min(_span(e)[0] for e in all_events)
    last = max(_span(e)[1] for e in all_events)
    detail = [e for e in events if _span(e)[0] < window_end and _span(e)[1] >= window_start]
    overview = [e for e in events if _span(e)[0] < window_start or _span(e)[0] >= window_end]
    over_start = dt.date(first.year - first.year % 5, 1, 1)
    over_end = dt.date((max(last, window_end - dt.timedelta(days=1))).year + 1, 1, 1)
    window_words = _window_words(window)
    panels = []
    if overview:
        years = f"Overview {over_start.year}\u2013{over_end.year - 1}"
        panels.append(_Panel(f"{years} (the grey band, {window_words}, is shown in detail below)",
                             over_start, over_end, overview, "years", window=window, short_title=years))
    if detail:
        panels.append(_Panel(f"Detail: {window_words}", window_start, window_end, detail, "months"))
    return panels


def _label_text(event: Event, number: int) -> str:
    return f"{number}*" if event.date.year_inferred else str(number)


_TEXT_WIDTHS: dict[tuple[str, float, str, float], float] = {}  # measured once per process: redraws stay fast


def _text_width(figure, text: str, points: float, weight: str = "normal") -> float:
    """The width of one line of text in inches, as Agg draws it at the figure's dpi."""
    key = (text, points, weight, figure.dpi)
    width = _TEXT_WIDTHS.get(key)
    if width is None:
        from matplotlib.font_manager import FontProperties

        pixels, _, _ = figure.canvas.get_renderer().get_text_width_height_descent(
            text, FontProperties(size=points, weight=weight), ismath=False)
        width = _TEXT_WIDTHS[key] = pixels / figure.dpi
    return width


class _Layout:
    """Places every mark and label in its lane, in rows, so that nothing overlaps (measured in inches)."""

    def __init__(self, figure, width: float):
        self.figure = figure
        # The lane names set the left margin, so they are never cut off.
        self.left = 0.25 + max(self.text_width(THEME_LABELS[t], LANE_POINTS, "bold") for t in THEMES)
        self.width = width
        self.axes_width = width - self.left - RIGHT_INCHES

    def text_width(self, text: str, points: float = LABEL_POINTS, weight: str = "normal") -> float:
        return _text_width(self.figure, text, points, weight)

    def fit(self, text: str, points: float, limit: float) -> str:
        """`text`, cut with an ellipsis if it is wider than `limit` inches (binary search: few measurements)."""
        if self.text_width(text, points) <= limit:
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if self.text_width(text[:middle].rstrip() + "\u2026", points) <= limit:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + "\u2026"

    def place(self, panel: _Panel, lanes, numbers) -> None:
        """Give each (event, lane) a row: the first row of its lane where its marks and label fit."""
        per_day = self.axes_width / (panel.end - panel.start).days
        radius = MARKER_POINTS / 72 / 2

        def inches(day: dt.date) -> float:
            return (day - panel.start).days * per_day

        for theme in lanes:
            items = []
            for event in panel.events:
                if theme not in event.themes:
                    continue
                marks = [(event.date.start, event.date.end, event.date.precision)]
                if event.date.discrepancy:
                    other = event.date.discrepancy
                    marks.append((other.start, other.end, other.precision))
                lefts, rights = [], []
                for start, end, precision in marks:
                    if precision == "day":
                        centre = inches(start) + per_day / 2
                        lefts.append(centre - radius)
                        rights.append(centre + radius)
                    else:
                        lefts.append(inches(start))
                        rights.append(inches(end + dt.timedelta(days=1)))
                left, right = max(min(lefts), 0.0), min(max(rights), self.axes_width)
                text = _label_text(event, numbers[event.id])
                if panel.ticks == "months" and event.short_title:
                    # Month scale has room for words: the learner reads what happened without the key.
                    text = f"{text} {event.short_title}"
                width = self.text_width(text, weight="bold")  # bold: a selected label must fit too
                if right + LABEL_GAP_INCHES + width <= self.axes_width:
                    label_x, align = right + LABEL_GAP_INCHES, "left"
                    extent = (left, right + LABEL_GAP_INCHES + width)
                else:
                    label_x, align = left - LABEL_GAP_INCHES, "right"
                    extent = (left - LABEL_GAP_INCHES - width, right)
                items.append((extent, {"event": event, "theme": theme, "text": text,
                                       "label_x": label_x / per_day, "align": align}))
            row_ends: list[float] = []
            for extent, item in sorted(items, key=lambda pair: (pair[0][0], pair[1]["event"].id)):
                row = next((r for r, end in enumerate(row_ends) if end + ROW_GAP_INCHES <= extent[0]), None)
                if row is None:
                    row_ends.append(extent[1])
                    row = len(row_ends) - 1
                else:
                    row_ends[row] = extent[1]
                item["row"] = row
                panel.items.append(item)
            panel.rows[theme] = max(1, len(row_ends))


def _message_figure(message: str, width: float):
    figure = new_figure(width, 1.2)
    figure.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=10, parse_math=False)
    set_alt_text(figure, message)
    figure.lessons_caption = message
    figure.lessons_events = ()
    figure.lessons_messages = (message,)
    figure.lessons_marks = {}
    return figure


def _num(day: dt.date) -> float:
    """Days since 1970-01-01, matplotlib's date unit."""
    return float((day - dt.date(1970, 1, 1)).days)


def _draw_mark(ax, start: dt.date, end: dt.date, precision: str, y: float, colour: str, filled: bool,
               gid: str, style: str = "event"):
    """A day as a point; any longer precision as a bar covering every day it can mean."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    # Artists are added with add_artist, not plot/add_patch: the limits are fixed, so updating the data
    # limits for every mark would be wasted work on each redraw.
    x0 = _num(start)
    if precision == "day":
        if style == "other":
            # As large and as strongly coloured as the article's point: the sources' reading has equal weight.
            return ax.add_artist(Line2D([x0 + 0.5], [y], marker="D", markersize=MARKER_POINTS, color=colour,
                                        markerfacecolor=colour, markeredgecolor="black", markeredgewidth=1.2,
                                        linestyle="none", gid=gid, zorder=4, clip_on=False))
        # A day's point is never clipped: one on the panel's last day would be cut in half.
        return ax.add_artist(Line2D([x0 + 0.5], [y], marker="o", markersize=MARKER_POINTS, linestyle="none",
                                    gid=gid, markerfacecolor=colour if filled else "white", markeredgecolor=colour,
                                    markeredgewidth=1.6, zorder=4, clip_on=False))
    width = (end - start).days + 1
    if style == "other":
        # Under the article's bar, so where the two overlap the article's reading stays visible.
        patch = Rectangle((x0, y - 0.22), width, 0.44, facecolor="white", edgecolor="black", hatch="xxx",
                          linewidth=0.8, gid=gid, zorder=2.5)
    else:
        patch = Rectangle((x0, y - 0.22), width, 0.44, facecolor=colour if filled else "white",
                          edgecolor=colour, linewidth=1.4, linestyle="-" if filled else "--", gid=gid, zorder=3)
    return ax.add_artist(patch)


def _draw_frame(ax, panel: _Panel, title: str) -> None:
    """What a panel shows whatever the filters: its date scale, grid, title and the detail window's band.

    Everything here is placed in axes coordinates vertically, so it stays right when the lanes change.
    """
    from matplotlib.lines import TICKDOWN, Line2D

    ax.set_xlim(_num(panel.start), _num(panel.end))
    # Axis labels are plain texts, not matplotlib ticks: a tick is five artists, and building them
    # was most of the cost of a redraw.
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.set_title(title, fontsize=9, loc="left")
    if panel.window:
        ax.axvspan(_num(panel.window[0]), _num(panel.window[1]), color="#CFCFCF", zorder=0.5, linewidth=0,
                   gid="detail-window")
    if panel.ticks == "years":
        years = range(panel.start.year, panel.end.year + 1)
        ticks = [(_num(dt.date(y, 1, 1)), str(y)) for y in years if y % 5 == 0]
        grid = [_num(dt.date(y, 1, 1)) for y in years]
    else:
        ticks = list(zip(*_month_ticks(panel.start, panel.end)))
        grid = [position for position, _ in ticks]
    date_axis = ax.get_xaxis_transform()
    ax.vlines(grid, 0, 1, transform=date_axis, colors="white" if panel.ticks == "years" else "#DDDDDD",
              linewidth=0.6, zorder=0.6)
    positions = [position for position, _ in ticks]
    ax.add_artist(Line2D(positions, [0] * len(positions), transform=date_axis, marker=TICKDOWN,
                         markersize=0.05 * 72, markeredgewidth=0.8, color="black", linestyle="none", clip_on=False))
    for position, text in ticks:
        ax.annotate(text, (position, 0), xycoords=date_axis, xytext=(0, -5), textcoords="offset points",
                    ha="center", va="top", fontsize=8, annotation_clip=False, gid="date-label")


def _draw_events(ax, panel: _Panel, lanes, layout: _Layout, marks: dict) -> list:
    """The lanes and the events of one panel; returns the artists, so a redraw can remove them."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    total_rows = sum(panel.rows[t] for t in lanes)
    ax.set_ylim(total_rows, 0)
    drawn, offsets, top = [], {}, 0
    lane_axis = ax.get_yaxis_transform()
    for index, theme in enumerate(lanes):
        offsets[theme] = top
        rows = panel.rows[theme]
        if index % 2 == 0:
            drawn.append(ax.add_artist(Rectangle((0, top), 1, rows, transform=lane_axis, color=LIGHT_GREY,
                                                 zorder=0, linewidth=0)))
        if index:
            drawn.append(ax.add_artist(Line2D([0, 1], [top, top], transform=lane_axis, color=GREY, linewidth=0.6,
                                              zorder=1)))
        drawn.append(ax.text(-0.012, top + rows / 2, THEME_LABELS[theme], transform=lane_axis, ha="right",
                             va="center", fontsize=LANE_POINTS, fontweight="bold", color=THEME_COLOURS[theme],
                             gid=f"lane:{theme}", parse_math=False))
        top += rows

    pad = (panel.end - panel.start).days / layout.axes_width * 0.03  # 0.03 inch round the marks
    for item in panel.items:
        event, theme = item["event"], item["theme"]
        y = offsets[theme] + item["row"] + 0.5
        colour = THEME_COLOURS[theme]
        suffix = f"{event.id}:{theme}:{panel.key}"
        drawn.append(_draw_mark(ax, event.date.start, event.date.end, event.date.precision, y, colour,
                                not event.background, f"event:{suffix}"))
        other = event.date.discrepancy
        if other:
            drawn.append(_draw_mark(ax, other.start, other.end, other.precision, y, colour, False,
                                    f"discrepancy:{suffix}", style="other"))
            a, b = sorted([(_num(event.date.start) + _num(event.date.end) + 1) / 2,
                           (_num(other.start) + _num(other.end) + 1) / 2])
            drawn.append(ax.add_artist(Line2D([a, b], [y, y], linestyle=":", color="black", linewidth=1.2,
                                              zorder=2, gid=f"discrepancy-link:{suffix}")))
        text = ax.text(_num(panel.start) + item["label_x"], y, item["text"], ha=item["align"], va="center",
                       fontsize=LABEL_POINTS, color="black", gid=f"label:{suffix}", parse_math=False, zorder=6)
        drawn.append(text)
        first, last = _span(event)
        marks.setdefault(event.id, []).append(
            (ax, (_num(first) - pad, y - 0.45), (last - first).days + 1 + 2 * pad, text, suffix))
    return drawn


def _highlight(figure, selected: str | None) -> None:
    """Outline the selected event's marks (in every lane and panel); undo the previous outline."""
    from matplotlib.patches import Rectangle

    for artist in getattr(figure, "_lessons_highlight", ()):
        artist.remove()
    added = []
    for ax, corner, width, _text, suffix in figure.lessons_marks.get(selected, ()):
        added.append(ax.add_artist(Rectangle(corner, width, 0.9, facecolor="none", edgecolor="black",
                                             linewidth=1.8, zorder=5, gid=f"selected:{suffix}")))
    figure._lessons_highlight = added
    figure.lessons_selected = selected if added else None


LEGEND_ENTRIES = (
    ("point", "article event dated to a day (point)"),
    ("bar", "article event: month, season, year or range (bar)"),
    ("hollow", "background event (hollow; not in the article)"),
    ("other", "date the sources give where it differs (diamond or hatched bar)"),
    ("star", "N* = year not stated in the article, inferred"),
    ("selected", "selected event (outlined)"),
)


def _legend(figure, bottom: float, height: float, full_height: float):
    """The symbol key, drawn as plain artists (a matplotlib Legend costs more on every redraw)."""
    from matplotlib.patches import Rectangle

    width = figure.get_figwidth()
    ax = figure.add_axes([0, bottom / full_height, 1, height / full_height])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    column_width = (width - 0.4) / 3
    for index, (symbol, label) in enumerate(LEGEND_ENTRIES):
        row, column = divmod(index, 3)
        x = 0.35 + column * column_width
        y = height - 0.18 - row * 0.2
        if symbol == "point":
            ax.plot([x], [y], marker="o", color=GREY, markersize=MARKER_POINTS)
        elif symbol == "hollow":
            ax.plot([x], [y], marker="o", color=GREY, markerfacecolor="white", markersize=MARKER_POINTS,
                    markeredgewidth=1.6)
        elif symbol == "other":
            ax.plot([x - 0.1, x + 0.1], [y, y], linestyle=":", color="black", linewidth=1.2)
            ax.plot([x - 0.1], [y], marker="D", color=GREY, markerfacecolor=GREY, markeredgecolor="black",
                    markersize=MARKER_POINTS)
        elif symbol == "bar":
            ax.add_patch(Rectangle((x - 0.12, y - 0.04), 0.24, 0.08, color=GREY))
        elif symbol == "selected":
            ax.add_patch(Rectangle((x - 0.12, y - 0.07), 0.24, 0.14, facecolor="none", edgecolor="black",
                                   linewidth=1.8))
        ax.text(x + 0.2, y, label, fontsize=7.5, va="center", ha="left", parse_math=False)
    return ax


# Each symbol of LEGEND_ENTRIES as a small inline SVG (24 x 14 px), for the widget's HTML legend.
_LEGEND_SVG = {
    "point": f'<circle cx="12" cy="7" r="4" fill="{GREY}"/>',
    "bar": f'<rect x="2" y="4" width="20" height="6" fill="{GREY}"/>',
    "hollow": f'<circle cx="12" cy="7" r="3.6" fill="white" stroke="{GREY}" stroke-width="1.6"/>',
    "other": ('<line x1="7" y1="7" x2="22" y2="7" stroke="black" stroke-width="1.2" stroke-dasharray="1.2 2"/>'
              f'<path d="M7 2.5 11.5 7 7 11.5 2.5 7Z" fill="{GREY}" stroke="black" stroke-width="1"/>'),
    "star": "",
    "selected": '<rect x="2" y="2" width="20" height="10" fill="none" stroke="black" stroke-width="1.8"/>',
}


def legend_html(course: Course | None = None) -> str:
    """The symbol key the static figure draws under its plot, as HTML beside the widget's image.

    In HTML it costs nothing to redraw; the figure's grey band is explained here too, as the widget's
    overview title is short.
    """
    items = [f'<li style="white-space:nowrap"><svg aria-hidden="true" width="24" height="14" '
             f'style="vertical-align:middle">{_LEGEND_SVG[symbol]}</svg> {escape(label)}</li>'
             for symbol, label in LEGEND_ENTRIES]
    window = _detail_window(resolve_course(course).events_in_order())
    if window:
        items.append('<li><svg aria-hidden="true" width="24" height="14" style="vertical-align:middle">'
                     '<rect x="2" y="1" width="20" height="12" fill="#CFCFCF"/></svg> '
                     f"grey band in the overview: {escape(_window_words(window))}, shown in detail below</li>")
    return ('<div class="lessons-timeline-legend" aria-label="Symbols used in the timeline">'
            '<ul style="columns:3;list-style:none;padding-left:0;font-size:85%;margin:0 0 0.5em 0">'
            + "".join(items) + "</ul></div>")


def _month_ticks(start: dt.date, end: dt.date) -> tuple[list[float], list[str]]:
    """A tick at each month's first day: 'Mar', with the year under January and under the first tick."""
    ticks, labels, day = [], [], start
    while day <= end:
        ticks.append(_num(day))
        labels.append(f"{day:%b}\n{day.year}" if day.month == 1 or day == start else f"{day:%b}")
        day = _next_month(day)
    return ticks, labels


def key_line(event: Event, number: int) -> str:
    """One line of the figure's key: number, date (and the sources' date where they differ), title."""
    origin = " (background)" if event.background else ""
    return f"{_label_text(event, number)}  {event.date.in_words}{origin}: {event.title}"


def _key(figure, events, numbers, layout: _Layout, top: float, width: float, full_height: float):
    """Number -> date and title for every drawn event, in two columns, each entry cut to fit its column."""
    columns = 2
    column_width = (width - 0.4) / columns
    per_column = -(-len(events) // columns)
    line = KEY_POINTS * 1.55 / 72
    texts = []
    for index, event in enumerate(events):
        column, row = divmod(index, per_column)
        text = layout.fit(key_line(event, numbers[event.id]), KEY_POINTS, column_width - 0.15)
        texts.append(figure.text((0.2 + column * column_width) / width, (top - (row + 1) * line) / full_height,
                                 text, fontsize=KEY_POINTS, va="bottom", ha="left", gid=f"key:{event.id}",
                                 parse_math=False))
    return texts


def _alt_text(selection: Selection, events, panels) -> str:
    count = len(events)
    years = sorted({e.date.start.year for e in events} | {e.date.end.year for e in events})
    lanes = Counter(t for e in events for t in e.themes if t in selection.themes)
    lane_words = "; ".join(f"{THEME_LABELS[t]} ({lanes[t]})" for t in selection.themes)
    n_lanes = len(selection.themes)
    lane_count = {1: "one lane", 2: "two lanes", 3: "three lanes", 4: "four lanes"}.get(n_lanes, f"{n_lanes} lanes")
    background = sum(e.background for e in events)
    points = sum(e.date.precision == "day" for e in events)
    inferred = sum(e.date.year_inferred for e in events)
    parts = [f"Timeline of {count} event{'s' if count != 1 else ''} from {years[0]} to {years[-1]} in {lane_count}: "
             f"{lane_words}."]
    if len(panels) == 2:
        parts.append(f"The upper panel is an overview from {panels[0].start.year} to {panels[0].end.year - 1}; "
                     f"the lower panel shows {panels[1].title.split(': ', 1)[1]} in detail.")
    parts.append(f"{count - background} come from the article (filled marks) and {background} from background "
                 f"sources (hollow marks). {points} are dated to a day (points); {count - points} to a month, "
                 f"season, year or range (bars as long as the time they can mean).")
    if inferred:
        parts.append(f"{inferred} date{'s have' if inferred != 1 else ' has'} a year the article does not "
                     f"state, inferred from context (marked with *).")
    for event in events:
        other = event.date.discrepancy
        if other:
            parts.append(f"Dates differ for event {selection.numbers[event.id]}, {event.title}: "
                         f"{event.date.in_words} (the second reading is a diamond or hatched mark joined "
                         f"by a dotted line).")
    parts.append("Events in order: " + "; ".join(
        f"{selection.numbers[e.id]}. {e.date.in_words}: {e.title}" for e in events) + ".")
    return " ".join(parts)


CAPTION = ("Filled marks come from the article, hollow marks from background sources. A point is a day; a bar "
           "spans every day a month, season, year or range can mean. * marks a year the article does not "
           "state (the reasoning is in the event panel and the table). Where the sources date an event "
           "differently, their reading is a diamond or hatched mark, as large as the article's and joined to it "
           "by a dotted line; the event panel says how sure the correction is. Numbers refer to the key and to "
           "the events table.")


def _title(events) -> str:
    years = f"{min(e.date.start for e in events).year}\u2013{max(e.date.end for e in events).year}"
    return f"Timeline: {len(events)} event{'s' if len(events) != 1 else ''}, {years}"


class _Drawing:
    """One timeline figure, drawn for a selection and redrawn in place for the next one.

    The panels' axes, date scales and titles do not depend on the filters (panels span the whole course),
    so they are built once; a redraw removes the previous lanes and marks and adds the new ones.
    `lean` (the widget) leaves out the title and symbol legend, which the widget shows as HTML, and uses
    the panels' short titles.
    """

    def __init__(self, course: Course, width: float = FIGURE_WIDTH, key: bool = True, lean: bool = False):
        self.all_events = course.events_in_order()
        self.width, self.key, self.lean = width, key, lean
        self.figure = new_figure(width, 6, redrawn=lean)
        self.figure.lessons_marks = {}
        self.layout = _Layout(self.figure, width)
        self.frames: dict = {}  # panel key -> its axes
        self.legend = None
        self.drawn: list = []  # this selection's artists

    def draw(self, selection: Selection):
        figure, layout, width = self.figure, self.layout, self.width
        _highlight(figure, None)
        for artist in self.drawn:
            artist.remove()
        self.drawn = []
        events = list(selection.events)
        lanes = selection.themes
        panels = _panels(events, self.all_events)
        for panel in panels:
            layout.place(panel, lanes, selection.numbers)
        title_h = LEAN_TOP_INCHES if self.lean else TITLE_INCHES
        legend_h = 0.0 if self.lean else LEGEND_INCHES
        key_h = (-(-len(events) // 2) * KEY_POINTS * 1.55 / 72 + 0.15) if self.key else 0.0
        panel_heights = [sum(p.rows[t] for t in lanes) * ROW_INCHES for p in panels]
        full_height = (title_h + sum(h + PANEL_TITLE_INCHES + DATES_INCHES + GAP_INCHES for h in panel_heights)
                       + legend_h + key_h)
        figure.set_size_inches(width, full_height)
        figure.lessons_marks = {}
        if not self.lean:
            self.drawn.append(figure.text(0.2 / width, 1 - 0.3 / full_height, _title(events), fontsize=11,
                                          fontweight="bold", ha="left", va="baseline", parse_math=False))
        top = full_height - title_h
        for panel, height in zip(panels, panel_heights):
            top -= PANEL_TITLE_INCHES
            ax = self.frames.get(panel.key)
            if ax is None:
                ax = self.frames[panel.key] = figure.add_axes([0, 0, 1, 1])
                _draw_frame(ax, panel, (panel.short_title or panel.title) if self.lean else panel.title)
            ax.set_position([layout.left / width, (top - height) / full_height, layout.axes_width / width,
                             height / full_height])
            self.drawn += _draw_events(ax, panel, lanes, layout, figure.lessons_marks)
            top -= height + DATES_INCHES + GAP_INCHES
        shown = {panel.key for panel in panels}
        for key, ax in self.frames.items():
            ax.set_visible(key in shown)
        if not self.lean:
            bottom = top - legend_h
            if self.legend is None:
                self.legend = _legend(figure, bottom, legend_h, full_height)
            self.legend.set_position([0, bottom / full_height, 1, legend_h / full_height])
            top = bottom
        if self.key:
            self.drawn += _key(figure, events, selection.numbers, layout, top, width, full_height)
        figure.lessons_events = tuple(e.id for e in events)
        figure.lessons_messages = selection.messages
        set_alt_text(figure, _alt_text(selection, events, panels))
        figure.lessons_caption = CAPTION
        return figure


def timeline_figure(course: Course | None = None, themes=None, actors=None, include_background: bool = True,
                    selected: str | None = None, width: float = FIGURE_WIDTH, key: bool = True):
    """The static timeline figure (matplotlib Figure) for exercises and export, with `lessons_alt_text`.

    `themes` and `actors` filter (actors by id, name or alias); `selected` outlines one event by id;
    `key=False` leaves out the numbered key under the plot. An empty or unknown filter gives a figure
    that says so, never an exception.
    """
    course = resolve_course(course)
    selection = select_events(course, themes, actors, include_background)
    if selection.events:
        figure = _Drawing(course, width, key).draw(selection)
    else:
        figure = _message_figure(" ".join([*selection.messages, selection.empty_message]), width)
    _highlight(figure, selected)
    return figure


# --------------------------------------------------------------------------- the selected event's panel


def event_html(course: Course, event: Event, number: int | None = None) -> str:
    """One event as escaped HTML: article wording, resolved date and precision, actors, places and evidence."""
    date = event.date
    heading = f"{number}. {event.title}" if number is not None else event.title
    date_name = f"Date, by {date.read_by}" if date.discrepancy else "Date"
    rows = [(date_name, f"{date.label} \u2014 precision: {PRECISION_WORDS.get(date.precision, date.precision)}")]
    if date.wording:
        rows.append(("The article's words", f"\u201c{date.wording}\u201d"))
    else:
        rows.append(("The article's words", "not in the article (background event)" if event.background
                     else "the article gives no date words for this event"))
    if date.year_inferred:
        rows.append(("Year inferred", date.inference or "the article does not state the year"))
    elif date.inference:
        rows.append(("How the date was resolved", date.inference))
    if date.discrepancy:
        other = date.discrepancy
        flag = course.flags.get(other.flag) if other.flag else None
        rows.append((f"Date, by {other.said_by}", f"{other.label} (precision: {other.precision}): {other.note}"))
        if flag:
            sure = f"; how sure the correction is: {flag.confidence}" if flag.confidence else ""
            rows.append(("What checking found", f"{flag.title} ({flag.severity}{sure})"))
    rows.append(("Themes", ", ".join(THEME_LABELS.get(t, t) for t in event.themes)))
    rows.append(("Actors", ", ".join(actor_name(course, a) for a in event.actors) or "none named"))
    if event.places:
        rows.append(("Places", ", ".join(course.places[p].name if p in course.places else p
                                         for p in event.places)))
    rows.append(("Source of this event", "background: outside sources only, not the article" if event.background
                 else "the article"))
    table = "".join(f'<tr><th scope="row" style="text-align:left;vertical-align:top;padding-right:1em">'
                    f"{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in rows)
    description = f"<p>{escape(event.description)}</p>" if event.description else ""
    return (f'<section aria-label="{escape(heading)}"><h4>{escape(heading)}</h4><table>{table}</table>'
            f"{description}<h5>Evidence</h5>{evidence_html(course, event.evidence)}</section>")


# --------------------------------------------------------------------------- the widget


class TimelineView:
    """Controls, figure, selected-event panel and table, wired together. `widget` is what notebooks show."""

    def __init__(self, course: Course, themes=None, actors=None, include_background: bool = True,
                 selected: str | None = None):
        import ipywidgets as widgets

        self.course = course
        self._cache: dict[tuple, str] = {}  # (filters, selected) -> rendered figure HTML
        self._drawing: _Drawing | None = None  # one figure, redrawn in place for new filters
        self._legend_html = legend_html(course)
        self._figure_key = None  # the filters it was last drawn for
        self._figure_selected = None
        self._updating = False
        start_themes = set(_as_list(themes)) if themes is not None else set(THEMES)
        actor_ids, actor_messages = resolve_actors(course, actors)
        unknown_themes = [t for t in start_themes if t not in THEMES]
        if unknown_themes:
            actor_messages.append(f"Unknown theme(s) {', '.join(map(repr, sorted(unknown_themes)))} left out; "
                                  f"the themes are: {', '.join(THEMES)}.")
        self._start_messages = actor_messages
        self.theme_boxes = {
            theme: widgets.Checkbox(value=theme in start_themes, description=THEME_LABELS[theme], indent=False,
                                    layout=widgets.Layout(width="auto"))
            for theme in THEMES}
        used = sorted({a for e in course.events.values() for a in e.actors}, key=lambda a: actor_name(course, a))
        self.actor_select = widgets.SelectMultiple(
            options=[(actor_name(course, a), a) for a in used], value=[a for a in actor_ids if a in used],
            description="Actors", rows=min(8, max(3, len(used))), layout=widgets.Layout(width="380px"),
            tooltip="Show only events with these actors (none selected: all). Ctrl/Shift-click for several.")
        self.clear_actors = widgets.Button(description="All actors", tooltip="Clear the actor filter",
                                           icon="times")
        self.background_box = widgets.Checkbox(value=include_background, description="Show background events",
                                               indent=False, layout=widgets.Layout(width="auto"))
        self.previous_button = widgets.Button(description="Previous", icon="arrow-left",
                                              tooltip="Previous event")
        self.next_button = widgets.Button(description="Next", icon="arrow-right", tooltip="Next event")
        # A labelled number box, not an IntSlider: ipywidgets gives a slider's handle no accessible name (axe).
        self.slider = widgets.BoundedIntText(value=1, min=1, max=1, description="Event", continuous_update=False,
                                             tooltip="Step through the events shown",
                                             layout=widgets.Layout(width="12em"))
        self.table_box = widgets.Checkbox(value=False, description="Show the events as a table", indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML(value="")
        self.figure_area = widgets.HTML(value="")
        self.legend_area = widgets.HTML(value="")
        self.key_area = widgets.HTML(value="")
        self.panel = widgets.HTML(value="")
        self.panel.add_class("lessons-timeline-panel")
        self.table_area = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        themes_row = widgets.HBox([widgets.Label("Themes:"), *self.theme_boxes.values()])
        controls = widgets.VBox([
            themes_row,
            widgets.HBox([self.actor_select, widgets.VBox([self.clear_actors, self.background_box,
                                                           self.table_box])]),
            widgets.HBox([self.previous_button, self.slider, self.next_button]),
        ])
        self.widget = widgets.VBox([controls, self.status, self.figure_area, self.legend_area, self.key_area,
                                    self.panel, self.table_area])
        self.widget.add_class("lessons-timeline")
        self.widget._lessons_view = self  # lets tests and notebooks reach the controller

        for box in self.theme_boxes.values():
            box.observe(self._on_filter, names="value")
        self.actor_select.observe(self._on_filter, names="value")
        self.background_box.observe(self._on_filter, names="value")
        self.slider.observe(self._on_step, names="value")
        self.table_box.observe(self._on_table, names="value")
        self.previous_button.on_click(lambda _: self.step(-1))
        self.next_button.on_click(lambda _: self.step(+1))
        self.clear_actors.on_click(lambda _: setattr(self.actor_select, "value", ()))
        self.selection: Selection | None = None
        self.selected: str | None = selected
        self._refresh()

    # Filters as the controls hold them.
    def filters(self) -> dict:
        return {"themes": [t for t, box in self.theme_boxes.items() if box.value],
                "actors": list(self.actor_select.value), "include_background": self.background_box.value}

    @property
    def figure(self):
        """The figure for the current filters and selection (None when no event matches)."""
        if not self.selection or not self.selection.events:
            return None
        return self._current_figure()

    def _current_figure(self):
        selection = self.selection
        key = (selection.themes, selection.actors, selection.include_background)
        if self._drawing is None:
            self._drawing = _Drawing(self.course, FIGURE_WIDTH, key=False, lean=True)
        figure = self._drawing.figure
        if key != self._figure_key:
            self._drawing.draw(selection)
            self._figure_key, self._figure_selected = key, None
            self._renderer = QuickRenderer(figure)
        if self._figure_selected != self.selected:
            _highlight(figure, self.selected)  # a new selection only moves the outline
            self._figure_selected = self.selected
        return figure

    def _on_filter(self, change=None):
        if not self._updating:
            self._start_messages = []
            self._refresh()

    def _on_step(self, change):
        if self._updating or not self.selection or not self.selection.events:
            return
        self.selected = self.selection.events[change["new"] - 1].id
        self._show()

    def _on_table(self, change):
        self.table_area.layout.display = None if change["new"] else "none"
        self._show_table()

    def step(self, by: int) -> None:
        """Select the previous (-1) or next (+1) event, if there is one."""
        if not self.selection or not self.selection.events:
            return
        self.slider.value = min(max(self.slider.value + by, self.slider.min), self.slider.max)

    def select(self, event_id: str) -> None:
        """Select an event by id, if the filters show it."""
        ids = [e.id for e in self.selection.events] if self.selection else []
        if event_id in ids:
            self.slider.value = ids.index(event_id) + 1

    def _refresh(self):
        selection = select_events(self.course, **self.filters())
        self.selection = selection
        ids = [e.id for e in selection.events]
        if self.selected not in ids:
            self.selected = ids[0] if ids else None
        self._updating = True
        try:
            if ids:
                self.slider.max = len(ids)
                self.slider.value = ids.index(self.selected) + 1
            else:
                self.slider.value, self.slider.max = 1, 1
            for control in (self.slider, self.previous_button, self.next_button):
                control.disabled = not ids
        finally:
            self._updating = False
        messages = [*self._start_messages, *selection.messages]
        if not ids:
            messages.append("No events match these filters. " + describe_filters(selection)
                            + " Tick a theme, clear the actor filter or show background events.")
        else:
            messages.append(f"Showing {len(ids)} of {len(self.course.events)} events. "
                            + describe_filters(selection))
        self.status.value = ('<div role="status" aria-live="polite">'
                             + "".join(f"<p>{escape(m)}</p>" for m in messages) + "</div>")
        self._show()
        self._show_table()

    def _show(self):
        selection = self.selection
        if not selection.events:
            self.figure_area.value = self.legend_area.value = self.key_area.value = ""
            self.panel.value = "<p>No event selected: no events match the filters.</p>"
            return
        key = (selection.themes, selection.actors, selection.include_background, self.selected)
        if key not in self._cache:
            figure = self._current_figure()
            png = self._renderer.png(figure._lessons_highlight)  # only the outline is drawn anew
            self._cache[key] = (f'<p style="margin:0.2em 0"><strong>{escape(_title(selection.events))}</strong></p>'
                                + png_html(png, alt_text(figure), CAPTION, "lessons-timeline-figure"))
            if len(self._cache) > 64:
                self._cache.pop(next(iter(self._cache)))
        self.figure_area.value = self._cache[key]
        self.legend_area.value = self._legend_html
        self.key_area.value = key_html(selection, self.selected)
        event = self.course.events[self.selected]
        self.panel.value = event_html(self.course, event, selection.numbers[event.id])

    def _show_table(self):
        if self.table_box.value:
            self.table_area.value = events_table(self.course, **self.filters())._repr_html_()


def key_html(selection: Selection, selected: str | None = None) -> str:
    """The figure's key as an HTML list (number, date, title), two columns; the selected event in bold."""
    items = []
    for event in selection.events:
        text = escape(key_line(event, selection.numbers[event.id]))
        items.append(f"<li><strong>{text}</strong></li>" if event.id == selected else f"<li>{text}</li>")
    return ('<div class="lessons-timeline-key" aria-label="Key to the numbers in the timeline">'
            '<ul style="columns:2;list-style:none;padding-left:0;font-size:90%;margin:0">'
            + "".join(items) + "</ul></div>")


def timeline(course: Course | None = None, themes=None, actors=None, include_background: bool = True,
             selected: str | None = None):
    """The interactive timeline (an ipywidgets VBox): filter by theme and actor, step through events."""
    course = resolve_course(course)
    return TimelineView(course, themes, actors, include_background, selected).widget
