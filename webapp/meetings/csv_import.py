"""Read a sign-in sheet (CSV) into attendance rows, marking every bad row with a reason.

Pure of the database: the caller passes what the rows are checked against (the meeting's
days, the cluster's people, known organisations, who already attends), so the same
parse serves the preview and, run again on the same bytes, the import itself. Nothing
from the browser is trusted between the two steps.

The file format is fixed and Polish, like the paper sheet it copies: the headers of
`TEMPLATE_HEADERS`, separated by semicolons or commas, in UTF-8 or Windows-1250.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from flask_babel import format_date
from flask_babel import gettext as _

from webapp.csv_export import csv_bytes
from workflows import emails

#: The columns of the template, in its order (a data format, so not translated).
TEMPLATE_HEADERS: tuple[str, ...] = (
    "Imię i nazwisko",
    "E-mail",
    "Organizacja",
    "Rodzaj organizacji",
    "Data",
)
COLUMNS: tuple[str, ...] = ("name", "email", "organisation", "kind", "date")

#: Accepted spellings of each header, after `fold` (Polish first, English too).
HEADER_ALIASES: dict[str, str] = {
    "imie i nazwisko": "name",
    "nazwisko i imie": "name",
    "uczestnik": "name",
    "name": "name",
    "e-mail": "email",
    "email": "email",
    "adres e-mail": "email",
    "organizacja": "organisation",
    "instytucja": "organisation",
    "organisation": "organisation",
    "organization": "organisation",
    "rodzaj organizacji": "kind",
    "rodzaj": "kind",
    "kind": "kind",
    "data": "date",
    "date": "date",
}

#: Kinds of organisation as people write them on the sheet, after `fold`.
KIND_ALIASES: dict[str, str] = {
    "przedsiebiorstwo": "enterprise",
    "przedsiebiorca": "enterprise",
    "firma": "enterprise",
    "enterprise": "enterprise",
    "iob": "business_support",
    "instytucja otoczenia biznesu": "business_support",
    "business_support": "business_support",
    "business-support institution": "business_support",
    "nauka": "science",
    "uczelnia": "science",
    "jednostka naukowa": "science",
    "science": "science",
    "inne": "other",
    "inna": "other",
    "other": "other",
}
#: How the export writes each kind (the words of the Polish sheet).
KIND_WORDS: dict[str, str] = {
    "enterprise": "przedsiębiorstwo",
    "business_support": "IOB",
    "science": "nauka",
    "other": "inne",
}

#: A sign-in sheet has tens of rows, a conference's a few hundred; more is a wrong file.
MAX_ROWS = 2000
MAX_BYTES = 1024 * 1024
MAX_TEXT = 200

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y")
#: Windows-1250 reading of ISO-8859-2's ą ś Ś ź Ź Ą: a sign the file is in Latin-2.
_LATIN2_SIGNS = frozenset("±¶¦Ľ¬ˇ")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Person:
    """Someone of the cluster with an account, as the sheet may name them by e-mail."""

    user_id: int
    name: str
    organisation_id: int | None


@dataclass(frozen=True)
class SheetContext:
    """What rows are checked against; built from the database by the caller."""

    first_day: date
    last_day: date
    people_by_email: Mapping[str, Person]
    organisations: Mapping[str, tuple[int, str]]  # folded name -> (id, kind)
    attending_users: frozenset[int]
    attending_guests: frozenset[tuple[str, str]]  # (folded name, folded organisation)


@dataclass
class SheetRow:
    line: int
    name: str = ""
    email: str = ""
    organisation: str = ""
    kind: str = ""
    day: date | None = None
    user_id: int | None = None
    account_name: str = ""
    organisation_id: int | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    #: Problems of the whole file (encoding, delimiter, columns, size), line 1 or none.
    problems: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    @property
    def bad_rows(self) -> list[SheetRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        """Importable: all rows good, at least one of them (all rows or none)."""
        return not self.problems and bool(self.rows) and not self.bad_rows


class _SheetProblem(Exception):
    pass


def fold(text: str) -> str:
    """Case-, accent- and space-insensitive form, for matching headers, kinds and names."""
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise _SheetProblem(
            _("The file is in UTF-16 or is not a text file. Save it as CSV in UTF-8 or Windows-1250.")
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1250")
    except UnicodeDecodeError:
        raise _SheetProblem(
            _("The file's encoding is not recognised. Save it as CSV in UTF-8 or Windows-1250.")
        ) from None
    if _LATIN2_SIGNS & set(text):
        raise _SheetProblem(
            _("The file seems to be in ISO-8859-2, not UTF-8 or Windows-1250. Save it again as CSV in UTF-8.")
        )
    return text, "Windows-1250"


def _delimiter(header_line: str) -> str:
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if semicolons or commas:
        return ";" if semicolons >= commas else ","
    if "\t" in header_line or "|" in header_line:
        raise _SheetProblem(_("Separate the columns with semicolons or commas (line 1)."))
    return ";"  # a single column: the names alone


def _columns(header: list[str]) -> list[str]:
    columns, unknown = [], []
    for cell in header:
        column = HEADER_ALIASES.get(fold(cell))
        if column is None:
            unknown.append(cell.strip() or "—")
        columns.append(column)
    if unknown:
        raise _SheetProblem(
            _(
                "Unknown columns on line 1: %(columns)s. Use the template's columns: %(expected)s.",
                columns=", ".join(unknown),
                expected="; ".join(TEMPLATE_HEADERS),
            )
        )
    doubled = sorted({c for c in columns if columns.count(c) > 1})
    if doubled:
        names = [TEMPLATE_HEADERS[COLUMNS.index(c)] for c in doubled]
        raise _SheetProblem(_("Columns appear twice on line 1: %(columns)s.", columns=", ".join(names)))
    if "name" not in columns:
        raise _SheetProblem(_("The column %(column)s is missing (line 1).", column=TEMPLATE_HEADERS[0]))
    return columns


def _parse_day(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _check_row(row: SheetRow, context: SheetContext) -> None:
    errors = row.errors
    if not row.name:
        errors.append(_("The name is missing."))
    if len(row.name) > MAX_TEXT or len(row.organisation) > MAX_TEXT:
        errors.append(_("A name or organisation is longer than %(limit)d characters.", limit=MAX_TEXT))
    if row.email:
        try:  # read as every address entering the studio is (workflows.emails)
            address = emails.normalise(row.email)
        except emails.AddressRefused:
            errors.append(_("The e-mail address %(email)s is not valid.", email=row.email))
        else:
            row.email = address  # a guest's address is kept in its normal form
            if person := context.people_by_email.get(address.casefold()):
                row.user_id, row.account_name = person.user_id, person.name
                row.organisation_id = person.organisation_id
    if row.kind:
        kind = KIND_ALIASES.get(fold(row.kind))
        if kind is None:
            errors.append(
                _(
                    "Unknown kind of organisation %(kind)s: write %(allowed)s.",
                    kind=row.kind,
                    allowed=", ".join(KIND_WORDS.values()),
                )
            )
        row.kind = kind or row.kind
    if row.user_id is None and row.organisation:
        known = context.organisations.get(fold(row.organisation))
        if known is not None:
            row.organisation_id = known[0]
            row.kind = row.kind if row.kind in KIND_WORDS else known[1]


def _check_day(row: SheetRow, cell: str, context: SheetContext) -> None:
    if not cell:
        return
    row.day = _parse_day(cell)
    if row.day is None:
        row.errors.append(_("The date %(date)s is not a date (write YYYY-MM-DD).", date=cell))
    elif not context.first_day <= row.day <= context.last_day:
        meeting = format_date(context.first_day, "medium")
        if context.last_day != context.first_day:
            meeting += " – " + format_date(context.last_day, "medium")
        row.errors.append(
            _(
                "The date %(date)s is outside the meeting (%(meeting)s).",
                date=format_date(row.day, "medium"),
                meeting=meeting,
            )
        )


def _check_duplicates(rows: list[SheetRow], context: SheetContext) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        if not row.name:
            continue
        if row.user_id is not None:
            key: tuple = ("user", row.user_id)
            already = row.user_id in context.attending_users
        else:
            guest = (fold(row.name), fold(row.organisation))
            key = ("guest", *guest)
            already = guest in context.attending_guests
        if key in seen:
            row.errors.append(_("The same person as on line %(line)d.", line=seen[key]))
        else:
            seen[key] = row.line
        if already:
            row.errors.append(_("This person is already on the attendance list."))


def parse_sheet(data: bytes, context: SheetContext) -> Sheet:
    """Every row of the sheet, checked; `Sheet.ok` says whether it may be imported."""
    sheet = Sheet()
    try:
        _read(data, context, sheet)
    except _SheetProblem as problem:
        sheet.problems.append(str(problem))
        sheet.rows = []
    return sheet


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-blank record, as the csv parser reads them: a record
    may span lines (a quoted line break) and a line may end in CR, LF or CRLF."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):  # blank lines, also before the header
                yield reader.line_num, cells
    except csv.Error as error:
        raise _SheetProblem(
            _(
                "The file cannot be read as CSV near line %(line)d: %(error)s.",
                line=reader.line_num,
                error=error,
            )
        ) from None


def _too_many_rows(text: str, delimiter: str) -> bool:
    """More than MAX_ROWS rows under the header? Counted on what the parser yields (a
    count of b"\n" misses files ending lines in CR alone), stopping at the first extra."""
    try:
        extra = next(islice(_records(text, delimiter), MAX_ROWS + 1, None), None)
    except _SheetProblem:
        return False  # unreadable before the limit: the parse names the problem and its line
    return extra is not None


def _read(data: bytes, context: SheetContext, sheet: Sheet) -> None:
    if not data.strip():
        raise _SheetProblem(_("The file is empty."))
    text, sheet.encoding = _decode(data)
    if _CONTROL_RE.search(text):
        raise _SheetProblem(_("The file holds control characters: it is not a CSV text file."))
    # The first line as the csv parser ends it (str.splitlines knows more line breaks).
    first_line = _LINE_END.split(text.lstrip("\r\n"), maxsplit=1)[0]
    sheet.delimiter = _delimiter(first_line)
    # Rows first (the clearer reason for a 50,000-row file), then the size; both before
    # any row is checked. Rows are looked for in the first MAX_BYTES characters only, so
    # even an upload of blank lines costs a bounded parse.
    if _too_many_rows(text[:MAX_BYTES], sheet.delimiter):
        raise _SheetProblem(
            _(
                "The file has more than %(limit)d rows. Import at most %(limit)d at a time.",
                limit=MAX_ROWS,
            )
        )
    if len(data) > MAX_BYTES:
        raise _SheetProblem(_("The file is larger than %(size)s.", size="1 MB"))
    header: list[str] | None = None
    for line, cells in _records(text, sheet.delimiter):
        if header is None:
            header = _columns(cells)
            continue
        sheet.rows.append(_row(line, cells, header, sheet.delimiter, context))
    if not sheet.rows:
        raise _SheetProblem(_("The file has a header but no rows."))
    _check_duplicates(sheet.rows, context)


def _row(line: int, cells: list[str], header: list[str], delimiter: str, context: SheetContext) -> SheetRow:
    row = SheetRow(line=line)
    if len(cells) != len(header):
        row.errors.append(
            _(
                "Expected %(expected)d columns separated by “%(delimiter)s”, found %(found)d.",
                expected=len(header),
                found=len(cells),
                delimiter=delimiter,
            )
        )
    values = {column: cell.strip() for column, cell in zip(header, cells, strict=False)}
    row.name = " ".join(values.get("name", "").split())
    row.email = values.get("email", "")
    row.organisation = " ".join(values.get("organisation", "").split())
    row.kind = values.get("kind", "")
    if not row.errors:
        _check_row(row, context)
        _check_day(row, values.get("date", ""), context)
    return row


# --- writing ------------------------------------------------------------------------


def write_sheet(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """The template's format (csv_export's: semicolons, UTF-8 with a BOM, no formulas)."""
    return csv_bytes([TEMPLATE_HEADERS, *rows])


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, "")
