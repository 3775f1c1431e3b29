"""The validated course as plain JSON: written after a full validation, read back without running any code.

Why JSON and not pickle: a pickle runs code when it loads, so a cache file that anyone else (a learner's
submission, another user on a shared hub) could write would let them run code in every later process that
reads it. JSON only ever becomes dicts, lists, strings and numbers; this module then builds the course's own
frozen records from it, and only the classes named in `_CLASSES`. Anything else in the file is refused.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import model

FORMAT = "lessons-course-cache/1"
_TYPE, _TUPLE, _DATE = "__type__", "__tuple__", "__date__"


class CacheError(ValueError):
    """The file is not a course cache this version can read."""


def _classes() -> dict[str, type]:
    from . import questions  # imported late: questions imports the content loader, which imports this module

    records = [model.Evidence, model.Source, model.Actor, model.Place, model.Discrepancy, model.EventDate,
               model.Event, model.Claim, model.Number, model.Term, model.Flag, model.Misconception,
               model.Article, model.Course, questions.Objective, questions.Question, questions.Choice]
    return {cls.__name__: cls for cls in records}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE: type(value).__name__, **fields}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or {_TYPE, _TUPLE, _DATE} & value.keys():
            raise CacheError(f"a mapping with keys {list(value)[:3]} cannot be stored")
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise CacheError(f"a {type(value).__name__} cannot be stored")


def _decode(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, list):
        return [_decode(v, classes) for v in value]
    if not isinstance(value, dict):
        return value
    if _TYPE in value:
        cls = classes.get(value[_TYPE])
        if cls is None:
            raise CacheError(f"unknown record type {value[_TYPE]!r}")
        fields = {k: _decode(v, classes) for k, v in value.items() if k != _TYPE}
        try:
            return cls(**fields)
        except TypeError as error:
            raise CacheError(f"{cls.__name__}: {error}") from None
    if _TUPLE in value:
        return tuple(_decode(v, classes) for v in value[_TUPLE])
    if _DATE in value:
        return dt.date.fromisoformat(value[_DATE])
    return {k: _decode(v, classes) for k, v in value.items()}


def dumps(course: model.Course, key: str) -> str:
    """The course and the digest of the inputs it was validated from, as JSON text."""
    return json.dumps({"format": FORMAT, "key": key, "course": _encode(course)}, ensure_ascii=False)


def loads(text: str, key: str) -> model.Course:
    """The course stored in `text`; CacheError if the text is not a cache of exactly these inputs."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CacheError(f"not JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CacheError("not a course cache of this format")
    if data.get("key") != key:
        raise CacheError("made from other content or another version of the package")
    course = _decode(data.get("course"), _classes())
    if not isinstance(course, model.Course):
        raise CacheError("holds no course")
    return course


def read(path: Path, key: str) -> model.Course | None:
    """The course cached at `path` for inputs `key`, or None when it is missing, stale or not a cache."""
    try:
        return loads(path.read_text(encoding="utf-8"), key)
    except (OSError, UnicodeDecodeError, CacheError, ValueError, TypeError, RecursionError):
        return None


def write(path: Path, course: model.Course, key: str) -> bool:
    """Store the course atomically (kernels starting together never read half a file); False if it could not."""
    written = None
    try:
        text = dumps(course, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".course-",
                                         suffix=".json", delete=False) as handle:
            written = handle.name
            handle.write(text)
        os.chmod(written, 0o644)  # a shared, prebuilt cache is read by every user
        os.replace(written, path)
        return True
    except (OSError, CacheError):
        if written:
            with contextlib.suppress(OSError):
                os.unlink(written)
        return False
