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


def new_figure(width: float, height: float, redrawn: bool = False):
    """A figure outside pyplot (nothing global to close), with an Agg canvas so text can be measured.

    `redrawn=True`: for a figure a widget redraws many times, possibly at other sizes (see `_redraw_canvas`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _figure_class()(figsize=(width, height), dpi=DEFAULT_DPI)
    (_redraw_canvas() if redrawn else FigureCanvasAgg)(figure)
    return figure


_TEXT_STAMPS: dict = {}  # (text, font, dpi, colour, ...) -> (RGBA pixels, pen x, baseline y in them)
_REDRAW_CANVAS = None


def _redraw_canvas():
    """An Agg canvas for fast redraws: it keeps a renderer for each of its last few sizes and draws every
    distinct line of text only once.

    matplotlib (3.11) lays out and renders text glyph by glyph on every draw, which was most of a redraw's
    time, and it caches text measurements per renderer, while a plain canvas makes a new renderer whenever
    the figure's size changes. Lines of text are stamped as images; other backends (PDF, SVG) are untouched.
    """
    global _REDRAW_CANVAS
    if _REDRAW_CANVAS is None:
        import math

        import numpy as np
        from matplotlib import rcParams
        from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

        class StampingRenderer(RendererAgg):
            def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
                shaped = mtext is not None and (getattr(mtext, "get_fontfeatures", lambda: None)() is not None
                                                or getattr(mtext, "get_language", lambda: None)() is not None)
                if ismath or angle or shaped:
                    return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
                # Glyphs are placed to 1/64 pixel: a stamp is kept for each position within a pixel, so
                # it matches Agg's own drawing; positions repeat from one redraw to the next.
                (column, x64), (row, y64) = divmod(round(x * 64), 64), divmod(round(y * 64), 64)
                key = (s, hash(prop), self.dpi, gc.get_rgb()[:3], gc.get_antialiased(), x64, y64,
                       rcParams["text.hinting"], rcParams["text.hinting_factor"])
                stamp = _TEXT_STAMPS.get(key)
                if stamp is None:
                    if len(_TEXT_STAMPS) > 4000:
                        _TEXT_STAMPS.clear()
                    stamp = _TEXT_STAMPS[key] = self._stamp(gc, s, prop, x64 / 64, y64 / 64)
                image, left, top = stamp
                # y runs down from the top here; draw_image wants the image's lower left corner from the bottom.
                self.draw_image(gc, column - left, self.height - (row - top) - image.shape[0], image)

            def _stamp(self, gc, s, prop, x_fraction, y_fraction):
                """The line drawn by Agg itself on a transparent scratch canvas, in the text's colour (the
                alpha is applied when the stamp is drawn); with where the pixel holding the pen position is."""
                width, height, descent = self.get_text_width_height_descent(s, prop, ismath=False)
                pad = 2 + math.ceil(prop.get_size_in_points() * self.dpi / 72 / 3)  # overhanging glyphs
                ascent = math.ceil(height - descent)
                scratch = RendererAgg(math.ceil(width) + 2 * pad, ascent + math.ceil(descent) + 2 * pad, self.dpi)
                pen = scratch.new_gc()
                pen.set_foreground(gc.get_rgb()[:3])
                pen.set_antialiased(gc.get_antialiased())
                RendererAgg.draw_text(scratch, pen, pad + x_fraction, pad + ascent + y_fraction, s, prop, 0)
                pen.restore()
                # draw_image takes rows from the bottom up.
                return np.ascontiguousarray(np.asarray(scratch.buffer_rgba())[::-1]), pad, pad + ascent

        class RedrawCanvas(FigureCanvasAgg):
            kept = 4  # renderers kept; each holds one picture's pixels

            def get_renderer(self):
                key = (*self.get_width_height(physical=True), self.figure.dpi)
                renderers = self.__dict__.setdefault("_renderers", {})
                renderer = renderers.pop(key, None) or StampingRenderer(*key)
                renderers[key] = renderer  # now the most recently used
                while len(renderers) > self.kept:
                    renderers.pop(next(iter(renderers)))
                self.renderer, self._lastKey = renderer, key
                return renderer

        _REDRAW_CANVAS = RedrawCanvas
    return _REDRAW_CANVAS


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
