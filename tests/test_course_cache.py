"""The validated-course cache is plain JSON: it round-trips the course and refuses anything else."""
import json
import os
import subprocess
import sys

import pytest

from lessons import content, course_cache


@pytest.fixture(scope="module")
def key():
    return content._inputs_digest(content.DATA_DIR, content.seed_dir())


def test_round_trip_gives_the_same_course(course, key):
    assert course_cache.loads(course_cache.dumps(course, key), key) == course


def test_a_cache_of_other_inputs_is_refused(course, key):
    with pytest.raises(course_cache.CacheError, match="other content"):
        course_cache.loads(course_cache.dumps(course, key), key + "0")


@pytest.mark.parametrize("text, words", [
    ("not json", "not JSON"),
    ('{"format": "pickle"}', "not a course cache"),
    (json.dumps({"format": course_cache.FORMAT, "key": "k", "course": {"__type__": "Popen", "args": ["id"]}}),
     "unknown record type 'Popen'"),
    (json.dumps({"format": course_cache.FORMAT, "key": "k", "course": {"__type__": "Evidence", "bogus": 1}}),
     "Evidence"),
    (json.dumps({"format": course_cache.FORMAT, "key": "k", "course": [1, 2]}), "holds no course"),
])
def test_anything_but_a_course_is_refused(text, words):
    with pytest.raises(course_cache.CacheError, match=words):
        course_cache.loads(text, "k")


def test_a_pickle_in_the_cache_folder_is_never_loaded(tmp_path, monkeypatch, key):
    """A pickle that would run code is just an unreadable cache: the course validates again, the code never runs."""
    import pickle

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    monkeypatch.setenv(content.CACHE_ENV, str(tmp_path))
    monkeypatch.setenv(course_cache.SHARED_ENV, "")
    path = content._cache_file()
    path.write_bytes(pickle.dumps(Payload()))
    assert course_cache.read(path, key) is None
    assert content._load_shared(content.DATA_DIR, content.seed_dir()) is not None
    assert not marker.exists()
    assert course_cache.read(path, key) is not None, "the full load did not rewrite the cache as JSON"


def test_write_reports_a_folder_it_cannot_use(tmp_path, course, key):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert course_cache.write(blocker / "sub" / "course.json", course, key) is False


# ---------------------------------------------------------------------------------------------- the shared cache

@pytest.fixture
def caches(tmp_path, monkeypatch):
    """A shared and a per-user cache folder, both empty, and a loader that fails if it has to validate."""
    shared, personal = tmp_path / "shared", tmp_path / "personal"
    monkeypatch.setenv(course_cache.SHARED_ENV, str(shared))
    monkeypatch.setenv(content.CACHE_ENV, str(personal))
    return shared, personal


def _load_without_validating(monkeypatch):
    def refuse(*_):
        raise AssertionError("the course was validated in full although a usable cache exists")

    monkeypatch.setattr(content, "_load", refuse)
    return content._load_shared(content.DATA_DIR, content.seed_dir())


def test_kernels_read_the_shared_cache_and_write_nothing_of_their_own(caches, course, monkeypatch):
    shared, personal = caches
    built = content.build_cache(shared)
    assert built == course_cache.shared_file()
    assert oct(built.stat().st_mode & 0o777) == "0o644" and oct(shared.stat().st_mode & 0o777) == "0o755"
    assert _load_without_validating(monkeypatch) == course
    assert not personal.exists(), "a kernel wrote a per-user cache although the shared one was used"


def test_a_stale_shared_cache_falls_back_to_the_per_user_cache(caches, course, key, monkeypatch):
    shared, personal = caches
    shared.mkdir()
    course_cache.write(shared / course_cache.file_name(), course, key + "-an-older-version")
    assert content._load_shared(content.DATA_DIR, content.seed_dir()) == course
    assert course_cache.read(personal / course_cache.file_name(), key) == course, "no per-user fallback written"
    assert _load_without_validating(monkeypatch) == course


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("writable", ["folder", "file", "parent"])
def test_a_cache_other_users_could_write_is_never_read(caches, course, key, monkeypatch, writable):
    """Group- or world-writable anywhere on the way (no sticky bit): passed over, the course validates again."""
    shared, _ = caches
    path = content.build_cache(shared)
    target = {"folder": shared, "file": path, "parent": shared.parent}[writable]
    os.chmod(target, target.stat().st_mode | 0o022)
    assert "can be written by other users" in course_cache.untrusted_reason(path)
    assert course_cache.read_trusted(path, key) is None
    with pytest.raises(AssertionError, match="validated in full"):
        _load_without_validating(monkeypatch)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_sticky_world_writable_folder_above_the_cache_is_accepted(tmp_path, course):
    sticky = tmp_path / "tmp-like"
    sticky.mkdir()
    os.chmod(sticky, 0o1777)
    path = content.build_cache(sticky / "shared")
    assert course_cache.untrusted_reason(path) is None


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="file owners are POSIX")
def test_a_cache_owned_by_another_user_is_never_read(caches, course, monkeypatch):
    shared, _ = caches
    path = content.build_cache(shared)
    me = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: me + 4242)  # as seen by another, unprivileged user
    if me == 0:
        assert course_cache.untrusted_reason(path) is None, "root's files are trusted by every user"
    else:
        assert "belongs to another user" in course_cache.untrusted_reason(path)


def test_cache_build_command_writes_a_cache_kernels_use(tmp_path, repo):
    env = {**os.environ, course_cache.SHARED_ENV: str(tmp_path / "shared")}
    built = subprocess.run([sys.executable, "-m", "lessons", "cache", "build"], env=env, cwd=repo,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    status = subprocess.run([sys.executable, "-m", "lessons", "cache", "status"], env=env, cwd=repo,
                            capture_output=True, text=True, timeout=300)
    assert "shared" in status.stdout and "up to date" in status.stdout.splitlines()[0], status.stdout


def test_cache_build_refuses_a_folder_kernels_would_not_trust(tmp_path, repo):
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(open_folder, 0o777)
    built = subprocess.run([sys.executable, "-m", "lessons", "cache", "build", str(open_folder)], cwd=repo,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 1 and "will NOT read it" in built.stdout, built.stdout
