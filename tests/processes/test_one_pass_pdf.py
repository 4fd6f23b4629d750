"""One LibreOffice pass for both files: the contents' page numbers and the PDF.

The worker's warm converter loads the first rendering (placeholder numbers) once, says
each entry's page and exports the PDF with those numbers filled in; the final DOCX is
rendered apart with the same numbers (``worker/paginate.paginated``). Proof that the two
agree: the final DOCX, converted by a cold ``soffice --convert-to pdf`` (its own layout),
has the same contents lines as the PDF, and each heading is on the page they say.
"""

from __future__ import annotations

import io
import re
import subprocess
from contextlib import contextmanager

import pytest
from pypdf import PdfReader

from tests.renderer.libreoffice import cold_converter
from worker import pdf
from worker.paginate import match_pages, paginated
from worker.renderer.contents import entry_titles
from worker.renderer.sample import sample_snapshot


def page_texts(data: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[: len(PdfReader(io.BytesIO(data)).pages)]


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def contents_lines(pages: list[str], titles: list[str]) -> list[str]:
    """The contents' entries as printed: "title ..... page", in order, over its pages."""
    entry = re.compile(r".+ ?\.{3,} ?\d+")
    start = next(n for n, text in enumerate(pages) if "Spis treści" in lines(text))
    found = []
    for text in pages[start:]:
        found += [line for line in lines(text) if entry.fullmatch(line)]
        if len(found) >= len(titles):
            break
    return found


@pytest.fixture(scope="module")
def one_pass(tmp_path_factory: pytest.TempPathFactory) -> dict:
    converter = pdf.Converter()
    try:
        with paginated(sample_snapshot(), lay_out=converter.paginated) as (docx, laid):
            assert laid is not None
            data, pages = laid.pdf(), list(laid.pages)
    finally:
        converter.close()
    cold = cold_converter(tmp_path_factory.mktemp("one_pass"))(docx)
    return {"docx": docx, "pdf": data, "pages": pages, "cold": cold}


def test_the_pdf_contents_are_the_final_docx_contents_as_its_own_layout_numbers_them(one_pass):
    titles = entry_titles(one_pass["docx"])
    assert len(titles) >= 15 and len(one_pass["pages"]) == len(titles)
    assert None not in one_pass["pages"] and 88 not in one_pass["pages"]  # every placeholder replaced
    ours, cold = page_texts(one_pass["pdf"]), page_texts(one_pass["cold"])
    assert len(ours) == len(cold)  # the numbers' digits moved no page
    printed = contents_lines(ours, titles)
    assert printed == contents_lines(cold, titles)
    assert len(printed) == len(titles)
    toc_page = next(n for n, text in enumerate(cold, 1) if "Spis treści" in lines(text))
    for title, line, page in zip(titles, printed, one_pass["pages"], strict=True):
        assert re.fullmatch(rf"{re.escape(title)} ?\.{{3,}} ?{page}", line), (title, page, line)
        # In the final DOCX's own layout the heading is first found on that page.
        where = [n for n, text in enumerate(cold, 1) if n > toc_page and title in lines(text)]
        assert where[:1] == [page], (title, page, where[:1])


def test_the_pdf_stays_tagged_in_polish_with_bookmarks_to_each_heading(one_pass):
    data = one_pass["pdf"]
    catalog = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("pl")
    titles = entry_titles(one_pass["docx"])
    assert match_pages(titles, pdf.heading_pages(data)) == one_pass["pages"]
    pages = page_texts(data)
    total = len(pages)
    assert f"Strona {total} z {total}" in lines(pages[-1])  # "page X of Y" laid out, not stale


def test_a_caller_that_fails_inside_the_block_leaves_the_converter_warm_and_in_step():
    snapshot = sample_snapshot(sections=1, actions=1)
    converter = pdf.Converter()
    try:
        with (
            pytest.raises(RuntimeError, match="publishing failed"),
            paginated(snapshot, lay_out=converter.paginated) as (_docx, laid),
        ):
            assert laid is not None
            pid = converter.bridge_pid
            raise RuntimeError("publishing failed")  # the PDF never asked for
        with paginated(snapshot, lay_out=converter.paginated) as (_docx, laid):
            assert laid.pdf().startswith(b"%PDF")  # this file's answer, not the last one's
        assert converter.bridge_pid == pid
    finally:
        converter.close()


def test_without_a_layout_the_docx_lists_its_headings_without_numbers():
    @contextmanager
    def broken(_draft: bytes):  # noqa: ANN202
        raise pdf.ConversionError("LibreOffice died")
        yield

    snapshot = sample_snapshot(sections=1, actions=1)
    with paginated(snapshot, lay_out=broken) as (docx, laid):
        assert laid is None
    from worker.renderer import render_strategy

    assert docx == render_strategy(snapshot)  # every heading listed, no numbers
    assert entry_titles(docx)


def test_a_file_without_contents_has_no_pages_and_the_converter_goes_on():
    """LibreOffice opens what it is given (here as plain text): no entries, no pages, a PDF."""
    converter = pdf.Converter()
    try:
        with converter.paginated(b"not a docx at all") as laid:
            assert laid.pages == []
            assert laid.pdf().startswith(b"%PDF")
            pid = converter.bridge_pid
        snapshot = sample_snapshot(sections=1, actions=1)
        with paginated(snapshot, lay_out=converter.paginated) as (docx, laid):
            assert laid is not None and len(laid.pages) == len(entry_titles(docx)) > 0
            assert all(page is not None and page > 1 for page in laid.pages)
        assert converter.bridge_pid == pid
    finally:
        converter.close()
