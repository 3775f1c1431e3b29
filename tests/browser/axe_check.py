"""Run axe-core (the copy the PyPI wheel axe-playwright-python ships) in a page and report violations."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

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
    """axe.min.js as the `axe-playwright-python` wheel ships it (a test dependency); fail with CI=true without it."""
    try:
        import axe_playwright_python
    except ImportError as exc:
        reason = f"the axe-playwright-python package is missing ({exc}); install the test extra: pip install -e '.[test]'"
    else:
        script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
        if script.is_file():
            return script
        reason = f"axe-playwright-python has no axe.min.js at {script}"
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
