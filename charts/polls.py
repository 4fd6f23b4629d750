"""A poll's results: one horizontal bar per option, stacked by kind of organisation.

Shared by the poll page, the projector (SVG) and the document's annex (PNG), like the
other charts: data and translated labels in, bytes out (see :mod:`charts.figures`).
Each stack carries its total as text and the legend names the kinds, so colour is never
the only cue; the pages put a table of the same numbers beside the chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from charts.figures import _FONT, _FONT_SIZE, PALETTE, _check, _count, _figure, _label, _number, _save, _title

#: One colour and one hatch per kind (the triple helix first), so print in grey still tells them apart.
_KIND_STYLE: tuple[tuple[str, str], ...] = (
    (PALETTE[0], ""),
    (PALETTE[1], "//"),
    (PALETTE[2], ".."),
    (PALETTE[7], "xx"),
)


def poll_results(
    rows: Sequence[tuple[str, Mapping[str, float]]],
    kind_labels: Mapping[str, str],
    fmt: str = "svg",
    *,
    title: str = "",
    large: bool = False,
) -> bytes:
    """``rows``: (option label, {kind: points}) in the order to draw, best first.

    ``kind_labels`` orders and names the kinds; ``large`` draws for a projector."""
    _check(fmt)
    kinds = list(kind_labels)
    size = _FONT_SIZE + (6 if large else 0)
    width = 12.0 if large else 7.0
    height = min(max(2.0, (0.7 if large else 0.45) * len(rows) + 1.4), 14.0)
    fig, ax = _figure(width, height)
    names = [_label(name) for name, _ in rows]
    positions = list(range(len(rows)))
    left = [0.0] * len(rows)
    for index, kind in enumerate(kinds):
        colour, hatch = _KIND_STYLE[index % len(_KIND_STYLE)]
        values = [_count(by_kind.get(kind)) for _, by_kind in rows]
        ax.barh(
            positions, values, left=left, color=colour, hatch=hatch or None, edgecolor="white", height=0.6
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in zip(positions, left, strict=True):
        ax.text(total, y, f" {_number(total)}", va="center", fontsize=size, family=_FONT)
    ax.set_yticks(positions, names, family=_FONT, fontsize=size)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=size - 2)
    ax.margins(x=0.1)
    handles = [
        Patch(
            facecolor=_KIND_STYLE[i % len(_KIND_STYLE)][0], hatch=_KIND_STYLE[i % len(_KIND_STYLE)][1] or None
        )
        for i in range(len(kinds))
    ]
    ax.legend(
        handles,
        [_label(kind_labels[k]) for k in kinds],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=min(len(kinds), 2 if large else 4),  # large type: two per row, none cut off
        frameon=False,
        fontsize=size - 1,
    )
    if title:
        fig.suptitle(_label(title, 90), fontsize=size + 2, family=_FONT)
    else:
        _title(ax, "")
    return _save(fig, fmt)
