"""Render course content (items, tables, objectives, article fragments, glossary) as escaped HTML and text."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape

from . import evidence as ev
from .content import load_course
from .model import KIND_OF_CLASS, Course

# Plural and singular names a learner may type for a kind, mapped to the Course table that holds it.
_KIND_TABLES = {
    "actor": "actors", "place": "places", "event": "events", "claim": "claims", "number": "numbers",
    "term": "terms", "flag": "flags", "misconception": "misconceptions", "source": "sources",
}
_STYLE = (
    "<style>.lessons-view table{border-collapse:collapse;margin:.4em 0}"
    ".lessons-view th,.lessons-view td{border:1px solid #ccc;padding:.3em .5em;text-align:left;"
    "vertical-align:top}.lessons-view blockquote{margin:.2em 0 .2em .8em;padding-left:.5em;"
    "border-left:3px solid #999}.lessons-view footer{font-size:85%;color:#555}"
    ".lessons-misconception{color:#8a1f11}.lessons-note{color:#555;font-size:90%}</style>"
)


@dataclass(frozen=True)
class View:
    """One rendered view: Jupyter shows `html`; print() and plain terminals show `text`."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return f'<div class="lessons-view">{_STYLE}{self.html}</div>'

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


# ----------------------------------------------------------------------------- helpers


def _course(course: Course | None) -> Course:
    return course if course is not None else load_course()


def _content_items(course: Course) -> list:
    """Every content item (actors ... misconceptions), leaving out quiz questions and objectives."""
    return [item for item in course.items() if type(item) in KIND_OF_CLASS]


def _table_name(kind: str) -> str:
    """The Course table for a kind, given in the singular ("actor") or the plural ("actors")."""
    key = kind.lower()
    if key in _KIND_TABLES:
        return _KIND_TABLES[key]
    if key in _KIND_TABLES.values():
        return key
    raise ValueError(f"unknown kind {kind!r}; choose one of: {', '.join(sorted(_KIND_TABLES))}")


def _who(course, claim) -> str:
    """Who the claim comes from, who relayed it and who wrote it: 'Pashinian, relayed by Peskov, written by RFE/RL'."""
    from .attribution import claim_chain

    return claim_chain(course, claim)


def _whose_words(course, claim) -> str:
    from .attribution import claim_words

    return claim_words(course, claim)


def _shortened(text: str, words: int = 10) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("\u2026" if len(parts) > words else "")


def display_name(course: Course, item) -> str:
    """What a learner reads for an item: its name, title or term; a claim by who says what; never an id."""
    for attribute in ("name", "title", "term"):
        value = getattr(item, attribute, None)
        if value:
            return value
    if item.kind == "claim":
        speaker = course.actors.get(item.speaker)
        who = speaker.name if speaker else "the article"
        return f"{who} {item.verb} \u201c{_shortened(item.quote)}\u201d"
    if item.kind == "misconception":
        return f"the mistaken belief \u201c{_shortened(item.belief.rstrip('.'))}\u201d"
    if item.kind == "number":
        return f"the number in \u201c{item.wording}\u201d"
    return item.kind


def _name_of(course: Course, item_id: str) -> str:
    """A readable name for any id (actor, place, event, term ...)."""
    try:
        item = course.get(item_id)
    except KeyError:
        return item_id
    return display_name(course, item)


def _confidence(item) -> str:
    """The item's confidence grade; opinions have none (FACTS.md grades them "n/a")."""
    return item.confidence or "n/a"


def _confidence_note(item) -> str:
    note = f"confidence: {_confidence(item)}"
    if getattr(item, "background", False):
        note += "; background from the sources, not in the article"
    return note


def _evidence_cell(course: Course, item) -> tuple[str, str]:
    return ev.evidence_html(course, item.evidence), ev.evidence_text(course, item.evidence)


def _html_table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _text_table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain text: one block per row, `Header: value` lines, so long cells stay readable."""
    blocks = []
    for row in rows:
        lines = []
        for header, cell in zip(headers, row):
            cell = cell.strip()
            if not cell:
                continue
            if "\n" in cell:
                lines.append(f"{header}:\n" + "\n".join(f"  {line}" for line in cell.splitlines()))
            else:
                lines.append(f"{header}: {cell}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _date_text(event) -> str:
    """The date with the article's words; where sources differ, both readings, each labelled."""
    date = event.date
    text = date.label
    if date.wording:
        text += f" (article: \u201c{date.wording}\u201d)"
    if date.discrepancy:
        other = date.discrepancy
        text = f"{date.read_by}: {text}; {other.said_by}: {other.label}"
    return text


# ------------------------------------------------------------------ fields of one item, per kind


def _fields(course: Course, item) -> list[tuple[str, str]]:
    """(label, plain value) pairs describing an item; values are escaped when rendered as HTML."""
    kind = item.kind
    if kind == "actor":
        fields = [("Type", item.type), ("Role", item.role)]
        if item.aliases:
            fields.append(("Also called", ", ".join(item.aliases)))
        if item.member_of:
            fields.append(("Member of", ", ".join(_name_of(course, i) for i in item.member_of)))
        if item.part_of:
            fields.append(("Part of", ", ".join(_name_of(course, i) for i in item.part_of)))
        if item.description:
            fields.append(("About", item.description))
        return fields
    if kind == "place":
        fields = [("Type", item.type), ("Role", item.role)]
        if item.capital:
            fields.append(("Capital", item.capital))
        if item.lat is not None and item.lon is not None:
            fields.append(("Coordinates", f"about {item.lat:.2f} N, {item.lon:.2f} E"))
        if item.description:
            fields.append(("About", item.description))
        return fields
    if kind == "event":
        date = item.date
        label = f"Date, by {date.read_by}" if date.discrepancy else "Date"
        fields = [(label, date.label), ("Precision", date.precision)]
        if date.wording:
            fields.append(("Article's wording", f"\u201c{date.wording}\u201d"))
        if date.year_inferred or date.inference:
            fields.append(("How it is dated", date.inference or "the year is inferred"))
        if date.discrepancy:
            other = date.discrepancy
            fields.append((f"Date, by {other.said_by}", other.label))
            flag = course.flags.get(other.flag) if other.flag else None
            if flag and flag.confidence:
                fields.append(("How sure the correction is", flag.confidence))
            fields.append(("What the sources say", other.note))
            fields.append(("Their sources", ev.sources_text(ev.cited_sources(course, other.sources))))
        if item.actors:
            fields.append(("Who", ", ".join(_name_of(course, i) for i in item.actors)))
        if item.places:
            fields.append(("Where", ", ".join(_name_of(course, i) for i in item.places)))
        if item.description:
            fields.append(("About", item.description))
        return fields
    if kind == "claim":
        fields = [("Who", _who(course, item)), ("Verb", item.verb),
                  ("Kind of claim", item.stance.replace("_", " ")), ("Quote", f"\u201c{item.quote}\u201d"),
                  ("Whose words", _whose_words(course, item))]
        if item.concerns:
            fields.append(("About", ", ".join(_name_of(course, i) for i in item.concerns)))
        if item.summary:
            fields.append(("In short", item.summary))
        return fields
    if kind == "number":
        fields = [("Article's wording", f"\u201c{item.wording}\u201d"), ("Refers to", item.refers_to)]
        if item.check:
            fields.append(("What the sources say", item.check))
        return fields
    if kind == "term":
        fields = [("Definition", item.definition)]
        if item.aliases:
            fields.append(("Also written", ", ".join(item.aliases)))
        if item.see_also:
            fields.append(("See also", ", ".join(_name_of(course, i) for i in item.see_also)))
        return fields
    if kind == "flag":
        fields = [("Severity", item.severity), ("The article says", f"\u201c{item.article_says}\u201d"),
                  ("Correction", item.correction)]
        if item.events:
            fields.append(("Events", ", ".join(_name_of(course, i) for i in item.events)))
        return fields
    if kind == "misconception":
        return [("Misconception (not true)", item.belief), ("Correction", item.correction)]
    return []


def _heading(course: Course, item) -> str:
    if item.kind == "misconception":
        return "Misconception: a common mistake, corrected below"
    name = _name_of(course, item.id)
    return f"{item.kind.capitalize()}: {name}"


# ----------------------------------------------------------------------------- public views


def show_item(item_id: str, course: Course | None = None) -> View:
    """One content item (or source) with its fields, confidence and evidence."""
    course = _course(course)
    item = course.get(item_id)
    if item.kind == "source":
        return _source_view([item])
    heading = _heading(course, item)
    fields = _fields(course, item)
    rows_html = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in fields)
    css = ' class="lessons-misconception"' if item.kind == "misconception" else ""
    evidence_html, evidence_text = _evidence_cell(course, item)
    html = (f"<h4{css}>{escape(heading)}</h4><table>{rows_html}</table>"
            f'<p class="lessons-note">{escape(_confidence_note(item))}</p>'
            f"<div><strong>Evidence</strong>{evidence_html}</div>")
    text = "\n".join([heading, *(f"{label}: {value}" for label, value in fields),
                      f"({_confidence_note(item)})", "Evidence:", evidence_text])
    return View(html, text)


# Columns of each kind's table: (header, function of (course, item) -> plain text).
_COLUMNS = {
    "actors": [("Name", lambda c, i: i.name), ("Type", lambda c, i: i.type), ("Role", lambda c, i: i.role)],
    "places": [("Name", lambda c, i: i.name), ("Type", lambda c, i: i.type), ("Role", lambda c, i: i.role),
               ("Capital", lambda c, i: i.capital or "")],
    "events": [("Date", lambda c, i: _date_text(i)), ("Event", lambda c, i: i.title)],
    "claims": [("Who", _who), ("Verb", lambda c, i: i.verb),
               ("Kind", lambda c, i: i.stance.replace("_", " ")), ("Quote", lambda c, i: f"\u201c{i.quote}\u201d"),
               ("Whose words", _whose_words)],
    "numbers": [("Wording", lambda c, i: f"\u201c{i.wording}\u201d"), ("Refers to", lambda c, i: i.refers_to),
                ("What the sources say", lambda c, i: i.check)],
    "terms": [("Term", lambda c, i: i.term), ("Definition", lambda c, i: i.definition)],
    "flags": [("Problem", lambda c, i: i.title),
              ("Severity", lambda c, i: i.severity),
              ("The article says", lambda c, i: f"\u201c{i.article_says}\u201d"),
              ("Correction", lambda c, i: i.correction)],
    "misconceptions": [("Misconception (not true)", lambda c, i: i.belief),
                       ("Correction", lambda c, i: i.correction)],
}


def _ordered(course: Course, table: str, ids) -> list:
    items = getattr(course, table)
    if ids is None:
        if table == "events":
            return course.events_in_order()
        return list(items.values())
    if isinstance(ids, str):
        ids = [ids]
    missing = [i for i in ids if i not in items]
    if missing:
        raise KeyError(f"no {table[:-1]} with id {', '.join(map(repr, missing))}")
    return [items[i] for i in ids]


def show_table(kind: str, ids=None, course: Course | None = None) -> View:
    """A table of one kind of item (all of them, or `ids` in that order), each row with its evidence."""
    course = _course(course)
    table = _table_name(kind)
    items = _ordered(course, table, ids)
    if table == "sources":
        return _source_view(items)
    columns = _COLUMNS[table]
    headers = [header for header, _ in columns] + ["Confidence", "Evidence"]
    rows_html, rows_text = [], []
    for item in items:
        values = [get(course, item) for _, get in columns]
        evidence_html, evidence_text = _evidence_cell(course, item)
        confidence = _confidence(item) + (" (background)" if item.background else "")
        rows_html.append([escape(v) for v in values] + [escape(confidence), evidence_html])
        rows_text.append(values + [confidence, evidence_text])
    css = ' class="lessons-misconception"' if table == "misconceptions" else ""
    title = {"misconceptions": "Misconceptions: each belief below is NOT true; read the correction"}.get(
        table, f"{table.capitalize()} ({len(items)})")
    html = f"<h4{css}>{escape(title)}</h4>" + _html_table(headers, rows_html)
    return View(html, f"{title}\n\n" + _text_table(headers, rows_text))


def _source_view(sources) -> View:
    """A list of sources asked for by name: every one shown, none behind "More sources"."""
    sources = list(sources)
    return View(ev.sources_html(sources, shown=len(sources)), ev.sources_text(sources, shown=len(sources)))


def _source_number(source_id: str) -> tuple[int, str]:
    match = re.match(r"S(\d+)$", source_id)
    return (int(match.group(1)), "") if match else (10**6, source_id)


def show_sources(ids=None, *, for_items=None, course: Course | None = None) -> View:
    """Sources by id; or those cited by `for_items` (ids); or every source the content cites."""
    course = _course(course)
    if ids is None:
        cited = set()
        items = [course.get(i) for i in for_items] if for_items is not None else _content_items(course)
        for item in items:
            cited.update(item.evidence.sources)
        ids = sorted((s for s in cited if s in course.sources), key=_source_number)
    elif isinstance(ids, str):
        ids = [ids]
    missing = [i for i in ids if i not in course.sources]
    if missing:
        raise KeyError(f"no source with id {', '.join(map(repr, missing))}")
    return _source_view([course.sources[i] for i in ids])


def article_paragraphs(course: Course | None = None) -> list[str]:
    """The article's paragraphs in order: headline, photo caption, then the body."""
    text = _course(course).article.text
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def _paragraph_labels(course: Course) -> list[str]:
    article = course.article
    labels = []
    body = 0
    for paragraph in article_paragraphs(course):
        if paragraph == article.headline:
            labels.append("Headline")
        elif paragraph == article.photo_caption:
            labels.append("Photo caption")
        else:
            body += 1
            labels.append("Lede" if body == 1 else f"Paragraph {body}")
    return labels


def show_article(course: Course | None = None, *, paragraphs: bool = True) -> View:
    """The article's metadata (outlet, date and how it was inferred, spelling) and its labelled paragraphs."""
    course = _course(course)
    article = course.article
    published = f"{article.published.day} {article.published:%B %Y}"
    dated = (f"{published} (inferred, {article.published_confidence} confidence): {article.published_reasoning}"
             if article.published_inferred else published)
    fields = [("Outlet", article.outlet), ("Headline", article.headline),
              ("Photo caption", article.photo_caption), ("Published", dated), ("Spelling", article.spelling)]
    html = "<h4>The article</h4><table>" + "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in fields) + "</table>"
    html += f'<p class="lessons-note">Stored copy: <a href="{escape(article.url)}">{escape(article.url)}</a></p>'
    text = "The article\n" + "\n".join(f"{k}: {v}" for k, v in fields)
    if paragraphs:
        rows = list(zip(_paragraph_labels(course), article_paragraphs(course)))
        html += _html_table(["Part", "Text"], [[escape(label), escape(p)] for label, p in rows])
        text += "\n\n" + "\n\n".join(f"[{label}] {p}" for label, p in rows)
    return View(html, text)


def show_fragment(fragment: str, course: Course | None = None) -> View:
    """A verbatim article fragment: where it stands in the article and which content items cite it."""
    course = _course(course)
    if fragment not in course.article.text:
        from .content import explain_missing_fragment

        raise ValueError(f"{fragment!r} is {explain_missing_fragment(course.article.text, fragment)}")
    labels = _paragraph_labels(course)
    where = next((label for label, p in zip(labels, article_paragraphs(course)) if fragment in p), "the article")
    citing = [item for item in _content_items(course)
              if any(fragment in f or f in fragment for f in item.evidence.fragments)]
    cited_html = "".join(f"<li>{escape(item.kind)}: {escape(_name_of(course, item.id))}</li>" for item in citing)
    html = (f'<blockquote class="lessons-evidence-quote">{escape(fragment)}'
            f"<footer>\u2014 RFE/RL article, {escape(where.lower())}</footer></blockquote>")
    if citing:
        html += f'<div class="lessons-note">Cited as evidence by:<ul>{cited_html}</ul></div>'
    text = f"\u201c{fragment}\u201d\n\u2014 RFE/RL article, {where.lower()}"
    if citing:
        text += "\nCited as evidence by: " + "; ".join(f"{i.kind} {_name_of(course, i.id)}" for i in citing)
    return View(html, text)


def show_glossary(ids=None, course: Course | None = None) -> View:
    """Glossary terms (all, or `ids`), alphabetical when showing all, each with its evidence."""
    course = _course(course)
    if ids is None:
        ids = sorted(course.terms, key=lambda i: course.terms[i].term.lower())
    return show_table("term", ids, course)


# ----------------------------------------------------------------------------- objectives


def lesson_objectives(lesson: str, course: Course | None = None) -> list:
    """The learning objectives of a lesson ("02-context" or "context"), in the data's order."""
    course = _course(course)
    objectives = course.extra.get("objective", {})
    wanted = lesson.strip()
    found = [o for o in objectives.values()
             if o.lesson == wanted or o.lesson.split("-", 1)[-1] == wanted]
    if not found:
        known = sorted({o.lesson for o in objectives.values()})
        raise LookupError(f"no learning objectives for lesson {lesson!r} in lessons/data/objectives.yaml"
                          + (f"; lessons with objectives: {', '.join(known)}" if known else ""))
    return found


def show_objectives(lesson: str, course: Course | None = None) -> View:
    """A lesson's learning objectives, from lessons/data/objectives.yaml."""
    objectives = lesson_objectives(lesson, course)
    intro = "By the end of this lesson you will be able to:"
    html = f"<p><strong>{escape(intro)}</strong></p><ol>" + "".join(
        f"<li>{escape(o.text)}</li>" for o in objectives) + "</ol>"
    text = intro + "\n" + "\n".join(f"{n}. {o.text}" for n, o in enumerate(objectives, start=1))
    return View(html, text)


# ------------------------------------------------------------ flags and traps by their FACTS.md number


def _by_facts_id(course: Course, table: str, wanted) -> list[str]:
    """Item ids for FACTS.md numbers ("F1", "T2") or item ids, in the order asked."""
    items = getattr(course, table)
    by_number = {item.facts_id: item.id for item in items.values() if item.facts_id}
    ids = []
    for name in wanted:
        if name in items:
            ids.append(name)
        elif name in by_number:
            ids.append(by_number[name])
        else:
            raise KeyError(f"no {table[:-1]} numbered or named {name!r}")
    return ids


def show_misconceptions(*numbers: str, course: Course | None = None) -> View:
    """Misconceptions by FACTS.md number ("T1", "T11") or id, each framed as not true and corrected."""
    course = _course(course)
    ids = _by_facts_id(course, "misconceptions", numbers) if numbers else None
    return show_table("misconceptions", ids, course)


def show_flags(*numbers: str, course: Course | None = None) -> View:
    """Flags (where the article is wrong or imprecise) by FACTS.md number ("F1") or id; all when none given."""
    course = _course(course)
    ids = _by_facts_id(course, "flags", numbers) if numbers else None
    return show_table("flags", ids, course)


def show_flag_sources(*numbers: str, course: Course | None = None) -> View:
    """The sources that support the corrections of the given flags (all flags when none given)."""
    course = _course(course)
    ids = _by_facts_id(course, "flags", numbers) if numbers else list(course.flags)
    return show_sources(for_items=ids, course=course)


# ----------------------------------------------------------------------------- progress location


def show_progress_location() -> View:
    """Where this learner's quiz progress is saved, as the progress module resolves it."""
    from . import progress  # imported here: only lesson 00 asks

    if os.environ.get("LESSONS_STATIC") == "1":  # an exported page has no learner and keeps nothing
        text = (f"In JupyterLab your progress is kept in your per-user data folder, or in the folder named by the "
                f"environment variable {progress.ENV_DIR}. This exported page keeps no progress.")
        return View(f"<p>{escape(text)}</p>", text)
    folder = progress.progress_dir()
    path = folder / progress.DB_NAME
    if os.environ.get(progress.ENV_DIR):
        why = f"set by the environment variable {progress.ENV_DIR}"
    else:
        why = f"your per-user data folder (set {progress.ENV_DIR} to use another folder)"
    learner = progress.default_learner()
    html = (f"<p>Your progress is kept in <code>{escape(str(path))}</code>: {escape(why)}.</p>"
            f'<p class="lessons-note">Learner name: <code>{escape(learner)}</code></p>')
    text = f"Your progress is kept in {path}: {why}.\nLearner name: {learner}"
    return View(html, text)
