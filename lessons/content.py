"""Load and validate the whole course in one place; return typed objects or raise with every problem."""
from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from . import attribution, course_cache, dates, model

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SEED_FILE = "000_b867ea8f7cc554b5.txt"
SEED_META = "article.yaml"
# Where the validated course is kept between processes (default: the user's cache folder); empty turns it off.
CACHE_ENV = "LESSONS_CACHE_DIR"

# Content kinds, the file that holds each, and the class it becomes. Order matters only for messages.
KIND_FILES = {
    "source": "sources.yaml",
    "actor": "actors.yaml",
    "place": "places.yaml",
    "event": "events.yaml",
    "claim": "claims.yaml",
    "number": "numbers.yaml",
    "term": "terms.yaml",
    "flag": "flags.yaml",
    "misconception": "misconceptions.yaml",
}
KIND_CLASSES = {"source": model.Source, **{kind: cls for cls, kind in model.KIND_OF_CLASS.items()}}
QUIZ_DIR = "quizzes"  # data/quizzes/*.yaml hold quiz questions, built by lessons.questions
OBJECTIVES_FILE = "objectives.yaml"  # learning objectives, built by lessons.questions

# Fields that name other items, and the kind they must name.
REFERENCES = {
    ("actor", "member_of"): "actor",
    ("actor", "part_of"): "actor",
    ("event", "actors"): "actor",
    ("event", "places"): "place",
    ("claim", "speaker"): "actor",
    ("claim", "concerns"): "actor",
    ("claim", "relayed_by"): "actor",
    ("claim", "words_of"): "actor",
    ("term", "see_also"): "term",
    ("flag", "events"): "event",
}
# Fields that must be verbatim article text, besides evidence.fragments.
VERBATIM_FIELDS = {"claim": ("quote",), "flag": ("article_says",)}

_QUOTE_MARKS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def seed_dir() -> Path:
    """The folder that holds the seed article: the repo's seeds/, or the copy an installed wheel carries."""
    repo_seeds = PACKAGE_DIR.parent / "seeds"
    return repo_seeds if (repo_seeds / SEED_FILE).exists() else PACKAGE_DIR / "_seed"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content: where it is and what is wrong."""

    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.item, self.field) if part)
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content does not validate. `problems` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"the course content has {count}:\n" + "\n".join(f"  {p}" for p in problems))


class _ContentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML without implicit timestamps: dates stay strings so the date checks can explain them."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, report: Callable[..., None]) -> Any:
    """Parse one YAML file; report a syntax error as a problem and return None."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_ContentLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        report(path.name, None, None, f"YAML syntax error{where}: {problem}")
    except (OSError, UnicodeDecodeError) as exc:
        report(path.name, None, None, f"cannot read file: {exc}")
    return None


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    raw = yaml.load((PACKAGE_DIR / "data" / "schema.yaml").read_text(encoding="utf-8"), Loader=_ContentLoader)
    shared = raw["$defs"]["item"]
    kinds = {}
    for kind, spec in raw["kinds"].items():
        spec = dict(spec)
        properties = dict(spec["properties"])
        if properties.pop("$item", False):
            properties = {**shared, **properties}
        spec["properties"] = properties
        kinds[kind] = {"$defs": raw["$defs"], **spec}
    return kinds


@functools.lru_cache(maxsize=None)
def _validator(kind: str):
    import jsonschema  # imported here: only loading content needs it

    return jsonschema.Draft202012Validator(_schema()[kind])


def _describe_schema_error(error) -> tuple[str | None, str]:
    """Turn a jsonschema error into (field path, plain message)."""
    path = ".".join(str(part) for part in error.absolute_path) or None
    value = error.instance
    if error.validator == "required":
        missing = re.search(r"'([^']+)'", error.message)
        field = missing.group(1) if missing else "?"
        return (f"{path}.{field}" if path else field), "required field is missing"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))
        field = ", ".join(extra)
        return (f"{path}.{field}" if path else field), f"unknown field; allowed fields are: {', '.join(allowed)}"
    if error.validator == "type":
        return path, f"expected {error.validator_value}, got {type(value).__name__} {value!r}"
    if error.validator == "enum":
        return path, f"{value!r} is not one of: {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern":
        if error.validator_value.startswith("^[a-z]"):
            return path, f"{value!r} is not a valid id (lowercase letters, digits and _; starts with a letter)"
        return path, f"{value!r} does not match the pattern {error.validator_value}"
    if error.validator == "minLength":
        return path, "must not be empty"
    if error.validator == "minItems":
        return path, f"needs at least {error.validator_value} entr{'y' if error.validator_value == 1 else 'ies'}"
    return path, error.message


def closest_passage(text: str, fragment: str) -> str:
    """The stretch of `text` most like `fragment`, for 'did you mean' messages."""
    width = len(fragment)
    starts = [0] + [m.end() for m in re.finditer(r"\s+", text)]
    best, best_score = text[:width], -1.0
    for start in starts:
        window = text[start:start + width]
        matcher = difflib.SequenceMatcher(None, window, fragment, autojunk=False)
        if matcher.quick_ratio() <= best_score:
            continue
        score = matcher.ratio()
        if score > best_score:
            best, best_score = window, score
    return best


def explain_missing_fragment(text: str, fragment: str) -> str:
    """Say why `fragment` is not verbatim in `text` and show the closest passage."""
    folded_text, folded_fragment = text.translate(_QUOTE_MARKS), fragment.translate(_QUOTE_MARKS)
    at = folded_text.find(folded_fragment)
    if at >= 0:
        passage = text[at:at + len(fragment)]
        marks = sorted({a for a, b in zip(passage, fragment) if a != b})
        shown = " ".join(f"{m} (U+{ord(m):04X})" for m in marks)
        return (f"not verbatim in the seed article: the seed writes {shown} where this has a straight quote; "
                f"use the seed's text {passage!r}")
    return f"not verbatim in the seed article; the closest passage is {closest_passage(text, fragment)!r}"


def _as_tuple(value):
    return tuple(value) if isinstance(value, list) else value


def _build_date(raw: dict, report: Callable[[str, str], None]) -> model.EventDate | None:
    try:
        start, end = dates.resolve(raw["precision"], raw["value"])
    except dates.DateError as exc:
        report("date.value", str(exc))
        return None
    discrepancy = None
    if "discrepancy" in raw:
        other = raw["discrepancy"]
        try:
            other_start, other_end = dates.resolve(other["precision"], other["value"])
        except dates.DateError as exc:
            report("date.discrepancy.value", str(exc))
            return None
        discrepancy = model.Discrepancy(
            note=other["note"], sources=tuple(other["sources"]), precision=other["precision"],
            value=other["value"], start=other_start, end=other_end, flag=other.get("flag"),
            said_by=other.get("said_by", model.OTHER_SOURCES), approximate=tuple(other.get("approximate", ())))
    if raw.get("year_inferred") and not raw.get("inference"):
        report("date.inference", "year_inferred is true, so say why in `inference`")
    if raw.get("approximate") and not raw.get("inference"):
        report("date.inference", "approximate is set, so say in `inference` how rough the date is")
    return model.EventDate(
        precision=raw["precision"], value=raw["value"], start=start, end=end, wording=raw.get("wording"),
        year_inferred=raw.get("year_inferred", False), inference=raw.get("inference"), discrepancy=discrepancy,
        approximate=tuple(raw.get("approximate", ())), read_by=raw.get("read_by", model.ARTICLE_READING))


def build_item(kind: str, raw: dict, report: Callable[[str, str], None]):
    """Turn one schema-valid mapping into its dataclass; report field problems through `report`."""
    values = {key: _as_tuple(value) for key, value in raw.items()}
    if "evidence" in raw:
        values["evidence"] = model.Evidence(
            fragments=tuple(raw["evidence"].get("fragments", ())), sources=tuple(raw["evidence"].get("sources", ())))
    if kind == "event":
        values["date"] = _build_date(raw["date"], report)
        if values["date"] is None:
            return None
    if kind == "number":
        values["value"] = float(raw["value"])
    return KIND_CLASSES[kind](**values)


class _Checker:
    """Collects problems while the course is read; never stops at the first."""

    def __init__(self, seed_text: str):
        self.seed = seed_text
        self.problems: list[Problem] = []
        self.origin: dict[str, str] = {}  # id -> file that defines it, for duplicate messages
        self.kinds_by_id: dict[str, str] = {}  # one id namespace across every kind

    def register(self, file: str, kind: str, item_id: str) -> bool:
        """Claim an id for an item; report a duplicate and return False if it is taken."""
        if item_id in self.origin:
            self.report(file, item_id, "id", f"duplicate id (first defined in {self.origin[item_id]})")
            return False
        self.origin[item_id], self.kinds_by_id[item_id] = file, kind
        return True

    def report(self, file: str, item: str | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(file, item, field, message))

    def verbatim(self, file: str, item: str, field: str, fragment: str) -> None:
        if fragment not in self.seed:
            self.report(file, item, field, explain_missing_fragment(self.seed, fragment))

    def items_of(self, file: str, kind: str, raw: Any, build=None) -> Iterable[tuple[str, Any]]:
        """Schema-check each entry of a file; yield (id, object) for valid ones and (id, None) for invalid ones.

        `build(kind, entry, report)` makes the object; it defaults to `build_item`.
        """
        build = build or build_item
        if raw is None:
            return
        if not isinstance(raw, list):
            self.report(file, None, None, f"expected a list of {kind} items, got {type(raw).__name__}")
            return
        validator = _validator(kind)
        for position, entry in enumerate(raw, start=1):
            label = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else None
            label = label or f"item #{position}"
            errors = sorted(_describe_schema_error(error) for error in validator.iter_errors(entry))
            for field, message in errors:
                self.report(file, label, field, message)
            if errors:
                # Known but invalid: yield None so the id is still claimed and references to it don't cascade.
                if label == entry.get("id"):
                    yield label, None
                continue
            built = build(kind, entry, lambda field, message: self.report(file, label, field, message))
            if built is not None:
                yield label, built


def check_evidence(checker: _Checker, file: str, item, sources: dict) -> None:
    """Evidence is present, verbatim, cites known sources, and agrees with the item's background mark."""
    evidence = item.evidence
    if not evidence.fragments and not evidence.sources:
        checker.report(file, item.id, "evidence", "evidence is empty: give an article fragment or a source id")
        return
    for index, fragment in enumerate(evidence.fragments):
        checker.verbatim(file, item.id, f"evidence.fragments.{index}", fragment)
    for source_id in evidence.sources:
        if source_id not in sources:
            checker.report(file, item.id, "evidence.sources", f"unknown source {source_id!r} (not in sources.yaml)")
    background = getattr(item, "background", False)
    if evidence.fragments and background:
        checker.report(file, item.id, "background", "has an article fragment, so it is not background")
    if not evidence.fragments and not background:
        checker.report(file, item.id, "background",
                       "has no article fragment: mark it `background: true` or add a verbatim fragment")


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def check_references(checker: _Checker, file: str, kind: str, item, references=None) -> None:
    """Every id an item names exists and is of the kind the field expects."""
    for (ref_kind, field), target in (references or REFERENCES).items():
        if ref_kind != kind:
            continue
        value = getattr(item, field)
        for ref in (value,) if isinstance(value, str) else value or ():
            found = checker.kinds_by_id.get(ref)
            if found is None:
                checker.report(file, item.id, field, f"unknown {target} id {ref!r}")
            elif found != target:
                checker.report(file, item.id, field, f"{ref!r} is {_a(found)}, not {_a(target)}")


def _read_article(checker: _Checker, folder: Path) -> model.Article | None:
    meta = read_yaml(folder / SEED_META, checker.report)
    if not isinstance(meta, dict):
        if meta is not None:
            checker.report(SEED_META, None, None, "expected a mapping of article metadata")
        return None
    for field in ("headline", "photo_caption"):
        if field in meta:
            checker.verbatim(SEED_META, None, field, meta[field])
    try:
        published = dates.resolve("day", meta["published"]["date"])[0]
        return model.Article(
            text=checker.seed, headline=meta["headline"], photo_caption=meta["photo_caption"],
            outlet=meta["outlet"], url=meta["url"], published=published,
            published_inferred=meta["published"]["inferred"], published_confidence=meta["published"]["confidence"],
            published_reasoning=meta["published"]["reasoning"], spelling=meta["spelling"],
            outlet_actor=meta["outlet_actor"])
    except (KeyError, TypeError) as exc:
        checker.report(SEED_META, None, str(exc).strip("'"), "required field is missing")
    except dates.DateError as exc:
        checker.report(SEED_META, None, "published.date", str(exc))
    return None


def _load(data: Path, seeds: Path) -> model.Course:
    try:
        seed_text = (seeds / SEED_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError([Problem(SEED_FILE, None, None, f"cannot read the seed article: {exc}")]) from None
    checker = _Checker(seed_text)
    article = _read_article(checker, seeds)

    tables: dict[str, dict] = {kind: {} for kind in KIND_FILES}
    for kind, file in KIND_FILES.items():
        path = data / file
        if not path.exists():
            checker.report(file, None, None, "file is missing")
            continue
        for item_id, item in checker.items_of(file, kind, read_yaml(path, checker.report)):
            if checker.register(file, kind, item_id) and item is not None:
                tables[kind][item_id] = item

    sources = tables["source"]
    for kind, table in tables.items():
        if kind == "source":
            continue
        file = KIND_FILES[kind]
        for item in table.values():
            check_evidence(checker, file, item, sources)
            check_references(checker, file, kind, item)
            for field in VERBATIM_FIELDS.get(kind, ()):
                checker.verbatim(file, item.id, field, getattr(item, field))
            if kind == "event" and item.date.discrepancy:
                _check_discrepancy(checker, file, item, sources)
                if article is not None:
                    _check_whose_date(checker, file, item, article.text)
            if kind == "claim" and article is not None:
                check_whose_words(checker, file, item, article.outlet_actor, tables["actor"])

    _check_one_grade_per_fact(checker, tables)
    course = model.Course(
        article=article, sources=sources, actors=tables["actor"], places=tables["place"],
        events=tables["event"], claims=tables["claim"], numbers=tables["number"], terms=tables["term"],
        flags=tables["flag"], misconceptions=tables["misconception"])
    _load_questions(checker, data, course)
    if checker.problems:
        raise ContentError(checker.problems)
    return course


def _check_one_grade_per_fact(checker: _Checker, tables: dict[str, dict]) -> None:
    """Items from the same fact-sheet row state one confidence grade between them."""
    first: dict[str, model.Item] = {}
    for kind, table in tables.items():
        for item in table.values():
            if kind == "source" or not item.facts_id:
                continue
            other = first.setdefault(item.facts_id, item)
            if item.confidence != other.confidence:
                checker.report(KIND_FILES[kind], item.id, "confidence",
                               f"graded {item.confidence or 'n/a'}, but {other.id!r} from the same fact-sheet row "
                               f"({item.facts_id}) is graded {other.confidence or 'n/a'}; state one grade")


def check_whose_words(checker: _Checker, file: str, claim: model.Claim, outlet: str, actors: dict) -> None:
    """A claim's `words_of` agrees with the article's quotation marks, and its chain of attribution holds.

    Words inside the article's quotation marks are the quoted person's; every other fragment is the outlet's,
    even when it reports what someone said. So a quote outside the marks must be the outlet's words, a quote
    inside them must not be, and a quote must not run past the marks (part quotation, part narration).
    """
    def name(actor_id):
        return attribution.short_label(actors, actor_id)

    if outlet not in actors:
        checker.report(SEED_META, None, "outlet_actor", f"unknown actor id {outlet!r}")
        return
    said_by_outlet = claim.words_of == outlet
    place = attribution.placement(checker.seed, claim.quote, want_inside=not said_by_outlet)
    if place.kind == attribution.ABSENT:
        return  # the verbatim check already reports it
    if place.kind == attribution.CROSSING:
        checker.report(file, claim.id, "quote",
                       f"runs past the article's quotation marks around {place.quotation!r}: part is a quotation "
                       f"and part is {name(outlet)}'s narration. Quote only the words between the marks, or "
                       f"the whole quotation with its sentence as {name(outlet)}'s words")
    elif place.kind == attribution.INSIDE and said_by_outlet:
        checker.report(file, claim.id, "words_of",
                       f"the quote lies inside the article's quotation marks ({place.quotation}), so it is the "
                       f"quoted person's words, not {name(outlet)}'s; name whose words they are")
    elif place.kind == attribution.OUTSIDE and not said_by_outlet:
        checker.report(file, claim.id, "words_of",
                       f"the quote is not inside the article's quotation marks, so it is {name(outlet)}'s words "
                       f"reporting what {name(claim.words_of)} said, not {name(claim.words_of)}'s own. "
                       f"Set words_of: {outlet}, or quote only words the article puts in quotation marks")
    chain = (claim.speaker, *claim.relayed_by)
    if claim.words_of not in (*chain, outlet):
        checker.report(file, claim.id, "words_of",
                       f"{claim.words_of!r} is neither the speaker, nor one who relayed the claim (relayed_by), "
                       f"nor the outlet {outlet!r}")
    if outlet in chain[1:]:
        checker.report(file, claim.id, "relayed_by",
                       f"the outlet {outlet!r} writes every claim; it is not a relay in the chain")
    if claim.speaker == outlet and claim.relayed_by:
        checker.report(file, claim.id, "relayed_by", "the outlet's own claim has no one to relay it")


def _check_whose_date(checker: _Checker, file: str, event: model.Event, article_text: str) -> None:
    """A disputed date whose words are inside the article's quotation marks is the speaker's, not the article's."""
    date = event.date
    if not date.wording:
        return
    inside = attribution.placement(article_text, date.wording, want_inside=False).kind == attribution.INSIDE
    default = model.ARTICLE_READING
    if inside and date.read_by == default:
        checker.report(file, event.id, "date.read_by",
                       f"the date's words {date.wording!r} are inside the article's quotation marks, so this is "
                       f"the quoted speaker's reading, not the article's: say whose in `read_by`")
    if not inside and date.read_by != default:
        checker.report(file, event.id, "date.read_by",
                       f"the date's words {date.wording!r} are the article's own, outside its quotation marks: "
                       f"drop `read_by` (it would be {default!r})")


def _check_discrepancy(checker: _Checker, file: str, event: model.Event, sources: dict) -> None:
    discrepancy = event.date.discrepancy
    for source_id in discrepancy.sources:
        if source_id not in sources:
            checker.report(file, event.id, "date.discrepancy.sources", f"unknown source {source_id!r}")
    if discrepancy.flag and checker.kinds_by_id.get(discrepancy.flag) != "flag":
        checker.report(file, event.id, "date.discrepancy.flag", f"unknown flag id {discrepancy.flag!r}")


def _load_questions(checker: _Checker, data: Path, course: model.Course) -> None:
    """Quiz questions and objectives are read here and built and checked by lessons.questions."""
    quiz_files = sorted((data / QUIZ_DIR).glob("*.yaml")) if (data / QUIZ_DIR).is_dir() else []
    objectives_path = data / OBJECTIVES_FILE
    if not quiz_files and not objectives_path.exists():
        return
    from . import questions

    raw_quizzes = {f"{QUIZ_DIR}/{path.name}": read_yaml(path, checker.report) for path in quiz_files}
    raw_objectives = read_yaml(objectives_path, checker.report) if objectives_path.exists() else None
    course.extra.update(questions.build(raw_quizzes, raw_objectives, course, checker))


def _cache_file() -> Path | None:
    """The per-user cache file (LESSONS_CACHE_DIR, else the user's cache folder), or None when turned off."""
    folder = os.environ.get(CACHE_ENV)
    if folder is None:
        from platformdirs import user_cache_dir

        folder = user_cache_dir(course_cache.APP_NAME, appauthor=False)
    return Path(folder) / course_cache.file_name() if folder else None


def _inputs_digest(data: Path, seeds: Path) -> str | None:
    """A digest of every file a load reads and of the package code that checks it; None if one is unreadable."""
    digest = hashlib.sha256(sys.version.encode())
    files = [*sorted(PACKAGE_DIR.rglob("*.py")), *sorted(p for p in data.rglob("*") if p.is_file()),
             DATA_DIR / "schema.yaml", seeds / SEED_FILE, seeds / SEED_META]
    try:
        for path in files:
            content = path.read_bytes()
            digest.update(f"{path.name}\0{len(content)}\0".encode())  # names, not paths: any checkout
            digest.update(content)
    except OSError:
        return None
    return digest.hexdigest()


def _load_shared(data: Path, seeds: Path) -> model.Course:
    """The package's own course, from a cache when no input and no code changed since it last validated.

    Validating means importing jsonschema (about a second, more on a busy machine) and checking every item,
    so every kernel after the first would pay that for a result already known. Only a course that validated
    is stored, as plain JSON keyed by a digest of its files and of this package's code (lessons.course_cache).
    The shared cache built at install time comes first, then the per-user one; a cache that is missing,
    stale, or that another user could have written is passed over, and anything else loads in full.
    """
    shared, personal = course_cache.shared_file(), _cache_file()
    key = _inputs_digest(data, seeds) if shared or personal else None
    if key:
        for path in filter(None, (shared, personal)):
            cached = course_cache.read_trusted(path, key)
            if cached is not None:
                return cached
    course = _load(data, seeds)
    if personal and key and _inputs_digest(data, seeds) == key:  # unchanged while it loaded: the key is right
        course_cache.write(personal, course, key)  # a read-only or full disk only costs the next process a full load
    return course


def build_cache(folder: Path) -> Path:
    """Validate the package's course in full and store it in `folder` as a cache every kernel can read.

    Raises ContentError when the content does not validate, OSError when the folder cannot be written, and
    RuntimeError when the package changed while it was validated.
    """
    data, seeds = DATA_DIR, seed_dir()
    key = _inputs_digest(data, seeds)
    course = _load(data, seeds)
    if key is None or _inputs_digest(data, seeds) != key:
        raise RuntimeError("the course's files changed (or could not be read) while it was validated")
    path = Path(folder) / course_cache.file_name()
    folder_existed = path.parent.is_dir()
    if not course_cache.write(path, course, key):
        raise OSError(f"cannot write {path}")
    if not folder_existed:
        os.chmod(path.parent, 0o755)  # readable by every learner whatever the umask; writable by its owner only
    return path


@functools.lru_cache(maxsize=4)
def _load_cached(data: Path, seeds: Path) -> model.Course:
    if data == DATA_DIR and seeds == seed_dir():
        return _load_shared(data, seeds)
    return _load(data, seeds)  # another folder (an author's draft, a test fixture): always validated in full


def load_course(data_dir: str | Path | None = None, seed_folder: str | Path | None = None) -> model.Course:
    """Load, validate and return the whole course; raise ContentError listing every problem.

    Loaded once per process and folder pair, then served from memory. The package's own course is also read
    from a shared cache built at install time (`python -m lessons cache build`) or kept in a per-user cache
    file (LESSONS_CACHE_DIR, else the user's cache folder; empty turns it off), so a new kernel skips
    validating content that already validated unchanged.
    """
    data = Path(data_dir).resolve() if data_dir else DATA_DIR
    seeds = Path(seed_folder).resolve() if seed_folder else seed_dir()
    return _load_cached(data, seeds)


def fields_of(kind: str) -> list[str]:
    """The field names a content kind accepts, for documentation and messages."""
    return [f.name for f in dataclasses.fields(KIND_CLASSES[kind])]
