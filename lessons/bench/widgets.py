"""In-process figures: handling a quiz Check, and redrawing the timeline and the map after a change.

Widgets are driven the way a learner drives them (set a control's value, click a button) and found by
walking the widget tree, so the measurement does not depend on the views' internals. The only private hook
used is a view's render cache, cleared before each "uncached" sample so it times a real redraw.
"""
from __future__ import annotations

import itertools
import time
from typing import Callable, Iterator

from .core import Figure, Target
from .session import Session

QUIZ_TARGET = Target("limit", 20.0, "p95")
TIMELINE_TARGET = Target("limit", 150.0, "median")
MAP_TARGET = Target("limit", 300.0, "median")
WARM_UP = 3


def walk(widget) -> Iterator:
    """The widget and every widget inside it, depth first, in display order."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def has_class(widget, name: str) -> bool:
    return name in (getattr(widget, "_dom_classes", ()) or ())


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - started) / 1e6


def _answer(question) -> None:
    """Give a question an answer through its first control, as a learner would."""
    import ipywidgets as widgets

    for control in walk(question):
        options = getattr(control, "options", None)
        if isinstance(control, (widgets.RadioButtons, widgets.ToggleButtons, widgets.Dropdown)) and options:
            values = [option[1] if isinstance(option, tuple) else option for option in options]
            control.value = next(value for value in values if value is not None)
            return
        if isinstance(control, widgets.Checkbox):
            control.value = True
            return
        if isinstance(control, widgets.Text):
            control.value = "1"
            return
    raise LookupError("the question has no control to answer with")


def quiz_check(session: Session) -> list[Figure]:
    """Time `.click()` on the first question's Check button of the start-here quiz, many times."""
    import ipywidgets as widgets

    from ..quiz_widgets import quiz

    figure = Figure("quiz", "quiz Check handled in-process", "ms", target=QUIZ_TARGET)
    samples = session.settings.samples_for(200)
    for run in range(session.settings.runs_for(1)):
        shown = quiz("start-here", store_dir=str(session.folder(f"quiz-progress-{run}")))
        question = next(w for w in walk(shown) if has_class(w, "lessons-question"))
        _answer(question)
        check = next(w for w in walk(question) if isinstance(w, widgets.Button) and w.description == "Check")
        feedback = next(w for w in walk(question) if has_class(w, "lessons-feedback"))
        for _ in range(WARM_UP):
            check.click()
        if not feedback.value:  # a click that shows nothing would time nothing
            raise RuntimeError("clicking Check left the feedback empty")
        figure.samples += [_ms(check.click) for _ in range(samples)]
    figure.notes.append("grade, save to the progress store (SQLite) and render the feedback; the same answer each "
                        "time, so every click is a new saved attempt")
    return [figure]


def _clear_render_cache(widget) -> None:
    cache = getattr(getattr(widget, "_lessons_view", None), "_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def _timeline_changes(shown) -> list[Callable[[], object]]:
    """One round of filter changes that keep events on screen: untick then tick each theme in turn."""
    import ipywidgets as widgets

    view = getattr(shown, "_lessons_view", None)
    boxes = list(getattr(view, "theme_boxes", {}).values()) or [w for w in walk(shown)
                                                                 if isinstance(w, widgets.Checkbox)][:1]
    flip = [lambda box=box: setattr(box, "value", not box.value) for box in boxes]
    return [change for pair in zip(flip, flip) for change in pair]


def _map_changes(shown) -> list[Callable[[], object]]:
    """One round of selections: each place in turn."""
    import ipywidgets as widgets

    view = getattr(shown, "_lessons_view", None)
    dropdown = getattr(view, "dropdown", None) or next(w for w in walk(shown) if isinstance(w, widgets.Dropdown))
    values = [option[1] if isinstance(option, tuple) else option for option in dropdown.options]
    return [lambda value=value: setattr(dropdown, "value", value) for value in values if value is not None]


def _redraw(session: Session, name: str, label: str, target: Target, build, changes) -> list[Figure]:
    uncached = Figure(name, f"{label} redraw", "ms", target=target)
    cached = Figure(f"{name}_cached", f"{label} redraw, state seen before", "ms")
    samples = session.settings.samples_for(30)
    for _ in range(session.settings.runs_for(1)):
        shown = build()
        round_of_changes = changes(shown)
        steps = itertools.cycle(round_of_changes)
        for _ in range(WARM_UP):
            next(steps)()
        for _ in range(samples):
            _clear_render_cache(shown)
            uncached.samples.append(_ms(next(steps)))
        # Once every state of a round has been shown, going through them again is what toggling back and
        # forth costs: each state comes from the view's render cache.
        for _ in range(len(round_of_changes)):
            next(steps)()
        cached.samples += [_ms(next(steps)) for _ in range(samples)]
    uncached.notes.append("the view's render cache is cleared before each change, so every sample draws and "
                          "encodes a new PNG")
    cached.notes.append("informational: a state shown before comes from the view's render cache")
    return [uncached, cached]


def redraws(session: Session) -> list[Figure]:
    """Timeline redraw after a filter change; map redraw after a selection."""
    from ..map import course_map
    from ..timeline_view import timeline

    return (_redraw(session, "timeline", "timeline", TIMELINE_TARGET, timeline, _timeline_changes)
            + _redraw(session, "map", "map", MAP_TARGET, course_map, _map_changes))
