"""Benchmark: what serving charts without CSS costs (charts/svg.py).

Run: ``.venv/bin/python bench/charts.py`` (from the project root). For each chart of the
statistics pages it prints, side by side in the same process (best of 5): matplotlib's own
SVG (the reference), the same SVG with its styles moved into presentation attributes, the
rewrite alone, and the sizes in bytes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from charts import figures  # noqa: E402
from charts.svg import without_styles  # noqa: E402

KINDS = {"enterprise": 27, "business_support": 8, "science": 9, "other": 3}
CHARTS: dict[str, Callable[[], bytes]] = {
    "organisations": lambda: figures.organisation_mix(KINDS, {k: k for k in KINDS}, "svg"),
    "participants": lambda: figures.bar_chart(
        [(f"Warsztat {n}", 10 + 3 * n) for n in range(1, 7)], "Uczestnicy", "svg"
    ),
    "progress": lambda: figures.stage_progress(
        [(f"Klaster {i}", ["approved", "in_review", "locked", "locked"]) for i in range(5)],
        {"approved": "zatwierdzony", "in_review": "w weryfikacji", "locked": "zablokowany"},
        "svg",
        stage_labels=["Diagnoza", "Cele", "Działania", "Zatwierdzenie"],
    ),
    "activity": lambda: figures.activity(
        [(date(2014, 1, 6 + 7 * i).isoformat(), i * 3, i) for i in range(4)],  # weeks
        {"revisions": "Zmiany", "comments": "Komentarze"},
        "svg",
    ),
}


def best(run: Callable[[], object], times: int = 5) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spent.append(time.perf_counter() - start)
    return min(spent)


def main() -> None:
    print(f"{'chart':<14}{'matplotlib':>12}{'no CSS':>10}{'rewrite':>10}{'bytes':>16}")
    for name, draw in CHARTS.items():
        figures_module_rewrite = figures.without_styles
        figures.without_styles = lambda svg: svg  # the reference: matplotlib as it is
        try:
            raw = draw()
            reference = best(draw)
        finally:
            figures.without_styles = figures_module_rewrite
        plain = draw()
        full = best(draw)
        rewrite = best(lambda raw=raw: without_styles(raw), 50)
        print(
            f"{name:<14}{reference * 1000:>10.1f}ms{full * 1000:>8.1f}ms{rewrite * 1000:>8.2f}ms"
            f"{len(raw):>8}→{len(plain):<7}"
        )


if __name__ == "__main__":
    main()
