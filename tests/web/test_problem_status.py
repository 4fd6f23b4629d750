"""A refusal answers with its problem's status on every form: something that already exists
409, input that cannot be accepted 422 (whether the form or the operation refuses it);
either way nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import Cluster, Organisation, User
from webapp.problems import Duplicate, Invalid, Problem, Stale

ADMIN = "admin@example.org"
NIP = "123-456-32-18"  # a valid NIP (its checksum holds); the demo has no NIPs
NIP_WRONG_DIGIT = "123-456-32-19"


@pytest.mark.parametrize(
    ("kind", "status"),
    [(Problem, 422), (Invalid, 422), (Duplicate, 409), (Stale, 409)],
)
def test_each_problem_carries_its_status(kind, status):
    assert kind.status == status
    assert kind("field", "message").status == status


@dataclass(frozen=True)
class Demo:
    """What the demo data already holds, for the duplicates to collide with."""

    organisation: str  # the account's organisation
    organisation_id: int
    user_id: int
    user_name: str
    email: str  # an active account without admin rights
    slug: str


def demo(app) -> Demo:  # noqa: ANN001
    with app.app_context():
        user = db.session.scalars(
            select(User)
            .where(User.is_admin.is_(False), User.active.is_(True), User.organisation_id.is_not(None))
            .order_by(User.id)
        ).first()
        slug = db.session.scalar(select(Cluster.slug).order_by(Cluster.id))
        organisation = user.organisation
        return Demo(organisation.name, organisation.id, user.id, user.name, user.email, slug)


def everything(app) -> tuple:  # noqa: ANN001
    """The rows the forms below could write: counts, and every account's name and address."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Organisation.id))),
            db.session.scalar(select(func.count(Cluster.id))),
            tuple(db.session.execute(select(User.id, User.name, User.email).order_by(User.id)).all()),
        )


@dataclass(frozen=True)
class Case:
    page: Callable[[Demo], str]  # the page the form is on (its CSRF token)
    action: Callable[[Demo], str]
    data: Callable[[Demo], dict]
    status: int
    before: tuple[str, dict] | None = None  # a post that must go through first


def new_user(email: str, d: Demo) -> dict:
    return {
        "name": "Nowa Osoba",
        "email": email,
        "organisation_id": str(d.organisation_id),
        "password": "bardzo-dlugie-haslo",
    }


def person_edit(d: Demo) -> str:
    return f"/admin/users/{d.user_id}"


def same(path: str) -> Callable[[Demo], str]:
    return lambda _d: path


CASES = {
    # Something that must be unique already exists: 409.
    "organisation name taken": Case(
        same("/admin/organisations"),
        same("/admin/organisations"),
        lambda d: {"name": f"  {d.organisation.upper()} ", "kind": "enterprise"},
        409,
    ),
    "organisation NIP taken": Case(
        same("/admin/organisations"),
        same("/admin/organisations"),
        lambda d: {"name": "Druga firma", "kind": "enterprise", "nip": NIP.replace("-", "")},
        409,
        before=("/admin/organisations", {"name": "Firma z NIP-em", "kind": "enterprise", "nip": NIP}),
    ),
    "user e-mail taken": Case(
        same("/admin/users"), same("/admin/users"), lambda d: new_user(d.email.upper(), d), 409
    ),
    "cluster short name taken": Case(
        same("/admin/clusters"),
        same("/admin/clusters"),
        lambda d: {"slug": d.slug, "name": "Nowy klaster", "sector": "other"},
        409,
    ),
    "person given another account's e-mail": Case(
        person_edit,
        person_edit,
        lambda d: {
            "name": d.user_name,
            "email": ADMIN,
            "organisation_id": str(d.organisation_id),
            "active": "y",
            "password": DEMO_PASSWORD,
        },
        409,
    ),
    "own e-mail changed to another account's": Case(
        same("/account/"),
        same("/account/email"),
        lambda d: {"email-email": d.email, "email-current": DEMO_PASSWORD},
        409,
    ),
    # Input that cannot be accepted: 422.
    "organisation NIP with a wrong digit": Case(
        same("/admin/organisations"),
        same("/admin/organisations"),
        lambda d: {"name": "Nowa firma", "kind": "enterprise", "nip": NIP_WRONG_DIGIT},
        422,
    ),
    "organisation without a name": Case(
        same("/admin/organisations"),
        same("/admin/organisations"),
        lambda d: {"name": "", "kind": "enterprise"},
        422,
    ),
    "user e-mail with two @": Case(
        same("/admin/users"), same("/admin/users"), lambda d: new_user("x@y@z.org", d), 422
    ),
    "cluster short name with capitals and spaces": Case(
        same("/admin/clusters"),
        same("/admin/clusters"),
        lambda d: {"slug": "Zły Skrót", "name": "Nowy klaster", "sector": "other"},
        422,
    ),
    "person e-mail with two @": Case(
        person_edit,
        person_edit,
        lambda d: {
            "name": d.user_name,
            "email": "x@y@z.org",
            "organisation_id": str(d.organisation_id),
            "active": "y",
            "password": DEMO_PASSWORD,
        },
        422,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_refused_form_answers_with_its_problems_status_and_writes_nothing(app, client, name):
    case = CASES[name]
    d = demo(app)
    sign_in(client, ADMIN)
    if case.before is not None:
        path, data = case.before
        assert client.post(path, data={"csrf_token": page_csrf(client, path), **data}).status_code == 302
    before = everything(app)
    token = page_csrf(client, case.page(d))
    response = client.post(case.action(d), data={"csrf_token": token, **case.data(d)})
    assert response.status_code == case.status, response.get_data(as_text=True)[:2000]
    assert everything(app) == before
