"""CSV and Excel downloads of any list: the writers and the response, shared by every app.

In Excel, dates are date cells and amounts and counts are numbers, so that a spreadsheet
can sort and sum them. Text that a spreadsheet would take for a formula ("=", "+", "-",
"@") is kept as text in both formats. Control characters already stored (a vertical tab
pasted from Word before forms refused them) are left out of both.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .control_characters import without_control_characters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = "dd/mm/yyyy"
POUNDS = '"£"#,##0.00'
WHOLE = "0"


@dataclass(frozen=True)
class Column:
    heading: str
    number_format: str | None = None  # Excel's format for dates and numbers; None: text
    width: int = 15


def _is_formula_like(value) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file whose write() hands back what it is given, for csv.writer to stream."""

    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        value = without_control_characters(value)
    if _is_formula_like(value):
        return "'" + value
    return value


def csv_lines(columns: list[Column], rows: Iterable[list]) -> Iterator[str]:
    """The CSV text, line by line: ISO dates, amounts as plain numbers, a byte-order mark
    so that Excel reads the "£" and accents as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.heading for c in columns])
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row])


def xlsx_file(columns: list[Column], rows: Iterable[list], *, title: str):
    """The Excel workbook in a temporary file, rewound, for a FileResponse to send and
    close. Written in openpyxl's write-only mode: memory does not grow with the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [column.number_format for column in columns]
    for row in rows:
        cells = []
        for value, number_format in zip(row, formats, strict=True):
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            elif isinstance(value, str):
                # Control characters (a vertical tab pasted from Word) cannot be stored in a
                # workbook: openpyxl refuses the whole file. They are left out of the cell.
                value = without_control_characters(value)
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


def download_response(fmt: str, columns: list[Column], rows: Iterable[list], *, name: str):
    """A CSV (streamed) or Excel download named ``name``.csv / .xlsx, never cached."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = FileResponse(
            xlsx_file(columns, rows, title=name),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type=XLSX,
        )
    response["Cache-Control"] = "private, no-store"
    return response
