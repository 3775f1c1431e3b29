"""The validated-course cache is plain JSON: it round-trips the course and refuses anything else."""
import json

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
