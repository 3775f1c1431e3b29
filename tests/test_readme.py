"""README's quick start is exactly two one-line commands, and CI runs the second one verbatim."""
from __future__ import annotations

import re


def quick_start_commands(readme: str) -> list[str]:
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_quick_start_has_two_one_line_commands(repo):
    commands = quick_start_commands((repo / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    install_and_open, install_and_test = commands
    assert install_and_open.startswith("python3 -m venv .venv && ") and "jupyter lab" in install_and_open
    assert install_and_test.startswith("python3 -m venv .venv && ") and "pytest" in install_and_test


def test_ci_runs_the_readme_test_command(repo):
    test_command = quick_start_commands((repo / "README.md").read_text(encoding="utf-8"))[1]
    ci_lines = (repo / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_quick_start_opens_a_notebook_that_exists(repo):
    open_command = quick_start_commands((repo / "README.md").read_text(encoding="utf-8"))[0]
    notebook = open_command.rsplit(" ", 1)[1]
    assert (repo / notebook).is_file()
