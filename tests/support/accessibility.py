"""The accessibility check in the page: axe-core (bundled by axe-playwright-python, no network needed)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

SERIOUS = ("serious", "critical")
# WCAG 2.1 A and AA, and axe's best practices.
OPTIONS = {"resultTypes": ["violations"], "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
_axe = Axe()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each (rule, impact, first target)."""
    violations = _axe.run(page, options=OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target'] if v['nodes'] else '?'}"
        for v in violations
        if v.get("impact") in SERIOUS
    ]


def assert_accessible(page: Any) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    problems = serious_violations(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
