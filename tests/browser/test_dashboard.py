"""The statistics dashboard in Chromium: the charts are drawn, the figures are the deck's."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CHARTS_LOADED = """() => {
  const images = Array.from(document.querySelectorAll('img.chart'));
  return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0);
}"""


def test_dashboard_draws_its_charts(live_server, page, artifacts):
    live_server.sign_in(page, "admin@example.org")
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server.url}/stats")
    page.wait_for_function(CHARTS_LOADED, timeout=30_000)
    sizes = page.eval_on_selector_all(
        "img.chart",
        "images => images.map(img => [img.naturalWidth, img.getBoundingClientRect().width])",
    )
    assert len(sizes) == 4
    assert all(natural > 100 and shown > 100 for natural, shown in sizes)
    assert page.inner_text("#stat-participants") == "214"
    assert page.inner_text("#stat-clusters") == "5"
    assert page.inner_text("#stat-avg-organisations") == "11"
    kinds = [page.inner_text(f"#stat-kind-{k}") for k in ("enterprise", "business_support", "science")]
    assert kinds == ["27", "8", "9"]
    # No request left the server: no CDN, every chart our own.
    assert failed == []
    page.screenshot(path=str(artifacts / "stats-dashboard.png"), full_page=True)


def test_cluster_statistics_for_a_member(live_server, page, artifacts):
    from tests.conftest import DEMO_PASSWORD  # noqa: F401  (the live server's demo password)

    with live_server.app.app_context():
        from webapp.demo.load import demo_accounts

        member = next(
            a["email"] for a in demo_accounts() if a["role"] == "member" and a["cluster"] == "makros"
        )
    live_server.sign_in(page, member)
    page.goto(f"{live_server.url}/c/makros/stats")
    page.wait_for_function(CHARTS_LOADED, timeout=30_000)
    assert page.inner_text("#stat-participants") == "48"
    assert page.locator("#stat-clusters").count() == 0
    page.screenshot(path=str(artifacts / "stats-cluster-makros.png"), full_page=True)


def test_a_chart_keeps_its_colours_under_a_policy_that_forbids_styles(live_server, page):
    """The chart document is served with `style-src 'none'`: its colours must come from
    presentation attributes, which the policy does not touch."""
    live_server.sign_in(page, "admin@example.org")
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    response = page.goto(f"{live_server.url}/stats/charts/organisations.svg")
    assert "style-src 'none'" in response.headers["content-security-policy"]
    colours = page.evaluate(
        """() => Array.from(document.querySelectorAll('path'))
                 .map(p => getComputedStyle(p).fill)"""
    )
    assert "rgb(0, 114, 178)" in colours, colours[:10]  # the palette's blue, as drawn
    assert not [v for v in violations if "Content Security Policy" in v], violations
