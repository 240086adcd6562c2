"""The import file: its columns (the documented layout) and reading it into rows."""

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

from ombudsman import uploads


@dataclass(frozen=True)
class ImportColumn:
    name: str
    required: bool
    help: str
    example: str = ""
    per_decision: bool = True  # repeated on every row of one decision
    # The field of the complaint, decision or agreed action the column fills (its name on
    # the forms and in the rules of ``decisions.rules`` and ``remedies.rules``).
    field: str = ""


COLUMNS = [
    ImportColumn(
        "reference",
        True,
        "The LGSCO reference, e.g. 22 010 218 or 24 005 859a.",
        "24 005 859a",
        field="reference",
    ),
    ImportColumn(
        "organisations",
        True,
        "Bodies complained about, separated by ';', as named in the administration.",
        "Cambridgeshire County Council",
        field="organisations",
    ),
    ImportColumn(
        "complainant",
        True,
        'The Ombudsman\'s anonymised label, e.g. "Mr X". Never a name.',
        "Mr X",
        field="complainant_label",
    ),
    ImportColumn(
        "service area",
        False,
        '"Directorate: Service", as in the administration.',
        "Adult Social Care: Safeguarding",
        field="service_area",
    ),
    ImportColumn(
        "category",
        False,
        'The Ombudsman\'s category, "Top > Sub".',
        "Adult care services > Safeguarding",
        field="category",
    ),
    ImportColumn(
        "decision date",
        True,
        "DD/MM/YYYY or YYYY-MM-DD; not in the future.",
        "13/02/2025",
        field="decision_date",
    ),
    ImportColumn(
        "decision kind",
        False,
        "Decision statement (the default) or Report.",
        "Decision statement",
        field="kind",
    ),
    ImportColumn(
        "outcome",
        True,
        "Upheld, Not upheld, Closed after initial enquiries, Referred back for local resolution, "
        "Incomplete/invalid or Advice given.",
        "Upheld",
        field="outcome",
    ),
    ImportColumn(
        "satisfactory remedy",
        False,
        "Yes if the council had already put things right (upheld only).",
        "No",
        field="satisfactory_remedy",
    ),
    ImportColumn(
        "summary",
        False,
        "The decision's summary.",
        "The Council delayed a care assessment.",
        field="summary",
    ),
    ImportColumn(
        "action kind",
        False,
        "Empty for a decision with no actions; else e.g. Apology, Financial remedy, Service "
        "improvement.",
        "Financial remedy",
        False,
        field="kind",
    ),
    ImportColumn(
        "action description",
        False,
        "What is to be done, in brief.",
        "Pay Mr X £200 for distress",
        False,
        field="description",
    ),
    ImportColumn(
        "action organisation",
        False,
        "Who must do it, when not the only body complained about.",
        "",
        False,
        field="organisation",
    ),
    ImportColumn(
        "payee",
        False,
        'Who is paid: the anonymised label, e.g. "Mr X".',
        "Mr X",
        False,
        field="payee_label",
    ),
    ImportColumn("amount", False, "Pounds, e.g. 200 or 150.50.", "200", False, field="amount"),
    ImportColumn(
        "deadline",
        False,
        'The deadline as the decision words it, e.g. "within one month of the final decision".',
        "within one month of the final decision",
        False,
        field="deadline_phrase",
    ),
    ImportColumn(
        "due date",
        False,
        "DD/MM/YYYY; worked out from the deadline when empty.",
        "",
        False,
        field="due_date",
    ),
    ImportColumn(
        "status", False, "Open (the default), Done or Withdrawn.", "Done", False, field="status"
    ),
    ImportColumn(
        "completed on",
        False,
        "DD/MM/YYYY, for a done action.",
        "10/03/2025",
        False,
        field="completed_on",
    ),
    ImportColumn(
        "compliance outcome",
        False,
        "Complied, Complied late or Not complied, as the Ombudsman recorded it.",
        "Complied",
        False,
        field="compliance_outcome",
    ),
]
NAMES = [c.name for c in COLUMNS]
REQUIRED = [c.name for c in COLUMNS if c.required]
DECISION_COLUMNS = [c.name for c in COLUMNS if c.per_decision]
# The column of each field, for the complaint and decision, and for an agreed action.
DECISION_FIELD_COLUMNS = {c.field: c.name for c in COLUMNS if c.per_decision}
ACTION_FIELD_COLUMNS = {c.field: c.name for c in COLUMNS if not c.per_decision}


class ImportFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


# --- Reading the file ----------------------------------------------------------------


def _header(cells) -> list[str]:
    return [" ".join(str(c or "").split()).lower() for c in cells]


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    unknown = [h for h in header if h and h not in NAMES]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing the column(s) " + ", ".join(f"'{m}'" for m in missing))
        if unknown:
            parts.append(
                "has column(s) this import does not know: " + ", ".join(f"'{u}'" for u in unknown)
            )
        raise ImportFileError(
            "The first row must name the columns of the template: the file is "
            + " and ".join(parts)
            + ". Download the template to see the layout."
        )
    duplicated = {h for h in header if h and header.count(h) > 1}
    if duplicated:
        raise ImportFileError(f"The column(s) {', '.join(sorted(duplicated))} appear twice.")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def read_table(name: str, data: bytes) -> list[dict]:
    """The file's rows as {column: text}, with ``_row`` their row number in the file.
    Raises ImportFileError with a message for the officer when the file cannot be used.

    The file is read a row at a time and reading stops at the first row past a limit
    (``ombudsman.uploads``): rows, lines, columns and characters. A workbook's archive
    is checked before it is opened."""
    lower = name.lower()
    if not data:
        raise ImportFileError("The file is empty.")
    if len(data) > uploads.IMPORT_MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest accepted is "
            f"{uploads.IMPORT_MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    if lower.endswith(".xlsx"):
        lines = _xlsx_lines(data)
    elif lower.endswith(".csv"):
        lines = _csv_lines(data)
    else:
        raise ImportFileError("Upload a .csv or .xlsx file (Excel 2007 or later).")
    try:
        return _rows(lines)
    finally:
        lines.close()  # a workbook is closed however far it was read


def _rows(lines: Iterator[list]) -> list[dict]:
    first = next(lines, None)
    if first is None:
        raise ImportFileError("The file has no rows.")
    header = _header(first)
    while header and not header[-1]:
        header.pop()
    if len(header) > uploads.IMPORT_MAX_COLUMNS:
        raise ImportFileError(
            f"The first row names more than {uploads.IMPORT_MAX_COLUMNS} columns; the "
            f"template has {len(NAMES)}. Download the template to see the layout."
        )
    _check_header(header)
    rows: list[dict] = []
    characters = 0
    for number, cells in enumerate(lines, start=2):
        if number > uploads.IMPORT_MAX_LINES + 1:
            raise ImportFileError(
                f"The file has more than {uploads.IMPORT_MAX_LINES:,} lines, blank ones "
                f"included; import at most {uploads.IMPORT_MAX_ROWS:,} rows at a time, and "
                "delete the empty rows below them."
            )
        values = [_cell_text(c) for c in cells[: len(header)]]
        if not any(values):
            continue  # blank lines are not rows
        if len(rows) == uploads.IMPORT_MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {uploads.IMPORT_MAX_ROWS:,} rows; import at most "
                f"{uploads.IMPORT_MAX_ROWS:,} at a time."
            )
        characters += sum(len(v) for v in values)
        if characters > uploads.IMPORT_MAX_CHARACTERS:
            raise ImportFileError(
                f"The file holds more than {uploads.IMPORT_MAX_CHARACTERS:,} characters of "
                "text; split it into smaller files."
            )
        row: dict[str, str | int] = {
            h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h
        }
        row["_row"] = number
        rows.append(row)
    if not rows:
        raise ImportFileError("The file has column headings but no decisions under them.")
    return rows


def _csv_lines(data: bytes) -> Generator[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file is not UTF-8 text (byte "
            f"{exc.start + 1} cannot be read). In Excel, save it as 'CSV UTF-8 (Comma "
            "delimited)', or upload the .xlsx file itself."
        ) from exc
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV text file.")
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as exc:  # a field longer than 131,072 characters, a stray quote
        raise ImportFileError(
            f"Line {reader.line_num} of the file cannot be read as CSV ({exc})."
        ) from exc


def _xlsx_lines(data: bytes) -> Generator[list]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            uploads.workbook_check(archive)
    except uploads.UploadRefused as exc:
        raise ImportFileError(str(exc)) from exc
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        ValueError,
        EOFError,
        OverflowError,
        struct.error,
        zlib.error,
    ):
        raise ImportFileError("The file is named .xlsx but is not an Excel workbook.") from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(f"The Excel workbook could not be read: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet declares may be wrong (openpyxl would cut rows and columns off
        # at it): rows are read until the sheet ends, each as wide as the heading row.
        sheet.reset_dimensions()
        # The heading row first, to know how many columns to read: a cell far to the
        # right would otherwise make every row as wide as it.
        first = sheet.iter_rows(max_row=1, values_only=True)
        header = list(next(first, ()))
        first.close()
        while header and header[-1] in (None, ""):
            header.pop()
        if not header:
            return
        yield header
        for row in sheet.iter_rows(min_row=2, max_col=len(header), values_only=True):
            yield list(row)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet is found only as it is read
        raise ImportFileError(f"The Excel workbook could not be read: {exc}") from exc
    finally:
        workbook.close()


def template_rows() -> list[list[str]]:
    """The template: headings, a row of examples, and a second action of the same
    decision, so the layout explains itself."""
    example = [c.example for c in COLUMNS]
    second = list(example)
    for i, c in enumerate(COLUMNS):
        if not c.per_decision:
            second[i] = {
                "action kind": "Apology", "action description": "Apologise to Mr X",
                "deadline": "within one month of the final decision", "status": "Done",
                "completed on": "03/03/2025", "compliance outcome": "Complied",
            }.get(c.name, "")  # fmt: skip
    return [NAMES, example, second]
