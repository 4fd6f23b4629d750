"""axe-core in the browser tests: `serious_violations(page)` runs the vendored axe (tests/browser/vendor/,
refreshed by `make vendor-axe`) over the page as it stands and returns what WCAG 2 A/AA calls serious or
critical. Injected through `evaluate`, which the page's Content Security Policy does not govern."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = {"serious", "critical"}


@cache
def _source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def run_axe(page: Page, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Every violation axe finds on the page for the given WCAG tags (all impacts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # A script body, not a function: evaluate runs it in the page's main world.
        page.evaluate(_source() + "\n;undefined")
    return page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const result = await axe.run(document, options);
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                targets: v.nodes.map((n) => ({
                    target: n.target.join(" "),
                    impact: n.impact,
                    summary: n.failureSummary,
                    html: n.html.slice(0, 200),
                })),
            }));
        }""",
        tags or WCAG_TAGS,
    )


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2 A/AA violations on the page, each with its rule id, help text and
    the elements (CSS targets) that fail it; an empty list is a pass."""
    return [violation for violation in run_axe(page) if violation["impact"] in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable assertion message: one line per rule, its first few targets."""
    lines = []
    for violation in violations:
        targets = ", ".join(node["target"] for node in violation["targets"][:5])
        more = len(violation["targets"]) - 5
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
            + (f" and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)
