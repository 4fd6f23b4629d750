"""The table of contents as a reader sees it: filled, every heading with the right page.

The sample strategy goes through ``worker/paginate.py`` with cold ``soffice
--convert-to pdf`` runs (the first layout, then the PDF of the final DOCX), read back
page by page with ``pdftotext``. LibreOffice and poppler-utils are installed wherever the
suite runs (scripts/system-packages.sh); a missing one fails, never skips.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.renderer.libreoffice import cold_converter
from worker.paginate import render_paginated
from worker.pdf import heading_pages
from worker.renderer.contents import entry_titles
from worker.renderer.sample import sample_snapshot


def page_texts(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True).stdout.decode()
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()
        for n in range(1, count + 1)
    ]


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    folder = tmp_path_factory.mktemp("contents_pdf")
    convert = cold_converter(folder)
    data = render_paginated(sample_snapshot(), convert=convert, heading_pages=heading_pages)
    final = folder / "final.pdf"
    final.write_bytes(convert(data))
    return entry_titles(data), page_texts(final)


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_the_contents_page_lists_every_heading_with_the_page_it_is_on(laid_out):
    titles, pages = laid_out
    assert len(titles) >= 15  # stages, sections and annexes
    (toc_page,) = [n for n, text in enumerate(pages, 1) if "Spis treści" in lines(text)]
    toc_lines = lines(pages[toc_page - 1])
    for title in titles:
        entry = re.compile(rf"{re.escape(title)} ?\.{{3,}} ?(\d+)")
        numbers = [int(m.group(1)) for line in toc_lines if (m := entry.fullmatch(line))]
        assert len(numbers) == 1, f"no numbered entry for {title!r} on page {toc_page}"
        (number,) = numbers
        # The heading itself: a line of its own, first found on the page the contents say.
        where = [n for n, text in enumerate(pages, 1) if n > toc_page and title in lines(text)]
        assert where and where[0] == number, f"{title!r}: contents say {number}, it is on {where[:1]}"


def test_the_title_page_and_the_footer(laid_out):
    _titles, pages = laid_out
    first = lines(pages[0])
    assert "Strategia rozwoju klastra" in first and "„Mazowiecki Klaster Chemiczny”" in first
    assert not any(line.startswith("Strona") for line in first)  # the title page has no footer
    total = len(pages)
    assert f"Strona 2 z {total}" in lines(pages[1]) and f"Strona {total} z {total}" in lines(pages[-1])
