"""Benchmark: a strategy document from the ask to done, on the embedded default.

Run: ``.venv/bin/python bench/pipeline.py`` (from the project root). For each size (~60
and ~250 pages of the synthetic strategy in ``worker/renderer/sample.py``, poured into
a demo cluster's sections) and each SQLite-broker polling interval (kombu's default of
1 s next to the studio's ``BROKER_POLLING_INTERVAL``), it starts a real Celery worker on
SQLite and the SQLite broker, asks for a new version as the web app does
(``documents.operations.request_document``, then the task), and times the ask until the row says done
(best of 3). Beside it: ``pandoc -f gfm`` turning the same content, as Markdown, into a
DOCX, and the renderer alone in this process. Each ask changes a sentence and an action,
so the worker draws its charts anew. Without LibreOffice the contents carry no page
numbers; with it (the last rows, polling as configured) the DOCX waits for one load and
layout by the warm LibreOffice, which then exports the PDF from that same layout: the
PDF ready time after the DOCX and from the ask, next to a cold ``soffice --convert-to
pdf`` of the DOCX the worker stored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.render import best_of, to_markdown  # noqa: E402
from worker.renderer import document, render_strategy  # noqa: E402
from worker.renderer.sample import sample_snapshot  # noqa: E402

SLUG = "makros"
SIZES = (("~60 pages", 40, 200), ("~250 pages", 170, 830))
POLLING = (1.0, 0.1)
REPEAT = 3


def _env(data_dir: Path, polling: float, libreoffice: bool) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)  # the embedded default: SQLite and the SQLite broker
    env.update(
        DATA_DIR=str(data_dir),
        SECRET_KEY="bench-only-not-a-secret",  # noqa: S106 - a throwaway data dir
        BROKER_POLLING_INTERVAL=str(polling),
        SWEEP_INTERVAL="3600",
        PDF_TIMEOUT="1800",  # a shared machine's slow minute is measured, not cut short
    )
    if not libreoffice:
        env["SOFFICE_PATH"] = str(data_dir / "no-soffice")
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "webapp", *args], env=env, cwd=ROOT, check=True)


def _pour(app, snapshot: dict) -> None:  # noqa: ANN001
    """The synthetic strategy's text and action plan into the demo cluster's sections."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Cluster, Section
    from webapp.transaction import unit_of_work

    texts = [s["content"] for st in snapshot["stages"] for s in st["sections"] if s["kind"] == "text"]
    actions = next(
        s["content"] for st in snapshot["stages"] for s in st["sections"] if s["kind"] == "action_plan"
    )
    with app.app_context(), unit_of_work():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        sections = list(db.session.scalars(select(Section).where(Section.cluster_id == cluster.id)))
        text_sections = [s for s in sections if s.kind == "text"]
        for index, section in enumerate(text_sections):
            section.content = "\n\n".join(texts[index :: len(text_sections)])
            section.revision += 1
        for section in sections:
            if section.kind == "action_plan":
                section.content = actions
                section.revision += 1


def _ask_until_done(app, marker: int) -> tuple[float, float, bytes]:  # noqa: ANN001
    """Change a sentence and an action (a new snapshot, so a new version, and a new
    Gantt chart: none drawn for the last version serves), ask; seconds until the DOCX is
    done and until the PDF is settled (ready, or known to be unavailable), and the DOCX."""
    from sqlalchemy import select

    from webapp import tasks
    from webapp.documents.operations import request_document
    from webapp.extensions import db
    from webapp.models import Cluster, Document, Section, User
    from webapp.transaction import unit_of_work

    with app.app_context():
        with unit_of_work():
            cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
            section = db.session.scalar(
                select(Section).where(Section.cluster_id == cluster.id, Section.kind == "text")
            )
            section.content = f"{section.content}\n\nPomiar {marker}."
            section.revision += 1
            plan = db.session.scalar(
                select(Section).where(Section.cluster_id == cluster.id, Section.kind == "action_plan")
            )
            if plan is not None and plan.content:
                first = dict(plan.content[0], action=f"{plan.content[0]['action']} ({marker})")
                plan.content = [first, *plan.content[1:]]
                plan.revision += 1
        # As webapp.documents.service.ask_for_document does, less the signed-in person.
        admin = db.session.scalar(select(User).where(User.is_admin.is_(True)))
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        started = time.perf_counter()
        with unit_of_work():
            document_id = request_document(cluster, admin).document.id
        tasks.enqueue("studio.render_document", document_id)
        done = None
        while True:
            db.session.rollback()  # a new read transaction: SQLite's WAL would show the old row
            status, pdf_status = db.session.execute(
                select(Document.status, Document.pdf_status).where(Document.id == document_id)
            ).one()
            if status == "failed" or pdf_status == "failed":
                raise SystemExit(f"document {document_id} failed")
            if status == "done" and done is None:
                done = time.perf_counter() - started
            if status == "done" and pdf_status in ("ready", "unavailable"):
                settled = time.perf_counter() - started
                data = db.session.get(Document, document_id).data
                db.session.remove()
                return done, settled, data
            time.sleep(0.01)


def measure(sections: int, actions: int, polling: float, libreoffice: bool) -> dict[str, float]:
    """Best of REPEAT, seconds: ask -> DOCX done, ask -> PDF settled, DOCX done -> PDF
    settled; with LibreOffice also a cold soffice --convert-to pdf of the stored DOCX."""
    snapshot = sample_snapshot(sections=sections, actions=actions)
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        data_dir = Path(tmp)
        env = _env(data_dir, polling, libreoffice)
        _flask(env, "db", "upgrade")
        _flask(env, "demo", "load")
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            from webapp import create_app

            app = create_app()
            _pour(app, snapshot)
            worker = subprocess.Popen(
                [
                    str(BIN / "celery"),
                    "-A",
                    "worker.celery_app",
                    "worker",
                    "--concurrency=1",
                    "--loglevel=WARNING",
                ],
                env=env,
                cwd=ROOT,
            )
            try:
                _ask_until_done(app, 0)  # the worker's first task imports and warms up
                times = [_ask_until_done(app, marker) for marker in range(1, REPEAT + 1)]
            finally:
                worker.terminate()
                worker.wait(timeout=30)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        result = {
            "done": min(t[0] for t in times),
            "settled": min(t[1] for t in times),
            "after_docx": min(t[1] - t[0] for t in times),
        }
        if libreoffice:
            from bench.render import cold_soffice

            docx = data_dir / "stored.docx"
            docx.write_bytes(times[-1][2])
            small = data_dir / "small.docx"
            small.write_bytes(render_strategy(sample_snapshot(sections=1, actions=1)))
            profile, outdir = data_dir / "soffice-profile", data_dir / "soffice-out"
            cold_soffice(small, profile, outdir)  # writes the profile, as on a used machine
            started = time.perf_counter()
            cold_soffice(docx, profile, outdir)
            result["cold"] = time.perf_counter() - started
    return result


def pandoc_seconds(sections: int, actions: int) -> float | None:
    if not shutil.which("pandoc"):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "strategy.md"
        source.write_text(to_markdown(sample_snapshot(sections=sections, actions=actions)), encoding="utf-8")
        command = ["pandoc", "-f", "gfm", "-o", str(Path(tmp) / "out.docx"), str(source)]
        seconds, _ = best_of(lambda: subprocess.run(command, check=True))
    return seconds


def main() -> None:
    rows = []
    for label, sections, actions in SIZES:
        snapshot = sample_snapshot(sections=sections, actions=actions)

        def first_rendering(snapshot: dict = snapshot) -> bytes:  # its charts drawn, not remembered
            document._CHARTS.clear()
            return render_strategy(snapshot)

        render, _ = best_of(first_rendering)
        pandoc = pandoc_seconds(sections, actions)
        asked = {polling: measure(sections, actions, polling, False) for polling in POLLING}
        with_lo = measure(sections, actions, POLLING[-1], True) if shutil.which("soffice") else None
        rows.append((label, render, pandoc, asked, with_lo))
    header = f"{'':<48}" + "".join(f"{label:>14}" for label, *_ in rows)
    print(header)

    def line(name: str, values: list[str]) -> None:
        print(f"{name:<48}" + "".join(f"{v:>14}" for v in values))

    def ratio(a: float, b: float | None) -> str:
        return f"{a / b:.2f}" if b else "-"

    line("renderer alone, in process", [f"{r[1]:.2f} s" for r in rows])
    line("pandoc -f gfm (reference)", [f"{r[2]:.2f} s" if r[2] else "no pandoc" for r in rows])
    for polling in POLLING:
        line(
            f"ask -> DOCX done, polling {polling:g} s, no LO",
            [f"{r[3][polling]['done']:.2f} s" for r in rows],
        )
        line("  ratio to pandoc (goal <= 0.5)", [ratio(r[3][polling]["done"], r[2]) for r in rows])
    if all(r[4] for r in rows):
        line(
            f"ask -> DOCX done, polling {POLLING[-1]:g} s, page numbers",
            [f"{r[4]['done']:.2f} s" for r in rows],
        )
        line("  ratio to pandoc (goal <= 0.5)", [ratio(r[4]["done"], r[2]) for r in rows])
        line("PDF ready after the DOCX is done", [f"{r[4]['after_docx']:.2f} s" for r in rows])
        line("ask -> PDF ready", [f"{r[4]['settled']:.2f} s" for r in rows])
        line("cold soffice --convert-to pdf, same DOCX", [f"{r[4]['cold']:.2f} s" for r in rows])
        line(
            "  ratio PDF after DOCX / cold (goal <= 0.5)",
            [ratio(r[4]["after_docx"], r[4]["cold"]) for r in rows],
        )
        line("  ratio ask -> PDF / cold", [ratio(r[4]["settled"], r[4]["cold"]) for r in rows])


if __name__ == "__main__":
    main()
