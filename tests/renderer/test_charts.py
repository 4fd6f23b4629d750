"""The shared charts: valid SVG/PNG, the same bytes for the same data, safe in threads."""

from __future__ import annotations

import io
import struct
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from lxml import etree
from PIL import Image

from charts import activity, bar_chart, gantt, organisation_mix, stage_progress

KIND_LABELS = {
    "enterprise": "Przedsiębiorstwa",
    "business_support": "Instytucje otoczenia biznesu",
    "science": "Jednostki naukowe",
    "other": "Inne",
}
STATE_LABELS = {
    "locked": "zablokowany",
    "drafting": "w przygotowaniu",
    "in_review": "w recenzji",
    "approved": "zatwierdzony",
}


def plan(n: int) -> list[tuple[str, date | None, date | None]]:
    start = date(2027, 1, 1)
    return [
        (f"{i}. Działanie żółć", start + timedelta(days=7 * i), start + timedelta(days=7 * i + 60))
        for i in range(n)
    ]


CHARTS = {
    "organisation_mix": lambda fmt: organisation_mix(
        {"enterprise": 12, "science": 3, "business_support": 4},
        KIND_LABELS,
        fmt,
        title="Członkowie",
    ),
    "bar_chart": lambda fmt: bar_chart([("MAKROS", 30), ("e-Medycyna", 12.5)], "Uczestnicy", fmt),
    "stage_progress": lambda fmt: stage_progress(
        [("MAKROS", ["approved", "in_review", "drafting", "locked"]), ("KREA", ["odd"])],
        STATE_LABELS,
        fmt,
        stage_labels=["Diagnoza", "Cele", "Działania", "Zatwierdzenie"],
    ),
    "activity": lambda fmt: activity(
        [(f"2026-W{i:02d}", i % 5, i % 3) for i in range(20)],
        {"revisions": "Wersje", "comments": "Komentarze", "title": "Aktywność"},
        fmt,
    ),
    "gantt": lambda fmt: gantt(plan(12), "Harmonogram działań", fmt),
}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_svg_valid_and_deterministic(name):
    first, second = CHARTS[name]("svg"), CHARTS[name]("svg")
    assert first == second
    root = etree.fromstring(first)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"<dc:date>" not in first  # no timestamp in the metadata


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_svg_carries_no_css_so_the_policy_may_forbid_styles(name):
    root = etree.fromstring(CHARTS[name]("svg"))
    styled = [el.tag for el in root.iter() if isinstance(el.tag, str) and "style" in el.attrib]
    assert styled == []
    assert root.findall(".//{http://www.w3.org/2000/svg}style") == []
    fills = {el.get("fill") for el in root.iter() if isinstance(el.tag, str)}
    assert "#ffffff" in fills, "the colours moved to attributes, not away"
    assert root.get("stroke-linejoin") == "round", "the sheet's rule lives on the root"


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_png_valid_and_deterministic(name):
    first, second = CHARTS[name]("png"), CHARTS[name]("png")
    assert first == second
    with Image.open(io.BytesIO(first)) as image:
        image.verify()
    width, height = png_size(first)
    assert width > 100 and height > 100


def test_polish_labels_stay_text_in_svg():
    svg = CHARTS["organisation_mix"]("svg").decode("utf-8")
    assert "Przedsiębiorstwa" in svg and "Członkowie" in svg


def test_colour_blind_safe_palette_is_used():
    svg = CHARTS["organisation_mix"]("svg").decode("utf-8").upper()
    assert "#0072B2" in svg and "#E69F00" in svg


def test_gantt_skips_rows_without_dates_and_grows_capped():
    rows = plan(3) + [("no dates", None, None), ("half", date(2027, 1, 1), None)]
    assert gantt(rows, "H") == gantt(plan(3), "H")
    small, medium, huge = (png_size(gantt(plan(n), "H"))[1] for n in (3, 30, 1000))
    assert small < medium < huge
    assert huge == png_size(gantt(plan(2000), "H"))[1]  # capped


def test_empty_data_still_draws():
    for fmt in ("svg", "png"):
        assert organisation_mix({}, {}, fmt)
        assert bar_chart([], "", fmt)
        assert stage_progress([], {}, fmt)
        assert activity([], {}, fmt)
        assert gantt([], "", fmt)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        bar_chart([("a", 1)], "t", "gif")


def test_unprintable_labels_are_dropped():
    svg = bar_chart([("a\ud800b\x00c", 1)], "t\x7f", "svg")
    assert b"abc" in svg


def test_threads_draw_the_same_bytes():
    expected = {name: make("png") for name, make in CHARTS.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda name: (name, CHARTS[name]("png")), sorted(CHARTS)))
    for name, data in results:
        assert data == expected[name]


# --- user text is data: no mathtext, no markup -----------------------------------------

#: Labels that matplotlib's mathtext would parse (and often fail on), and odd unicode.
HOSTILE = [
    r"$\frac{a}{b}$",
    "$$",
    "$x$ i $y",
    "\\",
    r"\$x$",
    "a_b^c $_$",
    r"$\foo$",
    "_ukryta",
    "^{}~%#&{",
    "Żółć 𝕏 e\u0301",
    "\u202eRTL\u202c 👩\u200d💻",
]
LONG = "$" + "\\frac{x}{y}$ " * 40


def _texts(svg: bytes) -> list[str]:
    """The text of every <text> element, as a reader or a screen reader meets it."""
    root = etree.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]


def _hostile_charts(label: str) -> dict:
    start = date(2027, 1, 1)
    return {
        "organisation_mix": lambda fmt: organisation_mix(
            {"enterprise": 2, label: 1}, {"enterprise": label}, fmt, title=label
        ),
        "bar_chart": lambda fmt: bar_chart([(label, 3), ("b", 1)], label, fmt),
        "stage_progress": lambda fmt: stage_progress(
            [(label, ["approved", label])], {"approved": label}, fmt, stage_labels=[label, label]
        ),
        "activity": lambda fmt: activity(
            [(label, 1, 2), ("w2", 3, 0)],
            {"revisions": label, "comments": label, "title": label},
            fmt,
        ),
        "gantt": lambda fmt: gantt([(label, start, start + timedelta(days=30))], label, fmt),
    }


@pytest.mark.parametrize("label", HOSTILE, ids=range(len(HOSTILE)))
def test_user_text_is_drawn_literally_never_as_mathematics(label):
    expected = " ".join(label.split())
    for name, make in _hostile_charts(label).items():
        texts = _texts(make("svg"))
        # every place the chart puts the label (title, ticks, cells, legend, Gantt rows)
        assert texts.count(expected) >= 2, (name, label, texts)
        assert make("png")[:8] == b"\x89PNG\r\n\x1a\n", name


def test_long_user_text_is_cut_but_stays_literal():
    for name, make in _hostile_charts(LONG).items():
        cut = [t for t in _texts(make("svg")) if t.startswith("$\\frac{x}{y}$")]
        assert cut and all(t.endswith("…") for t in cut), (name, cut)
        assert make("png")
