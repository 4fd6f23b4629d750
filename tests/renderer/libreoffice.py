"""A plain `soffice --convert-to pdf` for the tests that read the DOCX as LibreOffice lays it
out: independent of the worker's warm converter, which has its own tests."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path


def cold_converter(folder: Path) -> Callable[[bytes], bytes]:
    """DOCX bytes → PDF bytes, one fresh soffice per file, with its own profile."""
    profile = (folder / "profile").as_uri()  # no clash with a running soffice

    def convert(data: bytes) -> bytes:
        source = folder / "strategy.docx"
        source.write_bytes(data)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(folder), str(source)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (folder / "strategy.pdf").read_bytes()

    return convert
