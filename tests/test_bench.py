"""The benchmark's own logic: statistics, targets, the table, the report, and tiny in-process runs. No timings."""
from __future__ import annotations

import json
import sys

import pytest

from lessons.bench import core
from lessons.bench.processes import TRIVIAL_NOTEBOOK, course_notebooks, pytest_command, write_trivial_notebooks
from lessons.bench.runner import FIGURES
from lessons.bench.session import ISOLATED, Session, Settings


def test_percentile_is_nearest_rank_of_measured_values():
    values = list(range(1, 101))
    assert core.percentile(values, 0.95) == 95
    assert core.percentile(values, 0.5) == 50
    assert core.percentile([7.0], 0.95) == 7.0
    assert core.summarize([3.0, 1.0, 2.0]) == {"median": 2.0, "p95": 3.0, "min": 1.0, "max": 3.0, "n": 3}
    assert core.summarize([]) is None


def test_ratio_target_is_judged_on_medians():
    figure = core.Figure("x", "x", "s", samples=[3.0, 3.0, 9.0], floor=[2.0, 2.0, 1.0],
                         target=core.Target("ratio", 1.5))
    assert figure.ratio == pytest.approx(1.5)
    assert figure.met is True
    figure.samples = [3.1, 3.1, 3.1]
    assert figure.met is False


def test_limit_target_uses_its_statistic_and_floor_scale_multiplies_the_floor():
    figure = core.Figure("q", "q", "ms", samples=[1.0] * 19 + [50.0], target=core.Target("limit", 20.0, "p95"))
    assert figure.met is True  # 95th of 20 samples is the 19th
    figure.samples.append(50.0)
    assert figure.met is False
    scaled = core.Figure("g", "g", "s", samples=[30.0], floor=[2.0], floor_scale=30.0)
    assert scaled.floor_stats["median"] == 60.0 and scaled.floor_stats["n"] == 1
    assert scaled.ratio == pytest.approx(0.5)
    assert scaled.met is None  # no target


def test_table_and_report_show_every_figure_and_skip_reason(tmp_path):
    measured = core.Figure("a", "alpha", "ms", samples=[1.0, 2.0], floor=[1.0], target=core.Target("ratio", 1.2),
                           notes=["a note"])
    missing = core.skipped("b", "beta", "ms", "no Chromium here")
    text = core.format_table([measured, missing])
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["figure", "unit"]
    assert any(line.startswith("alpha") and line.rstrip().endswith("NO") for line in lines)  # 1.5 > 1.2
    assert any(line.startswith("beta") and line.rstrip().endswith("skipped") for line in lines)
    assert "* beta: skipped: no Chromium here" in text and "* alpha: a note" in text
    assert core.markdown_table([measured, missing]).count("\n") == 3

    data = core.report([measured, missing], {"quick": True}, "start", "end", 1.0, [0.5, 0.4, 0.3], None)
    path = tmp_path / "out" / "latest.json"
    core.write_report(data, path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [f["name"] for f in saved["figures"]] == ["a", "b"]
    assert saved["figures"][0]["ratio"] == pytest.approx(1.5) and saved["figures"][0]["met"] is False
    assert saved["figures"][1]["skipped"] == "no Chromium here"
    assert saved["machine"]["nproc"] >= 1 and saved["machine"]["cpu"]


def test_settings_defaults_quick_and_overrides():
    assert Settings().runs_for(3) == 3 and Settings().samples_for(200) == 200
    assert Settings(quick=True).runs_for(3) == 1 and Settings(quick=True).samples_for(200) == 10
    assert Settings(runs=5, samples=7, quick=True).runs_for(3) == 5
    assert Settings(runs=5, samples=7).samples_for(200) == 7


def test_session_isolates_state_in_a_temp_folder_and_restores_the_environment(monkeypatch):
    import os

    monkeypatch.setenv("MPLCONFIGDIR", "/nonexistent-before")
    with Session(Settings(quick=True)) as session:
        root = session.root
        assert root.is_dir()
        for name in ISOLATED:
            assert os.environ[name].startswith(str(root))
        assert "MPLBACKEND" not in session.kernel_env()
        assert session.pytest_env()["MPLBACKEND"] == "Agg"
    assert not root.exists()
    assert os.environ["MPLCONFIGDIR"] == "/nonexistent-before"


def test_validation_floor_uses_the_project_config_on_explicit_paths(repo, tmp_path):
    notebooks = course_notebooks(repo)
    assert notebooks and all(path.suffix == ".ipynb" for path in notebooks)
    assert not any(part.startswith(".") for path in notebooks for part in path.relative_to(repo).parts)
    trivial = write_trivial_notebooks(tmp_path, 3)
    assert [path.name for path in trivial] == ["trivial_01.ipynb", "trivial_02.ipynb", "trivial_03.ipynb"]
    assert json.loads(trivial[0].read_text(encoding="utf-8")) == TRIVIAL_NOTEBOOK
    command = pytest_command(repo, tmp_path, trivial)
    assert command[:3] == [sys.executable, "-m", "pytest"]
    assert command[command.index("-c") + 1] == str(repo / "pyproject.toml")
    assert command[command.index("--rootdir") + 1] == str(tmp_path)
    assert command[command.index("-o") + 1] == "testpaths="
    assert command[-3:] == [str(path) for path in trivial]
    assert "-n" not in command and "--dist" not in command  # those come from addopts, as for the suite


def test_trivial_notebook_is_a_valid_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    (path,) = write_trivial_notebooks(tmp_path, 1)
    nbformat.validate(nbformat.read(path, as_version=4))


def test_command_line_names_match_the_figures():
    from lessons.cli.bench import FIGURE_NAMES

    assert tuple(FIGURES) == FIGURE_NAMES


def test_in_process_figures_run_with_tiny_counts():
    from lessons.bench import widgets

    with Session(Settings(runs=1, samples=2)) as session:
        quiz, = widgets.quiz_check(session)
        redraws = widgets.redraws(session)
    assert quiz.skipped is None and len(quiz.samples) == 2 and all(s > 0 for s in quiz.samples)
    assert quiz.target.statistic == "p95" and quiz.met in (True, False)
    assert [f.name for f in redraws] == ["timeline", "timeline_cached", "map", "map_cached"]
    assert all(len(f.samples) == 2 for f in redraws)


def test_browser_figure_is_skipped_with_a_reason_without_chromium(monkeypatch):
    from lessons.bench import browser

    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    with Session(Settings(quick=True)) as session:
        figure, = browser.click_to_feedback(session)
    assert figure.skipped and ("Chromium" in figure.skipped or "playwright" in figure.skipped
                               or "harness" in figure.skipped)
    assert figure.met is None


def test_class_figure_is_skipped_with_a_reason_without_the_proxy(monkeypatch):
    from lessons.bench import classroom, hub

    monkeypatch.setattr(hub.shutil, "which", lambda name: None)
    with Session(Settings(quick=True)) as session:
        figure, = classroom.class_start(session)
    assert "configurable-http-proxy" in figure.skipped and figure.met is None


def test_class_targets_are_the_issue_s(repo):
    from lessons.bench import classroom, hub

    assert (classroom.MEDIAN_TARGET.kind, classroom.MEDIAN_TARGET.value) == ("ratio", 1.3)
    assert (classroom.MAX_TARGET.kind, classroom.MAX_TARGET.value) == ("ratio", 1.5)
    cells = hub.cells_to_first_quiz(repo / "notebooks" / "00-start-here.ipynb")
    assert "quiz(" in cells[-1] and not any("quiz(" in cell for cell in cells[:-1])
    assert Settings().learners == 20 and Settings(learners=3).learners == 3


def test_a_failing_figure_becomes_a_skipped_row(monkeypatch):
    from lessons.bench import runner, widgets

    def broken(session):
        raise ValueError("boom")

    monkeypatch.setattr(widgets, "quiz_check", broken)
    with Session(Settings(quick=True)) as session:
        figure, = runner.measure("quiz", session)
    assert figure.skipped == "failed: ValueError: boom"


def test_command_line_rejects_unknown_figures_and_bad_counts(capsys):
    from lessons.__main__ import main

    with pytest.raises(SystemExit):
        main(["bench", "--only", "nonsense"])
    with pytest.raises(SystemExit):
        main(["bench", "--runs", "0"])
    assert "invalid choice" in capsys.readouterr().err


def test_the_command_runs_one_figure_and_writes_json(tmp_path, capsys):
    from lessons.__main__ import main

    out = tmp_path / "results.json"
    assert main(["bench", "--only", "quiz", "--samples", "2", "--runs", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "quiz Check handled in-process" in printed and str(out) in printed
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["options"]["only"] == ["quiz"]
    (figure,) = saved["figures"]
    assert figure["name"] == "quiz" and len(figure["samples"]) == 2 and figure["stats"]["n"] == 2
