"""Configuration from the environment, with embedded defaults.

With nothing set the studio runs on SQLite and a SQLite-backed Celery broker under
DATA_DIR; DATABASE_URL and REDIS_URL switch it to PostgreSQL and Redis (docker-compose).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from webapp.timezone import DEFAULT_TIMEZONE, zone_named


def _data_dir() -> Path:
    path = Path(os.environ.get("DATA_DIR", "instance")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL comes in."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def public_url() -> str:
    """PUBLIC_URL: the address people open the studio at, the base of every link that
    leaves the site (e-mails, .ics files). Without it, where `make run` listens."""
    url = os.environ.get("PUBLIC_URL", "").strip()
    if not url:
        host = os.environ.get("HOST", "") or "127.0.0.1"
        host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (a comparison)
        host = f"[{host}]" if ":" in host else host
        url = f"http://{host}:{os.environ.get('PORT', '') or '5000'}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"PUBLIC_URL must look like https://studio.example.org, not {url!r}")
    return url.rstrip("/")


def time_zone() -> str:
    """TIMEZONE: the agency's IANA zone, in which people see every date and time. An
    unknown name stops the start-up (ValueError) rather than showing wrong hours."""
    name = os.environ.get("TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    zone_named(name)
    return name


def file_setting(name: str) -> str:
    """A setting naming a file (AGENCY_LOGO, DOCX_TEMPLATE): empty, or a file that exists.
    A wrong path stops the start-up (ValueError) rather than every document later."""
    path = os.environ.get(name, "").strip()
    if path and not Path(path).is_file():
        raise ValueError(f"{name} must name a file, and {path!r} is not one")
    return path


def load_config() -> dict:
    """The settings of one process, read once at app creation."""
    data_dir = _data_dir()
    database_url = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{data_dir / 'studio.sqlite3'}")
    )
    redis_url = os.environ.get("REDIS_URL", "")
    broker_url = redis_url or f"sqla+sqlite:///{data_dir / 'broker.sqlite3'}"
    # Results serve only the health ping: document status is kept in the database.
    result_backend = redis_url or f"db+sqlite:///{data_dir / 'results.sqlite3'}"
    secure = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    zone_name = time_zone()
    return {
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": _secret_key(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "REDIS_URL": redis_url,
        "CELERY": {
            "broker_url": broker_url,
            "result_backend": result_backend,
            "task_ignore_result": True,
            "broker_connection_retry_on_startup": True,
        },
        "BABEL_DEFAULT_LOCALE": "pl",
        # Pages format through Babel; webapp.timezone.apply keeps the two equal.
        "TIMEZONE": zone_name,
        "BABEL_DEFAULT_TIMEZONE": zone_name,
        "LANGUAGES": ("pl", "en"),
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked in one place, see webapp.security
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # Links in e-mails and .ics files: never taken from the request's Host header.
        "PUBLIC_URL": public_url(),
        "INVITATION_LIFETIME": timedelta(days=7),
        # Four eyes: whoever submitted a stage does not approve it, except, with this on,
        # in a cluster whose only moderator is that person (the audit trail says so).
        "ALLOW_SELF_APPROVAL_ONE_PERSON": os.environ.get("ALLOW_SELF_APPROVAL_ONE_PERSON", "").strip().lower()
        in ("1", "true", "yes"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "SESSION_INACTIVITY": timedelta(hours=2),
        "SESSION_ABSOLUTE": timedelta(hours=12),
        # Roles, removals and e-mail changes ask for the password again after this long.
        "REAUTH_WINDOW": timedelta(minutes=float(os.environ.get("REAUTH_WINDOW_MINUTES", "10"))),
        "API_TOKEN_LIFETIME": timedelta(days=30),
        # Per account and address; webapp.auth.throttle derives the other limits from it.
        "LOGIN_FAILURES_PER_MINUTE": 5,
        # How many proxies of ours stand in front, each adding to X-Forwarded-For (ProxyFix
        # in create_app). 0: the header is anyone's to write, so it is ignored.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "") or "0"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        # The agency, on every document's title page: its name, its city (the place in
        # "Płock, 2026"), its logo (a PNG), and its own reference .docx (styles, header,
        # footer) instead of the house style.
        "AGENCY_NAME": os.environ.get("AGENCY_NAME", "").strip(),
        "AGENCY_CITY": os.environ.get("AGENCY_CITY", "").strip(),
        "AGENCY_LOGO": file_setting("AGENCY_LOGO"),
        "DOCX_TEMPLATE": file_setting("DOCX_TEMPLATE"),
        # Documents: how long a queued version may wait before the sweep sends it again
        # (the broker was down), and how often the sweep runs.
        "DOCUMENT_REQUEUE_AFTER": float(os.environ.get("DOCUMENT_REQUEUE_AFTER", "60")),
        "DOCUMENT_STALE_RENDERING": float(os.environ.get("DOCUMENT_STALE_RENDERING", "300")),
        "SWEEP_INTERVAL": float(os.environ.get("SWEEP_INTERVAL", "30")),
        # Redis broker: a task whose worker died (unacknowledged) is given to another
        # worker after this many seconds. Longer than any render, or a slow render is
        # handed out twice (harmless: rendering is idempotent, but wasted).
        "BROKER_VISIBILITY_TIMEOUT": float(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "30")),
        # The embedded SQLite broker: seconds between the worker's looks for new tasks.
        "BROKER_POLLING_INTERVAL": float(os.environ.get("BROKER_POLLING_INTERVAL", "") or "0.1"),
        # PDF: LibreOffice's soffice (a name on PATH or a path; missing: DOCX only) and how
        # long one conversion may take before the worker restarts LibreOffice.
        "SOFFICE_PATH": os.environ.get("SOFFICE_PATH", "") or "soffice",
        "PDF_TIMEOUT": float(os.environ.get("PDF_TIMEOUT", "") or "120"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        # A Word file brought back (uploads): larger ones are refused with 413.
        "UPLOAD_MAX_BYTES": int(os.environ.get("UPLOAD_MAX_BYTES", "") or 6 * 1024 * 1024),
        # flask-smorest: the OpenAPI description, served at /api/v1/openapi.json
        "API_TITLE": "Cluster strategy studio",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # WAL and a busy timeout are set per connection in webapp.extensions
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
