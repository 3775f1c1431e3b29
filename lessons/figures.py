"""Shared figure helpers: colour-blind-safe palette, alt text, PNG and accessible HTML export."""
from __future__ import annotations

import base64
import io
from html import escape

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#7F7F7F"
LIGHT_GREY = "#EDEDED"

DEFAULT_DPI = 100


def resolve_course(course=None):
    """The given course, or the validated course from the package data."""
    if course is not None:
        return course
    from .content import load_course

    return load_course()


_FIGURE_CLASS = None


def _figure_class():
    """A matplotlib Figure that shows itself in Jupyter as an <img> with its alt text and caption.

    Figures made outside pyplot get no inline-backend image formatter, so the figure renders itself;
    the HTML form also carries the alt text to screen readers.
    """
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        from matplotlib.figure import Figure

        class LessonsFigure(Figure):
            def _repr_html_(self):
                return figure_html(self)

        _FIGURE_CLASS = LessonsFigure
    return _FIGURE_CLASS


def new_figure(width: float, height: float):
    """A figure outside pyplot (nothing global to close), with an Agg canvas so text can be measured."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _figure_class()(figsize=(width, height), dpi=DEFAULT_DPI)
    FigureCanvasAgg(figure)
    return figure


def set_alt_text(figure, text: str) -> None:
    """Attach a text description to a figure, for screen readers and static export."""
    figure.lessons_alt_text = text


def alt_text(figure) -> str:
    """The text description of a figure made by this package ('' if it has none)."""
    return getattr(figure, "lessons_alt_text", "")


def figure_png(figure, dpi: int = DEFAULT_DPI) -> bytes:
    """The figure rendered as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class QuickRenderer:
    """Redraws a figure fast when only a few overlay artists change (a selection outline).

    The figure is drawn in full once; later renders restore that picture and draw only the overlay
    (matplotlib's blitting), then encode the PNG with light compression.
    """

    def __init__(self, figure, overlay=()):
        for artist in overlay:  # the saved picture must not contain the overlay
            artist.set_visible(False)
        figure.canvas.draw()
        self.figure = figure
        self.background = figure.canvas.copy_from_bbox(figure.bbox)
        for artist in overlay:
            artist.set_visible(True)

    def png(self, overlay=()) -> bytes:
        from PIL import Image

        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        for artist in overlay:
            artist.axes.draw_artist(artist)
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def png_html(png: bytes, alt: str, caption: str | None = None, css_class: str = "lessons-figure") -> str:
    """An accessible <figure> holding an already rendered PNG."""
    data = base64.b64encode(png).decode("ascii")
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="{escape(css_class)}" style="margin:0">'
            f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" style="max-width:100%;height:auto">'
            f"{caption_html}</figure>")


def figure_html(figure, alt: str | None = None, caption: str | None = None) -> str:
    """`<figure><img src="data:image/png;base64,..." alt="..."><figcaption>...</figcaption></figure>`.

    `alt` defaults to the figure's own alt text; `caption` to its caption, if it has one.
    """
    alt = alt if alt is not None else alt_text(figure)
    caption = caption if caption is not None else getattr(figure, "lessons_caption", None)
    return png_html(figure_png(figure), alt, caption)
