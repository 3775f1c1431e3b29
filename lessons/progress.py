"""Each learner's quiz answers in a SQLite file that survives restarts, crashes and kernels writing at once."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import getpass
import json
import os
import sqlite3
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Callable

APP_NAME = "armenia-border-guards-course"
DB_NAME = "progress.sqlite3"
ENV_DIR = "LESSONS_PROGRESS_DIR"
ENV_LEARNER = "LESSONS_LEARNER"
# Set by JupyterHub in every single-user server and kernel: the name the learner logged in with. Container
# images (repo2docker, Zero to JupyterHub) run everyone as the login `jovyan`, so $USER says nothing there.
ENV_HUB_USER = "JUPYTERHUB_USER"
# WAL needs shared memory between processes, which network filesystems (NFS homes on some JupyterHubs) lack;
# LESSONS_PROGRESS_JOURNAL=delete switches such a deployment to SQLite's rollback journal.
ENV_JOURNAL = "LESSONS_PROGRESS_JOURNAL"
JOURNAL_MODES = {"wal": ("WAL", "NORMAL"), "delete": ("DELETE", "FULL")}
SCHEMA_VERSION = 1
APPLICATION_ID = 0x4C45534E  # "LESN": marks a file as this course's progress store
BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id INTEGER PRIMARY KEY,
    learner TEXT NOT NULL,
    quiz TEXT NOT NULL,
    question TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    answer TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('correct', 'partial', 'wrong')),
    score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    created TEXT NOT NULL,
    UNIQUE (learner, quiz, question, attempt)
);
CREATE TABLE IF NOT EXISTS reveals (
    learner TEXT NOT NULL,
    quiz TEXT NOT NULL,
    question TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (learner, quiz, question)
);
"""
_COLUMNS = {
    "responses": ["id", "learner", "quiz", "question", "attempt", "answer", "outcome", "score", "created"],
    "reveals": ["learner", "quiz", "question", "created"],
}
_SIDECARS = ("-journal", "-wal", "-shm")


class ProgressStoreWarning(UserWarning):
    """The progress store could not be used as it was: moved aside, or answers cannot be saved."""


class UnreadableStore(Exception):
    """The file is not a progress store this version can read (corrupt, or another schema)."""


def progress_dir() -> Path:
    """Where progress is kept: $LESSONS_PROGRESS_DIR, else the per-user data directory (platformdirs)."""
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_learner() -> str:
    """$JUPYTERHUB_USER (the hub's login), else $LESSONS_LEARNER, else the login name of the process."""
    for variable in (ENV_HUB_USER, ENV_LEARNER):
        configured = os.environ.get(variable, "").strip()
        if configured:
            return configured
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; one learner per store is still right
        return "learner"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _is_unreadable_error(error: sqlite3.DatabaseError) -> bool:
    """Corrupt or not a database at all, as opposed to busy, locked or out of disk space."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(error).lower()
    return "not a database" in text or "malformed" in text


@dataclass(frozen=True)
class Response:
    """One checked answer."""

    learner: str
    quiz: str
    question: str
    attempt: int
    answer: Any
    outcome: str
    score: float
    created: str


class ProgressStore:
    """One learner's answers in one SQLite file, through one connection kept open for speed.

    Every write is one transaction (BEGIN IMMEDIATE ... COMMIT) in write-ahead-log mode with a busy
    timeout: a killed kernel loses at most the answer it was writing, and kernels writing at once
    wait their turn. synchronous=NORMAL keeps a Check fast (no disk flush per answer); it is still
    safe against crashed or killed processes, and after a power cut the file is intact, though the
    very last answers may be missing. Where WAL is unavailable SQLite keeps its rollback journal; on a
    network filesystem set LESSONS_PROGRESS_JOURNAL=delete to choose it (with full syncs) explicitly.
    """

    def __init__(self, directory: str | Path | None = None, learner: str | None = None):
        self.directory = Path(directory) if directory else progress_dir()
        self.path = self.directory / DB_NAME
        self.learner = learner or default_learner()
        self.notices: list[str] = []  # shown in the quiz and the summary, besides warnings.warn
        self.persistent = True
        self._lock = threading.RLock()
        self._conn = self._open()

    # -- opening ---------------------------------------------------------------------------------------------------

    def _connect(self, target: str) -> sqlite3.Connection:
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return conn

    def _open(self) -> sqlite3.Connection:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return self._open_in_memory(f"the folder {self.directory} cannot be created ({error})")
        for _ in range(3):  # another kernel may be recovering the same file at the same moment
            try:
                identity = self._identity()
                conn = self._connect(str(self.path))
            except sqlite3.Error as error:
                return self._open_in_memory(f"{self.path} cannot be opened ({error})")
            try:
                self._prepare(conn)
                self._offer_moved_aside()
                return conn
            except UnreadableStore as problem:
                conn.close()
                self._move_aside(str(problem), identity)
            except sqlite3.DatabaseError as error:
                conn.close()
                if not _is_unreadable_error(error):
                    return self._open_in_memory(f"{self.path} cannot be used ({error})", keep_earlier=True)
                self._move_aside(str(error), identity)
        return self._open_in_memory(f"{self.path} could not be recovered")

    def _identity(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Check the file is a readable store of this schema; give an empty file the schema."""
        checked = conn.execute("PRAGMA quick_check").fetchall()
        if checked != [("ok",)]:
            raise UnreadableStore("the file is damaged: " + "; ".join(str(row[0]) for row in checked[:3]))
        conn.execute("BEGIN IMMEDIATE")  # only one kernel creates the schema
        try:
            tables = {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            application = conn.execute("PRAGMA application_id").fetchone()[0]
            if not tables and version == 0 and application == 0:
                for statement in filter(str.strip, _SCHEMA.split(";")):  # not executescript: it would commit
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("COMMIT")
            else:
                self._check_schema(conn, tables, version, application)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        # Only now, once the file is known to be ours: switching modes writes to the file's header.
        journal, synchronous = JOURNAL_MODES.get(os.environ.get(ENV_JOURNAL, "wal").lower(), JOURNAL_MODES["wal"])
        conn.execute(f"PRAGMA journal_mode = {journal}")
        conn.execute(f"PRAGMA synchronous = {synchronous}")

    @staticmethod
    def _check_schema(conn: sqlite3.Connection, tables: set, version: int, application: int) -> None:
        if application != APPLICATION_ID:
            raise UnreadableStore("it is not a progress store of this course (another program's database)")
        if version != SCHEMA_VERSION:
            raise UnreadableStore(f"it has schema version {version}; this course reads version {SCHEMA_VERSION}")
        for table, columns in _COLUMNS.items():
            found = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            if found != columns:
                raise UnreadableStore(f"its table {table!r} has columns {found}, expected {columns}")

    def _move_aside(self, reason: str, identity: tuple[int, int] | None) -> None:
        """Rename an unreadable file (and its journal) with a timestamp; never delete or overwrite it."""
        if identity is None or self._identity() != identity:
            return  # already moved or replaced by another kernel; open again
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        counter = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.unreadable-{stamp}-{counter}")
            counter += 1
        try:
            os.rename(self.path, target)
        except FileNotFoundError:
            return
        for suffix in _SIDECARS:
            sidecar = self.path.with_name(self.path.name + suffix)
            if sidecar.exists():
                os.rename(sidecar, target.with_name(target.name + suffix))
        self._notify(f"The progress file {self.path} could not be read: {reason}. It was kept and moved aside to "
                     f"{target.name}; a new, empty progress store was started. Earlier answers are in the moved "
                     "file, so nothing was deleted.")

    def _open_in_memory(self, reason: str, keep_earlier: bool = False) -> sqlite3.Connection:
        """A store that lives as long as the process; with `keep_earlier`, holding a copy of the file's answers,
        so a learner whose folder became read-only still sees what they answered before."""
        self.persistent = False
        conn = self._connect(":memory:")
        self._prepare(conn)
        earlier = _copy_rows(self.path, conn) if keep_earlier else 0
        shown = f" Your {earlier} earlier answer(s) are shown, but not updated." if earlier else ""
        self._notify(f"Your answers are NOT being saved: {reason}. Quizzes still work, but new answers will be "
                     f"lost when the kernel stops.{shown} Set {ENV_DIR} to a folder you can write to, or ask "
                     "whoever runs your server to make the folder writable.")
        return conn

    def moved_aside(self) -> list[Path]:
        """Earlier store files that were moved aside as unreadable and not merged back yet, oldest first."""
        return pending_moved_aside(self.directory)

    def _offer_moved_aside(self) -> None:
        waiting = self.moved_aside()
        if waiting:
            names = ", ".join(path.name for path in waiting)
            self._notify(f"{len(waiting)} earlier progress file(s) were moved aside as unreadable ({names}). "
                         "Run `python -m lessons progress --recover` to merge the answers they still hold back "
                         "into your progress.")

    def recover(self) -> list["Recovery"]:
        """Merge every moved-aside store of this folder back into this one, losing no answer.

        Each file is read from a copy (never changed); what it still holds is added, answers already here are
        not added twice, and each question's attempts are renumbered in time order. A file that was read is
        renamed with `.recovered` (kept, never deleted); one that could not be read stays offered.
        """
        results = []
        for moved in self.moved_aside():
            try:
                rows, reveals = _readable_rows(moved)
            except (OSError, sqlite3.Error, UnreadableStore) as error:
                results.append(Recovery(moved, 0, 0, f"nothing could be read: {error}"))
                continue
            added = self._write(lambda conn: _merge(conn, rows, reveals))
            done = moved.with_name(moved.name + RECOVERED_SUFFIX)
            for suffix in ("", *_SIDECARS):
                source = moved.with_name(moved.name + suffix)
                if source.exists():
                    os.rename(source, done.with_name(done.name + suffix))
            results.append(Recovery(moved, len(rows), added, None))
        return results

    def _notify(self, message: str) -> None:
        self.notices.append(message)
        warnings.warn(message, ProgressStoreWarning, stacklevel=4)

    # -- writing ---------------------------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self):
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:  # the body or COMMIT failed: leave no half-open transaction behind
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        try:
            with self._transaction() as conn:
                return work(conn)
        except sqlite3.DatabaseError as error:
            if not _is_unreadable_error(error):
                raise
            # The file broke while in use: keep it, start a fresh store, write the answer there.
            identity = self._identity()
            with self._lock:
                self._conn.close()
                self._move_aside(str(error), identity)
                self._conn = self._open()
            with self._transaction() as conn:
                return work(conn)

    def record(self, quiz: str, question: str, answer: Any, outcome: str, score: float) -> int:
        """Save one checked answer; return its attempt number (1 for the first)."""
        payload = json.dumps(answer, ensure_ascii=False, default=str)
        created = _now()

        def work(conn: sqlite3.Connection) -> int:
            (attempt,) = conn.execute(
                "SELECT COALESCE(MAX(attempt), 0) + 1 FROM responses WHERE learner = ? AND quiz = ? AND question = ?",
                (self.learner, quiz, question)).fetchone()
            conn.execute(
                "INSERT INTO responses (learner, quiz, question, attempt, answer, outcome, score, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.learner, quiz, question, attempt, payload, outcome, float(score), created))
            return attempt

        return self._write(work)

    def record_reveal(self, quiz: str, question: str) -> None:
        """Note that the learner asked to see the answer."""
        self._write(lambda conn: conn.execute(
            "INSERT OR IGNORE INTO reveals (learner, quiz, question, created) VALUES (?, ?, ?, ?)",
            (self.learner, quiz, question, _now())))

    # -- reading ---------------------------------------------------------------------------------------------------

    def _rows(self, sql: str, parameters: tuple) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, parameters).fetchall()

    @staticmethod
    def _response(row: tuple) -> Response:
        learner, quiz, question, attempt, answer, outcome, score, created = row
        try:
            decoded = json.loads(answer)
        except ValueError:
            decoded = None
        return Response(learner, quiz, question, attempt, decoded, outcome, score, created)

    def latest(self, quiz: str | None = None) -> dict[tuple[str, str], Response]:
        """The last answer to each question, keyed by (quiz, question); of one quiz if `quiz` is given."""
        where, parameters = ("AND quiz = ?", (quiz,)) if quiz else ("", ())
        rows = self._rows(
            "SELECT learner, quiz, question, attempt, answer, outcome, score, created FROM responses "
            f"WHERE learner = ? {where} AND attempt = (SELECT MAX(attempt) FROM responses AS later "
            "WHERE later.learner = responses.learner AND later.quiz = responses.quiz "
            "AND later.question = responses.question) ORDER BY quiz, id",
            (self.learner, *parameters))
        return {(row[1], row[2]): self._response(row) for row in rows}

    def responses(self) -> list[Response]:
        """Every checked answer of this learner, oldest first."""
        rows = self._rows("SELECT learner, quiz, question, attempt, answer, outcome, score, created FROM responses "
                          "WHERE learner = ? ORDER BY created, id", (self.learner,))
        return [self._response(row) for row in rows]

    def revealed(self, quiz: str | None = None) -> set[tuple[str, str]]:
        """(quiz, question) pairs whose answer the learner has asked to see."""
        where, parameters = ("AND quiz = ?", (quiz,)) if quiz else ("", ())
        return {(q, question) for q, question in self._rows(
            f"SELECT quiz, question FROM reveals WHERE learner = ? {where}", (self.learner, *parameters))}

    def close(self) -> None:
        with self._lock:
            self._conn.close()


RECOVERED_SUFFIX = ".recovered"


@dataclass(frozen=True)
class Recovery:
    """What merging one moved-aside file gave: answers found in it, answers new to the store, or a problem."""

    path: Path
    found: int
    added: int
    problem: str | None


def pending_moved_aside(directory: Path) -> list[Path]:
    """Store files moved aside in `directory` and not merged back yet (sidecars and recovered ones left out)."""
    found = []
    for path in sorted(Path(directory).glob(f"{DB_NAME}.unreadable-*")):
        if not path.name.endswith((*_SIDECARS, RECOVERED_SUFFIX)) and RECOVERED_SUFFIX not in path.name:
            found.append(path)
    return sorted(found, key=lambda path: path.stat().st_mtime)


def _readable_rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    """The responses and reveals a (possibly damaged) store file still yields, read from a private copy."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lessons-recover-") as folder:
        copy = Path(folder) / DB_NAME
        shutil.copyfile(path, copy)
        for suffix in _SIDECARS:  # an uncheckpointed WAL holds the latest answers
            if path.with_name(path.name + suffix).exists():
                shutil.copyfile(path.with_name(path.name + suffix), copy.with_name(copy.name + suffix))
        conn = sqlite3.connect(copy)
        try:
            return _table_rows(conn, "responses"), _table_rows(conn, "reveals", required=False)
        finally:
            conn.close()


def _table_rows(conn: sqlite3.Connection, table: str, required: bool = True) -> list[tuple]:
    """Rows of one table in this version's columns (without the id), read row by row past damaged pages."""
    columns = [c for c in _COLUMNS[table] if c != "id"]
    found = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    if not set(columns) <= found:
        if required:
            raise UnreadableStore(f"it has no {table} table with this course's columns")
        return []
    rows, cursor = [], conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
    while True:
        try:
            row = cursor.fetchone()
        except sqlite3.DatabaseError:  # a damaged page ends the readable part of the table
            break
        if row is None:
            break
        rows.append(row)
    return rows


def _merge(conn: sqlite3.Connection, rows: list[tuple], reveals: list[tuple]) -> int:
    """Add recovered rows not already present, renumber attempts in time order; return how many were added."""
    present = set(conn.execute("SELECT learner, quiz, question, answer, outcome, score, created FROM responses"))
    new = []
    for learner, quiz, question, _attempt, answer, outcome, score, created in rows:
        identity = (learner, quiz, question, answer, outcome, float(score), created)
        if identity not in present:
            present.add(identity)
            new.append(identity)
    for learner, quiz, question in sorted({row[:3] for row in new}):
        kept = conn.execute("SELECT answer, outcome, score, created FROM responses WHERE learner = ? AND quiz = ? "
                            "AND question = ? ORDER BY attempt", (learner, quiz, question)).fetchall()
        merged = sorted(kept + [row[3:] for row in new if row[:3] == (learner, quiz, question)],
                        key=lambda row: row[3])
        conn.execute("DELETE FROM responses WHERE learner = ? AND quiz = ? AND question = ?", (learner, quiz, question))
        conn.executemany(
            "INSERT INTO responses (learner, quiz, question, attempt, answer, outcome, score, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(learner, quiz, question, attempt, *row) for attempt, row in enumerate(merged, start=1)])
    conn.executemany("INSERT OR IGNORE INTO reveals (learner, quiz, question, created) VALUES (?, ?, ?, ?)", reveals)
    return len(new)


def _copy_rows(path: Path, conn: sqlite3.Connection) -> int:
    """Copy a store file's answers into `conn` (an empty store); 0 when the file cannot be read."""
    try:
        rows, reveals = _readable_rows(path)
    except (OSError, sqlite3.Error, UnreadableStore):
        return 0
    conn.execute("BEGIN")
    added = _merge(conn, rows, reveals)
    conn.execute("COMMIT")
    return added


_STORES: dict[tuple[int, Path, str], ProgressStore] = {}
_STORES_LOCK = threading.Lock()


def open_store(directory: str | Path | None = None, learner: str | None = None) -> ProgressStore:
    """The store for a folder and learner, opened once per process (a forked process opens its own)."""
    folder = (Path(directory) if directory else progress_dir()).expanduser().resolve()
    key = (os.getpid(), folder, learner or default_learner())
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = ProgressStore(folder, key[2])
        return _STORES[key]


# ---------------------------------------------------------------------------------------------------------------
# Scores and the course summary

@dataclass(frozen=True)
class QuizScore:
    """A learner's standing in one lesson's quiz: each question scores its latest answer."""

    lesson: str
    questions: int
    answered: int
    correct: int
    score: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.questions if self.questions else 0.0


def quiz_score(lesson: str, question_ids: list[str], latest: dict[tuple[str, str], Response]) -> QuizScore:
    """Score one quiz from the latest responses; answers to questions no longer in the quiz do not count."""
    answers = [latest[(lesson, qid)] for qid in question_ids if (lesson, qid) in latest]
    return QuizScore(lesson=lesson, questions=len(question_ids), answered=len(answers),
                     correct=sum(1 for a in answers if a.outcome == "correct"),
                     score=sum(a.score for a in answers))


@dataclass(frozen=True)
class ProgressSummary:
    """Scores per quiz and for the whole course; shows itself as a table in a notebook."""

    learner: str
    store: str
    quizzes: tuple[QuizScore, ...]
    notices: tuple[str, ...] = field(default=())

    @property
    def total(self) -> QuizScore:
        return QuizScore(lesson="all", questions=sum(q.questions for q in self.quizzes),
                         answered=sum(q.answered for q in self.quizzes),
                         correct=sum(q.correct for q in self.quizzes), score=sum(q.score for q in self.quizzes))

    def as_dict(self) -> dict:
        rows = [dict(vars(q), percent=round(q.percent, 1)) for q in (*self.quizzes, self.total)]
        return {"learner": self.learner, "store": self.store, "quizzes": rows, "notices": list(self.notices)}

    def __str__(self) -> str:
        lines = [f"! {notice}" for notice in self.notices]
        lines.append(f"Progress of {self.learner}")
        lines.append(f"{'quiz':<26}{'answered':>10}{'correct':>9}{'score':>9}{'percent':>9}")
        for row in (*self.quizzes, self.total):
            answered = f"{row.answered}/{row.questions}"
            lines.append(f"{row.lesson:<26}{answered:>10}{row.correct:>9}{row.score:>9.1f}{row.percent:>8.0f}%")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain: the table, not the dataclass
        printer.text(str(self))

    def _repr_html_(self) -> str:
        notices = "".join(f'<p class="lessons-notice" role="alert">\u26a0 {escape(n)}</p>' for n in self.notices)
        rows = []
        for row in (*self.quizzes, self.total):
            cells = (escape(row.lesson), f"{row.answered} of {row.questions}", str(row.correct),
                     f"{row.score:.1f}", f"{row.percent:.0f}%")
            tag = "th" if row.lesson == "all" else "td"
            rows.append("<tr>" + "".join(f'<{tag}>{cell}</{tag}>' for cell in cells) + "</tr>")
        return (f'<div class="lessons-progress">{notices}<table><caption>Progress of {escape(self.learner)}'
                "</caption><thead><tr><th scope=\"col\">Quiz</th><th scope=\"col\">Answered</th>"
                "<th scope=\"col\">Correct</th><th scope=\"col\">Score</th><th scope=\"col\">Percent</th></tr>"
                f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def _course_questions(course) -> dict[str, list[str]]:
    from .questions import LESSONS

    by_lesson: dict[str, list[str]] = {lesson: [] for lesson in LESSONS}
    for question in course.extra.get("question", {}).values():
        by_lesson.setdefault(question.lesson, []).append(question.id)
    return {lesson: ids for lesson, ids in by_lesson.items() if ids}


def progress_summary(directory: str | Path | None = None, learner: str | None = None, course=None,
                     store: ProgressStore | None = None) -> ProgressSummary:
    """Score per quiz and across the course for one learner (the current one by default)."""
    if course is None:
        from .content import load_course

        course = load_course()
    store = store or open_store(directory, learner)
    latest = store.latest()
    quizzes = tuple(quiz_score(lesson, ids, latest) for lesson, ids in _course_questions(course).items())
    return ProgressSummary(learner=store.learner, store=str(store.path) if store.persistent else "(not saved)",
                           quizzes=quizzes, notices=tuple(store.notices))


class EmptyExport(ValueError):
    """There is no answer to export: an empty file would look like a learner who did nothing."""


def export_gaps(store: ProgressStore) -> list[str]:
    """Why an export of `store` may miss answers (empty when it holds everything there is)."""
    gaps = []
    if not store.persistent:
        gaps.append(f"the progress folder {store.directory} cannot be used, so answers checked in a kernel while "
                    "that was so were never saved and are not in this export")
    waiting = store.moved_aside()
    if waiting:
        gaps.append(f"{len(waiting)} earlier progress file(s) moved aside as unreadable may hold answers that are "
                    "not in this export; run `python -m lessons progress --recover` first")
    return gaps


def export_progress(path: str | Path, directory: str | Path | None = None, learner: str | None = None,
                    course=None, store: ProgressStore | None = None, allow_empty: bool = False) -> Path:
    """Write a learner's progress to a file an instructor can collect: JSON, or CSV if the name ends in .csv.

    Raises EmptyExport when there is no answer (unless `allow_empty`). A JSON export says whether it is
    complete and, if not, why (`export_gaps`).
    """
    from .questions import answer_text

    if course is None:
        from .content import load_course

        course = load_course()
    store = store or open_store(directory, learner)
    summary = progress_summary(course=course, store=store)
    target = Path(path).expanduser()
    questions = course.extra.get("question", {})
    responses = []
    for response in store.responses():
        row = dataclasses.asdict(response)
        question = questions.get(response.question)  # answers in words, for a reader of the export
        row["answer_text"] = answer_text(question, response.answer) if question else ""
        responses.append(row)
    if not responses and not allow_empty:
        raise EmptyExport(f"there are no answers of {store.learner} in {store.path}")
    gaps = export_gaps(store)
    revealed = sorted(store.revealed())
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # written whole, then renamed into place
    if target.suffix.lower() == ".csv":
        columns = ["learner", "quiz", "question", "attempt", "outcome", "score", "answer", "answer_text", "created",
                   "revealed"]
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for response in responses:
                writer.writerow({**response, "answer": json.dumps(response["answer"], ensure_ascii=False),
                                 "revealed": (response["quiz"], response["question"]) in revealed})
    else:
        document = {"format": "lessons-progress", "version": 1, "exported": _now(), **summary.as_dict(),
                    "complete": not gaps, "gaps": gaps, "responses": responses, "revealed": [{"quiz": q, "question": qid} for q, qid in revealed]}
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(partial, target)
    return target

