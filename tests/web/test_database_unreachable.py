"""A database that does not answer at all (refused: down, restarting) is a 503, not a 500.

psycopg's failure to connect carries no SQLSTATE (no server sent one); before this was
recognised, the error handler itself needed the database (the person's language), so
the exception escaped to gunicorn's bare "Internal Server Error" page.
"""

from __future__ import annotations

from tests import services
from tests.conftest import make_app


def test_refused_connection_answers_503_in_the_error_shape():
    url = f"postgresql+psycopg://nobody:nothing@127.0.0.1:{services.free_port()}/nothing"
    app = make_app(url, TESTING=False)
    client = app.test_client()

    health = client.get("/healthz")
    assert health.status_code == 503

    api = client.get("/api/v1/clusters", headers={"Authorization": "Bearer not-checked-yet"})
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "unavailable"

    page = client.get("/login", headers={"Cookie": "session=anything"})
    assert page.status_code in (200, 503)  # the sign-in page may need no database at all
