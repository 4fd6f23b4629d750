"""Every file the documentation cites is in the repository.

The Markdown files (README.md, docs/*.md) and the docstrings and comments of the code
name files: `docs/api.md`, `webapp/access.py`, links `[text](path)`. A name that points
at nothing (a file renamed or removed, or one that lives outside the repository) sends
the reader nowhere, so each one must resolve to a file or folder of the repository.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Where the code's prose is read, and the folders a name may be relative to (a docstring
#: in webapp/ says `auth/reauth.py`, a template is named from templates/).
CODE_DIRS = ("webapp", "workflows", "worker", "charts", "tests")
BASES = ("", *CODE_DIRS, "templates")
SKIP_PARTS = {".venv", "__pycache__", ".git", "node_modules"}

#: The endings that make a word a file name rather than a dotted module or a field.
EXTENSIONS = "md|py|pyi|yaml|yml|txt|toml|cfg|ini|html|jinja|json|sh|po|pot|css|js|svg|csv|ics"
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+")
_LINK = re.compile(r"\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_PATH = re.compile(
    r"(?<![\w/.\-*])"  # not inside a longer word, an absolute path or a glob
    r"((?:\.{1,2}/)*(?:[\w.\-]+/)*[\w\-][\w.\-]*\.(?:" + EXTENSIONS + r"))"
    r"(?![\w/\-])"
)
#: Folders: any named from the file's parent upwards, or two levels deep (`webapp/demo/`);
#: a bare `instance/` may be a folder made at run time.
_FOLDER = re.compile(r"(?<![\w/.\-*])((?:\.{1,2}/)+(?:[\w.\-]+/)*|(?:[\w\-][\w.\-]*/){2,})(?![\w\-*<])")


@dataclass(frozen=True)
class Reference:
    target: str
    #: A Markdown link resolves from the file's folder only; a named path from any base.
    link: bool = False


def references_in_text(text: str) -> list[Reference]:
    """File names in prose: anything with a folder in it, and any Markdown file's name."""
    text = _URL.sub(" ", text)
    found = []
    for match in _PATH.finditer(text):
        target = match.group(1)
        if "/" in target or target.endswith(".md"):
            found.append(Reference(target))
    found += [Reference(match.group(1)) for match in _FOLDER.finditer(text)]
    return found


def references_in_markdown(text: str) -> list[Reference]:
    links = []
    for match in _LINK.finditer(text):
        target = match.group(1)
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL, a mail address or an anchor on the same page
        links.append(Reference(target.split("#", 1)[0], link=True))
    return links + references_in_text(_LINK.sub(" ", text))


def python_prose(source: str) -> str:
    """The comments and docstrings of a module, not its string values."""
    parts = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                parts.append(docstring)
    return "\n".join(parts)


def resolves(reference: Reference, citing: Path, root: Path = ROOT) -> bool:
    """Does the name lead to a file or folder inside `root`?"""
    target = reference.target
    if not target:
        return True  # "[x](#anchor)" after its anchor was cut
    bases = [citing.parent] if reference.link else [citing.parent, *(root / b for b in BASES)]
    for base in bases:
        path = (base / target).resolve()
        if path.is_relative_to(root) and path.exists():
            return True
    return False


def broken_references(citing: Path, text: str, root: Path = ROOT) -> list[str]:
    refs = references_in_markdown(text) if citing.suffix == ".md" else references_in_text(text)
    return sorted({r.target for r in refs if not resolves(r, citing, root)})


def _documents() -> list[Path]:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    code = [
        path
        for folder in CODE_DIRS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not SKIP_PARTS & set(path.relative_to(ROOT).parts)
    ]
    return docs + code


def _prose(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text if path.suffix == ".md" else python_prose(text)


# --- the detector itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "broken"),
    [
        ("README.md", "The contract is in CONTRACT.md.", ["CONTRACT.md"]),
        ("README.md", "See `../shared/seed/README.md`.", ["../shared/seed/README.md"]),
        ("README.md", "Read [the API](docs/no-such-page.md#errors).", ["docs/no-such-page.md"]),
        ("docs/x.md", "Up: [readme](../README.md), [design](design.md).", []),
        ("docs/x.md", "A link resolves from its own folder: [api](docs/api.md).", ["docs/api.md"]),
        ("README.md", "`docs/api.md`, `webapp/access.py`, `workflows/definitions/*.yaml`.", []),
        ("README.md", "`webapp/foo.py` and `docs/x.md` are not there.", ["docs/x.md", "webapp/foo.py"]),
        ("README.md", "Demo data in `webapp/demo/`, files in `instance/`.", []),
        (
            "README.md",
            "Demo data in `webapp/nothing/`, seed in ../shared/ too.",
            ["../shared/", "webapp/nothing/"],
        ),
        ("README.md", "http://127.0.0.1:5000/api/v1/openapi.json and /etc/hosts.txt", []),
        ("README.md", "Files: `makros.json`, `FILE.docx`; modules: webapp.api.schemas.", []),
        ("webapp/x.py", '"""Shapes (DESIGN.md, "Co-editing")."""\n', ["DESIGN.md"]),
        ("webapp/x.py", "x = 1  # see webapp/nowhere.py\n", ["webapp/nowhere.py"]),
        ("webapp/x.py", "def f():\n    '''Applies `auth/reauth.py`.'''\n", []),
        ("webapp/x.py", 'PAGE = "errors/error.html"\nOTHER = "docs/none.md"\n', []),
    ],
)
def test_the_detector(name: str, text: str, broken: list[str]) -> None:
    """Made-up citations are found, real ones and things that are no citation are not."""
    citing = ROOT / name
    prose = text if citing.suffix == ".md" else python_prose(text)
    assert broken_references(citing, prose) == broken


def test_a_name_outside_the_repository_is_broken_even_if_it_exists(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "DESIGN.md").write_text("outside")
    repo = tmp_path / "repo"
    repo.mkdir()
    assert broken_references(repo / "README.md", "See ../shared/DESIGN.md.", repo) == ["../shared/DESIGN.md"]


def test_the_documents_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _documents()}
    assert {"README.md", "docs/architecture.md", "docs/api.md", "webapp/errors.py"} <= names


# --- the repository -------------------------------------------------------------------------


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_cited_file_exists(path: Path) -> None:
    assert broken_references(path, _prose(path)) == []
