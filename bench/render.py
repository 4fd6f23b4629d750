"""Benchmark: the DOCX renderer against pandoc on the same synthetic strategy.

Run: ``.venv/bin/python bench/render.py`` (from the project root). Builds a strategy of
about 60 pages (40 Markdown sections, an action plan of 200 rows) and one of about 300
pages (200 sections, 1,000 rows), and prints, side by side: the renderer's time in this
process (best of 3) with and without charts, the charts alone, the peak memory
(tracemalloc: Python objects only; lxml's tree lives in libxml2's C heap), the bare cost
of serialising and zipping the same document.xml (the floor any writer pays), and
pandoc's time converting the same content, written as Markdown, to DOCX
(``pandoc -f gfm``), with the ratios. Output files go to ``bench/out/``.

Then (when LibreOffice is installed) the worker's way to the DOCX with page numbers and
its PDF (``worker/paginate.paginated``, best of 2, LibreOffice already started): two
renderings around one LibreOffice load and layout, LibreOffice's own steps, and the PDF
ready time after the DOCX (LibreOffice fills the numbers into the document it holds and
exports it) and from the start, next to a cold ``soffice --headless --convert-to pdf`` of
the same DOCX with the same export options (a new LibreOffice for the file, its profile
already written), in the same run.
"""

from __future__ import annotations

import functools
import gc
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from charts import figures  # noqa: E402
from worker import pdf  # noqa: E402
from worker.renderer import document, render_strategy  # noqa: E402
from worker.renderer.document import build_document  # noqa: E402
from worker.renderer.package import COMPRESSION_LEVEL  # noqa: E402
from worker.renderer.sample import sample_snapshot  # noqa: E402
from worker.renderer.structured import gantt_rows  # noqa: E402

OUT = ROOT / "bench" / "out"
SIZES = (("~60 pages", 40, 200), ("~300 pages", 200, 1000))
REPEAT = 3
WORDS_PER_PAGE = 500  # 11 pt on A4, tables and headings included (an estimate)
ACTION_ROWS_PER_PAGE = 18  # landscape table rows per page (an estimate)


def children_cpu() -> float:
    """CPU seconds of this process's finished children (and theirs): a cost that does not
    grow with what else a shared machine runs, unlike the wall-clock times."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_of(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def to_markdown(snapshot: Mapping[str, Any]) -> str:
    """The same content as GitHub-flavoured Markdown, for pandoc."""
    out = [f"# {snapshot['cluster']['name']}", "", snapshot["title"], ""]
    for i, stage in enumerate(snapshot["stages"], 1):
        out += [f"# {i}. {stage['title']}", ""]
        for j, section in enumerate(stage["sections"], 1):
            out += [f"## {i}.{j} {section['title']}", ""]
            kind, content = section["kind"], section["content"]
            if kind == "text":
                out += [content.replace("\n### ", "\n##### "), ""]
            elif kind == "swot":
                keys = ("strengths", "weaknesses", "opportunities", "threats")
                out += ["| " + " | ".join(keys[:2]) + " |", "|---|---|"]
                for a, b in (keys[:2], keys[2:]):
                    out.append(f"| {'<br>'.join(content[a])} | {'<br>'.join(content[b])} |")
                out.append("")
            elif kind == "goals":
                for g, goal in enumerate(content, 1):
                    out += [f"### {g}. {goal['title']}", "", goal["description"], ""]
                    for o, objective in enumerate(goal["objectives"], 1):
                        out += [
                            f"#### {g}.{o} {objective['title']}",
                            "",
                            objective["description"],
                            "",
                        ]
            elif kind in ("action_plan", "kpi"):
                keys = [k for k in content[0] if k != "id"] if content else []
                out += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
                for row in content:
                    out.append("| " + " | ".join(str(row[k]) for k in keys) + " |")
                out.append("")
    out += ["# Annex", "", "| name | kind | city |", "|---|---|---|"]
    out += [f"| {o['name']} | {o['kind']} | {o['city']} |" for o in snapshot["organisations"]]
    return "\n".join(out) + "\n"


def bare_write(document_xml: bytes) -> Callable[[], bytes]:
    """Serialise an already built document.xml tree and zip it: a writer's floor."""
    tree = etree.fromstring(document_xml)

    def write() -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            data = etree.tostring(tree, encoding="UTF-8", standalone=True)
            archive.writestr(
                "word/document.xml",
                data,
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=COMPRESSION_LEVEL,
            )
        return buffer.getvalue()

    return write


def draw_charts(snapshot: Mapping[str, Any]) -> None:
    """The charts the renderer draws for this snapshot, drawn alone."""
    plan = [s for st in snapshot["stages"] for s in st["sections"] if s["kind"] == "action_plan"]
    figures.gantt(gantt_rows(plan[0]["content"]), "Harmonogram działań", fmt="png")
    counts: dict[str, int] = {}
    for org in snapshot["organisations"]:
        counts[org["kind"]] = counts.get(org["kind"], 0) + 1
    figures.organisation_mix(counts, snapshot["organisation_kind_labels"], fmt="png")


def measure(label: str, sections: int, actions: int) -> dict[str, Any]:
    snapshot = sample_snapshot(sections=sections, actions=actions)
    markdown = to_markdown(snapshot)
    words = len(markdown.split())
    pages = words / WORDS_PER_PAGE + actions / ACTION_ROWS_PER_PAGE
    render_strategy(snapshot)  # warm up imports and caches

    def first_rendering() -> bytes:  # a new document's: its charts drawn, not remembered
        document._CHARTS.clear()
        return render_strategy(snapshot)

    full, docx = best_of(first_rendering)
    cpu_started = time.process_time()
    first_rendering()
    full_cpu = time.process_time() - cpu_started
    no_charts, _ = best_of(lambda: build_document(snapshot, charts=False))
    charts, _ = best_of(lambda: draw_charts(snapshot))
    peak = peak_memory(first_rendering)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document_xml = archive.read("word/document.xml")
    bare, _ = best_of(bare_write(document_xml))
    name = label.strip("~").replace(" ", "-")
    (OUT / f"strategy-{name}.docx").write_bytes(docx)
    source = OUT / f"strategy-{name}.md"
    source.write_text(markdown, encoding="utf-8")
    pandoc = pandoc_cpu = None
    if shutil.which("pandoc"):
        target = OUT / f"pandoc-{name}.docx"
        command = ["pandoc", "-f", "gfm", "-o", str(target), str(source)]
        pandoc, _ = best_of(lambda: subprocess.run(command, check=True))
        before = children_cpu()
        subprocess.run(command, check=True)
        pandoc_cpu = children_cpu() - before
    return {
        "label": label,
        "sections / actions": f"{sections} / {actions}",
        "words (est. pages)": f"{words:,} (~{pages:.0f})",
        "document.xml size": f"{len(document_xml) / 1e6:.1f} MB",
        "docx size": f"{len(docx) / 1e6:.2f} MB",
        "full": full,
        "no_charts": no_charts,
        "charts": charts,
        "peak": peak,
        "bare": bare,
        "pandoc": pandoc,
        "pandoc_cpu": pandoc_cpu,
        "full_cpu": full_cpu,
    }


def cold_soffice(docx: Path, profile: Path, outdir: Path) -> bytes:
    """One `soffice --convert-to pdf` as a script would run it: a LibreOffice per file."""
    options = {name: {"type": "boolean", "value": "true"} for name in ("UseTaggedPDF", "ExportBookmarks")}
    command = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf:writer_pdf_Export:" + json.dumps(options),
        "--outdir",
        str(outdir),
        str(docx),
    ]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603
    return (outdir / docx.with_suffix(".pdf").name).read_bytes()


def measure_pdf(label: str, sections: int, actions: int) -> dict[str, Any]:
    """The worker's one LibreOffice pass (best of 2, LibreOffice already started) and a
    cold soffice on the DOCX it stores."""
    from pypdf import PdfReader

    from worker.paginate import paginated

    snapshot = sample_snapshot(sections=sections, actions=actions)
    docx = OUT / f"paginated-{label.strip('~').replace(' ', '-')}.docx"
    converter = pdf.Converter()
    # A shared machine's slow minute is measured, not cut short by the worker's PDF_TIMEOUT.
    lay_out = functools.partial(converter.paginated, timeout=1800)
    runs = []
    try:
        with converter.paginated(render_strategy(sample_snapshot(sections=1, actions=1))) as laid:
            laid.pdf()  # LibreOffice started, as in a worker that made a document before
        for _ in range(2):
            document._CHARTS.clear()  # a new document: its charts are drawn
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            with paginated(snapshot, lay_out=lay_out) as (data, laid):
                rendered, renderer_cpu = time.perf_counter() - started, time.process_time() - cpu_started
                document_pdf = laid.pdf()
            ready = time.perf_counter() - started
            runs.append((ready, rendered, dict(laid.timings, renderer_cpu=renderer_cpu)))
        warm, _ = best_of(lambda: converter.convert(data, timeout=1800), repeat=1)  # a plain one, warm
    finally:
        converter.close()
    ready, rendered, timings = min(runs, key=lambda run: run[0])
    docx.write_bytes(data)
    (OUT / docx.with_suffix(".pdf").name).write_bytes(document_pdf)
    with tempfile.TemporaryDirectory(prefix="bench-soffice-") as work:
        profile, outdir = Path(work) / "profile", Path(work) / "out"
        small = Path(work) / "small.docx"
        small.write_bytes(render_strategy(sample_snapshot(sections=1, actions=1)))
        cold_soffice(small, profile, outdir)  # writes the profile, as on a used machine
        before = children_cpu()
        cold, _ = best_of(lambda: cold_soffice(docx, profile, outdir), repeat=1)
        cold_cpu = children_cpu() - before
    return {
        "label": label,
        "pages": len(PdfReader(io.BytesIO(document_pdf)).pages),
        "rendered": rendered,
        "after_docx": ready - rendered,
        "ready": ready,
        "timings": timings,
        "warm": warm,
        "cold": cold,
        "cold_cpu": cold_cpu,
    }


def print_table(rows: list[tuple[str, Callable]], results: list[dict[str, Any]]) -> None:
    width = max(len(name) for name, _ in rows) + 2
    print("".ljust(width) + "".join(r["label"].rjust(22) for r in results))
    for name, get in rows:
        print(name.ljust(width) + "".join(str(get(r)).rjust(22) for r in results))


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} s"


def ratio(a: float, b: float | None) -> str:
    return "n/a" if not b else f"{a / b:.2f}×"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    results = [measure(*size) for size in SIZES]
    rows = [
        ("sections / actions", lambda r: r["sections / actions"]),
        ("words (est. pages)", lambda r: r["words (est. pages)"]),
        ("document.xml / .docx", lambda r: f"{r['document.xml size']} / {r['docx size']}"),
        ("renderer, with charts (best of 3)", lambda r: seconds(r["full"])),
        ("renderer, without charts", lambda r: seconds(r["no_charts"])),
        ("charts alone (Gantt + members)", lambda r: seconds(r["charts"])),
        ("peak memory, Python heap (tracemalloc)", lambda r: f"{r['peak'] / 2**20:.1f} MiB"),
        ("bare serialise + zip of document.xml", lambda r: seconds(r["bare"])),
        ("pandoc -f gfm -o out.docx (best of 3)", lambda r: seconds(r["pandoc"])),
        ("renderer, CPU seconds (one run)", lambda r: seconds(r["full_cpu"])),
        ("pandoc, CPU seconds (one run)", lambda r: seconds(r["pandoc_cpu"])),
        ("CPU ratio renderer / pandoc", lambda r: ratio(r["full_cpu"], r["pandoc_cpu"])),
        ("ratio renderer / pandoc", lambda r: ratio(r["full"], r["pandoc"])),
        ("ratio renderer w/o charts / pandoc", lambda r: ratio(r["no_charts"], r["pandoc"])),
        ("ratio renderer / bare write", lambda r: ratio(r["full"], r["bare"])),
    ]
    width = max(len(name) for name, _ in rows) + 2
    columns = [r["label"] for r in results]
    print("".ljust(width) + "".join(c.rjust(22) for c in columns))
    for name, get in rows:
        print(name.ljust(width) + "".join(str(get(r)).rjust(22) for r in results))
    small, large = results
    scale = large["no_charts"] / small["no_charts"]
    print(f"\nsize ×5 → time ×{scale:.1f} without charts (linear would be ×5)")
    if pdf.available():
        print("\nDOCX with page numbers and its PDF: one LibreOffice pass (tagged, bookmarks)")
        pdfs = [measure_pdf(*size) for size in SIZES]
        for made, rendered in zip(pdfs, results, strict=True):
            made["pandoc_cpu"] = rendered["pandoc_cpu"]

        def step(name: str) -> Callable[[dict[str, Any]], str]:
            return lambda r: seconds(r["timings"].get(name))

        def cpu_ratio(name: str, reference: str) -> Callable[[dict[str, Any]], str]:
            return lambda r: ratio(r["timings"].get(name) or 0.0, r[reference])

        print_table(
            [
                ("pages of the PDF", lambda r: r["pages"]),
                ("DOCX with page numbers (2 renderings + layout)", lambda r: seconds(r["rendered"])),
                ("  LibreOffice: load the DOCX", step("load")),
                ("  LibreOffice: lay out for print (1-page export)", step("print_layout")),
                ("  LibreOffice: headings' pages (view cursor)", step("layout")),
                ("  LibreOffice: fill the numbers", step("fill")),
                ("  LibreOffice: export the PDF", step("export")),
                ("PDF ready after the DOCX (best of 2)", lambda r: seconds(r["after_docx"])),
                ("PDF ready from the start", lambda r: seconds(r["ready"])),
                ("PDF, warm converter, a new load of the DOCX", lambda r: seconds(r["warm"])),
                ("PDF, cold soffice --convert-to pdf", lambda r: seconds(r["cold"])),
                ("ratio PDF after DOCX / cold (goal <= 0.5)", lambda r: ratio(r["after_docx"], r["cold"])),
                ("ratio PDF from the start / cold", lambda r: ratio(r["ready"], r["cold"])),
                ("CPU: the 2 renderings (this process)", step("renderer_cpu")),
                ("CPU: LibreOffice to the pages (load, layout)", step("cpu_layout")),
                ("CPU: LibreOffice after the DOCX (fill, export)", step("cpu_export")),
                ("CPU: cold soffice --convert-to pdf", lambda r: seconds(r["cold_cpu"])),
                ("CPU ratio PDF after DOCX / cold (goal <= 0.5)", cpu_ratio("cpu_export", "cold_cpu")),
                (
                    "CPU ratio DOCX with numbers / pandoc",
                    lambda r: ratio(
                        r["timings"]["renderer_cpu"] + r["timings"]["cpu_layout"], r["pandoc_cpu"]
                    ),
                ),
            ],
            pdfs,
        )
    else:
        print("\nPDF: LibreOffice is not installed here (n/a)")
    print(f"files in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
