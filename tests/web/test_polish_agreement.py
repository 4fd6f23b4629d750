"""Native Polish: states agree with the title they describe, verbs with the person who acted
(as they stated it on their account), one workshop is "warsztat"; nothing guessed."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.i18n_labels import AGREEING_STATE_LABELS, REQUIRED_LABELS, resolved_label, stage_state_label
from webapp.models import Cluster, User
from webapp.notifications.texts import describe
from workflows.definition import parse_definition
from workflows.grammar import CLASSES


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_cluster_page_says_each_stage_in_agreement_with_its_title(client, accounts) -> None:
    sign_in(client, accounts.email("member", "makros"))
    text = _text(client.get("/c/makros?lang=pl").get_data(as_text=True))
    for phrase in (
        "1. Diagnoza zatwierdzona",
        "2. Cele zatwierdzone",
        "3. Działania zatwierdzone",
        "4. Zatwierdzenie zatwierdzone",
    ):
        assert phrase in text
    assert "Diagnoza zatwierdzony" not in text
    home = _text(client.get("/").get_data(as_text=True))
    assert "Zatwierdzenie zatwierdzone" in home


def test_a_section_page_agrees_with_the_section(client, accounts) -> None:
    sign_in(client, accounts.email("member", "makros"))
    text = _text(client.get("/c/makros/s/swot").get_data(as_text=True))
    assert "Analiza SWOT zatwierdzona wymagana" in text


#: (state, agreement class, Polish): every class of every agreeing state has its own form.
STATE_TABLE = [
    ("approved", "feminine", "zatwierdzona"),
    ("approved", "masculine", "zatwierdzony"),
    ("approved", "neuter", "zatwierdzone"),
    ("approved", "plural", "zatwierdzone"),
    ("approved", "virile plural", "zatwierdzeni"),
    ("approved", "unknown", "etap zatwierdzony"),
    ("locked", "feminine", "zablokowana"),
    ("locked", "unknown", "etap zablokowany"),
    ("drafting", "feminine", "w opracowaniu"),
    ("in_review", "plural", "w weryfikacji"),
]


class _Titled:
    def __init__(self, agreement: str) -> None:
        self.agreement = agreement


@pytest.mark.parametrize(("state", "agreement", "expected"), STATE_TABLE)
def test_state_labels_agree(app, state: str, agreement: str, expected: str) -> None:
    with app.test_request_context(), force_locale("pl"):
        assert stage_state_label(state, _Titled(agreement)) == expected
    with app.test_request_context(), force_locale("en"):
        assert stage_state_label(state, _Titled(agreement)) == state.replace("_", " ")


def test_every_agreement_class_has_a_polish_form(app) -> None:
    with app.test_request_context(), force_locale("pl"):
        for forms in (*AGREEING_STATE_LABELS.values(), REQUIRED_LABELS):
            assert set(forms) == set(CLASSES)
            english = {"locked", "approved", "required"}
            assert all(str(label) not in english for label in forms.values())
        assert resolved_label("objection") == "rozstrzygnięty"
        assert resolved_label("remark") == "rozstrzygnięta"


def test_a_definition_without_grammar_uses_the_stage_wording(app) -> None:
    """An agency's definition that gives no gender: no guessed agreement."""
    data = {
        "key": "agency",
        "version": 1,
        "title": {"pl": "Strategia", "en": "Strategy"},
        "stages": [{"key": "one", "title": {"pl": "Wstęp", "en": "Intro"}, "sections": []}],
    }
    stage = parse_definition(data, "agency.yaml").stages[0]
    with app.test_request_context(), force_locale("pl"):
        assert stage_state_label("approved", stage) == "etap zatwierdzony"


def _describe(app, kind: str, params: dict) -> str:
    with app.test_request_context(), force_locale("pl"):
        cluster = db.session.scalar(db.select(Cluster).where(Cluster.slug == "makros"))
        from webapp.clusters.queries import definition_of

        return describe(kind, params, cluster, definition_of(cluster), "pl")


#: (kind, action, the actor's stated form, the Polish): the verb follows the person.
ACTOR_TABLE = [
    ("review_requested", None, "feminine", "Anna Nowak przekazała etap „Diagnoza”"),
    ("review_requested", None, "masculine", "Anna Nowak przekazał etap „Diagnoza”"),
    ("review_requested", None, None, "Etap „Diagnoza” klastra"),
    ("stage_changed", "return", "masculine", "Anna Nowak zwrócił etap „Diagnoza”"),
    ("stage_changed", "return", "feminine", "Anna Nowak zwróciła etap „Diagnoza”"),
    ("stage_changed", "return", None, "został zwrócony do poprawy przez: Anna Nowak"),
    ("stage_changed", "approve", "feminine", "Anna Nowak zatwierdziła etap"),
    ("stage_changed", "reopen", None, "został ponownie otwarty przez: Anna Nowak"),
    ("reply", None, "feminine", "Anna Nowak odpowiedziała na Twoją uwagę"),
    ("mention", None, None, "Anna Nowak: wzmianka o Tobie"),
    ("objection", None, "masculine", "Anna Nowak zgłosił sprzeciw"),
]


@pytest.mark.parametrize(("kind", "action", "form", "expected"), ACTOR_TABLE)
def test_notification_verbs_follow_the_person(app, kind, action, form, expected) -> None:
    params = {"stage": "diagnosis", "section": "swot", "actor": "Anna Nowak", "actor_form": form}
    if action:
        params["action"] = action
    text = _describe(app, kind, params)
    assert expected in text
    assert "(a)" not in text


def test_someone_without_a_name_is_masculine_ktos(app) -> None:
    text = _describe(app, "review_requested", {"stage": "diagnosis", "actor": ""})
    assert text.startswith("Ktoś przekazał etap „Diagnoza”")


def test_a_person_states_their_form_on_the_account(app, client, accounts) -> None:
    email = accounts.email("member", "makros")
    sign_in(client, email)
    page = client.get("/account/").get_data(as_text=True)
    answer = client.post(
        "/account/grammar", data={"csrf_token": csrf_from(page), "grammar-grammatical_form": "feminine"}
    )
    assert answer.status_code == 302
    refused = client.post(
        "/account/grammar", data={"csrf_token": csrf_from(page), "grammar-grammatical_form": "female"}
    )
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(User.grammatical_form).where(User.email == email)) == "feminine"
    data = {"csrf_token": csrf_from(page), "grammar-grammatical_form": ""}
    cleared = client.post("/account/grammar", data=data)
    assert cleared.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(User.grammatical_form).where(User.email == email)) is None


def test_the_stage_notification_carries_the_actors_form(app) -> None:
    from webapp.notifications.operations import notify_stage_event

    with app.test_request_context():
        cluster = db.session.scalar(db.select(Cluster).where(Cluster.slug == "makros"))
        actor = db.session.scalar(db.select(User).where(User.email.like("%@%")).limit(1))
        actor.grammatical_form = "feminine"
        made = notify_stage_event(cluster, "diagnosis", "approve", actor)
        assert made and all(n.params["actor_form"] == "feminine" for n in made)
        db.session.rollback()


def test_the_audit_page_names_what_each_event_is_about(client, accounts) -> None:
    sign_in(client, accounts.email("moderator", "makros"))
    text = _text(client.get("/c/makros/audit?lang=pl").get_data(as_text=True))
    assert "zatwierdzono etap Diagnoza" in text and "zatwierdzono etap Zatwierdzenie" in text
    assert not re.search(r"\b(diagnosis|approval|goals|actions)\b", text)
    member = accounts.email("member", "makros")
    assert re.search(rf"dodano osobę [^(<]+ \({re.escape(member)}\)", text)


def test_the_statistics_say_each_state_of_its_stage(client) -> None:
    sign_in(client, "admin@example.org")
    page = client.get("/stats?lang=pl").get_data(as_text=True)
    table = page[page.index('id="progress-h"') :]
    table = _text(table[: table.index("</table>")])
    assert "zatwierdzona" in table and "zatwierdzone" in table
    csv = client.get("/stats.csv").get_data(as_text=True)
    assert "zatwierdzona" in csv


def test_no_polish_text_hedges_a_gendered_form() -> None:
    """'przekazał(a)', 'zalogowany(-a)': a form follows the person or the wording needs none."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[2] / "webapp/translations/pl/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    hedged = re.compile(r"\w\((a|-a|y|-y|e|-e|ś|aś)\)|\w/a\b")
    found = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if hedged.search(text or "")
    ]
    assert found == []


def test_one_organisation_has_its_kind_in_the_singular(client) -> None:
    sign_in(client, "admin@example.org")
    text = _text(client.get("/admin/organisations?lang=pl").get_data(as_text=True))
    assert "Mleczarnia Nadbużańska S.A. przedsiębiorstwo" in text
    assert "Mleczarnia Nadbużańska S.A. Przedsiębiorstwa" not in text
