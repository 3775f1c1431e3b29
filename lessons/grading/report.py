"""What the instructor gets: rows, the CSV (safe for spreadsheets), a gradebook, and feedback pages."""
from __future__ import annotations

import csv
import html
import re
from collections import Counter
from dataclasses import astuple, dataclass
from pathlib import Path

COLUMNS = ("submission", "exercise", "check", "outcome", "points", "max_points", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One line of the report: one check of one submission."""

    submission: str
    exercise: str
    check: str
    outcome: str
    points: int
    max_points: int
    message: str


def spreadsheet_safe(value):
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe, as OWASP advises."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: list[Row], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([spreadsheet_safe(v) for v in astuple(row)] for row in rows)


def learner_of(submission: str, exercises: list[str]) -> str:
    """The learner a submission belongs to, from its path (see README): what the file name has besides the
    exercise's NN-slug (e.g. `alice_01-find-the-provinces.ipynb` -> alice), else its folder's name
    (`alice/01-find-the-provinces.ipynb` -> alice)."""
    path = Path(submission)
    stem = path.stem
    for slug in exercises:
        stem = re.sub(re.escape(slug), "", stem, flags=re.IGNORECASE)
    stem = stem.strip(" _-.")
    return stem or path.parent.name or path.stem


def gradebook(rows: list[Row], exercises: list[str]) -> list[list]:
    """One row per learner, one column per exercise (points), and a total; header first."""
    learners: dict[str, dict[str, int]] = {}
    for row in rows:
        marks = learners.setdefault(learner_of(row.submission, exercises), {})
        if row.exercise:
            marks[row.exercise] = marks.get(row.exercise, 0) + row.points
    used = [e for e in exercises if any(e in marks for marks in learners.values())]
    table = [["learner", *used, "total"]]
    for learner, marks in sorted(learners.items()):
        table.append([learner, *[marks.get(e, 0) for e in used], sum(marks.values())])
    return table


def write_gradebook(rows: list[Row], exercises: list[str], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[spreadsheet_safe(v) for v in line] for line in gradebook(rows, exercises)])


_WORDS = {"correct": "\u2714 Correct", "wrong": "\u2718 Not yet", "not attempted": "\u2026 Not attempted",
          "error": "\u26a0 Could not check"}


def feedback_page(submission: str, rows: list[Row], titles: dict[str, str]) -> str:
    """One HTML page for a learner: each check's outcome, points and hint; every learner-made text escaped."""
    got, most = sum(r.points for r in rows), sum(r.max_points for r in rows)
    items = []
    for row in rows:
        title = titles.get(row.exercise, row.exercise)
        items.append(f"<tr><td>{html.escape(title)}</td><td>{html.escape(row.check)}</td>"
                     f"<td>{html.escape(_WORDS.get(row.outcome, row.outcome))}</td>"
                     f"<td>{row.points} of {row.max_points}</td><td>{html.escape(row.message)}</td></tr>")
    name = html.escape(Path(submission).name)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Feedback: {name}</title></head><body><main>"
            f"<h1>Feedback on {name}</h1><p>{got} of {most} points.</p>"
            "<table><caption>Each check of your notebook, run from top to bottom</caption>"
            "<thead><tr><th scope=\"col\">Exercise</th><th scope=\"col\">Check</th><th scope=\"col\">Outcome</th>"
            "<th scope=\"col\">Points</th><th scope=\"col\">What to look at</th></tr></thead><tbody>"
            + "".join(items) + "</tbody></table></main></body></html>\n")


def write_feedback(rows: list[Row], titles: dict[str, str], exercises: list[str], folder: Path) -> list[Path]:
    """One page per submission in `folder`, named after the learner and the exercise; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    by_submission: dict[str, list[Row]] = {}
    for row in rows:
        by_submission.setdefault(row.submission, []).append(row)
    written = []
    for submission, own in by_submission.items():
        exercise = next((r.exercise for r in own if r.exercise), "submission")
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{learner_of(submission, exercises)}-{exercise}")[:120]
        path = folder / f"{name}.html"
        number = 2
        while path in written:
            path, number = folder / f"{name}-{number}.html", number + 1
        path.write_text(feedback_page(submission, own, titles), encoding="utf-8")
        written.append(path)
    return written


def summary(rows: list[Row], outcomes: tuple[str, ...]) -> str:
    """Totals per submission, as a small aligned table."""
    by_submission: dict[str, list[Row]] = {}
    for row in rows:
        by_submission.setdefault(row.submission, []).append(row)
    width = max([len(s) for s in by_submission] + [10])
    lines = [f"{'submission':<{width}}  {'points':>7}  outcomes"]
    for submission, own in by_submission.items():
        got, total = sum(r.points for r in own), sum(r.max_points for r in own)
        counts = Counter(r.outcome for r in own)
        shown = ", ".join(f"{counts[o]} {o}" for o in outcomes if counts[o])
        lines.append(f"{submission:<{width}}  {f'{got}/{total}':>7}  {shown}")
    got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
    lines.append(f"{len(by_submission)} submission(s), {len(rows)} check row(s), {got}/{total} points in all.")
    return "\n".join(lines)
