"""The agency's long lists (people, organisations): a search over a few columns and pages of a fixed
size, read from the query string (`?q=…&page=…`). Counting and cutting happen in the database, so a
directory of thousands of people costs one page of rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, String, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from webapp.extensions import db
from webapp.inputs import query_int

PAGE_SIZE = 50
MAX_SEARCH = 100  # characters of a search; longer text is cut, never refused


@dataclass
class Listing:
    rows: list[Any]
    search: str
    page: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        """The number of the first row shown (1-based), 0 when there is none."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


class folded(FunctionElement):  # noqa: N801 - reads as a SQL function in queries
    """A text column in lower case for searching, beyond ASCII ("Ł" finds "ł"): ICU's lower() on
    PostgreSQL, the `casefold` function every SQLite connection of the app gets (webapp/extensions.py)."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_sqlite(element: folded, compiler, **kw) -> str:  # noqa: ANN001
    return f"casefold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler, **kw) -> str:  # noqa: ANN001
    # ICU's Polish case mapping, whatever the database's own LC_CTYPE (a "C" one maps A-Z only).
    return f'lower({compiler.process(element.clauses, **kw)} COLLATE "pl-x-icu")'


def search_text() -> str:
    return " ".join(request.args.get("q", "").split())[:MAX_SEARCH]


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def paged(statement: Select, columns: Sequence[Any], *, scalars: bool = True) -> Listing:
    """One page of ``statement``'s rows whose ``columns`` contain every word searched for (case
    folded), with the count of all matching rows. A page past the end shows the last one."""
    search = search_text()
    for word in search.split():
        pattern = f"%{_escaped(word.lower())}%"
        statement = statement.where(or_(*(folded(c).like(pattern, escape="\\") for c in columns)))
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(request.args.get("page", default=1, type=query_int), 1), pages)  # unreadable: 1
    cut = statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    rows = list(db.session.scalars(cut)) if scalars else list(db.session.execute(cut).all())
    return Listing(rows, search, page, pages, total)
