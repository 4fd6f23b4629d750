"""The Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

from contextvars import ContextVar

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

from workflows.collation import polish_compare

# Named constraints, so that Alembic can alter them later on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()

#: Set for requests and tasks that will write: on SQLite their transaction takes the
#: write lock up front (BEGIN IMMEDIATE), so a read-then-write can never be overtaken.
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


def configure_sqlite(engine: Engine) -> None:
    """Our SQLite connection settings, on the app's engine only (never on kombu's)."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
    # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Polish alphabetical order for ORDER BY polish(...) (webapp/collation.py).
    dbapi_connection.create_collation("pl", polish_compare)
    # Case folding beyond ASCII ("Ł" finds "ł") for searches (webapp/admin/listing.py); SQLite's
    # own lower() folds only A-Z.
    dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)


def _casefold(text: object) -> object:
    return text.lower() if isinstance(text, str) else text


def _sqlite_begin(conn) -> None:  # noqa: ANN001
    conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")
