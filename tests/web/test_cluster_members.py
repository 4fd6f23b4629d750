"""A moderator adds people by e-mail address (inviting those without an account) or from
the cluster's own organisations, and never browses the platform's directory: no names or
addresses of other clusters' people, no disabled accounts, nothing to add them with."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, api_token, bearer, page_csrf, sign_in
from tests.security.support import age_password
from webapp.extensions import db
from webapp.models import Cluster, Invitation, LoginSession, Membership, OutboxEmail, User

SLUG = "mak"
NEWCOMER = "nowa.osoba@example.org"
LINK_RE = re.compile(r'value="(https?://[^"]+/invitation/([^"]+))"')


def cluster_orgs(app) -> set[int]:  # noqa: ANN001
    """Organisations of the cluster's members and moderators."""
    with app.app_context():
        return set(
            db.session.scalars(
                select(User.organisation_id)
                .join(Membership, Membership.user_id == User.id)
                .join(Cluster, Cluster.id == Membership.cluster_id)
                .where(Cluster.slug == SLUG, Membership.role.in_(("member", "moderator")))
            )
        )


def stranger(app) -> tuple[int, str, str]:  # noqa: ANN001
    """(id, name, email) of someone of another cluster whose organisation is not in this one."""
    orgs = cluster_orgs(app)
    with app.app_context():
        inside = select(Membership.user_id).join(Cluster).where(Cluster.slug == SLUG)
        user = db.session.scalars(
            select(User)
            .where(User.id.not_in(inside), User.is_admin.is_(False), User.organisation_id.not_in(orgs))
            .order_by(User.id)
        ).first()
        return user.id, user.name, user.email


def add_colleague(app, name: str, email: str, active: bool = True) -> int:  # noqa: ANN001
    """A person of one of the cluster's organisations who is not in the cluster."""
    from webapp.people.operations import create_user

    with app.app_context():
        user = create_user(email, name, "bardzo-dlugie-haslo", min(cluster_orgs(app)))
        user.active = active
        db.session.commit()
        return user.id


def set_active(app, user_id: int, active: bool) -> None:  # noqa: ANN001
    with app.app_context():
        db.session.get(User, user_id).active = active
        db.session.commit()


def membership_role(app, email: str) -> str | None:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(
            select(Membership.role)
            .join(User, User.id == Membership.user_id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(User.email == email, Cluster.slug == SLUG)
        )


def moderator(app, accounts):  # noqa: ANN001, ANN201
    client = app.test_client()
    sign_in(client, accounts.email("moderator", SLUG))
    return client


def add(client, **fields: object):  # noqa: ANN001, ANN201
    data = {"csrf_token": page_csrf(client, f"/c/{SLUG}"), "role": "member", **fields}
    return client.post(f"/c/{SLUG}/members", data=data)


# --- the directory is not shown -------------------------------------------------------------


def test_the_member_form_offers_the_clusters_people_and_never_the_directory(app, accounts):
    _id, name, email = stranger(app)
    add_colleague(app, "Celina Koleżanka", "celina@example.org")
    add_colleague(app, "Wiktor Wyłączony", "wiktor@example.org", active=False)
    page = moderator(app, accounts).get(f"/c/{SLUG}").get_data(as_text=True)
    assert 'name="email"' in page
    assert "Celina Koleżanka" in page, "a colleague of the cluster's organisations may be picked"
    for hidden in (name, email, "admin@example.org", "Wiktor Wyłączony", "wiktor@example.org"):
        assert hidden not in page, hidden
    assert "celina@example.org" not in page, "picked by name and organisation, not by address"


def test_someone_outside_the_clusters_organisations_cannot_be_picked_by_id(app, accounts):
    user_id, _name, email = stranger(app)
    response = add(moderator(app, accounts), user_id=user_id)
    assert response.status_code == 422
    assert membership_role(app, email) is None


# --- adding by address ----------------------------------------------------------------------


def test_an_active_account_is_added_by_its_address(app, accounts):
    _id, name, email = stranger(app)
    response = add(moderator(app, accounts), email=f"  {email.upper()} ", role="observer")
    assert response.status_code == 302
    assert membership_role(app, email) == "observer"


def test_a_disabled_account_is_refused_on_the_page_and_through_the_api(app, accounts):
    user_id, _name, email = stranger(app)
    set_active(app, user_id, False)
    client = moderator(app, accounts)
    response = add(client, email=email)
    assert response.status_code == 422
    assert "To konto jest wyłączone" in response.get_data(as_text=True)
    token = api_token(client, accounts.email("moderator", SLUG))
    api = client.post(
        f"/api/v1/clusters/{SLUG}/members",
        headers=bearer(token),
        json={"user_id": user_id, "role": "member"},
    )
    assert api.status_code == 422 and api.get_json()["error"]["field"] == "user_id"
    assert membership_role(app, email) is None


def test_an_address_or_a_person_one_of_the_two(app, accounts):
    colleague = add_colleague(app, "Celina Koleżanka", "celina@example.org")
    client = moderator(app, accounts)
    assert add(client).status_code == 422
    assert add(client, email="celina@example.org", user_id=colleague).status_code == 422
    assert membership_role(app, "celina@example.org") is None
    assert add(client, user_id=colleague).status_code == 302
    assert membership_role(app, "celina@example.org") == "member"


def test_addresses_are_checked_like_everywhere_else(app, accounts):
    client = moderator(app, accounts)
    for email, status in (
        ("x@y@z.org", 422),
        ("nowa@example.org,druga@example.org", 422),
        ("no\u200bwa@example.org", 422),
        (accounts.email("moderator", SLUG).replace("a", "\u0430", 1), 422),  # mixed scripts
    ):
        assert add(client, email=email).status_code == status, email
    with app.app_context():
        assert db.session.scalar(select(Invitation.id)) is None


def test_adding_by_address_still_asks_a_stale_session_for_the_password(app, accounts):
    client = moderator(app, accounts)
    age_password(app, accounts.email("moderator", SLUG))
    response = add(client, email=NEWCOMER)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == NEWCOMER)) is None
    assert add(client, email=NEWCOMER, password=DEMO_PASSWORD).status_code == 200


# --- invitations ----------------------------------------------------------------------------


def invite(app, accounts, email: str = NEWCOMER, **fields: object) -> tuple[str, str]:  # noqa: ANN001
    """Invite `email` without SMTP: (the link shown once, its token)."""
    response = add(moderator(app, accounts), email=email, **fields)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.headers["Cache-Control"] == "no-store"
    match = LINK_RE.search(response.get_data(as_text=True))
    assert match, "the link is shown to the moderator"
    return match.group(1), match.group(2)


def test_an_unknown_address_is_invited_and_the_link_shown_once(app, accounts):
    organisation = min(cluster_orgs(app))
    link, token = invite(app, accounts, name="Nowa Osoba", organisation_id=organisation)
    assert link.startswith(app.config["PUBLIC_URL"] + "/invitation/")
    assert membership_role(app, NEWCOMER) == "member"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == NEWCOMER))
        assert (user.name, user.organisation_id, user.active) == ("Nowa Osoba", organisation, True)
        (row,) = db.session.scalars(select(Invitation).where(Invitation.user_id == user.id))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.to == NEWCOMER)) is None
    # the page shows the link this once: the next visit does not
    page = moderator(app, accounts).get(f"/c/{SLUG}").get_data(as_text=True)
    assert token not in page
    # nobody can sign in to the account before its owner sets the password
    assert sign_in(app.test_client(), NEWCOMER, "").status_code in (401, 422)
    assert sign_in(app.test_client(), NEWCOMER, token).status_code == 401


def test_the_invited_person_sets_a_password_and_is_signed_in_once(app, accounts):
    link, token = invite(app, accounts)
    path = f"/invitation/{token}"
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and NEWCOMER in page.get_data(as_text=True)
    csrf = page_csrf(client, path)
    short = client.post(
        path, data={"csrf_token": csrf, "name": "Nowa", "password": "krótkie", "repeat": "krótkie"}
    )
    assert short.status_code == 422
    new_password = "moje-nowe-haslo-123"
    done = client.post(
        path,
        data={"csrf_token": csrf, "name": "Nowa Osoba", "password": new_password, "repeat": new_password},
    )
    assert done.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "Nowa Osoba" in home.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == NEWCOMER))
        assert db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == user.id))
        row = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
        assert row.used_at is not None and row.accepted
    # the link is spent
    other = app.test_client()
    assert other.get(path).status_code == 404
    again = {
        "csrf_token": page_csrf(other),
        "name": "X",
        "password": "inne-haslo-123",
        "repeat": "inne-haslo-123",
    }
    assert other.post(path, data=again).status_code == 404
    assert sign_in(app.test_client(), NEWCOMER, new_password).status_code == 302


def test_an_expired_link_is_refused(app, accounts):
    _link, token = invite(app, accounts)
    with app.app_context():
        row = db.session.scalar(select(Invitation))
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    client = app.test_client()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 404
    assert "zaproszenia" in response.get_data(as_text=True)
    assert app.test_client().get("/invitation/not-a-token").status_code == 404


def test_inviting_again_replaces_the_link(app, accounts):
    _first_link, first = invite(app, accounts)
    _second_link, second = invite(app, accounts, role="observer")
    assert first != second
    assert membership_role(app, NEWCOMER) == "observer"
    client = app.test_client()
    assert client.get(f"/invitation/{first}").status_code == 404
    assert client.get(f"/invitation/{second}").status_code == 200


def test_a_newcomer_goes_only_into_one_of_the_clusters_organisations(app, accounts):
    outside = stranger(app)
    with app.app_context():
        foreign = db.session.get(User, outside[0]).organisation_id
    response = add(moderator(app, accounts), email=NEWCOMER, organisation_id=foreign)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == NEWCOMER)) is None
