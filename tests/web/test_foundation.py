"""The factory, migrations, the demo data and signing in and out."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, csrf_from, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import Cluster, Membership, Organisation, User


def test_factory_builds_apps_with_their_own_settings(appctx):
    from webapp import create_app

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert other is not appctx
    assert other.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert appctx.config["BABEL_DEFAULT_LOCALE"] == "pl"
    assert {"auth", "home", "clusters", "admin", "account", "api"} <= set(appctx.blueprints)


def test_migrations_reach_the_models_exactly(appctx):
    """The golden database was built by `flask db upgrade` from empty: no drift left."""
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_demo_reproduces_the_deck(appctx):
    member_orgs = (
        select(Organisation.kind, func.count(func.distinct(Organisation.id)))
        .join(User, User.organisation_id == Organisation.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role.in_(("member", "moderator")))
        .group_by(Organisation.kind)
    )
    kinds = dict(db.session.execute(member_orgs).all())
    assert kinds == {"enterprise": 27, "business_support": 8, "science": 9}
    memberships = db.session.execute(
        select(func.count()).select_from(
            select(Membership.cluster_id, User.organisation_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role.in_(("member", "moderator")))
            .distinct()
            .subquery()
        )
    ).scalar()
    assert memberships == 55
    slugs = set(db.session.scalars(select(Cluster.slug)))
    assert slugs == {"makros", "e-medycyna", "mak", "krea", "klaster-chemiczny"}


def test_demo_load_twice_changes_nothing(appctx):
    from webapp.demo.load import load_demo

    before = db.session.scalar(select(func.count(User.id)))
    assert load_demo() is False
    db.session.commit()
    assert db.session.scalar(select(func.count(User.id))) == before


def test_demo_accounts_json_shape(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "accounts", "--json"])
    assert result.exit_code == 0, result.output
    accounts = json.loads(result.output)
    assert accounts[0] == {
        "email": "admin@example.org",
        "role": "admin",
        "cluster": None,
        "organisation": "Mazowiecka Agencja Innowacji",
    }
    roles = {(a["cluster"], a["role"]) for a in accounts[1:]}
    for slug in ("makros", "e-medycyna", "mak", "krea", "klaster-chemiczny"):
        assert {(slug, "moderator"), (slug, "member"), (slug, "observer")} <= roles


def test_demo_commands_keep_working_on_an_installation_in_use(app):
    # make run calls `demo load` and `demo accounts --json` on every start: a cluster of the
    # agency's own (with people in it) once made the second crash, and make run with it.
    from webapp.clusters.operations import create_cluster
    from webapp.models import Membership

    with app.app_context():
        cluster = create_cluster("nowy-klaster", "Nowy klaster", "other")
        db.session.flush()
        someone = db.session.scalars(select(User).where(User.email != "admin@example.org")).first()
        db.session.add(Membership(user_id=someone.id, cluster_id=cluster.id, role="moderator"))
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result = runner.invoke(args=["demo", "accounts", "--json"])
    assert result.exit_code == 0, result.output
    assert "nowy-klaster" not in {a["cluster"] for a in json.loads(result.output)}


def test_anonymous_home_redirects_to_sign_in_with_csrf_and_password(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'type="password"' in page
    assert csrf_from(page)


def test_sign_in_is_case_insensitive_and_sign_out_is_a_post_form(client, accounts):
    email = accounts.email("moderator", "makros")
    response = sign_in(client, email.upper())
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert 'action="/logout"' in home and 'method="post"' in home
    assert client.get("/logout").status_code == 405  # no sign-out by a mere link


def test_wrong_credentials_say_the_same_whether_or_not_the_account_exists(client, accounts):
    known = sign_in(client, accounts.email("member", "makros"), "wrong-password")
    unknown = sign_in(client, "nobody@example.org", "wrong-password")
    assert known.status_code == unknown.status_code == 401
    message = "Adres e-mail lub hasło są niepoprawne"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_replayed_cookie_after_sign_out_is_refused(app, accounts):
    client = app.test_client()
    sign_in(client, accounts.email("member", "makros"))
    assert client.get("/").status_code == 200
    stolen = client.get_cookie("session").value
    csrf = page_csrf(client, "/")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_is_renewed_at_sign_in(app, accounts):
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("session").value
    sign_in(client, accounts.email("member", "makros"))
    after = client.get_cookie("session").value
    assert before != after
    planted = app.test_client()
    planted.set_cookie("session", before)
    assert planted.get("/").status_code == 302


def test_remember_me_sets_a_cookie_that_lasts_at_most_30_days(client, accounts):
    sign_in(client, accounts.email("member", "makros"), remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    from datetime import UTC, datetime

    days = (cookie.expires - datetime.now(UTC)).days
    assert 28 <= days <= 30


def test_form_without_csrf_is_refused(client, accounts):
    response = client.post(
        "/login", data={"email": accounts.email("member", "makros"), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 400
    assert "formularz" in response.get_data(as_text=True).lower()


def test_repeated_wrong_passwords_are_slowed_down(client, accounts):
    email = accounts.email("member", "krea")
    codes = [sign_in(client, email, "wrong-password").status_code for _ in range(6)]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    # even the right password waits until the window has passed
    blocked = sign_in(client, email)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0


def test_language_switch_to_english_and_back(client, accounts):
    sign_in(client, accounts.email("member", "makros"))
    assert "Moje klastry" in client.get("/").get_data(as_text=True)
    csrf = page_csrf(client, "/")
    client.post("/language", data={"csrf_token": csrf, "lang": "en", "next": "/"})
    assert "My clusters" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf, "lang": "pl", "next": "/"})
    assert "Moje klastry" in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    csrf = page_csrf(client)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/language", data={"csrf_token": csrf, "lang": "en", "next": target})
        assert response.headers["Location"] in ("/", "http://localhost/")


def test_security_headers_on_every_answer(client):
    for path in ("/login", "/api/v1/openapi.json", "/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
