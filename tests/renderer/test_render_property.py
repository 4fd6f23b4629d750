"""Random content of every kind, any Unicode: the renderer never raises, Word files open."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.renderer import render_strategy

# Labels with characters DejaVu Sans lacks draw as boxes; charts.figures silences the
# warning, and pytest's own warning capture would bring it back.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")

# Any code point: controls, noncharacters, lone surrogates, astral planes.
any_char = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.sampled_from(["\x00", "\x0b", "\x1f", "\x7f", "\ufffe", "\uffff", "\U0001f600"]),
)
any_text = st.text(any_char, max_size=40)

# Markdown syntax fragments mixed with arbitrary text, so the parser meets every construct.
markdown_piece = st.one_of(
    any_text,
    st.sampled_from(
        [
            "\n",
            "\n\n",
            "- ",
            "  - ",
            "1. ",
            "7) ",
            "> ",
            "# ",
            "###### ",
            "**",
            "*",
            "_",
            "~~",
            "`",
            "```\n",
            "    ",
            "---\n",
            "|a|b|\n|-|-:|\n|1|2|\n",
            "[x](https://example.org/a b)",
            "[y](javascript:alert(1))",
            "![alt](http://img)",
            "<script>x</script>",
            "<b>",
            "&amp;",
            "\\",
            "  \n",
        ]
    ),
)
markdown = st.lists(markdown_piece, max_size=25).map("".join)

scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), any_text)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=10,
)


def maybe(strategy):
    """The field as it should be, or any JSON value (wrong types must not break it)."""
    return st.one_of(strategy, json_value)


swot = maybe(
    st.fixed_dictionaries(
        {},
        optional={
            key: maybe(st.lists(maybe(any_text), max_size=5))
            for key in ("strengths", "weaknesses", "opportunities", "threats")
        },
    )
)
objective = st.fixed_dictionaries(
    {}, optional={"id": maybe(any_text), "title": maybe(any_text), "description": maybe(any_text)}
)
goals = maybe(
    st.lists(
        maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": maybe(any_text),
                    "title": maybe(any_text),
                    "description": maybe(any_text),
                    "objectives": maybe(st.lists(maybe(objective), max_size=3)),
                },
            )
        ),
        max_size=3,
    )
)
date_text = st.one_of(st.dates().map(lambda d: d.isoformat()), any_text)
budget = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True, places=2).map(str),
    st.sampled_from(["1 234,50", "12.5", "-3", "1e400", "NaN"]),
    any_text,
)
action = st.fixed_dictionaries(
    {},
    optional={
        "id": maybe(any_text),
        "action": maybe(any_text),
        "objective_id": maybe(any_text),
        "owner": maybe(any_text),
        "start": maybe(date_text),
        "end": maybe(date_text),
        "budget_pln": maybe(budget),
        "funding_source": maybe(any_text),
        "kpi": maybe(any_text),
        "baseline": maybe(any_text),
        "target": maybe(any_text),
    },
)
kpi = st.fixed_dictionaries(
    {},
    optional={k: maybe(any_text) for k in ("id", "indicator", "unit", "baseline", "target", "year")},
)
section = st.one_of(
    st.fixed_dictionaries({"kind": st.just("text"), "content": maybe(markdown)}),
    st.fixed_dictionaries({"kind": st.just("swot"), "content": swot}),
    st.fixed_dictionaries({"kind": st.just("goals"), "content": goals}),
    st.fixed_dictionaries(
        {"kind": st.just("action_plan"), "content": maybe(st.lists(maybe(action), max_size=4))}
    ),
    st.fixed_dictionaries({"kind": st.just("kpi"), "content": maybe(st.lists(kpi, max_size=3))}),
    st.fixed_dictionaries({"kind": json_value, "content": json_value}),
).flatmap(
    lambda s: st.fixed_dictionaries(
        {**{k: st.just(v) for k, v in s.items()}, "title": maybe(any_text), "key": any_text}
    )
)
snapshot = st.fixed_dictionaries(
    {
        "language": st.sampled_from(["pl", "en", "xx", None]),
        "version": maybe(st.integers(0, 10**6)),
        "created_at": maybe(st.datetimes().map(lambda d: d.isoformat())),
        "final": st.booleans(),
        "cluster": maybe(
            st.fixed_dictionaries(
                {"name": maybe(any_text), "sector": maybe(any_text), "goal": maybe(any_text)}
            )
        ),
        "title": maybe(any_text),
        "stages": st.lists(
            st.fixed_dictionaries(
                {
                    "title": maybe(any_text),
                    "state": maybe(any_text),
                    "sections": st.lists(section, max_size=4),
                }
            ),
            max_size=3,
        ),
        "organisations": maybe(
            st.lists(
                maybe(st.fixed_dictionaries({"name": any_text, "kind": any_text, "city": any_text})),
                max_size=4,
            )
        ),
        "meetings": maybe(st.lists(json_value, max_size=3)),
        "signoffs": maybe(st.lists(json_value, max_size=3)),
    }
)

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def reopen(data: bytes) -> docx.document.Document:
    assert data[:2] == b"PK"
    document = docx.Document(io.BytesIO(data))
    for section in document.sections:
        section.header.paragraphs  # noqa: B018 - the header part must parse as well
    return document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshot)
def test_any_snapshot_renders_and_reopens(value):
    reopen(render_strategy(value))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_text, min_size=1, max_size=5))
def test_plain_text_survives_cleaned(words):
    """Text without Markdown syntax comes out as written, less what XML cannot hold."""
    plain = [re.sub(r"[^0-9A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ]", "", _NOT_XML.sub("", w)) for w in words]
    source = " ".join(p for p in plain if p) or "pusto"
    value = {"stages": [{"title": "Etap", "sections": [{"kind": "text", "title": "T", "content": source}]}]}
    document = reopen(render_strategy(value))
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]
    assert source in texts
