"""The LibreOffice side of the PDF converter, run by Debian's /usr/bin/python3.

Why a separate script: LibreOffice's UNO bindings (python3-uno) exist only for the
system Python, not for the project's virtualenv. So ``worker/pdf.py`` starts this script
as a child process; it starts one headless ``soffice`` with its own user profile,
connects to it over a named pipe, and then converts file after file without starting
LibreOffice again (a cold start costs seconds; a warm conversion a fraction of that).

Protocol, one JSON object per line: a ``{"ready": true, "pid", "version"}`` line once
LibreOffice answers; then for each request ``{"docx": PATH, "pdf": PATH}`` on stdin one
answer ``{"ok": true}`` or ``{"ok": false, "error": "..."}`` on stdout. A request with
``"paginate": true`` (a DOCX whose contents hold placeholder numbers) is answered twice:
``{"pages": [page or null per contents entry], "timings"}`` once laid out, then the PDF's
``{"ok": ...}`` (``paginate`` below). End of stdin ends LibreOffice and the script.
Standard library and ``uno`` only.

Run: ``/usr/bin/python3 worker/pdf_bridge.py SOFFICE PROFILE_DIR``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uno  # noqa: I001 (python3-uno: must come before the com.sun.star imports)
import unohelper
from com.sun.star.awt import XCallback
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_TIMEOUT = 60.0
PAGE_NUMBER = re.compile(r"\t\s*\d+\s*$")
PLACEHOLDER = re.compile(r"\t(\d+)$")  # the digits the worker wrote, after the entry's tab

# writer_pdf_Export's FilterData: a tagged PDF (structure: headings, tables, the
# language) claiming PDF/UA, with the headings as bookmarks, all of them open.
PDF_OPTIONS = {
    "UseTaggedPDF": True,
    "PDFUACompliance": True,
    "ExportBookmarks": True,
    "OpenBookmarkLevels": -1,
    "DisplayPDFDocumentTitle": True,
    "ExportNotes": False,
    "UseLosslessCompression": False,
    "Quality": 90,
    "ReduceImageResolution": False,
}


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def answer(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def start_office(soffice: str, profile: Path, pipe: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (the configured soffice, no shell)
        [
            soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )


def connect(office: subprocess.Popen, pipe: str):  # noqa: ANN201 (UNO objects)
    """LibreOffice's (Desktop, AsyncCallback), once it accepts connections."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            services = context.ServiceManager
            return (
                services.createInstanceWithContext("com.sun.star.frame.Desktop", context),
                services.createInstanceWithContext("com.sun.star.awt.AsyncCallback", context),
            )
        except NoConnectException:
            if office.poll() is not None:
                raise RuntimeError(f"soffice exited with {office.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class OnMainThread(unohelper.Base, XCallback):
    """A job LibreOffice's main thread calls back into.

    Why: a call arriving over the bridge runs on a thread of its own while the main
    thread, idle, formats the document in the background too, and the two take turns
    on LibreOffice's one lock; a conversion took a quarter longer than in
    ``soffice --convert-to``. Calls made from inside ``notify`` carry the main thread's
    identity over the bridge (UNO keeps a nested call on its caller's thread), so the
    whole conversion runs on the main thread, as ``--convert-to`` does it.
    """

    def __init__(self, job: Callable[[], None]) -> None:
        self.job = job
        self.done = threading.Event()
        self.error: Exception | None = None

    def notify(self, _data: object) -> None:
        try:
            self.job()
        except Exception as exc:  # noqa: BLE001 (handed to the waiting thread)
            self.error = exc
        finally:
            self.done.set()


def on_main_thread(runner, office: subprocess.Popen, job: Callable[[], None]) -> None:  # noqa: ANN001
    """Run ``job`` on LibreOffice's main thread and wait for it (or for LibreOffice's end)."""
    call = OnMainThread(job)
    runner.addCallback(call, None)
    while not call.done.wait(0.5):
        if office.poll() is not None:
            raise RuntimeError(f"soffice exited with {office.returncode}")
    if call.error is not None:
        raise call.error


def cpu_seconds(pid: int) -> float:
    """CPU time of ``pid`` and its descendants (soffice is a launcher of soffice.bin):
    what LibreOffice's steps cost whatever else the machine runs. 0.0 without /proc."""
    total, pending, ticks = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def has_page_numbers(contents: str) -> bool:
    """Whether every entry of a table of contents ends in a page number ("1. Diagnoza\t5")."""
    lines = [line for line in contents.splitlines() if line.strip()]
    return bool(lines) and all(PAGE_NUMBER.search(line) for line in lines)


def open_document(desktop, source: str):  # noqa: ANN001, ANN201 (UNO objects)
    url = uno.systemPathToFileUrl(str(Path(source).resolve()))
    # No macros, no links to fetch: the file carries people's text.
    opening = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("UpdateDocMode", 0))
    document = desktop.loadComponentFromURL(url, "_blank", 0, opening)
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    return document


def export(document, target: str, *, refresh: bool = True, pages: str = "") -> None:  # noqa: ANN001
    if refresh:  # fields a file may hold unfilled; "page X of Y" needs none (the layout's)
        document.getTextFields().refresh()
    options = tuple(prop(k, v) for k, v in PDF_OPTIONS.items())
    if pages:
        options += (prop("PageRange", pages),)
    data = uno.Any("[]com.sun.star.beans.PropertyValue", options)
    out = uno.systemPathToFileUrl(str(Path(target).resolve()))
    uno.invoke(
        document,
        "storeToURL",
        (out, (prop("FilterName", "writer_pdf_Export"), prop("FilterData", data))),
    )


def convert(desktop, source: str, target: str) -> None:  # noqa: ANN001
    document = open_document(desktop, source)
    try:
        # A table of contents without page numbers (Word fills those on opening,
        # LibreOffice does not): fill it. One written with its numbers (the worker's
        # layout pass, worker/paginate.py) is kept: updating would cost a second layout
        # (on 300 pages as long as the rest together) and might move the pages.
        indexes = document.getDocumentIndexes()
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            if not has_page_numbers(index.getAnchor().getString()):
                index.update()
        export(document, target)
    finally:
        document.close(True)


def contents_entries(document) -> list:  # noqa: ANN001 (UNO objects)
    """The paragraphs of the table of contents, each with the bookmark its link leads to."""
    entries = []
    indexes = document.getDocumentIndexes()
    for i in range(indexes.getCount()):
        paragraphs = indexes.getByIndex(i).getAnchor().createEnumeration()
        while paragraphs.hasMoreElements():
            paragraph = paragraphs.nextElement()
            if not paragraph.supportsService("com.sun.star.text.Paragraph"):
                continue
            portions, target = paragraph.createEnumeration(), ""
            while portions.hasMoreElements():
                url = portions.nextElement().HyperLinkURL
                if url.startswith("#"):
                    target = url[1:]
            if target:
                entries.append((paragraph, target))
    return entries


def paginate(desktop, source: str, target: str, timings: dict, cpu: Callable[[], float]) -> None:  # noqa: ANN001
    """One pass for a DOCX whose contents carry placeholder numbers (worker/paginate.py).

    Loaded once: the layout says on which page each entry's heading is (the view
    cursor at the heading's bookmark: no whole PDF to export and read back); the pages are
    answered at once, so the worker writes them into the final DOCX meanwhile; the
    same loaded document gets them in its contents, in place of the placeholders
    (which take the numbers' room: the pages break alike), and is exported as the PDF.
    """
    started, cpu_started = time.perf_counter(), cpu()
    document = open_document(desktop, source)
    try:
        timings["load"] = time.perf_counter() - started
        started = time.perf_counter()
        # The hidden view's own layout breaks the pages otherwise than print does (the
        # sample strategy: 22 pages on screen, 27 printed, as in soffice --convert-to);
        # an export formats the document for print and that layout stays. Exporting the
        # first page alone costs that formatting and one page.
        first = Path(target).with_suffix(".layout.pdf")
        export(document, str(first), refresh=False, pages="1")
        first.unlink(missing_ok=True)
        timings["print_layout"] = time.perf_counter() - started
        started = time.perf_counter()
        bookmarks = document.getBookmarks()
        cursor = document.getCurrentController().getViewCursor()
        entries = contents_entries(document)
        pages: list[int | None] = []
        for _paragraph, name in entries:
            if bookmarks.hasByName(name):
                cursor.gotoRange(bookmarks.getByName(name).getAnchor(), False)
                pages.append(cursor.getPage())
            else:
                pages.append(None)
        timings["layout"] = time.perf_counter() - started
        timings["cpu_layout"], cpu_started = cpu() - cpu_started, cpu()
        answer({"pages": pages, "timings": dict(timings)})
        started = time.perf_counter()
        for (paragraph, _name), page in zip(entries, pages, strict=True):
            text = paragraph.getString()
            placeholder = PLACEHOLDER.search(text)
            if page is None or placeholder is None:
                continue
            end = paragraph.getText().createTextCursorByRange(paragraph.getEnd())
            end.goLeft(len(placeholder.group(1)), True)
            end.setString(str(page))
        timings["fill"] = time.perf_counter() - started
        started = time.perf_counter()
        export(document, target, refresh=False)  # the worker's fields are filled or the layout's
        timings["export"] = time.perf_counter() - started
        timings["cpu_export"] = cpu() - cpu_started
    finally:
        document.close(True)


def main() -> int:
    soffice, profile = sys.argv[1], Path(sys.argv[2])
    profile.mkdir(parents=True, exist_ok=True)
    pipe = f"studio_pdf_{os.getpid()}"
    office = start_office(soffice, profile, pipe)
    desktop = None
    try:
        desktop, runner = connect(office, pipe)
        answer({"ready": True, "pid": os.getpid(), "office_pid": office.pid})
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                source, target = request["docx"], request["pdf"]
                timings: dict[str, float] = {}
                if request.get("paginate"):
                    cpu = functools.partial(cpu_seconds, office.pid)
                    job = functools.partial(paginate, desktop, source, target, timings, cpu)
                else:
                    job = functools.partial(convert, desktop, source, target)
                on_main_thread(runner, office, job)
            except Exception as exc:  # noqa: BLE001 (every failure is answered, not raised)
                answer({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000]})
                if office.poll() is not None or "Disposed" in type(exc).__name__:
                    return 2  # LibreOffice is gone: the worker starts a new bridge
                continue
            answer({"ok": True, "timings": timings})
    finally:
        try:
            if desktop is not None and office.poll() is None:
                desktop.terminate()
        except Exception:  # noqa: BLE001, S110 (it is ending anyway)
            pass
        try:
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
