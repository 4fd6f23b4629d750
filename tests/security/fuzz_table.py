"""What the fuzz matrix sends: the parameters of every route with a valid value for each,
and the hostile values of each kind of parameter.

Every (method, endpoint) of the URL map needs an entry in FILLS, even one without
parameters: a new route without one fails the matrix, so whoever adds a route says what it
reads. Path parameters come from the rule itself (filled with real objects, fuzzed by
converter); query strings, form fields, JSON members and headers are listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import DEMO_PASSWORD
from webapp.models.notifications import DELIVERY_MODES, NOTIFICATION_KINDS


@dataclass(frozen=True)
class Raw:
    """JSON text sent exactly as written (what json.dumps cannot produce: NaN, depth)."""

    text: str


@dataclass(frozen=True)
class V:
    """A valid value read from the objects of the run (see test_fuzz_matrix._objects)."""

    name: str


@dataclass(frozen=True)
class Param:
    #: int, text, date, time, bool, json_text (a form field holding JSON), file, int_list,
    #: content (a section's content), if_match
    kind: str
    #: The value sent while other parameters are fuzzed: a value, a V, a callable of the
    #: objects, or None (not sent unless fuzzed).
    valid: object = None


@dataclass(frozen=True)
class Fill:
    query: dict[str, Param] = field(default_factory=dict)
    form: dict[str, Param] = field(default_factory=dict)
    json: dict[str, Param] = field(default_factory=dict)
    files: dict[str, Param] = field(default_factory=dict)
    headers: dict[str, Param] = field(default_factory=dict)


NONE = Fill()


def _text(valid: object = None) -> Param:
    return Param("text", valid)


def _int(valid: object = None) -> Param:
    return Param("int", valid)


# --- hostile values ----------------------------------------------------------------------

SURROGATE = "\ud800"
HUGE = "x" * 1_000_000
DEEP = "[" * 10_000 + "]" * 10_000
#: Strings that no column should receive: NUL (PostgreSQL refuses it), lone surrogates
#: (no encoding holds them), a megabyte.
TEXT = ["\x00", "a\x00b", SURROGATE, "a\udfffb", HUGE]
INT_TEXT = [str(2**31), str(2**63), str(-(2**63) - 1), str(10**30), "-1", "1.5", "abc", ""]
DATE_TEXT = ["9999-12-31", "0001-01-01", "1900-01-01", "2101-01-01", "2024-02-30", "12345-01-01"]
TIME_TEXT = ["24:00", "23:59:60", "-1:00"]
JSON_TEXT = [
    DEEP,
    '"\\ud800"',
    '"a\\u0000b"',
    "NaN",
    "[1e999]",
    '{"strengths": [NaN]}',
    "1" * 5000,
    '[{"id": "", "start": "9999-12-31", "end": "9999-12-31"}]',
]
#: JSON values of the wrong type, for any member.
WRONG_JSON = [None, True, 1.5, [], {}, Raw(DEEP), Raw("NaN"), Raw("-Infinity"), Raw("1e999")]
JSON_TEXT_VALUES = ["\x00", "a\x00b", SURROGATE, HUGE, 1, *WRONG_JSON]
JSON_INT_VALUES = [2**31, 2**63, -(2**63) - 1, 10**30, -1, "1", "\x00", *WRONG_JSON]
JSON_INT_LIST = [[2**31], [2**63], [-(2**63) - 1], [10**30], [-1], ["\x00"], [None], [[1]], "x", 1]
CONTENT = [
    *JSON_TEXT_VALUES,
    {"strengths": ["\x00"], "weaknesses": [], "opportunities": [], "threats": []},
    [{"id": "a\x00", "title": SURROGATE}],
    [{"id": "", "action": "A", "start": "9999-12-31", "end": "9999-12-31"}],
    [{"id": "", "indicator": "I", "year": 10**30}],
]
IF_MATCH = [
    '"abc"',
    "3",
    '"3',
    '"99999999999999999999"',
    '"-1"',
    '"\x00"',
    '*, "1"',
    '"1" "2"',
    "W/",
    "x" * 10_000,
]
#: Sign-in sheets (CSV bytes).
SHEETS = [
    b"Imi\xc4\x99 i nazwisko;E-mail;Organizacja;Rodzaj organizacji;Data\nJan\x00 Kowalski;;;;\n",
    b"Imi\xc4\x99 i nazwisko;E-mail;Organizacja;Rodzaj organizacji;Data\n\xed\xa0\x80;;;;\n",
    b"name;email;organisation;kind;date\nJan;;;;9999-12-31\n",
    b"name;email;organisation;kind;date\n" + b"x" * 1_000_000 + b";;;;\n",
    b"\x00" * 1000,
    b"[" * 10_000,
]

#: Hostile values of each kind, where the value travels as text (query, form, header).
TEXT_HOSTILE: dict[str, list[str]] = {
    "text": TEXT,
    "int": INT_TEXT + TEXT,
    "date": DATE_TEXT + TEXT,
    "time": TIME_TEXT + TEXT,
    "bool": TEXT,
    "json_text": JSON_TEXT + TEXT,
    "if_match": IF_MATCH,
}
#: Hostile values of each kind, where the value is a JSON member.
JSON_HOSTILE: dict[str, list[object]] = {
    "text": JSON_TEXT_VALUES,
    "int": JSON_INT_VALUES,
    "bool": JSON_TEXT_VALUES,
    "int_list": JSON_INT_LIST + WRONG_JSON,
    "content": CONTENT,
}
#: Path values by converter, already percent-encoded.
PATH_HOSTILE: dict[str, list[str]] = {
    "IntegerConverter": [str(2**31), str(2**63), str(10**30), "0" * 500 + "1"],
    "UnicodeConverter": ["%00", "a%00b", "%ED%A0%80", "x" * 100_000],
    "PathConverter": ["%00", "a%00b", "%ED%A0%80", "..%2F..%2Fetc%2Fpasswd", "x" * 100_000],
}
#: Probes every route gets, whatever it reads: (where, name, value).
GENERIC: list[tuple[str, str, object]] = [
    ("body", "application/json", DEEP),
    ("body", "application/json", '{"a": "\\ud800"}'),
    ("query", "x", "\x00"),
    ("header", "Authorization", "Bearer \x00"),
    ("header", "Accept-Language", "\x00"),
]
#: Whole bodies of the wrong shape, for every API call that takes a body.
WRONG_BODIES = ["[]", '"x"', "1", "null", "{", "NaN", '{"a": 1e999}']


# --- what each route reads -----------------------------------------------------------------

MEETING_FORM = {
    "kind": _text(V("meeting_kind")),
    "number": _int(V("meeting_number")),
    "title": _text("Warsztat"),
    "date": Param("date", V("meeting_date")),
    "start_time": Param("time", "10:00"),
    "end_time": Param("time", "12:00"),
    "place": _text("Płock"),
    "agenda": _text(""),
    "minutes": _text(""),
    "section_keys": _text("profile"),
    "held": Param("bool", "y"),
    "head_count": _int("12"),
}
NEW_MEETING = {
    **MEETING_FORM,
    "kind": _text("other"),
    "number": _int(""),
    "date": Param("date", "2031-05-06"),
}
COMMENT_FORM = {
    "body": _text("Uwaga"),
    "quote": _text(""),
    "kind": _text("remark"),
    "visibility": _text("all"),
    "parent_id": _int(V("comment_id")),
}
COMMENT_PAGE = {"comment": _int(V("comment_id")), "comments_page": _int("1")}
ORGANISATION = {
    "name": _text("Fuzz Sp. z o.o."),
    "kind": _text("enterprise"),
    "nip": _text(""),
    "city": _text("Płock"),
}
CLUSTER = {
    "slug": _text("fuzz"),
    "name": _text("Klaster fuzz"),
    "sector": _text("other"),
    "goal": _text(""),
}


def _revision(objects: dict) -> int:
    return objects["revision"]()


FILLS: dict[tuple[str, str], Fill] = {
    ("GET", "static"): NONE,
    ("GET", "bootstrap.static"): NONE,
    ("GET", "home.index"): NONE,
    ("GET", "home.healthz"): NONE,
    ("GET", "auth.login"): Fill(query={"next": _text("/c/mak")}),
    ("POST", "auth.login"): Fill(
        form={
            "email": _text(V("member_email")),
            "password": _text(DEMO_PASSWORD),
            "remember": Param("bool", "y"),
            "next": _text("/"),
        },
        headers={"User-Agent": _text("Mozilla/5.0")},
    ),
    ("GET", "auth.invitation"): NONE,
    ("POST", "auth.invitation"): Fill(
        form={
            "name": _text("Nowa Osoba"),
            "password": _text("bardzo-dlugie-haslo"),
            "repeat": _text("bardzo-dlugie-haslo"),
        }
    ),
    ("POST", "auth.logout"): NONE,
    ("POST", "auth.language"): Fill(form={"lang": _text("pl"), "next": _text("/")}),
    ("GET", "account.index"): NONE,
    ("POST", "account.index"): Fill(
        form={
            "current": _text(DEMO_PASSWORD),
            "new": _text("inne-bardzo-dlugie-haslo"),
            "repeat": _text("inne-bardzo-dlugie-haslo"),
        }
    ),
    ("POST", "account.email"): Fill(
        form={"email-email": _text("admin-nowy@example.org"), "email-current": _text(DEMO_PASSWORD)}
    ),
    ("POST", "account.grammar"): Fill(form={"grammar-grammatical_form": _text("feminine")}),
    ("GET", "account.confirm"): Fill(query={"next": _text("/")}),
    ("POST", "account.confirm"): Fill(form={"password": _text(DEMO_PASSWORD), "next": _text("/")}),
    ("POST", "account.revoke_token"): NONE,
    ("GET", "admin.organisations"): Fill(query={"q": _text("Warszawa"), "page": _int("1")}),
    ("POST", "admin.organisations"): Fill(form=ORGANISATION),
    ("GET", "admin.users"): Fill(query={"q": _text("example"), "page": _int("1")}),
    ("POST", "admin.users"): Fill(
        form={
            "name": _text("Fuzz"),
            "email": _text("fuzz@example.org"),
            "organisation_id": _int(V("organisation_id")),
            "is_admin": Param("bool", ""),
        }
    ),
    ("GET", "admin.person"): NONE,
    ("POST", "admin.person"): Fill(
        form={
            "name": _text(V("author_name")),
            "email": _text(V("author_email")),
            "organisation_id": _int(V("author_organisation_id")),
            "is_admin": Param("bool", ""),
            "active": Param("bool", "y"),
            "password": _text(DEMO_PASSWORD),
        }
    ),
    ("GET", "admin.clusters"): NONE,
    ("POST", "admin.clusters"): Fill(form=CLUSTER),
    ("GET", "admin.api_tokens"): NONE,
    ("POST", "admin.revoke_token"): NONE,
    ("POST", "api.auth_token"): Fill(
        json={"email": _text(V("member_email")), "password": _text(DEMO_PASSWORD)}
    ),
    ("GET", "api.list_clusters"): NONE,
    ("POST", "api.post_cluster"): Fill(json=CLUSTER),
    ("GET", "api.get_cluster"): NONE,
    ("POST", "api.post_document"): NONE,
    ("GET", "api.list_meetings"): NONE,
    ("POST", "api.post_member"): Fill(json={"user_id": _int(V("user_id")), "role": _text("member")}),
    ("GET", "api.get_section"): NONE,
    ("PUT", "api.put_section"): Fill(
        json={"content": Param("content", "Tekst"), "base_revision": _int(_revision)},
        headers={"If-Match": Param("if_match")},
    ),
    ("GET", "api.get_revisions"): Fill(query={"before": _int("5")}),
    ("POST", "api.post_proposal"): Fill(
        json={
            "content": Param("content", "Proponowany tekst"),
            "base_revision": _int(_revision),
            "note": _text("Dlaczego"),
        }
    ),
    ("GET", "api.get_proposals"): NONE,
    ("GET", "api.get_proposal"): NONE,
    ("POST", "api.accept_proposal"): Fill(json={"resolution": _text(None), "theirs_revision": _int(None)}),
    ("POST", "api.reject_proposal"): Fill(json={"reason": _text("Nie pasuje")}),
    ("POST", "api.withdraw_proposal"): NONE,
    ("GET", "api.comment_list"): Fill(query={"limit": _int("10"), "offset": _int("0")}),
    ("POST", "api.comment_create"): Fill(
        json={
            "body": _text("Uwaga"),
            "visibility": _text("all"),
            "kind": _text("remark"),
            "parent_id": _int(V("comment_id")),
            "quote": _text(""),
        }
    ),
    ("POST", "api.post_signoff"): NONE,
    ("DELETE", "api.delete_signoff"): NONE,
    ("POST", "api.post_transition"): Fill(json={"action": _text("return"), "reason": _text("Do poprawy")}),
    ("PATCH", "api.comment_edit"): Fill(json={"body": _text("Poprawiona uwaga")}),
    ("DELETE", "api.comment_delete"): NONE,
    ("POST", "api.comment_hide"): Fill(json={"reason": _text("Obraźliwa")}),
    ("POST", "api.comment_reopen"): NONE,
    ("POST", "api.comment_resolve"): Fill(json={"resolution": _text("Zrobione")}),
    ("GET", "api.get_document"): NONE,
    ("GET", "api.get_document_file"): NONE,
    ("GET", "api.get_document_pdf"): NONE,
    ("POST", "api.post_upload"): Fill(files={"file": Param("file", V("sheet"))}),
    ("GET", "api.get_compare"): Fill(query={"from": _int(V("document_id")), "to": _int(V("document_id"))}),
    ("POST", "api.post_publication"): Fill(json={"document_id": _int(V("document_id"))}),
    ("GET", "api.get_publication"): NONE,
    ("DELETE", "api.delete_publication"): NONE,
    ("GET", "publication.index"): NONE,
    ("GET", "publication.strategy"): NONE,
    ("GET", "publication.docx"): NONE,
    ("GET", "publication.pdf"): NONE,
    ("POST", "publication.publish"): NONE,
    ("POST", "publication.withdraw"): NONE,
    ("GET", "api.notification_list"): Fill(query={"unread": Param("bool", "true"), "limit": _int("10")}),
    ("POST", "api.notification_read"): Fill(json={"ids": Param("int_list", [1])}),
    ("GET", "api-docs.openapi_json"): NONE,
    ("POST", "api.post_organisation"): Fill(json=ORGANISATION),
    ("GET", "api.get_stats"): NONE,
    ("POST", "api.post_user"): Fill(
        json={
            "email": _text("fuzz-api@example.org"),
            "name": _text("Fuzz"),
            "password": _text("bardzo-dlugie-haslo"),
            "organisation_id": _int(V("organisation_id")),
        }
    ),
    ("GET", "clusters.detail"): NONE,
    ("POST", "clusters.add_member"): Fill(
        form={
            "user_id": _int(V("user_id")),
            "role": _text("member"),
            "password": _text(DEMO_PASSWORD),
        }
    ),
    ("POST", "clusters.delete_member"): NONE,
    ("GET", "workflow.audit"): Fill(query={"verb": _text("section"), "actor": _int(V("user_id"))}),
    ("POST", "workflow.stage_signoff"): Fill(form={"digest": _text("0" * 64)}),
    ("GET", "workflow.confirm_reopen"): NONE,
    ("GET", "workflow.confirm_signoff"): NONE,
    ("POST", "workflow.withdraw"): NONE,
    ("POST", "workflow.stage_transition"): Fill(
        form={"action": _text("return"), "reason": _text("Do poprawy")}
    ),
    ("GET", "documents.index"): NONE,
    ("POST", "documents.generate"): NONE,
    ("GET", "documents.download"): NONE,
    ("GET", "documents.download_pdf"): NONE,
    ("POST", "documents.upload"): Fill(files={"file": Param("file", V("sheet"))}),
    ("GET", "documents.upload_page"): NONE,
    ("POST", "documents.confirm_upload"): Fill(form={"part-0": _text("ignore")}),
    ("GET", "documents.compare"): Fill(query={"from": _int(V("document_id")), "to": _int(V("document_id"))}),
    ("GET", "polls.index"): NONE,
    ("GET", "polls.new"): Fill(query={"section": _text(None), "meeting": _text(None)}),
    ("POST", "polls.new"): Fill(
        form={
            "question": _text("Co najpierw?"),
            "kind": _text("dot"),
            "voter": _text("organisation"),
            "dots": _int("3"),
            "max_per_option": _int(None),
            "multiple": Param("bool", None),
            "items": _text(None),
            "typed": _text("Jeden\nDwa"),
            "meeting_id": _text(""),
            "closes_at": _text(None),
            "anonymous": Param("bool", None),
            "hide_results": Param("bool", None),
            "invite_observers": Param("bool", None),
        }
    ),
    ("GET", "polls.detail"): NONE,
    ("POST", "polls.vote"): Fill(form={"choice": _text(None)}),
    ("POST", "polls.close"): NONE,
    ("POST", "polls.apply"): NONE,
    ("GET", "polls.projector"): NONE,
    ("GET", "polls.live"): NONE,
    ("POST", "api.post_poll"): Fill(
        json={
            "question": _text("Co najpierw?"),
            "kind": _text("choice"),
            "options": Param("content", [{"label": "A"}, {"label": "B"}]),
            "voter": _text(None),
            "dots": _int(None),
            "max_per_option": _int(None),
            "multiple": Param("bool", None),
            "anonymous": Param("bool", None),
            "hide_results": Param("bool", None),
            "invite_observers": Param("bool", None),
            "closes_at": _text(None),
            "meeting_id": _int(None),
        }
    ),
    ("GET", "api.list_polls"): NONE,
    ("GET", "api.get_poll"): NONE,
    ("PUT", "api.put_vote"): Fill(
        json={
            "dots": Param("content", None),
            "ranking": Param("int_list", None),
            "scores": Param("content", None),
            "choices": Param("int_list", None),
        }
    ),
    ("POST", "api.post_close"): NONE,
    ("GET", "api.get_results"): NONE,
    ("GET", "meetings.index"): NONE,
    ("GET", "meetings.detail"): NONE,
    ("GET", "meetings.calendar_file"): NONE,
    ("GET", "meetings.export_attendance"): NONE,
    ("GET", "meetings.sheet_template"): NONE,
    ("GET", "meetings.new"): NONE,
    ("POST", "meetings.new"): Fill(form=NEW_MEETING),
    ("GET", "meetings.edit"): NONE,
    ("POST", "meetings.edit"): Fill(
        form={**MEETING_FORM, "version": _int(lambda objects: objects["meeting_version"]())}
    ),
    ("POST", "meetings.delete"): NONE,
    ("POST", "meetings.attend_person"): Fill(form={"user_id": _int(V("user_id"))}),
    ("POST", "meetings.attend_guest"): Fill(
        form={
            "name": _text("Gość Fuzz"),
            "organisation": _text("Fuzz"),
            "kind": _text("enterprise"),
        }
    ),
    ("POST", "meetings.unattend"): NONE,
    ("GET", "meetings.import_attendance"): NONE,
    ("POST", "meetings.import_attendance"): Fill(files={"file": Param("file", V("sheet"))}),
    ("POST", "meetings.confirm_import"): Fill(form={"payload": _text(V("sheet_payload"))}),
    ("GET", "sections.view"): Fill(query=COMMENT_PAGE),
    ("POST", "sections.save"): Fill(
        form={
            "base_revision": _int(_revision),
            "content": Param("json_text", '"Tekst"'),
            "text": _text(None),
            "resolution": _text(""),
            "theirs_revision": _int(""),
        }
    ),
    ("GET", "sections.history"): Fill(query={"before": _int("5")}),
    ("GET", "sections.diff"): Fill(query={"a": _int("0"), "b": _int("1")}),
    ("POST", "sections.restore"): NONE,
    ("GET", "proposals.new"): NONE,
    ("POST", "proposals.create"): Fill(
        form={
            "base_revision": _int(_revision),
            "text": _text("Proponowany tekst"),
            "content": Param("json_text", None),
            "note": _text("Dlaczego"),
        }
    ),
    ("POST", "proposals.accept"): Fill(form={"resolution": _text(""), "theirs_revision": _int("")}),
    ("POST", "proposals.reject"): Fill(form={"reason": _text("Nie pasuje")}),
    ("POST", "proposals.withdraw"): NONE,
    ("POST", "sections.here"): NONE,
    ("DELETE", "sections.here"): NONE,
    ("POST", "sections.preview"): Fill(json={"text": _text("**Tekst**")}),
    ("GET", "comments.page"): Fill(query=COMMENT_PAGE),
    ("POST", "comments.create"): Fill(form=COMMENT_FORM),
    ("POST", "comments.edit"): Fill(form={"body": _text("Poprawiona uwaga")}),
    ("POST", "comments.delete"): NONE,
    ("POST", "comments.hide"): Fill(form={"reason": _text("Obraźliwa")}),
    ("POST", "comments.resolve"): Fill(form={"resolution": _text("Zrobione")}),
    ("POST", "comments.reopen"): NONE,
    ("GET", "stats.agency"): NONE,
    ("GET", "stats.agency_csv"): NONE,
    ("GET", "stats.agency_chart"): Fill(query={"size": _text("narrow")}),
    ("GET", "stats.cluster"): NONE,
    ("GET", "stats.cluster_csv"): NONE,
    ("GET", "stats.cluster_chart"): Fill(query={"size": _text("narrow")}),
    ("GET", "notifications.index"): NONE,
    ("POST", "notifications.read_all"): NONE,
    ("POST", "notifications.open_one"): NONE,
    ("GET", "notifications.preferences"): NONE,
    ("POST", "notifications.preferences"): Fill(
        form={kind: _text(DELIVERY_MODES[0]) for kind in NOTIFICATION_KINDS}
    ),
    ("GET", "notifications.outbox"): NONE,
}


def resolve(valid: object, objects: dict) -> object:
    """The value to send for a parameter's `valid`."""
    if isinstance(valid, V):
        return objects[valid.name]
    if isinstance(valid, Callable):
        return valid(objects)
    return valid
