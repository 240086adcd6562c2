"""CSV and Excel downloads of any list: the writers and the response, shared by every app.

In Excel, dates are date cells and amounts and counts are numbers, so that a spreadsheet
can sort and sum them. Text that a spreadsheet would take for a formula ("=", "+", "-",
"@") is kept as text in both formats. Control characters already stored (a vertical tab
pasted from Word before forms refused them) are left out of both.
"""

import csv
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from .control_characters import without_control_characters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = "dd/mm/yyyy"
POUNDS = '"£"#,##0.00'
WHOLE = "0"
SHEET = "xl/worksheets/sheet1.xml"  # where openpyxl puts a workbook's first sheet


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


class _Sent:
    """A file that keeps what is written to it until taken: the bytes of a download
    ready to go. Not seekable, so that zipfile writes each member's sizes after its
    data (a data descriptor) rather than going back to its header."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class _SheetWriter(WorksheetWriter):
    """openpyxl's writer of a write-only sheet's XML, writing into the workbook's zip
    member as the rows come rather than into a temporary file copied in at the end."""

    def cleanup(self) -> None:
        pass  # no temporary file to remove


class _Workbook(zipfile.ZipFile):
    """The workbook's zip archive. openpyxl copies a write-only sheet's XML in from its
    file when the workbook is saved; the sheet streamed here is in the archive already."""

    streamed: set[str]

    def write(self, filename, arcname=None, *args, **kwargs) -> None:
        if arcname in self.streamed:
            return
        super().write(filename, arcname, *args, **kwargs)


def _xlsx_cells(sheet, row: list, formats: list[str | None]) -> list:
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
    return cells


def xlsx_chunks(columns: list[Column], rows: Iterable[list], *, title: str) -> Iterator[bytes]:
    """The Excel workbook, streamed: its bytes go out as its rows are read, so that a
    national download starts at once, and memory does not grow with the rows.

    openpyxl (write-only mode) writes the cells and every part of the workbook, and the
    standard library's zipfile compresses them as they come: the sheet's XML first, then
    the parts that depend on it (the styles its cells used, the workbook, the manifest).
    Each member's sizes follow its data, as with every streamed zip; Excel, LibreOffice
    and openpyxl read it. A sheet over 4 GiB (some 20 million rows) is refused by
    zipfile rather than written as Zip64, which Excel reads only in a form of its own."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    sent = _Sent()
    archive = _Workbook(sent, "w", compression=zipfile.ZIP_DEFLATED)
    archive.streamed = {SHEET}
    info = zipfile.ZipInfo(SHEET, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as member:
        # A write-only sheet writes each row's XML through its writer as it is appended
        # (openpyxl makes one on the first append, onto a temporary file): this one
        # writes into the zip.
        sheet._writer = _SheetWriter(sheet, out=member)
        sheet._writer.write_top()
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        yield sent.take()  # the zip's first header
        formats = [column.number_format for column in columns]
        for row in rows:
            sheet.append(_xlsx_cells(sheet, row, formats))
            if chunk := sent.take():
                yield chunk
        sheet.close()
    yield sent.take()
    ExcelWriter(workbook, archive).save()  # the other parts, and the zip's directory
    yield sent.take()


def download_response(fmt: str, columns: list[Column], rows: Iterable[list], *, name: str):
    """A CSV or Excel download, streamed, named ``name``.csv / .xlsx, never cached."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = StreamingHttpResponse(xlsx_chunks(columns, rows, title=name), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
