"""The real course loads, its report is stable, and every article fragment is verbatim in seeds/."""
from __future__ import annotations

import json
import subprocess
import sys

from lessons.content import SEED_FILE


def test_the_command_line_check_passes(repo):
    result = subprocess.run([sys.executable, "-m", "lessons", "check"], capture_output=True, text=True,
                            timeout=120, cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: the course content is valid")
    assert "event" in result.stdout and "background" in result.stdout


def test_json_report_fragments_are_substrings_of_the_seed(repo, course):
    result = subprocess.run([sys.executable, "-m", "lessons", "check", "--json"], capture_output=True, text=True,
                            timeout=120, cwd=repo)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    seed = (repo / "seeds" / SEED_FILE).read_text(encoding="utf-8")
    items = report["items"]
    assert {"kind", "id", "fragments", "sources"} == set(items[0])
    assert len(items) == len(list(course.items())) + len(course.sources)
    fragments = [fragment for item in items for fragment in item["fragments"]]
    assert len(fragments) > 50
    missing = [fragment for fragment in fragments if fragment not in seed]
    assert missing == []
    known_sources = {item["id"] for item in items if item["kind"] == "source"}
    assert {s for item in items for s in item["sources"]} <= known_sources


def test_every_item_has_evidence_and_background_means_no_fragment(course):
    for item in course.items():
        assert item.evidence.fragments or item.evidence.sources, item.id
        assert item.background == (not item.evidence.fragments), item.id


def test_course_is_loaded_once_and_cached():
    from lessons.content import load_course

    assert load_course() is load_course()


def test_public_names_stay_functions_whatever_is_imported_first():
    """No submodule shares a public name, so importing a submodule never shadows the function."""
    import importlib
    import pkgutil

    import lessons

    submodules = {info.name for info in pkgutil.iter_modules(lessons.__path__)}
    assert not submodules & set(lessons.__all__)
    for name in submodules:
        importlib.import_module(f"lessons.{name}")
    assert all(callable(getattr(lessons, name)) for name in lessons.__all__ if name != "ContentError")
