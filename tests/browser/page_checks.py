"""What every page in the browser tests is checked for: its language and one h1, and no axe violations."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def describe_violations(violations: list[dict]) -> str:
    """A report a developer can act on: each rule broken, how badly, and where."""
    lines = [f"axe found {len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append("")
        lines.append(f"* {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  tags: {', '.join(violation.get('tags', []))}; see {violation.get('helpUrl')}")
        for node in violation["nodes"]:
            target = json.dumps(node.get("target"), ensure_ascii=False)
            lines.append(f"  - target: {target}")
            lines.append(f"    html:   {node.get('html', '').strip()}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"    {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    ran_with = results.response.get("toolOptions", {}).get("runOnly")
    assert ran_with == AXE_OPTIONS["runOnly"], f"axe did not run with the intended rules: {ran_with!r}"
    violations = results.response["violations"]
    if violations:
        pytest.fail(f"{page.url}\n{describe_violations(violations)}", pytrace=False)


def assert_page_basics(page: Page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language, (
        f"{page.url}: html[lang] is not {language!r}"
    )
    h1_count = page.locator("h1").count()
    assert h1_count == 1, f"{page.url}: expected exactly one h1, found {h1_count}"
