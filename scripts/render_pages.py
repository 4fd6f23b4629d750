"""Render a demo strategy's pages to PNG, to look at the document as a reader would.

    .venv/bin/python scripts/render_pages.py OUTDIR [--cluster makros] [--sample] [--dpi 50]

Loads the demo data set into a throw-away SQLite database (or takes the renderer's
synthetic sample with ``--sample``), freezes the cluster's snapshot as the web app does,
renders the DOCX with its contents' page numbers as the worker does (``worker/paginate``,
with the warm LibreOffice of ``worker/pdf``), converts it to PDF and writes
``OUTDIR/strategy.docx``, ``strategy.pdf`` and ``page-NN.png`` (``pdftoppm -png``).
Needs LibreOffice and poppler-utils (scripts/system-packages.sh).

The pictures in docs/pages/ come from ``--cluster makros`` (an adopted strategy); render
them again when the house style changes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The demo's documents are dated so, whatever the day they are rendered (same bytes).
STAMP = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


def demo_snapshot(slug: str, workdir: Path) -> dict:
    """The cluster's snapshot from a fresh demo database, as the web app would freeze it."""
    os.environ["DATA_DIR"] = str(workdir)
    os.environ.setdefault("DEMO_PASSWORD", "render-pages")
    os.environ.setdefault("SECRET_KEY", "render-pages")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.demo.load import load_demo
    from webapp.demo.organisations import AGENCY
    from webapp.documents.snapshot import build_snapshot, stamp
    from webapp.extensions import db
    from webapp.models import Cluster

    app = create_app(
        {
            "AGENCY_NAME": os.environ.get("AGENCY_NAME") or AGENCY[0],
            "AGENCY_CITY": os.environ.get("AGENCY_CITY") or AGENCY[2],
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.commit()
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == slug))
        if cluster is None:
            raise SystemExit(f"no demo cluster {slug!r}")
        with app.test_request_context():
            snapshot = stamp(build_snapshot(cluster), 1, STAMP)
        db.engine.dispose()
    return snapshot


def render_pages(snapshot: dict, outdir: Path, dpi: int) -> list[Path]:
    from worker import pdf
    from worker.paginate import render_paginated

    try:
        data = render_paginated(snapshot, convert=pdf.convert, heading_pages=pdf.heading_pages)
        (outdir / "strategy.docx").write_bytes(data)
        (outdir / "strategy.pdf").write_bytes(pdf.convert(data))
    finally:
        pdf.converter().close()
    for old in outdir.glob("page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(outdir / "strategy.pdf"), str(outdir / "page")], check=True
    )
    return sorted(outdir.glob("page-*.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--cluster", default="makros", help="the demo cluster's short name")
    parser.add_argument("--sample", action="store_true", help="the renderer's synthetic sample instead")
    parser.add_argument("--dpi", type=int, default=50)
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.sample:
        from worker.renderer.sample import sample_snapshot

        snapshot = sample_snapshot()
    else:
        with tempfile.TemporaryDirectory() as workdir:
            snapshot = demo_snapshot(args.cluster, Path(workdir))
    pages = render_pages(snapshot, args.outdir, args.dpi)
    print(f"{len(pages)} pages in {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
