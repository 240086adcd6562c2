"""CSV and Excel downloads of the agreed-action list: exactly the filtered rows, in the
list's order, read in chunks from one query however many rows there are.

In Excel, dates are date cells and amounts and days are numbers, so that a spreadsheet
can sort and sum them. Text that a spreadsheet would take for a formula ("=", "+", "-",
"@") is kept as text.
"""

import csv
import tempfile
from collections.abc import Iterator
from datetime import date

from django.db.models import Case, DateField, DurationField, F, QuerySet, Value, When
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .dashboard import overdue_q, with_date_in_force
from .models import AgreedAction

CHUNK_SIZE = 2000
# (heading, Excel number format or None for text, column width)
COLUMNS = [
    ("LGSCO reference", None, 12),
    ("Action kind", None, 24),
    ("Description", None, 50),
    ("Organisation", None, 30),
    ("Service area", None, 30),
    ("Owner", None, 20),
    ("Payee", None, 10),
    ("Amount (£)", '"£"#,##0.00', 12),
    ("Deadline wording", None, 30),
    ("Due date", "dd/mm/yyyy", 12),
    ("Date in force", "dd/mm/yyyy", 12),
    ("Status", None, 10),
    ("Completed on", "dd/mm/yyyy", 12),
    ("Days overdue", "0", 8),
]
HEADINGS = [heading for heading, _, _ in COLUMNS]
_KINDS = dict(AgreedAction.Kind.choices)
_STATUSES = dict(AgreedAction.Status.choices)
_FIELDS = [
    "decision__complaint__reference",
    "kind",
    "description",
    "organisation__name",
    "service_area__directorate",
    "service_area__service",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "payee_label",
    "amount",
    "deadline_phrase",
    "due_date",
    "in_force",
    "status",
    "completed_on",
    "days_overdue",
]


def export_rows(actions: QuerySet, *, today: date) -> Iterator[list]:
    """One list of values per action, in the order of ``actions`` (the filtered list).

    The payee is the Ombudsman's anonymised label: no complainant's name is exported."""
    rows = (
        with_date_in_force(actions)
        .annotate(
            days_overdue=Case(
                When(
                    overdue_q(today),
                    then=Value(today, output_field=DateField()) - F("in_force"),
                ),
                default=None,
                output_field=DurationField(),
            )
        )
        .values(*_FIELDS)
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        owner = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
        yield [
            row["decision__complaint__reference"],
            _KINDS.get(row["kind"], row["kind"]),
            row["description"],
            row["organisation__name"],
            f"{row['service_area__directorate']}: {row['service_area__service']}"
            if row["service_area__service"] is not None
            else "",
            owner or row["owner__username"] or "",
            row["payee_label"],
            row["amount"],
            row["deadline_phrase"],
            row["due_date"],
            row["in_force"],
            _STATUSES.get(row["status"], row["status"]),
            row["completed_on"],
            row["days_overdue"].days if row["days_overdue"] else 0,
        ]


def _is_formula_like(value) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file whose write() hands back what it is given, for csv.writer to stream."""

    def write(self, value):
        return value


def csv_lines(rows: Iterator[list]) -> Iterator[str]:
    """The CSV text, line by line: ISO dates, amounts as plain numbers, a byte-order mark
    so that Excel reads the "£" and accents as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADINGS)
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row])


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if _is_formula_like(value):
        return "'" + value
    return value


def xlsx_file(rows: Iterator[list]):
    """The Excel workbook in a temporary file, rewound, for a FileResponse to send and
    close. Written in openpyxl's write-only mode: memory does not grow with the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Agreed actions")
    sheet.freeze_panes = "A2"
    for index, (_, _, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    header = []
    for heading in HEADINGS:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [number_format for _, number_format, _ in COLUMNS]
    for row in rows:
        cells = []
        for value, number_format in zip(row, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if number_format and value is not None:
                cell.number_format = number_format
            elif isinstance(value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text that merely starts with "=" stays text
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.TemporaryFile()  # closed by the FileResponse once sent
    workbook.save(handle)
    handle.seek(0)
    return handle
