"""Assembles the strategy document from a snapshot: title page, history, contents, stages, annexes.

Why one builder object: the document is a single pass over the snapshot that appends to
one detached ``w:body`` element (plain lxml, fast), tracking only what later parts need
(section breaks, the style ids, numbering). The body replaces the template's at the end.
"""

from __future__ import annotations

import functools
import io
import struct
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from docx.oxml.shape import CT_Inline
from lxml import etree

from charts import figures
from worker.renderer import annexes, front, markers, structured
from worker.renderer import polls as poll_annex
from worker.renderer.contents import Contents
from worker.renderer.context import Context, Links
from worker.renderer.labels import labels_for, language_of
from worker.renderer.markdown_docx import MarkdownRenderer
from worker.renderer.numbering import Numbering
from worker.renderer.package import write_package
from worker.renderer.template import (
    LANDSCAPE_WIDTH,
    TEXT_HEIGHT,
    TEXT_WIDTH,
    new_skeleton,
    sect_pr,
)
from worker.renderer.values import (
    Formats,
    as_dict,
    as_int,
    as_list,
    clean,
    line,
    parse_datetime,
)
from worker.renderer.xml import (
    DRAWING,
    JC,
    KEEP_NEXT,
    PPR,
    SPACING,
    VAL,
    Element,
    SubElement,
    complex_field,
    paragraph,
    ppr,
    run,
    text_paragraph,
    w,
)

Progress = Callable[[int, str], None]

EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
_EMU_PER_TWIP = 635
_DRAFT_COLOUR = "C00000"
_SUBTLE = "595959"
#: The last charts drawn, by their data: the worker renders a document twice (placeholder
#: page numbers, then the real ones: worker/paginate.py) and drawing them was the larger
#: part of a rendering. Same data, same PNG bytes, so the output is unchanged.
_CHARTS: dict[tuple, bytes] = {}
_CHARTS_KEPT = 4


def _drawn(key: tuple, draw: Callable[[], bytes]) -> bytes:
    png = _CHARTS.get(key)
    if png is None:
        png = draw()
        if len(_CHARTS) >= _CHARTS_KEPT:
            _CHARTS.pop(next(iter(_CHARTS)))
        _CHARTS[key] = png
    return png


def _moment(value: object) -> datetime:
    """The snapshot's creation time in UTC (a fixed date when missing, for determinism)."""
    moment = parse_datetime(value)
    if moment is None:
        return EPOCH
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class StrategyDocument:
    """One rendering of one snapshot."""

    def __init__(
        self,
        snapshot: Mapping[str, Any],
        progress: Progress | None,
        charts: bool,
        pages: Sequence[int | None] | None = None,
        template: bytes | None = None,
    ):
        self.snap = as_dict(snapshot)
        self.pages = pages
        self.template = template
        self.contents = Contents()
        self._sections_made = 0  # section breaks so far: the first section holds the title page
        self.progress = progress
        self.draw_charts = charts
        self.language = language_of(self.snap.get("language"))
        self.labels = labels_for(self.language)
        self.formats = Formats(self.language)
        self.moment = _moment(self.snap.get("created_at"))
        # The printed date is the calendar day where the snapshot was taken.
        self.day = (parse_datetime(self.snap.get("created_at")) or self.moment).date()
        self.version = max(as_int(self.snap.get("version"), 1), 1)
        self.final = self.snap.get("final") is True
        self.cluster = as_dict(self.snap.get("cluster"))
        self.cluster_name = line(self.cluster.get("name")) or line(self.cluster.get("slug"))
        self.title = line(self.snap.get("title")) or self.labels["title"]
        self.stages = [s for s in as_list(self.snap.get("stages")) if isinstance(s, Mapping)]
        self._shape_id = 0
        self._break_at = -1
        self._plans = 0  # action plans placed so far (each has its own Gantt chart)
        self._marked: list[tuple[str, int]] = []  # sections shown, with their revisions
        self._open_marker: int | None = None  # the bookmark id of the section being written

    # -- the whole --------------------------------------------------------------------

    def render(self) -> bytes:
        self._report(0, "start")
        decimal = "," if self.language == "pl" else "."
        skeleton = new_skeleton(self.formats.word_lang, decimal, self.template)
        self.skeleton = skeleton
        doc = skeleton.doc
        numbering = Numbering(doc.part.numbering_part.element)
        self.ctx = Context(
            styles=skeleton.styles,
            numbering=numbering,
            links=Links(doc.part),
            labels=self.labels,
            formats=self.formats,
            text_width=TEXT_WIDTH,
            landscape_width=LANDSCAPE_WIDTH,
        )
        for section in self._sections():
            if section.get("kind") == "goals":
                for key, number in structured.objective_numbers(section.get("content")).items():
                    self.ctx.objective_numbers.setdefault(key, number)
        self.markdown = MarkdownRenderer(self.ctx)
        self.kinds = annexes.kind_labels(self.snap, self.ctx)
        self._header_footer()
        self._report(5, "charts")
        pictures = self._charts() if self.draw_charts else {}
        self.pictures = pictures
        root = doc.element
        self.body = body = etree.Element(w("body"), nsmap=root.nsmap)
        self._cover()
        self._history()
        toc_at = self._contents()
        self._report(15, "sections")
        for index, stage in enumerate(self.stages, 1):
            self._stage(index, stage)
            self._report(15 + 70 * index // max(len(self.stages), 1), "sections")
        self._report(85, "annexes")
        if self.final:
            self._signoffs()
        self._annexes()
        if self._open_marker is not None:  # nothing followed the last section: it ends here
            self._close_marker(paragraph(body))
        # The contents are known only now: put the filled field where its heading left room.
        marker = body[toc_at]
        for p in reversed(self.contents.paragraphs(self.ctx.styles.toc, TEXT_WIDTH, self.pages)):
            marker.addnext(p)
        body.remove(marker)
        body.append(sect_pr(skeleton.references, title_page=self._sections_made == 0))
        old = root.find(w("body"))
        if old is not None:
            root.replace(old, body)
        else:
            root.append(body)
        self._properties()
        self._report(90, "packaging")
        data = write_package(doc, self.moment)
        self._report(100, "done")
        return data

    def _report(self, percent: int, step: str) -> None:
        if self.progress is not None:
            self.progress(percent, step)

    def _sections(self) -> list[Mapping[str, Any]]:
        return [s for stage in self.stages for s in as_list(stage.get("sections")) if isinstance(s, Mapping)]

    # -- furniture ----------------------------------------------------------------------

    def _version_text(self) -> str:
        return f"{self.labels['version']} {self.version}"

    def _header_footer(self) -> None:
        """The running header (cluster, title, version; the draft mark) and "Strona X z Y".

        An agency's template that brings a header keeps it, with the draft mark added; one
        that brings a footer keeps it as it is (its own page numbers, if any).
        """
        styles = self.skeleton.styles
        header = self.skeleton.header
        if not self.skeleton.own_header:
            parts = [p for p in (self.cluster_name, self.title, self._version_text()) if p]
            p = text_paragraph(header, " · ".join(parts), styles.header)
            borders = SubElement(ppr(p), w("pBdr"))
            rule = {VAL: "single", w("sz"): "4", w("space"): "4", w("color"): "BFBFBF"}
            SubElement(borders, w("bottom"), rule)
        if not self.final:
            p = paragraph(header, styles.header)
            SubElement(ppr(p), JC, {VAL: "right"})
            run(p, self.labels["draft"], bold=True, color=_DRAFT_COLOUR)
        if self.skeleton.own_footer:
            return
        footer = self.skeleton.footer
        p = paragraph(footer, styles.footer)
        SubElement(ppr(p), JC, {VAL: "center"})
        run(p, f"{self.labels['page']} ")
        complex_field(p, "PAGE")
        run(p, f" {self.labels['page_of']} ")
        complex_field(p, "NUMPAGES")

    def _cover(self) -> None:
        """The title page: logo and agency, title, cluster, version and state, place and year."""
        body, labels, styles = self.body, self.labels, self.ctx.styles
        agency, city, logo = front.agency_of(self.snap)
        if logo is not None:
            p = paragraph(body)
            SubElement(ppr(p), SPACING, {w("after"): "240"})
            inline = self._inline(logo, 3 * 1417, 1417, "logo")
            inline.docPr.set("descr", agency or "logo")
            SubElement(SubElement(p, w("r")), DRAWING).append(inline)
        if agency:
            p = paragraph(body)
            run(p, agency, bold=True, color=_SUBTLE, size=24)
        p = text_paragraph(body, self.title, styles.title)
        SubElement(ppr(p), SPACING, {w("before"): "2880", w("after"): "240"})
        if self.cluster_name:
            text_paragraph(body, front.quoted(self.cluster_name, self.language), styles.subtitle)
        sector = line(self.cluster.get("sector"))
        if sector:
            sector_text = labels.get(f"sector_{sector}", sector)
            text_paragraph(body, f"{labels['sector']}: {sector_text}")
        goal = clean(self.cluster.get("goal")).strip()
        if goal:
            text_paragraph(body, goal, italic=True)
        p = paragraph(body)
        SubElement(ppr(p), SPACING, {w("before"): "1200", w("after"): "60"})
        run(p, self._version_text(), bold=True, size=28)
        date_text = self.formats.long_date(self.day)
        text_paragraph(body, f"{labels['date']}: {date_text}")
        status = labels["adopted"] if self.final else labels["draft"]
        p = paragraph(body)
        run(p, status, bold=True, size=28, color="1F3A5F" if self.final else _DRAFT_COLOUR)
        p = paragraph(body)
        SubElement(ppr(p), SPACING, {w("before"): "2400"})
        run(p, front.place_and_year(city, self.day), size=24, bold=True)

    def _history(self) -> None:
        """The document history ("metryka") on the page after the title page."""
        p = text_paragraph(self.body, self.labels["history"], self.ctx.styles.toc_heading)
        SubElement(ppr(p), w("pageBreakBefore"))
        front.history_table(self.ctx, self.body, front.history_rows(self.snap, self.ctx))

    def _contents(self) -> int:
        """The contents' heading; returns where its field goes (a marker, replaced at the end)."""
        body = self.body
        p = text_paragraph(body, self.labels["toc"], self.ctx.styles.toc_heading)
        SubElement(ppr(p), w("pageBreakBefore"))
        paragraph(body)
        return len(body) - 1

    def _heading(self, level: int, text: str) -> Element:
        p = paragraph(self.body, self.ctx.styles.heading(level))
        if level == 1 and len(self.body) - 1 != self._break_at:
            SubElement(p[0], w("pageBreakBefore"))
        self._close_marker(p)
        if text:
            run(p, text)
            self.contents.mark(p, level, text)
        return p

    def _open_section_marker(self, heading: Element, section: Mapping[str, Any]) -> None:
        """The section's bookmark starts after its heading's text (markers.py)."""
        key = line(section.get("key"))
        revision = max(as_int(section.get("revision"), 0), 0)
        position = len(self._marked)
        name = markers.bookmark_name(key, revision, position)
        if any(k == key for k, _ in self._marked):  # a repeated key: its position tells it apart
            name = f"{markers.PREFIX}s{position}_r{revision}"
        self._marked.append((key, revision))
        self._open_marker = markers.FIRST_ID + position
        SubElement(heading, w("bookmarkStart"), {w("id"): str(self._open_marker), w("name"): name})

    def _close_marker(self, p: Element) -> None:
        """End the open section's bookmark at the start of ``p`` (the next heading)."""
        if self._open_marker is None:
            return
        end = etree.Element(w("bookmarkEnd"), {w("id"): str(self._open_marker)})
        p.insert(1 if len(p) and p[0].tag == PPR else 0, end)
        self._open_marker = None

    def _section_break(self, *, landscape: bool) -> None:
        """End the current section here; the next content starts a new page."""
        p = SubElement(self.body, w("p"))
        first = self._sections_made == 0
        SubElement(p, PPR).append(sect_pr(self.skeleton.references, landscape=landscape, title_page=first))
        self._sections_made += 1
        self._break_at = len(self.body)

    def _note(self, text: str) -> None:
        run(paragraph(self.body), text, italic=True, color=_SUBTLE)

    # -- stages and sections ------------------------------------------------------------

    def _stage(self, index: int, stage: Mapping[str, Any]) -> None:
        sections = [s for s in as_list(stage.get("sections")) if isinstance(s, Mapping)]
        # A stage opening with the action plan starts its landscape section at its heading.
        wide_first = bool(sections) and self._is_wide(sections[0])
        if wide_first:
            self._section_break(landscape=False)
        self._heading(1, f"{index}. {line(stage.get('title')) or line(stage.get('key'))}")
        state = line(stage.get("state"))
        if not self.final and state:
            state_text = self.labels.get(f"state_{state}", state)
            self._note(f"{self.labels['status']}: {state_text}")
        for number, section in enumerate(sections, 1):
            self._section(f"{index}.{number}", section, opens_section=number == 1 and wide_first)

    @staticmethod
    def _is_wide(section: Mapping[str, Any]) -> bool:
        return section.get("kind") == "action_plan" and bool(structured.action_rows(section.get("content")))

    def _section(self, number: str, section: Mapping[str, Any], *, opens_section: bool) -> None:
        title = line(section.get("title")) or line(section.get("key"))
        if self._is_wide(section):
            # Content since the last break ends as portrait; the plan gets a landscape section.
            if not opens_section and self._break_at != len(self.body):
                self._section_break(landscape=False)
            self._open_section_marker(self._heading(2, f"{number} {title}"), section)
            rows = structured.action_rows(section.get("content"))
            structured.render_action_plan(self.ctx, self.body, rows, title)
            self._section_break(landscape=True)
            # The time line is tall (a row per action): it gets a portrait page.
            self._picture(f"gantt{self._plans}", self.labels["gantt_title"])
            self._plans += 1
            return
        self._open_section_marker(self._heading(2, f"{number} {title}"), section)
        if not self._content(section.get("kind"), section.get("content"), title):
            self._note(self.labels["empty_section"])

    def _content(self, kind: object, content: object, title: str) -> bool:
        """Render one section's content; False when there was nothing to render."""
        ctx, body = self.ctx, self.body
        if kind == "swot":
            return structured.render_swot(ctx, body, content)
        if kind == "goals":
            return structured.render_goals(ctx, body, content)
        if kind == "kpi":
            return structured.render_kpi(ctx, body, content, title)
        if kind == "action_plan":
            return False  # rows were empty (wide plans are handled by _section)
        if isinstance(content, str):
            source = clean(content)
            if not source.strip():
                return False
            start = len(body)
            self.markdown.render(body, source)
            return len(body) > start
        return structured.render_other(ctx, body, content)

    # -- charts -------------------------------------------------------------------------

    def _charts(self) -> dict[str, Element]:
        """Draw the charts before the body exists (picture ids and parts come first).

        One Gantt chart per action plan (in document order), one chart of the members.
        """
        pictures: dict[str, Element] = {}
        plans = [s for s in self._sections() if self._is_wide(s)]
        for number, section in enumerate(plans):
            rows = structured.gantt_rows(structured.action_rows(section.get("content")))
            if any(start and end for _, start, end in rows):
                title = self.labels["gantt_title"]
                draw = functools.partial(figures.gantt, rows, title, fmt="png")
                png = _drawn(("gantt", tuple(rows), title), draw)
                pictures[f"gantt{number}"] = self._inline(png, TEXT_WIDTH, TEXT_HEIGHT, "gantt")
        counts = annexes.organisation_counts(annexes.organisations(self.snap))
        if counts:
            title = self.labels["members_chart_title"]
            key = ("members", tuple(counts.items()), tuple(self.kinds.items()), title)
            draw = functools.partial(figures.organisation_mix, counts, self.kinds, fmt="png", title=title)
            png = _drawn(key, draw)
            pictures["members"] = self._inline(png, TEXT_WIDTH, TEXT_HEIGHT // 2, "members")
        for index, png in enumerate(poll_annex.charts(poll_annex.closed_polls(self.snap), self.kinds)):
            if png is not None:
                pictures[f"poll{index}"] = self._inline(png, TEXT_WIDTH, TEXT_HEIGHT // 2, "poll")
        return pictures

    def _inline(self, png: bytes, max_width: int, max_height: int, name: str) -> Element:
        width_px, height_px = struct.unpack(">II", png[16:24])
        cx = max_width * _EMU_PER_TWIP
        cy = cx * height_px // max(width_px, 1)
        limit = max_height * _EMU_PER_TWIP
        if cy > limit:
            cx, cy = cx * limit // cy, limit
        part = self.skeleton.doc.part
        rid, _image = part.get_or_add_image(io.BytesIO(png))
        self._shape_id += 1
        inline = CT_Inline.new_pic_inline(self._shape_id, rid, f"{name}.png", cx, cy)
        return inline

    def _picture(self, key: str, caption: str) -> None:
        inline = self.pictures.pop(key, None)  # an element can sit in one place only
        if inline is None:
            return
        inline.docPr.set("descr", caption)
        inline.docPr.set("title", caption)
        p = paragraph(self.body)
        props = ppr(p)
        SubElement(props, KEEP_NEXT)
        SubElement(props, JC, {VAL: "center"})
        SubElement(SubElement(p, w("r")), DRAWING).append(inline)
        text_paragraph(self.body, caption, self.ctx.styles.caption, align="center")

    # -- annexes ------------------------------------------------------------------------

    def _annexes(self) -> None:
        number = 0
        members = annexes.organisations(self.snap)
        if members:
            number += 1
            self._annex_heading(number, "annex_members")
            self._picture("members", self.labels["members_chart_title"])
            annexes.members_tables(self.ctx, self.body, members, self.kinds)
        meetings = [m for m in as_list(self.snap.get("meetings")) if isinstance(m, Mapping)]
        if meetings:
            number += 1
            self._annex_heading(number, "annex_meetings")
            annexes.meetings_table(self.ctx, self.body, meetings)
        closed = poll_annex.closed_polls(self.snap)
        if closed:  # "Wyniki priorytetyzacji": each closed poll with its chart and table
            number += 1
            title = poll_annex.LABELS.get(self.language, poll_annex.LABELS["pl"])["annex_polls"]
            self._heading(1, f"{self.labels['annex']} {number}. {title}")
            place = lambda index, caption: self._picture(f"poll{index}", caption)  # noqa: E731
            poll_annex.annex(self.ctx, self.body, closed, self.kinds, self.language, place)

    def _annex_heading(self, number: int, key: str) -> None:
        self._heading(1, f"{self.labels['annex']} {number}. {self.labels[key]}")

    def _signoffs(self) -> None:
        signoffs = [s for s in as_list(self.snap.get("signoffs")) if isinstance(s, Mapping)]
        self._heading(1, self.labels["signoffs"])
        annexes.signoffs_table(self.ctx, self.body, signoffs, self.kinds)

    # -- properties ---------------------------------------------------------------------

    def _properties(self) -> None:
        props = self.skeleton.doc.core_properties
        props.title = clean(f"{self.title} – {self.cluster_name}" if self.cluster_name else self.title)[:255]
        props.subject = self.cluster_name[:255]
        props.author = self.cluster_name[:255]
        props.comments = ""
        props.last_modified_by = ""
        status = self.labels["adopted"] if self.final else self.labels["draft"]
        props.keywords = f"{self._version_text()}; {status}"
        props.revision = self.version
        props.language = self.formats.word_lang
        moment = self.moment.replace(tzinfo=None)
        props.created = moment
        props.modified = moment
        values = markers.marker_values(self.snap, self._marked, self.version)
        markers.add_properties(self.skeleton.doc.part.package, values)


def build_document(
    snapshot: Mapping[str, Any],
    progress: Progress | None = None,
    *,
    charts: bool = True,
    pages: Sequence[int | None] | None = None,
    template: bytes | None = None,
) -> bytes:
    """Render ``snapshot`` to DOCX bytes; ``charts=False`` leaves the pictures out.

    ``pages``: the page number of each entry of the contents (``contents.py``);
    ``template``: an agency's reference template (DOCX bytes) instead of the house style.
    """
    return StrategyDocument(snapshot, progress, charts, pages, template).render()
