"""Name matching: every form an actor, place, event or term answers to, derived from the content data.

One place for the exercise checks and the quizzes' text answers. A form is folded (case, diacritics,
quote marks, hyphens, apostrophes, spacing) and looked up among the forms the content gives: ids, names,
aliases, and forms derived from them (both spellings of a transliterated word, a person's surname and
titles, "Tavush province/region/marz", "Armenian-Turkish" for the border). A form that is one item's
own name is never another item's: "Yerevan" is the city, even though the article uses it for Armenia.
"""
from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from .model import Course

__all__ = ["fold_text", "fold", "Names", "Match", "names_of"]

_DASHES_AND_QUOTES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                                    "\u2212": "-", "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                                    "\u00b4": "'"})
_ARTICLE = re.compile(r"^(?:the )+")

# How good a form is: an item's own name or id beats an alias, an alias beats a derived form.
NAME, ALIAS, DERIVED = 0, 1, 2
# The glossary entry whose see_also lists the metonyms ("Baku" meaning the Azerbaijani government): their
# names are names of capitals, never of the state they stand for.
METONYM_TERM = "term_metonym"
# Words the content uses for Armenia's provinces (terms.yaml, term_marz) and for regions.
_PLACE_WORDS = {"province": ("province", "region", "marz"), "region": ("region",)}
_MIN_SPELLING_RATIO = 0.75  # two one-word-apart forms of one item with words this alike are two spellings


def fold_text(text: Any) -> str:
    """Fold case, diacritics, punctuation and spacing: ' Vayots-Dzor! ' and 'vayots dzor' are equal."""
    text = unicodedata.normalize("NFKD", str(text).translate(_DASHES_AND_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Apostrophes join (Vayots' Dzor -> vayots dzor, Pashinian's -> pashinians); other punctuation separates.
    text = "".join("" if ch == "'" else " " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join(text.casefold().split())


def fold(text: Any) -> str:
    """A name as it is compared: folded text without a leading 'the'."""
    return _ARTICLE.sub("", fold_text(text))


def _compact(folded: str) -> str:
    return folded.replace(" ", "")


@dataclass(frozen=True)
class Match:
    """What a typed name stands for: the items it names best, and items it is only a weaker form of."""

    text: str
    ids: tuple[str, ...]  # the items whose best form it is (usually one)
    shadowed: tuple[str, ...] = ()  # items it is an alias of, outranked by another item's own name


def _kind(item) -> str:
    return type(item).__name__.lower()


def _label(item) -> str:
    return getattr(item, "name", None) or getattr(item, "title", None) or getattr(item, "term", None) or item.id


def _name_parts(name: str) -> list[str]:
    """'Moscow (the Kremlin)' -> ['Moscow (the Kremlin)', 'Moscow']. What the brackets hold is a gloss or a
    qualifier ('Agarak checkpoint (Armenian-Iranian border)'), so it is a name only if listed as an alias."""
    found = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", name)
    return [name, found.group(1)] if found else [name]


class Names:
    """Every form each actor, place, event and term of a course answers to, with how good a form it is."""

    def __init__(self, course: Course):
        self.course = course
        self.items = {item.id: item for table in (course.actors, course.places, course.events, course.terms)
                      for item in table.values()}
        self._forms: dict[str, dict[str, tuple[int, str]]] = {}  # id -> folded form -> (level, as written)
        for item in self.items.values():
            for text, level in self._own_forms(item):
                self._add(item.id, text, level)
        spellings = self._spelling_pairs()
        for item in self.items.values():
            for text, level in self._derived_forms(item, spellings):
                self._add(item.id, text, level)
        metonym = course.terms.get(METONYM_TERM)
        self._metonyms = set(metonym.see_also) if metonym else set()
        self._by_form: dict[str, list[tuple[int, str]]] = {}
        self._by_compact: dict[str, list[tuple[int, str]]] = {}
        for item_id, forms in self._forms.items():
            for folded, (level, _) in forms.items():
                self._by_form.setdefault(folded, []).append((level, item_id))
                self._by_compact.setdefault(_compact(folded), []).append((level + 1, item_id))

    # -- building ------------------------------------------------------------------------------------

    def _add(self, item_id: str, text: str, level: int) -> None:
        folded = fold(text)
        if folded:
            forms = self._forms.setdefault(item_id, {})
            if folded in forms:  # keep the first way it was written, and the best level
                level, text = min(level, forms[folded][0]), forms[folded][1]
            forms[folded] = (level, text)

    @staticmethod
    def _own_forms(item) -> Iterable[tuple[str, int]]:
        for text in _name_parts(_label(item)):
            yield text, NAME
        for alias in getattr(item, "aliases", ()):
            yield alias, ALIAS
        yield item.id.replace("_", " "), NAME

    def _spelling_pairs(self) -> dict[str, set[str]]:
        """Words written two ways in one item's forms ('Pashinian' / 'Pashinyan'): each -> the others."""
        pairs: dict[str, set[str]] = {}
        for forms in self._forms.values():
            for first, second in itertools.combinations([f.split() for f in forms], 2):
                if len(first) != len(second):
                    continue
                differ = [(a, b) for a, b in zip(first, second) if a != b]
                if len(differ) != 1:
                    continue
                a, b = differ[0]
                if (len(a) == len(b) >= 4 and a[0] == b[0]
                        and difflib.SequenceMatcher(None, a, b).ratio() >= _MIN_SPELLING_RATIO):
                    pairs.setdefault(a, set()).add(b)
                    pairs.setdefault(b, set()).add(a)
        return pairs

    def _derived_forms(self, item, spellings: dict[str, set[str]]) -> Iterable[tuple[str, int]]:
        forms = [text for text, _ in self._forms.get(item.id, {}).items()]
        kind, item_type = _kind(item), getattr(item, "type", "")
        if kind == "actor" and item_type == "person":
            forms = self._person_forms(item, forms)
        elif kind == "place" and item_type in _PLACE_WORDS:
            words = _PLACE_WORDS[item_type]
            bare = [form for form in forms if form.split()[-1] not in words]
            forms += [f"{form} {word}" for form in bare for word in words]
            forms += [f"{word} of {form}" for form in bare for word in words]
        elif kind == "place" and item_type == "border":
            forms += [form[: -len(" border")] for form in forms if form.endswith(" border")]
        for form in forms:
            yield form, DERIVED
            for variant in _respelled(form, spellings):
                yield variant, DERIVED

    def _person_forms(self, person, forms: list[str]) -> list[str]:
        """A person's forms with every surname and title the content gives him: 'Prime Minister Pashinian'."""
        name_forms = [fold(person.name), *[fold(a) for a in person.aliases]]
        surnames = {f.split()[-1] for f in name_forms if f}
        cores = {f for f in name_forms if f and f.split()[-1] in surnames}
        titles = set()
        for form in name_forms:
            for core in sorted(cores, key=len, reverse=True):
                if form != core and form.endswith(" " + core):
                    words = form[: -len(core)].split()
                    titles |= {" ".join(words[i:]) for i in range(len(words))}
                    break
        bare = {core for core in cores if not any(core.startswith(t + " ") for t in titles)}
        return forms + sorted(surnames) + [f"{title} {core}" for title in sorted(titles)
                                           for core in sorted(bare | surnames)]

    # -- looking up ----------------------------------------------------------------------------------

    def match(self, text: Any, among: Iterable[str] | None = None) -> Match | None:
        """What `text` names, ranking forms (an item's own name first); None if it names nothing.

        Terms (glossary words) only count when `among` asks for them, so that the glossary entry
        'peacekeepers' does not outrank the actor's alias of the same spelling; the metonyms' entries
        always count, so that 'Baku' names the capital, not Azerbaijan.
        """
        if not isinstance(text, str):
            return None
        among = set(among) if among is not None else None
        folded = fold(text)
        for table, key in ((self._by_form, folded), (self._by_compact, _compact(folded))):
            refs = [(level, item_id) for level, item_id in table.get(key, ()) if self._counts(item_id, among)]
            if refs:
                best = min(level for level, _ in refs)
                ids = tuple(sorted({i for level, i in refs if level == best}))
                shadowed = tuple(sorted({i for level, i in refs if level > best} - set(ids)))
                return Match(text, ids, shadowed)
        return None

    def _counts(self, item_id: str, among: set[str] | None) -> bool:
        if _kind(self.items[item_id]) != "term" or item_id in self._metonyms:
            return True
        return among is not None and item_id in among

    def _is_capital(self, found: Match) -> bool:
        """A metonym's name that is no actor's own name: 'Yerevan' or 'Baku', not 'the Kremlin'."""
        return (any(i in self._metonyms for i in found.ids)
                and not any(_kind(self.items[i]) == "actor" for i in found.ids))

    def find(self, text: Any, among: Iterable[str]) -> str | None:
        """The one item of `among` that `text` names, or None (unknown, ambiguous, or another item's name)."""
        among = set(among)
        found = self.match(text, among)
        if found is None:
            return None
        chosen = [i for i in found.ids if i in among]
        return chosen[0] if len(chosen) == 1 else None

    def among(self, ids: Iterable[str]) -> "Among":
        """A matcher restricted to these items, for one check."""
        return Among(self, tuple(ids))

    def forms(self, item_id: str) -> list[str]:
        """Every form an item answers to, as written where the content writes it (for the quizzes)."""
        forms = self._forms.get(item_id, {})
        return [written for _, written in sorted(forms.values(), key=lambda pair: pair[0])]

    def label(self, item_id: str) -> str:
        return _label(self.items[item_id])

    def closest(self, text: Any, among: Iterable[str]) -> str | None:
        """The item of `among` whose form `text` is a likely misspelling of (for a 'did you mean' hint)."""
        if not isinstance(text, str) or len(fold(text)) < 4:
            return None
        typed = fold(text)
        candidates = {form: item_id for item_id in among for form in self._forms.get(item_id, {})}
        near = difflib.get_close_matches(typed, list(candidates), n=1, cutoff=0.8)
        return candidates[near[0]] if near else None

    def explain(self, text: Any, among: Iterable[str], noun: str) -> str:
        """Why `text` is not one of `among` (the `noun` a task asks for), naming the actual mistake."""
        among = tuple(among)
        shown = _shorten(text)
        found = self.match(text, among)
        if found is not None:
            others = [self.items[i] for i in found.ids if i not in among]
            meant = [self.label(i) for i in found.shadowed if i in among]
            if found.ids and not others:
                return f"{shown} could mean more than one of the {noun}; write the full name."
            other = sorted(others, key=lambda item: _kind(item) == "term")[0]
            what = _what(other)
            if meant and self._is_capital(found):
                return (f"{shown} is a capital; the article uses it to stand for {meant[0]}, but this task asks "
                        f"for the {noun} themselves: write {meant[0]}.")
            if meant:
                return (f"{shown} is {what}; the article uses it to stand for {meant[0]}, but this task asks "
                        f"for the {noun} themselves: write {meant[0]}.")
            return f"{shown} is {what}, not one of the {noun}."
        near = self.closest(text, among)
        if near is not None:
            return f"{shown} is not a name this check knows. Check the spelling: did you mean {self.label(near)}?"
        return (f"{shown} is not one of the {noun} this check knows; use a name as the article or the course "
                "gives it, with no extra words attached.")


class Among:
    """A `Names` restricted to the items one check asks about."""

    def __init__(self, names: Names, ids: tuple[str, ...]):
        self.names, self.ids = names, ids

    def find(self, text: Any) -> str | None:
        return self.names.find(text, self.ids)

    def explain(self, text: Any, noun: str) -> str:
        return self.names.explain(text, self.ids, noun)


def _what(item) -> str:
    kind, item_type = _kind(item), getattr(item, "type", "")
    label = _label(item)
    if kind == "place":
        return f"{label}, {_a(item_type)}" if item_type else label
    if kind == "actor":
        return f"{label} ({_a(item_type) if item_type else 'an actor'})"
    if kind == "event":
        return f"the event \u201c{label}\u201d"
    return f"the term \u201c{label}\u201d"


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _respelled(form: str, spellings: dict[str, set[str]]) -> Iterable[str]:
    def spelled(word: str) -> set[str]:
        if word in spellings:
            return {word, *spellings[word]}
        if word.endswith("s") and word[:-1] in spellings:  # a possessive, folded: pashinians
            return {word, *(other + "s" for other in spellings[word[:-1]])}
        return {word}

    options = [sorted(spelled(word)) for word in form.split()]
    if all(len(o) == 1 for o in options):
        return
    for combination in itertools.islice(itertools.product(*options), 64):
        variant = " ".join(combination)
        if variant != form:
            yield variant


def _shorten(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


_CACHE: dict[int, tuple[Course, Names]] = {}


def names_of(course: Course) -> Names:
    """The course's name index, built once per course object."""
    cached = _CACHE.get(id(course))
    if cached is None or cached[0] is not course:
        if len(_CACHE) > 4:
            _CACHE.clear()
        cached = _CACHE[id(course)] = (course, Names(course))
    return cached[1]
