"""The Markdown dialect's cost is linear: work is bounded by the budget, text is never lost.

Time is not asserted (machines are shared and noisy). The work a parse does is counted
exactly instead: the Python function calls made while rendering, a deterministic
measure that grows with time spent. The goal of the hardening issue, as a count: no input
makes more than 3× the work per character that the demo strategies' text makes, on each
path that parses Markdown. ``bench/markdown.py`` has the times and the memory.
"""

from __future__ import annotations

import html
import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.markdown_corpus import corpus
from webapp.markdown import plain_text, render_markdown
from worker.renderer.document import build_document
from workflows import markup
from workflows.content import MAX_TEXT_CHARS

DEMO = Path(__file__).resolve().parents[2] / "webapp" / "demo" / "strategies"
SIZE = MAX_TEXT_CHARS
CORPUS = dict(corpus(SIZE))
ORDINARY = "ordinary (demo strategies)"
#: Legitimate content that costs more than prose by nature (cells), and is not an attack.
LEGITIMATE = {ORDINARY, "a real table, 15 KB", "a real table, 100 KB"}

#: A few shapes at full size, kept literal: (name, source).
PATHOLOGICAL = {
    "emphasis _": "_a" * (SIZE // 2),
    "open brackets": "[a" * (SIZE // 2),
    "line breaks": "a\n" * (SIZE // 2),
    "deep quotes": ">" * SIZE,
    "wide table": "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n" + "|b" * 5000,
}


def calls(fn: Callable[[str], Any], source: str) -> int:
    """Python function calls (and calls into C) made by ``fn(source)``."""
    count = 0

    def profile(_frame, event, _arg):  # noqa: ANN001, ANN202
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn(source)
    finally:
        sys.setprofile(None)
    return count


def one_section_document(text: str) -> bytes:
    section = {"key": "profile", "title": "Profil", "kind": "text", "content": text, "revision": 1}
    stage = {"key": "diagnosis", "title": "Diagnoza", "state": "drafting", "sections": [section]}
    snapshot = {"language": "pl", "version": 1, "cluster": {"slug": "b", "name": "K"}, "stages": [stage]}
    return build_document(snapshot, charts=False)


def docx_section(source: str) -> None:
    one_section_document(source)


PATHS: dict[str, Callable[[str], Any]] = {
    "page": render_markdown,
    "plain text": plain_text,
    "docx": docx_section,
}


@pytest.fixture(scope="module")
def ordinary_work() -> dict[str, float]:
    empty = calls(docx_section, "")
    source = CORPUS[ORDINARY]
    work = {name: calls(fn, source) / len(source) for name, fn in PATHS.items()}
    work["docx"] -= empty / len(source)
    return work | {"docx empty": empty}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("name", sorted(set(CORPUS) - LEGITIMATE))
def test_no_input_makes_more_than_three_times_the_work_of_ordinary_text(name, path, ordinary_work):
    source = CORPUS[name]
    made = calls(PATHS[path], source)
    if path == "docx":
        made -= ordinary_work["docx empty"]
    per_char = made / len(source)
    assert per_char <= 3 * ordinary_work[path], (name, path, per_char, ordinary_work[path])


@pytest.mark.parametrize("name", ["emphasis _ (dense)", "images ![[ (dense)", "list items (dense)"])
def test_unbounded_markdown_it_makes_far_more_work_on_the_same_input(name, ordinary_work):
    # The guard above can fail: plain markdown-it (4.3) on a fifth of the same input breaks it.
    raw = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    source = CORPUS[name][: SIZE // 5]
    assert calls(raw.render, source) / len(source) > 3 * ordinary_work["page"]


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_every_character_of_a_pathological_section_is_shown(name):
    source = PATHOLOGICAL[name][:5000] * 20  # the same shape, and fast to compare
    shown = html.unescape(re.sub(r"<[^>]+>", "", str(render_markdown(source))))
    for piece in {"a", "b", "_", "*", "[", "`"} & set(source):
        assert shown.count(piece) >= min(source.count(piece), 1), (name, piece)
    assert plain_text(source).strip()


def test_dense_text_is_shown_literally_and_never_as_markup():
    source = "_a" * 30_000
    rendered = str(render_markdown(source))
    assert "<em>" not in rendered
    assert rendered.count("_a") == 30_000


def demo_texts() -> list[str]:
    texts = []
    for path in sorted(DEMO.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [value for value in content.values() if isinstance(value, str)]
    return texts


def test_the_demo_strategies_are_parsed_exactly_as_markdown_it_parses_them():
    # The budget never touches real text: same tokens as the unbounded parser.
    bounded = markup.make_parser()
    raw = MarkdownIt("commonmark", {"html": False, "maxNesting": markup.MAX_NESTING}).enable(
        ["table", "strikethrough"]
    )
    texts = demo_texts()
    for text in texts:
        for big in (text, "\n\n".join(texts)):
            mine = markup.parse(bounded, big)
            assert mine is not None
            assert bounded.renderer.render(mine, bounded.options, {}) == raw.render(big)


def test_a_table_of_a_few_hundred_cells_is_a_table():
    rows = "".join(f"| Działanie {i} | Fundacja | 120 000 zł | 2015-06 |\n" for i in range(150))
    source = "| Działanie | Kto | Budżet | Kiedy |\n|---|---|---:|---|\n" + rows
    assert "<table" in str(render_markdown(source))


def test_a_paragraph_with_too_many_link_brackets_stays_literal_and_others_are_links():
    crowded = " ".join(f"[l{i}](https://example.org/{i})" for i in range(400))
    normal = "[MSODI](https://msodi.mazovia.pl)"
    rendered = str(render_markdown(crowded + "\n\n" + normal))
    assert rendered.count("<a ") == 1
    assert "[l0](https://example.org/0)" in rendered


def document_xml(source: str) -> str:
    with zipfile.ZipFile(io.BytesIO(one_section_document(source))) as package:
        return package.read("word/document.xml").decode()


def test_the_document_shows_a_dense_section_whole_and_as_typed():
    body = document_xml("_a" * 20_000 + "\n\n" + "a <b>\n" * 500)
    assert body.count("_a") == 20_000
    assert body.count("a &lt;b&gt;") == 500
    assert body.count("<w:i/>") == document_xml("x").count("<w:i/>")  # no italics from "_a_"
    # Too many lines to parse: the whole section as plain text, line by line.
    body = document_xml("a <b>\t*c*\n" * 5000)
    assert body.count("a &lt;b&gt;") == 5000
    assert body.count("<w:br/>") == 4999
    assert body.count("<w:tab/>") == 5000
    assert body.count("*c*") == 5000


def token_count(tokens) -> int:  # noqa: ANN001
    return sum(1 + token_count(t.children or []) for t in tokens)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="_*~[]()!`<>&#\\|-a \n", max_size=3000))
def test_any_mix_of_marks_makes_tokens_within_the_budget(source):
    tokens = markup.parse(markup.make_parser(), source)
    assert tokens is None or token_count(tokens) <= 8 * markup.budget(source)
