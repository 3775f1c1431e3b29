"""Turn a learner's answer into plain JSON data, and back into plain Python values for a judge.

A check never judges the learner's live object: it first captures it here, with a fixed, bounded routine,
and judges what came back. In a learner's own notebook that happens in one process; when grading, the
capture is all the submission's kernel produces, and the judge runs in the grader with keys the
submission never sees. So a patched judge, a redefined `check` or a forged record in the outputs can
change no mark: at most they change the answer, which is what the learner submits anyway.

Tags keep apart what JSON would merge: a dict is a list of pairs (a duplicate key stays visible), a set,
a tuple, a date, a datetime, a timedelta. Anything else becomes an `Opaque` stand-in with its type name
and a short repr. A function answer is called on its task's inputs and its results recorded; a
matplotlib figure is described as points, bars and texts.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

MIME_TYPE = "application/vnd.lessons.answer+json"  # a captured answer in a notebook's outputs
MAX_ITEMS = 2_000  # items read from one collection or iterator
MAX_TEXT = 5_000  # characters kept of one string
MAX_DEPTH = 6
MAX_RECORD = 1_000_000  # bytes of JSON for one answer; beyond that the answer is recorded as too big


@dataclass(frozen=True)
class Opaque:
    """A value capture could not turn into data: its type name and a short repr, never the object."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Cut:
    """A collection longer than MAX_ITEMS: the first items, and that more followed."""

    items: list


class Pairs(dict):
    """A dict rebuilt from captured pairs; `pairs` keeps every pair, so repeated keys can be seen."""

    def __init__(self, pairs: list):
        super().__init__(pairs)
        self.pairs = list(pairs)


@dataclass(frozen=True)
class CapturedCall:
    """One recorded call of a learner's function: its arguments and its result or the exception it raised."""

    args: tuple
    kwargs: dict
    result: Any = None
    error: tuple[str, str] | None = None  # (exception type name, message)


class CapturedFunction:
    """A learner's function, replayed from the calls captured on its task's inputs (nothing else can be asked)."""

    def __init__(self, name: str, calls: list[CapturedCall]):
        self.__name__ = name
        self.calls = calls

    def __call__(self, *args, **kwargs):
        for call in self.calls:
            if call.args == args and call.kwargs == kwargs:
                if call.error:
                    raise _replayed_error(*call.error)
                return call.result
        raise TypeError("this function was only run on the task's own inputs")

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"


class ReplayedError(Exception):
    """An exception a learner's function raised, replayed under its type's name."""


def _replayed_error(type_name: str, message: str) -> Exception:
    if type_name in ("NotImplementedError", "TypeError"):  # judges tell these apart
        return {"NotImplementedError": NotImplementedError, "TypeError": TypeError}[type_name](message)
    error = ReplayedError(message)
    error.type_name = type_name
    return error


@dataclass(frozen=True)
class Text:
    """A text drawn on a figure: where (data coordinates, when it has them), and what it says."""

    text: str
    kind: str  # annotation | text | tick | legend | title | label
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    horizontal: bool


@dataclass
class AxesRecord:
    """What one axes shows: marker points in data coordinates, bars, texts, title and axis labels."""

    points: list = field(default_factory=list)  # (x, y) of every marker, in drawing order
    lines: int = 0  # lines drawn without markers
    bars: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    xticks: list = field(default_factory=list)  # (position, label)
    yticks: list = field(default_factory=list)
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    x_is_date: bool = False


@dataclass
class FigureRecord:
    """A learner's figure, described: its axes and its overall title."""

    axes: list
    suptitle: str = ""


# --------------------------------------------------------------------------------------------------- capture

def to_plain(value: Any, depth: int = 0) -> Any:
    """A JSON-safe description of `value`, bounded in size. Iterators are read once, at most MAX_ITEMS."""
    if value is None or value is Ellipsis or isinstance(value, bool):
        return None if value is Ellipsis else value
    if isinstance(value, int):
        return value if abs(value) < 2 ** 63 else {"$opaque": ["int", str(value)[:40]]}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else {"$cut_text": value[:MAX_TEXT], "length": len(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.replace(tzinfo=None).isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$timedelta": value.total_seconds()}
    scalar = _numpy_or_pandas_scalar(value)
    if scalar is not _NOTHING:
        return to_plain(scalar, depth)
    if depth >= MAX_DEPTH:
        return _opaque(value)
    if isinstance(value, dict):
        items = list(itertools.islice(value.items(), MAX_ITEMS + 1))
        pairs = [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in items[:MAX_ITEMS]]
        return {"$dict": pairs, **({"cut": True} if len(items) > MAX_ITEMS else {})}
    if isinstance(value, (list, tuple, set, frozenset)) or _is_iterator(value):
        tag = {list: "$list", tuple: "$tuple", set: "$set", frozenset: "$set"}.get(type(value), "$list")
        try:
            items = list(itertools.islice(iter(value), MAX_ITEMS + 1))
        except Exception as error:  # a generator that fails part way: what it raised is the answer
            return {"$opaque": [type(value).__name__, f"reading it raised {type(error).__name__}"]}
        plain = [to_plain(v, depth + 1) for v in items[:MAX_ITEMS]]
        return {tag: plain, **({"cut": True} if len(items) > MAX_ITEMS else {})}
    return _opaque(value)


_NOTHING = object()


def _numpy_or_pandas_scalar(value: Any) -> Any:
    module = type(value).__module__.split(".")[0]
    if module not in ("numpy", "pandas"):
        return _NOTHING
    if hasattr(value, "to_pydatetime") and not hasattr(value, "__len__"):  # pandas Timestamp
        return value.to_pydatetime()
    if getattr(value, "shape", None) == () and hasattr(value, "item"):  # numpy scalar or 0-d array
        item = value.item()
        if type(value).__name__.startswith("datetime64"):
            return str(value)  # ISO text, read as a date like any other
        return item
    if hasattr(value, "tolist") and module == "numpy":
        return value.tolist()
    return _NOTHING


def _is_iterator(value: Any) -> bool:
    if isinstance(value, (str, bytes, bytearray)) or _is_figure(value) or callable(value):
        return False
    return hasattr(value, "__iter__") and type(value).__module__.split(".")[0] not in ("matplotlib",)


def _opaque(value: Any) -> dict:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return {"$opaque": [type(value).__name__, text[:200]]}


def _is_figure(value: Any) -> bool:
    return type(value).__module__.startswith("matplotlib.") and type(value).__name__ in ("Figure", "SubFigure",
                                                                                         "Axes", "AxesSubplot")


def capture_call(function: Any, calls: list[tuple[tuple, dict]]) -> dict:
    """Run the learner's function on each of the task's inputs; record results and exceptions, never raise."""
    if not callable(function):
        return to_plain(function)
    recorded = []
    for args, kwargs in calls:
        try:
            result = {"result": to_plain(function(*args, **kwargs))}
        except BaseException as error:  # noqa: BLE001 - whatever it raised is part of the answer
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            result = {"error": [type(error).__name__, str(error)[:300]]}
        recorded.append({"args": to_plain(list(args)), "kwargs": to_plain(kwargs), **result})
    return {"$function": recorded, "name": str(getattr(function, "__name__", "function"))[:80]}


def capture_figure(answer: Any) -> Any:
    """A description of a matplotlib Figure or Axes: points, bars and texts, in plain data."""
    if not _is_figure(answer):
        return to_plain(answer)
    from matplotlib.axes import Axes

    if isinstance(answer, Axes):
        figure, axes = answer.figure, [answer]
    else:
        figure, axes = answer, list(answer.axes)
    try:
        figure.draw_without_rendering()  # lays out ticks, so their labels can be read
    except Exception:
        pass
    suptitle = getattr(figure, "_suptitle", None)
    return {"$figure": [_describe_axes(ax) for ax in axes[:20]],
            "suptitle": suptitle.get_text()[:MAX_TEXT] if suptitle is not None else ""}


def _describe_axes(ax) -> dict:
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.lines import Line2D

    points, lines = [], 0
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_transform() == ax.transData:
            if str(artist.get_marker()) not in ("None", "", " ", "none"):
                points += [[float(x), float(y)] for x, y in artist.get_xydata()[:MAX_ITEMS]]
            else:
                lines += 1
        elif isinstance(artist, PathCollection) and len(artist.get_offsets()):
            points += [[float(x), float(y)] for x, y in artist.get_offsets()[:MAX_ITEMS]]
    bars = []
    for container in ax.containers:
        if isinstance(container, BarContainer):
            horizontal = container.orientation == "horizontal"
            bars += [[float(b.get_x()), float(b.get_y()), float(b.get_width()), float(b.get_height()), horizontal]
                     for b in list(container)[:MAX_ITEMS]]
    texts = []
    for text in ax.texts[:MAX_ITEMS]:
        x, y = _text_position(text, ax)
        texts.append([text.get_text()[:MAX_TEXT], "annotation" if hasattr(text, "xy") else "text", x, y])
    legend = ax.get_legend()
    if legend:
        texts += [[t.get_text()[:MAX_TEXT], "legend", None, None] for t in legend.get_texts()[:MAX_ITEMS]]
    get_converter = getattr(ax.xaxis, "get_converter", None)
    converter = get_converter() if get_converter else getattr(ax.xaxis, "converter", None)
    return {
        "points": points[:MAX_ITEMS], "lines": lines, "bars": bars[:MAX_ITEMS], "texts": texts,
        "xticks": [[float(p), t.get_text()[:200]] for p, t in zip(ax.get_xticks(), ax.get_xticklabels())][:200],
        "yticks": [[float(p), t.get_text()[:200]] for p, t in zip(ax.get_yticks(), ax.get_yticklabels())][:200],
        "title": ax.get_title()[:MAX_TEXT], "xlabel": ax.get_xlabel()[:MAX_TEXT], "ylabel": ax.get_ylabel()[:MAX_TEXT],
        "x_is_date": type(converter).__module__.startswith("matplotlib.dates") if converter else False,
    }


def _text_position(text, ax) -> tuple[float | None, float | None]:
    try:
        if hasattr(text, "xy") and getattr(text, "xycoords", "data") == "data":
            x, y = text.xy
        elif text.get_transform() == ax.transData:
            x, y = text.get_position()
        else:
            return None, None
        return float(x), float(y)
    except Exception:
        return None, None


# --------------------------------------------------------------------------------------------------- revive

def revive(plain: Any) -> Any:
    """Plain captured data back as plain Python values a judge can read (never the learner's objects)."""
    if isinstance(plain, list):
        return [revive(v) for v in plain]
    if not isinstance(plain, dict):
        return plain
    if len(plain) == 0:
        return {}
    if "$list" in plain or "$tuple" in plain or "$set" in plain:
        tag = next(t for t in ("$list", "$tuple", "$set") if t in plain)
        items = [revive(v) for v in plain[tag]]
        if plain.get("cut"):
            return Cut(items)
        if tag == "$tuple":
            return tuple(items)
        if tag == "$set":
            try:
                return set(items)
            except TypeError:
                return items
        return items
    if "$dict" in plain:
        pairs = [(_hashable(revive(k)), revive(v)) for k, v in plain["$dict"]]
        return Cut([list(p) for p in pairs]) if plain.get("cut") else Pairs(pairs)
    if "$date" in plain:
        return dt.date.fromisoformat(plain["$date"])
    if "$datetime" in plain:
        return dt.datetime.fromisoformat(plain["$datetime"])
    if "$timedelta" in plain:
        return dt.timedelta(seconds=float(plain["$timedelta"]))
    if "$float" in plain:
        return float(plain["$float"])
    if "$cut_text" in plain:
        return str(plain["$cut_text"]) + "\u2026"
    if "$opaque" in plain:
        type_name, text = (list(plain["$opaque"]) + ["", ""])[:2]
        return Opaque(str(type_name), str(text))
    if "$function" in plain:
        calls = []
        for call in plain["$function"]:
            error = call.get("error")
            calls.append(CapturedCall(tuple(revive(call.get("args", []))), dict(revive(call.get("kwargs", {}))),
                                      revive(call.get("result")), tuple(error) if error else None))
        return CapturedFunction(str(plain.get("name", "function")), calls)
    if "$figure" in plain:
        axes = []
        for ax in plain["$figure"]:
            axes.append(AxesRecord(
                points=[(float(x), float(y)) for x, y in ax.get("points", [])], lines=int(ax.get("lines", 0)),
                bars=[Bar(*b) for b in ax.get("bars", [])],
                texts=[Text(t, kind, x, y) for t, kind, x, y in ax.get("texts", [])],
                xticks=[tuple(t) for t in ax.get("xticks", [])], yticks=[tuple(t) for t in ax.get("yticks", [])],
                title=str(ax.get("title", "")), xlabel=str(ax.get("xlabel", "")), ylabel=str(ax.get("ylabel", "")),
                x_is_date=bool(ax.get("x_is_date"))))
        return FigureRecord(axes, str(plain.get("suptitle", "")))
    return Opaque("dict", "an unreadable answer")


def _hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return Opaque(type(value).__name__, repr(value)[:200])
