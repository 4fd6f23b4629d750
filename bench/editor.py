"""Benchmark: the formatted editor's bundle and what it adds to a section page's load.

Run: ``.venv/bin/python bench/editor.py`` (from the project root; ``--rounds N``, default 12).

- The bundle (``webapp/static/vendor/editor.js``): bytes as served, and gzipped (level 6,
  as a web server compresses), since that is what travels.
- The section page (KREA's profile, a member signed in, Debian's chromium headless, a fresh
  browser context per load: a first visit, nothing cached; and the second load in such a
  context: a return visit, the bundle cached) with the editor, next to the same page
  without it: the bundle's request is refused, which leaves today's page (the Markdown
  textarea and its preview). Loads alternate, in the same run, on the same throw-away demo
  server (``scripts/editor_screenshots.demo_server``). Per page: the median and the slowest
  of ``load`` (the load event) and ``ready`` (the text can be edited: the formatted editor
  exists, or the textarea does).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.editor_screenshots import CHROMIUM, SECTION, demo_server, sign_in  # noqa: E402

BUNDLE = ROOT / "webapp" / "static" / "vendor" / "editor.js"
READY = """() => new Promise((resolve) => {
  const done = () => document.querySelector(window.__withEditor ? "#wysiwyg-editor" : "#editor-text");
  const t = performance.getEntriesByType("navigation")[0];
  const check = () => done() ? resolve({load: t.loadEventEnd - t.startTime, ready: performance.now()})
                             : requestAnimationFrame(check);
  check();
})"""


def measure(browser, url: str, storage: dict, with_editor: bool, cached: bool) -> dict:  # noqa: ANN001
    """One load in a fresh context; ``cached``: the second load in it (a return visit)."""
    viewport = {"width": 1366, "height": 900}
    context = browser.new_context(locale="pl-PL", viewport=viewport, storage_state=storage)
    page = context.new_page()
    if not with_editor:
        page.route("**/static/vendor/editor.js", lambda route: route.abort())
    page.add_init_script(f"window.__withEditor = {'true' if with_editor else 'false'};")
    page.goto(url + SECTION, wait_until="load")
    if cached:
        page.goto(url + SECTION, wait_until="load")
    result = page.evaluate(READY)
    context.close()
    return result


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    raw = BUNDLE.read_bytes()
    print(
        f"bundle {BUNDLE.relative_to(ROOT)}: {len(raw) / 1024:.0f} KiB raw, "
        f"{len(gzip.compress(raw, 6)) / 1024:.0f} KiB gzip"
    )
    with demo_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(locale="pl-PL")
        page = context.new_page()
        sign_in(page, url)
        storage = context.storage_state()
        context.close()
        variants = [(editor, cached) for cached in (False, True) for editor in (False, True)]
        runs: dict[tuple[bool, bool], list[dict]] = {v: [] for v in variants}
        measure(browser, url, storage, True, False)  # warm the server (templates, first queries)
        for _ in range(args.rounds):
            for with_editor, cached in variants:
                runs[with_editor, cached].append(measure(browser, url, storage, with_editor, cached))
        browser.close()
    print(f"section page {SECTION}, {args.rounds} loads each, same run:")
    print(f"{'page':<40}{'load median':>12}{'load max':>10}{'ready median':>14}{'ready max':>11}")
    for with_editor, cached in variants:
        visit = "cached" if cached else "first visit"
        label = f"{'with' if with_editor else 'without'} the editor, {visit}"
        loads = [r["load"] for r in runs[with_editor, cached]]
        ready = [r["ready"] for r in runs[with_editor, cached]]
        print(
            f"{label:<40}{statistics.median(loads):>10.0f}ms{max(loads):>8.0f}ms"
            f"{statistics.median(ready):>12.0f}ms{max(ready):>9.0f}ms"
        )


if __name__ == "__main__":
    main()
