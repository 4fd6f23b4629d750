"""Fixtures: a demo-loaded database per backend (SQLite, PostgreSQL), cloned per test."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="studio-tests-"))
os.environ["DATA_DIR"] = str(_DATA_DIR)
os.environ["DEMO_PASSWORD"] = "demo-password-for-tests"
os.environ.setdefault("SECRET_KEY", "tests-secret-key")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

from flask_migrate import upgrade  # noqa: E402

from tests import services  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.config import engine_options  # noqa: E402
from webapp.extensions import db  # noqa: E402

DEMO_PASSWORD = os.environ["DEMO_PASSWORD"]
BACKENDS = [b for b in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def make_app(database_url: str, **overrides: object):  # noqa: ANN201
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        **overrides,
    }
    return create_app(config)


def build_database(database_url: str, demo: bool = True) -> None:
    """Migrate an empty database to head (and load the demo), as `make run` does."""
    from webapp.demo.load import load_demo

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        if demo:
            load_demo()
            db.session.commit()
        db.engine.dispose()


class Golden:
    """The demo-loaded databases, built once per run and cloned for each test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.built: dict[str, str] = {}

    def source(self, backend: str) -> str:
        if backend not in self.built:
            if backend == "sqlite":
                path = self.workdir / "golden.sqlite3"
                build_database(f"sqlite:///{path}")
                self.built[backend] = str(path)
            else:
                name = f"studio_golden_{os.getpid()}"
                build_database(services.create_database(name))
                self.built[backend] = name
        return self.built[backend]

    def clone(self, backend: str, workdir: Path) -> tuple[str, str]:
        """A private copy: (database URL, PostgreSQL database name or '')."""
        source = self.source(backend)
        if backend == "sqlite":
            target = workdir / "studio.sqlite3"
            shutil.copyfile(source, target)
            return f"sqlite:///{target}", ""
        name = f"studio_t_{uuid.uuid4().hex[:12]}"
        return services.create_database(name, template=source), name

    def cleanup(self) -> None:
        if "postgresql" in self.built:
            services.drop_database(self.built["postgresql"])


@pytest.fixture(scope="session")
def golden(tmp_path_factory):  # noqa: ANN201
    store = Golden(tmp_path_factory.mktemp("golden"))
    yield store
    store.cleanup()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:  # noqa: ANN001
    return request.param


@pytest.fixture
def database_url(backend: str, golden: Golden, tmp_path: Path):  # noqa: ANN201
    url, pg_name = golden.clone(backend, tmp_path)
    yield url
    if pg_name:
        services.drop_database(pg_name)


@pytest.fixture
def app(database_url: str):  # noqa: ANN201
    """The app; no context is kept pushed, so each test-client request gets its own
    (its own `g`, its own database session), as in production."""
    application = make_app(database_url)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def appctx(app):  # noqa: ANN001, ANN201
    """An app context for tests that read or write the database directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


# --- helpers for signing in --------------------------------------------------------


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def page_csrf(client, path: str = "/login") -> str:  # noqa: ANN001
    return csrf_from(client.get(path).get_data(as_text=True))


def sign_in(client, email: str, password: str = DEMO_PASSWORD, remember: bool = False):  # noqa: ANN001, ANN201
    data = {"csrf_token": page_csrf(client), "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def api_token(client, email: str, password: str = DEMO_PASSWORD) -> str:  # noqa: ANN001
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def accounts(app):  # noqa: ANN001, ANN201
    """Demo accounts: accounts.email(role, cluster) -> an email with that role there."""
    from webapp.demo.load import demo_accounts

    with app.app_context():
        rows = demo_accounts()

    class Accounts:
        all = rows

        @staticmethod
        def email(role: str, cluster: str | None = None, index: int = 0) -> str:
            found = [a["email"] for a in rows if a["role"] == role and a["cluster"] == cluster]
            return found[index]

        @staticmethod
        def outsider(cluster: str) -> str:
            inside = {a["email"] for a in rows if a["cluster"] == cluster}
            return next(a["email"] for a in rows if a["email"] not in inside and a["role"] != "admin")

    return Accounts


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Browser fixtures, registered here once so that every folder shares one session-wide
# Playwright (two would collide: its sync API refuses to start inside another's loop).
from tests.browser_support import browser, live_server, page  # noqa: E402, F401
