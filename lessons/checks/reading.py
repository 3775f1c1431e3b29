"""Reading answers fairly: types, spelling variants, names, dates and whole numbers."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any, Callable

from ..names import names_of
from .capture import MAX_ITEMS, Cut, Opaque, Pairs
from .registry import NotAttempted, NotYet


_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                       "_": " "})


ECHO_WIDTH = 80  # an answer echoed in a message is cut to this many characters


def _short(value: Any, width: int = ECHO_WIDTH) -> str:
    """An answer as a message shows it: its repr, cut to `width` characters with an ellipsis."""
    try:
        text = repr(value) if not isinstance(value, BaseException) else str(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _describe(value: Any) -> str:
    type_name = value.type_name if isinstance(value, Opaque) else type(value).__name__
    return f"of type {type_name}: {_short(value)}"


def _norm(text: str) -> str:
    """Fold case, quote marks, underscores and spacing; drop punctuation at either end."""
    folded = " ".join(str(text).translate(_FOLD).casefold().split())
    return folded.strip(" .,;:!?\"'()")


def _stub(answer: Any) -> None:
    if answer is None or answer is Ellipsis:
        raise NotAttempted()


def _items(answer: Any, noun: str) -> list:
    """An answer that should be a collection, as a list; list, tuple, set and other iterables all count."""
    _stub(answer)
    if isinstance(answer, Cut):
        raise NotYet(f"Your answer has more than {MAX_ITEMS:,} entries; it should hold a few {noun}. Did an "
                     "endless loop or generator make it?")
    if isinstance(answer, (str, bytes)):
        raise NotYet(f"Give a list of {noun}, not one string: for example [\"first\", \"second\"].")
    if isinstance(answer, dict):
        raise NotYet(f"Give a list (or set) of {noun}, not a dict.")
    try:
        return list(answer)
    except TypeError:
        raise NotYet(f"Give a list of {noun}; this answer is {_describe(answer)}.") from None


def _pairs(answer: Any, noun: str) -> list[tuple[Any, Any]]:
    """A mapping answer as (key, value) pairs, so that two keys for one thing stay visible to the judge."""
    _stub(answer)
    if isinstance(answer, Pairs):
        return list(answer.pairs)
    if isinstance(answer, (list, tuple)) and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in answer):
        try:
            {key: None for key, _ in answer}  # keys must be hashable, as in a dict
        except TypeError:
            pass
        else:
            return [tuple(p) for p in answer]
    return list(_mapping(answer, noun).items())


def _mapping(answer: Any, noun: str) -> dict:
    """An answer that should map keys to values: a dict, or a list of (key, value) pairs."""
    _stub(answer)
    if isinstance(answer, Cut):
        raise NotYet(f"Your answer has more than {MAX_ITEMS:,} entries; give a dict that maps {noun}.")
    if isinstance(answer, dict):
        return dict(answer)
    try:
        pairs = list(answer) if not isinstance(answer, (str, bytes)) else None
        if pairs is not None and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
            return dict(pairs)
    except TypeError:
        pass
    raise NotYet(f"Give a dict that maps {noun}, e.g. {{key: value, ...}}; this answer is {_describe(answer)}.")


def _among(course, items) -> Any:
    """The course's name matcher (lessons.names), restricted to these items."""
    return names_of(course).among(item.id if hasattr(item, "id") else item for item in items)


def _judge_names(answer: Any, expected: list[str], names, noun: str, label: Callable[[str], str],
                 hints: tuple[Callable[[list, list], str | None], ...] = ()) -> str:
    """Judge a collection of names against expected ids, in any order and any listed spelling."""
    items = _items(answer, noun)
    if not items:
        raise NotYet(f"Your list is empty; it should hold {noun}.")
    for item in items:
        if not isinstance(item, str):
            raise NotYet(f"Each entry should be a name (a string); found one {_describe(item)}.")
    found = [names.find(item) for item in items]
    for hint in hints:
        message = hint(items, found)
        if message:
            raise NotYet(message)
    unknown = [item for item, item_id in zip(items, found) if item_id is None]
    if unknown:  # say what it is instead: a capital, another kind of thing, a misspelling, or unknown
        raise NotYet(names.explain(unknown[0], noun))
    twice = [item for item, n in Counter(found).items() if n > 1]
    if twice:
        raise NotYet(f"{label(twice[0])} appears more than once in your list.")
    right = [f for f in found if f in expected]
    extra = [f for f in found if f not in expected]
    if extra or len(right) < len(expected):
        parts = [f"You have {len(right)} of the {len(expected)} {noun}"]
        if extra:
            parts.append(f"and {len(extra)} that do{'es' if len(extra) == 1 else ''} not belong "
                         f"(e.g. {label(extra[0])})")
        raise NotYet(" ".join(parts) + ".")
    return f"All {len(expected)} {noun}: {', '.join(label(e) for e in expected)}."


def _as_interval(value: Any) -> tuple[dt.date, dt.date] | None:
    """A date answer as the days it can mean: a date, a datetime, or an ISO string (day or month)."""
    if isinstance(value, dt.datetime):
        return value.date(), value.date()
    if isinstance(value, dt.date):
        return value, value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        day = value.to_pydatetime().date()
        return day, day
    text = str(value).strip() if isinstance(value, str) or type(value).__name__ == "datetime64" else None
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ][\d:.]+)?", text)
    if not match:
        return None
    from ..dates import DateError, resolve

    try:
        return resolve("day", text[:10]) if match.group(3) else resolve("month", text[:7])
    except DateError:
        return None


def _whole_number(answer: Any, what: str) -> int:
    _stub(answer)
    if isinstance(answer, dt.timedelta):
        if answer % dt.timedelta(days=1):
            raise NotYet(f"Your timedelta is not a whole number of days ({_short(answer)}).")
        return answer.days
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) and not hasattr(answer, "__index__"):
        if isinstance(answer, str) and answer.strip().lstrip("-").isdigit():
            raise NotYet(f"Give {what} as a number, not a string: drop the quote marks.")
        raise NotYet(f"Give {what} as a whole number; this answer is {_describe(answer)}.")
    if isinstance(answer, float) and not answer.is_integer():
        raise NotYet(f"{what[:1].upper() + what[1:]} should be a whole number; you gave {_short(answer)}.")
    return int(answer)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"

