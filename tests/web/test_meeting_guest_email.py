"""A guest's e-mail address from an imported sign-in sheet is kept (in its normal form) and comes back in
the attendance CSV for those who manage meetings; members' exports carry no addresses."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tests.conftest import sign_in
from tests.web.test_csv_import import HEADER, _confirm, _upload, meeting_id, moderator  # noqa: F401
from webapp.extensions import db
from webapp.models import Attendance


def _rows(response) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_a_guests_address_is_kept_and_exported_to_the_meetings_managers(app, moderator, accounts, meeting_id):  # noqa: F811
    sheet = HEADER + "Zofia Żółć; Zofia.Zolc@Example.ORG ;Fundacja Łąka;IOB;2014-03-25\nJerzy Gość;;;;\n"
    preview = _upload(moderator, meeting_id, sheet.encode("utf-8"))
    assert preview.status_code == 200
    assert _confirm(moderator, meeting_id, preview.get_data(as_text=True)).status_code == 302
    with app.app_context():
        kept = db.session.execute(
            select(Attendance.guest_name, Attendance.guest_email)
            .where(Attendance.meeting_id == meeting_id)
            .order_by(Attendance.id)
        ).all()
    assert [tuple(row) for row in kept] == [("Zofia Żółć", "zofia.zolc@example.org"), ("Jerzy Gość", "")]

    exported = _rows(moderator.get(f"/c/makros/meetings/{meeting_id}/attendance.csv"))
    by_name = {row[0]: row for row in exported[1:]}
    assert by_name["Zofia Żółć"][1] == "zofia.zolc@example.org"
    assert by_name["Jerzy Gość"][1] == ""

    member = app.test_client()
    sign_in(member, accounts.email("member", "makros"))
    for row in _rows(member.get(f"/c/makros/meetings/{meeting_id}/attendance.csv"))[1:]:
        assert row[1] == "", "a member's export carries no addresses"
