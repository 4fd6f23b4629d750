"""Importing a sign-in sheet: good files land whole, bad ones not at all, each bad row named."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import page_csrf, sign_in
from webapp.extensions import db
from webapp.models import Attendance, Cluster, Meeting, Organisation, User

EN = {"Accept-Language": "en"}
HEADER = "Imię i nazwisko;E-mail;Organizacja;Rodzaj organizacji;Data\n"


@pytest.fixture
def meeting_id(app) -> int:  # noqa: ANN001
    """A meeting of makros on 25 March 2014, 10:00 in Warsaw, with nobody on its list."""
    with app.app_context():
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.slug == "makros"))
        meeting = Meeting(
            cluster_id=cluster_id,
            kind="other",
            title="Spotkanie",
            starts_at=datetime(2014, 3, 25, 9, 0, tzinfo=UTC),
            held=True,
            section_keys=[],
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


@pytest.fixture
def moderator(client, accounts):  # noqa: ANN001, ANN201
    sign_in(client, accounts.email("moderator", "makros"))
    return client


def _upload(client, meeting_id: int, data: bytes, filename: str = "lista.csv"):  # noqa: ANN001, ANN202
    url = f"/c/makros/meetings/{meeting_id}/import"
    form = {"csrf_token": page_csrf(client, url), "file": (io.BytesIO(data), filename)}
    return client.post(url, data=form, content_type="multipart/form-data", headers=EN)


def _confirm(client, meeting_id: int, html: str):  # noqa: ANN001, ANN202
    payload = re.search(r'id="payload" name="payload" type="hidden" value="([^"]+)"', html)
    assert payload, "no confirmation form on the preview"
    url = f"/c/makros/meetings/{meeting_id}/import/confirm"
    return client.post(
        url,
        data={"csrf_token": page_csrf(client, url.rsplit("/", 1)[0]), "payload": payload.group(1)},
        headers=EN,
    )


def _attendance(app, meeting_id: int) -> list[tuple]:  # noqa: ANN001
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                select(
                    Attendance.user_id,
                    Attendance.guest_name,
                    Attendance.guest_organisation,
                    Attendance.guest_kind,
                    Attendance.organisation_id,
                )
                .where(Attendance.meeting_id == meeting_id)
                .order_by(Attendance.id)
            ).all()
        ]


def _bad_lines(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="table-danger bad-row" data-line="(\d+)"', html)]


def _member(app, accounts, index: int) -> tuple[int, str]:  # noqa: ANN001
    email = accounts.email("member", "makros", index)
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email)), email


# --- good files ----------------------------------------------------------------------


def test_accounts_and_guests_import_in_utf8(app, moderator, accounts, meeting_id):
    user_id, email = _member(app, accounts, 0)
    sheet = (
        HEADER
        + f"Ktoś z konta;{email.upper()};;;2014-03-25\n"
        + "Zofia Żółć;;Fundacja Łąka;IOB;25.03.2014\n"
        + "\n"
        + "Jerzy Gość;;;;\n"
    )
    preview = _upload(moderator, meeting_id, sheet.encode("utf-8"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert _bad_lines(html) == []
    assert 'data-ok="true"' in html
    assert _attendance(app, meeting_id) == []  # the preview writes nothing
    done = _confirm(moderator, meeting_id, html)
    assert done.status_code == 302
    rows = _attendance(app, meeting_id)
    assert len(rows) == 3
    assert rows[0][0] == user_id
    assert rows[1][:4] == (None, "Zofia Żółć", "Fundacja Łąka", "business_support")
    assert rows[2][:4] == (None, "Jerzy Gość", "", "")


def test_windows_1250_with_commas(app, moderator, meeting_id):
    sheet = "Imię i nazwisko,Organizacja,Rodzaj organizacji\r\nŁukasz Świątek,Uczelnia Ślężna,nauka\r\n"
    preview = _upload(moderator, meeting_id, sheet.encode("cp1250"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "Windows-1250" in html
    assert _confirm(moderator, meeting_id, html).status_code == 302
    assert _attendance(app, meeting_id)[0][1:4] == ("Łukasz Świątek", "Uczelnia Ślężna", "science")


def test_bom_english_headers_and_quoted_delimiters(app, moderator, meeting_id):
    sheet = 'name;organisation\r\n"Kowalski; Jan";"Firma ""Kłos"""\r\n'
    preview = _upload(moderator, meeting_id, b"\xef\xbb\xbf" + sheet.encode("utf-8"))
    assert preview.status_code == 200
    assert _confirm(moderator, meeting_id, preview.get_data(as_text=True)).status_code == 302
    assert _attendance(app, meeting_id)[0][1:3] == ("Kowalski; Jan", 'Firma "Kłos"')


def test_names_alone_and_known_organisations(app, moderator, meeting_id):
    with app.app_context():
        org_id, org_name, org_kind = db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.kind).where(
                Organisation.kind == "science"
            )
        ).first()
    only_names = _upload(moderator, meeting_id, "Imię i nazwisko\nAnna Nowak\nPiotr Zieliński\n".encode())
    assert only_names.status_code == 200
    assert _confirm(moderator, meeting_id, only_names.get_data(as_text=True)).status_code == 302
    known = _upload(
        moderator, meeting_id, f"Imię i nazwisko;Organizacja\nEwa Kos;{org_name.upper()}\n".encode()
    )
    assert known.status_code == 200
    assert _confirm(moderator, meeting_id, known.get_data(as_text=True)).status_code == 302
    rows = _attendance(app, meeting_id)
    assert [r[1] for r in rows] == ["Anna Nowak", "Piotr Zieliński", "Ewa Kos"]
    assert rows[2][3:] == (org_kind, org_id)


def test_a_full_sheet_imports_in_one_go(app, moderator, meeting_id):
    """The largest sheet accepted (2,000 rows) goes through preview and confirmation."""
    rows = "".join(
        f"Uczestnik Numer {i:04d};;Przedsiębiorstwo Przykładowe {i % 97};firma;\n" for i in range(2000)
    )
    started = time.monotonic()
    preview = _upload(moderator, meeting_id, (HEADER + rows).encode())
    assert preview.status_code == 200
    assert _confirm(moderator, meeting_id, preview.get_data(as_text=True)).status_code == 302
    assert time.monotonic() - started < 60
    assert len(_attendance(app, meeting_id)) == 2000


def test_formulas_are_exported_as_text(app, moderator, meeting_id):
    sheet = (HEADER + '=HYPERLINK("http://x");;+48 Firma;;\n').encode()
    assert (
        _confirm(
            moderator, meeting_id, _upload(moderator, meeting_id, sheet).get_data(as_text=True)
        ).status_code
        == 302
    )
    exported = moderator.get(f"/c/makros/meetings/{meeting_id}/attendance.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and ";'+48 Firma;" in exported


# --- bad files: nothing imported, every bad row named --------------------------------------

MANY = (HEADER + "".join(f"Osoba {i};;Firma {i};;\n" for i in range(50_000))).encode()

# (case, file, bad lines, words of the reason) -- no bad lines: a problem of the whole file
BAD_FILES = [
    (
        "tab delimiter",
        "Imię i nazwisko\tOrganizacja\nAnna\tFirma\n".encode(),
        [],
        "semicolons or commas",
    ),
    (
        "pipe delimiter",
        "Imię i nazwisko|Organizacja\nAnna|Firma\n".encode(),
        [],
        "semicolons or commas",
    ),
    (
        "unknown column",
        "Imię i nazwisko;Telefon\nAnna;123\n".encode(),
        [],
        "Unknown columns on line 1: Telefon",
    ),
    ("no name column", b"Organizacja;E-mail\nFirma;a@b.pl\n", [], "is missing (line 1)"),
    ("column twice", "Imię i nazwisko;Name\nAnna;Anna\n".encode(), [], "appear twice"),
    (
        "missing names",
        (HEADER + "Anna Nowak;;;;\n;;Firma;;\n   ;;;;2014-03-25\n").encode(),
        [3, 4],
        "The name is missing",
    ),
    (
        "duplicate guests",
        (HEADER + "Anna Nowak;;Firma;;\nPiotr;;;;\n anna  NOWAK ;;firma;;\n").encode(),
        [4],
        "The same person as on line 2",
    ),
    (
        "date outside the meeting",
        (HEADER + "Anna;;;;2014-03-25\nPiotr;;;;2014-03-26\n").encode(),
        [3],
        "is outside the meeting",
    ),
    ("not a date", (HEADER + "Anna;;;;wczoraj\n").encode(), [2], "is not a date"),
    (
        "unknown kind",
        (HEADER + "Anna;;Firma;korporacja;\n").encode(),
        [2],
        "Unknown kind of organisation",
    ),
    ("bad e-mail", (HEADER + "Anna;anna(at)firma.pl;;;\n").encode(), [2], "is not valid"),
    ("name too long", (HEADER + "A" * 201 + ";;;;\n").encode(), [2], "longer than 200"),
    (
        "rows with another delimiter",
        (HEADER + "Anna,,Firma,,\nPiotr;;;;\nEwa,,,,\n").encode(),
        [2, 4],
        "Expected 5 columns",
    ),
    (
        "ISO-8859-2",
        "Imię i nazwisko\nŁukasz Świątek\nAnna Ząbek\n".encode("iso-8859-2"),
        [],
        "ISO-8859-2",
    ),
    ("UTF-16", "Imię i nazwisko\nAnna\n".encode("utf-16"), [], "UTF-16"),
    (
        "spreadsheet, not CSV",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),
        [],
        "not a text file",
    ),
    ("undecodable bytes", b"Imi\x98 i nazwisko\nAnna\n", [], "encoding is not recognised"),
    ("empty file", b"", [], "The file is empty"),
    ("header only", HEADER.encode(), [], "no rows"),
    ("50,000 rows", MANY, [], "more than 2000 rows"),
]


@pytest.mark.parametrize(("case", "data", "lines", "reason"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_import_nothing(app, moderator, meeting_id, case, data, lines, reason):
    started = time.monotonic()
    preview = _upload(moderator, meeting_id, data)
    assert time.monotonic() - started < 10
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422, case
    assert reason in html, case
    assert _bad_lines(html) == lines, case
    if not lines:
        assert 'id="sheet-problems"' in html
    for line in lines:  # the reason stands in the row of that line
        row = html.split(f'data-line="{line}"', 1)[1].split("</tr>", 1)[0]
        assert 'class="mb-0 ps-3 row-errors"' in row
    assert 'id="confirm-import"' not in html
    assert _attendance(app, meeting_id) == []


def test_duplicates_by_email_and_people_already_listed(app, moderator, accounts, meeting_id):
    _user_id, email = _member(app, accounts, 1)
    twice = (HEADER + f"Jan;{email};;;\nJan K.;{email};;;\n").encode()
    html = _upload(moderator, meeting_id, twice).get_data(as_text=True)
    assert _bad_lines(html) == [3] and "The same person as on line 2" in html
    good = (HEADER + f"Jan;{email};;;\nGość;;Firma;;\n").encode()
    assert (
        _confirm(
            moderator, meeting_id, _upload(moderator, meeting_id, good).get_data(as_text=True)
        ).status_code
        == 302
    )
    again = _upload(moderator, meeting_id, good)
    assert again.status_code == 422
    assert _bad_lines(again.get_data(as_text=True)) == [2, 3]
    assert "already on the attendance list" in again.get_data(as_text=True)
    assert len(_attendance(app, meeting_id)) == 2


def test_a_sheet_that_went_stale_before_confirming_imports_nothing(app, moderator, meeting_id):
    """Checked again on confirmation: all rows or none, in one transaction."""
    sheet = (HEADER + "Anna Nowak;;Firma;;\nPiotr Zieliński;;;;\n").encode()
    html = _upload(moderator, meeting_id, sheet).get_data(as_text=True)
    url = f"/c/makros/meetings/{meeting_id}"
    added = moderator.post(
        f"{url}/attendance/guest",
        data={
            "csrf_token": page_csrf(moderator, url),
            "name": "Piotr Zieliński",
            "organisation": "",
            "kind": "",
        },
    )
    assert added.status_code == 302
    stale = _confirm(moderator, meeting_id, html)
    assert stale.status_code == 422
    assert _bad_lines(stale.get_data(as_text=True)) == [3]
    assert [r[1] for r in _attendance(app, meeting_id)] == ["Piotr Zieliński"]


@pytest.mark.parametrize("payload", ["not base64!", "aGVsbG8=", ""])
def test_a_tampered_confirmation_imports_nothing(app, moderator, meeting_id, payload):
    url = f"/c/makros/meetings/{meeting_id}/import/confirm"
    response = moderator.post(
        url, data={"csrf_token": page_csrf(moderator, url.rsplit("/", 1)[0]), "payload": payload}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/makros/meetings/{meeting_id}/import")
    assert _attendance(app, meeting_id) == []


def test_members_may_not_import(app, client, accounts, meeting_id):
    sign_in(client, accounts.email("member", "makros"))
    url = f"/c/makros/meetings/{meeting_id}/import"
    token = page_csrf(client, "/c/makros/meetings")
    response = client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(b"Imi\xc4\x99 i nazwisko\nA\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(Attendance.id)).where(Attendance.meeting_id == meeting_id))
            == 0
        )


def test_exported_attendance_imports_into_another_meeting(app, moderator, accounts, meeting_id):
    """The export is the template's format: a list can be carried over as it is."""
    with app.app_context():
        workshop = db.session.scalar(
            select(Meeting.id).join(Cluster).where(Cluster.slug == "makros", Meeting.number == 1)
        )
        expected = db.session.scalar(
            select(func.count(Attendance.id)).where(Attendance.meeting_id == workshop)
        )
    exported = moderator.get(f"/c/makros/meetings/{workshop}/attendance.csv").data
    # The dates are those of workshop 1: refused here, with every row named...
    refused = _upload(moderator, meeting_id, exported)
    assert refused.status_code == 422
    assert len(_bad_lines(refused.get_data(as_text=True))) == expected
    # ...and accepted once the date column is emptied.
    text = exported.decode("utf-8-sig")
    cleared = "\r\n".join(line.rsplit(";", 1)[0] + ";" for line in text.strip().split("\r\n"))
    preview = _upload(
        moderator,
        meeting_id,
        cleared.replace("Rodzaj organizacji;", "Rodzaj organizacji;Data", 1).encode(),
    )
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert _confirm(moderator, meeting_id, preview.get_data(as_text=True)).status_code == 302
    assert len(_attendance(app, meeting_id)) == expected


# --- the row limit counts the rows the parser reads ---------------------------------------

LIMIT = 2000  # webapp.meetings.csv_import.MAX_ROWS, written out: the message names it


def _sheet(rows: list[str], end: str) -> bytes:
    return end.join([HEADER.rstrip("\n"), *rows, ""]).encode()


def _refused_for_rows(app, moderator, meeting_id: int, data: bytes) -> None:  # noqa: ANN001
    preview = _upload(moderator, meeting_id, data)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert f"more than {LIMIT} rows" in html
    assert 'id="confirm-import"' not in html and _bad_lines(html) == []
    assert _attendance(app, meeting_id) == []


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_one_row_over_the_limit_is_refused_whatever_ends_the_lines(app, moderator, meeting_id, end):
    rows = [f"Osoba {i};;Firma {i};;" for i in range(LIMIT + 1)]
    _refused_for_rows(app, moderator, meeting_id, _sheet(rows, end))


def test_tens_of_thousands_of_cr_lines_under_a_megabyte_are_refused(app, moderator, meeting_id):
    """The issue's file: CR line ends, so no b"\\n" to count, and under the size limit."""
    data = _sheet([f"O{i};;;;" for i in range(40_000)], "\r")
    assert len(data) < 1024 * 1024 and b"\n" not in data
    _refused_for_rows(app, moderator, meeting_id, data)


def test_quoted_line_breaks_are_part_of_one_row(app, moderator, meeting_id):
    """A cell may hold a line break: 2,000 such rows are 4,000 lines but 2,000 rows."""
    rows = [f'Osoba {i};;"Firma {i}\nOddział {i}";;' for i in range(LIMIT)]
    preview = _upload(moderator, meeting_id, _sheet(rows, "\r\n"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert 'data-ok="true"' in html and "Firma 7 Oddział 7" in html
    quoted = [f'Osoba {i};;"Firma {i}\r\nOddział {i}";;' for i in range(LIMIT + 1)]
    _refused_for_rows(app, moderator, meeting_id, _sheet(quoted, "\r\n"))
