"""Objections: moderators told at once; an observer's objection is a remark (said before and
after posting). Hand-typed @names mention the one person they fit, and say when they fit none
or several."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import api_token, bearer, sign_in
from webapp.extensions import db
from webapp.models import Cluster, Membership, Notification, OutboxEmail, User

SLUG, KEY = "krea", "profile"


def post(client, headers: dict, body: str, kind: str = "remark"):  # noqa: ANN001, ANN201
    return client.post(
        f"/api/v1/clusters/{SLUG}/sections/{KEY}/comments",
        json={"body": body, "visibility": "all", "kind": kind},
        headers={**headers, "Accept-Language": "pl"},
    )


def people(app, role: str | None = None) -> list[User]:  # noqa: ANN001
    with app.app_context():
        query = (
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(Cluster.slug == SLUG)
        )
        if role:
            query = query.where(Membership.role == role)
        users = db.session.scalars(query).all()
        db.session.expunge_all()
        return users


def test_member_objection_tells_the_moderators_at_once(client, accounts, app) -> None:
    member = bearer(api_token(client, accounts.email("member", SLUG)))
    answer = post(client, member, "Ten profil pomija partnerów z Radomia.", "objection")
    assert answer.status_code == 201
    assert answer.get_json()["kind"] == "objection" and answer.get_json()["notes"] == []
    moderators = people(app, "moderator")
    assert moderators
    with app.app_context():
        for moderator in moderators:
            told = db.session.scalars(
                select(Notification).where(
                    Notification.user_id == moderator.id, Notification.kind == "objection"
                )
            ).all()
            assert len(told) == 1
            # at once: the e-mail is written now, not kept for the digest
            assert db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == moderator.email)).all()


def test_an_observers_objection_is_a_remark_and_the_form_says_so(client, accounts, app) -> None:
    observer_email = accounts.email("observer", SLUG)
    browser = app.test_client()
    sign_in(browser, observer_email)
    form = browser.get(f"/c/{SLUG}/s/{KEY}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "objection-note" in form and "zostanie on opublikowany jako uwaga" in form
    member_browser = app.test_client()
    sign_in(member_browser, accounts.email("member", SLUG))
    member_form = member_browser.get(f"/c/{SLUG}/s/{KEY}").get_data(as_text=True)
    assert "objection-note" not in member_form
    observer = bearer(api_token(client, observer_email))
    answer = post(client, observer, "Nie zgadzam się z tym opisem.", "objection")
    assert answer.status_code == 201
    assert answer.get_json()["kind"] == "remark"
    assert answer.get_json()["notes"] == [
        "Opublikowano jako uwagę: sprzeciw wstrzymujący etap mogą zgłaszać tylko osoby "
        "z organizacji członkowskich klastra."
    ]


def test_a_hand_typed_name_mentions_the_one_person_it_fits(client, accounts, app) -> None:
    everyone = people(app)
    member_email = accounts.email("member", SLUG)
    others = [u for u in everyone if u.email != member_email]
    first_words = {}
    for user in everyone:
        for word in user.name.split():
            first_words.setdefault(word.casefold(), []).append(user)
    target = next(u for u in others if len(first_words[u.name.split()[-1].casefold()]) == 1)
    surname = target.name.split()[-1]
    member = bearer(api_token(client, member_email))
    answer = post(client, member, f"@{surname.lower()} proszę o opinię, a @Zenobiusz też.")
    assert answer.status_code == 201
    assert answer.get_json()["notes"] == [
        "W tym klastrze nie ma nikogo o nazwie @Zenobiusz, więc nikt nie dostał powiadomienia."
    ]
    with app.app_context():
        told = db.session.scalars(
            select(Notification).where(Notification.user_id == target.id, Notification.kind == "mention")
        ).all()
        assert len(told) == 1


def test_a_name_that_fits_several_people_mentions_no_one_and_says_so(client, accounts, app) -> None:
    from webapp.comments.operations import mention_report
    from webapp.comments.queries import Person
    from workflows.roles import Role

    crowd = [Person(1, "Anna Nowak", Role.MEMBER), Person(2, "Anna Lis", Role.MEMBER)]
    report = mention_report("@Anna?", crowd)
    assert report.ids == () and report.ambiguous == (("Anna", ("Anna Lis", "Anna Nowak")),)
    member_email = accounts.email("member", SLUG)
    first, second = [u for u in people(app) if u.email != member_email][:2]
    given = first.name.split()[0]
    with app.app_context():  # two people of the cluster with the same first name
        db.session.get(User, second.id).name = f"{given} Zawadzka"
        db.session.commit()
    member = bearer(api_token(client, member_email))
    answer = post(client, member, f"@{given} co sądzisz?")
    assert answer.status_code == 201
    notes = answer.get_json()["notes"]
    assert len(notes) == 1 and notes[0].startswith(f"@{given} pasuje do kilku osób: ")
    assert first.name in notes[0] and f"{given} Zawadzka" in notes[0]
    with app.app_context():
        told = db.session.scalars(
            select(Notification).where(
                Notification.user_id.in_([first.id, second.id]), Notification.kind == "mention"
            )
        ).all()
        assert told == []
