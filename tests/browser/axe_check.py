"""Run axe-core (installed from npm outside the repo, found through LESSONS_AXE_DIR) in a page and report violations."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE_ENV = "LESSONS_AXE_DIR"
BLOCKING = ("serious", "critical")  # the impacts that fail a test; minor and moderate ones are reported only

# Runs axe on `context` (a selector, an include/exclude object, or null for the whole document) and returns plain
# data, not axe's objects.
_RUN = """
async ([context, options]) => {
  const result = await window.axe.run(context === null ? document : context, options);
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html, impact: n.impact})),
  }));
}
"""


def axe_script() -> Path:
    """axe.min.js under $LESSONS_AXE_DIR; skip without it on a developer machine, fail with CI=true."""
    folder = os.environ.get(AXE_ENV)
    script = Path(folder) / "node_modules" / "axe-core" / "axe.min.js" if folder else None
    if script is not None and script.is_file():
        return script
    reason = (f"{AXE_ENV} is not set" if not folder else f"no axe-core at {script}") + (
        "; install it with `npm install --prefix DIR axe-core@4` and set LESSONS_AXE_DIR=DIR (.ci/run does)")
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"accessibility tests cannot run: {reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(f"accessibility tests need axe-core: {reason}")


def run_axe(page, context=None, options: dict | None = None) -> list[dict]:
    """Inject axe once per page (inline, so it is no network request) and return the violations in `context`.

    `context` is a CSS selector, an axe include/exclude object, or None for the whole document.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    return page.evaluate(_RUN, [context, options or {}])


def blocking(violations: list[dict]) -> list[dict]:
    """The violations of serious or critical impact."""
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def describe(violations: list[dict], nodes: int = 3) -> str:
    """Violations as readable lines: rule, impact, help, and the first few offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{len(violation['nodes'])} element(s)]")
        for node in violation["nodes"][:nodes]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:200]}")
    return "\n".join(lines)
