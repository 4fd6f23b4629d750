"""Benchmark: the formatted word diff (workflows.wordiff) next to rendering the same text.

Run: ``.venv/bin/python bench/wordiff.py`` (from the project root; ``--size N`` for
another length than 100,000 characters, the section's maximum).

A section page shows each open proposal as a formatted diff against the current text, and
the history's diff page shows one too: both should cost about what rendering the text
costs (a word diff of the changed lines, then one render of the combined source). Printed:
milliseconds for a few changes, for every paragraph changed, and for the plain render.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp.markdown import render_markdown  # noqa: E402
from workflows.wordiff import formatted_diff  # noqa: E402

PARAGRAPH = (
    "Klaster **KREA** skupia studia projektowe, agencje interaktywne i drukarnie; łączy je "
    "jeden cel: wzrost znaczenia usług kreatywnych w gospodarce regionu.\n\n- wzornictwo\n- druk\n\n"
)


def best_of(repeats: int, action) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    old = (PARAGRAPH * (args.size // len(PARAGRAPH) + 1))[: args.size]
    few = old.replace("jeden cel", "wspólny cel", 20)
    every = old.replace("drukarnie", "drukarnie oraz fotografów")
    render = best_of(args.repeats, lambda: render_markdown(old))
    print(f"{len(old):,} characters, best of {args.repeats}")
    print(f"render only          {render:8.1f} ms")
    for label, new in (("diff, 20 changes", few), ("diff, every paragraph", every)):
        took = best_of(args.repeats, lambda new=new: formatted_diff(old, new, render_markdown))
        print(f"{label:<20} {took:8.1f} ms  ({took / render:.1f}× the render)")


if __name__ == "__main__":
    main()
