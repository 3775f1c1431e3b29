"""A Jupyter course on the May 2024 Putin-Pashinian agreement on Russian border guards in Armenia.

The public API is listed in `__all__`. Every name is imported on first use, so `import lessons`
does no work and a notebook pays only for what it shows.
"""
from __future__ import annotations

import importlib
import os

__version__ = "0.1.0"

# public name -> (module, attribute)
_API = {
    "load_course": ("content", "load_course"),
    "ContentError": ("content", "ContentError"),
    "quiz": ("quiz_widgets", "quiz"),
    "checkpoint": ("quiz_widgets", "checkpoint"),
    "progress_summary": ("progress", "progress_summary"),
    "timeline": ("timeline_view", "timeline"),
    "timeline_figure": ("timeline_view", "timeline_figure"),
    "events_table": ("timeline_view", "events_table"),
    "course_map": ("map", "course_map"),
    "map_figure": ("map", "map_figure"),
    "regional_map": ("regional", "regional_map"),
    "claims_view": ("claims", "claims_view"),
    "relationship_figure": ("claims", "relationship_figure"),
    "check": ("checks", "check"),
    "show_item": ("views", "show_item"),
    "show_table": ("views", "show_table"),
}

# With LESSONS_STATIC=1 (set by `python -m lessons export`), the interactive views are replaced by their
# faithful static forms, so an exported page shows questions, figures and tables without a kernel.
_STATIC_API = {name: ("static", name) for name in (
    "quiz", "checkpoint", "progress_summary", "timeline", "course_map", "claims_view")}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'lessons' has no attribute {name!r}")
    static = os.environ.get("LESSONS_STATIC") == "1" and name in _STATIC_API
    module_name, attribute = _STATIC_API[name] if static else _API[name]
    value = getattr(importlib.import_module(f".{module_name}", __name__), attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
