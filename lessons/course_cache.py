"""The validated course as plain JSON: written after a full validation, read back without running any code.

Why JSON and not pickle: a pickle runs code when it loads, so a cache file that anyone else (a learner's
submission, another user on a shared hub) could write would let them run code in every later process that
reads it. JSON only ever becomes dicts, lists, strings and numbers; this module then builds the course's own
frozen records from it, and only the classes named in `_CLASSES`. Anything else in the file is refused.

Two places hold a cache: a shared one, built once by `python -m lessons cache build` when the course is
installed or its image is built (read-only for learners), and the per-user one each kernel fills itself.
Either is read only if no other user could have written it (`untrusted_reason`).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import model

FORMAT = "lessons-course-cache/1"
APP_NAME = "armenia-border-guards-course"
# Where the prebuilt, shared cache is (default: share/armenia-border-guards-course/ under the Python
# environment the course is installed in); empty turns it off.
SHARED_ENV = "LESSONS_SHARED_CACHE_DIR"
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


def file_name() -> str:
    """The cache file's name in a cache folder: one per Python version, as the digest is."""
    return f"course-py{sys.version_info[0]}.{sys.version_info[1]}.json"


def default_shared_dir() -> Path:
    """The shared cache folder when SHARED_ENV is not set: inside the installed environment, which learners
    cannot write on a hub (root's or the image's environment)."""
    return Path(sys.prefix) / "share" / APP_NAME


def shared_file() -> Path | None:
    """The shared cache file kernels look for, or None when SHARED_ENV is set empty."""
    folder = os.environ.get(SHARED_ENV)
    if folder is None:
        folder = str(default_shared_dir())
    return Path(folder).expanduser() / file_name() if folder else None


def untrusted_reason(path: Path) -> str | None:
    """Why another user could have written `path` or replaced it, or None when only root or this user could.

    The file and every folder above it must belong to root or to this user and be writable by no one else;
    a world-writable folder is accepted only with the sticky bit (like /tmp), where nobody can replace an
    entry they do not own. A missing file is "untrusted" too, with the reason saying so.
    """
    if os.name != "posix":  # per-user folders on other systems are protected by their ACLs; not checked here
        return None if path.exists() else f"{path} does not exist"
    trusted_owners = {0, os.geteuid()}
    try:
        real = Path(os.path.realpath(path))
        for part in (real, *real.parents):
            info = os.stat(part)
            if info.st_uid not in trusted_owners:
                return f"{part} belongs to another user (uid {info.st_uid})"
            writable_by_others = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            if writable_by_others and not (stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX):
                return f"{part} can be written by other users (mode {stat.filemode(info.st_mode)})"
    except FileNotFoundError:
        return f"{path} does not exist"
    except OSError as error:
        return f"{path} cannot be checked ({error.strerror or error})"
    return None


def read_trusted(path: Path, key: str) -> model.Course | None:
    """Like `read`, but only from a file no other user could have written."""
    return None if untrusted_reason(path) else read(path, key)
