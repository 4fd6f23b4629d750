"""Benchmark: what parsing a person's Markdown costs, per KB, ordinary text against the worst.

Run: ``.venv/bin/python bench/markdown.py`` (from the project root; ``--size N`` for
another length than 100,000 characters, ``--quick`` for fewer repeats).

Every input is cut to the same length (a section's maximum, ``MAX_TEXT_CHARS``), then
timed on each path that parses Markdown:

- ``page``: ``webapp.markdown.render_markdown`` (parse, HTML, nh3), the section page and
  the preview;
- ``plain``: ``webapp.markdown.plain_text``, the quoted-passage check;
- ``docx``: the DOCX renderer's section body (a one-section document, less the same
  document with an empty section).

Side by side: ``ms/KB`` and peak Python memory (tracemalloc) of each path, the ratio of
the worst path's ms/KB to ordinary text's (the goal: at most 3×), and, as the reference,
the same input through markdown-it-py without the studio's limits (``raw``). The
pathological corpus holds each known expensive shape twice: as typed (dense: it goes
over the budget and is kept as literal text) and diluted to just inside the budget of
``workflows.markup`` (the most an attacker can make the parser interpret).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402

from tests.markdown_corpus import corpus  # noqa: E402
from webapp.markdown import plain_text, render_markdown  # noqa: E402
from worker.renderer.document import build_document  # noqa: E402
from workflows.content import MAX_TEXT_CHARS  # noqa: E402


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def one_section_document(text: str) -> dict[str, Any]:
    section = {"key": "profile", "title": "Profil", "kind": "text", "content": text, "revision": 1}
    stage = {"key": "diagnosis", "title": "Diagnoza", "state": "drafting", "sections": [section]}
    return {
        "language": "pl",
        "version": 1,
        "created_at": "2026-12-04T12:00:00+00:00",
        "cluster": {"slug": "bench", "name": "Klaster"},
        "stages": [stage],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=MAX_TEXT_CHARS)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    raw = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    empty_docx = best_of(lambda: build_document(one_section_document(""), charts=False), repeat)
    kb = args.size / 1000

    paths: dict[str, Callable[[str], Any]] = {
        "page": render_markdown,
        "plain": plain_text,
        "docx": lambda s: build_document(one_section_document(s), charts=False),
    }
    print(f"{args.size:,} characters per input; ms/KB (best of {repeat}); peak MiB (tracemalloc)")
    header = f"{'input':34s}" + "".join(f"{p:>9s} ms/KB" for p in paths)
    print(header + f"{'peak MiB':>10s}{'× ordinary':>12s}{'raw ms/KB':>11s}{'raw MiB':>9s}")
    reference = None
    worst = (0.0, "")
    worst_peak = (0.0, "")
    for name, source in corpus(args.size):
        per_kb = {}
        for path, fn in paths.items():
            seconds = best_of(partial(fn, source), repeat)
            if path == "docx":
                seconds = max(seconds - empty_docx, 0.0)
            per_kb[path] = seconds * 1000 / kb
        peak = max(peak_mib(partial(fn, source)) for fn in paths.values())
        raw_ms = best_of(partial(raw.render, source), 1) * 1000 / kb
        raw_peak = peak_mib(partial(raw.render, source))
        if reference is None:
            reference = per_kb
        ratio = max(per_kb[p] / reference[p] for p in paths if reference[p] > 0)
        if ratio > worst[0]:
            worst = (ratio, name)
        if peak > worst_peak[0]:
            worst_peak = (peak, name)
        cells = "".join(f"{per_kb[p]:15.3f}" for p in paths)
        print(f"{name:34s}{cells}{peak:10.1f}{ratio:11.2f}×{raw_ms:11.3f}{raw_peak:9.1f}")
    print()
    print(f"worst case: {worst[0]:.2f}× ordinary text per KB ({worst[1]}); goal ≤ 3×")
    print(f"peak memory: {worst_peak[0]:.1f} MiB ({worst_peak[1]}); goal < 50 MiB")


if __name__ == "__main__":
    main()
