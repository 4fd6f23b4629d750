"""The statistics' charts: the activity covers the months that had activity (the demo's 2013–14, not
the weeks before today), named as people name months; one title per chart (the page's heading); a
narrow drawing for phones whose text is not shrunk away."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from tests.conftest import sign_in
from webapp.stats.periods import MAX_MONTHS, Month, by_month

PL = {"Accept-Language": "pl"}


def _texts(svg: bytes) -> list[str]:
    root = etree.fromstring(svg)
    return [" ".join("".join(t.itertext()).split()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def _width_pt(svg: bytes) -> float:
    return float(etree.fromstring(svg).get("width").removesuffix("pt"))


def test_weeks_fold_into_the_months_that_had_activity():
    weeks = {date(2013, 10, 28): 2, date(2013, 11, 4): 1, date(2014, 3, 17): 4, date(2014, 5, 5): 0}
    comments = {date(2014, 3, 24): 3, date(2026, 11, 30): 1}
    assert by_month(weeks, comments) == [
        Month(date(2013, 10, 1), 2, 0),
        Month(date(2013, 11, 1), 1, 0),
        Month(date(2014, 3, 1), 4, 3),
        Month(date(2026, 11, 1), 0, 1),  # quiet years between are left out, not drawn as zeros
    ]
    many = {date(2000 + i // 12, i % 12 + 1, 1): 1 for i in range(MAX_MONTHS + 10)}
    kept = by_month(many, {})
    assert len(kept) == MAX_MONTHS and kept[-1].start == max(many)
    assert by_month({}, {}) == []


def test_the_activity_covers_the_demos_months_in_polish(client, accounts):
    sign_in(client, accounts.email("admin"))
    html = client.get("/stats", headers=PL).get_data(as_text=True)
    table = html.split('id="table-activity"')[1].split("</table>")[0]
    months = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', table)
    assert months and all(m.endswith(("2013", "2014")) for m in months), months
    assert "lis 2013" in months and "mar 2014" in months
    svg = client.get("/stats/charts/activity.svg", headers=PL).data
    labels = _texts(svg)
    assert "lis 2013" in labels and not any("-W" in text for text in labels)


def test_each_chart_has_one_title_the_pages_heading(client, accounts):
    sign_in(client, accounts.email("admin"))
    html = client.get("/stats", headers=PL).get_data(as_text=True)
    for name, heading in (
        ("organisations", "mix-h"),
        ("participants", "participants-h"),
        ("progress", "progress-h"),
        ("activity", "activity-h"),
    ):
        title = re.search(rf'<h2 id="{heading}" class="h5">([^<]+)</h2>', html).group(1)
        texts = _texts(client.get(f"/stats/charts/{name}.svg", headers=PL).data)
        assert title not in texts, f"the {name} chart repeats its heading"
    captions = re.findall(r"<caption([^>]*)>", html)
    assert captions and all("visually-hidden" in c for c in captions), "captions are for screen readers"


def test_phones_get_a_narrow_drawing(client, accounts):
    sign_in(client, accounts.email("moderator", "makros"))
    html = client.get("/c/makros/stats", headers=PL).get_data(as_text=True)
    assert 'media="(max-width: 575.98px)" srcset="/c/makros/stats/charts/activity.svg?size=narrow"' in html
    for name in ("organisations", "participants", "activity"):
        wide = client.get(f"/c/makros/stats/charts/{name}.svg").data
        narrow = client.get(f"/c/makros/stats/charts/{name}.svg?size=narrow").data
        # drawn at 4 in (288 pt), shown at about its own size on a 390 px phone: 10 pt text stays 10 pt
        assert _width_pt(narrow) == 288 and _width_pt(wide) > 480, name
        assert set(_texts(wide)) & set(_texts(narrow)), name
