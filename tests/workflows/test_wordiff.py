"""The formatted word diff: rendered Markdown with <ins>/<del> at word level, well nested."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from webapp.markdown import render_markdown
from workflows.wordiff import changed, formatted_diff, inline_diff, marked_source

VOID = {"br", "hr"}


class _Nesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True
        self.inserted: list[str] = []
        self.deleted: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.ok = False

    def handle_data(self, data: str) -> None:
        if "ins" in self.stack:
            self.inserted.append(data)
        if "del" in self.stack:
            self.deleted.append(data)
        else:
            self.text.append(data)


def _parse(html: str) -> _Nesting:
    parser = _Nesting()
    parser.feed(html)
    parser.close()
    return parser


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


CASES = [
    # (old, new, inserted words, deleted words, a tag the new formatting shows)
    ("Hello world.\n", "Hello big world.\n", ["big"], [], "p"),
    ("# Title\n\nBody.\n", "## Title\n\nBody.\n", [], [], "h2"),
    ("Some **bold** text.\n", "Some bold text here.\n", ["here"], [], "p"),
    ("Text\n", "Text with **new bold** words\n", ["with", "new", "bold", "words"], [], "strong"),
    ("- one\n- two\n", "- one\n- three\n- four\n", ["three", "four"], ["two"], "li"),
    ("P1\n\nP2\n", "P1\n", [], ["P2"], "p"),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n", "| a | b |\n|---|---|\n| 1 | 3 |\n", ["3"], ["2"], "td"),
    ("A [link](http://a.example) here.\n", "A [link](http://b.example) here.\n", [], [], "a"),
    ("1. first\n", "1. first\n2. second\n", ["second"], [], "ol"),
    ("> quoted\n", "> quoted again\n", ["again"], [], "blockquote"),
]


@pytest.mark.parametrize(("old", "new", "inserted", "deleted", "tag"), CASES)
def test_changes_are_marked_by_word_in_the_formatted_text(
    old: str, new: str, inserted: list[str], deleted: list[str], tag: str
) -> None:
    html = formatted_diff(old, new, render_markdown)
    parsed = _parse(html)
    assert parsed.ok, html
    assert _words(" ".join(parsed.inserted)) == inserted
    assert _words(" ".join(parsed.deleted)) == deleted
    assert f"<{tag}" in html
    # No Markdown marks are left as text where they formatted something.
    assert "**" not in html and "##" not in html
    # What is not deleted reads as the new text does.
    assert _words(" ".join(parsed.text)) == _words(" ".join(_parse(str(render_markdown(new))).text))


def test_a_link_keeps_its_new_address() -> None:
    html = formatted_diff("[x](http://a.example)\n", "[x](http://b.example)\n", render_markdown)
    assert 'href="http://b.example"' in html


def test_people_text_stays_escaped_and_marks_typed_by_them_are_dropped() -> None:
    html = formatted_diff("<script>x</script>", "<script>y</script>\ue000\ue002", render_markdown)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "\ue000" not in html and "\ue002" not in html
    assert "<del>x</del><ins>y</ins>" in html


def test_nothing_changed_has_no_marks() -> None:
    text = "# Heading\n\nSome *text* with a [link](https://example.org).\n"
    html = formatted_diff(text, text, render_markdown)
    assert "<ins>" not in html and "<del>" not in html
    assert html == str(render_markdown(text))
    assert not changed(text, text)
    assert changed(text, text + "More.\n")


def test_marks_cut_through_emphasis_and_stay_nested() -> None:
    html = formatted_diff("a **b c** d\n", "a **b x** d e\n", render_markdown)
    parsed = _parse(html)
    assert parsed.ok, html
    assert "<strong>" in html
    assert _words(" ".join(parsed.inserted)) == ["x", "e"]
    assert _words(" ".join(parsed.deleted)) == ["c"]


def test_inline_diff_escapes_plain_fields() -> None:
    assert inline_diff("budget <b>1</b>", "budget <b>2</b>") == (
        "budget &lt;b&gt;<del>1</del><ins>2</ins>&lt;/b&gt;"
    )


def test_marked_source_keeps_block_markers_outside_the_marks() -> None:
    assert marked_source("", "- new item\n") == "- \ue000new item\ue001\n"


def test_only_the_changed_blocks_and_their_neighbours_are_kept() -> None:
    old = "\n\n".join(f"Akapit {i}." for i in range(8)) + "\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
    new = old.replace("Akapit 4.", "Akapit 4 zmieniony.").replace("| 1 | 2 |", "| 1 | 3 |")
    html = formatted_diff(old, new, render_markdown, context=1)
    parsed = _parse(html)
    assert parsed.ok, html
    assert re.findall(r"Akapit \d", html) == ["Akapit 3", "Akapit 4", "Akapit 5"]
    assert html.count('class="diff-gap"') == 2  # paragraphs 0-2, and 6-7
    assert "<table" in html and "<li>b</li>" in html  # the table changed; the list is its neighbour
    assert _words(" ".join(parsed.inserted)) == ["zmieniony", "3"]
    # Without context the whole text shows.
    assert "Akapit 0" in formatted_diff(old, new, render_markdown)


def test_blocks_split_nested_html_at_the_top_level_only() -> None:
    from workflows.wordiff import blocks

    html = (
        "<p>a<br>b</p>\n<ul>\n<li><p>x</p><ul><li>y</li></ul></li>\n</ul>\n<hr>\n"
        "<table><tr><td>1</td></tr></table>"
    )
    assert blocks(html) == [
        "<p>a<br>b</p>",
        "<ul>\n<li><p>x</p><ul><li>y</li></ul></li>\n</ul>",
        "<hr>",
        "<table><tr><td>1</td></tr></table>",
    ]
