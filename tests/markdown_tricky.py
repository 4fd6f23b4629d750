"""Markdown the formatted editor must keep as written (tests/browser/test_wysiwyg.py).

Spellings its serializer would change (``*`` bullets, setext headings, padded tables),
constructs it does not know (raw HTML, images, reference links, footnote-like text), and
the dense shapes of ``tests/markdown_corpus.py`` cut small.
"""

from __future__ import annotations

from tests.markdown_corpus import DENSE, fit

TRICKY: tuple[tuple[str, str], ...] = (
    ("star bullets", "* jeden\n* dwa\n    * trzy\n"),
    ("plus bullets, loose", "+ jeden\n\n+ dwa\n"),
    ("numbered from 3", "3) trzeci\n4) czwarty\n"),
    ("setext headings", "Tytuł\n=====\n\nPodtytuł\n--------\n\nTekst."),
    ("closed ATX heading", "## Cele ##\n\ntekst"),
    ("raw HTML", '<div class="x">blok <b>HTML</b></div>\n\nZdanie z <span>tagiem</span> w środku.'),
    ("HTML comment", "<!-- uwaga redakcyjna -->\n\nAkapit."),
    ("image", 'Logo: ![logo klastra](https://example.org/logo.png "Logo")'),
    (
        "reference links",
        "Zob. [raport][r1] i [mapę][].\n\n"
        '[r1]: https://example.org/raport "Raport"\n[mapę]: https://example.org/mapa',
    ),
    ("autolink", "Pisz na <biuro@example.org> albo <https://example.org>."),
    ("hard breaks", "Pierwsza linia  \ndruga linia\\\ntrzecia"),
    ("escapes", "Gwiazdka \\* i podkreślnik \\_ oraz 5 \\> 3, a \\# to nie nagłówek."),
    ("entities", "&copy; 2026 &mdash; Fundacja &amp; Spółka &#8222;cytat&#8221;"),
    ("underscores", "__pogrubione__ i _kursywa_ oraz ___oba___"),
    (
        "table, unpadded, aligned",
        "|Działanie|Budżet|Rok|\n|:--|--:|:-:|\n|Stoisko|1 450 000 zł|2026|\n|A \\| B|2|x|",
    ),
    ("table without outer pipes", "a | b\n--- | ---\n1 | 2"),
    ("fenced code", "```text\n  wcięty *kod*\n```\n\n~~~\ntylda\n~~~"),
    ("indented code", "Akapit.\n\n    kod wcięty\n    druga linia\n\nDalej."),
    ("nested quote with list", "> Cytat\n>\n> > zagnieżdżony\n>\n> - punkt\n> - punkt 2"),
    ("rules", "Tekst\n\n***\n\n___\n\n- - -\n\nKoniec"),
    ("strike", "~~stare~~ nowe i ~pojedyncza~ tylda"),
    ("blank lines", "Pierwszy.\n\n\n\nDrugi po trzech pustych.\n\n\n"),
    ("no blank line before a list", "Lista:\n- a\n- b\nTekst za listą."),
    ("heading right after text", "Tekst\n### Nagłówek\nTekst pod nim."),
    ("trailing spaces", "Akapit ze spacjami na końcu.   \n\nNastępny.\t"),
    (
        "list with paragraphs",
        "1. Pierwszy\n\n   Drugi akapit punktu.\n\n2. Drugi\n   - zagnieżdżony\n     1. głębiej",
    ),
    ("footnote-like", "Tekst[^1].\n\n[^1]: Przypis, którego dialekt nie zna."),
    ("task list", "- [ ] do zrobienia\n- [x] zrobione"),
    ("link with title and parens", '[strona (PL)](https://example.org/a_(b) "Tytuł")'),
    ("emphasis inside words", "Wielo*krotne*słowo i snake_case_name."),
)


def tricky_corpus(size: int = 400) -> list[tuple[str, str]]:
    """The cases above, then each dense shape of the performance corpus at ``size`` chars."""
    return list(TRICKY) + [(f"dense {name}", fit(unit, size)) for name, unit in DENSE]
