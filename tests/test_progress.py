"""The progress store: atomic writes, concurrent kernels, crashes, unreadable files, summary and export."""
from __future__ import annotations

import csv
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import progress
from lessons.progress import ProgressStore, ProgressStoreWarning

from test_questions import small_course

REPO = Path(__file__).resolve().parent.parent


def unreadable_copies(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{progress.DB_NAME}.unreadable-*"))


def test_record_and_read_back(tmp_path):
    store = ProgressStore(tmp_path, learner="ann")
    assert store.record("02-context", "q1", ["Tavush"], "partial", 0.5) == 1
    assert store.record("02-context", "q1", ["Tavush", "Syunik"], "correct", 1.0) == 2
    assert store.record("03-actors", "q2", "Putin", "wrong", 0.0) == 1
    latest = store.latest("02-context")
    assert list(latest) == [("02-context", "q1")]
    assert (latest[("02-context", "q1")].attempt, latest[("02-context", "q1")].answer) == (2, ["Tavush", "Syunik"])
    assert len(store.responses()) == 3 and set(store.latest()) == {("02-context", "q1"), ("03-actors", "q2")}
    store.record_reveal("02-context", "q1")
    store.record_reveal("02-context", "q1")
    assert store.revealed() == {("02-context", "q1")}


def test_store_folder_comes_from_the_environment_else_platformdirs(monkeypatch, tmp_path):
    monkeypatch.setenv(progress.ENV_DIR, str(tmp_path / "mine"))
    assert progress.progress_dir() == tmp_path / "mine"
    store = progress.open_store(learner="x")
    assert store.path == (tmp_path / "mine" / progress.DB_NAME).resolve() and store.path.exists()
    assert progress.open_store(learner="x") is store  # one connection per store and process
    monkeypatch.delenv(progress.ENV_DIR)
    import platformdirs

    assert progress.progress_dir() == Path(platformdirs.user_data_dir(progress.APP_NAME, appauthor=False))


def test_garbage_file_is_moved_aside_with_a_warning_and_a_new_store_works(tmp_path):
    garbage = os.urandom(4096)
    (tmp_path / progress.DB_NAME).write_bytes(garbage)
    with pytest.warns(ProgressStoreWarning, match="could not be read: file is not a database.*moved aside"):
        store = ProgressStore(tmp_path, learner="ann")
    [moved] = unreadable_copies(tmp_path)
    assert moved.read_bytes() == garbage  # kept byte for byte, never overwritten
    assert store.notices and moved.name in store.notices[0]
    assert store.record("02-context", "q1", "x", "wrong", 0.0) == 1
    assert ProgressStore(tmp_path, learner="ann").latest()[("02-context", "q1")].answer == "x"


def test_database_of_another_schema_is_moved_aside(tmp_path):
    path = tmp_path / progress.DB_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE answers (who TEXT, what TEXT)")
        conn.execute("INSERT INTO answers VALUES ('ann', 'precious')")
    conn.close()
    with pytest.warns(ProgressStoreWarning, match="not a progress store of this course"):
        store = ProgressStore(tmp_path)
    [moved] = unreadable_copies(tmp_path)
    with sqlite3.connect(moved) as old:
        assert old.execute("SELECT what FROM answers").fetchall() == [("precious",)]
    old.close()
    assert store.record("02-context", "q1", 1, "correct", 1.0) == 1


def test_store_of_a_newer_version_or_changed_columns_is_moved_aside(tmp_path):
    ProgressStore(tmp_path).close()
    with sqlite3.connect(tmp_path / progress.DB_NAME) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.warns(ProgressStoreWarning, match="schema version 99"):
        ProgressStore(tmp_path).close()
    with sqlite3.connect(tmp_path / progress.DB_NAME) as conn:
        conn.execute("ALTER TABLE reveals ADD COLUMN extra TEXT")
    conn.close()
    with pytest.warns(ProgressStoreWarning, match="its table 'reveals' has columns"):
        ProgressStore(tmp_path).close()
    assert len(unreadable_copies(tmp_path)) == 2


def test_damaged_pages_are_detected(tmp_path):
    store = ProgressStore(tmp_path)
    for index in range(300):
        store.record("02-context", f"q{index}", "some answer text " * 5, "wrong", 0.0)
    store.close()
    path = tmp_path / progress.DB_NAME
    data = bytearray(path.read_bytes())
    data[4096 * 2:4096 * 4] = b"\xff" * 8192  # overwrite two pages in the middle, keep the header
    path.write_bytes(bytes(data))
    with pytest.warns(ProgressStoreWarning, match="moved aside"):
        fresh = ProgressStore(tmp_path)
    assert fresh.responses() == [] and len(unreadable_copies(tmp_path)) == 1


def test_unwritable_folder_falls_back_to_memory_with_a_notice(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(ProgressStoreWarning, match="Your answers are NOT being saved"):
        store = ProgressStore(blocker / "progress")
    assert not store.persistent
    assert store.record("02-context", "q1", "x", "wrong", 0.0) == 1


def _write_answers(folder: str, writer: int, count: int) -> None:
    store = ProgressStore(folder, learner="shared")
    for index in range(count):
        store.record("02-context", "q_same", {"writer": writer, "index": index}, "wrong", 0.0)
        store.record("02-context", f"q_{writer}", index, "correct", 1.0)
    store.close()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_concurrent_writers_lose_no_answer(tmp_path, monkeypatch, journal):
    monkeypatch.setenv(progress.ENV_JOURNAL, journal)  # spawned writers inherit it
    ProgressStore(tmp_path).close()
    writers, count = 4, 50
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like separate kernels
    processes = [context.Process(target=_write_answers, args=(str(tmp_path), n, count)) for n in range(writers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    store = ProgressStore(tmp_path, learner="shared")
    rows = store.responses()
    assert len(rows) == 2 * writers * count
    shared = [row for row in rows if row.question == "q_same"]
    assert sorted(row.attempt for row in shared) == list(range(1, writers * count + 1))  # no attempt lost or doubled
    assert {(row.answer["writer"], row.answer["index"]) for row in shared} == \
        {(n, i) for n in range(writers) for i in range(count)}
    for n in range(writers):
        assert store.latest("02-context")[("02-context", f"q_{n}")].attempt == count
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == progress.JOURNAL_MODES[journal][0].lower()


CRASH_IN_TRANSACTION = """
import os, sys
from lessons.progress import ProgressStore
store = ProgressStore(sys.argv[1], learner="ann")
store._conn.execute("BEGIN IMMEDIATE")
store._conn.execute(
    "INSERT INTO responses (learner, quiz, question, attempt, answer, outcome, score, created) "
    "VALUES ('ann', '02-context', 'q_lost', 1, '\\"never committed\\"', 'correct', 1, 'now')")
os._exit(9)  # dies before COMMIT, as a killed kernel would
"""


def test_process_dying_inside_a_transaction_leaves_earlier_answers_intact(tmp_path):
    store = ProgressStore(tmp_path, learner="ann")
    for index in range(3):
        store.record("02-context", "q_kept", index, "wrong", 0.0)
    store.close()
    crashed = subprocess.run([sys.executable, "-c", CRASH_IN_TRANSACTION, str(tmp_path)], cwd=REPO)
    assert crashed.returncode == 9
    reopened = ProgressStore(tmp_path, learner="ann")
    assert [r.answer for r in reopened.responses()] == [0, 1, 2]
    assert not unreadable_copies(tmp_path)  # a crash is recovered, not treated as corruption
    assert reopened.record("02-context", "q_kept", 3, "correct", 1.0) == 4


WRITE_FOREVER = """
import sys
from lessons.progress import ProgressStore
store = ProgressStore(sys.argv[1], learner="ann")
index = 0
while True:
    store.record("02-context", "q_loop", {"index": index, "pad": "x" * 2000}, "wrong", 0.0)
    print(index, flush=True)
    index += 1
"""


def test_process_killed_while_writing_leaves_a_readable_store(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITE_FOREVER, str(tmp_path)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        committed = -1
        while committed < 200:
            line = writer.stdout.readline()
            assert line, "the writer stopped early"
            committed = int(line)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(30)
    with sqlite3.connect(tmp_path / progress.DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    store = ProgressStore(tmp_path, learner="ann")
    indexes = [row.answer["index"] for row in store.responses()]
    assert indexes == list(range(len(indexes))) and len(indexes) >= committed + 1
    assert [row.attempt for row in store.responses()] == list(range(1, len(indexes) + 1))


# ---------------------------------------------------------------------------------------------------------------
# Summary and export

@pytest.fixture
def answered(tmp_path):
    course = small_course()
    store = ProgressStore(tmp_path / "store", learner="ann")
    store.record("02-context", "q_single", "Nikol Pashinian", "correct", 1.0)
    store.record("02-context", "q_multiple", ["Tavush"], "partial", 0.5)
    store.record("02-context", "q_text", "Putin", "wrong", 0.0)
    store.record("02-context", "q_text", "Pashinyan", "correct", 1.0)
    store.record("02-context", "q_gone", "x", "correct", 1.0)  # a question no longer in the course
    store.record_reveal("02-context", "q_multiple")
    return course, store


def test_summary_scores_each_quiz_by_latest_answers(answered):
    course, store = answered
    summary = progress.progress_summary(course=course, store=store)
    [context] = summary.quizzes
    assert (context.lesson, context.questions, context.answered, context.correct, context.score) == \
        ("02-context", 9, 3, 2, 2.5)
    assert summary.total.percent == pytest.approx(100 * 2.5 / 9)
    text = str(summary)
    assert "02-context" in text and "3/9" in text and "28%" in text
    from IPython.lib.pretty import pretty

    assert pretty(summary) == text
    html = summary._repr_html_()
    assert "<table>" in html and "3 of 9" in html and "Progress of ann" in html


def test_summary_shows_the_store_notice(tmp_path):
    (tmp_path / progress.DB_NAME).write_bytes(b"garbage" * 200)
    with pytest.warns(ProgressStoreWarning):
        store = ProgressStore(tmp_path)
    summary = progress.progress_summary(course=small_course(), store=store)
    assert "moved aside" in str(summary) and 'role="alert"' in summary._repr_html_()


def test_export_json(answered, tmp_path):
    course, store = answered
    path = progress.export_progress(tmp_path / "ann.json", course=course, store=store)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["learner"] == "ann" and document["format"] == "lessons-progress"
    assert [r["question"] for r in document["responses"]] == ["q_single", "q_multiple", "q_text", "q_text", "q_gone"]
    assert document["quizzes"][0]["score"] == 2.5
    assert document["revealed"] == [{"quiz": "02-context", "question": "q_multiple"}]
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_csv(answered, tmp_path):
    course, store = answered
    path = progress.export_progress(tmp_path / "ann.csv", course=course, store=store)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    assert rows[1]["question"] == "q_multiple" and json.loads(rows[1]["answer"]) == ["Tavush"]
    assert rows[1]["revealed"] == "True" and rows[0]["revealed"] == "False"
    assert rows[0]["answer_text"] == "Nikol Pashinian" and rows[4]["answer_text"] == ""  # q_gone: no question


def test_export_says_ordering_and_matching_answers_in_words(tmp_path):
    course = small_course()
    store = ProgressStore(tmp_path, learner="ann")
    store.record("02-context", "q_ordering", ["war", None, "talks"], "partial", 1 / 3)
    store.record("02-context", "q_matching", {"putin": "pashinian", "pashinian": "pashinian"}, "partial", 0.5)
    path = progress.export_progress(tmp_path / "ann.json", course=course, store=store)
    ordering, matching = json.loads(path.read_text(encoding="utf-8"))["responses"]
    assert ordering["answer_text"] == "The 2020 war \u2192 ? \u2192 Talks in Moscow"
    assert matching["answer_text"] == ("Vladimir Putin \u2192 Armenian prime minister; asked for the withdrawal | "
                                       "Nikol Pashinian \u2192 Armenian prime minister; asked for the withdrawal")


def test_command_line_export(tmp_path):
    env = {**os.environ, progress.ENV_DIR: str(tmp_path), progress.ENV_LEARNER: "cli"}
    store = ProgressStore(tmp_path, learner="cli")
    store.record("02-context", "some_question", "x", "wrong", 0.0)
    store.close()
    target = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "lessons", "progress", "--export", str(target)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"Wrote the progress of cli to {target}."
    assert json.loads(target.read_text())["responses"][0]["question"] == "some_question"
    failed = subprocess.run([sys.executable, "-m", "lessons", "progress", "--export", str(tmp_path / "no" / "x.csv")],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and failed.stdout.startswith("Cannot write") and "Traceback" not in failed.stderr


# ---------------------------------------------------------------------------------------------- faults and identity

def test_a_store_that_cannot_be_written_still_shows_earlier_answers(tmp_path, make_store_read_only):
    """A read-only folder (simulated: root ignores file modes): earlier answers shown, the fault said plainly."""
    before = ProgressStore(tmp_path, learner="ann")
    before.record("02-context", "q1", "earlier", "correct", 1.0)
    before.close()
    make_store_read_only()
    with pytest.warns(ProgressStoreWarning, match="NOT being saved.*readonly.*1 earlier answer"):
        store = ProgressStore(tmp_path, learner="ann")
    assert not store.persistent
    assert store.latest()[("02-context", "q1")].answer == "earlier"
    assert store.record("02-context", "q1", "later", "wrong", 0.0) == 2
    summary = progress.progress_summary(course=small_course(), store=store)
    assert summary.store == "(not saved)" and "NOT being saved" in str(summary)


def _damaged_store(folder: Path, learner: str = "ann") -> None:
    """A store with answers whose schema marker is wrong, as a newer version might leave it: moved aside."""
    old = ProgressStore(folder, learner=learner)
    old.record("02-context", "q1", "first try", "wrong", 0.0)
    old.record("02-context", "q1", "second try", "correct", 1.0)
    old.record("03-actors", "q9", "kept", "correct", 1.0)
    old.record_reveal("03-actors", "q9")
    old.close()
    with sqlite3.connect(folder / progress.DB_NAME) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


def test_a_moved_aside_store_is_offered_and_merged_back_without_losing_an_answer(tmp_path):
    _damaged_store(tmp_path)
    with pytest.warns(ProgressStoreWarning, match="moved aside"):
        store = ProgressStore(tmp_path, learner="ann")
    assert any("--recover" in notice for notice in store.notices)
    store.record("02-context", "q1", "after the move", "partial", 0.5)  # answered again in the fresh store
    [result] = store.recover()
    assert (result.found, result.added, result.problem) == (3, 3, None)
    q1 = [r for r in store.responses() if r.question == "q1"]
    assert [(r.attempt, r.answer) for r in q1] == [(1, "first try"), (2, "second try"), (3, "after the move")]
    assert store.latest()[("03-actors", "q9")].answer == "kept" and ("03-actors", "q9") in store.revealed()
    assert store.moved_aside() == [] and list(tmp_path.glob("*.recovered")), "the merged file must be kept"
    assert store.recover() == []  # a second run merges nothing twice
    assert len(store.responses()) == 4
    reopened = ProgressStore(tmp_path, learner="ann")
    assert not any("--recover" in notice for notice in reopened.notices)


def test_a_moved_aside_file_with_nothing_readable_stays_offered(tmp_path):
    (tmp_path / progress.DB_NAME).write_bytes(os.urandom(4096))
    with pytest.warns(ProgressStoreWarning):
        store = ProgressStore(tmp_path, learner="ann")
    [result] = store.recover()
    assert result.added == 0 and "nothing could be read" in result.problem
    assert len(store.moved_aside()) == 1


def test_the_hub_login_names_the_learner_even_when_user_is_jovyan(monkeypatch):
    """Docker and Kubernetes images run every learner as `jovyan`; JupyterHub sets JUPYTERHUB_USER in each kernel."""
    monkeypatch.setenv("USER", "jovyan")
    monkeypatch.setenv("LOGNAME", "jovyan")
    monkeypatch.setenv(progress.ENV_LEARNER, "set-by-hand")
    monkeypatch.setenv(progress.ENV_HUB_USER, "ann.petrosyan")
    assert progress.default_learner() == "ann.petrosyan"
    monkeypatch.setenv(progress.ENV_HUB_USER, "")
    assert progress.default_learner() == "set-by-hand"
    monkeypatch.delenv(progress.ENV_LEARNER)
    assert progress.default_learner() == "jovyan"  # no hub, no setting: the login name, as before


def _cli(tmp_path: Path, *arguments: str, learner: str = "cli") -> subprocess.CompletedProcess:
    env = {**os.environ, progress.ENV_DIR: str(tmp_path), progress.ENV_LEARNER: learner}
    env.pop(progress.ENV_HUB_USER, None)
    return subprocess.run([sys.executable, "-m", "lessons", "progress", *arguments], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_export_refuses_to_write_an_empty_file(tmp_path):
    target = tmp_path / "empty.json"
    done = _cli(tmp_path, "--export", str(target))
    assert done.returncode == 1 and not target.exists()
    assert "no answers" in done.stdout and "cli" in done.stdout


def test_export_from_a_folder_that_does_not_exist_creates_nothing(tmp_path):
    target = tmp_path / "out.json"
    for command in (["--export", str(target), "--dir", str(tmp_path / "new")], ["--recover", "--dir", str(tmp_path / "new")]):
        done = _cli(tmp_path, *command)
        assert "no progress store" in done.stdout or "nothing to recover" in done.stdout, done.stdout
        assert not (tmp_path / "new").exists() and not target.exists()
    assert _cli(tmp_path, "--export", str(target), "--dir", str(tmp_path / "new")).returncode == 1


def test_export_warns_loudly_when_answers_wait_in_a_moved_aside_file(tmp_path):
    _damaged_store(tmp_path, learner="cli")
    with pytest.warns(ProgressStoreWarning):
        ProgressStore(tmp_path, learner="cli").record("02-context", "q1", "new", "wrong", 0.0)
    target = tmp_path / "partial.json"
    done = _cli(tmp_path, "--export", str(target))
    assert done.returncode == 0 and target.exists()
    assert "WARNING" in done.stderr and "--recover" in done.stderr
    assert json.loads(target.read_text())["complete"] is False
    recovered = _cli(tmp_path, "--recover")
    assert recovered.returncode == 0 and "3 answer(s) merged back" in recovered.stdout, recovered.stdout
    again = _cli(tmp_path, "--export", str(target))
    assert again.returncode == 0 and "WARNING" not in again.stderr
    assert json.loads(target.read_text())["complete"] is True
