"""Page numbers for the table of contents: render, lay out with LibreOffice, render again.

Why two renderings: the renderer is pure and has no layout, so it cannot know on which
page a heading falls. The first rendering writes the contents with placeholder numbers
(which take the same room as the real ones: ``renderer/contents.py``), LibreOffice lays
it out, and the second rendering writes the pages it found. The two differ only in the
digits, so the pages break alike.

The worker's way (``paginated``): LibreOffice loads the first rendering once, says each
entry's page (its layout, asked at the headings' bookmarks), and while the final DOCX is
rendered here it writes the same numbers into the document it holds and exports that as
the PDF: one load and one layout for both files. ``render_paginated`` is the older way
any converter can serve (a PDF of the first rendering, read back by its bookmarks).

When LibreOffice is not installed, or the conversion fails, the document is rendered
once: its contents list every heading, without page numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any, Protocol

from worker.renderer import render_strategy, reusing_parses
from worker.renderer.contents import Placeholders, entry_titles

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
Convert = Callable[[bytes], bytes]  # DOCX bytes → PDF bytes
HeadingPages = Callable[[bytes], list[tuple[str, int]]]  # PDF → [(heading, page)]


class Laid(Protocol):
    """A first rendering LibreOffice holds laid out (``worker.pdf.Laid``)."""

    pages: list[int | None]  # per contents entry, in order

    def pdf(self) -> bytes: ...


LayOut = Callable[[bytes], AbstractContextManager[Laid]]  # draft DOCX → its layout, held


def _normal(title: str) -> str:
    return " ".join(title.split())


def match_pages(titles: Sequence[str], outline: Sequence[tuple[str, int]]) -> list[int | None]:
    """The page of each title, read in order from the PDF's headings (every level).

    The outline holds deeper headings too (goals, Markdown); each title is looked for
    after the previous one's place, so equal titles in two chapters keep their own pages.
    A title not found gets None.
    """
    pages: list[int | None] = []
    position = 0
    for title in titles:
        wanted = _normal(title)
        for index in range(position, len(outline)):
            if _normal(outline[index][0]) == wanted:
                pages.append(outline[index][1])
                position = index + 1
                break
        else:
            pages.append(None)
    return pages


def render_paginated(
    snapshot: Mapping[str, Any],
    progress: Progress | None = None,
    *,
    template: bytes | None = None,
    convert: Convert | None = None,
    heading_pages: HeadingPages | None = None,
) -> bytes:
    """The DOCX with page numbers in its contents when ``convert`` is given, else without."""
    if convert is None or heading_pages is None:
        return render_strategy(snapshot, progress, template=template)

    def first_pass(percent: int, step: str) -> None:
        if progress is not None:  # the layout and the second pass take the rest
            progress(percent * 6 // 10, "layout" if step == "done" else step)

    def second_pass(percent: int, step: str) -> None:
        if progress is not None:  # one step for the page: the sections are written again, numbered
            progress(70 + percent * 3 // 10, "page_numbers")

    with reusing_parses():
        draft = render_strategy(snapshot, first_pass, pages=Placeholders(), template=template)
        try:
            if progress is not None:
                progress(60, "layout")
            outline = heading_pages(convert(draft))
        except Exception:  # the layout is a nicety: without it the contents have no numbers
            log.exception("laying the document out for its page numbers failed")
            return render_strategy(snapshot, second_pass, template=template)
        pages = match_pages(entry_titles(draft), outline)
        return render_strategy(snapshot, second_pass, pages=pages, template=template)


@contextmanager
def paginated(
    snapshot: Mapping[str, Any],
    progress: Progress | None = None,
    *,
    template: bytes | None = None,
    lay_out: LayOut,
) -> Iterator[tuple[bytes, Laid | None]]:
    """The final DOCX and the layout it took its numbers from, whose ``pdf()`` is that DOCX's PDF.

    Inside the block LibreOffice exports the PDF while the caller publishes the DOCX.
    When the layout fails the DOCX comes without page numbers and the layout is None
    (the caller converts the DOCX as any other).
    """

    def first_pass(percent: int, step: str) -> None:
        if progress is not None:  # the layout and the second pass take the rest
            progress(percent * 6 // 10, "layout" if step == "done" else step)

    def second_pass(percent: int, step: str) -> None:
        if progress is not None:
            progress(70 + percent * 3 // 10, step)

    with ExitStack() as stack:
        with reusing_parses():  # the second rendering parses no Markdown again
            draft = render_strategy(snapshot, first_pass, pages=Placeholders(), template=template)
            if progress is not None:
                progress(60, "layout")
            try:
                laid: Laid | None = stack.enter_context(lay_out(draft))
            except Exception:  # the layout is a nicety: without it the contents have no numbers
                log.exception("laying the document out for its page numbers failed")
                laid = None
            pages = laid.pages if laid is not None else None
            final = render_strategy(snapshot, second_pass, pages=pages, template=template)
        yield final, laid
