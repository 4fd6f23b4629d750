"""DOCX → PDF with a warm LibreOffice: one converter process per worker process.

LibreOffice takes seconds to start and a fraction of that to convert a file once running,
so each worker process keeps one ``worker/pdf_bridge.py`` (run by Debian's
/usr/bin/python3, the only Python with LibreOffice's UNO bindings) and its headless
``soffice`` alive between tasks. The bridge is started on first use, and started again
when it died or a conversion overran its time limit (its whole process group is
killed, LibreOffice included). Without LibreOffice, ``available()`` is False and the
studio makes DOCX only.

Pure of Flask and the database: the task passes the settings (``SOFFICE_PATH``,
``PDF_TIMEOUT``), so the benchmark and the tests call it with plain values.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: The Python that has LibreOffice's UNO bindings (Debian's python3-uno).
UNO_PYTHON = "/usr/bin/python3"
BRIDGE = Path(__file__).resolve().with_name("pdf_bridge.py")
DEFAULT_SOFFICE = "soffice"
DEFAULT_TIMEOUT = 120.0
HOME_PREFIX = "studio-pdf-"
#: Starting LibreOffice (a first start also writes its profile) may take this long.
START_TIMEOUT = 90.0


class ConversionError(RuntimeError):
    """LibreOffice could not convert the file (or died, or took too long)."""


class ConversionTimeout(ConversionError):
    """No answer in time: the bridge is killed and the next file gets a new one."""


class BridgeGone(ConversionError):
    """The bridge died (killed, LibreOffice crashed): a new one may well succeed."""


@functools.lru_cache(maxsize=8)
def available(soffice: str = DEFAULT_SOFFICE) -> bool:
    """Whether LibreOffice and a Python with its UNO bindings are installed (asked once)."""
    if shutil.which(soffice) is None or not os.access(UNO_PYTHON, os.X_OK):
        return False
    try:
        probe = subprocess.run(  # noqa: S603 (fixed arguments)
            [UNO_PYTHON, "-c", "import uno"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def remove_left_behind() -> None:
    """Remove the folders of converters whose process ended without cleaning up (killed)."""
    for path in Path(tempfile.gettempdir()).glob(f"{HOME_PREFIX}*-*"):
        pid = path.name.removeprefix(HOME_PREFIX).split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:  # alive, someone else's
            pass


class Bridge:
    """One running pdf_bridge.py and its LibreOffice, in a process group of their own."""

    def __init__(self, soffice: str, home: Path) -> None:
        executable = shutil.which(soffice)
        if executable is None:
            raise ConversionError(f"LibreOffice not found: {soffice}")
        self.workdir = Path(tempfile.mkdtemp(prefix="bridge-", dir=home))
        self.owner = os.getpid()  # a forked child must not use (or kill) its parent's bridge
        self._buffer = b""
        self.process = subprocess.Popen(  # noqa: S603 (our script, the configured soffice)
            [UNO_PYTHON, str(BRIDGE), executable, str(home / "profile")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,  # its own process group: one kill ends soffice too
        )
        try:
            ready = self._answer(START_TIMEOUT)
        except ConversionError:
            self.close()
            raise
        if not ready.get("ready"):
            self.close()
            raise ConversionError(f"LibreOffice did not start: {ready}")
        self.office_pid = ready.get("office_pid")

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def convert(self, source: Path, target: Path, timeout: float) -> None:
        self.send({"docx": str(source), "pdf": str(target)})
        reply = self._answer(timeout)
        if not reply.get("ok"):
            raise ConversionError(reply.get("error") or "conversion failed")

    def send(self, request: dict) -> None:
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise BridgeGone(f"the converter is gone: {exc}") from exc

    def _answer(self, timeout: float) -> dict:
        """The next JSON line from the bridge, waiting at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        stdout = self.process.stdout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConversionTimeout(f"no answer from LibreOffice within {timeout:g} s")
            readable, _, _ = select.select([stdout], [], [], left)
            if not readable:
                continue
            chunk = os.read(stdout.fileno(), 65536)
            if not chunk:
                raise BridgeGone("the converter exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def close(self, force: bool = False) -> None:
        """End the bridge and LibreOffice: politely (end of input), then the whole group."""
        if self.owner != os.getpid():
            return
        try:
            if not force and self.process.poll() is None:
                self.process.stdin.close()
                self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            # soffice may outlive a killed bridge: its group is ended either way
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Laid:
    """A document LibreOffice holds loaded and laid out: its contents' pages, its PDF to come.

    ``pages``: the page of each contents entry, in order (None: its heading not found);
    ``timings``: LibreOffice's seconds per step (load, layout, then fill and export).
    """

    def __init__(
        self,
        pages: list[int | None],
        timings: dict[str, float],
        finish: Callable[[], tuple[bytes, dict[str, float]]],
    ) -> None:
        self.pages = pages
        self.timings = dict(timings)
        self._finish = finish
        self._settled = False

    def pdf(self) -> bytes:
        """The PDF, the pages filled in its contents (ConversionError when the export failed)."""
        if self._settled:
            raise ConversionError("the PDF was already taken")
        self._settled = True
        data, timings = self._finish()
        self.timings.update(timings)
        return data

    def settle(self) -> None:
        """Wait for the PDF nobody asked for, so the bridge's next answer is the next file's."""
        if not self._settled:
            with contextlib.suppress(ConversionError):
                self.pdf()


class Converter:
    """The process's warm converter: one bridge, started lazily, replaced when broken."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bridge: Bridge | None = None
        self._soffice: str | None = None
        # This process's folder: LibreOffice's user profile, kept across restarts (writing
        # a new one costs ~1 s), and each bridge's files.
        self._home: Path | None = None
        self._home_owner = 0

    @property
    def bridge_pid(self) -> int | None:
        bridge = self._bridge
        return bridge.pid if bridge is not None and bridge.alive() else None

    def convert(self, docx: bytes, soffice: str = DEFAULT_SOFFICE, timeout: float = DEFAULT_TIMEOUT) -> bytes:
        """The PDF of ``docx``; ConversionError when LibreOffice cannot make it."""
        with self._lock:
            try:
                return self._convert(docx, soffice, timeout)
            except BridgeGone:
                # Died between two files (or on this one): once more with a new one.
                log.warning("the PDF converter died; starting it again")
                self._discard()
                return self._convert(docx, soffice, timeout)

    def _convert(self, docx: bytes, soffice: str, timeout: float) -> bytes:
        bridge = self._ready_bridge(soffice)
        with tempfile.TemporaryDirectory(prefix="job-", dir=bridge.workdir) as job:
            source, target = Path(job) / "document.docx", Path(job) / "document.pdf"
            source.write_bytes(docx)
            try:
                bridge.convert(source, target, timeout)
            except ConversionTimeout:
                log.warning("PDF conversion took over %g s; restarting LibreOffice", timeout)
                self._discard(force=True)
                raise
            except BridgeGone:
                raise
            except ConversionError:
                if not bridge.alive():
                    self._discard()
                raise
            data = target.read_bytes()
        if not data.startswith(b"%PDF"):
            raise ConversionError("LibreOffice wrote no PDF")
        return data

    @contextlib.contextmanager
    def paginated(
        self, draft: bytes, soffice: str = DEFAULT_SOFFICE, timeout: float = DEFAULT_TIMEOUT
    ) -> Iterator[Laid]:
        """Load ``draft`` (contents with placeholder numbers) once: its pages, then its PDF.

        Inside the block the caller has the pages (and writes its final DOCX with them)
        while LibreOffice fills them into the loaded document and exports it; ``pdf()``
        waits for that. The converter is the caller's until the block ends.
        """
        with self._lock:
            try:
                bridge, job, reply = self._start_paginating(draft, soffice, timeout)
            except BridgeGone:
                log.warning("the PDF converter died; starting it again")
                self._discard()
                bridge, job, reply = self._start_paginating(draft, soffice, timeout)
            laid = Laid(
                reply["pages"],
                reply.get("timings") or {},
                functools.partial(self._finish_paginating, bridge, job, timeout),
            )
            try:
                yield laid
            finally:
                laid.settle()
                shutil.rmtree(job, ignore_errors=True)
                laid._finish = None  # noqa: SLF001 (lets go of the bridge)

    def _start_paginating(self, draft: bytes, soffice: str, timeout: float) -> tuple[Bridge, Path, dict]:
        bridge = self._ready_bridge(soffice)
        job = Path(tempfile.mkdtemp(prefix="job-", dir=bridge.workdir))
        try:
            (job / "document.docx").write_bytes(draft)
            source, target = str(job / "document.docx"), str(job / "document.pdf")
            bridge.send({"docx": source, "pdf": target, "paginate": True})
            reply = self._reply(bridge, timeout)
            if not isinstance(reply.get("pages"), list):
                raise ConversionError(f"no layout: {reply}")
        except BaseException:
            shutil.rmtree(job, ignore_errors=True)
            raise
        return bridge, job, reply

    def _finish_paginating(self, bridge: Bridge, job: Path, timeout: float) -> tuple[bytes, dict[str, float]]:
        reply = self._reply(bridge, timeout)
        target = job / "document.pdf"
        data = target.read_bytes() if target.exists() else b""
        if not data.startswith(b"%PDF"):
            raise ConversionError("LibreOffice wrote no PDF")
        return data, reply.get("timings") or {}

    def _reply(self, bridge: Bridge, timeout: float) -> dict:
        """The bridge's next answer; a refusal raised, a bridge past its time or dead discarded."""
        try:
            reply = bridge._answer(timeout)  # noqa: SLF001 (this module's own class)
        except ConversionTimeout:
            log.warning("PDF conversion took over %g s; restarting LibreOffice", timeout)
            self._discard(force=True)
            raise
        if reply.get("ok") is False:
            if not bridge.alive():
                self._discard()
            raise ConversionError(reply.get("error") or "conversion failed")
        return reply

    def _ready_bridge(self, soffice: str) -> Bridge:
        bridge = self._bridge
        if bridge is not None and (
            bridge.owner != os.getpid() or not bridge.alive() or self._soffice != soffice
        ):
            self._discard()
            bridge = None
        if bridge is None:
            started = time.perf_counter()
            if self._home is None or self._home_owner != os.getpid():
                remove_left_behind()
                self._home = Path(tempfile.mkdtemp(prefix=f"{HOME_PREFIX}{os.getpid()}-"))
                self._home_owner = os.getpid()
            bridge = self._bridge = Bridge(soffice, self._home)
            self._soffice = soffice
            log.info("PDF converter started (pid %s) in %.1f s", bridge.pid, time.perf_counter() - started)
        return bridge

    def _discard(self, force: bool = False) -> None:
        bridge, self._bridge = self._bridge, None
        if bridge is not None:
            bridge.close(force)

    def close(self) -> None:
        with self._lock:
            self._discard()
            if self._home is not None and self._home_owner == os.getpid():
                shutil.rmtree(self._home, ignore_errors=True)
            self._home = None


_converter = Converter()
atexit.register(_converter.close)


def converter() -> Converter:
    """This process's converter (the bench and the tests look at its bridge's pid)."""
    return _converter


def convert(docx: bytes, soffice: str = DEFAULT_SOFFICE, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """DOCX bytes → PDF bytes with this process's warm LibreOffice."""
    return _converter.convert(docx, soffice, timeout)


def paginated(
    draft: bytes, soffice: str = DEFAULT_SOFFICE, timeout: float = DEFAULT_TIMEOUT
) -> contextlib.AbstractContextManager[Laid]:
    """``Converter.paginated`` with this process's warm LibreOffice."""
    return _converter.paginated(draft, soffice, timeout)


def heading_pages(pdf: bytes) -> list[tuple[str, int]]:
    """Each heading of the PDF (its bookmarks, every level) and its 1-based page, in order."""
    from pypdf import PdfReader  # only the processes that read PDFs pay for the import

    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):  # the children of the bookmark before it
                walk(item)
                continue
            page = reader.get_destination_page_number(item)
            if page is not None and page >= 0:
                found.append((str(item.title), page + 1))

    walk(reader.outline)
    return found
