"""Chart functions: data and translated labels in, SVG or PNG bytes out.

Why this shape: the statistics pages and the DOCX renderer must draw the same charts, in
web workers and Celery workers alike, so every function is pure, builds its own
``matplotlib.figure.Figure`` (no pyplot and its global state, hence thread-safe) and
returns bytes. Output is deterministic (fixed SVG hash salt, no dates in metadata) so the
same data gives the same bytes, which keeps document versions reproducible. Colours come
from the Okabe-Ito palette (safe for colour-blind readers) and every chart also carries
its values as text (bar labels, cell labels, markers), so colour is never the only cue.
No user-visible word is written here: callers pass labels already translated.

Every label passes through :func:`_label`: matplotlib reads text between two ``$`` as
mathematics (mathtext), so a meeting or an action named ``$$`` would fail the chart and
the document holding it. User text is data; it is drawn as written.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import matplotlib
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from charts.svg import without_styles

# Deterministic SVG ids and real <text> elements (selectable, readable by screen readers).
# Set once at import: every caller wants the same values, so this global is benign.
matplotlib.rcParams["svg.hashsalt"] = "cluster-strategy-charts"
matplotlib.rcParams["svg.fonttype"] = "none"
# Labels are never TeX, whatever a matplotlibrc on the machine says.
matplotlib.rcParams["text.usetex"] = False

#: Okabe-Ito colours, distinguishable with the common kinds of colour blindness.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
)

#: Colours of workflow stage states; unknown states are drawn white with a hatch.
STATE_COLOURS: Mapping[str, str] = {
    "locked": "#DDDDDD",
    "drafting": "#56B4E9",
    "in_review": "#E69F00",
    "approved": "#009E73",
    "needs_review": "#F0E442",
}

# Characters no font draws (controls) or no encoder writes (lone surrogates).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A missing glyph draws as a box; the warning about it is noise for user-given labels.
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)

_FONT = "DejaVu Sans"  # ships with matplotlib; covers Polish letters
_FONT_SIZE = 10
_TEXT = "#222222"
_FORMATS = ("svg", "png")
_PNG_DPI = 150
_MAX_LABEL = 48
_GANTT_WIDTH = 7.5  # inches: a portrait text width at ~85 % scale, so labels stay ~8 pt
_GANTT_MAX_HEIGHT = 10.5  # inches: the figure keeps to one portrait page
_GANTT_MAX_LABELS = 40


def _figure(width: float, height: float, *, layout: str | None = "constrained") -> tuple[Figure, Axes]:
    """A fresh figure bound to an Agg canvas (no pyplot, so safe in any thread)."""
    fig = Figure(figsize=(width, height), dpi=100, layout=layout)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.tick_params(labelsize=_FONT_SIZE, colors=_TEXT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _check(fmt: str) -> None:
    """Refuse an unknown format before any drawing work."""
    if fmt not in _FORMATS:
        raise ValueError(f"unsupported chart format {fmt!r}; use one of {_FORMATS}")


def _save(fig: Figure, fmt: str) -> bytes:
    """Serialise without timestamps, so the same data yields the same bytes."""
    _check(fmt)
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
        return without_styles(buf.getvalue())
    else:
        fig.savefig(buf, format="png", dpi=_PNG_DPI, metadata={"Software": None})
    return buf.getvalue()


def _label(label: object, limit: int = _MAX_LABEL) -> str:
    """The one way user text becomes a label: one line of at most ``limit`` characters,
    without controls or lone surrogates, drawn literally.

    Why escaping and not ``parse_math=False``: that is a property of each Text object, and
    tick labels and legend entries are made by matplotlib, not here. A ``\\$`` is drawn as
    ``$`` and keeps the text from counting as mathematics, for every kind of Text.
    """
    text = " ".join(_UNPRINTABLE.sub("", str(label)).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _title(ax: Axes, title: str) -> None:
    if title:
        ax.set_title(_label(title, 90), fontsize=_FONT_SIZE + 2, color=_TEXT, family=_FONT)


def _number(value: float) -> str:
    """Locale-neutral number: integers without decimals, others with one."""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"


def _hbars(
    items: Sequence[tuple[str, float]], title: str, colours: Sequence[str], fmt: str, width: float = 7.0
) -> bytes:
    height = min(max(1.6, 0.42 * len(items) + 0.9), 12.0)
    fig, ax = _figure(width, height, layout=None)  # manual margins: cheaper, same result
    # DejaVu Sans at this size is about 0.085 in per character on average; names longer than the
    # room beside the bars are cut (with "…"), never clipped at the figure's edge.
    room = 3.6 * width / 7.0
    names = [_label(name, min(_MAX_LABEL, int((room - 0.35) / 0.085))) for name, _ in items]
    values = [float(v) for _, v in items]
    label_inches = min(room, 0.35 + 0.085 * max([len(n) for n in names] + [0]))
    fig.subplots_adjust(
        left=label_inches / width,
        right=0.95,
        top=1 - (0.45 if title else 0.15) / height,
        bottom=0.4 / height,
    )
    positions = list(range(len(items)))
    bars = ax.barh(positions, values, color=list(colours)[: len(items)] or None, height=0.6)
    ax.set_yticks(positions, names, family=_FONT)
    ax.set_ylim(max(len(items), 1) - 0.5, -0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.bar_label(bars, labels=[_number(v) for v in values], padding=3, fontsize=_FONT_SIZE)
    ax.margins(x=0.12)
    _title(ax, title)
    return _save(fig, fmt)


def organisation_mix(
    counts: Mapping[str, int],
    labels: Mapping[str, str],
    fmt: str = "svg",
    *,
    title: str = "",
    width: float = 7.0,
) -> bytes:
    """Horizontal bars of organisations by kind, in the order of ``labels``.

    Kinds present in ``counts`` but not in ``labels`` follow, named by their key.
    """
    _check(fmt)
    kinds = [k for k in labels if k in counts] + sorted(k for k in counts if k not in labels)
    items = [(labels.get(k, k), _count(counts.get(k))) for k in kinds]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(items))]
    return _hbars(items, title, colours, fmt, width)


def bar_chart(
    values: Sequence[tuple[str, float]], title: str, fmt: str = "svg", *, width: float = 7.0
) -> bytes:
    """Horizontal bars (long names stay legible), e.g. participants per cluster. ``width`` in
    inches: a narrow figure (about 4) stays legible on a phone."""
    _check(fmt)
    items = [(str(name), _count(value)) for name, value in values]
    return _hbars(items, title, [PALETTE[0]] * len(items), fmt, width)


def _count(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def stage_progress(
    rows: Sequence[tuple[str, Sequence[str]]],
    state_labels: Mapping[str, str],
    fmt: str = "svg",
    *,
    stage_labels: Sequence[str] | None = None,
    title: str = "",
) -> bytes:
    """A grid: one row per cluster, one cell per stage, coloured and labelled by state."""
    _check(fmt)
    columns = max([len(states) for _, states in rows] + [len(stage_labels or ()), 1])
    fig, ax = _figure(max(6.0, 1.6 * columns + 2.5), min(max(1.6, 0.55 * len(rows) + 1.2), 12))
    for y, (_, states) in enumerate(rows):
        for x, state in enumerate(states):
            colour = STATE_COLOURS.get(state)
            ax.add_patch(
                Rectangle(
                    (x, y),
                    1,
                    1,
                    facecolor=colour or "white",
                    hatch=None if colour else "//",
                    edgecolor="white" if colour else "#777777",
                    linewidth=2,
                )
            )
            ax.text(
                x + 0.5,
                y + 0.5,
                _label(state_labels.get(state, state), 22),
                ha="center",
                va="center",
                fontsize=_FONT_SIZE - 1,
                color="#000000",
                family=_FONT,
            )
    ax.set_xlim(0, columns)
    ax.set_ylim(max(len(rows), 1), 0)
    ax.set_yticks([y + 0.5 for y in range(len(rows))], [_label(name) for name, _ in rows])
    names = list(stage_labels) if stage_labels else [str(i + 1) for i in range(columns)]
    names += [str(i + 1) for i in range(len(names), columns)]
    ax.set_xticks([x + 0.5 for x in range(columns)], [_label(n, 20) for n in names[:columns]])
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _title(ax, title)
    return _save(fig, fmt)


def activity(
    weeks: Sequence[tuple[str, int, int]],
    labels: Mapping[str, str],
    fmt: str = "svg",
    *,
    width: float = 8.0,
) -> bytes:
    """Revisions and comments per period (weeks, or the months with activity) as pairs of bars, told
    apart by colour and hatch, each with its value. Bars, not lines: periods need not be consecutive,
    and no line should pretend to run across the quiet months between them.

    ``labels`` keys: ``revisions``, ``comments`` (legend), optional ``title``. ``width`` in inches: a
    narrow figure (about 4) keeps its text legible on a phone, where the picture is not scaled down.
    """
    _check(fmt)
    fig, ax = _figure(width, 3.6 if width >= 6 else 3.2)
    xs = list(range(len(weeks)))
    bar = 0.4
    revisions = ax.bar(
        [x - bar / 2 for x in xs], [_count(w[1]) for w in weeks], bar, color=PALETTE[0], edgecolor="white"
    )
    comments = ax.bar(
        [x + bar / 2 for x in xs],
        [_count(w[2]) for w in weeks],
        bar,
        color=PALETTE[5],
        edgecolor="white",
        hatch="//",
    )
    if len(weeks) <= 16:  # values on the bars while they fit; the page's table has them all
        for bars in (revisions, comments):
            values = [_number(b.get_height()) if b.get_height() else "" for b in bars]
            ax.bar_label(bars, labels=values, fontsize=_FONT_SIZE - 1)
    # Labels never crowd: at most about one per inch of width, slanted when several.
    step = max(1, math.ceil(len(weeks) / max(2, int(width * 1.1))))
    ax.set_xticks(xs[::step], [_label(w[0], 12) for w in weeks][::step], family=_FONT)
    if len(xs[::step]) > 4:
        for tick in ax.get_xticklabels():
            tick.set_rotation(35)
            tick.set_horizontalalignment("right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.margins(y=0.15)
    # Entries given explicitly: a label of the bars themselves starting with "_" would
    # be left out of the legend by matplotlib.
    entries = [
        (handle, _label(labels.get(key, "")))
        for handle, key in ((revisions, "revisions"), (comments, "comments"))
        if labels.get(key)
    ]
    if weeks and entries:
        handles, texts = zip(*entries, strict=True)
        ax.legend(handles, texts, frameon=False, fontsize=_FONT_SIZE, loc="upper left", ncols=2)
    _title(ax, labels.get("title", ""))
    return _save(fig, fmt)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def gantt(rows: Sequence[tuple[str, date, date]], title: str, fmt: str = "png") -> bytes:
    """The action plan on a time line; rows without both dates are skipped.

    The figure grows with the rows up to a portrait page (capped); past ~40 rows only
    every n-th row is named, so labels never overlap.
    """
    _check(fmt)
    bars: list[tuple[str, date, date]] = []
    for label, start, end in rows:
        first, last = _as_date(start), _as_date(end)
        if first is None or last is None:
            continue
        bars.append((str(label), min(first, last), max(first, last)))
    height = min(max(2.2, 0.22 * len(bars) + 1.2), _GANTT_MAX_HEIGHT)
    # Margins by hand and labels as plain texts: the constrained layout and tick objects
    # cost more than the drawing itself when there are many rows.
    fig, ax = _figure(_GANTT_WIDTH, height, layout=None)
    step = max(1, math.ceil(len(bars) / _GANTT_MAX_LABELS))
    named = range(0, len(bars), step)
    labels = [_label(bars[i][0], 36) for i in named]
    label_inches = min(2.9, 0.25 + 0.068 * max([len(t) for t in labels] + [0]))
    fig.subplots_adjust(
        left=label_inches / _GANTT_WIDTH,
        right=0.97,
        top=1 - (0.45 if title else 0.15) / height,
        bottom=0.4 / height,
    )
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    if bars:
        # One collection instead of a patch per bar: drawing stays fast with 1,000 rows.
        boxes = []
        for y, (_, first, last) in enumerate(bars):
            x0 = mdates.date2num(first)
            x1 = x0 + (last - first).days + 1
            boxes.append(((x0, y - 0.35), (x0, y + 0.35), (x1, y + 0.35), (x1, y - 0.35)))
        ax.add_collection(PolyCollection(boxes, facecolors=PALETTE[0], edgecolors="none"))
        low = min(b[1] for b in bars)
        high = max(b[2] for b in bars)
        pad = max(1.0, ((high - low).days + 1) * 0.02)
        ax.set_xlim(mdates.date2num(low) - pad, mdates.date2num(high) + 1 + pad)
        ax.set_ylim(len(bars) - 0.5, -0.5)
        to_axes = ax.get_yaxis_transform()  # x in axes fraction, y in data
        for y, text in zip(named, labels, strict=True):
            ax.text(
                -0.01,
                y,
                text,
                transform=to_axes,
                ha="right",
                va="center",
                fontsize=_FONT_SIZE - 1,
                color=_TEXT,
                family=_FONT,
            )
        pattern = "%Y-%m" if (high - low).days > 90 else "%Y-%m-%d"
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: mdates.num2date(x).strftime(pattern)))
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
        ax.set_axisbelow(True)
    else:
        ax.set_xticks([])
    _title(ax, title)
    return _save(fig, fmt)
