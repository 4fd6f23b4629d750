"""The tables as a reader sees them: the DOCX converted by LibreOffice, read by pdftotext.

One cold conversion (a few seconds) of the sample with a 40-row action plan that spans
pages, big amounts and meetings at +02:00. LibreOffice and poppler-utils are installed
wherever the suite runs (scripts/system-packages.sh); a missing one fails, never skips.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from tests.renderer.libreoffice import cold_converter
from tests.renderer.test_tables import big_snapshot
from worker.renderer import render_strategy

DATE = re.compile(r"(?<![\d.])\d{2}\.\d{2}\.\d{4}(?!\d)")
# An amount cannot start right after a digit: "2027 120 000,00 zł" holds "120 000,00 zł".
AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})*,\d{2} zł")


def plain(text: str) -> str:
    """No-break spaces and hyphens as pdftotext may or may not keep them: plain ones."""
    return text.replace("\xa0", " ").replace("\u2011", "-")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    snapshot = big_snapshot()
    folder = tmp_path_factory.mktemp("tables_pdf")
    pdf = folder / "converted.pdf"
    pdf.write_bytes(cold_converter(folder)(render_strategy(snapshot)))
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode()
    return snapshot, plain(text)


def plan_of(snapshot: dict) -> list[dict]:
    return next(s for st in snapshot["stages"] for s in st["sections"] if s["kind"] == "action_plan")[
        "content"
    ]


def test_every_date_of_the_action_plan_is_whole(converted):
    snapshot, text = converted
    expected = Counter(
        f"{day[8:10]}.{day[5:7]}.{day[:4]}" for row in plan_of(snapshot) for day in (row["start"], row["end"])
    )
    found = Counter(DATE.findall(text))
    assert not expected - found  # each date as often as the plan has it, never cut


def test_every_amount_of_the_action_plan_is_whole(converted):
    snapshot, text = converted
    amounts = [Decimal(row["budget_pln"]) for row in plan_of(snapshot)]
    expected = Counter(plain(format_currency(a, "PLN", locale="pl_PL")) for a in [*amounts, sum(amounts)])
    assert "1 234 567,89 zł" in expected
    found = Counter(AMOUNT.findall(text))
    assert not expected - found


def test_the_header_row_repeats_on_every_page_of_the_plan(converted):
    _, text = converted
    headers = [line for line in text.splitlines() if re.match(r"\s*Lp\.\s+Działanie\s", line)]
    assert len(headers) >= 2  # 40 actions fill more than one landscape page


def test_the_meetings_annex_shows_local_times(converted):
    snapshot, text = converted
    annex = text[text.rindex("Załącznik 2.") :]
    assert re.search(r"Data\s+Godzina\s+Miejsce", annex)
    for meeting in snapshot["meetings"]:
        day = meeting["starts_at"][:10]
        assert meeting["starts_at"][11:16] == "10:00" and meeting["starts_at"].endswith("+02:00")
        assert re.search(rf"{day[8:10]}\.{day[5:7]}\.{day[:4]}\s+10:00\s+{meeting['place']}", annex)
    assert "08:00" not in annex  # never the UTC time
