"""Polish alphabetical order in queries: ``ORDER BY polish(User.name)`` on both databases.

PostgreSQL compares with ICU's Polish collation (``pl-x-icu``, part of every PostgreSQL built
with ICU, Debian's and the official image's alike); SQLite with the collation ``pl`` that
every connection of the app's engine gets (`webapp.extensions`), made of
`workflows.collation.polish_key` (the same order, tested against ICU). Sorts done in Python
use that key too.
"""

from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import String

from workflows.collation import polish_key, polish_sorted

__all__ = ["polish", "polish_key", "polish_sorted"]

SQLITE_COLLATION = "pl"
POSTGRESQL_COLLATION = "pl-x-icu"


class polish(FunctionElement):  # noqa: N801 - reads as a SQL function in queries
    """A text column compared in Polish alphabetical order."""

    type = String()
    inherit_cache = True
    name = "polish"

    def __init__(self, column: ColumnElement) -> None:
        super().__init__(column)


@compiles(polish)
def _polish_default(element: polish, compiler, **kw) -> str:  # noqa: ANN001
    return f"{compiler.process(element.clauses, **kw)} COLLATE {SQLITE_COLLATION}"


@compiles(polish, "postgresql")
def _polish_postgresql(element: polish, compiler, **kw) -> str:  # noqa: ANN001
    return f'{compiler.process(element.clauses, **kw)} COLLATE "{POSTGRESQL_COLLATION}"'
